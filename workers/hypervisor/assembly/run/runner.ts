// Runs one function of the simulated Xen (or of a payload) to its end on the interpreter: native
// services answered, exceptions handled as Xen does (bug frames, exception-table fixups, fatal
// traps), and the outcome told apart: returned (with the value), crashed (Xen's panic message;
// the host goes down through the panic path), or unknown (an instruction the interpreter does not
// implement, the step budget, a halt): then the simulator never guesses a result.
//
// A quiet run leaves no trace in the log: no console lines, no panic. Between quietBegin() and
// quietEnd() every byte written is put back afterwards as well (the page's look at `xl info`).
import { arch, ARCH_X86_64, ARCH_ARM32 } from "../image";
import { consoleLine } from "../events";
import { panic } from "../halt";
import { journalStart, journalRollback } from "../memory";
import * as R from "../rules";
import { STOP_RETURNED, STOP_SERVICE, STOP_FAULT, STOP_UNSUPPORTED, STOP_BUDGET, STOP_HALT } from "../cpu/consts";
import {
  cpuCall, cpuSetArg, cpuSetEntryIrqs, cpuKeepRegsOnce, cpuServiceReturn, cpuFixup, cpuResumeAt, cpuServiceId, cpuServiceArg,
  cpuStopPc, cpuReturnValue, cpuCounter, cpuReg, cpuUnsupportedBytes, cpuUnsupportedMnemonic,
} from "../cpu/api";
import { ensureRuntime, nativeName, SV_PRINTK, SV_PANIC, SV_REVERT_PAYLOAD, SV_REVERT_PAYLOAD_TAIL } from "./runtime";
import { isLockOrTime, runNative, NATIVE_RETURN, NATIVE_FAULT } from "./natives";
import { payloads, Payload } from "../payload";
import { revertPayload, revertTail } from "../do_action";
import { isHalted } from "../halt";
import { stackBase, STACK_SIZE, STACK_TOP_RESERVE } from "./layout";
import { vsnprintf, cString, ArgSource, PRINTK_BUF } from "./vsprintf";
import { printkText, savePrintk, restorePrintk, PrintedLine, CpuLine } from "./printk";
import { readLe } from "./mem";
import { xenTrap, TRAP_RESUME, TRAP_FIXUP, TRAP_PANIC } from "./traps";

export const OUTCOME_RETURNED: i32 = 0;
export const OUTCOME_CRASHED: i32 = 1;
export const OUTCOME_UNKNOWN: i32 = 2;
export const OUTCOME_NAMES: string[] = ["returned", "crashed", "unknown"];

/** Steps one call may take: far more than any hook or version function needs. */
export const RUN_BUDGET: u64 = 5_000_000;

export class RunContext {
  cpu: i32 = 0;
  /** Interrupts enabled at entry (hypercall context) or masked (inside the rendezvous). */
  irqsOn: bool = true;
  quiet: bool = false;
  /** The payload a console line or panic is attributed to. */
  payload: string | null = null;
  budget: u64 = RUN_BUDGET;
  /** The simulator's own words for the panic event, when the run crashes. */
  crashWhat: string = "";
  /** The next run starts from the registers the last one left, as a caller's second call does (one run only). */
  keepRegs: bool = false;
}

export class RunResult {
  outcome: i32 = OUTCOME_UNKNOWN;
  value: u64 = 0;
  insns: u64 = 0;
  calls: u64 = 0;
  faults: u64 = 0;
  fixups: u64 = 0;
  services: u64 = 0;
  /** unknown: "unsupported", "budget", "halt", "not-started", "deadlock" or "unmodelled". */
  reason: string = "";
  pc: u64 = 0;
  bytes: Uint8Array = new Uint8Array(0);
  mnemonic: string = "";
  /** crashed: Xen's panic message; unknown "unmodelled": what is not modelled. */
  message: string = "";
  /** Console lines the run printed (also emitted, unless quiet). */
  lines: PrintedLine[] = [];
}

const X86_ARG_REGS: i32[] = [7, 6, 2, 1, 8, 9];

/** printk's variadic arguments after the format, from the stopped call's registers, then its stack. */
class CallArgs extends ArgSource {
  i: i32 = 1;
  wide(): u64 {
    return arch == ARCH_ARM32 ? wideArm32(this) : this.next();
  }
  next(): u64 {
    const k = this.i++;
    if (arch == ARCH_X86_64) {
      if (k < 6) return cpuReg(X86_ARG_REGS[k]);
      // [rsp] is the return address; the seventh argument follows it
      return readLe(cpuReg(4) + 8 + <u64>(k - 6) * 8, 8);
    }
    if (arch == ARCH_ARM32) {
      // AAPCS: r1-r3, then the caller's stack words from sp (one 32-bit word per argument)
      if (k < 4) return cpuReg(k);
      return readLe(cpuReg(13) + <u64>(k - 4) * 4, 4);
    }
    if (k < 8) return cpuReg(k);
    return readLe(cpuReg(31) + <u64>(k - 8) * 8, 8);
  }
}

