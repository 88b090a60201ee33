// A64 data processing (register): logical and add/sub (shifted, extended), adc/sbc,
// conditional compare and select, 1- and 2-source (bit ops, divides, variable shifts) and
// 3-source (multiply-add, long and high multiplies). False: not implemented here.
import { x, setX, xsp, setXsp, nzcv, setNzcv, addWithCarry, logicFlags } from "./regs";
import { conditionHolds, C_BIT } from "../arm";
import { ones, field } from "./bits";
import { mulhu, mulhs } from "../x86/muldiv";

/** Shift `v` (already at width) by type 0 LSL, 1 LSR, 2 ASR, 3 ROR. */
function shiftReg(v: u64, type: u32, amount: u64, width: u64): u64 {
  if (amount == 0) return v;
  const m = ones(width);
  if (type == 0) return (v << amount) & m;
  if (type == 1) return v >> amount;
  if (type == 2) {
    const s = 64 - width;
    return <u64>((<i64>(v << s) >> s) >> <i64>amount) & m;
  }
  return ((v >> amount) | (v << (width - amount))) & m;
}

/** ExtendReg: option 0-3 UXTB/H/W/X, 4-7 SXTB/H/W/X, then shifted left by `shift`. */
function extendReg(v: u64, option: u32, shift: u64): u64 {
  const len = <u64>(8 << (option & 3));
  let r = len == 64 ? v : v & ones(len);
  if (option >= 4 && len < 64) {
    const s = 64 - len;
    r = <u64>(<i64>(r << s) >> s);
  }
  return r << shift;
}

export function dataProcessingReg(insn: u32): bool {
  const op1 = (insn >> 28) & 1;
  const op2 = field(insn, 21, 4);
  const sf = (insn >> 31) != 0;
  const width: u64 = sf ? 64 : 32;
  const m = ones(width);
  const rd = insn & 31;
  const rn = field(insn, 5, 5);
  const rm = field(insn, 16, 5);
  if (op1 == 0) {
    const amount = <u64>field(insn, 10, 6);
    if ((op2 & 8) == 0) {
      // logical (shifted register)
      if (!sf && amount >= 32) return false;
      let b = shiftReg(x(rm) & m, field(insn, 22, 2), amount, width);
      if ((insn >> 21) & 1) b = ~b & m;
      const opc = field(insn, 29, 2);
      const a = x(rn) & m;
      const r = opc == 0 || opc == 3 ? a & b : opc == 1 ? a | b : a ^ b;
      if (opc == 3) logicFlags(r, sf);
      setX(rd, r);
      return true;
    }
    const sub = ((insn >> 30) & 1) != 0;
    const s = ((insn >> 29) & 1) != 0;
    if ((op2 & 1) == 0) {
      // add/sub (shifted register)
      const type = field(insn, 22, 2);
      if (type == 3 || (!sf && amount >= 32)) return false;
      const b = shiftReg(x(rm) & m, type, amount, width);
      const r = addWithCarry(x(rn), sub ? ~b : b, sub ? 1 : 0, sf, s);
      setX(rd, r & m);
      return true;
    }
    // add/sub (extended register)
    const shift = <u64>field(insn, 10, 3);
    if (field(insn, 22, 2) != 0 || shift > 4) return false;
    const b = extendReg(x(rm), field(insn, 13, 3), shift) & m;
    const r = addWithCarry(xsp(rn), sub ? ~b : b, sub ? 1 : 0, sf, s) & m;
    if (s) setX(rd, r);
    else setXsp(rd, r);
    return true;
  }
  if (op2 == 0) {
    // adc/adcs/sbc/sbcs
    if (field(insn, 10, 6) != 0) return false;
    const sub = ((insn >> 30) & 1) != 0;
    const b = x(rm) & m;
    const r = addWithCarry(x(rn), sub ? ~b : b, (nzcv & C_BIT) != 0 ? 1 : 0, sf, ((insn >> 29) & 1) != 0);
    setX(rd, r & m);
    return true;
  }
  if (op2 == 2) {
    // ccmn/ccmp (register or immediate)
    if (((insn >> 29) & 1) == 0 || ((insn >> 10) & 1) != 0 || ((insn >> 4) & 1) != 0) return false;
    if (conditionHolds(field(insn, 12, 4), nzcv)) {
      const b = ((insn >> 11) & 1) != 0 ? <u64>rm : x(rm) & m;
      const sub = ((insn >> 30) & 1) != 0;
      addWithCarry(x(rn), sub ? ~b : b, sub ? 1 : 0, sf, true);
    } else setNzcv((insn & 15) << 28);
    return true;
  }
  if (op2 == 4) {
    // csel/csinc/csinv/csneg (and cset, csetm, cinc, cinv, cneg)
    if (((insn >> 29) & 1) != 0 || ((insn >> 11) & 1) != 0) return false;
    let r: u64;
    if (conditionHolds(field(insn, 12, 4), nzcv)) r = x(rn);
    else {
      r = x(rm);
      const inv = ((insn >> 30) & 1) != 0;
      const inc = ((insn >> 10) & 1) != 0;
      if (inv) r = ~r;
      if (inc) r += 1;
    }
    setX(rd, r & m);
    return true;
  }
  if (op2 == 6) return ((insn >> 30) & 1) != 0 ? oneSource(insn, sf, rd, rn) : twoSource(insn, sf, rd, rn, rm);
  if ((op2 & 8) != 0) return threeSource(insn, sf, rd, rn, rm);
  return false;
}

