// A64 exceptions as the run's stop record: exception class (ESR_ELx.EC), syndrome bits, FAR, and
// the exception-table fixup at the pc (the same lookup as x86; Xen on Arm registers none today).
import { fKind, fAddr, fAccess, clearFault, ACCESS_WRITE, ACCESS_FETCH } from "../mmu";
import { FAULT_UNMAPPED, A64_EC_DABT, A64_EC_IABT } from "../consts";
import { stopFault } from "../state";
import { findFixup } from "../extable";

// Fault status codes (DFSC/IFSC): translation fault and permission fault, level 3.
const FSC_TRANSLATION: u32 = 0x07;
const FSC_PERMISSION: u32 = 0x0f;
const ISS_WNR: u32 = 0x40;

export function a64Raise(pc: u64, kind: i32, ec: i32, addr: u64, iss: u32, info: u64, resume: u64): void {
  stopFault(pc, kind, ec, addr, iss, info, resume, findFixup(pc));
}

/** Stops the run with the data or instruction abort the MMU recorded at `pc`. */
export function a64RaiseMemory(pc: u64): void {
  const kind = fKind;
  const addr = fAddr;
  const access = fAccess;
  clearFault();
  let iss: u32 = kind == FAULT_UNMAPPED ? FSC_TRANSLATION : FSC_PERMISSION;
  if (access == ACCESS_WRITE) iss |= ISS_WNR;
  a64Raise(pc, kind, access == ACCESS_FETCH ? A64_EC_IABT : A64_EC_DABT, addr, iss, 0, pc);
}
