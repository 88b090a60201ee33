// x86 arithmetic with the manuals' flag rules. Where the SDM leaves a flag undefined this code
// still writes a value (noted per instruction); callers and tests must not rely on it.
import * as O from "./ops";
import {
  setCc,
  setCarryIn,
  carry,
  arith,
  setEfl,
  reg,
  maskOf,
  CC_ADD,
  CC_ADC,
  CC_SUB,
  CC_SBB,
  CC_LOGIC,
  CC_INC,
  CC_DEC,
  CF,
  ZF,
  SF,
  OF,
} from "./regs";
import { rd, wr, canWrite, fKind } from "../mmu";
import { ea, isReg, readE, writeE, readG, writeG, signExtend, rmwRead, rmwWrite } from "./operands";

/** `a op b` for ALU kind `kind` at `size` bytes (operands already masked); sets the lazy flags. */
// @ts-ignore: decorator
@inline export function alu(kind: u32, a: u64, b: u64, size: i32): u64 {
  const m = maskOf(size);
  let r: u64;
  if (kind == O.ALU_ADD) {
    r = (a + b) & m;
    setCc(CC_ADD, a, b, r, size);
  } else if (kind == O.ALU_SUB || kind == O.ALU_CMP) {
    r = (a - b) & m;
    setCc(CC_SUB, a, b, r, size);
  } else if (kind == O.ALU_AND || kind == O.ALU_TEST) {
    r = a & b;
    setCc(CC_LOGIC, a, b, r, size);
  } else if (kind == O.ALU_OR) {
    r = a | b;
    setCc(CC_LOGIC, a, b, r, size);
  } else if (kind == O.ALU_XOR) {
    r = a ^ b;
    setCc(CC_LOGIC, a, b, r, size);
  } else if (kind == O.ALU_ADC) {
    const c = carry();
    r = (a + b + c) & m;
    setCc(CC_ADC, a, b, r, size);
    setCarryIn(c);
  } else {
    const c = carry();
    r = (a - b - c) & m;
    setCc(CC_SBB, a, b, r, size);
    setCarryIn(c);
  }
  return r;
}

/** inc/dec (CF kept), not, neg on the ModRM operand. */
export function unary(e: usize, op: u16, size: i32): void {
  const m = maskOf(size);
  const a = rmwRead(e, size);
  if (fKindSet()) return;
  let r: u64;
  if (op == O.OP_INC || op == O.OP_DEC) {
    const c = carry();
    r = (op == O.OP_INC ? a + 1 : a - 1) & m;
    setCc(op == O.OP_INC ? CC_INC : CC_DEC, a, 1, r, size);
    setCarryIn(c);
  } else if (op == O.OP_NOT) r = ~a & m;
  else {
    r = (0 - a) & m;
    setCc(CC_SUB, 0, a, r, size);
  }
  rmwWrite(e, r, size);
}

/** SF, ZF, PF of `r` at `size`. */
export function szp(r: u64, size: i32): u32 {
  let f: u32 = (~popcnt<u32>(<u32>r & 0xff) & 1) << 2;
  if (r == 0) f |= ZF;
  if (((r >> <u64>((size << 3) - 1)) & 1) != 0) f |= SF;
  return f;
}

function msb(v: u64, size: i32): u64 {
  return (v >> <u64>((size << 3) - 1)) & 1;
}

/**
 * rol/ror/rcl/rcr/shl/shr/sal/sar (kind 0-7). A masked count of 0 changes nothing. OF is
 * defined for 1-bit counts only and AF after shifts is undefined (written as the 1-bit rule and 0).
 */
export function shift(e: usize, size: i32): void {
  const kind = <u32>load<u8>(e + O.E_AUX);
  const bits = size << 3;
  const cnt = shiftCount(e, size);
  if (cnt == 0) return;
  const a = rmwRead(e, size);
  if (fKindSet()) return;
  const m = maskOf(size);
  const ub = <u64>bits;
  let r: u64 = 0;
  let f: u32 = arith();
  let cf: u64 = 0;
  let ovf: u64 = 0;
  if (kind == 0 || kind == 1) {
    const n = <u64>(cnt % bits);
    r = kind == 0 ? ((a << n) | (a >> ((ub - n) & 63))) & m : ((a >> n) | (a << ((ub - n) & 63))) & m;
    if (n == 0) r = a;
    if (kind == 0) {
      cf = r & 1;
      ovf = msb(r, size) ^ cf;
    } else {
      cf = msb(r, size);
      ovf = cf ^ ((r >> (ub - 2)) & 1);
    }
    f = (f & ~(CF | OF)) | <u32>cf | (<u32>ovf << 11);
  } else if (kind == 2 || kind == 3) {
    const n = size == 1 ? cnt % 9 : size == 2 ? cnt % 17 : cnt;
    let c = <u64>(f & CF);
    r = a;
    if (kind == 3) ovf = msb(r, size) ^ c;
    for (let i = 0; i < n; i++) {
      if (kind == 2) {
        const out = msb(r, size);
        r = ((r << 1) | c) & m;
        c = out;
      } else {
        const out = r & 1;
        r = (r >> 1) | (c << (ub - 1));
        c = out;
      }
    }
    if (kind == 2) ovf = msb(r, size) ^ c;
    f = (f & ~(CF | OF)) | <u32>c | (<u32>ovf << 11);
  } else {
    const n = <u64>cnt;
    if (kind == 7) {
      const sa = <i64>signExtend(a, size);
      r = <u64>(sa >> n) & m;
      cf = <u64>(sa >> (n - 1)) & 1;
      ovf = 0;
    } else if (kind == 5) {
      r = a >> n;
      cf = (a >> (n - 1)) & 1;
      ovf = msb(a, size);
    } else {
      r = (a << n) & m;
      cf = ((a << (n - 1)) >> (ub - 1)) & 1;
      ovf = msb(r, size) ^ cf;
    }
    f = szp(r, size) | <u32>cf | (<u32>ovf << 11);
  }
  setEfl(f);
  rmwWrite(e, r, size);
}

