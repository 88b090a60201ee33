// The AArch64 run loop: fetch (executable pages only, 4-byte aligned), decode by the top-level
// encoding groups, execute; branches, exception generation and system instructions are here.
// A branch target that is a registered service (or the return sentinel) stops the run.
import {
  x,
  setX,
  pc,
  setPc,
  nzcv,
  setNzcv,
  daif,
  setDaif,
  tpidrEl2,
  tpidrEl1,
  tpidrEl0,
  setTpidr,
  setExclusive,
  resetA64Regs,
  regByNumber,
  setRegByNumber,
} from "./regs";
import { dataProcessingImm } from "./dpimm";
import { sext } from "./bits";
import { dataProcessingReg } from "./dpreg";
import { loadStore, ldstName } from "./ldst";
import { a64Raise, a64RaiseMemory } from "./faults";
import { conditionHolds } from "../arm";
import { fetchPage, fKind, mmuSync } from "../mmu";
import { maybeService, serviceAt, SERVICE_RETURN } from "../services";
import { memGeneration } from "../../memory";
import {
  FAULT_NONE,
  FAULT_UNDEFINED,
  FAULT_BREAKPOINT,
  FAULT_PC_ALIGN,
  A64_EC_UNKNOWN,
  A64_EC_BRK,
  A64_EC_PC_ALIGN,
  STOP_BUDGET,
} from "../consts";
import { stopReturned, stopService, setServiceArg, stopOther, stopUnsupported, countInsns, countCall } from "../state";

export { A64_SP, A64_LR } from "./regs";

const NO_PAGE: u64 = u64.MAX_VALUE;
let codePage: u64 = NO_PAGE;
let codePtr: usize = 0;
let codeGeneration: u32 = 0xffffffff;
/** Set by an instruction that ended the run itself (fault, service, unsupported). */
let stopped: bool = false;

export function a64Reset(): void {
  resetA64Regs();
}
export function a64Reg(i: i32): u64 {
  return regByNumber(i);
}
export function a64SetReg(i: i32, v: u64): void {
  setRegByNumber(i, v);
}
export function a64Pc(): u64 {
  return pc;
}
export function a64SetPc(v: u64): void {
  setPc(v);
}

function unsupported(at: u64, insn: u32, name: string): void {
  const b = new Uint8Array(4);
  for (let i = 0; i < 4; i++) b[i] = <u8>(insn >> (<u32>i << 3));
  stopUnsupported(at, b, name);
  stopped = true;
}

/** Runs from pc for at most `budget` instructions. */
export function a64Run(budget: u64): void {
  mmuSync();
  if (codeGeneration != memGeneration) {
    codeGeneration = memGeneration;
    codePage = NO_PAGE;
  }
  let at = pc;
  let n: u64 = 0;
  let jumped = true;
  stopped = false;
  for (;;) {
    if (jumped && maybeService(at)) {
      const id = serviceAt(at);
      if (id != i32.MIN_VALUE) {
        if (id == SERVICE_RETURN) stopReturned(at, x(0));
        else {
          for (let i: u32 = 0; i < 8; i++) setServiceArg(<i32>i, x(i));
          stopService(at, id, x(30));
        }
        break;
      }
    }
    if (n >= budget) {
      stopOther(STOP_BUDGET, at);
      break;
    }
    if ((at & 3) != 0) {
      a64Raise(at, FAULT_PC_ALIGN, A64_EC_PC_ALIGN, at, 0, 0, at);
      break;
    }
    const pn = at >> 12;
    if (pn != codePage) {
      codePtr = fetchPage(pn, at);
      if (codePtr == 0) {
        codePage = NO_PAGE;
        a64RaiseMemory(at);
        break;
      }
      codePage = pn;
    }
    const insn = load<u32>(codePtr + <usize>(at & 0xfff));
    let next = at + 4;
    const group = (insn >> 25) & 15;
    if ((group & 0xe) == 8) {
      if (!dataProcessingImm(insn, at)) unsupported(at, insn, "");
    } else if ((group & 5) == 4) {
      if (!loadStore(insn, at)) unsupported(at, insn, ldstName);
    } else if ((group & 7) == 5) {
      if (!dataProcessingReg(insn)) unsupported(at, insn, "");
    } else if ((group & 0xe) == 0xa) {
      next = branchOrSystem(insn, at);
    } else if (group == 0 && (insn >> 16) == 0) {
      a64Raise(at, FAULT_UNDEFINED, A64_EC_UNKNOWN, 0, 0, <u64>(insn & 0xffff), at);
      stopped = true;
    } else unsupported(at, insn, "");
    if (fKind != FAULT_NONE) {
      a64RaiseMemory(at);
      break;
    }
    if (stopped) break;
    // a branch, even one to the next instruction, may enter a service
    jumped = (group & 0xe) == 0xa;
    at = next;
    n++;
  }
  setPc(at);
  countInsns(n);
}

