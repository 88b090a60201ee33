// The bytes Xen writes over an old function and puts back on revert (facts §7): x86 `e9 rel32`
// after an optional ENDBR64, P6 NOPs for NOP-out; AArch64 `B`/NOP; ARM32 `B`/`mov r0,r0`.
// The write itself is instantaneous: every other CPU is parked with IRQs off while it happens.
import { begin, end, fStr, fInt, fAddr, fBytes, objBegin, objEnd, consoleLine, LEVEL_WARNING } from "./events";
import { memRead, memWrite } from "./memory";
import { arch, ARCH_X86_64, ARCH_ARM64, ARCH_ARM32, imageStart, imageEnd } from "./image";
import { Payload, OPAQUE_SIZE } from "./payload";
import { addrStr } from "./fmt";
import { panic } from "./halt";
import * as R from "./rules";

const X86_JMP_LEN: u32 = 5;
const ARM_INSN_LEN: u32 = 4;
const AARCH64_NOP: u32 = 0xd503201f;
const AARCH64_BRK_FAULT: u32 = 0xd4200040;
const ARM32_NOP: u32 = 0xe1a00000;

// P6 NOPs, concatenated by length 1..9; NOP n starts at P6_START[n].
const P6: u8[] = [
  0x90,
  0x66, 0x90,
  0x0f, 0x1f, 0x00,
  0x0f, 0x1f, 0x40, 0x00,
  0x0f, 0x1f, 0x44, 0x00, 0x00,
  0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00,
  0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00,
  0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
];
const P6_START: i32[] = [0, 0, 1, 3, 6, 10, 15, 21, 28, 36];

/** True when the 4 bytes at `addr` are ENDBR64 or the poison Xen leaves in its place. */
export function startsWithEndbr(addr: u64): bool {
  const b = memRead(addr, 4);
  if (b === null) return false;
  const endbr = b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa;
  const poison = b[0] == 0x66 && b[1] == 0x0f && b[2] == 0x1f && b[3] == 0x01;
  return endbr || poison;
}

export function x86Nops(len: i32): Uint8Array {
  const out = new Uint8Array(len);
  let at = 0;
  while (at < len) {
    const n = len - at < 9 ? len - at : 9;
    const s = P6_START[n];
    for (let i = 0; i < n; i++) out[at + i] = P6[s + i];
    at += n;
  }
  return out;
}

function words(value: u32, count: i32): Uint8Array {
  const out = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) {
    out[i * 4] = <u8>value;
    out[i * 4 + 1] = <u8>(value >> 8);
    out[i * 4 + 2] = <u8>(value >> 16);
    out[i * 4 + 3] = <u8>(value >> 24);
  }
  return out;
}

export function x86Jmp(from: u64, to: u64): Uint8Array {
  const rel = <u32>(to - (from + <u64>X86_JMP_LEN));
  const out = new Uint8Array(5);
  out[0] = 0xe9;
  out[1] = <u8>rel;
  out[2] = <u8>(rel >> 8);
  out[3] = <u8>(rel >> 16);
  out[4] = <u8>(rel >> 24);
  return out;
}

/** AArch64 `B new`, or `BRK #2` when the target is misaligned or beyond ±128 MiB. */
export function arm64Branch(pc: u64, target: u64): u32 {
  if ((pc & 3) != 0 || (target & 3) != 0) return AARCH64_BRK_FAULT;
  const off = <i64>(target - pc);
  if (off < -(<i64>128 << 20) || off >= (<i64>128 << 20)) return AARCH64_BRK_FAULT;
  return 0x14000000 | (<u32>(off >> 2) & 0x03ffffff);
}

/** ARM32 `B new` (cond AL), PC reads 8 ahead. */
export function arm32Branch(pc: u64, target: u64): u32 {
  return 0xea000000 | (<u32>((target - (pc + 8)) >> 2) & 0x00ffffff);
}

export const INSN_BRANCH: i32 = 1;
export const INSN_NOP: i32 = 2;

/**
 * What APPLY writes for one function: where, which bytes, or why it would bring the host down
 * instead. Both applyFunc() and the preview export use this, so they cannot disagree.
 */
export class PatchPlan {
  /** old_addr + patchOffset. */
  at: u64 = 0;
  patchOffset: u32 = 0;
  insn: Uint8Array = new Uint8Array(0);
  kind: i32 = 0;
  /** A rule id from rules.ts when writing would panic the host (-1: it writes). */
  fault: i32 = -1;
  faultMessage: string = "";
}

