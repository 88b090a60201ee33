// ARM32 REL/RELA types Xen handles (arch_livepatch_perform() in xen/arch/arm/arm32/livepatch.c,
// whose messages these are). Xen does not bounds-check r_offset; writing
// outside the payload's own pages would corrupt or fault the real host, so the simulator
// refuses such an entry with -EINVAL instead (documented deviation).
import { Elf, Sec } from "./elf";
import { fail, lp } from "./diag";
import * as R from "./rules";
import { EINVAL, EOPNOTSUPP, EOVERFLOW } from "./errno";
import { memReadLe, memWriteLe } from "./memory";
import { Rel, relSymbol, relRc, relLoc } from "./reloc";

export let allocLo: u64 = 0;
export let allocHi: u64 = 0;

export function setAllocBounds(lo: u64, hi: u64): void {
  allocLo = lo;
  allocHi = hi;
}

function signExtend(v: u32, bits: i32): i32 {
  const sh = 32 - bits;
  return (<i32>(v << sh)) >> sh;
}

export function relocArm32(e: Elf, base: Sec, r: Sec, x: Rel): i32 {
  const y = relSymbol(e, r, x);
  if (y === null) return relRc;
  const t = x.type;
  if (t == 0) return 0;
  if (t != 2 && t != 3 && t != 43 && t != 44 && t != 28 && t != 29)
    return fail(R.R_RELOC_TYPE, EOPNOTSUPP, lp("Unhandled relocation #" + t.toString(16)), "", relLoc(e, r, x));
  const place = <u64>(<u32>(base.loadAddr + x.offset));
  if (place < allocLo || place + 4 > allocHi)
    return fail(R.R_RELOC_OFFSET, EINVAL, "",
      "relocation " + x.index.toString() + " in " + r.name + " would write outside the payload; Xen has no bounds check here (it would write there), the simulator refuses", relLoc(e, r, x));
  let insn = <u32>memReadLe(place, 4);
  let addend: i32;
  if (x.hasAddend) addend = <i32>x.addend;
  else if (t == 2 || t == 3) addend = <i32>insn;
  else if (t == 43 || t == 44) addend = signExtend(((insn >> 4) & 0xf000) | (insn & 0xfff), 16);
  else addend = signExtend(insn & 0xffffff, 24) << 2;
  const sa = <u32>y.value + <u32>addend;
  if (t == 2) insn = sa;
  else if (t == 3) insn = sa - <u32>place;
  else if (t == 43 || t == 44) {
    // perform_rel() takes S alone here (`val &= 0xFFFF`, `val >> 16` of val = st_value): the addend
    // only decides whether the old immediate is cleared, it is never added.
    const s = <u32>y.value;
    const v = t == 44 ? s >> 16 : s & 0xffff;
    if (addend != 0) insn &= 0xfff0f000;
    insn |= ((v & 0xf000) << 4) | (v & 0x0fff);
  } else {
    const d = <i32>(sa - <u32>place);
    if (d < -0x2000000 || d >= 0x2000000)
      return fail(R.R_RELOC_OVERFLOW, EOVERFLOW, lp("Overflow in relocation " + x.index.toString() + " in " + r.name + " for " + base.name), "", relLoc(e, r, x));
    if (addend != 0) insn &= 0xff000000;
    insn |= (<u32>d >> 2) & 0x00fffffe;
  }
  memWriteLe(place, insn, 4);
  return 0;
}
