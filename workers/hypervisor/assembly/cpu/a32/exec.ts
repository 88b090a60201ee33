// The A32 run loop (ARMv7-A, ARM state, little-endian): fetch (executable pages only), the
// condition of every instruction, decode by the encoding groups of the ARM ARM's table A5-1, and
// execute. Branches (B, BL, BX, BLX register), the miscellaneous group (MRS/MSR of the CPSR's
// control field, CLZ, BKPT), barriers, CPS and the undefined encodings are here; data processing
// in dp.ts, loads and stores in ldst.ts. A branch target that is a registered service (or the
// return sentinel) stops the run. Anything else stops as unsupported with its word: nothing is
// guessed. Thumb is not run (a branch that would switch to it stops).
import { r, setR, pc, setPc, setNzcv, nzcv, aif, setAif, cpsr, resetA32Regs, clearFlow, branched, nextPc, branchTo, bxWritePc, named, a32Name, MODE_HYP } from "./regs";
import { dpImmediate, dpRegister, multiply, clzInsn, media } from "./dp";
import { ldstWordByte, ldstExtra, ldstMultiple } from "./ldst";
import { a32Raise, a32RaiseMemory, a32RaiseAlignment, alignHit, clearAlign } from "./faults";
import { conditionHolds } from "../arm";
import { fetchPage, fKind, mmuSync } from "../mmu";
import { maybeService, serviceAt, SERVICE_RETURN } from "../services";
import { memGeneration } from "../../memory";
import { FAULT_NONE, FAULT_UNDEFINED, FAULT_BREAKPOINT, A64_EC_UNKNOWN, STOP_BUDGET } from "../consts";
import { stopReturned, stopService, setServiceArg, stopOther, stopUnsupported, countInsns, countCall } from "../state";

export { A32_SP, A32_LR } from "./regs";

/** Where an A32 run "returns" to: the 32-bit return address planted by cpuCall; never fetched. */
export const A32_RETURN_SENTINEL: u32 = 0xfffff000;
/** HSR.EC of a BKPT taken to Hyp mode (Xen arm32 has no handler: a Prefetch Abort (debug)). */
const EC_BKPT: i32 = 0x21;

const NO_PAGE: u64 = u64.MAX_VALUE;
let codePage: u64 = NO_PAGE;
let codePtr: usize = 0;
let codeGeneration: u32 = 0xffffffff;
/** Set by an instruction that ended the run itself (fault, unsupported). */
let stopped: bool = false;

export function a32Reset(): void {
  resetA32Regs();
}
/** cpuReg numbering: 0-15 r0..r15 (15: the pc), 16 the CPSR. */
export function a32Reg(i: i32): u64 {
  if (i >= 0 && i < 15) return <u64>r(<u32>i);
  if (i == 15) return <u64>pc;
  if (i == 16) return <u64>cpsr();
  return 0;
}
export function a32SetReg(i: i32, v: u64): void {
  if (i >= 0 && i < 15) setR(<u32>i, <u32>v);
  else if (i == 15) setPc(<u32>v);
  else if (i == 16) {
    setNzcv(<u32>v);
    setAif(<u32>v);
  }
}
export function a32Pc(): u64 {
  return <u64>pc;
}
export function a32SetPc(v: u64): void {
  setPc(<u32>v);
}
/** CPSR.A/I/F (bits 8..6), what local_irq_save() keeps. */
export function a32Aif(): u32 {
  return aif;
}
export function a32SetAif(v: u32): void {
  setAif(v);
}

function unsupported(at: u32, insn: u32, name: string): void {
  const b = new Uint8Array(4);
  for (let i = 0; i < 4; i++) b[i] = <u8>(insn >> (<u32>i << 3));
  stopUnsupported(<u64>at, b, name);
  stopped = true;
}

function undefinedInsn(at: u32, insn: u32): void {
  a32Raise(<u64>at, FAULT_UNDEFINED, A64_EC_UNKNOWN, 0, 0, <u64>insn, <u64>at);
  stopped = true;
}

