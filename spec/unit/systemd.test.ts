// Unit tests (no root, no bus): the D-Bus marshalling against bytes worked out
// by hand from the D-Bus specification, messages round-tripped, and the
// systemd driver's mapping of linux.resources to unit properties. That the
// bytes are what dbus-daemon and systemd take is shown in the v2 VM
// (make test-v2: spec/v2/cgroups-v2.test.ts).
import t from 'tap';
import { authLine, decodeMessage, encodeMessage, marshalBody, messageLength, splitSignature, unmarshalBody, DBusProtocolError, METHOD_CALL, SIGNAL } from '../../lib/cgroups/dbus';
import { deviceGroup, deviceProperties, INFINITY, listToMask, resourceProperties, unitFor, unitProperties, type Property } from '../../lib/cgroups/systemd';
import { deviceRules, resourceWrites, type HostFacts } from '../../lib/cgroups/resources';
import { resolveCgroupPath } from '../../lib/cgroups/path';
import type { Resources } from '../../lib/config/types';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const str = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

t.test('signatures split into complete types', async (t) => {
  t.same(splitSignature('ssa(sv)a(sa(sv))'), ['s', 's', 'a(sv)', 'a(sa(sv))']);
  t.same(splitSignature('a{sv}ay'), ['a{sv}', 'ay']);
  t.throws(() => splitSignature('a(sv'), DBusProtocolError);
  t.throws(() => splitSignature('z'), DBusProtocolError);
});

t.test('Hello: the header, field by field', async (t) => {
  const got = encodeMessage({
    type: METHOD_CALL,
    flags: 0,
    serial: 1,
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'Hello',
    destination: 'org.freedesktop.DBus',
    signature: '',
    body: [],
  });
  const want = hex(
    '6c 01 00 01' + // little endian, method call, no flags, version 1
      '00000000 01000000' + // body length 0, serial 1
      '6d000000' + // header fields: 109 bytes
      // (1 PATH, "o") at 16: the string's length is aligned to 4
      '01 01 6f 00 15000000' + str('/org/freedesktop/DBus') + '00' +
      '0000' + // each field struct is aligned to 8: 46 -> 48
      '02 01 73 00 14000000' + str('org.freedesktop.DBus') + '00' +
      '000000' + // 77 -> 80
      '03 01 73 00 05000000' + str('Hello') + '00' +
      '0000' + // 94 -> 96
      '06 01 73 00 14000000' + str('org.freedesktop.DBus') + '00' +
      '000000', // the body starts 8-aligned: 125 -> 128
  );
  t.equal(got.toString('hex'), want.toString('hex'));
  t.equal(messageLength(got), 128);
  const back = decodeMessage(got);
  t.equal(back.member, 'Hello');
  t.equal(back.destination, 'org.freedesktop.DBus');
  t.same(back.body, []);
});

t.test("StartTransientUnit's body (ssa(sv)a(sa(sv))), by hand", async (t) => {
  const got = marshalBody('ssa(sv)a(sa(sv))', ['a.scope', 'replace', [['Delegate', { sig: 'b', value: true }]], []]);
  const want = hex(
    '07000000' + str('a.scope') + '00' + // 0..12
      '07000000' + str('replace') + '00' + // 12..24
      '14000000' + // a(sv): 20 bytes of elements, counted from the first one
      '00000000' + // padding to the struct's 8-alignment: 28 -> 32
      '08000000' + str('Delegate') + '00' + // 32..45
      '01 62 00' + // variant signature "b"
      '01000000' + // true, 4-aligned at 48
      '00000000', // a(sa(sv)): empty, at 52; its first element would be at 56
  );
  t.equal(got.toString('hex'), want.toString('hex'));
  t.same(unmarshalBody('ssa(sv)a(sa(sv))', got), ['a.scope', 'replace', [['Delegate', { sig: 'b', value: true }]], []]);
});

t.test('u64, ay and au values: alignment and byte order', async (t) => {
  const got = marshalBody('a(sv)', [
    [
      ['MemoryMax', { sig: 't', value: 67108864n }],
      ['AllowedCPUs', { sig: 'ay', value: Buffer.from([0x07, 0x02]) }],
      ['PIDs', { sig: 'au', value: [4242] }],
    ],
  ]);
  const want = hex(
    '58000000 00000000' + // 88 bytes of elements, from 8 (the struct's 8-alignment)
      '09000000' + str('MemoryMax') + '00' + // 8..22
      '01 74 00' + // "t" 22..25
      '00000000000000' + // a u64 is aligned to 8: 25 -> 32
      '0000000400000000' + // 64 MiB, little endian, 32..40
      '0b000000' + str('AllowedCPUs') + '00' + // the next struct at 40, already aligned; 40..56
      '02 61 79 00' + // "ay" 56..60
      '02000000 07 02' + // 2 bytes at 60..66: cpus 0-2 and 9
      '000000000000' + // 66 -> 72
      '04000000' + str('PIDs') + '00' + // 72..81
      '02 61 75 00' + // "au" 81..85
      '000000 04000000 92100000', // the array's length aligned to 4 (85 -> 88), then 4242
  );
  t.equal(got.toString('hex'), want.toString('hex'));
  const back = unmarshalBody('a(sv)', got) as [string, { sig: string; value: unknown }][][];
  t.equal(back[0][0][1].value, 67108864n);
  t.same(back[0][1][1].value, Buffer.from([7, 2]));
  t.same(back[0][2][1].value, [4242]);
});

