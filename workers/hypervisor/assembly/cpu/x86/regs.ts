// x86-64 register file and flags. The six arithmetic flags are computed lazily from the last
// flag-setting operation (its kind, operands, result and width), as fast emulators do; rarer
// instructions compute them eagerly (CC_EFL). Everything else in RFLAGS (DF, IF, AC...) lives in
// `rflagsRest`.

// Slots 0-15 are rax..r15; ZERO reads 0 (the missing base or index of an address); FS/GS bases.
export const ZERO: u8 = 16;
export const FSBASE: u8 = 17;
export const GSBASE: u8 = 18;
export const RSP: u8 = 4;
/** Byte-register numbers 20..23 are ah, ch, dh, bh. */
export const AH: u8 = 20;
export const NO_RM: u8 = 0xff;

export const R: usize = memory.data(32 * 8, 16);
export let rip: u64 = 0;

export const CF: u32 = 0x1;
export const PF: u32 = 0x4;
export const AF: u32 = 0x10;
export const ZF: u32 = 0x40;
export const SF: u32 = 0x80;
export const OF: u32 = 0x800;
export const ARITH: u32 = CF | PF | AF | ZF | SF | OF;
export const IF: u32 = 0x200;
export const DF: u32 = 0x400;
export const AC: u32 = 0x40000;

export const CC_EFL: i32 = 0;
export const CC_ADD: i32 = 1;
export const CC_ADC: i32 = 2;
export const CC_SUB: i32 = 3;
export const CC_SBB: i32 = 4;
export const CC_LOGIC: i32 = 5;
export const CC_INC: i32 = 6;
export const CC_DEC: i32 = 7;

export let ccOp: i32 = CC_EFL;
export let ccA: u64 = 0;
export let ccB: u64 = 0;
export let ccR: u64 = 0;
/** Carry in (ADC/SBB) or the carry that INC/DEC preserve. */
export let ccC: u64 = 0;
/** Operand width in bits minus one (the sign bit). */
export let ccSh: u64 = 63;
/** The arithmetic flags when ccOp == CC_EFL. */
export let efl: u32 = 0;
/** RFLAGS bits other than the arithmetic six (bit 1 always reads 1). */
export let rflagsRest: u32 = 0x2;

// @ts-ignore: decorator
@inline export function reg(r: u8): u64 {
  return load<u64>(R + (<usize>r << 3));
}

// @ts-ignore: decorator
@inline export function setReg(r: u8, v: u64): void {
  store<u64>(R + (<usize>r << 3), v);
}

// @ts-ignore: decorator
@inline export function maskOf(size: i32): u64 {
  return u64.MAX_VALUE >> (<u64>(8 - size) << 3);
}

/** Register `r` read at `size` bytes (1: r 0-15 low bytes, 20-23 ah..bh). */
// @ts-ignore: decorator
@inline export function getR(r: u8, size: i32): u64 {
  if (size == 8) return reg(r);
  if (size == 1 && r >= AH) return (reg(r - AH) >> 8) & 0xff;
  return reg(r) & maskOf(size);
}

/** Register write with x86's rules: 32-bit writes zero the upper half, 8/16-bit writes merge. */
// @ts-ignore: decorator
@inline export function setR(r: u8, v: u64, size: i32): void {
  if (size == 8) setReg(r, v);
  else if (size == 4) setReg(r, v & 0xffffffff);
  else if (size == 2) setReg(r, (reg(r) & ~0xffff) | (v & 0xffff));
  else if (r >= AH) setReg(r - AH, (reg(r - AH) & ~0xff00) | ((v & 0xff) << 8));
  else setReg(r, (reg(r) & ~0xff) | (v & 0xff));
}

export function setRip(v: u64): void {
  rip = v;
}

/** Zeroes rax..r15 (the FS/GS bases are kept: they belong to the CPU, not to one call). */
export function resetRegs(): void {
  memory.fill(R, 0, 17 * 8);
  rip = 0;
  ccOp = CC_EFL;
  efl = 0;
  rflagsRest = 0x2;
}

// @ts-ignore: decorator
@inline export function setCc(op: i32, a: u64, b: u64, r: u64, size: i32): void {
  ccOp = op;
  ccA = a;
  ccB = b;
  ccR = r;
  ccSh = <u64>((size << 3) - 1);
}

export function setCarryIn(c: u64): void {
  ccC = c;
}

/** Replaces the arithmetic flags with `f` (eager flag computation). */
export function setEfl(f: u32): void {
  ccOp = CC_EFL;
  efl = f & ARITH;
}

