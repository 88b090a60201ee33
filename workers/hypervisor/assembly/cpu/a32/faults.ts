// A32 exceptions as the run's stop record, in the HSR terms Xen's arm32 handlers see (EC, ISS,
// HDFAR/HIFAR): a data abort from Hyp mode is EC 0x25 with the long-descriptor fault status in
// the ISS (translation fault level 3 0x07, permission fault level 3 0x0f, alignment fault 0x21;
// Xen's HSCTLR has A set, so every unaligned halfword, word, doubleword or multiple access
// takes one), WnR for a write; an instruction fetch from an unmapped or non-executable page is
// a prefetch abort (EC 0x21); an undefined instruction is EC 0x00 with the word kept.
import { FAULT_ALIGNMENT, A64_EC_DABT } from "../consts";
import { stopFault } from "../state";
import { armRaiseMemory, ISS_WNR } from "../arm";

const FSC_ALIGNMENT: u32 = 0x21;

/** An alignment fault found by the executing instruction (the MMU record holds page faults). */
export let alignHit: bool = false;
let alignAddr: u32 = 0;
let alignWrite: bool = false;

export function clearAlign(): void {
  alignHit = false;
}

/** False (and the fault noted) when `addr` is not a multiple of `size` (HSCTLR.A). */
export function aligned(addr: u32, size: u32, write: bool): bool {
  if ((addr & (size - 1)) == 0) return true;
  if (!alignHit) {
    alignHit = true;
    alignAddr = addr;
    alignWrite = write;
  }
  return false;
}

export function a32Raise(pc: u64, kind: i32, ec: i32, addr: u64, iss: u32, info: u64, resume: u64): void {
  // Xen on Arm has no exception tables (CONFIG_HAS_EX_TABLE is x86's)
  stopFault(pc, kind, ec, addr, iss, info, resume, 0);
}

/** Stops the run with the data abort of the alignment check at `pc`. */
export function a32RaiseAlignment(pc: u64): void {
  alignHit = false;
  a32Raise(pc, FAULT_ALIGNMENT, A64_EC_DABT, <u64>alignAddr, FSC_ALIGNMENT | (alignWrite ? ISS_WNR : 0), 0, pc);
}

/** Stops the run with the data or prefetch abort the MMU recorded at `pc`. */
export function a32RaiseMemory(pc: u64): void {
  armRaiseMemory(pc, 0); // no exception tables on Arm, as in a32Raise
}
