// The bytes Xen writes over an old function and puts back on revert (arch_livepatch_apply() and
// arch_livepatch_revert() in xen/arch/x86/livepatch.c, xen/arch/arm/arm{64,32}/livepatch.c,
// xen/arch/arm/livepatch.c): x86 `e9 rel32`
// after an optional ENDBR64, P6 NOPs for NOP-out; AArch64 `B`/NOP; ARM32 `B`/`mov r0,r0`.
// The write itself is instantaneous: every other CPU is parked with IRQs off while it happens.
import { writeEvent as writeLine, consoleLine, LEVEL_ERR, LEVEL_INFO, LEVEL_WARNING, WRITE_APPLY_BRANCH, WRITE_APPLY_BRK, WRITE_APPLY_NOP, WRITE_REVERT } from "./events";
import { memRead, memReadInto, memReadLe, memOk, memWrite, isMapped, firstUnmapped } from "./memory";
import { arch, ARCH_X86_64, ARCH_ARM64, ARCH_ARM32, imageStart, imageEnd } from "./image";
import { Payload, Func, OPAQUE_SIZE, funcRecordLabel } from "./payload";
import { addrStr } from "./fmt";
import { panic, halt } from "./halt";
import { fatalFault, ptr, debugBuild } from "./xenlog";
import * as R from "./rules";
import { freedInitNote } from "./run/boot";

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
  // f3 0f 1e fa and 66 0f 1f 01, read little-endian.
  const v = memReadLe(addr, 4);
  return memOk && (v == 0xfa1e0ff3 || v == 0x011f0f66);
}

export function x86Nops(len: i32): Uint8Array {
  const out = new Uint8Array(len);
  x86NopsInto(out, len);
  return out;
}

// The *Into forms write the first bytes of `out` (long enough) and return how many: APPLY
// encodes into one buffer for all its functions.
function x86NopsInto(out: Uint8Array, len: i32): i32 {
  let at = 0;
  while (at < len) {
    const n = len - at < 9 ? len - at : 9;
    const s = P6_START[n];
    for (let i = 0; i < n; i++) out[at + i] = P6[s + i];
    at += n;
  }
  return len;
}

function wordsInto(out: Uint8Array, value: u32, count: i32): i32 {
  for (let i = 0; i < count; i++) {
    out[i * 4] = <u8>value;
    out[i * 4 + 1] = <u8>(value >> 8);
    out[i * 4 + 2] = <u8>(value >> 16);
    out[i * 4 + 3] = <u8>(value >> 24);
  }
  return count * 4;
}

export function x86Jmp(from: u64, to: u64): Uint8Array {
  const out = new Uint8Array(5);
  x86JmpInto(out, from, to);
  return out;
}

function x86JmpInto(out: Uint8Array, from: u64, to: u64): i32 {
  const rel = <u32>(to - (from + <u64>X86_JMP_LEN));
  out[0] = 0xe9;
  out[1] = <u8>rel;
  out[2] = <u8>(rel >> 8);
  out[3] = <u8>(rel >> 16);
  out[4] = <u8>(rel >> 24);
  return 5;
}

/**
 * What aarch64_insn_gen_branch_imm() (xen/arch/arm/arm64/insn.c) returns for APPLY's `B`:
 * AARCH64_BREAK_FAULT when branch_imm_common() refuses pc or target (not word aligned, or beyond
 * ±128 MiB, which UPLOAD's livepatch_verify_distance() already refused).
 */
export function arm64BranchRefused(pc: u64, target: u64): bool {
  return arm64Branch(pc, target) == AARCH64_BRK_FAULT;
}

/**
 * AArch64 `B new`, or `BRK #2` (AARCH64_BREAK_FAULT, asm/arm64/brk.h: AARCH64_BREAK_MON
 * 0xd4200000 | BRK_FAULT_IMM 0x002 << 5) when the pc or the target is misaligned or beyond ±128 MiB.
 */
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

