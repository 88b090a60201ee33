// What Xen does with an exception taken in hypervisor context, as the interpreter reports it:
// x86 do_invalid_op() / do_int3() / do_page_fault() / do_general_protection() / fatal_trap()
// (xen/arch/x86/traps.c) and ARM do_trap_hyp_sync() / do_trap_brk() / do_unexpected_trap()
// (xen/arch/arm/traps.c): a bug frame (WARN goes on, BUG and ASSERT panic), an exception-table
// fixup, or the fatal message Xen panics with.
import { arch, ARCH_X86_64, ARCH_ARM32 } from "../image";
import { FAULT_UNDEFINED, FAULT_BREAKPOINT, X86_PF, A64_EC_BRK, A64_EC_DABT, A64_EC_IABT } from "../cpu/consts";
import { cpuStopPc, cpuFaultKind, cpuFaultVector, cpuFaultAddr, cpuFaultError, cpuFaultFixup, cpuFaultInfo, cpuFaultResume, cpuReg } from "../cpu/api";
import { readByte, readOk } from "./mem";
import { findBugFrame, inTextRegion, BugHit, BUGFRAME_RUN_FN, BUGFRAME_WARN, BUGFRAME_BUG } from "./bugframe";
import { symbolText } from "./symbolize";
import { x86ExecutionState } from "./regdump";
import { bootRelease } from "./boot";

export const TRAP_RESUME: i32 = 0; // go on at `resumeAt` (after a WARN, an int3, or at a fixup)
export const TRAP_FIXUP: i32 = 1; // resume at the exception-table fixup
export const TRAP_PANIC: i32 = 2; // Xen panics with `message`
export const TRAP_UNKNOWN: i32 = 3; // something the simulator does not model

/** The decision, and what Xen prints on the way. */
export class Trap {
  action: i32 = TRAP_PANIC;
  resumeAt: u64 = 0;
  /** printk lines before the panic or the resume (with their XENLOG level marker). */
  printed: string[] = [];
  message: string = "";
  why: string = "";
}

/** "%04x" */
function hex4(v: u32): string {
  let s = (v & 0xffff).toString(16);
  while (s.length < 4) s = "0" + s;
  return s;
}

/** "%p": 16 zero-padded hex digits. */
function ptr(v: u64): string {
  let s = v.toString(16);
  while (s.length < 16) s = "0" + s;
  return s;
}

const X86_VECTOR_NAMES: string[] = [
  "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "SPV",
  "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "", "", "", "", "", "", "#HV", "#VC", "#SX",
];

function vectorName(v: i32): string {
  return v >= 0 && v < X86_VECTOR_NAMES.length && X86_VECTOR_NAMES[v].length > 0 ? X86_VECTOR_NAMES[v] : "???";
}

/** show_execution_state() after do_bug_frame()'s first line: x86 only (run/regdump.ts). */
function dump(t: Trap, cpu: i32, pc: u64): void {
  if (arch != ARCH_X86_64) return;
  const lines = x86ExecutionState(cpu, pc);
  for (let i = 0; i < lines.length; i++) t.printed.push(lines[i]);
}

/** The bug-frame outcome shared by both architectures; `len` is the trapping instruction's size. */
function bugFrame(t: Trap, hit: BugHit, cpu: i32, pc: u64, len: u64): bool {
  if (hit.kind == BUGFRAME_RUN_FN) {
    t.action = TRAP_UNKNOWN;
    t.why = "run_in_exception_handler() frame: calling its function from the trap is not modelled";
    return true;
  }
  const file = hit.file;
  if (file === null) return false;
  const where = file + ":" + hit.line.toString();
  if (hit.kind == BUGFRAME_WARN) {
    t.printed.push("Xen WARN at " + where);
    dump(t, cpu, pc);
    t.action = TRAP_RESUME;
    t.resumeAt = pc + len;
    return true;
  }
  const text = hit.kind == BUGFRAME_BUG ? "Xen BUG at " + where : "Assertion '" + hit.msg + "' failed at " + where;
  t.printed.push(text);
  dump(t, cpu, pc);
  t.action = TRAP_PANIC;
  t.message = text;
  return true;
}

/** Xen 4.23, the first release that marks bug frames with UDB. */
const UDB_RELEASE: i32 = (4 << 16) | 23;

/**
 * The length of the instruction at `pc` if x86 do_invalid_op() takes it for a bug frame, else 0.
 * From 4.23 (commit 1f3dd605ea, "x86: use / "support" UDB") only the one-byte UDB (0xd6,
 * asm/bug.h BUG_INSTR); before, only ud2 (0f 0b). The other one is a plain #UD: no frame lookup,
 * a fatal trap. It follows the release the booted image reported at boot (run/boot.ts); a Xen
 * that reported none (the audit's stand-in) may be either, so either is taken.
 */
export function x86BugInsnLen(pc: u64): u64 {
  const b0 = readByte(pc);
  if (!readOk) return 0;
  const udb = b0 == 0xd6;
  const b1 = readByte(pc + 1);
  const ud2 = readOk && b0 == 0x0f && b1 == 0x0b;
  const r = bootRelease();
  if (r < 0) return udb ? 1 : ud2 ? 2 : 0;
  if (r >= UDB_RELEASE) return udb ? 1 : 0;
  return ud2 ? 2 : 0;
}

