// What the A32 and A64 interpreters share, as the Arm ARM states it for both: the N, Z, C, V flags
// in bits 31..28 (CPSR in AArch32, NZCV in AArch64), the ConditionHolds() pseudocode, and the
// syndrome of a data or instruction abort the MMU recorded (HSR and ESR_EL2 agree on it: EC 0x25
// data abort / 0x21 instruction (prefetch) abort taken without a change of level, long-descriptor
// fault status level 3 in ISS[5:0], WnR in ISS[6]).
import { fKind, fAddr, fAccess, clearFault, ACCESS_WRITE, ACCESS_FETCH } from "./mmu";
import { FAULT_UNMAPPED, A64_EC_DABT, A64_EC_IABT } from "./consts";
import { stopFault } from "./state";

export const N_BIT: u32 = 0x80000000;
export const Z_BIT: u32 = 0x40000000;
export const C_BIT: u32 = 0x20000000;
export const V_BIT: u32 = 0x10000000;

/**
 * The Arm ARM's ConditionHolds(cond) on the flags `nzcv` (N, Z, C, V in bits 31..28): cond[3:1]
 * picks the test, cond[0] set inverts it, except for 0b1111 (always, like 0b1110). A32 treats
 * cond 0b1111 as the unconditional instruction space before it gets here.
 */
// @ts-ignore: decorator
@inline export function conditionHolds(cond: u32, nzcv: u32): bool {
  const n = (nzcv & N_BIT) != 0;
  const z = (nzcv & Z_BIT) != 0;
  const c = (nzcv & C_BIT) != 0;
  const v = (nzcv & V_BIT) != 0;
  const base = cond >> 1;
  let result: bool;
  if (base == 0) result = z;
  else if (base == 1) result = c;
  else if (base == 2) result = n;
  else if (base == 3) result = v;
  else if (base == 4) result = c && !z;
  else if (base == 5) result = n == v;
  else if (base == 6) result = !z && n == v;
  else result = true;
  return (cond & 1) != 0 && cond != 15 ? !result : result;
}

// Fault status codes (DFSC/IFSC, long-descriptor): translation and permission fault, level 3.
const FSC_TRANSLATION: u32 = 0x07;
const FSC_PERMISSION: u32 = 0x0f;
/** ISS.WnR: the abort was on a write. */
export const ISS_WNR: u32 = 0x40;

/**
 * Stops the run with the abort the MMU recorded at `pc` (a data abort, or an instruction abort
 * for a fetch), clearing the record; `fixup` is the exception-table fixup at `pc`, 0 for none.
 */
export function armRaiseMemory(pc: u64, fixup: u64): void {
  const kind = fKind;
  const addr = fAddr;
  const access = fAccess;
  clearFault();
  let iss: u32 = kind == FAULT_UNMAPPED ? FSC_TRANSLATION : FSC_PERMISSION;
  if (access == ACCESS_WRITE) iss |= ISS_WNR;
  stopFault(pc, kind, access == ACCESS_FETCH ? A64_EC_IABT : A64_EC_DABT, addr, iss, 0, pc, fixup);
}
