// Running code in the simulated address space: the wasm exports (host/cpu.ts types them).
//
//   cpuSetArg(i, v)...; cpuCall(arch, entry, nargs, stackBase, stackSize, budget) -> stop kind
//
// A call runs `entry` with integer arguments (SysV: rdi rsi rdx rcx r8 r9 then the stack; AAPCS64:
// x0-x7) on a stack at the top of [stackBase, stackBase+stackSize) (the caller maps it RW), with
// a return address that ends the run when the function returns. The run stops with STOP_* (see
// consts.ts); after a service stop, cpuServiceReturn(value) returns from the service call and
// goes on; after a fault with a fixup, cpuFixup() resumes at it; cpuResumeAt continues anywhere
// (past an int3/brk, for example). Counters cover the current call, across its resumes.
import * as S from "./state";
import { ARCH_X86_64, ARCH_AARCH64, ARCH_ARM32, RETURN_SENTINEL, STOP_FAULT, STOP_NOT_STARTED, STOP_RETURNED, STOP_SERVICE } from "./consts";
import { resetServices, addService, servicesReady } from "./services";
import { resetExTables, addExTable, removeExTable } from "./extable";
import { clearFault, setCanonicalCheck, mmuInvalidate, mmuSync, wr, fKind } from "./mmu";
import { FAULT_NONE } from "./consts";
import { x86Run } from "./x86/exec";
import { raiseMemory } from "./x86/faults";
import * as X from "./x86/regs";
import { a64Run, a64Reset, a64Reg, a64SetReg, a64Pc, a64SetPc, A64_SP, A64_LR } from "./a64/exec";
import { setDaif as a64SetDaif, daif as a64Daif } from "./a64/regs";
import { a32Run, a32Reset, a32Reg, a32SetReg, a32Pc, a32SetPc, a32Aif, a32SetAif, A32_SP, A32_LR, A32_RETURN_SENTINEL } from "./a32/exec";

/** CPSR.I: IRQs masked. */
const A32_CPSR_I: u32 = 0x80;

/** DAIF.I: IRQs masked. */
const A64_DAIF_I: u32 = 0x80;

const args = new StaticArray<u64>(S.MAX_ARGS);
let autoFixup: bool = false;
/** Whether a call starts with interrupts enabled (x86 RFLAGS.IF; A64 DAIF.I clear). */
let entryIrqs: bool = true;

/** Forgets services, exception tables, the paused run and every cache. */
export function cpuReset(): void {
  resetServices();
  resetExTables();
  mmuInvalidate();
  S.setPaused(false);
  S.resetCounters();
  autoFixup = false;
  entryIrqs = true;
  keepRegs = false;
}

export function cpuAddService(addr: u64, id: i32): void {
  addService(addr, id);
}

export function cpuClearServices(): void {
  resetServices();
}

export function cpuAddExTable(textStart: u64, textEnd: u64, tableStart: u64, tableEnd: u64): void {
  addExTable(textStart, textEnd, tableStart, tableEnd);
}

export function cpuRemoveExTable(textStart: u64): void {
  removeExTable(textStart);
}

/**
 * The next cpuCall starts from the registers the last run left (one call only): a caller that calls
 * two functions in a row, whose second callee sees what the first returned in the return register.
 */
let keepRegs: bool = false;
export function cpuKeepRegsOnce(): void {
  keepRegs = true;
}

/** Interrupts at the entry of the next calls: on (the default, hypercall context) or masked. */
export function cpuSetEntryIrqs(on: bool): void {
  entryIrqs = on;
}

/** When on, a fault with a fixup resumes there inside the run (counted) instead of stopping. */
export function cpuSetAutoFixup(on: bool): void {
  autoFixup = on;
}

export function cpuSetArg(i: i32, v: u64): void {
  if (i >= 0 && i < S.MAX_ARGS) unchecked((args[i] = v));
}

function run(budget: u64): i32 {
  let left = budget;
  let again: bool = true;
  while (again) {
    const before = S.insns;
    if (S.arch == ARCH_X86_64) x86Run(left);
    else if (S.arch == ARCH_ARM32) a32Run(left);
    else a64Run(left);
    const used = S.insns - before;
    left = used >= left ? 0 : left - used;
    again = autoFixup && S.stopKind == STOP_FAULT && S.faultFixup != 0;
    if (again) {
      setPc(S.faultFixup);
      S.countFixup();
    }
  }
  S.setPaused(S.stopKind != STOP_RETURNED);
  return S.stopKind;
}

function setPc(pc: u64): void {
  if (S.arch == ARCH_X86_64) X.setRip(pc);
  else if (S.arch == ARCH_ARM32) a32SetPc(pc);
  else a64SetPc(pc);
}

