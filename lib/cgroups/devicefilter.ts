// cgroup v2 device control: the rule list compiled into a
// BPF_PROG_TYPE_CGROUP_DEVICE program (pure, like runc's devicefilter), which
// the addon loads and attaches. Rules are checked last to first, so a later
// rule overrides an earlier one, as successive writes to v1's devices.allow /
// devices.deny do; nothing matching means deny.
import type * as Util from 'node:util';
import { RuntsError } from '../errors';
import * as native from '../native';
import type { DeviceRule } from './resources';

// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
// access_type = (access << 16) | type
const DEVCG_DEV_BLOCK = 1;
const DEVCG_DEV_CHAR = 2;
const ACC_MKNOD = 1;
const ACC_READ = 2;
const ACC_WRITE = 4;

// opcodes (linux/bpf.h, linux/bpf_common.h)
const LDX_MEM_W = 0x61; // BPF_LDX | BPF_MEM | BPF_W
const ALU32_AND_K = 0x54;
const ALU32_RSH_K = 0x74;
const ALU32_MOV_X = 0xbc;
const ALU64_MOV_K = 0xb7;
const JMP_JNE_K = 0x55;
const JMP_JNE_X = 0x5d;
const JMP_EXIT = 0x95;

export interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

const ins = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

function accessBits(access: string): number {
  let b = 0;
  for (const ch of access) {
    if (ch === 'r') b |= ACC_READ;
    else if (ch === 'w') b |= ACC_WRITE;
    else if (ch === 'm') b |= ACC_MKNOD;
    else throw new RuntsError(`/linux/resources/devices: access "${access}" is not a combination of r, w and m`);
  }
  return b;
}

/** The program, as instructions. */
export function deviceFilterProgram(rules: DeviceRule[]): Insn[] {
  const prog: Insn[] = [
    ins(LDX_MEM_W, 2, 1, 0, 0), // r2 = access_type
    ins(ALU32_AND_K, 2, 0, 0, 0xffff), // r2 = type
    ins(LDX_MEM_W, 3, 1, 0, 0),
    ins(ALU32_RSH_K, 3, 0, 0, 16), // r3 = access asked for
    ins(LDX_MEM_W, 4, 1, 4, 0), // r4 = major
    ins(LDX_MEM_W, 5, 1, 8, 0), // r5 = minor
  ];
  let catchAll = false;
  for (let i = rules.length - 1; i >= 0 && !catchAll; i--) {
    const r = rules[i];
    const acc = accessBits(r.access);
    const block: Insn[] = [];
    // each jump is patched to skip to the end of this rule's block
    if (r.type !== 'a') block.push(ins(JMP_JNE_K, 2, 0, -1, r.type === 'b' ? DEVCG_DEV_BLOCK : DEVCG_DEV_CHAR));
    if (acc !== (ACC_READ | ACC_WRITE | ACC_MKNOD)) {
      // the access asked for must be within the rule's: (r3 & acc) == r3
      block.push(ins(ALU32_MOV_X, 1, 3, 0, 0), ins(ALU32_AND_K, 1, 0, 0, acc), ins(JMP_JNE_X, 1, 3, -1, 0));
    }
    if (r.type !== 'a' && r.major >= 0) block.push(ins(JMP_JNE_K, 4, 0, -1, r.major));
    if (r.type !== 'a' && r.minor >= 0) block.push(ins(JMP_JNE_K, 5, 0, -1, r.minor));
    if (block.length === 0) catchAll = true; // matches everything: earlier rules never decide
    block.push(ins(ALU64_MOV_K, 0, 0, 0, r.allow ? 1 : 0), ins(JMP_EXIT, 0, 0, 0, 0));
    block.forEach((x, k) => {
      if (x.off === -1) x.off = block.length - 1 - k;
    });
    prog.push(...block);
  }
  if (!catchAll) prog.push(ins(ALU64_MOV_K, 0, 0, 0, 0), ins(JMP_EXIT, 0, 0, 0, 0));
  return prog;
}

/** struct bpf_insn encoding, little endian: code, dst|src<<4, off (s16), imm (s32) */
export function encode(prog: Insn[]): Buffer {
  const b = Buffer.alloc(prog.length * 8);
  prog.forEach((x, i) => {
    b.writeUInt8(x.code, i * 8);
    b.writeUInt8((x.dst & 0xf) | ((x.src & 0xf) << 4), i * 8 + 1);
    b.writeInt16LE(x.off, i * 8 + 2);
    b.writeInt32LE(x.imm | 0, i * 8 + 4);
  });
  return b;
}

/**
 * Loads the program for `rules` and attaches it to the cgroup directory `dir`;
 * `multi` next to the program systemd attaches to a unit's cgroup.
 */
export function attachDeviceFilter(dir: string, rules: DeviceRule[], multi = false): void {
  const rc = native.attachDeviceFilter(dir, encode(deviceFilterProgram(rules)), multi);
  if (rc < 0) {
    const log = native.bpfVerifierLog().trim().split('\n').pop() ?? '';
    // node:util only now: it costs 1-8 ms to load under Bun, on every call
    const { getSystemErrorMap } = require('node:util') as typeof Util;
    throw new RuntsError(`/linux/resources/devices: loading the cgroup v2 device filter into ${dir}: ${getSystemErrorMap().get(rc)?.[1] ?? `errno ${-rc}`}${log ? ` (${log})` : ''}`);
  }
}
