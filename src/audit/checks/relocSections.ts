// Relocation sections Xen passes over without a word (xen/common/livepatch_elf.c,
// livepatch_elf_perform_relocs()): one whose sh_info names no section, and one that is named like a
// relocation section but is not typed SHT_REL or SHT_RELA. Xen still loads the payload, so its
// code then runs with the placeholders the assembler left where addresses belong. Xen's own checks
// live in the simulated hypervisor; this is the reviewer's view of what those checks let through.
// Both are errors: a payload whose code runs unrelocated is not one a reviewer can pass.
import { SHF_ALLOC, SHT_NOBITS, SHT_NULL, SHT_REL, SHT_RELA } from "../../elf/constants.ts";
import { relocationTypeName, sectionTypeName } from "../../elf/describe.ts";
import type { ElfFile, ElfSection } from "../../elf/index.ts";
import type { Where } from "../context.ts";
import type { RuleId } from "../rules.ts";
import type { Finding } from "../types.ts";
import { relocAddend, relocOffset, relocSymbol, relocType, symbolDisplayName } from "../../elf/index.ts";

export interface RelocSectionFinding {
  id: Extract<RuleId, "reloc-section-skipped" | "reloc-section-untyped" | "reloc-section-target-unloaded" | "reloc-section-meant-for-loaded">;
  message: string;
  where: Where;
}

/** A relocation section the audit found Xen passes over, and the finding that says so. */
export interface UnappliedRelocs {
  /** The relocation section's name, e.g. `.rela.text.foo`. */
  relocSection: string;
  id: RelocSectionFinding["id"];
}

const UNAPPLIED: ReadonlySet<string> = new Set<RelocSectionFinding["id"]>(["reloc-section-skipped", "reloc-section-untyped", "reloc-section-target-unloaded", "reloc-section-meant-for-loaded"]);

/**
 * The relocations meant for `section` that Xen never applies, read from a file's audit findings:
 * each finding of a relocation section Xen passes over (UNAPPLIED) whose relocation section is named
 * for it (`.rela.text.foo` and `.rel.text.foo` relocate `.text.foo`; a skipped one's sh_info names
 * no section, or one Xen does not load, so its name is what says which section it was for).
 */
export function unappliedRelocs(findings: readonly Finding[], section: string): UnappliedRelocs[] {
  const out: UnappliedRelocs[] = [];
  for (const f of findings) {
    if (!UNAPPLIED.has(f.id) || !f.section) continue;
    if (/^\.rela?(\..*)$/.exec(f.section)?.[1] === section) out.push({ relocSection: f.section, id: f.id as RelocSectionFinding["id"] });
  }
  return out;
}

/** File offset of a section header field: sh_type is at 4 in both classes, sh_info at 44 (ELF64) or 28 (ELF32). */
function headerField(elf: ElfFile, s: ElfSection, field: "type" | "info"): Where {
  const at = field === "type" ? 4 : elf.header.elfClass === 64 ? 44 : 28;
  return { section: s.name, sectionIndex: s.index, offset: s.header.offset + at, length: 4 };
}

