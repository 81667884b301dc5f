import t from 'tap';
import { MAX_SIGNAL, SIGNALS, SignalError, goQuote, parseSignal, signalName } from '../../lib/signals';

t.test('table: Linux x86_64/arm64 numbers', async (t) => {
  t.equal(Object.keys(SIGNALS).length, 31);
  t.equal(SIGNALS.SIGHUP, 1);
  t.equal(SIGNALS.SIGKILL, 9);
  t.equal(SIGNALS.SIGUSR1, 10);
  t.equal(SIGNALS.SIGTERM, 15);
  t.equal(SIGNALS.SIGSTKFLT, 16);
  t.equal(SIGNALS.SIGCHLD, 17);
  t.equal(SIGNALS.SIGSTOP, 19);
  t.equal(SIGNALS.SIGWINCH, 28);
  t.equal(SIGNALS.SIGPWR, 30);
  t.equal(SIGNALS.SIGSYS, 31);
  // every number 1..31 exactly once
  t.same(
    Object.values(SIGNALS).sort((a, b) => a - b),
    Array.from({ length: 31 }, (_, i) => i + 1),
  );
  // agrees with Node's own table for this platform
  const os = await import('os');
  for (const [name, n] of Object.entries(SIGNALS)) {
    const nodeN = (os.constants.signals as Record<string, number>)[name];
    if (nodeN !== undefined) t.equal(n, nodeN, name);
  }
  t.equal(MAX_SIGNAL, 64);
});

t.test('numbers, as Go strconv.Atoi reads them', async (t) => {
  t.equal(parseSignal('9'), 9);
  t.equal(parseSignal('0'), 0);
  t.equal(parseSignal('64'), 64);
  t.equal(parseSignal('34'), 34);
  t.equal(parseSignal('+28'), 28); // runc accepted these (experiment)
  t.equal(parseSignal('028'), 28);
  t.equal(parseSignal('-0'), 0);
});

t.test('names: any case, SIG optional (runc ToUpper + prefix)', async (t) => {
  for (const s of ['KILL', 'SIGKILL', 'kill', 'sigkill', 'SigKill', 'sIgKiLl']) t.equal(parseSignal(s), 9, s);
  for (const s of ['winch', 'sigwinch', 'SigWinch', 'sigWINCH', 'SIGwinch']) t.equal(parseSignal(s), 28, s);
  t.equal(parseSignal('TERM'), 15);
  t.equal(parseSignal('SIGSTKFLT'), 16);
  for (const [name, n] of Object.entries(SIGNALS)) {
    t.equal(parseSignal(name), n);
    t.equal(parseSignal(name.slice(3)), n);
    t.equal(parseSignal(name.toLowerCase()), n);
  }
  // Go's ToUpper maps U+017F (long s) to S, as JS does
  t.equal(parseSignal('\u017figkill'), 9);
});

t.test('real-time signals (runts extension; runc 1.1.5 rejects them)', async (t) => {
  t.equal(parseSignal('SIGRTMIN'), 34);
  t.equal(parseSignal('RTMIN'), 34);
  t.equal(parseSignal('rtmin'), 34);
  t.equal(parseSignal('SIGRTMIN+3'), 37);
  t.equal(parseSignal('RTMIN+3'), 37);
  t.equal(parseSignal('sigrtmin+30'), 64);
  t.equal(parseSignal('RTMAX'), 64);
  t.equal(parseSignal('SIGRTMAX'), 64);
  t.equal(parseSignal('RTMAX-2'), 62);
  t.equal(parseSignal('SIGRTMAX-30'), 34);
  t.equal(parseSignal('RTMIN+0'), 34);
  t.equal(parseSignal('RTMAX-0'), 64);
  for (const s of ['RTMIN+31', 'RTMAX-31', 'RTMIN+99999999999999999999999', 'RTMAX-99999999999999999999999', 'RTMIN-1', 'RTMAX+1', 'RTMIN+', 'RTMIN+x', 'RTMIN 3', 'RT', 'RTMID']) {
    t.throws(() => parseSignal(s), { message: `unknown signal ${JSON.stringify(s)}` }, s);
  }
});

t.test('unknown names: runc wording', async (t) => {
  // observed: runc kill ID FOO -> unknown signal "FOO"
  const cases = ['FOO', 'foo', 'SIG', '', ' 9', '0x1c', 'IOT', 'SIGIOT', 'POLL', 'CLD', '9.0', '1e3', 'SIGKILL '];
  for (const s of cases) {
    t.throws(() => parseSignal(s), { message: `unknown signal ${JSON.stringify(s)}`, kind: 'unknown' }, JSON.stringify(s));
  }
  // Go %q quoting of odd bytes
  t.throws(() => parseSignal('a"b\\c\n\x01'), { message: 'unknown signal "a\\"b\\\\c\\n\\x01"' });
  // beyond int64 Atoi fails, so it is a name
  t.throws(() => parseSignal('9223372036854775808'), { message: 'unknown signal "9223372036854775808"' });
  // 'ß' upper-cases to 'SS' in JS but stays in Go: not a match either way
  t.throws(() => parseSignal('ß'), { message: 'unknown signal "ß"' });
  try {
    parseSignal('FOO');
  } catch (e) {
    t.ok(e instanceof SignalError);
    t.ok(e instanceof Error);
  }
});

t.test('out of range numbers', async (t) => {
  for (const s of ['65', '-1', '999', '4294967297', '9223372036854775807', '-9223372036854775808', '32000']) {
    t.throws(() => parseSignal(s), { message: 'unable to signal init: invalid argument', kind: 'range' }, s);
  }
  try {
    parseSignal('65');
  } catch (e) {
    t.equal((e as SignalError).signal, 65);
    t.equal((e as SignalError).input, '65');
  }
});

t.test('signalName', async (t) => {
  t.equal(signalName(9), 'SIGKILL');
  t.equal(signalName(15), 'SIGTERM');
  t.equal(signalName(34), 'SIGRTMIN');
  t.equal(signalName(35), 'SIGRTMIN+1');
  t.equal(signalName(49), 'SIGRTMIN+15');
  t.equal(signalName(50), 'SIGRTMAX-14');
  t.equal(signalName(63), 'SIGRTMAX-1');
  t.equal(signalName(64), 'SIGRTMAX');
  t.equal(signalName(0), 'signal 0');
  t.equal(signalName(32), 'signal 32');
  t.equal(signalName(65), 'signal 65');
  // round trip
  for (let n = 1; n <= 64; n++) {
    if (n === 32 || n === 33) continue;
    t.equal(parseSignal(signalName(n)), n, `round trip ${n}`);
  }
});

t.test('goQuote', async (t) => {
  t.equal(goQuote('FOO'), '"FOO"');
  t.equal(goQuote('\x07\b\f\n\r\t\v\x7f'), '"\\a\\b\\f\\n\\r\\t\\v\\x7f"');
  t.equal(goQuote('é日'), '"é日"');
  t.equal(goQuote('\u00a0'), '"\\u00a0"');
  t.equal(goQuote('\u{e0001}'), '"\\U000e0001"');
});
