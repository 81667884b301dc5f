// The small part of D-Bus the systemd cgroup driver needs, synchronous: the
// driver runs inside spawn()'s callback, while the init waits and no event loop
// turns, so the socket is a blocking fd (native.connectUnix) read and written
// with fs.readSync/writeSync. Why not a package from npm: the maintained
// pure-JS clients (dbus-next 0.10.2, 2021, seven dependencies) are promise-
// based and need the event loop; what is needed here is SASL EXTERNAL, Hello,
// method calls, AddMatch and one signal, ~300 lines. Marshalling is pure and
// unit-tested against golden bytes (spec/systemd-dbus.test.ts).
//
// Wire format (D-Bus specification, "Message Protocol"): little endian; each
// value aligned to its type's alignment from the start of the message.
import * as fs from '../sys/fs';
import * as native from '../native';

export interface Variant {
  sig: string;
  value: DBusValue;
}
/** y n q i u: number; x t: bigint (number accepted); b: boolean; s o g: string; ay: Buffer; a / (): array; v: Variant */
export type DBusValue = number | bigint | string | boolean | Buffer | Variant | DBusValue[];

export class DBusProtocolError extends Error {
  override name = 'DBusProtocolError';
}

/** A D-Bus error reply: name as "org.freedesktop.systemd1.NoSuchUnit" */
export class DBusCallError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------
// signatures

/** Index just after the single complete type that starts at sig[i]. */
function typeEnd(sig: string, i: number): number {
  const c = sig[i];
  if (c === undefined) throw new DBusProtocolError(`signature "${sig}" ends inside a type`);
  if (c === 'a') return typeEnd(sig, i + 1);
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}';
    let j = i + 1;
    while (sig[j] !== close) {
      if (j >= sig.length) throw new DBusProtocolError(`signature "${sig}": unclosed ${c}`);
      j = typeEnd(sig, j);
    }
    return j + 1;
  }
  if ('ybnqiuxtdsogvh'.includes(c)) return i + 1;
  throw new DBusProtocolError(`signature "${sig}": unknown type code "${c}"`);
}

/** "ssa(sv)" -> ["s", "s", "a(sv)"] */
export function splitSignature(sig: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < sig.length; ) {
    const j = typeEnd(sig, i);
    out.push(sig.slice(i, j));
    i = j;
  }
  return out;
}

function alignOf(t: string): number {
  switch (t[0]) {
    case 'y': case 'g': case 'v':
      return 1;
    case 'n': case 'q':
      return 2;
    case 'x': case 't': case 'd': case '(': case '{':
      return 8;
    default:
      return 4; // b i u h s o a
  }
}

// ---------------------------------------------------------------------------
// marshalling

class Writer {
  private buf = Buffer.alloc(256);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }
  align(n: number): void {
    const pad = (n - (this.len % n)) % n;
    this.room(pad);
    this.buf.fill(0, this.len, this.len + pad);
    this.len += pad;
  }
  u8(v: number): void {
    this.room(1);
    this.buf.writeUInt8(v, this.len);
    this.len += 1;
  }
  u32(v: number): void {
    this.align(4);
    this.room(4);
    this.buf.writeUInt32LE(v, this.len);
    this.len += 4;
  }
  setU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v, at);
  }
  bytes(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }
  fixed(n: number, put: (b: Buffer, at: number) => void): void {
    this.align(n);
    this.room(n);
    put(this.buf, this.len);
    this.len += n;
  }
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

function bad(t: string, v: unknown): never {
  throw new DBusProtocolError(`cannot marshal ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)} as "${t}"`);
}

function int(t: string, v: DBusValue, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) bad(t, v);
  return v;
}

function big(t: string, v: DBusValue, signed: boolean): bigint {
  const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : bad(t, v);
  const ok = signed ? b >= -(1n << 63n) && b < 1n << 63n : b >= 0n && b < 1n << 64n;
  return ok ? b : bad(t, v);
}

