// x86 exceptions as the run's stop record: vector, error code, CR2-style address, the fixup from
// the exception tables (looked up at the address Xen's handler would see in regs->rip).
import { fKind, fAddr, fAccess, clearFault, ACCESS_WRITE, ACCESS_FETCH } from "../mmu";
import {
  FAULT_UNMAPPED,
  FAULT_NONCANONICAL,
  FAULT_WRITE_RO,
  FAULT_FETCH_NX,
  X86_GP,
  X86_SS,
  X86_PF,
  PFEC_PRESENT,
  PFEC_WRITE,
  PFEC_INSN,
} from "../consts";
import { stopFault } from "../state";
import { findFixup } from "../extable";
import * as O from "./ops";
import { reg, RSP } from "./regs";

/** Stops the run with exception `vector` at `pc`; `resume` is where a trap (int3) continues. */
export function raise(pc: u64, kind: i32, vector: i32, addr: u64, error: u32, info: u64, resume: u64): void {
  stopFault(pc, kind, vector, addr, error, info, resume, findFixup(resume));
}

/** Stops the run with the memory fault the MMU recorded while executing the instruction at `pc`. */
export function raiseMemory(pc: u64, stackSegment: bool): void {
  const kind = fKind;
  const addr = fAddr;
  const access = fAccess;
  clearFault();
  if (kind == FAULT_NONCANONICAL) {
    raise(pc, kind, stackSegment && access != ACCESS_FETCH ? X86_SS : X86_GP, addr, 0, 0, pc);
    return;
  }
  let err: u32 = 0;
  if (kind == FAULT_WRITE_RO || kind == FAULT_FETCH_NX) err |= PFEC_PRESENT;
  if (access == ACCESS_WRITE) err |= PFEC_WRITE;
  if (access == ACCESS_FETCH) err |= PFEC_INSN;
  raise(pc, kind == FAULT_UNMAPPED || kind == FAULT_WRITE_RO || kind == FAULT_FETCH_NX ? kind : FAULT_UNMAPPED, X86_PF, addr, err, 0, pc);
}

/** The fault hit the stack of an instruction that uses it implicitly (#SS rather than #GP). */
export function stackFault(op: u16): bool {
  const implicit =
    op == O.OP_PUSH_E || op == O.OP_PUSH_I || op == O.OP_POP_E || op == O.OP_CALL || op == O.OP_CALL_E || op == O.OP_RET ||
    op == O.OP_LEAVE || op == O.OP_ENTER || op == O.OP_PUSHF || op == O.OP_POPF;
  if (!implicit) return false;
  const sp = op == O.OP_LEAVE ? reg(5) : reg(RSP);
  return fAddr - (sp - 16) <= 32;
}