t.test('JobRemoved round trip; refusals of what cannot be marshalled or decoded', async (t) => {
  const sig = {
    type: SIGNAL,
    flags: 1,
    serial: 77,
    path: '/org/freedesktop/systemd1',
    interface: 'org.freedesktop.systemd1.Manager',
    member: 'JobRemoved',
    sender: ':1.0',
    signature: 'uoss',
    body: [9, '/org/freedesktop/systemd1/job/9', 'runts-x.scope', 'done'],
  };
  const b = encodeMessage(sig);
  t.same(decodeMessage(b), sig);
  t.throws(() => decodeMessage(b.subarray(0, b.length - 1)), DBusProtocolError, 'a truncated message');
  const wrongEndian = Buffer.from(b);
  wrongEndian[0] = 0x42;
  t.throws(() => messageLength(wrongEndian), DBusProtocolError);
  t.throws(() => marshalBody('u', [-1]), DBusProtocolError);
  t.throws(() => marshalBody('t', [-1n]), DBusProtocolError);
  t.throws(() => marshalBody('s', ['a\0b']), DBusProtocolError, 'a NUL inside a string');
  t.throws(() => marshalBody('b', [1]), DBusProtocolError);
  t.throws(() => marshalBody('ss', ['one']), DBusProtocolError, 'fewer values than the signature');
});

t.test('SASL EXTERNAL: the uid in decimal, hex-encoded', async (t) => {
  t.equal(authLine(0), 'AUTH EXTERNAL 30\r\n');
  t.equal(authLine(1000), 'AUTH EXTERNAL 31303030\r\n');
});

t.test('units and where systemd puts them', async (t) => {
  t.same(unitFor('', 'abc'), { unit: 'runts-abc.scope', slice: 'system.slice' });
  t.same(unitFor('runts-test-a.slice:crio:x', 'abc'), { unit: 'crio-x.scope', slice: 'runts-test-a.slice' });
  t.same(unitFor(':docker:x', 'abc'), { unit: 'docker-x.scope', slice: 'system.slice' });
  t.same(unitFor('system.slice::x', 'abc'), { unit: 'x.scope', slice: 'system.slice' });
  // systemd nests a slice by its name: a-b.slice lives in a.slice
  t.equal(resolveCgroupPath('runts-test-a.slice:runts:x', 'id', true), '/runts.slice/runts-test.slice/runts-test-a.slice/runts-x.scope');
  t.equal(resolveCgroupPath('-.slice:runts:x', 'id', true), '/runts-x.scope');
  t.equal(resolveCgroupPath('system.slice:runts:runts-test-k.slice', 'id', true), '/runts.slice/runts-test.slice/runts-test-k.slice');
  t.throws(() => unitFor('a--b.slice:p:x', 'id'), /linux.cgroupsPath: invalid slice name: a--b.slice/);
  t.throws(() => unitFor('-a.slice:p:x', 'id'), /invalid slice name/);
  t.throws(() => unitFor('notaslice:p:x', 'id'), /invalid slice name/);
  t.throws(() => unitFor('a:b', 'id'), /expected "slice:prefix:name"/);
  t.throws(() => unitFor('a.slice:p:x/y', 'id'), /invalid unit name/);
});

const v2: HostFacts = { version: 'v2', controllers: new Set(['cpu', 'cpuset', 'io', 'memory', 'pids', 'hugetlb']), hasFile: () => false };
const props = (r: Resources): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of resourceProperties(resourceWrites(r, v2))) out[k] = v.value;
  return out;
};

