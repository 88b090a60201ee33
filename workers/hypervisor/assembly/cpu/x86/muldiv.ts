// x86 mul/imul (all forms) and div/idiv, with 128-bit products and dividends for 64-bit operands.
import * as O from "./ops";
import { setEfl, getR, setR, reg, setReg, maskOf, CF, OF } from "./regs";
import { fKind } from "../mmu";
import { readE, readG, writeG, signExtend } from "./operands";
import { szp } from "./alu";
import { raise } from "./faults";
import { FAULT_DIVIDE, X86_DE } from "../consts";

function fKindSet(): bool {
  return fKind != 0;
}

/** High 64 bits of the unsigned 128-bit product a*b. */
export function mulhu(a: u64, b: u64): u64 {
  const al = a & 0xffffffff;
  const ah = a >> 32;
  const bl = b & 0xffffffff;
  const bh = b >> 32;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const hh = ah * bh;
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/** High 64 bits of the signed 128-bit product a*b. */
export function mulhs(a: u64, b: u64): u64 {
  let h = mulhu(a, b);
  if (<i64>a < 0) h -= b;
  if (<i64>b < 0) h -= a;
  return h;
}

/** Writes CF=OF=`over` with SF/ZF/PF from the low result (those three are undefined after mul). */
function mulFlags(lo: u64, size: i32, over: bool): void {
  setEfl(szp(lo, size) | (over ? CF | OF : 0));
}

/** One-operand mul/imul: rdx:rax (ax for bytes) = rax * E. */
export function mulWide(e: usize, size: i32, signed: bool): void {
  const src = readE(e, size);
  if (fKindSet()) return;
  const a = getR(0, size);
  if (size == 8) {
    const lo = a * src;
    const hi = signed ? mulhs(a, src) : mulhu(a, src);
    setReg(0, lo);
    setReg(2, hi);
    mulFlags(lo, 8, signed ? hi != <u64>(<i64>lo >> 63) : hi != 0);
    return;
  }
  const bits = <u64>(size << 3);
  const m = maskOf(size);
  let full: u64;
  if (signed) full = <u64>(<i64>signExtend(a, size) * <i64>signExtend(src, size));
  else full = a * src;
  const lo = full & m;
  const hi = (full >> bits) & m;
  const over = signed ? <i64>full != <i64>signExtend(lo, size) : hi != 0;
  if (size == 1) setR(0, full & 0xffff, 2);
  else {
    setR(0, lo, size);
    setR(2, hi, size);
  }
  mulFlags(lo, size, over);
}

/** imul G, E (aux2 0) or imul G, E, imm (aux2 1): the product truncated to the operand size. */
export function imul(e: usize, size: i32): void {
  const a = readE(e, size);
  if (fKindSet()) return;
  const b = load<u8>(e + O.E_AUX2) != 0 ? load<u64>(e + O.E_IMM) : readG(e, size);
  const m = maskOf(size);
  const lo = (a * b) & m;
  let over: bool;
  if (size == 8) over = mulhs(a, b) != <u64>(<i64>lo >> 63);
  else over = <i64>signExtend(a, size) * <i64>signExtend(b, size) != <i64>signExtend(lo, size);
  writeG(e, lo, size);
  mulFlags(lo, size, over);
}

let quo: u64 = 0;
let rem: u64 = 0;

/** Unsigned 128/64 division into quo/rem; false when the quotient does not fit 64 bits or d is 0. */
function udiv128(hi: u64, lo: u64, d: u64): bool {
  if (d == 0 || hi >= d) return false;
  if (hi == 0) {
    quo = lo / d;
    rem = lo % d;
    return true;
  }
  let r = hi;
  let q: u64 = 0;
  for (let i = 63; i >= 0; i--) {
    const top = r >> 63;
    r = (r << 1) | ((lo >> <u64>i) & 1);
    q <<= 1;
    if (top != 0 || r >= d) {
      r -= d;
      q |= 1;
    }
  }
  quo = q;
  rem = r;
  return true;
}

/** div/idiv: rdx:rax (ax for bytes) by E; #DE on a zero divisor or a quotient that does not fit. Flags undefined: left as they were. */
export function divide(e: usize, size: i32, signed: bool, pc: u64): bool {
  const d = readE(e, size);
  if (fKindSet()) return true;
  if (d == 0) return divideError(pc);
  const m = maskOf(size);
  const bits = <u64>(size << 3);
  let q: u64;
  let r: u64;
  if (size == 8) {
    const hi = reg(2);
    const lo = reg(0);
    if (!signed) {
      if (!udiv128(hi, lo, d)) return divideError(pc);
      q = quo;
      r = rem;
    } else {
      const neg = <i64>hi < 0;
      const dneg = <i64>d < 0;
      let nhi = hi;
      let nlo = lo;
      if (neg) {
        nlo = ~lo + 1;
        nhi = ~hi + (nlo == 0 ? 1 : 0);
      }
      const ad = dneg ? 0 - d : d;
      if (!udiv128(nhi, nlo, ad)) return divideError(pc);
      const qneg = neg != dneg;
      if (qneg ? quo > 0x8000000000000000 : quo > 0x7fffffffffffffff) return divideError(pc);
      q = qneg ? 0 - quo : quo;
      r = neg ? 0 - rem : rem;
    }
    setReg(0, q);
    setReg(2, r);
    return true;
  }
  const dividend = size == 1 ? getR(0, 2) : (getR(2, size) << bits) | getR(0, size);
  if (!signed) {
    q = dividend / d;
    r = dividend % d;
    if (q > m) return divideError(pc);
  } else {
    const sd = <i64>signExtend(dividend, size * 2);
    const sv = <i64>signExtend(d, size);
    // INT64_MIN / -1 would trap the wasm; its quotient does not fit any x86 size either
    if (sv == -1 && sd == i64.MIN_VALUE) return divideError(pc);
    const sq = sd / sv;
    const lim = <i64>1 << <i64>(bits - 1);
    if (sq >= lim || sq < -lim) return divideError(pc);
    q = <u64>sq & m;
    r = <u64>(sd % sv) & m;
  }
  if (size == 1) setR(0, (r << 8) | q, 2);
  else {
    setR(0, q, size);
    setR(2, r, size);
  }
  return true;
}

function divideError(pc: u64): bool {
  raise(pc, FAULT_DIVIDE, X86_DE, 0, 0, 0, pc);
  return false;
}
