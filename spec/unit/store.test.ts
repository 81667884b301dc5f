// The state store's pure parts: timestamps as Go prints them.
import t from 'tap';
import { rfc3339Nano, utcSeconds } from '../../lib/container/store';

t.test('utcSeconds agrees with Date#toISOString over the years', async (t) => {
  const samples = [0, 951782400000, 4107542400000, 1709164800000, 1700000000123, -86400000 * 365, 253402300799000];
  for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4e12));
  for (const ms of samples) if (utcSeconds(ms) !== new Date(ms).toISOString().slice(0, 19)) t.fail(`${ms}: ${utcSeconds(ms)} != ${new Date(ms).toISOString()}`);
  t.pass(`${samples.length} instants, leap years and century rules included`);
});

t.test('rfc3339Nano: nanoseconds without trailing zeros, as Go', async (t) => {
  t.equal(rfc3339Nano(1700000000123, 456789n), '2023-11-14T22:13:20.123456789Z');
  t.equal(rfc3339Nano(1700000000100, 0n), '2023-11-14T22:13:20.1Z');
  t.equal(rfc3339Nano(1700000000000, 0n), '2023-11-14T22:13:20Z');
});
