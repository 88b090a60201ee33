// AArch64 RELA types Xen handles (arch_livepatch_perform_rela() in xen/arch/arm/arm64/livepatch.c,
// whose messages these are). Like Xen, the value is written before the
// overflow test, and only "checked" types turn an overflow into -EOVERFLOW.
import { Elf, Sec } from "./elf";
import { fail, lp } from "./diag";
import * as R from "./rules";
import { EINVAL, EOPNOTSUPP, EOVERFLOW } from "./errno";
import { memReadLe, memWriteLe } from "./memory";
import { Rel, relSymbol, relRc, relLoc } from "./reloc";

const OP_ABS: i32 = 1;
const OP_PREL: i32 = 2;
const OP_PAGE: i32 = 3;

// Immediate field kinds (encoding shift / mask), as the A64 instruction formats lay them out.
const IMM_16: i32 = 0;
const IMM_12: i32 = 1;
const IMM_14: i32 = 2;
const IMM_19: i32 = 3;
const IMM_26: i32 = 4;
const IMM_ADR: i32 = 5;

const MOVKZ: i32 = 0;
const MOVNZ: i32 = 1;

function doReloc(op: i32, place: u64, val: u64): u64 {
  if (op == OP_ABS) return val;
  if (op == OP_PREL) return val - place;
  return (val & ~(<u64>0xfff)) - (place & ~(<u64>0xfff));
}

function encodeImm(kind: i32, insn: u32, imm: u64): u32 {
  if (kind == IMM_ADR) {
    const lo = (<u32>imm & 3) << 29;
    const hi = (<u32>(imm >> 2) & 0x7ffff) << 5;
    return (insn & ~((<u32>3 << 29) | (<u32>0x7ffff << 5))) | lo | hi;
  }
  let shift: u32 = 5;
  let mask: u32 = 0xffff;
  if (kind == IMM_12) {
    shift = 10;
    mask = 0xfff;
  } else if (kind == IMM_14) mask = 0x3fff;
  else if (kind == IMM_19) mask = 0x7ffff;
  else if (kind == IMM_26) {
    shift = 0;
    mask = 0x3ffffff;
  }
  return (insn & ~(mask << shift)) | ((<u32>imm & mask) << shift);
}

/** Data relocation; returns true on overflow. */
function relocData(op: i32, place: u64, val: u64, bits: i32): bool {
  const sval = <i64>doReloc(op, place, val);
  memWriteLe(place, <u64>sval, bits / 8);
  if (bits == 16) return sval < -32768 || sval > 65535;
  if (bits == 32) return sval < -2147483648 || sval > 4294967295;
  return false;
}

function relocMovw(op: i32, place: u64, val: u64, lsb: i32, kind: i32): bool {
  let insn = <u32>memReadLe(place, 4);
  const sval = <i64>doReloc(op, place, val);
  let imm = <u64>(sval >> lsb);
  if (kind == MOVNZ) {
    insn &= ~(<u32>3 << 29);
    if (sval >= 0) insn |= <u32>2 << 29;
    else imm = ~imm;
  }
  memWriteLe(place, encodeImm(IMM_16, insn, imm), 4);
  return imm > 0xffff;
}

function relocImm(op: i32, place: u64, val: u64, lsb: i32, len: i32, kind: i32): bool {
  let insn = <u32>memReadLe(place, 4);
  let sval = <i64>doReloc(op, place, val);
  sval >>= lsb;
  const mask: u64 = ((<u64>1 << <u64>(lsb + len)) - 1) >> <u64>lsb;
  const imm = <u64>sval & mask;
  memWriteLe(place, encodeImm(kind, insn, imm), 4);
  sval = <i64>(<u64>sval & ~(mask >> 1)) >> (len - 1);
  return <u64>(sval + 1) >= 2;
}

