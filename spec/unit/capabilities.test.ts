import t from 'tap';
import { readFileSync } from 'fs';
import {
  CAPABILITIES,
  MAX_KNOWN_CAP,
  allCapNames,
  capMask,
  capName,
  capNumber,
  lastCap,
  supportedCapNames,
  unknownCaps,
  unsupportedCaps,
} from '../../lib/capabilities';

t.test('table', async (t) => {
  const names = allCapNames();
  t.equal(names.length, 41);
  t.equal(MAX_KNOWN_CAP, 40);
  t.equal(names[0], 'CAP_CHOWN');
  t.equal(names[40], 'CAP_CHECKPOINT_RESTORE');
  names.forEach((name, i) => {
    t.equal(CAPABILITIES[name], i, name);
    t.equal(capNumber(name), i);
    t.equal(capName(i), name);
  });
  t.equal(CAPABILITIES.CAP_KILL, 5);
  t.equal(CAPABILITIES.CAP_NET_BIND_SERVICE, 10);
  t.equal(CAPABILITIES.CAP_SYS_ADMIN, 21);
  t.equal(CAPABILITIES.CAP_AUDIT_WRITE, 29);
  t.equal(CAPABILITIES.CAP_SETFCAP, 31);
  t.equal(CAPABILITIES.CAP_MAC_OVERRIDE, 32);
  t.equal(CAPABILITIES.CAP_AUDIT_READ, 37);
  t.equal(CAPABILITIES.CAP_PERFMON, 38);
  t.equal(CAPABILITIES.CAP_BPF, 39);
  t.equal(capNumber('CAP_FOO'), undefined);
  t.equal(capNumber('toString'), undefined);
  t.equal(capName(41), undefined);
  // callers cannot corrupt the table through the returned array
  names.pop();
  t.equal(allCapNames().length, 41);
});

t.test('capMask', async (t) => {
  t.equal(capMask([]), 0n);
  t.equal(capMask(['CAP_CHOWN']), 1n);
  t.equal(capMask(['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']), (1n << 29n) | (1n << 5n) | (1n << 10n));
  t.equal(capMask(['CAP_KILL', 'CAP_KILL']), 1n << 5n);
  t.equal(capMask(['CAP_CHECKPOINT_RESTORE']), 1n << 40n);
  t.equal(capMask(allCapNames()), (1n << 41n) - 1n);
  t.throws(() => capMask(['CAP_KILL', 'CAP_FOO']), { message: 'unknown capability "CAP_FOO"' });
  // exact names only, as runc
  t.throws(() => capMask(['cap_kill']), { message: 'unknown capability "cap_kill"' });
  t.throws(() => capMask(['KILL']), { message: 'unknown capability "KILL"' });
  t.throws(() => capMask(['__proto__']), { message: 'unknown capability "__proto__"' });
});

t.test('unknownCaps / unsupportedCaps', async (t) => {
  t.same(unknownCaps(['CAP_KILL', 'CAP_FOO', 'kill']), ['CAP_FOO', 'kill']);
  t.same(unsupportedCaps(['CAP_KILL', 'CAP_FOO']), []);
  const last = lastCap();
  if (last < 40) t.same(unsupportedCaps(['CAP_CHECKPOINT_RESTORE']), ['CAP_CHECKPOINT_RESTORE']);
  else t.same(unsupportedCaps(['CAP_CHECKPOINT_RESTORE']), []);
});

t.test('lastCap reads the kernel value', async (t) => {
  let expected = 40;
  try {
    expected = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    // fallback
  }
  t.equal(lastCap(), expected);
  t.equal(lastCap(), expected, 'cached');
  t.equal(supportedCapNames().length, Math.min(expected, 40) + 1);
});

t.test('lastCap falls back to 40 when the file is unreadable', async (t) => {
  const mod = t.mockRequire<typeof import('../../lib/capabilities')>('../../lib/capabilities', {
    fs: {
      readFileSync: () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
    },
  });
  t.equal(mod.lastCap(), 40);
  const mod2 = t.mockRequire<typeof import('../../lib/capabilities')>('../../lib/capabilities', {
    fs: { readFileSync: () => 'garbage\n' },
  });
  t.equal(mod2.lastCap(), 40);
  const mod3 = t.mockRequire<typeof import('../../lib/capabilities')>('../../lib/capabilities', {
    fs: { readFileSync: () => '37\n' },
  });
  t.equal(mod3.lastCap(), 37);
  t.same(mod3.supportedCapNames().slice(-1), ['CAP_AUDIT_READ']);
  t.same(mod3.unsupportedCaps(['CAP_BPF', 'CAP_KILL']), ['CAP_BPF']);
});
