// A classic BPF interpreter for seccomp programs, for tests: runs a filter
// (the ENOSYS stub, or what libseccomp exports) on one struct seccomp_data
// and says what the kernel would return, without loading anything. Covers
// the instructions seccomp filters use; anything else throws, so a test
// cannot pass on an instruction it does not understand.

export interface SeccompData {
  nr: number;
  arch: number;
  ip?: bigint;
  args?: bigint[];
}

interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** struct sock_filter[] in little-endian order (this machine's) */
export function decodeBpf(b: Buffer): Insn[] {
  if (b.length % 8 !== 0) throw new Error(`BPF: ${b.length} bytes is not whole instructions`);
  const out: Insn[] = [];
  for (let o = 0; o < b.length; o += 8) out.push({ code: b.readUInt16LE(o), jt: b.readUInt8(o + 2), jf: b.readUInt8(o + 3), k: b.readUInt32LE(o + 4) });
  return out;
}

function dataBuffer(d: SeccompData): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(d.nr >>> 0, 0);
  b.writeUInt32LE(d.arch >>> 0, 4);
  b.writeBigUInt64LE(d.ip ?? 0n, 8);
  (d.args ?? []).forEach((a, i) => b.writeBigUInt64LE(BigInt.asUintN(64, a), 16 + 8 * i));
  return b;
}

/** The SECCOMP_RET_* value the program returns for d. */
export function runBpf(prog: Insn[] | Buffer, d: SeccompData): number {
  const p = Buffer.isBuffer(prog) ? decodeBpf(prog) : prog;
  const data = dataBuffer(d);
  const mem = new Array<number>(16).fill(0);
  let a = 0;
  let x = 0;
  for (let pc = 0; pc < p.length; pc++) {
    const { code, jt, jf, k } = p[pc];
    const jump = (cond: boolean): void => {
      pc += cond ? jt : jf;
    };
    switch (code) {
      case 0x20: // ld [k]
        if (k % 4 !== 0 || k + 4 > data.length) throw new Error(`BPF ${pc}: load at ${k}`);
        a = data.readUInt32LE(k);
        break;
      case 0x00: // ld #k
        a = k;
        break;
      case 0x60: // ld M[k]
        a = mem[k];
        break;
      case 0x01: // ldx #k
        x = k;
        break;
      case 0x61: // ldx M[k]
        x = mem[k];
        break;
      case 0x02: // st M[k]
        mem[k] = a;
        break;
      case 0x03: // stx M[k]
        mem[k] = x;
        break;
      case 0x07: // tax
        x = a;
        break;
      case 0x87: // txa
        a = x;
        break;
      case 0x54: // and #k
        a = (a & k) >>> 0;
        break;
      case 0x44: // or #k
        a = (a | k) >>> 0;
        break;
      case 0x05: // ja k
        pc += k;
        break;
      case 0x15: // jeq #k
        jump(a === k);
        break;
      case 0x25: // jgt #k
        jump(a > k);
        break;
      case 0x35: // jge #k
        jump(a >= k);
        break;
      case 0x45: // jset #k
        jump((a & k) !== 0);
        break;
      case 0x1d: // jeq x
        jump(a === x);
        break;
      case 0x2d: // jgt x
        jump(a > x);
        break;
      case 0x3d: // jge x
        jump(a >= x);
        break;
      case 0x06: // ret #k
        return k >>> 0;
      case 0x16: // ret a
        return a >>> 0;
      default:
        throw new Error(`BPF ${pc}: instruction code 0x${code.toString(16)} not emulated`);
    }
    if (pc + 1 > p.length) throw new Error(`BPF ${pc}: jump beyond the program`);
  }
  throw new Error('BPF: ran off the end of the program');
}