/** The bytes an APPLY overwrites, read before the write (no write is longer than OPAQUE_SIZE). */
const overwritten = new Uint8Array(OPAQUE_SIZE);
/** The saved bytes a REVERT puts back. */
const restored = new Uint8Array(OPAQUE_SIZE);

export const INSN_BRANCH: i32 = 1;
export const INSN_NOP: i32 = 2;
/** AArch64: Xen could not encode the branch and writes AARCH64_BREAK_FAULT (BRK #2) instead. */
export const INSN_BRK: i32 = 3;

/** branch_imm_common()'s pr_err (xen/arch/arm/arm64/insn.c; pr_err is printk(XENLOG_ERR ...)). */
const ARM64_MISALIGNED_LINE = "branch_imm_common: A64 instructions must be word aligned";
/** A debug build's ASSERT after it (xen/arch/arm/arm64/livepatch.c, arch_livepatch_apply()), as do_bug_frame() prints it. */
const ARM64_BRK_ASSERT = "Assertion 'insn != AARCH64_BREAK_FAULT' failed at arch/arm/arm64/livepatch.c:44";

/**
 * What APPLY writes for one function: where, which bytes, or why it would bring the host down
 * instead. Both applyFunc() and the preview export use this, so they cannot disagree.
 */
export class PatchPlan {
  /** old_addr + patchOffset. */
  at: u64 = 0;
  patchOffset: u32 = 0;
  /** The bytes written: the first `len` of `buf` (every encoding fits Xen's 31-byte buffer). */
  buf: Uint8Array = new Uint8Array(OPAQUE_SIZE);
  len: i32 = 0;
  kind: i32 = 0;
  /** A rule id from rules.ts when writing would bring the host down (-1: it writes). */
  fault: i32 = -1;
  /**
   * A rule id when what APPLY writes is a trap, not the branch the record asks for (INSN_BRK); a
   * release build writes it and the first call of the old function brings the host down.
   */
  trap: i32 = -1;
  /** What Xen does instead of the branch, in words ("" without a trap). */
  trapExplanation: string = "";
  /** Xen's panic message for it ("" when Xen corrupts memory without a message). */
  faultMessage: string = "";
  /** The address that faults, and whether Xen faults writing it (else reading). */
  faultAddr: u64 = 0;
  faultWrite: bool = false;
  explanation: string = "";

