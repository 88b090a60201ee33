// The generic relocation pass (livepatch_elf_perform_relocs() in xen/common/livepatch_elf.c):
// which sections are processed, and the per-entry symbol checks every arch's
// arch_livepatch_perform_rela() makes first; the arch files apply the types.
import { Elf, Sec, Sym, shdrLoc, SHDR_FLAGS_OFF, SHF_ALLOC, SHT_REL, SHT_RELA } from "./elf";
import { fail, failQuoting, lp, at, Loc, diagName } from "./diag";
import { fatalFault } from "./xenlog";
import * as R from "./rules";
import { EINVAL, ENOSYS, EOPNOTSUPP } from "./errno";
import { arch, ARCH_X86_64, ARCH_ARM64, ARCH_ARM32 } from "./image";
import { relocX86 } from "./reloc_x86";
import { relocArm64 } from "./reloc_arm64";
import { relocArm32 } from "./reloc_arm32";

/** One decoded relocation entry. */
export class Rel {
  index: i32 = 0;
  offset: u64 = 0;
  type: u32 = 0;
  sym: u32 = 0;
  addend: i64 = 0;
  hasAddend: bool = false;
}

// One entry at a time: the arch code reads it and keeps nothing, so one object serves them all.
const entry = new Rel();

function readRel(e: Elf, r: Sec, i: i32): Rel {
  const b = e.b;
  const o = r.offset + r.entsize * <u64>i;
  const x = entry;
  x.index = i;
  x.addend = 0;
  x.hasAddend = r.type == SHT_RELA;
  if (e.is64) {
    x.offset = b.u64(o);
    const info = b.u64(o + 8);
    x.sym = <u32>(info >> 32);
    x.type = <u32>info;
    if (x.hasAddend) x.addend = <i64>b.u64(o + 16);
  } else {
    x.offset = b.u32(o);
    const info = b.u32(o + 4);
    x.sym = info >> 8;
    x.type = info & 0xff;
    if (x.hasAddend) x.addend = <i64>(<i32>b.u32(o + 8));
  }
  return x;
}

/** Where relocation `x` of section `r` is in the file, with the symbol it names when valid. */
export function relLoc(e: Elf, r: Sec, x: Rel): Loc {
  const l = at(r.offset + r.entsize * <u64>x.index, r.entsize).sec(r.name, r.index).reloc(r.name, r.index, x.index);
  if (x.sym > 0 && <u64>x.sym < <u64>e.syms.length) l.sym(<i32>x.sym, e.syms[x.sym].name);
  return l;
}

/** The per-entry symbol checks every arch shares; returns the symbol or sets `relRc`. */
export let relRc: i32 = 0;
export function relSymbol(e: Elf, r: Sec, x: Rel): Sym | null {
  relRc = 0;
  // "%s: Encountered STN_UNDEF"
  if (x.sym == 0) {
    relRc = fail(R.R_RELOC_SYM_NONE, EOPNOTSUPP, lp("Encountered STN_UNDEF"), "", relLoc(e, r, x));
    return null;
  }
  // "%s: Relative relocation wants symbol@%u which is past end" (ARM32: "Relative symbol wants ...")
  if (<u64>x.sym >= <u64>e.syms.length) {
    const what = arch == ARCH_ARM32 ? "Relative symbol wants symbol@" : "Relative relocation wants symbol@";
    relRc = fail(R.R_RELOC_SYM_RANGE, EINVAL, lp(what + x.sym.toString() + " which is past end"), "", relLoc(e, r, x));
    return null;
  }
  const y = e.syms[x.sym];
  // "%s: Relocation against ignored symbol %s cannot be resolved"
  if (y.ignored) {
    relRc = fail(R.R_RELOC_IGNORED, EINVAL, lp("Relocation against ignored symbol " + y.name + " cannot be resolved"), "", relLoc(e, r, x));
    return null;
  }
  return y;
}

export function performRelocs(e: Elf): i32 {
  const relSize: u64 = e.is64 ? 16 : 8;
  const relaSize: u64 = e.is64 ? 24 : 12;
  for (let i = 1; i < e.secs.length; i++) {
    const r = e.secs[i];
    if (r.type != SHT_RELA && r.type != SHT_REL) continue;
    if (r.info >= e.shnum) continue;
    // sh_info 0 picks sec[0], whose header pointer is NULL: Xen reads its sh_flags.
    if (r.info == 0) {
      fatalFault(0, diagName, SHDR_FLAGS_OFF, false, R.R_RELOC_BASE_NULL,
        r.name + " has sh_info 0, so Xen takes section 0 (which has no header) as the section to relocate and reads its sh_flags through a NULL pointer");
      return -ENOSYS;
    }
    const base = e.secs[r.info];
    if ((base.flags & SHF_ALLOC) == 0) continue;
    // "%s: Relative link of %s is incorrect (%d, expected=%d)"
    if (<i32>r.link != e.symtabIdx)
      return fail(R.R_RELOC_SECTION, EINVAL, lp("Relative link of " + r.name + " is incorrect (" + (<i32>r.link).toString() + ", expected=" + e.symtabIdx.toString() + ")"), "", shdrLoc(e, i));
    if (r.size == 0) continue;
    const need = r.type == SHT_RELA ? relaSize : relSize;
    if (r.entsize < need || r.size % r.entsize != 0)
      // "%s: Section relative header is corrupted"
      return failQuoting(R.R_RELOC_SECTION, EINVAL, lp("Section relative header is corrupted"), r.name + ": sh_entsize " + r.entsize.toString() +
        (r.entsize < need ? " is smaller than one " + (r.type == SHT_RELA ? "Elf_Rela" : "Elf_Rel") + " (" + need.toString() + " bytes)" : " does not divide sh_size " + r.size.toString()), shdrLoc(e, i));
    // xen/arch/x86/livepatch.c arch_livepatch_perform_rel(): "%s: SHT_REL relocation unsupported"
    if (arch == ARCH_X86_64 && r.type == SHT_REL) return fail(R.R_RELOC_REL, EOPNOTSUPP, lp("SHT_REL relocation unsupported"), "", shdrLoc(e, i));
    if (arch == ARCH_ARM64 && r.type == SHT_REL) return fail(R.R_RELOC_REL, ENOSYS, "", "AArch64 Xen has no SHT_REL support and returns -ENOSYS without a message", shdrLoc(e, i));
    const n = <i32>(r.size / r.entsize);
    for (let k = 0; k < n; k++) {
      const x = readRel(e, r, k);
      let rc: i32;
      if (arch == ARCH_X86_64) rc = relocX86(e, base, r, x);
      else if (arch == ARCH_ARM64) rc = relocArm64(e, base, r, x);
      else rc = relocArm32(e, base, r, x);
      if (rc != 0) return rc;
    }
  }
  return 0;
}