export function relocArm64(e: Elf, base: Sec, r: Sec, x: Rel): i32 {
  const y = relSymbol(e, r, x);
  if (y === null) return relRc;
  const place = base.loadAddr + x.offset;
  const val: u64 = y.value + <u64>x.addend;
  // Every AArch64 relocation touches at least 32 bits.
  if (x.offset >= base.size || x.offset + 4 > base.size)
    return fail(R.R_RELOC_OFFSET, EINVAL, lp("Relative relocation offset is past " + base.name + " section"), "", relLoc(e, r, x));
  let checked: bool = true;
  let ovf: bool = false;
  const t = x.type;
  if (t == 257 || t == 260) {
    if (x.offset + 8 > base.size) return fail(R.R_RELOC_OFFSET, EINVAL, lp("Relative relocation offset is past " + base.name + " section"), "", relLoc(e, r, x));
    checked = false;
    ovf = relocData(t == 257 ? OP_ABS : OP_PREL, place, val, 64);
  } else if (t == 258) ovf = relocData(OP_ABS, place, val, 32);
  else if (t == 259) ovf = relocData(OP_ABS, place, val, 16);
  else if (t == 261) ovf = relocData(OP_PREL, place, val, 32);
  else if (t == 262) ovf = relocData(OP_PREL, place, val, 16);
  else if (t >= 263 && t <= 268) {
    // MOVW_UABS_G0..G2 (checked) and their _NC forms (unchecked)
    checked = (t & 1) == 1;
    ovf = relocMovw(OP_ABS, place, val, <i32>((t - 263) >> 1) * 16, MOVKZ);
  } else if (t == 269) {
    checked = false;
    ovf = relocMovw(OP_ABS, place, val, 48, MOVKZ);
  } else if (t >= 270 && t <= 272) ovf = relocMovw(OP_ABS, place, val, <i32>(t - 270) * 16, MOVNZ);
  else if (t >= 287 && t <= 292) {
    // MOVW_PREL_G0..G2 use MOVN/MOVZ and are checked; the _NC forms use MOVK/MOVZ.
    const nc = (t & 1) == 0;
    checked = !nc;
    ovf = relocMovw(OP_PREL, place, val, <i32>((t - 287) >> 1) * 16, nc ? MOVKZ : MOVNZ);
  } else if (t == 293) {
    checked = false;
    ovf = relocMovw(OP_PREL, place, val, 48, MOVNZ);
  } else if (t == 274) ovf = relocImm(OP_PREL, place, val, 0, 21, IMM_ADR);
  else if (t == 275 || t == 276) {
    checked = t == 275;
    ovf = relocImm(OP_PAGE, place, val, 12, 21, IMM_ADR);
  } else if (t == 277 || t == 278) {
    checked = false;
    ovf = relocImm(OP_ABS, place, val, 0, 12, IMM_12);
  } else if (t == 284 || t == 285 || t == 286 || t == 299) {
    checked = false;
    const lsb = t == 284 ? 1 : t == 285 ? 2 : t == 286 ? 3 : 4;
    ovf = relocImm(OP_ABS, place, val, lsb, 12 - lsb, IMM_12);
  } else if (t == 279) {
    // TSTBR14: Xen's reloc_insn_imm() call tests the range with 19 bits although the field holds 14.
    ovf = relocImm(OP_PREL, place, val, 2, 19, IMM_14);
  } else if (t == 280) ovf = relocImm(OP_PREL, place, val, 2, 19, IMM_19);
  else if (t == 282 || t == 283) ovf = relocImm(OP_PREL, place, val, 2, 26, IMM_26);
  else return fail(R.R_RELOC_TYPE, EOPNOTSUPP, lp("Unhandled relocation " + t.toString()), "", relLoc(e, r, x));
  if (checked && ovf)
    return fail(R.R_RELOC_OVERFLOW, EOVERFLOW, lp("Overflow in relocation " + x.index.toString() + " in " + r.name + " for " + base.name), "", relLoc(e, r, x));
  return 0;
}