/** AAPCS: a 64-bit argument takes an even register pair (r2:r3) or an 8-byte aligned stack slot. */
function wideArm32(a: CallArgs): u64 {
  if ((a.i & 1) != 0) a.i++;
  const lo = a.next();
  const hi = a.next();
  return (lo & 0xffffffff) | (hi << 32);
}

function emit(ctx: RunContext, r: RunResult, lines: PrintedLine[]): void {
  for (let i = 0; i < lines.length; i++) {
    r.lines.push(lines[i]);
    if (!ctx.quiet) consoleLine(ctx.payload, lines[i].text, lines[i].level, ctx.cpu);
  }
}

function printk(ctx: RunContext, r: RunResult, text: string): void {
  emit(ctx, r, printkText(text, ctx.cpu));
}

/** Formats the stopped service's (fmt, ...) like vsnprintf; null after a fault (r says which). */
function format(ctx: RunContext, r: RunResult): string | null {
  const fmtAddr = cpuServiceArg(0);
  const fmt = cString(fmtAddr, PRINTK_BUF);
  if (fmt === null) {
    crashRead(ctx, r, fmtAddr);
    return null;
  }
  const f = vsnprintf(fmt, new CallArgs());
  if (f.faultAt != 0) {
    crashRead(ctx, r, f.faultAt);
    return null;
  }
  return f.text;
}

function crash(ctx: RunContext, r: RunResult, message: string): void {
  r.outcome = OUTCOME_CRASHED;
  r.message = message;
}

/**
 * Xen's own code (formatting, a lock) faulting on a bad pointer: a fatal page fault (error code
 * bit 0 present, bit 1 write) / data abort.
 */
function crashRead(ctx: RunContext, r: RunResult, at: u64, write: bool = false, present: bool = false): void {
  if (arch == ARCH_X86_64) {
    let p = at.toString(16);
    while (p.length < 16) p = "0" + p;
    const code = (write ? 2 : 0) | (present ? 1 : 0);
    crash(ctx, r, "FATAL PAGE FAULT\n[error_code=000" + code.toString() + "]\nFaulting linear address: " + p);
  } else crash(ctx, r, "CPU" + ctx.cpu.toString() + ": Unexpected Trap: Data Abort");
}

/** A lock or time entry point (natives.ts): its value, or the end of the run. */
function lockOrTime(id: i32, ctx: RunContext, r: RunResult, left: u64): i32 {
  const o = runNative(id, ctx.cpu, nativeName(id));
  if (o.kind == NATIVE_RETURN) return cpuServiceReturn(o.value, left);
  if (o.kind == NATIVE_FAULT) crashRead(ctx, r, o.faultAt, o.faultWrite, o.faultPresent);
  else {
    unknown(r, o.reason);
    r.message = o.message;
  }
  return -1;
}

function unknown(r: RunResult, reason: string): void {
  r.outcome = OUTCOME_UNKNOWN;
  r.reason = reason;
  r.pc = cpuStopPc();
}

/** The loaded payload whose struct payload is at `at`, or null. */
function payloadAt(at: u64): Payload | null {
  for (let i = 0; i < payloads.length; i++) if (at != 0 && payloads[i].xenStruct == at) return payloads[i];
  return null;
}

/** revert_payload(payload) / revert_payload_tail(payload) called from code: the simulator's own. */
function livepatchCall(id: i32, ctx: RunContext, r: RunResult, left: u64): i32 {
  const p = payloadAt(cpuServiceArg(0));
  const name = id == SV_REVERT_PAYLOAD ? "revert_payload" : "revert_payload_tail";
  if (p === null || ctx.quiet) {
    unknown(r, "unmodelled");
    r.message = name + "() called " + (p === null ? "with a pointer that is not a loaded payload's struct payload" : "from a run that must leave no trace");
    return -1;
  }
  let rc: i32 = 0;
  if (id == SV_REVERT_PAYLOAD) rc = revertPayload(p!, ctx.cpu);
  else revertTail(p!, ctx.cpu);
  if (isHalted()) {
    // the host went down inside (a fault in the model's revert): the run ends with it
    r.outcome = OUTCOME_CRASHED;
    r.message = "";
    return -1;
  }
  return cpuServiceReturn(<u64>(<i64>rc), left);
}

