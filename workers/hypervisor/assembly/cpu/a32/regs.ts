// A32 (AArch32 ARM state) register file: r0..r15 (r13 SP, r14 LR; r15 is the run loop's pc, and
// reads as the instruction's address + 8 through rPc), the CPSR's N, Z, C, V and its I bit (IRQ
// masking, as cpsid/cpsie and `mrs rN, cpsr` see it). Xen runs in Hyp mode (CPSR.M = 0x1a).
import { N_BIT, Z_BIT, V_BIT } from "../arm";

export const A32_SP: u32 = 13;
export const A32_LR: u32 = 14;
export const A32_PC: u32 = 15;

/** CPSR.M for Hyp mode, where Xen runs. */
export const MODE_HYP: u32 = 0x1a;
/** CPSR.I: IRQs masked. */
export const CPSR_I: u32 = 0x80;

const RR: usize = memory.data(16 * 4, 16);
export let pc: u32 = 0;
/** N, Z, C, V in bits 31..28. */
export let nzcv: u32 = 0;
/** CPSR.A, I, F (bits 8..6). */
export let aif: u32 = 0;

// @ts-ignore: decorator
@inline export function r(n: u32): u32 {
  return load<u32>(RR + (<usize>n << 2));
}

// @ts-ignore: decorator
@inline export function setR(n: u32, v: u32): void {
  store<u32>(RR + (<usize>n << 2), v);
}

export function setPc(v: u32): void {
  pc = v;
}

export function setNzcv(v: u32): void {
  nzcv = v & 0xf0000000;
}

/** The CPSR as `mrs rN, cpsr` reads it in Hyp mode (ARM state, little-endian). */
export function cpsr(): u32 {
  return nzcv | aif | MODE_HYP;
}

export function setAif(v: u32): void {
  aif = v & 0x1c0;
}

export function resetA32Regs(): void {
  memory.fill(RR, 0, 16 * 4);
  pc = 0;
  nzcv = 0;
  aif = 0;
}

/** AddWithCarry(a, b, carry) at 32 bits; sets NZCV when `setFlags`. */
export function addWithCarry(a: u32, b: u32, carry: u32, setFlags: bool): u32 {
  const wide = <u64>a + <u64>b + <u64>carry;
  const res = <u32>wide;
  if (setFlags) {
    const v = ((a ^ res) & (b ^ res)) >> 31;
    nzcv = (res & N_BIT) | (res == 0 ? Z_BIT : 0) | (<u32>(wide >> 32) << 29) | (v << 28);
  }
  return res;
}

/** N and Z from a result, C from the shifter, V kept (the logical operations with S). */
export function logicFlags(res: u32, carry: u32): void {
  nzcv = (res & N_BIT) | (res == 0 ? Z_BIT : 0) | (carry << 29) | (nzcv & V_BIT);
}

// ---- what the executing instruction did to the flow (read by the run loop) ----
/** Set when the instruction wrote the pc: the next instruction is at `nextPc`. */
export let branched: bool = false;
export let nextPc: u32 = 0;
/** The name of what the last instruction could not do ("" when it is plainly not implemented). */
export let a32Name: string = "";

export function clearFlow(): void {
  branched = false;
  a32Name = "";
}

/** BranchWritePC: a branch within ARM state (B, BL; the address is word-aligned by encoding). */
export function branchTo(v: u32): void {
  branched = true;
  nextPc = v;
}

/**
 * BXWritePC / LoadWritePC / ALUWritePC (ARMv7: all interwork): bit 0 set would switch to Thumb,
 * which this interpreter does not run; bits 1:0 = 0b10 is UNPREDICTABLE. False for either.
 */
export function bxWritePc(v: u32): bool {
  if ((v & 1) != 0) {
    a32Name = "switch to Thumb state at 0x" + (v & ~1).toString(16);
    return false;
  }
  if ((v & 2) != 0) {
    a32Name = "branch to 0x" + v.toString(16) + " (not a multiple of 4: UNPREDICTABLE in ARM state)";
    return false;
  }
  branchTo(v);
  return true;
}

/** Marks the instruction unsupported with a name; returns false for the caller to pass on. */
export function named(name: string): bool {
  a32Name = name;
  return false;
}
