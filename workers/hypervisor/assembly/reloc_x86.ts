// x86-64 RELA types Xen handles (arch_livepatch_perform_rela() in xen/arch/x86/livepatch.c, whose
// messages these are).
import { Elf, Sec } from "./elf";
import { fail, lp } from "./diag";
import * as R from "./rules";
import { EINVAL, EOPNOTSUPP, EOVERFLOW } from "./errno";
import { memWriteLe } from "./memory";
import { Rel, relSymbol, relRc, relLoc } from "./reloc";

function pastEnd(e: Elf, base: Sec, r: Sec, x: Rel): i32 {
  return fail(R.R_RELOC_OFFSET, EINVAL, lp("Relative relocation offset is past " + base.name + " section"), "", relLoc(e, r, x));
}

export function relocX86(e: Elf, base: Sec, r: Sec, x: Rel): i32 {
  const y = relSymbol(e, r, x);
  if (y === null) return relRc;
  const val: u64 = y.value + <u64>x.addend;
  const dest = base.loadAddr + x.offset;
  switch (x.type) {
    case 0: // R_X86_64_NONE
      return 0;
    case 1: // R_X86_64_64
      if (x.offset >= base.size || x.offset + 8 > base.size) return pastEnd(e, base, r, x);
      memWriteLe(dest, val, 8);
      return 0;
    case 2: // R_X86_64_PC32
    case 4: {
      // R_X86_64_PLT32: same as PC32 (Xen has no PLT)
      if (x.offset >= base.size || x.offset + 4 > base.size) return pastEnd(e, base, r, x);
      const rel = val - dest;
      memWriteLe(dest, rel, 4);
      if (<i64>rel != <i64>(<i32>rel))
        return fail(R.R_RELOC_OVERFLOW, EOVERFLOW, lp("Overflow in relocation " + x.index.toString() + " in " + r.name + " for " + base.name), "", relLoc(e, r, x));
      return 0;
    }
    default:
      return fail(R.R_RELOC_TYPE, EOPNOTSUPP, lp("Unhandled relocation " + x.type.toString()), "", relLoc(e, r, x));
  }
}