/** One step of the stop loop: the next stop, or -1 when the run is over (r says how). */
function step(stop: i32, ctx: RunContext, r: RunResult, left: u64): i32 {
  if (stop == STOP_RETURNED) {
    r.outcome = OUTCOME_RETURNED;
    r.value = cpuReturnValue();
    return -1;
  }
  if (stop == STOP_SERVICE) {
    const id = cpuServiceId();
    if (id == SV_REVERT_PAYLOAD || id == SV_REVERT_PAYLOAD_TAIL) return livepatchCall(id, ctx, r, left);
    if (isLockOrTime(id)) return lockOrTime(id, ctx, r, left);
    const text = format(ctx, r);
    if (text === null) return -1;
    if (id == SV_PANIC) {
      // panic() prints the banner with the message; the trailing newline is not a line
      crash(ctx, r, text.endsWith("\n") ? text.substring(0, text.length - 1) : text);
      return -1;
    }
    if (id == SV_PRINTK) {
      printk(ctx, r, text);
      return cpuServiceReturn(0, left);
    }
    unknown(r, "unmodelled");
    r.message = nativeName(id);
    return -1;
  }
  if (stop == STOP_FAULT) {
    const t = xenTrap(ctx.cpu, ctx.irqsOn);
    for (let i = 0; i < t.printed.length; i++) printk(ctx, r, t.printed[i] + "\n");
    if (t.action == TRAP_FIXUP) return cpuFixup(left);
    if (t.action == TRAP_RESUME) return cpuResumeAt(t.resumeAt, left);
    if (t.action == TRAP_PANIC) {
      crash(ctx, r, t.message);
      return -1;
    }
    unknown(r, "unmodelled");
    r.message = t.why;
    return -1;
  }
  if (stop == STOP_UNSUPPORTED) {
    unknown(r, "unsupported");
    r.bytes = cpuUnsupportedBytes().slice(0);
    r.mnemonic = cpuUnsupportedMnemonic();
    return -1;
  }
  unknown(r, stop == STOP_BUDGET ? "budget" : stop == STOP_HALT ? "halt" : "not-started");
  return -1;
}

let quietSaved: CpuLine[] | null = null;

/** Starts a stretch of runs that must leave nothing behind (memory, console state). */
export function quietBegin(): void {
  quietSaved = savePrintk();
  journalStart();
}

/** Puts back every byte and console state changed since quietBegin(). */
export function quietEnd(): void {
  journalRollback();
  if (quietSaved !== null) restorePrintk(quietSaved!);
  quietSaved = null;
}

/** Calls `entry` with `args` (at most 8) on ctx.cpu and runs it to an outcome. */
export function runXen(entry: u64, args: u64[], ctx: RunContext): RunResult {
  const r = new RunResult();
  ensureRuntime(ctx.cpu);
  const saved = ctx.quiet ? savePrintk() : null;
  const n = args.length > 8 ? 8 : args.length;
  for (let i = 0; i < n; i++) cpuSetArg(i, args[i]);
  cpuSetEntryIrqs(ctx.irqsOn);
  if (ctx.keepRegs) cpuKeepRegsOnce();
  ctx.keepRegs = false;
  const base = stackBase(ctx.cpu);
  let stop = cpuCall(arch == ARCH_X86_64 ? 1 : arch == ARCH_ARM32 ? 3 : 2, entry, n, base, STACK_SIZE - STACK_TOP_RESERVE, ctx.budget);
  cpuSetEntryIrqs(true);
  for (;;) {
    const used = cpuCounter(0);
    stop = step(stop, ctx, r, used >= ctx.budget ? 0 : ctx.budget - used);
    if (stop < 0) break;
  }
  r.insns = cpuCounter(0);
  r.calls = cpuCounter(1);
  r.faults = cpuCounter(2);
  r.fixups = cpuCounter(3);
  r.services = cpuCounter(4);
  if (ctx.quiet) restorePrintk(saved!);
  else if (r.outcome == OUTCOME_CRASHED) crashHost(ctx, r.message, entry);
  return r;
}

function crashHost(ctx: RunContext, message: string, entry: u64): void {
  panic(ctx.cpu, ctx.payload, message, R.R_CODE_CRASH, ctx.crashWhat.length > 0 ? ctx.crashWhat : "Xen crashed running " + hexAddr(entry));
}

/**
 * Xen's own code (not the interpreted function) reads a bad pointer at `at`, e.g. strlen() of a
 * returned string: the fatal fault, and the host goes down unless the run is quiet.
 */
export function xenReadFault(ctx: RunContext, at: u64, entry: u64): RunResult {
  const r = new RunResult();
  crashRead(ctx, r, at);
  if (!ctx.quiet) crashHost(ctx, r.message, entry);
  return r;
}

function hexAddr(v: u64): string {
  return "0x" + v.toString(16);
}