function x86(t: Trap, cpu: i32, irqsOn: bool): void {
  const pc = cpuStopPc();
  const kind = cpuFaultKind();
  const vector = cpuFaultVector();
  if (kind == FAULT_UNDEFINED && inTextRegion(pc)) {
    const len = x86BugInsnLen(pc);
    if (len != 0) {
      const hit = findBugFrame(pc);
      if (hit !== null && bugFrame(t, hit, cpu, pc, len)) return;
    }
  }
  if (cpuFaultFixup() != 0) {
    t.action = TRAP_FIXUP;
    return;
  }
  if (kind == FAULT_BREAKPOINT) {
    t.printed.push("<3>Hit embedded breakpoint at " + ptr(pc) + " [" + symbolOrPtr(pc) + "]");
    t.action = TRAP_RESUME;
    t.resumeAt = cpuFaultResume();
    return;
  }
  t.action = TRAP_PANIC;
  if (vector == X86_PF) {
    t.message = "FATAL PAGE FAULT\n[error_code=" + hex4(cpuFaultError()) + "]\nFaulting linear address: " + ptr(cpuFaultAddr());
    return;
  }
  const ifOn = irqsOn && (cpuReg(17) & 0x200) != 0;
  t.message = "FATAL TRAP: vec " + vector.toString() + ", " + vectorName(vector) + "[" + hex4(cpuFaultError()) + "]" + (ifOn ? "" : " IN INTERRUPT CONTEXT");
}

function symbolOrPtr(a: u64): string {
  const s = symbolText(a, false);
  return s !== null ? s : ptr(a);
}

function a64(t: Trap, cpu: i32): void {
  const pc = cpuStopPc();
  const ec = cpuFaultVector();
  const unexpected = "CPU" + cpu.toString() + ": Unexpected Trap: ";
  t.action = TRAP_PANIC;
  if (ec == A64_EC_BRK) {
    // BRK_BUG_FRAME_IMM
    if (cpuFaultInfo() == 1) {
      const hit = findBugFrame(pc);
      if (hit !== null && bugFrame(t, hit, cpu, pc, 4)) return;
    }
    t.message = unexpected + "Undefined Breakpoint Value";
    t.printed.push(t.message);
    return;
  }
  const iss = cpuFaultError();
  if (ec == A64_EC_DABT || ec == A64_EC_IABT) {
    const what = ec == A64_EC_DABT ? "Data Abort" : "Instruction Abort";
    t.printed.push(what + " Trap. Syndrome=" + (iss == 0 ? "0" : "0x" + iss.toString(16)));
    t.message = unexpected + what;
    t.printed.push(t.message);
    return;
  }
  // HSR with IL set (a 32-bit instruction): EC << 26 | IL << 25 | ISS.
  const hsr = (<u64>ec << 26) | (<u64>1 << 25) | <u64>iss;
  t.printed.push("Hypervisor Trap. HSR=0x" + hsr.toString(16) + " EC=0x" + ec.toString(16) + " IL=1 Syndrome=0x" + iss.toString(16));
  t.message = unexpected + "Hypervisor";
  t.printed.push(t.message);
}

/** BUG_OPCODE (asm/arm32/bug.h): the `udf` word an arm32 bug frame points at. */
const A32_BUG_OPCODE: u64 = 0xe7f000f0;

/**
 * arm32 Xen (xen/arch/arm/arm32/traps.c): an undefined instruction is a bug frame when it is
 * BUG_OPCODE in Xen's text and do_bug_frame() finds the frame, else do_unexpected_trap("Undefined
 * Instruction"); a prefetch abort (a fetch from an unmapped or non-executable page, a BKPT) is
 * do_unexpected_trap("Prefetch Abort"); a data abort goes through do_trap_hyp_sync() as on arm64.
 */
function a32(t: Trap, cpu: i32): void {
  const pc = cpuStopPc();
  const ec = cpuFaultVector();
  const kind = cpuFaultKind();
  const unexpected = "CPU" + cpu.toString() + ": Unexpected Trap: ";
  t.action = TRAP_PANIC;
  if (kind == FAULT_UNDEFINED) {
    if (cpuFaultInfo() == A32_BUG_OPCODE && (pc & 3) == 0 && inTextRegion(pc)) {
      const hit = findBugFrame(pc);
      if (hit !== null && bugFrame(t, hit, cpu, pc, 4)) return;
    }
    t.message = unexpected + "Undefined Instruction";
    t.printed.push(t.message);
    return;
  }
  if (ec == A64_EC_IABT || kind == FAULT_BREAKPOINT) {
    t.message = unexpected + "Prefetch Abort";
    t.printed.push(t.message);
    return;
  }
  a64(t, cpu);
}

/** Xen's handling of the fault the last run stopped at, on `cpu` with IRQs `irqsOn` at entry. */
export function xenTrap(cpu: i32, irqsOn: bool): Trap {
  const t = new Trap();
  if (arch == ARCH_X86_64) x86(t, cpu, irqsOn);
  else if (arch == ARCH_ARM32) a32(t, cpu);
  else a64(t, cpu);
  return t;
}
