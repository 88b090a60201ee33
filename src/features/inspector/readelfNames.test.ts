// Every name the page gives a symbol is the name GNU readelf prints for it: a SECTION symbol (no
// name of its own, st_name 0) by the name of the section it stands for. Expected names are read
// from `readelf -sW` and `readelf -rW` (binutils 2.40) on the committed samples; what is checked is
// what the views show: the Symbols view's Name cell and filter (symbolDisplayName()), the
// Relocations view's Symbol + addend column and filter (relocSymbolName(), relocText()), and the
// hex pane's description of a symbol record (buildByteIndex's label).
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseElf, relocSymbol, STT_SECTION, stType, symbolDisplayName, type ElfFile } from "../../elf/index.ts";
import type { ParsedFile } from "../../state/parsedFile.ts";
import { readSample, samplePath } from "../../test-support/samples.ts";
import { intervalsOf } from "../hex/buildByteIndex.ts";
import { relocSymbolName, relocText, symbolTableFor } from "./symbolize.ts";

const SAMPLES = ["x86_64/xen_hello_world.livepatch", "aarch64/xen_hello_world.livepatch", "arm32/xen_hello_world.livepatch", "x86_64/xen_nop.livepatch"];

function readelf(args: string, rel: string): string {
  return execFileSync("readelf", [args, samplePath(rel)], { encoding: "utf8" });
}

/** `readelf -sW` rows of the one symbol table: index, type and the Name column ("" when blank). */
function readelfSymbols(rel: string): { index: number; type: string; name: string }[] {
  const out: { index: number; type: string; name: string }[] = [];
  for (const line of readelf("-sW", rel).split("\n")) {
    // Num: Value Size Type Bind Vis Ndx Name (the name may be absent).
    const m = /^ *(\d+): [0-9a-f]+ +\d+ (\S+) +\S+ +\S+ +\S+(?: (.*))?$/.exec(line);
    if (m) out.push({ index: Number(m[1]), type: m[2], name: m[3] ?? "" });
  }
  return out;
}

/** `readelf -rW` rows that name a symbol: the relocation section's file offset, the row within it, the name. */
function readelfRelocNames(rel: string): { offset: number; row: number; name: string }[] {
  const out: { offset: number; row: number; name: string }[] = [];
  let offset = -1;
  let row = 0;
  for (const line of readelf("-rW", rel).split("\n")) {
    const head = /^Relocation section '[^']*' at offset 0x([0-9a-f]+)/.exec(line);
    if (head) {
      offset = parseInt(head[1], 16);
      row = 0;
      continue;
    }
    // Offset Info Type Sym.Value Sym.Name [+ Addend]; a row without a symbol has no value column.
    const m = /^[0-9a-f]{8,16} +[0-9a-f]{8,16} +\S+ +[0-9a-f]{8,16} +(\S+)(?: [+-] [0-9a-f]+)?$/.exec(line);
    if (/^[0-9a-f]{8,16} /.test(line)) {
      if (m) out.push({ offset, row, name: m[1] });
      row++;
    }
  }
  return out;
}

function parsed(rel: string): { elf: ElfFile; file: ParsedFile } {
  const elf = parseElf(readSample(rel));
  return { elf, file: { fileName: rel, size: elf.bytes.length, role: "payload", elf, livepatch: null } };
}

describe.each(SAMPLES)("%s: symbol names as readelf prints them", (rel) => {
  it("Symbols view and hex pane: each symbol's name is readelf -sW's, a SECTION symbol named by its section", () => {
    const { elf, file } = parsed(rel);
    const want = readelfSymbols(rel);
    const [t] = elf.symbolTables;
    expect(want).toHaveLength(t.count);
    // The case this is about is there: SECTION symbols, none with a name of its own, all named by readelf.
    const sections = want.filter((w) => w.type === "SECTION");
    expect(sections.length).toBeGreaterThan(0);
    for (const w of sections) {
      expect(stType(t.info[w.index])).toBe(STT_SECTION);
      expect(t.name[w.index]).toBe("");
      expect(w.name).not.toBe("");
    }
    // The symbol table's records (level 1; the section itself is a level-0 "sym" interval).
    const records = intervalsOf(file).find((v) => v.kind === "sym" && v.level === 1)!;
    for (const w of want) {
      expect(records.label(w.index), `symbol ${w.index}`).toBe(`symbol ${w.index} in .symtab: ${w.name || "(no name)"}`);
      expect(symbolDisplayName(elf, t, w.index), `symbol ${w.index}`).toBe(w.name);
    }
  });

  it("Relocations view: each entry's symbol is readelf -rW's Symbol's Name", () => {
    const { elf } = parsed(rel);
    const want = readelfRelocNames(rel);
    expect(want.length).toBeGreaterThan(0);
    // At least one entry against a SECTION symbol (readelf names it by its section).
    expect(want.some((w) => w.name.startsWith(".text") || w.name.startsWith(".rodata"))).toBe(true);
    for (const w of want) {
      const sec = elf.sections.find((s) => Number(s.offset) === w.offset)!;
      const r = elf.relocationTables.find((x) => x.sectionIndex === sec.index)!;
      const t = symbolTableFor(elf, r)!;
      const name = relocSymbolName(elf, t, relocSymbol(r, w.row));
      expect(name, `${sec.name} #${w.row}`).toBe(w.name);
      expect(relocText(elf, r, w.row).target.startsWith(w.name), `${sec.name} #${w.row}`).toBe(true);
    }
  });
});