/** The masked count of a shift (imm8 or cl); a count of 0 still reads a memory operand (it may fault). */
function shiftCount(e: usize, size: i32): i32 {
  const cnt = <i32>(load<u8>(e + O.E_AUX2) != 0 ? reg(1) : load<u64>(e + O.E_IMM)) & (size == 8 ? 0x3f : 0x1f);
  if (cnt == 0 && !isReg(e)) readE(e, size);
  return cnt;
}

/** shld (left) / shrd: the destination shifted with bits from the register operand filling in. */
export function doubleShift(e: usize, size: i32, left: bool): void {
  const cnt = shiftCount(e, size);
  if (cnt == 0) return;
  const a = rmwRead(e, size);
  if (fKindSet()) return;
  const b = readG(e, size);
  const m = maskOf(size);
  const ub = <u64>(size << 3);
  const n = <u64>cnt;
  let r: u64;
  let cf: u64;
  if (size == 8) {
    r = left ? (a << n) | (b >> (64 - n)) : (a >> n) | (b << (64 - n));
    cf = left ? (a >> (64 - n)) & 1 : (a >> (n - 1)) & 1;
  } else if (size == 4) {
    const cat = left ? (a << 32) | b : (b << 32) | a;
    r = left ? (cat << n) >> 32 : (cat >> n) & m;
    cf = left ? (a >> (32 - n)) & 1 : (a >> (n - 1)) & 1;
  } else {
    // 16-bit: counts above 16 leave the result undefined; the same formula is applied
    r = left ? (a << n) | (b >> ((ub - n) & 63)) : (a >> n) | (b << ((ub - n) & 63));
    cf = left ? (a >> ((ub - n) & 63)) & 1 : (a >> (n - 1)) & 1;
  }
  r &= m;
  setEfl(szp(r, size) | <u32>cf | (<u32>(msb(r, size) ^ msb(a, size)) << 11));
  rmwWrite(e, r, size);
}

/** bt/bts/btr/btc: CF = the bit; ZF kept; OF/SF/AF/PF undefined (kept). */
export function bitTest(e: usize, size: i32): void {
  const kind = <u32>load<u8>(e + O.E_AUX);
  const bits = <u64>(size << 3);
  let off: u64;
  let addr: u64 = 0;
  const mem = !isReg(e);
  if (load<u8>(e + O.E_AUX2) != 0) {
    off = load<u64>(e + O.E_IMM) & (bits - 1);
    if (mem) addr = ea(e);
  } else {
    const raw = readG(e, size);
    if (mem) {
      // a register offset addresses the bit string beyond the operand, signed
      const s = <i64>signExtend(raw, size);
      addr = ea(e) + <u64>((s >> <i64>(size == 2 ? 4 : size == 4 ? 5 : 6)) * <i64>size);
      off = <u64>s & (bits - 1);
    } else off = raw & (bits - 1);
  }
  let v: u64;
  if (mem) {
    if (kind != 0 && !canWrite(addr, size)) return;
    v = rd(addr, size);
    if (fKindSet()) return;
  } else v = readE(e, size);
  const bit = (v >> off) & 1;
  setEfl((arith() & ~CF) | <u32>bit);
  if (kind == 0) return;
  const mask = <u64>1 << off;
  const nv = kind == 1 ? v | mask : kind == 2 ? v & ~mask : v ^ mask;
  if (mem) wr(addr, nv, size);
  else writeE(e, nv, size);
}

/** bsf/bsr/tzcnt/lzcnt/popcnt (aux 0-4). */
export function bitScan(e: usize, size: i32): void {
  const kind = <u32>load<u8>(e + O.E_AUX);
  const v = readE(e, size);
  if (fKindSet()) return;
  const bits = <u64>(size << 3);
  const f = arith();
  if (kind == 4) {
    writeG(e, popcnt<u64>(v), size);
    setEfl(v == 0 ? ZF : 0);
    return;
  }
  if (kind == 2 || kind == 3) {
    const r = v == 0 ? bits : kind == 2 ? ctz<u64>(v) : clz<u64>(v) - (64 - bits);
    writeG(e, r, size);
    setEfl((f & ~(CF | ZF)) | (v == 0 ? CF : 0) | (r == 0 ? ZF : 0));
    return;
  }
  // bsf/bsr with a zero source: ZF set, destination left as it was (AMD documents this; Intel
  // calls it undefined)
  if (v == 0) {
    setEfl(f | ZF);
    return;
  }
  writeG(e, kind == 0 ? ctz<u64>(v) : 63 - clz<u64>(v), size);
  setEfl(f & ~ZF);
}


function fKindSet(): bool {
  return fKind != 0;
}