function oneSource(insn: u32, sf: bool, rd: u32, rn: u32): bool {
  if (field(insn, 16, 5) != 0 || ((insn >> 29) & 1) != 0) return false;
  const opc = field(insn, 10, 6);
  const width: u64 = sf ? 64 : 32;
  const v = x(rn) & ones(width);
  let r: u64;
  if (opc == 0) r = sf ? reverseBits(v) : reverseBits(v) >> 32;
  else if (opc == 1) r = ((v & 0x00ff00ff00ff00ff) << 8) | ((v >> 8) & 0x00ff00ff00ff00ff);
  else if (opc == 2) r = sf ? (<u64>bswap<u32>(<u32>(v >> 32)) << 32) | <u64>bswap<u32>(<u32>v) : <u64>bswap<u32>(<u32>v);
  else if (opc == 3 && sf) r = bswap<u64>(v);
  else if (opc == 4) r = sf ? clz<u64>(v) : <u64>clz<u32>(<u32>v);
  else if (opc == 5) {
    // cls: leading bits equal to the sign bit, not counting it
    const sign = (v >> (width - 1)) & 1;
    const t = sign != 0 ? ~v & ones(width) : v;
    r = (sf ? clz<u64>(t) : <u64>clz<u32>(<u32>t)) - 1;
  } else return false;
  setX(rd, r & ones(width));
  return true;
}

function reverseBits(v: u64): u64 {
  let r = v;
  r = ((r >> 1) & 0x5555555555555555) | ((r & 0x5555555555555555) << 1);
  r = ((r >> 2) & 0x3333333333333333) | ((r & 0x3333333333333333) << 2);
  r = ((r >> 4) & 0x0f0f0f0f0f0f0f0f) | ((r & 0x0f0f0f0f0f0f0f0f) << 4);
  return bswap<u64>(r);
}

function twoSource(insn: u32, sf: bool, rd: u32, rn: u32, rm: u32): bool {
  if (((insn >> 29) & 1) != 0) return false;
  const opc = field(insn, 10, 6);
  const width: u64 = sf ? 64 : 32;
  const m = ones(width);
  const a = x(rn) & m;
  const b = x(rm) & m;
  let r: u64;
  if (opc == 2) r = b == 0 ? 0 : a / b;
  else if (opc == 3) {
    // sdiv: a zero divisor gives 0, and MIN / -1 gives MIN (no trap on A64)
    if (b == 0) r = 0;
    else if (sf) r = <i64>b == -1 ? 0 - a : <u64>(<i64>a / <i64>b);
    else {
      const sa = <i32>(<u32>a);
      const sb = <i32>(<u32>b);
      r = sb == -1 ? <u64>(<u32>(0 - sa)) : <u64>(<u32>(sa / sb));
    }
  } else if (opc >= 8 && opc <= 11) {
    const amount = b & (width - 1);
    const type = opc - 8;
    if (amount == 0) r = a;
    else if (type == 0) r = a << amount;
    else if (type == 1) r = a >> amount;
    else if (type == 2) {
      const s = 64 - width;
      r = <u64>((<i64>(a << s) >> s) >> <i64>amount);
    } else r = (a >> amount) | (a << (width - amount));
  } else return false;
  setX(rd, r & m);
  return true;
}

function threeSource(insn: u32, sf: bool, rd: u32, rn: u32, rm: u32): bool {
  const op31 = field(insn, 21, 3);
  const o0 = (insn >> 15) & 1;
  const ra = field(insn, 10, 5);
  if (field(insn, 29, 2) != 0) return false;
  if (op31 == 0) {
    const p = x(rn) * x(rm);
    const r = o0 == 0 ? x(ra) + p : x(ra) - p;
    setX(rd, sf ? r : r & 0xffffffff);
    return true;
  }
  if (!sf) return false;
  if (op31 == 1 || op31 == 5) {
    // smaddl/smsubl, umaddl/umsubl: 32x32 -> 64
    const a = op31 == 1 ? <u64>(<i64>(<i32>(<u32>x(rn)))) : x(rn) & 0xffffffff;
    const b = op31 == 1 ? <u64>(<i64>(<i32>(<u32>x(rm)))) : x(rm) & 0xffffffff;
    setX(rd, o0 == 0 ? x(ra) + a * b : x(ra) - a * b);
    return true;
  }
  if ((op31 == 2 || op31 == 6) && o0 == 0) {
    setX(rd, op31 == 2 ? mulhs(x(rn), x(rm)) : mulhu(x(rn), x(rm)));
    return true;
  }
  return false;
}