/** `endbrOffset` >= 0 replaces the ENDBR64 probe (an applied function's saved patch offset). */
export function planPatch(p: Payload, i: i32, endbrOffset: i32 = -1): PatchPlan {
  const f = p.funcs[i];
  const plan = new PatchPlan();
  plan.kind = f.newAddr != 0 ? INSN_BRANCH : INSN_NOP;
  let offset: u32 = 0;
  if (arch == ARCH_X86_64) {
    if (endbrOffset >= 0) offset = <u32>endbrOffset;
    else if (startsWithEndbr(f.oldAddr)) offset = 4;
    if (f.newAddr != 0) plan.insn = x86Jmp(f.oldAddr + offset, f.newAddr);
    else {
      // Unsigned like Xen's: new_size < 4 after an ENDBR wraps around (facts §7.2).
      const len = f.newSize - offset;
      if (len > <u32>OPAQUE_SIZE) {
        plan.fault = R.R_NOP_OVERRUN;
        plan.faultMessage = "livepatch: " + p.name + ": NOP length " + len.toString() + " for " + funcLabel(p, i) + " overruns the 31-byte save buffer";
      } else plan.insn = x86Nops(<i32>len);
    }
  } else {
    if (f.newAddr != 0) plan.insn = words(arch == ARCH_ARM64 ? arm64Branch(f.oldAddr, f.newAddr) : arm32Branch(f.oldAddr, f.newAddr), 1);
    else if (f.newSize > <u32>OPAQUE_SIZE) {
      plan.fault = R.R_NOP_OVERRUN;
      plan.faultMessage = "livepatch: " + p.name + ": NOP length " + f.newSize.toString() + " overruns the 31-byte save buffer";
    } else plan.insn = words(arch == ARCH_ARM64 ? AARCH64_NOP : ARM32_NOP, <i32>(f.newSize / ARM_INSN_LEN));
    if (plan.fault < 0 && !armAliasCovers(f.oldAddr, <u64>plan.insn.length)) {
      plan.fault = R.R_OUTSIDE_ALIAS;
      plan.faultMessage = "livepatch: " + p.name + ": " + addrStr(f.oldAddr) + " is outside the Xen text alias used for writing";
    }
  }
  plan.patchOffset = offset;
  plan.at = f.oldAddr + <u64>offset;
  if (plan.fault < 0 && plan.insn.length > 0 && memRead(plan.at, plan.insn.length) === null) {
    plan.fault = R.R_WRITE_FAULT;
    plan.faultMessage = "FATAL PAGE FAULT: livepatch write to unmapped " + addrStr(plan.at);
  }
  return plan;
}

function writeEvent(p: Payload, i: i32, cpu: i32, addr: u64, before: Uint8Array, after: Uint8Array, by: string, insn: string): void {
  const f = p.funcs[i];
  begin("write", cpu, p.name);
  fAddr("addr", addr);
  fBytes("old", before);
  fBytes("new", after);
  objBegin("func");
  fInt("index", i);
  fStr("name", f.name);
  objEnd();
  fStr("by", by);
  fStr("insn", insn);
  if (insn == "branch") fAddr("target", f.newAddr);
  end();
}

function funcLabel(p: Payload, i: i32): string {
  const n = p.funcs[i].name;
  return n.length > 0 ? n : "noname";
}

/** On ARM the writes go through an alias of Xen's own image only (facts §7.5). */
function armAliasCovers(addr: u64, len: u64): bool {
  const s = imageStart();
  const e = imageEnd();
  if (s == 0 && e == 0) return true;
  return addr >= s && addr + len <= e;
}

/** Patches function `i` (common_livepatch_apply). False when it brought the host down. */
export function applyFunc(p: Payload, i: i32, cpu: i32): bool {
  const st = p.fstate[i];
  if (st.applied != 0) {
    consoleLine(p.name, "livepatch: " + p.name + ": " + funcLabel(p, i) + " has been already applied before", LEVEL_WARNING, cpu);
    return true;
  }
  if (arch != ARCH_X86_64 && arch != ARCH_ARM64 && arch != ARCH_ARM32) return true;
  const plan = planPatch(p, i);
  if (plan.fault >= 0) {
    panic(cpu, p.name, plan.faultMessage, plan.fault);
    return false;
  }
  const insn = plan.insn;
  st.patchOffset = plan.patchOffset;
  st.savedLen = insn.length;
  if (insn.length == 0) {
    st.applied = 1;
    return true;
  }
  const before = memRead(plan.at, insn.length)!;
  memWrite(plan.at, insn, 0, insn.length);
  for (let k = 0; k < insn.length; k++) st.insnBuffer[k] = before[k];
  writeEvent(p, i, cpu, plan.at, before, insn, "apply", plan.kind == INSN_BRANCH ? "branch" : "nop");
  st.applied = 1;
  return true;
}

/** Puts function `i` back (common_livepatch_revert). False when it brought the host down. */
export function revertFunc(p: Payload, i: i32, cpu: i32): bool {
  const f = p.funcs[i];
  const st = p.fstate[i];
  if (f.oldAddr == 0 || st.applied == 0) {
    consoleLine(p.name, "livepatch: " + p.name + ": " + funcLabel(p, i) + " has not been applied before", LEVEL_WARNING, cpu);
    return true;
  }
  const len = st.savedLen;
  const at = f.oldAddr + <u64>st.patchOffset;
  if (len > 0) {
    const before = memRead(at, len);
    if (before === null || !memWrite(at, st.insnBuffer, 0, len)) {
      panic(cpu, p.name, "FATAL PAGE FAULT: livepatch write to unmapped " + addrStr(at), R.R_WRITE_FAULT);
      return false;
    }
    writeEvent(p, i, cpu, at, before, st.insnBuffer.slice(0, len), "revert", "restore");
  }
  st.applied = 0;
  return true;
}

export { ARCH_ARM32 };