function marshal(w: Writer, t: string, v: DBusValue): void {
  switch (t[0]) {
    case 'y':
      return w.u8(int(t, v, 0, 255));
    case 'b':
      if (typeof v !== 'boolean') bad(t, v);
      return w.u32(v ? 1 : 0);
    case 'n':
      return w.fixed(2, (b, at) => b.writeInt16LE(int(t, v, -32768, 32767), at));
    case 'q':
      return w.fixed(2, (b, at) => b.writeUInt16LE(int(t, v, 0, 65535), at));
    case 'i':
      return w.fixed(4, (b, at) => b.writeInt32LE(int(t, v, -(2 ** 31), 2 ** 31 - 1), at));
    case 'u': case 'h':
      return w.u32(int(t, v, 0, 2 ** 32 - 1));
    case 'x':
      return w.fixed(8, (b, at) => b.writeBigInt64LE(big(t, v, true), at));
    case 't':
      return w.fixed(8, (b, at) => b.writeBigUInt64LE(big(t, v, false), at));
    case 'd':
      if (typeof v !== 'number') bad(t, v);
      return w.fixed(8, (b, at) => b.writeDoubleLE(v, at));
    case 's': case 'o': {
      if (typeof v !== 'string' || v.includes('\0')) bad(t, v);
      const s = Buffer.from(v, 'utf8');
      w.u32(s.length);
      w.bytes(s);
      return w.u8(0);
    }
    case 'g': {
      if (typeof v !== 'string' || v.length > 255) bad(t, v);
      splitSignature(v); // refuses a malformed one
      w.u8(v.length);
      w.bytes(Buffer.from(v, 'latin1'));
      return w.u8(0);
    }
    case 'v': {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v)) bad(t, v);
      const vv = v as Variant;
      if (splitSignature(vv.sig).length !== 1) bad(t, v);
      marshal(w, 'g', vv.sig);
      return marshal(w, vv.sig, vv.value);
    }
    case 'a': {
      const elem = t.slice(1);
      w.u32(0);
      const lenAt = w.len - 4;
      w.align(alignOf(elem));
      const start = w.len;
      if (elem === 'y' && Buffer.isBuffer(v)) w.bytes(v);
      else if (Array.isArray(v)) for (const e of v) marshal(w, elem, e);
      else bad(t, v);
      if (w.len - start > 64 * 1024 * 1024) bad(t, '(an array over 64 MiB)');
      return w.setU32(lenAt, w.len - start);
    }
    case '(': case '{': {
      const fields = splitSignature(t.slice(1, -1));
      if (!Array.isArray(v) || v.length !== fields.length) bad(t, v);
      w.align(8);
      fields.forEach((ft, i) => marshal(w, ft, (v as DBusValue[])[i]));
      return;
    }
  }
  bad(t, v);
}

/** The values of `sig`, marshalled from offset 0 (a message body starts 8-aligned). */
export function marshalBody(sig: string, values: DBusValue[]): Buffer {
  const types = splitSignature(sig);
  if (types.length !== values.length) throw new DBusProtocolError(`signature "${sig}" has ${types.length} values, got ${values.length}`);
  const w = new Writer();
  types.forEach((t, i) => marshal(w, t, values[i]));
  return w.done();
}