function entries(elf: ElfFile, s: ElfSection): number {
  const standard = (elf.header.elfClass === 64 ? 8 : 4) * (s.type === SHT_RELA ? 3 : 2);
  const size = s.entsize >= BigInt(standard) ? s.entsize : BigInt(standard);
  return Number(s.size / size);
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

export function reviewRelocSections(elf: ElfFile): RelocSectionFinding[] {
  const out: RelocSectionFinding[] = [];
  const count = elf.sections.length;
  for (const s of elf.sections) {
    if (s.size === 0n) continue;
    const name = s.name || `section ${s.index}`;
    if (s.type === SHT_REL || s.type === SHT_RELA) {
      // sh_info 0 is not skipped: Xen takes section 0 as the base (the hypervisor's reloc-info-zero).
      if (s.info === 0) continue;
      if (s.info < count) {
        const f = unloadedTarget(elf, s);
        if (f) out.push(f);
        continue;
      }
      const n = entries(elf, s);
      out.push({
        id: "reloc-section-skipped",
        message: `${name} names section ${s.info} as the one it relocates (sh_info), but the file has ${plural(count, "section")}: Xen skips it, so ${n === 1 ? "its relocation is" : `its ${n} relocations are`} never applied`,
        where: headerField(elf, s, "info"),
      });
    } else if (/^\.rela?\./.test(s.name) && s.type !== SHT_NULL && s.type !== SHT_NOBITS) {
      out.push({
        id: "reloc-section-untyped",
        message: `${name} is named as a relocation section but its type is ${sectionTypeName(s.type, elf.header.machine, elf.header.osabi)} (sh_type ${s.type}): Xen applies only SHT_REL and SHT_RELA sections, so nothing in it is applied`,
        where: headerField(elf, s, "type"),
      });
    }
  }
  return out;
}

/** The section a relocation section's name says it relocates (`.rela.text.foo` → `.text.foo`). */
function namedFor(elf: ElfFile, s: ElfSection): ElfSection | null {
  const m = /^\.rela?(\..+)$/.exec(s.name);
  return m ? (elf.sections.find((x) => x.name === m[1] && x.index !== s.index) ?? null) : null;
}

const loaded = (s: ElfSection) => (s.flags & BigInt(SHF_ALLOC)) !== 0n;

/** `+0x2b R_X86_64_PC32 .LC1-0x4`, as readelf -r and objdump -dr name a relocation. */
function fieldText(elf: ElfFile, s: ElfSection, k: number): string {
  const t = elf.relocationTables.find((r) => r.sectionIndex === s.index)!;
  const type = relocationTypeName(elf.header.machine, relocType(t, k)) ?? `type ${relocType(t, k)}`;
  const st = elf.symbolTables.find((x) => x.sectionIndex === t.symbolTableSection);
  const i = relocSymbol(t, k);
  let sym = `symbol ${i}`;
  if (st && i < st.count) sym = symbolDisplayName(elf, st, i) || sym;
  const a = relocAddend(t, k);
  return `+0x${relocOffset(t, k).toString(16)} ${type} ${sym}${a ? `${a < 0n ? "-" : "+"}0x${(a < 0n ? -a : a).toString(16)}` : ""}`;
}

/**
 * sh_info names a section Xen does not load (no SHF_ALLOC): livepatch_elf_perform_relocs() skips
 * the relocation section (`if ( !(base->sec->sh_flags & SHF_ALLOC) ) continue;`) without a word.
 * That is how Xen's payloads carry .rela.debug_info and the like, so a relocation section named for
 * the very section it names is not reported. One whose name says it is for another section, which
 * the payload loads and every relocation offset fits in, was evidently meant for that one: Xen
 * loads it with the assembler's placeholders where the addresses belong (an error). Named for
 * another section that is not loaded or its offsets do not fit: a warning that nothing in it is
 * applied.
 */
function unloadedTarget(elf: ElfFile, s: ElfSection): RelocSectionFinding | null {
  const base = elf.sections[s.info];
  if (!base || loaded(base)) return null;
  const meant = namedFor(elf, s);
  if (meant === base || (!meant && /^\.rela?\./.test(s.name) && s.name.replace(/^\.rela?/, "") === base.name)) return null;
  const t = elf.relocationTables.find((r) => r.sectionIndex === s.index);
  const n = t?.count ?? entries(elf, s);
  if (!t || n === 0) return null;
  const name = s.name || `section ${s.index}`;
  const head = `${name} names ${base.name || `section ${s.info}`} (section ${s.info}, not SHF_ALLOC) as the one it relocates (sh_info): Xen does not load that section, so it skips ${name}`;
  if (meant && loaded(meant) && Array.from({ length: t.count }, (_, k) => relocOffset(t, k)).every((o) => o < meant.size)) {
    const shown = Array.from({ length: Math.min(n, 4) }, (_, k) => fieldText(elf, s, k));
    const kind = meant.flags & 4n ? "code" : "data";
    return {
      id: "reloc-section-meant-for-loaded",
      message: `${head}; its name and ${n === 1 ? "its relocation's offset are" : `its ${n} relocations' offsets are`} ${meant.name}'s, loaded ${kind}, which keeps ${n === 1 ? "its field" : `${n} fields`} unrelocated (the assembler's placeholders): ${shown.join(", ")}${n > shown.length ? `, and ${n - shown.length} more` : ""}`,
      where: headerField(elf, s, "info"),
    };
  }
  return {
    id: "reloc-section-target-unloaded",
    message: `${head}, and ${n === 1 ? "its relocation is" : `its ${n} relocations are`} never applied${meant ? ` (its name says ${meant.name}, ${loaded(meant) ? "whose size its offsets do not fit" : "which Xen does not load either"})` : ""}`,
    where: headerField(elf, s, "info"),
  };
}