// @ts-ignore: decorator
@inline function parity(r: u64): u32 {
  return (~popcnt<u32>(<u32>r & 0xff) & 1) << 2;
}

/** The six arithmetic flags as RFLAGS bits. */
export function arith(): u32 {
  const op = ccOp;
  if (op == CC_EFL) return efl;
  const r = ccR;
  const sh = ccSh;
  let f: u32 = parity(r) | (r == 0 ? ZF : 0) | (<u32>((r >> sh) & 1) << 7);
  if (op == CC_LOGIC) return f;
  const a = ccA;
  const b = ccB;
  f |= <u32>((a ^ b ^ r) & 0x10);
  let cf: bool;
  let ov: u64;
  if (op == CC_ADD || op == CC_ADC || op == CC_INC) {
    ov = (a ^ r) & (b ^ r);
    cf = op == CC_ADD ? r < a : op == CC_ADC ? (ccC != 0 ? r <= a : r < a) : ccC != 0;
  } else {
    ov = (a ^ b) & (a ^ r);
    cf = op == CC_SUB ? a < b : op == CC_SBB ? (ccC != 0 ? a <= b : a < b) : ccC != 0;
  }
  if (cf) f |= CF;
  if ((ov >> sh) & 1) f |= OF;
  return f;
}

// @ts-ignore: decorator
@inline export function carry(): u64 {
  const op = ccOp;
  if (op == CC_SUB) return ccA < ccB ? 1 : 0;
  if (op == CC_LOGIC) return 0;
  return <u64>(arith() & CF);
}

// @ts-ignore: decorator
@inline function sext(v: u64, sh: u64): i64 {
  const s = 63 - sh;
  return <i64>(v << s) >> s;
}

/** Condition code `cc` (0 O, 1 NO, 2 B, 3 AE, 4 E, 5 NE, 6 BE, 7 A, 8 S, 9 NS, 10 P, 11 NP, 12 L, 13 GE, 14 LE, 15 G). */
export function cond(cc: u32): bool {
  const op = ccOp;
  const base = cc >> 1;
  let t: bool;
  if (op == CC_SUB && base != 0 && base != 5) {
    const a = ccA;
    const b = ccB;
    if (base == 1) t = a < b;
    else if (base == 2) t = a == b;
    else if (base == 3) t = a <= b;
    else if (base == 4) t = ((ccR >> ccSh) & 1) != 0;
    else if (base == 6) t = sext(a, ccSh) < sext(b, ccSh);
    else t = sext(a, ccSh) <= sext(b, ccSh);
  } else if (op == CC_LOGIC && base != 5) {
    const zero = ccR == 0;
    const neg = ((ccR >> ccSh) & 1) != 0;
    if (base == 0 || base == 1) t = false;
    else if (base == 2 || base == 3) t = zero;
    else if (base == 4 || base == 6) t = neg;
    else t = zero || neg;
  } else {
    const f = arith();
    const zf = (f & ZF) != 0;
    const sfof = ((f & SF) != 0) != ((f & OF) != 0);
    if (base == 0) t = (f & OF) != 0;
    else if (base == 1) t = (f & CF) != 0;
    else if (base == 2) t = zf;
    else if (base == 3) t = zf || (f & CF) != 0;
    else if (base == 4) t = (f & SF) != 0;
    else if (base == 5) t = (f & PF) != 0;
    else if (base == 6) t = sfof;
    else t = zf || sfof;
  }
  return (cc & 1) != 0 ? !t : t;
}

export function setRflagsRest(v: u32): void {
  rflagsRest = (v & ~ARITH) | 0x2;
}

/** RFLAGS as pushf stores it. */
export function rflags(): u64 {
  return <u64>(arith() | rflagsRest);
}

/** popf in ring 0: the arithmetic flags, TF, IF, DF, IOPL, NT, AC and ID are written; bit 1 reads 1. */
export function setRflags(v: u64): void {
  setEfl(<u32>v);
  rflagsRest = (<u32>v & 0x247700) | 0x2;
}

/** clc 0, stc 1, cmc 2, cld 3, std 4, cli 5, sti 6, clac 7, stac 8. */
export function flagOp(kind: u32): void {
  if (kind < 3) {
    const f = arith();
    setEfl(kind == 0 ? f & ~CF : kind == 1 ? f | CF : f ^ CF);
    return;
  }
  const bit = kind < 5 ? DF : kind < 7 ? IF : AC;
  const on = kind == 4 || kind == 6 || kind == 8;
  setRflagsRest(on ? rflagsRest | bit : rflagsRest & ~bit);
}