/** Calls `entry` with the first `nargs` arguments set by cpuSetArg. Returns the stop kind. */
export function cpuCall(arch: i32, entry: u64, nargs: i32, stackBase: u64, stackSize: u64, budget: u64): i32 {
  servicesReady();
  mmuSync();
  clearFault();
  S.resetCounters();
  S.setPaused(false);
  if ((arch != ARCH_X86_64 && arch != ARCH_AARCH64 && arch != ARCH_ARM32) || nargs < 0 || nargs > S.MAX_ARGS) {
    S.stopOther(STOP_NOT_STARTED, entry);
    return STOP_NOT_STARTED;
  }
  S.setArch(arch);
  const top = (stackBase + stackSize) & ~(<u64>15);
  const keep = keepRegs;
  keepRegs = false;
  if (arch == ARCH_X86_64) {
    setCanonicalCheck(true);
    if (!keep) {
      X.resetRegs();
      X.setRflagsRest(entryIrqs ? X.IF : 0);
    }
    const regs: u8[] = [7, 6, 2, 1, 8, 9];
    for (let i = 0; i < nargs && i < 6; i++) X.setReg(regs[i], unchecked(args[i]));
    // at entry rsp+8 is 16-byte aligned: [rsp] return address, then arguments 7 and 8
    const sp = top - 8 - 16;
    X.setReg(X.RSP, sp);
    X.setRip(entry);
    wr(sp, RETURN_SENTINEL, 8);
    for (let i = 6; i < nargs; i++) wr(sp + <u64>(8 * (i - 5)), unchecked(args[i]), 8);
    if (fKind != FAULT_NONE) {
      raiseMemory(entry, true);
      return S.stopKind;
    }
  } else if (arch == ARCH_ARM32) {
    // AAPCS: r0-r3, then the stack (sp 8-byte aligned at a public interface), one word each
    setCanonicalCheck(false);
    if (!keep) {
      a32Reset();
      if (!entryIrqs) a32SetAif(A32_CPSR_I);
    }
    const sp32 = <u64>(<u32>top) - <u64>(nargs > 4 ? ((nargs - 4 + 1) & ~1) * 4 : 0);
    for (let i = 0; i < nargs && i < 4; i++) a32SetReg(i, unchecked(args[i]) & 0xffffffff);
    for (let i = 4; i < nargs; i++) wr(sp32 + <u64>(4 * (i - 4)), unchecked(args[i]) & 0xffffffff, 4);
    a32SetReg(A32_SP, sp32);
    a32SetReg(A32_LR, <u64>A32_RETURN_SENTINEL);
    a32SetPc(entry);
    if (fKind != FAULT_NONE) {
      clearFault();
      S.stopOther(STOP_NOT_STARTED, entry);
      return STOP_NOT_STARTED;
    }
  } else {
    setCanonicalCheck(false);
    if (!keep) {
      a64Reset();
      if (!entryIrqs) a64SetDaif(A64_DAIF_I);
    }
    for (let i = 0; i < nargs; i++) a64SetReg(i, unchecked(args[i]));
    a64SetReg(A64_SP, top);
    a64SetReg(A64_LR, RETURN_SENTINEL);
    a64SetPc(entry);
  }
  return run(budget);
}

/** Goes on after a budget or halt stop (or any stop, from where it stopped). */
export function cpuContinue(budget: u64): i32 {
  if (!S.paused) return STOP_NOT_STARTED;
  clearFault();
  return run(budget);
}

/** Returns `value` from the service call the run stopped at, and goes on. */
export function cpuServiceReturn(value: u64, budget: u64): i32 {
  if (!S.paused || S.stopKind != STOP_SERVICE) return STOP_NOT_STARTED;
  clearFault();
  if (S.arch == ARCH_X86_64) {
    X.setReg(0, value);
    X.setReg(X.RSP, X.reg(X.RSP) + 8);
    X.setRip(S.serviceReturnTo);
  } else if (S.arch == ARCH_ARM32) {
    // a 64-bit result (get_s_time) comes back in r0:r1
    a32SetReg(0, value & 0xffffffff);
    a32SetReg(1, value >> 32);
    a32SetPc(a32Reg(A32_LR));
  } else {
    a64SetReg(0, value);
    a64SetPc(a64Reg(A64_LR));
  }
  return run(budget);
}

/** Resumes at the fixup of the fault the run stopped at (counted as a fixup). */
export function cpuFixup(budget: u64): i32 {
  if (!S.paused || S.stopKind != STOP_FAULT || S.faultFixup == 0) return STOP_NOT_STARTED;
  clearFault();
  setPc(S.faultFixup);
  S.countFixup();
  return run(budget);
}

/** Resumes the paused run at `pc`. */
export function cpuResumeAt(pc: u64, budget: u64): i32 {
  if (!S.paused) return STOP_NOT_STARTED;
  clearFault();
  setPc(pc);
  return run(budget);
}

