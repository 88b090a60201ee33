// AArch64 register file: x0..x30, slot 31 reads zero (XZR/WZR), slot 32 is SP; PC; NZCV; the few
// system registers code reads (tpidr_el2 for per-CPU data, DAIF for IRQ masking).
import { C_BIT, Z_BIT } from "../arm";

export const A64_SP: i32 = 31; // as numbered by cpuReg: 31 is SP there
export const A64_LR: i32 = 30;
const SP_SLOT: usize = 32;

export const XR: usize = memory.data(40 * 8, 16);
export let pc: u64 = 0;
/** N, Z, C, V in bits 31..28, as MRS NZCV reads them. */
export let nzcv: u32 = 0;
export let daif: u32 = 0;
export let tpidrEl2: u64 = 0;
export let tpidrEl1: u64 = 0;
export let tpidrEl0: u64 = 0;
/** Exclusive monitor: open after ldxr, closed by stxr/clrex. */
export let exclusiveOpen: bool = false;
export let exclusiveAddr: u64 = 0;

/** Register `n` with 31 read as zero. */
// @ts-ignore: decorator
@inline export function x(n: u32): u64 {
  return load<u64>(XR + (<usize>n << 3));
}

/** Writes register `n`; 31 (XZR) discards the value. */
// @ts-ignore: decorator
@inline export function setX(n: u32, v: u64): void {
  store<u64>(XR + (<usize>n << 3), v);
  store<u64>(XR + (31 << 3), 0);
}

/** Register `n` with 31 meaning SP. */
// @ts-ignore: decorator
@inline export function xsp(n: u32): u64 {
  return load<u64>(XR + ((<usize>n + ((<usize>n + 1) >> 5)) << 3));
}

// @ts-ignore: decorator
@inline export function setXsp(n: u32, v: u64): void {
  store<u64>(XR + ((<usize>n + ((<usize>n + 1) >> 5)) << 3), v);
}

export function setPc(v: u64): void {
  pc = v;
}

export function setNzcv(v: u32): void {
  nzcv = v & 0xf0000000;
}

export function setDaif(v: u32): void {
  daif = v & 0x3c0;
}

export function setTpidr(el: i32, v: u64): void {
  if (el == 2) tpidrEl2 = v;
  else if (el == 1) tpidrEl1 = v;
  else tpidrEl0 = v;
}

export function setExclusive(open: bool, addr: u64): void {
  exclusiveOpen = open;
  exclusiveAddr = addr;
}

export function resetA64Regs(): void {
  memory.fill(XR, 0, 40 * 8);
  pc = 0;
  nzcv = 0;
  exclusiveOpen = false;
}

/** Numbering of cpuReg: 0-30 x, 31 sp, 33 nzcv, 34 tpidr_el2. */
export function regByNumber(i: i32): u64 {
  if (i >= 0 && i < 31) return x(<u32>i);
  if (i == 31) return load<u64>(XR + (SP_SLOT << 3));
  if (i == 33) return <u64>nzcv;
  if (i == 34) return tpidrEl2;
  return 0;
}

export function setRegByNumber(i: i32, v: u64): void {
  if (i >= 0 && i < 31) setX(<u32>i, v);
  else if (i == 31) store<u64>(XR + (SP_SLOT << 3), v);
  else if (i == 33) setNzcv(<u32>v);
  else if (i == 34) tpidrEl2 = v;
}

/** AddWithCarry(a, b, carry) at 32 or 64 bits; sets NZCV when `setFlags`. */
// @ts-ignore: decorator
@inline export function addWithCarry(a: u64, b: u64, carry: u64, sf: bool, setFlags: bool): u64 {
  if (sf) {
    const r = a + b + carry;
    if (setFlags) {
      const c = carry != 0 ? r <= a : r < a;
      const v = ((a ^ r) & (b ^ r)) >> 63;
      nzcv = (<u32>(r >> 63) << 31) | (r == 0 ? Z_BIT : 0) | (c ? C_BIT : 0) | (<u32>v << 28);
    }
    return r;
  }
  const a32 = a & 0xffffffff;
  const b32 = b & 0xffffffff;
  const wide = a32 + b32 + carry;
  const r = wide & 0xffffffff;
  if (setFlags) {
    const v = (((a32 ^ r) & (b32 ^ r)) >> 31) & 1;
    nzcv = (<u32>((r >> 31) & 1) << 31) | (r == 0 ? Z_BIT : 0) | (<u32>(wide >> 32) << 29) | (<u32>v << 28);
  }
  return r;
}

/** N and Z from a logical result, C and V cleared (ands, bics, tst). */
// @ts-ignore: decorator
@inline export function logicFlags(r: u64, sf: bool): void {
  const top = sf ? r >> 63 : (r >> 31) & 1;
  nzcv = (<u32>top << 31) | (r == 0 ? Z_BIT : 0);
}
