// Expected values from `readelf -hSW` of the committed samples: x86_64 hello world has 34 section
// headers from offset 2688 (64 bytes each), [13] .rela.text.xen_hello_world holds 0x18 bytes (one
// Elf64_Rela); arm32's has 34 from 2356 (40 bytes each), [6] .rel.text.hello_world_load 0x18 bytes
// (three Elf32_Rel).
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
    expect(f.message).toContain("names section 34 as the one it relocates (sh_info), but the file has 34 sections: Xen skips it, so its 3 relocations are never applied");
    expect(f.where).toEqual({ section: ".rel.text.hello_world_load", sectionIndex: 6, offset: 2356 + 6 * 40 + 28, length: 4 });
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