/** Runs from pc for at most `budget` instructions. */
export function a32Run(budget: u64): void {
  mmuSync();
  if (codeGeneration != memGeneration) {
    codeGeneration = memGeneration;
    codePage = NO_PAGE;
  }
  let at: u32 = pc;
  let n: u64 = 0;
  let jumped: bool = true;
  stopped = false;
  clearAlign();
  for (;;) {
    if (jumped) {
      if (at == A32_RETURN_SENTINEL) {
        stopReturned(<u64>at, <u64>r(0));
        break;
      }
      if (maybeService(<u64>at)) {
        const id = serviceAt(<u64>at);
        if (id != i32.MIN_VALUE && id != SERVICE_RETURN) {
          for (let i: u32 = 0; i < 4; i++) setServiceArg(<i32>i, <u64>r(i));
          // AAPCS: the fifth and later words are on the stack; the caller reads them from sp
          for (let i: u32 = 4; i < 8; i++) setServiceArg(<i32>i, 0);
          stopService(<u64>at, id, <u64>r(14));
          break;
        }
      }
    }
    if (n >= budget) {
      stopOther(STOP_BUDGET, <u64>at);
      break;
    }
    if ((at & 3) != 0) {
      // only cpuResumeAt can put the pc here: ARM state has no such instruction address
      unsupported(at, 0, "pc 0x" + at.toString(16) + " is not a multiple of 4 (UNPREDICTABLE in ARM state)");
      break;
    }
    const pn = <u64>(at >> 12);
    if (pn != codePage) {
      codePtr = fetchPage(pn, <u64>at);
      if (codePtr == 0) {
        codePage = NO_PAGE;
        a32RaiseMemory(<u64>at);
        break;
      }
      codePage = pn;
    }
    const insn = load<u32>(codePtr + <usize>(at & 0xfff));
    clearFlow();
    const cond = insn >> 28;
    let ok: bool = true;
    if (cond == 15) ok = unconditional(insn, at);
    else if (conditionHolds(cond, nzcv)) ok = execute(insn, at);
    if (!ok && !stopped) unsupported(at, insn, a32Name);
    if (alignHit) {
      a32RaiseAlignment(<u64>at);
      break;
    }
    if (fKind != FAULT_NONE) {
      a32RaiseMemory(<u64>at);
      break;
    }
    if (stopped) break;
    n++;
    // a branch, even one to the next instruction, may enter a service
    jumped = branched;
    at = branched ? nextPc : at + 4;
  }
  setPc(at);
  countInsns(n);
}

/** One conditional instruction whose condition passed; false when it is not implemented. */
function execute(insn: u32, at: u32): bool {
  const op1 = (insn >> 25) & 7;
  if (op1 == 0) {
    const bit4 = (insn >> 4) & 1;
    const bit7 = (insn >> 7) & 1;
    if (bit4 == 1 && bit7 == 1) {
      const op2 = (insn >> 5) & 3;
      if (op2 != 0) return ldstExtra(insn, at);
      if (((insn >> 24) & 1) == 0) return multiply(insn);
      // synchronization primitives: swp, ldrex/strex...
      return named(((insn >> 23) & 1) != 0 ? (((insn >> 20) & 1) != 0 ? "ldrex" : "strex") : "swp");
    }
    if ((insn & 0x01900000) == 0x01000000) return misc(insn, at);
    return dpRegister(insn, at);
  }
  if (op1 == 1) return dpImmediate(insn, at);
  if (op1 == 2) return ldstWordByte(insn, at);
  if (op1 == 3) {
    if (((insn >> 4) & 1) == 0) return ldstWordByte(insn, at);
    if ((insn & 0x0ff000f0) == 0x07f000f0) {
      // UDF: permanently undefined (cond AL; with another cond the encoding is UNPREDICTABLE)
      if ((insn >> 28) != 14) return named("udf with a condition (UNPREDICTABLE)");
      undefinedInsn(at, insn);
      return true;
    }
    return media(insn);
  }
  if (op1 == 4) return ldstMultiple(insn, at);
  if (op1 == 5) {
    // B / BL: imm24 << 2, sign-extended, from the pc (+8)
    const off = <u32>((<i32>(insn << 8)) >> 6);
    if (((insn >> 24) & 1) != 0) {
      setR(14, at + 4);
      countCall();
    }
    branchTo(at + 8 + off);
    return true;
  }
  if (op1 == 7 && ((insn >> 24) & 1) != 0) return named("svc");
  return coprocessor(insn, at);
}

/**
 * Coprocessor instructions (LDC/STC, MCR/MRC, MCRR/MRRC, CDP and their unconditional *2 forms).
 * cp10/cp11 are the FP/Advanced SIMD registers, cp14/cp15 the system registers: not modelled.
 * Every other coprocessor does not exist on the ARMv7-A cores Xen runs on (Cortex-A7/A15; in
 * AArch32 on ARMv8 those encodings are UNDEFINED), so the instruction takes the Undefined
 * Instruction exception, as does every *2 form.
 */