export function cpuStopKind(): i32 {
  return S.stopKind;
}
export function cpuStopPc(): u64 {
  return S.stopPc;
}
export function cpuReturnValue(): u64 {
  return S.retValue;
}
export function cpuFaultKind(): i32 {
  return S.faultKind;
}
export function cpuFaultVector(): i32 {
  return S.faultVector;
}
export function cpuFaultAddr(): u64 {
  return S.faultAddr;
}
export function cpuFaultError(): u32 {
  return S.faultError;
}
export function cpuFaultFixup(): u64 {
  return S.faultFixup;
}
export function cpuFaultInfo(): u64 {
  return S.faultInfo;
}
export function cpuFaultResume(): u64 {
  return S.faultResume;
}
export function cpuServiceId(): i32 {
  return S.serviceId;
}
export function cpuServiceArg(i: i32): u64 {
  return i >= 0 && i < S.MAX_ARGS ? unchecked(S.serviceArgs[i]) : 0;
}
export function cpuServiceReturnAddress(): u64 {
  return S.serviceReturnTo;
}
export function cpuUnsupportedBytes(): Uint8Array {
  return S.unsupportedBytes;
}
export function cpuUnsupportedMnemonic(): string {
  return S.unsupportedMnemonic;
}

/** 0 instructions, 1 calls, 2 faults, 3 fixups, 4 service calls (this call, across resumes). */
export function cpuCounter(which: i32): u64 {
  if (which == 0) return S.insns;
  if (which == 1) return S.calls;
  if (which == 2) return S.faults;
  if (which == 3) return S.fixups;
  return S.services;
}

/**
 * A register of the last run. x86: 0-15 rax..r15, 16 rip, 17 rflags, 18 fs base, 19 gs base.
 * A64: 0-30 x0..x30, 31 sp, 32 pc, 33 nzcv (bits 31-28), 34 tpidr_el2. A32: 0-15 r0..r15, 16 cpsr.
 */
export function cpuReg(which: i32): u64 {
  if (S.arch == ARCH_ARM32) return a32Reg(which);
  if (S.arch == ARCH_X86_64) {
    if (which >= 0 && which < 16) return X.reg(<u8>which);
    if (which == 16) return X.rip;
    if (which == 17) return X.rflags();
    if (which == 18) return X.reg(X.FSBASE);
    if (which == 19) return X.reg(X.GSBASE);
    return 0;
  }
  if (which == 32) return a64Pc();
  return a64Reg(which);
}

/** Sets a register (numbering as cpuReg) of the paused run, or the FS/GS base / tpidr_el2 for the next. */
export function cpuSetReg(arch: i32, which: i32, v: u64): void {
  if (arch == ARCH_X86_64) {
    if (which >= 0 && which < 16) X.setReg(<u8>which, v);
    else if (which == 16) X.setRip(v);
    else if (which == 17) X.setRflags(v);
    else if (which == 18) X.setReg(X.FSBASE, v);
    else if (which == 19) X.setReg(X.GSBASE, v);
    return;
  }
  if (arch == ARCH_ARM32) {
    a32SetReg(which, v);
    return;
  }
  if (which == 32) a64SetPc(v);
  else a64SetReg(which, v);
}

/** The paused run's IRQ state as local_irq_save() reads it: RFLAGS on x86, DAIF on A64. */
export function cpuIrqFlags(): u64 {
  if (S.arch == ARCH_ARM32) return a32Reg(16);
  return S.arch == ARCH_X86_64 ? X.rflags() : <u64>a64Daif;
}

/** Whether the paused run takes interrupts (x86 RFLAGS.IF set, A64 DAIF.I clear). */
export function cpuIrqsEnabled(): bool {
  if (S.arch == ARCH_ARM32) return (a32Aif() & A32_CPSR_I) == 0;
  return S.arch == ARCH_X86_64 ? (X.rflags() & <u64>X.IF) != 0 : (a64Daif & A64_DAIF_I) == 0;
}

/** local_irq_disable() / local_irq_enable() on the paused run. */
export function cpuSetIrqsEnabled(on: bool): void {
  if (S.arch == ARCH_X86_64) {
    const rest = <u32>X.rflags() & ~X.ARITH;
    X.setRflagsRest(on ? rest | X.IF : rest & ~X.IF);
  } else if (S.arch == ARCH_ARM32) a32SetAif(on ? a32Aif() & ~A32_CPSR_I : a32Aif() | A32_CPSR_I);
  else a64SetDaif(on ? a64Daif & ~A64_DAIF_I : a64Daif | A64_DAIF_I);
}

/** local_irq_restore(flags): x86 takes only IF from `flags`, A64 writes DAIF, A32 the CPSR's A/I/F. */
export function cpuRestoreIrqFlags(flags: u64): void {
  if (S.arch == ARCH_ARM32) a32SetAif(<u32>flags);
  else if (S.arch == ARCH_X86_64) cpuSetIrqsEnabled((flags & <u64>X.IF) != 0);
  else a64SetDaif(<u32>flags);
}
