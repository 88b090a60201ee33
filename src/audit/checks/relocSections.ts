// Relocation sections Xen passes over without a word (xen/common/livepatch_elf.c,
// livepatch_elf_perform_relocs()): one whose sh_info names no section, and one that is named like a
// relocation section but is not typed SHT_REL or SHT_RELA. Xen still loads the payload, so its
// code then runs with the placeholders the assembler left where addresses belong. Xen's own checks
// live in the simulated hypervisor; this is the reviewer's view of what those checks let through.
// Both are errors: a payload whose code runs unrelocated is not one a reviewer can pass.
import { SHT_NOBITS, SHT_NULL, SHT_REL, SHT_RELA } from "../../elf/constants.ts";
import { sectionTypeName } from "../../elf/describe.ts";
import type { ElfFile, ElfSection } from "../../elf/index.ts";
import type { Where } from "../context.ts";
import type { RuleId } from "../rules.ts";
import type { Finding } from "../types.ts";

export interface RelocSectionFinding {
  id: Extract<RuleId, "reloc-section-skipped" | "reloc-section-untyped">;
  message: string;
  where: Where;
}

/** A relocation section the audit found Xen passes over, and the finding that says so. */
export interface UnappliedRelocs {
  /** The relocation section's name, e.g. `.rela.text.foo`. */
  relocSection: string;
  id: RelocSectionFinding["id"];
}

/**
 * The relocations meant for `section` that Xen never applies, read from a file's audit findings:
 * each `reloc-section-skipped` or `reloc-section-untyped` finding whose relocation section is named
 * for it (`.rela.text.foo` and `.rel.text.foo` relocate `.text.foo`; the skipped one's sh_info names
 * no section, so its name is all that says which section it was for).
 */
export function unappliedRelocs(findings: readonly Finding[], section: string): UnappliedRelocs[] {
  const out: UnappliedRelocs[] = [];
  for (const f of findings) {
    if ((f.id !== "reloc-section-skipped" && f.id !== "reloc-section-untyped") || !f.section) continue;
    if (/^\.rela?(\..*)$/.exec(f.section)?.[1] === section) out.push({ relocSection: f.section, id: f.id });
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
      if (s.info < count) continue;
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