t.test('linux.resources to unit properties', async (t) => {
  t.same(
    props({
      memory: { limit: 64 << 20, reservation: 32 << 20, swap: 96 << 20 },
      cpu: { shares: 1024, quota: 50000, period: 100000, cpus: '0-2,9', mems: '0' },
      pids: { limit: 42 },
      blockIO: { weight: 500 },
      unified: { 'memory.high': '50331648' },
    }),
    {
      MemoryMax: BigInt(64 << 20),
      MemoryLow: BigInt(32 << 20),
      MemoryHigh: 50331648n,
      MemorySwapMax: BigInt(32 << 20), // v2 swap is swap alone: memory+swap - memory
      TasksMax: 42n,
      CPUWeight: 39n, // runc's shares -> weight conversion
      CPUQuotaPerSecUSec: 500000n,
      CPUQuotaPeriodUSec: 100000n,
      AllowedCPUs: Buffer.from([0x07, 0x02]),
      AllowedMemoryNodes: Buffer.from([0x01]),
      IOWeight: 4950n, // 1 + (500 - 10) * 9999 / 990, as runc converts blkio weight
    },
  );
  // -1 is systemd's infinity; a quota of 1/3 CPU rounds up to whole percents
  t.same(props({ memory: { limit: -1 }, pids: { limit: -1 }, cpu: { quota: 33333, period: 100000 } }), {
    MemoryMax: INFINITY,
    TasksMax: INFINITY,
    CPUQuotaPerSecUSec: 340000n,
    CPUQuotaPeriodUSec: 100000n,
  });
  t.same(props({ cpu: { quota: -1, period: 50000 } }), { CPUQuotaPerSecUSec: INFINITY, CPUQuotaPeriodUSec: 50000n });
  // what systemd has no property for stays a file only
  t.same(props({ cpu: { burst: 1000, idle: 1 }, hugepageLimits: [{ pageSize: '2MB', limit: 0 }], blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1 }] } }), {});
  t.throws(() => listToMask('0-', 'cpuset.cpus'), /cpuset.cpus: "0-" is not a list/);
  t.same(listToMask('8', 'x'), Buffer.from([0, 1]));
});

const PROC_DEVICES = 'Character devices:\n  1 mem\n  4 /dev/vc/0\n  5 /dev/tty\n136 pts\n\nBlock devices:\n  8 sd\n259 blkext\n';

t.test('device rules to DevicePolicy and DeviceAllow', async (t) => {
  t.equal(deviceGroup(PROC_DEVICES, 'c', 136), 'pts');
  t.equal(deviceGroup(PROC_DEVICES, 'b', 8), 'sd');
  t.equal(deviceGroup(PROC_DEVICES, 'c', 8), undefined);
  const allow = (p: Property[]): unknown[] => p.filter(([k]) => k === 'DeviceAllow').flatMap(([, v]) => v.value as unknown[]);
  // the default: deny everything, then the config's rules and runc's defaults
  const d = deviceProperties(deviceRules([{ allow: false, access: 'rwm' }, { allow: true, type: 'b', major: 8, access: 'r' }], undefined), PROC_DEVICES);
  t.same(d[0], ['DevicePolicy', { sig: 's', value: 'strict' }]);
  t.same(d[1], ['DeviceAllow', { sig: 'a(ss)', value: [] }], 'the list is emptied first (update)');
  const list = allow(d);
  t.ok(list.some((e) => JSON.stringify(e) === '["block-sd","r"]'), 'a whole major by its /proc/devices name');
  t.ok(list.some((e) => JSON.stringify(e) === '["char-pts","rwm"]'));
  t.ok(list.some((e) => JSON.stringify(e) === '["/dev/char/1:3","rwm"]'), 'one device by its numbers');
  t.ok(list.some((e) => JSON.stringify(e) === '["char-*","m"]'));
  // a later deny narrows what runts' own program allows; systemd keeps the superset
  const withDeny = allow(deviceProperties(deviceRules([{ allow: false, access: 'rwm' }, { allow: false, type: 'c', major: 1, minor: 3, access: 'rwm' }], undefined), PROC_DEVICES));
  t.ok(withDeny.some((e) => JSON.stringify(e) === '["/dev/char/1:3","rwm"]'));
  // allow-all last: systemd restricts nothing
  t.same(deviceProperties([{ allow: true, type: 'a', major: -1, minor: -1, access: 'rwm' }], PROC_DEVICES), [
    ['DevicePolicy', { sig: 's', value: 'auto' }],
    ['DeviceAllow', { sig: 'a(ss)', value: [] }],
  ]);
});

t.test('the scope: the init by pid, delegated, in its slice', async (t) => {
  const p = new Map(unitProperties({ unit: 'runts-x.scope', slice: 'runts-test.slice' }, 'x', 4242, [['TasksMax', { sig: 't', value: 5n }]]));
  t.same(p.get('PIDs'), { sig: 'au', value: [4242] });
  t.same(p.get('Delegate'), { sig: 'b', value: true });
  t.same(p.get('Slice'), { sig: 's', value: 'runts-test.slice' });
  t.same(p.get('DefaultDependencies'), { sig: 'b', value: false });
  t.same(p.get('TasksMax'), { sig: 't', value: 5n });
  // a slice holds no pid of its own
  const s = new Map(unitProperties({ unit: 'runts-test-k.slice', slice: 'system.slice' }, 'x', 4242, []));
  t.notOk(s.has('PIDs'));
  t.same(s.get('Wants'), { sig: 'as', value: ['system.slice'] });
  // every property marshals
  t.doesNotThrow(() => marshalBody('ssa(sv)a(sa(sv))', ['runts-x.scope', 'replace', [...p], []]));
});
