// Expected values from `readelf -hSW` of the committed samples: x86_64 hello world has 34 section
// headers from offset 2688 (64 bytes each), [13] .rela.text.xen_hello_world holds 0x18 bytes (one
// Elf64_Rela); arm32's has 34 from 2388 (40 bytes each), [6] .rel.text.hello_world_load 0x20 bytes
// (four Elf32_Rel).
import { describe, expect, it } from "vitest";
import { parseElf } from "../../elf/index.ts";
import { Patch, sample } from "../test-support/samples.ts";
import { reviewRelocSections } from "./relocSections.ts";

const X86 = "x86_64/xen_hello_world.livepatch";
const ARM32 = "arm32/xen_hello_world.livepatch";

describe("relocation sections Xen passes over", () => {
  it("finds nothing in a payload whose relocation sections all name a section", () => {
    expect(reviewRelocSections(parseElf(sample(X86)))).toEqual([]);
    expect(reviewRelocSections(parseElf(sample(ARM32)))).toEqual([]);
  });

  it("an sh_info past the section table: skipped, pointing at sh_info (ELF64)", () => {
    const p = new Patch(sample(X86)).shdr(".rela.text.xen_hello_world", "info", 0xffffffff);
    expect(reviewRelocSections(parseElf(p.bytes))).toEqual([
      {
        id: "reloc-section-skipped",
        message: ".rela.text.xen_hello_world names section 4294967295 as the one it relocates (sh_info), but the file has 34 sections: Xen skips it, so its relocation is never applied",
        where: { section: ".rela.text.xen_hello_world", sectionIndex: 13, offset: 2688 + 13 * 64 + 44, length: 4 },
      },
    ]);
  });

  it("sh_info equal to e_shnum is past the table too; ELF32 REL entries are 8 bytes and sh_info is at 28", () => {
    const p = new Patch(sample(ARM32)).shdr(".rel.text.hello_world_load", "info", 34);
    const [f] = reviewRelocSections(parseElf(p.bytes));
    expect(f.message).toContain("names section 34 as the one it relocates (sh_info), but the file has 34 sections: Xen skips it, so its 4 relocations are never applied");
    expect(f.where).toEqual({ section: ".rel.text.hello_world_load", sectionIndex: 6, offset: 2388 + 6 * 40 + 28, length: 4 });
  });

  it("sh_info 0 is left to the hypervisor's own rule (Xen takes section 0 as the base and crashes)", () => {
    const p = new Patch(sample(X86)).shdr(".rela.text.xen_hello_world", "info", 0);
    expect(reviewRelocSections(parseElf(p.bytes))).toEqual([]);
  });

  it("a section named .rela.* with another type: never applied, pointing at sh_type", () => {
    const p = new Patch(sample(X86)).shdr(".rela.text.xen_hello_world", "type", 1);
    expect(reviewRelocSections(parseElf(p.bytes))).toEqual([
      {
        id: "reloc-section-untyped",
        message: ".rela.text.xen_hello_world is named as a relocation section but its type is PROGBITS (sh_type 1): Xen applies only SHT_REL and SHT_RELA sections, so nothing in it is applied",
        where: { section: ".rela.text.xen_hello_world", sectionIndex: 13, offset: 2688 + 13 * 64 + 4, length: 4 },
      },
    ]);
  });
});

// sh_info naming a section Xen does not load. x86_64 hello world (readelf -SW): [12]
// .text.xen_hello_world AX, 8 bytes; [13] .rela.text.xen_hello_world, one relocation, readelf -rW:
// offset 0x3 R_X86_64_PC32 .LC0 - 4; [30] .note.GNU-stack has no SHF_ALLOC. Xen:
// livepatch_elf_perform_relocs() `if ( !(base->sec->sh_flags & SHF_ALLOC) ) continue;`.
describe("a relocation section whose sh_info names a section Xen does not load", () => {
  const info = 2688 + 13 * 64 + 44;

  it("named for a loaded code section its offsets fit: an error naming the fields left unrelocated", () => {
    const p = new Patch(sample(X86)).shdr(".rela.text.xen_hello_world", "info", 30);
    expect(reviewRelocSections(parseElf(p.bytes))).toEqual([
      {
        id: "reloc-section-meant-for-loaded",
        message:
          ".rela.text.xen_hello_world names .note.GNU-stack (section 30, not SHF_ALLOC) as the one it relocates (sh_info): Xen does not load that section, so it skips .rela.text.xen_hello_world; its name and its relocation's offset are .text.xen_hello_world's, loaded code, which keeps its field unrelocated (the assembler's placeholders): +0x3 R_X86_64_PC32 .LC0-0x4",
        where: { section: ".rela.text.xen_hello_world", sectionIndex: 13, offset: info, length: 4 },
      },
    ]);
  });

  it("a field against a SECTION symbol names it by its section, as readelf -rW does", () => {
    // readelf -rW, .rela.text.hello_world_check of the sample: +0x2 R_X86_64_PC32 against
    // .bss.hello_world_counter - 4 and +0xe R_X86_64_PC32 against .text.unlikely.hello_world_check - 4,
    // both SECTION symbols (readelf -sW: 21 and 6, SECTION, no name of their own).
    const p = new Patch(sample(X86)).shdr(".rela.text.hello_world_check", "info", 30);
    const [f] = reviewRelocSections(parseElf(p.bytes));
    expect(f.id).toBe("reloc-section-meant-for-loaded");
    expect(f.message).toMatch(/: \+0x2 R_X86_64_PC32 \.bss\.hello_world_counter-0x4, \+0xe R_X86_64_PC32 \.text\.unlikely\.hello_world_check-0x4$/);
  });

  it("offsets past the section its name says: a warning that nothing in it is applied", () => {
    const p = new Patch(sample(X86)).shdr(".rela.text.xen_hello_world", "info", 30).reloc(".rela.text.xen_hello_world", 0, { offset: 0x100n });
    const [f] = reviewRelocSections(parseElf(p.bytes));
    expect(f.id).toBe("reloc-section-target-unloaded");
    expect(f.message).toBe(
      ".rela.text.xen_hello_world names .note.GNU-stack (section 30, not SHF_ALLOC) as the one it relocates (sh_info): Xen does not load that section, so it skips .rela.text.xen_hello_world, and its relocation is never applied (its name says .text.xen_hello_world, whose size its offsets do not fit)",
    );
  });

  it("named for the unloaded section it relocates (as .rela.debug_info is): nothing to say", () => {
    // .text.xen_hello_world made non-ALLOC: the relocation section names the very section its name says.
    const p = new Patch(sample(X86)).shdr(".text.xen_hello_world", "flags", 4);
    expect(reviewRelocSections(parseElf(p.bytes))).toEqual([]);
  });
});