/** Branches, exception generation, system instructions; returns the next pc. */
function branchOrSystem(insn: u32, at: u64): u64 {
  const next = at + 4;
  if ((insn & 0x7c000000) == 0x14000000) {
    // b / bl
    if ((insn >> 31) != 0) {
      setX(30, next);
      countCall();
    }
    return at + sext(<u64>(insn & 0x3ffffff) << 2, 28);
  }
  if ((insn & 0x7e000000) == 0x34000000) {
    // cbz / cbnz
    let v = x(insn & 31);
    if ((insn >> 31) == 0) v &= 0xffffffff;
    const taken = ((insn >> 24) & 1) != 0 ? v != 0 : v == 0;
    return taken ? at + sext(<u64>((insn >> 5) & 0x7ffff) << 2, 21) : next;
  }
  if ((insn & 0x7e000000) == 0x36000000) {
    // tbz / tbnz
    const bit = (((insn >> 31) & 1) << 5) | ((insn >> 19) & 31);
    const set = ((x(insn & 31) >> <u64>bit) & 1) != 0;
    const taken = ((insn >> 24) & 1) != 0 ? set : !set;
    return taken ? at + sext(<u64>((insn >> 5) & 0x3fff) << 2, 16) : next;
  }
  if ((insn & 0xff000000) == 0x54000000) {
    // b.cond (and bc.cond, bit 4, which only adds a hint)
    return conditionHolds(insn & 15, nzcv) ? at + sext(<u64>((insn >> 5) & 0x7ffff) << 2, 21) : next;
  }
  if ((insn & 0xfe000000) == 0xd6000000) return branchRegister(insn, at);
  if ((insn & 0xff000000) == 0xd4000000) {
    const opc = (insn >> 21) & 7;
    const ll = insn & 3;
    const imm = (insn >> 5) & 0xffff;
    if (opc == 1 && ll == 0 && ((insn >> 2) & 7) == 0) {
      a64Raise(at, FAULT_BREAKPOINT, A64_EC_BRK, 0, imm, <u64>imm, at);
      stopped = true;
      return at;
    }
    const names = ["", "svc", "hvc", "smc"];
    unsupported(at, insn, opc == 0 ? names[ll] : opc == 2 ? "hlt" : opc == 5 ? "dcps" + ll.toString() : "");
    return at;
  }
  if ((insn & 0xffc00000) == 0xd5000000) return system(insn, at);
  unsupported(at, insn, "");
  return at;
}

function branchRegister(insn: u32, at: u64): u64 {
  const opc = (insn >> 21) & 15;
  const op2 = (insn >> 16) & 31;
  const op3 = (insn >> 10) & 63;
  const rn = (insn >> 5) & 31;
  const op4 = insn & 31;
  if (op2 == 31 && op3 == 0 && op4 == 0 && opc <= 2) {
    const target = x(rn);
    if (opc == 1) {
      setX(30, at + 4);
      countCall();
    }
    return target;
  }
  let name = "";
  if (opc == 4 && op3 == 0 && rn == 31) name = "eret";
  else if (op2 == 31 && (op3 == 2 || op3 == 3)) name = opc == 0 ? "braa" : opc == 1 ? "blraa" : opc == 2 ? "retaa" : "";
  unsupported(at, insn, name);
  return at;
}

/** hints, barriers, pstate writes, mrs/msr of the registers code reads, sys. */
function system(insn: u32, at: u64): u64 {
  const next = at + 4;
  const l = (insn >> 21) & 1;
  const op0 = (insn >> 19) & 3;
  const op1 = (insn >> 16) & 7;
  const crn = (insn >> 12) & 15;
  const crm = (insn >> 8) & 15;
  const op2 = (insn >> 5) & 7;
  const rt = insn & 31;
  if (l == 0 && op0 == 0) {
    // nop, yield, wfe, wfi, sev, bti, paciasp/autiasp (no pointer authentication here): all hints
    if (crn == 2 && rt == 31) return next;
    if (crn == 3 && rt == 31 && op1 == 3 && op2 >= 2) {
      // clrex, dsb, dmb, isb, sb: ordering only on one CPU
      if (op2 == 2) setExclusive(false, 0);
      return next;
    }
    if (crn == 4 && rt == 31 && op1 == 3 && (op2 == 6 || op2 == 7)) {
      setDaif(op2 == 6 ? daif | (crm << 6) : daif & ~(crm << 6));
      return next;
    }
    unsupported(at, insn, "msr");
    return at;
  }
  if (op0 == 1) {
    unsupported(at, insn, l != 0 ? "sysl" : "sys");
    return at;
  }
  const key = (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
  const NZCV: u32 = (3 << 14) | (3 << 11) | (4 << 7) | (2 << 3) | 0;
  const DAIF: u32 = (3 << 14) | (3 << 11) | (4 << 7) | (2 << 3) | 1;
  const CURRENT_EL: u32 = (3 << 14) | (0 << 11) | (4 << 7) | (2 << 3) | 2;
  const TPIDR_EL2: u32 = (3 << 14) | (4 << 11) | (13 << 7) | (0 << 3) | 2;
  const TPIDR_EL1: u32 = (3 << 14) | (0 << 11) | (13 << 7) | (0 << 3) | 4;
  const TPIDR_EL0: u32 = (3 << 14) | (3 << 11) | (13 << 7) | (0 << 3) | 2;
  if (l != 0) {
    let v: u64;
    if (key == NZCV) v = <u64>nzcv;
    else if (key == DAIF) v = <u64>daif;
    else if (key == CURRENT_EL) v = 2 << 2; // Xen runs at EL2
    else if (key == TPIDR_EL2) v = tpidrEl2;
    else if (key == TPIDR_EL1) v = tpidrEl1;
    else if (key == TPIDR_EL0) v = tpidrEl0;
    else {
      unsupported(at, insn, "mrs");
      return at;
    }
    setX(rt, v);
    return next;
  }
  const v = x(rt);
  if (key == NZCV) setNzcv(<u32>v);
  else if (key == DAIF) setDaif(<u32>v);
  else if (key == TPIDR_EL2) setTpidr(2, v);
  else if (key == TPIDR_EL1) setTpidr(1, v);
  else if (key == TPIDR_EL0) setTpidr(0, v);
  else {
    unsupported(at, insn, "msr");
    return at;
  }
  return next;
}