function coprocessor(insn: u32, at: u32): bool {
  const cp = (insn >> 8) & 15;
  const uncond = (insn >> 28) == 15;
  if (!uncond && (cp == 10 || cp == 11)) return named("vfp/neon");
  if (!uncond && (cp == 14 || cp == 15)) {
    const mrc = ((insn >> 25) & 7) == 7 && ((insn >> 4) & 1) != 0;
    return named(mrc ? (((insn >> 20) & 1) != 0 ? "mrc p" : "mcr p") + cp.toString() : "coprocessor p" + cp.toString());
  }
  undefinedInsn(at, insn);
  return true;
}

/** The miscellaneous instructions (op = 10xx0 in bits 24:20, bit 7 = 0 or a register shift). */
function misc(insn: u32, at: u32): bool {
  if (((insn >> 7) & 1) != 0) return named("halfword multiply");
  const op2 = (insn >> 4) & 7;
  const op = (insn >> 21) & 3;
  if (op2 == 0) {
    if ((insn & 0x0fff0fff) == 0x010f0000) {
      // MRS Rd, CPSR
      const rd = (insn >> 12) & 15;
      if (rd == 15) return named("mrs pc (UNPREDICTABLE)");
      setR(rd, cpsr());
      return true;
    }
    if ((insn & 0x0ff0fff0) == 0x0120f000 && ((insn >> 16) & 15) != 0) {
      // MSR CPSR_<fields>, Rn: flags (f) and the control byte (c) keeping Hyp mode and ARM state
      const mask = (insn >> 16) & 15;
      const v = r(insn & 15);
      if ((mask & 6) != 0) return named("msr cpsr_xs");
      if ((mask & 1) != 0 && ((v & 0x3f) != MODE_HYP)) return named("msr cpsr_c changing the mode or the T bit");
      if ((mask & 1) != 0) setAif(v);
      if ((mask & 8) != 0) setNzcv(v);
      return true;
    }
    return named("mrs/msr");
  }
  if (op2 == 1 && op == 1) {
    // BX Rm
    return bxWritePc(r(insn & 15));
  }
  if (op2 == 1 && op == 3) return clzInsn(insn);
  if (op2 == 3 && op == 1) {
    // BLX Rm
    const target = r(insn & 15);
    if ((insn & 15) == 15) return named("blx pc (UNPREDICTABLE)");
    if (!bxWritePc(target)) return false;
    setR(14, at + 4);
    countCall();
    return true;
  }
  if (op2 == 7 && op == 1) {
    // BKPT: a Prefetch Abort (debug event) Xen's arm32 does not handle
    a32Raise(<u64>at, FAULT_BREAKPOINT, EC_BKPT, 0, 0, <u64>(((insn >> 4) & 0xfff0) | (insn & 15)), <u64>at);
    stopped = true;
    return true;
  }
  if (op2 == 2 && op == 1) return named("bxj");
  return false;
}

/** cond = 0b1111: barriers, CPS, PLD/PLI, and the *2 coprocessor forms (undefined); else unsupported. */
function unconditional(insn: u32, at: u32): bool {
  if ((insn & 0xfffffff0) == 0xf57ff040 || (insn & 0xfffffff0) == 0xf57ff050 || (insn & 0xfffffff0) == 0xf57ff060) return true; // dsb, dmb, isb
  if (insn == 0xf57ff01f) return true; // clrex (no exclusives here)
  if ((insn & 0xfff1fe20) == 0xf1000000) {
    // CPS: imod 10 enables, 11 disables the A/I/F bits named; M (mode change) unsupported
    const imod = (insn >> 18) & 3;
    if (((insn >> 17) & 1) != 0 || imod < 2) return named("cps (mode change)");
    const bits = insn & 0x1c0;
    setAif(imod == 2 ? aif & ~bits : aif | bits);
    return true;
  }
  const regForm = ((insn >> 25) & 1) != 0;
  if (!regForm || ((insn >> 4) & 1) == 0) {
    if ((insn & 0xfd70f000) == 0xf450f000 || (insn & 0xfd30f000) == 0xf510f000) return true; // pli, pld, pldw
  }
  if ((insn & 0x0e000000) == 0x0c000000 || (insn & 0x0f000000) == 0x0e000000) return coprocessor(insn, at);
  if ((insn & 0x0f000000) == 0x0f000000) {
    // op1 = 1111xxxx is not allocated in the unconditional space (ARM ARM table A5-22): UNDEFINED
    undefinedInsn(at, insn);
    return true;
  }
  if ((insn & 0x0e000000) == 0x0a000000) return named("blx (immediate, to Thumb)");
  return false;
}