class Reader {
  constructor(
    private buf: Buffer,
    public pos = 0,
    private end = buf.length,
  ) {}
  align(n: number): void {
    this.pos += (n - (this.pos % n)) % n;
    this.need(0);
  }
  need(n: number): void {
    if (this.pos + n > this.end) throw new DBusProtocolError('message ends inside a value');
  }
  take(n: number, a = n): number {
    this.align(a);
    this.need(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  get b(): Buffer {
    return this.buf;
  }
}

function unmarshal(r: Reader, t: string, depth = 0): DBusValue {
  if (depth > 32) throw new DBusProtocolError('values nested too deep');
  const b = r.b;
  switch (t[0]) {
    case 'y':
      return b.readUInt8(r.take(1));
    case 'b': {
      const v = b.readUInt32LE(r.take(4));
      if (v > 1) throw new DBusProtocolError(`boolean ${v}`);
      return v === 1;
    }
    case 'n':
      return b.readInt16LE(r.take(2));
    case 'q':
      return b.readUInt16LE(r.take(2));
    case 'i':
      return b.readInt32LE(r.take(4));
    case 'u': case 'h':
      return b.readUInt32LE(r.take(4));
    case 'x':
      return b.readBigInt64LE(r.take(8));
    case 't':
      return b.readBigUInt64LE(r.take(8));
    case 'd':
      return b.readDoubleLE(r.take(8));
    case 's': case 'o': {
      const n = b.readUInt32LE(r.take(4));
      const at = r.take(n + 1, 1);
      if (b[at + n] !== 0) throw new DBusProtocolError('string without its NUL');
      return b.toString('utf8', at, at + n);
    }
    case 'g': {
      const n = b.readUInt8(r.take(1));
      const at = r.take(n + 1, 1);
      return b.toString('latin1', at, at + n);
    }
    case 'v': {
      const sig = unmarshal(r, 'g', depth + 1) as string;
      if (splitSignature(sig).length !== 1) throw new DBusProtocolError(`variant signature "${sig}"`);
      return { sig, value: unmarshal(r, sig, depth + 1) };
    }
    case 'a': {
      const elem = t.slice(1);
      const n = b.readUInt32LE(r.take(4));
      if (n > 64 * 1024 * 1024) throw new DBusProtocolError(`array of ${n} bytes`);
      r.align(alignOf(elem));
      r.need(n);
      const end = r.pos + n;
      if (elem === 'y') {
        r.pos = end;
        return Buffer.from(b.subarray(end - n, end));
      }
      const out: DBusValue[] = [];
      while (r.pos < end) out.push(unmarshal(r, elem, depth + 1));
      if (r.pos !== end) throw new DBusProtocolError('array elements overrun its length');
      return out;
    }
    case '(': case '{': {
      r.align(8);
      return splitSignature(t.slice(1, -1)).map((ft) => unmarshal(r, ft, depth + 1));
    }
  }
  throw new DBusProtocolError(`unknown type "${t}"`);
}

export function unmarshalBody(sig: string, body: Buffer): DBusValue[] {
  const r = new Reader(body);
  const out = splitSignature(sig).map((t) => unmarshal(r, t));
  if (r.pos !== body.length) throw new DBusProtocolError(`${body.length - r.pos} bytes after the body's values`);
  return out;
}

// ---------------------------------------------------------------------------
// messages

export const METHOD_CALL = 1;
export const METHOD_RETURN = 2;
export const ERROR = 3;
export const SIGNAL = 4;

export interface Message {
  type: number;
  flags: number;
  serial: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  signature: string;
  body: DBusValue[];
}

// header field codes and their types
const FIELDS: [keyof Message, number, string][] = [
  ['path', 1, 'o'],
  ['interface', 2, 's'],
  ['member', 3, 's'],
  ['errorName', 4, 's'],
  ['replySerial', 5, 'u'],
  ['destination', 6, 's'],
  ['sender', 7, 's'],
  ['signature', 8, 'g'],
];

export function encodeMessage(m: Message): Buffer {
  const body = marshalBody(m.signature, m.body);
  const fields: DBusValue[] = [];
  for (const [key, code, sig] of FIELDS) {
    const v = m[key];
    if (v === undefined || (key === 'signature' && v === '')) continue;
    fields.push([code, { sig, value: v as DBusValue }]);
  }
  const w = new Writer();
  w.u8(0x6c); // 'l': little endian
  w.u8(m.type);
  w.u8(m.flags);
  w.u8(1); // protocol version
  w.u32(body.length);
  w.u32(m.serial);
  marshal(w, 'a(yv)', fields);
  w.align(8);
  w.bytes(body);
  return w.done();
}

/** Bytes of the whole message at the front of buf, or 0 when its header is not all there yet. */
export function messageLength(buf: Buffer): number {
  if (buf.length < 16) return 0;
  if (buf[0] !== 0x6c) throw new DBusProtocolError(`big-endian or garbled message (first byte ${buf[0]})`);
  const bodyLen = buf.readUInt32LE(4);
  const fieldsLen = buf.readUInt32LE(12);
  if (bodyLen > 128 * 1024 * 1024 || fieldsLen > 64 * 1024 * 1024) throw new DBusProtocolError('message too long');
  return 16 + fieldsLen + ((8 - (fieldsLen % 8)) % 8) + bodyLen;
}

export function decodeMessage(buf: Buffer): Message {
  const total = messageLength(buf);
  if (total === 0 || buf.length !== total) throw new DBusProtocolError(`message of ${buf.length} bytes, header says ${total}`);
  if (buf[3] !== 1) throw new DBusProtocolError(`protocol version ${buf[3]}`);
  const bodyLen = buf.readUInt32LE(4);
  const r = new Reader(buf, 12, total - bodyLen);
  const fields = unmarshal(r, 'a(yv)') as [number, Variant][];
  const m: Message = { type: buf[1], flags: buf[2], serial: buf.readUInt32LE(8), signature: '', body: [] };
  for (const [code, v] of fields) {
    const f = FIELDS.find((x) => x[1] === code);
    if (!f) continue; // unknown fields are ignored, as the specification says
    if (v.sig !== f[2]) throw new DBusProtocolError(`header field ${code} of type "${v.sig}"`);
    (m as unknown as Record<string, unknown>)[f[0]] = v.value;
  }
  m.body = unmarshalBody(m.signature, buf.subarray(total - bodyLen));
  return m;
}

// ---------------------------------------------------------------------------
// a connection

/** SASL EXTERNAL's initial response: the uid in decimal, each digit as two hex digits ("0" -> "30") */
export function authLine(uid: number): string {
  return `AUTH EXTERNAL ${Buffer.from(String(uid), 'ascii').toString('hex')}\r\n`;
}

export interface ConnectOptions {
  /** a bus daemon (Hello and AddMatch), rather than systemd's private peer-to-peer socket */
  bus: boolean;
  timeoutMs: number;
  /** the uid SASL EXTERNAL claims (default getuid()): in a user namespace, our uid as the bus daemon sees it */
  authUid?: number;
}

export class SyncConnection {
  private serial = 0;
  private inbuf = Buffer.alloc(0);
  /** signals read while waiting for a reply */
  private queued: Message[] = [];

  private constructor(
    private fd: number,
    readonly path: string,
  ) {}

  /** Connects, authenticates and (on a bus) says Hello. */
  static open(path: string, o: ConnectOptions): SyncConnection {
    const fd = native.connectUnix(path, o.timeoutMs);
    if (fd < 0) throw Object.assign(new Error(`connect ${path}: errno ${-fd}`), { errno: -fd });
    const c = new SyncConnection(fd, path);
    try {
      c.write(Buffer.from('\0' + authLine(o.authUid ?? process.getuid?.() ?? 0), 'latin1'));
      const reply = c.readLine();
      if (!reply.startsWith('OK ')) throw new DBusProtocolError(`${path}: authentication refused: ${reply}`);
      c.write(Buffer.from('BEGIN\r\n', 'latin1'));
      if (o.bus) c.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'Hello', '', []);
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  close(): void {
    if (this.fd < 0) return;
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  private write(b: Buffer): void {
    for (let off = 0; off < b.length; ) off += fs.writeSync(this.fd, b, off, b.length - off);
  }

  private fill(): void {
    const chunk = Buffer.alloc(64 * 1024);
    let n: number;
    try {
      n = fs.readSync(this.fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') throw new DBusProtocolError(`${this.path}: no answer in time`);
      throw e;
    }
    if (n === 0) throw new DBusProtocolError(`${this.path}: connection closed by the other side`);
    this.inbuf = Buffer.concat([this.inbuf, chunk.subarray(0, n)]);
  }

  private readLine(): string {
    for (;;) {
      const i = this.inbuf.indexOf('\r\n');
      if (i >= 0) {
        const line = this.inbuf.toString('latin1', 0, i);
        this.inbuf = this.inbuf.subarray(i + 2);
        return line;
      }
      if (this.inbuf.length > 4096) throw new DBusProtocolError(`${this.path}: authentication line too long`);
      this.fill();
    }
  }

  private readMessage(): Message {
    for (;;) {
      const n = messageLength(this.inbuf);
      if (n > 0 && this.inbuf.length >= n) {
        const m = decodeMessage(Buffer.from(this.inbuf.subarray(0, n)));
        this.inbuf = this.inbuf.subarray(n);
        return m;
      }
      this.fill();
    }
  }

  /** A method call; its reply's values, or DBusCallError for an error reply. */
  call(destination: string | undefined, path: string, iface: string, member: string, signature: string, body: DBusValue[]): DBusValue[] {
    const serial = ++this.serial;
    this.write(encodeMessage({ type: METHOD_CALL, flags: 0, serial, destination, path, interface: iface, member, signature, body }));
    for (;;) {
      const m = this.readMessage();
      if (m.type === SIGNAL) {
        this.queued.push(m);
        continue;
      }
      if (m.replySerial !== serial) continue;
      if (m.type === ERROR) throw new DBusCallError(m.errorName ?? 'org.freedesktop.DBus.Error.Failed', typeof m.body[0] === 'string' ? m.body[0] : '');
      return m.body;
    }
  }

  /** The first signal (queued or still to come) that `match` accepts. */
  waitSignal(match: (m: Message) => boolean): Message {
    const i = this.queued.findIndex(match);
    if (i >= 0) return this.queued.splice(i, 1)[0];
    for (;;) {
      const m = this.readMessage();
      if (m.type === SIGNAL && match(m)) return m;
      if (m.type === SIGNAL) this.queued.push(m);
    }
  }
}