  /** A copy of the bytes written. */
  get insn(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  reset(): void {
    this.at = 0;
    this.patchOffset = 0;
    this.len = 0;
    this.kind = 0;
    this.fault = -1;
    this.trap = -1;
    this.trapExplanation = "";
    this.faultMessage = "";
    this.faultAddr = 0;
    this.faultWrite = false;
    this.explanation = "";
  }
}

/** The plan APPLY fills for each function in turn. */
const applyPlan = new PatchPlan();

/** The panic message fatalFault() prints for a fault at `addr`. */
function faultText(addr: u64, write: bool): string {
  return arch == ARCH_X86_64
    ? "FATAL PAGE FAULT\n[error_code=" + (write ? "0002" : "0000") + "]\nFaulting linear address: " + ptr(addr)
    : "CPU0: Unexpected Trap: Data Abort";
}

/**
 * `endbrOffset` >= 0 replaces the ENDBR64 probe (an applied function's saved patch offset).
 * `reuse` is filled instead of a new plan (APPLY plans every function into one).
 */
export function planPatch(p: Payload, i: i32, endbrOffset: i32 = -1, reuse: PatchPlan | null = null): PatchPlan {
  const f = p.funcs[i];
  let plan: PatchPlan;
  if (reuse === null) plan = new PatchPlan();
  else {
    plan = reuse;
    plan.reset();
  }
  plan.kind = f.newAddr != 0 ? INSN_BRANCH : INSN_NOP;
  let offset: u32 = 0;
  if (arch == ARCH_X86_64) {
    if (endbrOffset >= 0) offset = <u32>endbrOffset;
    else if (startsWithEndbr(f.oldAddr)) offset = 4;
    if (f.newAddr != 0) plan.len = x86JmpInto(plan.buf, f.oldAddr + offset, f.newAddr);
    else {
      // Unsigned like Xen's livepatch_insn_len(): new_size < 4 after an ENDBR wraps around.
      const len = f.newSize - offset;
      if (len > <u32>OPAQUE_SIZE) {
        plan.fault = R.R_NOP_OVERRUN;
        plan.explanation = "a NOP-out of " + len.toString() + " bytes for " + funcRecordLabel(f) + " overruns Xen's 31-byte insn buffers: memory corruption without a message; the simulator stops the host";
      } else plan.len = x86NopsInto(plan.buf, <i32>len);
    }
  } else {
    if (f.newAddr != 0) {
      const insn = arch == ARCH_ARM64 ? arm64Branch(f.oldAddr, f.newAddr) : arm32Branch(f.oldAddr, f.newAddr);
      plan.len = wordsInto(plan.buf, insn, 1);
      if (arch == ARCH_ARM64 && insn == AARCH64_BRK_FAULT) brkTrap(plan, f);
    } else if (f.newSize > <u32>OPAQUE_SIZE) {
      plan.fault = R.R_NOP_OVERRUN;
      plan.explanation = "a NOP-out of " + f.newSize.toString() + " bytes for " + funcRecordLabel(f) + " overruns Xen's 31-byte insn buffer: memory corruption without a message; the simulator stops the host";
    } else plan.len = wordsInto(plan.buf, arch == ARCH_ARM64 ? AARCH64_NOP : ARM32_NOP, <i32>(f.newSize / ARM_INSN_LEN));
  }
  plan.patchOffset = offset;
  plan.at = f.oldAddr + <u64>offset;
  const len = plan.len;
  if (plan.fault < 0 && len > 0) {
    // Xen first saves the old bytes (a read at old_addr), then writes (on ARM through the alias).
    if (!isMapped(plan.at, <u64>len)) {
      plan.fault = R.R_WRITE_FAULT;
      plan.faultAddr = firstUnmapped(plan.at, <u64>len);
      plan.explanation = "the old function of " + funcRecordLabel(f) + " at " + addrStr(plan.at) + " is not mapped" + freedInitNote(plan.at);
    } else if (arch != ARCH_X86_64 && !armAliasCovers(f.oldAddr, <u64>len)) {
      plan.fault = R.R_OUTSIDE_ALIAS;
      plan.faultWrite = true;
      plan.faultAddr = plan.at;
      plan.explanation = addrStr(f.oldAddr) + " is outside Xen's own text, so its place in the writable alias of that text is not mapped";
    }
  }
  if (arch == ARCH_ARM32 && plan.fault < 0 && len >= <i32>ARM_INSN_LEN && (plan.at & 3) != 0) arm32AlignmentFault(plan, f);
  if (plan.fault >= 0 && plan.fault != R.R_NOP_OVERRUN) plan.faultMessage = faultText(plan.faultAddr, plan.faultWrite);
  // A debug build's ASSERT comes after the save of the old bytes (a read at old_addr) and before
  // the write through the alias: it brings the host down at APPLY unless the read already did.
  if (arch == ARCH_ARM64 && plan.trap >= 0 && debugBuild && plan.fault != R.R_WRITE_FAULT) {
    plan.fault = plan.trap;
    plan.faultMessage = ARM64_BRK_ASSERT;
    plan.explanation = plan.trapExplanation;
  }
  return plan;
}

/**
 * arch_livepatch_apply() on AArch64 asked aarch64_insn_gen_branch_imm() for `B new_addr` from
 * old_addr and got AARCH64_BREAK_FAULT back: branch_imm_common() refuses a pc or target that is
 * not a multiple of 4 (UPLOAD checks neither: arch_livepatch_verify_func() only sizes,
 * livepatch_verify_distance() only the ±128 MiB range). A release build writes the BRK as if it
 * were the branch; a debug build fails ASSERT(insn != AARCH64_BREAK_FAULT) first.
 */
function brkTrap(plan: PatchPlan, f: Func): void {
  plan.kind = INSN_BRK;
  const oldMis = (f.oldAddr & 3) != 0;
  const newMis = (f.newAddr & 3) != 0;
  const who = funcRecordLabel(f);
  if (!oldMis && !newMis) {
    // Out of range: UPLOAD's livepatch_verify_distance() refuses it first, so APPLY never gets here.
    plan.trap = R.R_FUNC_DISTANCE;
    plan.trapExplanation = who + ": new_addr " + addrStr(f.newAddr) + " is out of a B's ±128 MiB from " + addrStr(f.oldAddr) + ", so Xen writes BRK #2 (AARCH64_BREAK_FAULT) instead of a branch";
    return;
  }
  plan.trap = oldMis ? R.R_OLD_ADDR_MISALIGNED : R.R_NEW_ADDR_MISALIGNED;
  let what = oldMis ? "old_addr " + addrStr(f.oldAddr) : "new_addr " + addrStr(f.newAddr);
  if (oldMis && newMis) what += " (and new_addr " + addrStr(f.newAddr) + ")";
  // Xen stores the word through a uint32_t pointer; SCTLR_EL2.A is clear, so a misaligned store lands as is.
  const where = oldMis ? " at " + addrStr(f.oldAddr) + ", across two of the old function's instructions," : " over the old function's first instruction at " + addrStr(f.oldAddr);
  const then = oldMis
    ? "the first call of the old function runs what is left of its first instructions around the BRK's bytes, neither Xen's code nor a branch"
    : "the first call of the old function traps (Unexpected Trap: Undefined Breakpoint Value) and the host panics";
  plan.trapExplanation =
    who + ": " + what + " is not 4-byte aligned: Xen cannot encode a branch " + (oldMis ? "from" : "to") + " it (branch_imm_common() prints \"A64 instructions must be word aligned\" and returns AARCH64_BREAK_FAULT), and APPLY writes BRK #2 (40 00 20 d4)" +
    where + " instead of a branch to the new function; " + then + ". A debug build fails ASSERT(insn != AARCH64_BREAK_FAULT) in arch_livepatch_apply() during APPLY instead";
}

/**
 * arch_livepatch_apply() on ARM32 (xen/arch/arm/arm32/livepatch.c) encodes the B (or takes
 * `mov r0, r0` for a NOP-out) itself and stores it with `*(new_ptr + i) = insn`, new_ptr a
 * `uint32_t *` at old_addr's place in vmap_of_xen_text (page-aligned, so old_addr's low bits stay):
 * nothing checks old_addr's alignment, at UPLOAD or here. Xen runs with HSCTLR.A set (HSCTLR_SET in
 * asm/processor.h, written by arm32/head.S), so a word store that is not 4-byte aligned takes an
 * alignment fault: a Data Abort in Xen (do_trap_data_abort() -> do_trap_hyp_sync() ->
 * do_unexpected_trap()), inside the rendezvous, and the host panics during APPLY. The memcpy() that
 * saves the old bytes before it copies any alignment.
 */
function arm32AlignmentFault(plan: PatchPlan, f: Func): void {
  plan.trap = R.R_OLD_ADDR_MISALIGNED;
  plan.fault = R.R_OLD_ADDR_MISALIGNED;
  plan.faultWrite = true;
  plan.faultAddr = plan.at;
  const what = f.newAddr != 0 ? "the B word" : "the first `mov r0, r0` NOP word";
  plan.trapExplanation =
    funcRecordLabel(f) + ": old_addr " + addrStr(f.oldAddr) + " is not 4-byte aligned: arch_livepatch_apply() (xen/arch/arm/arm32/livepatch.c) stores " + what +
    " through a uint32_t * at that address in the writable alias of Xen's text without checking its alignment, and Xen runs with HSCTLR.A set (alignment checking), " +
    "so the store takes an alignment fault: a Data Abort in Xen during APPLY, inside the rendezvous, and the host panics";
  plan.explanation = plan.trapExplanation;
}

function writeEvent(p: Payload, i: i32, cpu: i32, addr: u64, before: Uint8Array, after: Uint8Array, len: i32, how: i32): void {
  const f = p.funcs[i];
  writeLine(cpu, p.name, addr, before, after, len, how, i, f.name, f.newAddr);
}

/** A function's name as Xen's %s prints it ("<NULL>" for a NULL pointer). */
function funcName(p: Payload, i: i32): string {
  const f = p.funcs[i];
  return f.nameAddr == 0 && f.name.length == 0 ? "<NULL>" : f.name;
}

/** On ARM the writes go through vmap_of_xen_text, an alias of Xen's own image only. */
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
    // apply_payload(): "%s: %s has been already applied before", with __func__ and the function's name.
    consoleLine(p.name, "livepatch: apply_payload: " + funcName(p, i) + " has been already applied before", LEVEL_WARNING, cpu);
    return true;
  }
  if (arch != ARCH_X86_64 && arch != ARCH_ARM64 && arch != ARCH_ARM32) return true;
  const plan = planPatch(p, i, -1, applyPlan);
  // branch_imm_common()'s pr_err, after the save of the old bytes (which faults first when unmapped).
  if (arch == ARCH_ARM64 && plan.trap >= 0 && plan.fault != R.R_WRITE_FAULT) consoleLine(p.name, ARM64_MISALIGNED_LINE, LEVEL_ERR, cpu);
  if (arch == ARCH_ARM64 && plan.fault >= 0 && plan.fault == plan.trap) {
    // do_bug_frame(): printk() of the assertion, then panic() with the same words.
    consoleLine(p.name, ARM64_BRK_ASSERT, LEVEL_INFO, cpu);
    panic(cpu, p.name, plan.faultMessage, plan.fault, plan.explanation);
    return false;
  }
  if (plan.fault >= 0) {
    if (plan.faultMessage.length == 0) halt(cpu, p.name, plan.fault, plan.explanation);
    else panic(cpu, p.name, plan.faultMessage, plan.fault, plan.explanation);
    return false;
  }
  const insn = plan.buf;
  const len = plan.len;
  st.patchOffset = plan.patchOffset;
  st.savedLen = len;
  if (len == 0) {
    st.applied = 1;
    return true;
  }
  memReadInto(plan.at, overwritten, len);
  memWrite(plan.at, insn, 0, len);
  st.saveInsn(overwritten, len);
  writeEvent(p, i, cpu, plan.at, overwritten, insn, len, plan.kind == INSN_BRANCH ? WRITE_APPLY_BRANCH : plan.kind == INSN_BRK ? WRITE_APPLY_BRK : WRITE_APPLY_NOP);
  st.applied = 1;
  return true;
}

/** Puts function `i` back (common_livepatch_revert). False when it brought the host down. */
export function revertFunc(p: Payload, i: i32, cpu: i32): bool {
  const f = p.funcs[i];
  const st = p.fstate[i];
  if (f.oldAddr == 0 || st.applied == 0) {
    // revert_payload(): "%s: %s has not been applied before", with __func__ and the function's name.
    consoleLine(p.name, "livepatch: revert_payload: " + funcName(p, i) + " has not been applied before", LEVEL_WARNING, cpu);
    return true;
  }
  const len = st.savedLen;
  const at = f.oldAddr + <u64>st.patchOffset;
  if (len > 0) {
    const mapped = memReadInto(at, overwritten, len);
    st.readInsn(restored);
    if (!mapped || !memWrite(at, restored, 0, len)) {
      fatalFault(cpu, p.name, firstUnmapped(at, <u64>len), true, R.R_WRITE_FAULT, "the old function at " + addrStr(at) + " is no longer mapped");
      return false;
    }
    writeEvent(p, i, cpu, at, overwritten, restored, len, WRITE_REVERT);
  }
  st.applied = 0;
  return true;
}

export { ARCH_ARM32 };
