// A64 exceptions as the run's stop record: exception class (ESR_ELx.EC), syndrome bits, FAR, and
// the exception-table fixup at the pc (the same lookup as x86; Xen on Arm registers none today).
import { stopFault } from "../state";
import { findFixup } from "../extable";
import { armRaiseMemory } from "../arm";

export function a64Raise(pc: u64, kind: i32, ec: i32, addr: u64, iss: u32, info: u64, resume: u64): void {
  stopFault(pc, kind, ec, addr, iss, info, resume, findFixup(pc));
}

/** Stops the run with the data or instruction abort the MMU recorded at `pc`. */
export function a64RaiseMemory(pc: u64): void {
  armRaiseMemory(pc, findFixup(pc));
}
