// Relocation targets as the Relocations view spells them, on committed samples (expected values
// from readelf's tables of the same files, written out by hand).
import { describe, expect, it } from "vitest";
import { isMappingSymbol } from "../../elf/index.ts";
import { relocText } from "../inspector/symbolize.ts";
import { Patch, sample } from "../../audit/test-support/samples.ts";

describe("relocation targets", () => {
  it("recognises ARM mapping symbols and their numbered forms only", () => {
    for (const n of ["$a", "$d", "$t", "$x", "$d.1", "$x.42"]) expect(isMappingSymbol(n)).toBe(true);
    for (const n of ["$", "$data", "a$d", "xen_hello_world", ".LC0"]) expect(isMappingSymbol(n)).toBe(false);
  });

  it("never names a relocation after a mapping symbol: section+offset instead", () => {
    const p = new Patch(sample("arm32/xen_hello_world.livepatch"));
    const symtab = p.elf.symbolTables[0];
    const d = symtab.name.indexOf("$d");
    const shndx = symtab.shndx[d];
    const t = p.elf.relocationTables.findIndex((r) => p.elf.sections[r.sectionIndex].name === ".rel.livepatch.funcs");
    p.reloc(".rel.livepatch.funcs", 0, { sym: d });
    const patched = new Patch(p.bytes).elf;
    const txt = relocText(patched, patched.relocationTables[t], 0);
    expect(txt.target).toBe(patched.sections[shndx].name);
    expect(`${txt.target} ${txt.resolved}`).not.toMatch(/\$[adtx]/);
  });

  it("an undefined symbol: resolved through the image when one is given", () => {
    const elf = new Patch(sample("x86_64/xen_hello_world.livepatch")).elf;
    const t = elf.relocationTables.find((r) => elf.sections[r.sectionIndex].name === ".rela.livepatch.funcs")!;
    expect(relocText(elf, t, 2).resolved).toMatch(/load its xen-syms/);
    expect(relocText(elf, t, 2, { file: "xen-syms", lookup: (n) => (n === "xen_extra_version" ? 0xffff82d040200110n : null) }).resolved).toBe("xen_extra_version = 0xffff82d040200110 in xen-syms");
    expect(relocText(elf, t, 2, { file: "xen-syms", lookup: () => null }).resolved).toMatch(/^not in xen-syms/);
  });
});
