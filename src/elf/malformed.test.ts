// Hostile inputs, one per known way a file can lie. Each asserts the exact code and byte offset:
// fatal header damage throws ElfFormatError, everything else is a diagnostic and parsing goes on.
import { describe, expect, it } from "vitest";
import { ElfCancelledError, ElfFormatError } from "./errors.ts";
import { parseElf } from "./parse.ts";
import { buildElf, note, poke, relocations, strtab, symbols, type BuiltElf, type SectionSpec } from "./test-support/build-elf.ts";
import type { ElfFile } from "./types.ts";
import { relocSymbol } from "./relocations.ts";
import { relocColumns } from "../test-support/relocColumns.ts";

function fatal(bytes: Uint8Array): ElfFormatError {
  try {
    parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfFormatError) return e;
    throw e;
  }
  throw new Error("expected ElfFormatError");
}

function codes(f: ElfFile): { code: string; offset: number }[] {
  return f.diagnostics.map((d) => ({ code: d.code, offset: d.offset }));
}

/** A small valid object: .text, .rela.text, .symtab, .strtab, .note (indices 1..5, .shstrtab 6). */
function sample(is64 = true, le = true, edit?: (secs: SectionSpec[]) => void): BuiltElf {
  const names = strtab(["f", "g"]);
  const syms = symbols(is64, le, [{}, { info: 3, shndx: 1 }, { name: names.offsets[0], info: 0x12, shndx: 1, size: 8n }, { name: names.offsets[1], info: 0x10 }]);
  const secs: SectionSpec[] = [
    { name: ".text", type: 1, flags: 6n, data: new Uint8Array(16), align: 16n },
    { name: ".rela.text", type: 4, flags: 0x40n, data: relocations(is64, le, true, [{ type: 2, sym: 3, offset: 4n, addend: -4n }, { type: 1, sym: 1, offset: 8n, addend: 8n }]), link: 3, info: 1, align: 8n, entsize: is64 ? 24n : 12n },
    { name: ".symtab", type: 2, data: syms, link: 4, info: 2, align: 8n, entsize: is64 ? 24n : 16n },
    { name: ".strtab", type: 3, data: names.data },
    { name: ".note.gnu.build-id", type: 7, flags: 2n, data: note(le, "GNU", 3, [0xaa, 0xbb, 0xcc, 0xdd]), align: 4n },
  ];
  edit?.(secs);
  return buildElf({ is64, littleEndian: le, sections: secs });
}

// ELF64 header field offsets used below.
const E64 = { shoff: 0x28, shentsize: 0x3a, shnum: 0x3c, shstrndx: 0x3e, phoff: 0x20, phentsize: 0x36, phnum: 0x38 };
// ELF64 section header field offsets.
const S64 = { name: 0, offset: 0x18, size: 0x20, link: 0x28, info: 0x2c, entsize: 0x38 };

describe("fatal header damage", () => {
  it("not ELF: bad magic", () => {
    const e = fatal(new TextEncoder().encode("MZ\x90\x00 this is a PE file, not ELF"));
    expect([e.code, e.offset]).toEqual(["NOT_ELF", 0]);
  });
  it("truncated header: 40 of 64 bytes", () => {
    const e = fatal(sample().bytes.slice(0, 40));
    expect([e.code, e.offset]).toEqual(["TRUNCATED_HEADER", 40]);
  });
  it("truncated ident: 3 bytes of magic", () => {
    expect(fatal(Uint8Array.of(0x7f, 0x45, 0x4c)).code).toBe("TRUNCATED_HEADER");
  });
  it("unknown class", () => {
    const b = sample().bytes;
    b[4] = 3;
    const e = fatal(b);
    expect([e.code, e.offset, e.field, e.value]).toEqual(["BAD_CLASS", 4, "EI_CLASS", 3]);
  });
  it("unknown data encoding", () => {
    const b = sample().bytes;
    b[5] = 0;
    expect([fatal(b).code, fatal(b).offset]).toEqual(["BAD_DATA", 5]);
  });
  it("cancellation throws ElfCancelledError with code CANCELLED", () => {
    let e: unknown;
    try {
      parseElf(sample().bytes, { shouldCancel: () => true });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ElfCancelledError);
    expect((e as ElfFormatError).code).toBe("CANCELLED");
  });
});

describe("section header table", () => {
  it("a clean sample has no error or warning diagnostics", () => {
    const f = parseElf(sample().bytes);
    expect(f.diagnostics).toEqual([]);
    expect(f.sections.map((s) => s.name)).toEqual(["", ".text", ".rela.text", ".symtab", ".strtab", ".note.gnu.build-id", ".shstrtab"]);
  });
  it("shoff past end", () => {
    const b = sample();
    poke(b, E64.shoff, 8, BigInt(b.bytes.length + 100));
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "SHOFF_PAST_END", offset: E64.shoff }]);
    expect(f.sections).toEqual([]);
  });
  it("shoff past end because EI_DATA says big-endian in a little-endian file: said so", () => {
    const b = sample();
    b.bytes[5] = 2;
    const f = parseElf(b.bytes);
    // Read big-endian, e_version and e_ehsize are wrong too; then the section table.
    expect(codes(f)).toEqual([
      { code: "BAD_VERSION", offset: 20 },
      { code: "BAD_EHSIZE", offset: 52 },
      { code: "SHOFF_PAST_END", offset: E64.shoff },
    ]);
    expect(f.diagnostics[2].message).toContain(`; it was read big-endian, as EI_DATA (byte 5) says, and read little-endian it is 0x${b.shoff.toString(16)}, inside the file: the file looks little-endian`);
    // A file really big-endian reads whole, with nothing to say.
    expect(codes(parseElf(sample(true, false).bytes))).toEqual([]);
  });
  it("shoff beyond 2^53", () => {
    const b = sample();
    poke(b, E64.shoff, 8, 0xffffffffffffff00n);
    expect(codes(parseElf(b.bytes))).toEqual([{ code: "SHOFF_PAST_END", offset: E64.shoff }]);
  });
  it("shentsize too small", () => {
    const b = sample();
    poke(b, E64.shentsize, 2, 32);
    expect(codes(parseElf(b.bytes))).toEqual([{ code: "BAD_SHENTSIZE", offset: E64.shentsize }]);
  });
  it("shnum x entsize overflows the file: reads what fits", () => {
    const b = sample();
    poke(b, E64.shnum, 2, 0xfff0);
    const f = parseElf(b.bytes);
    expect(codes(f)[0]).toEqual({ code: "SECTION_TABLE_OVERFLOW", offset: E64.shnum });
    expect(f.sections.length).toBe(7);
  });
  it("shstrndx out of range", () => {
    const b = sample();
    poke(b, E64.shstrndx, 2, 200);
    const f = parseElf(b.bytes);
    expect(codes(f)).toContainEqual({ code: "BAD_SHSTRNDX", offset: E64.shstrndx });
    expect(f.sections.every((s) => s.name === "")).toBe(true);
  });
  it("name offset past strtab", () => {
    const b = sample();
    poke(b, b.shdrOffset(1) + S64.name, 4, 77);
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "BAD_SECTION_NAME", offset: b.shdrOffset(1) }]);
    expect(f.diagnostics[0].message).toBe(`bad section name index 77 in record at byte 0x${b.shdrOffset(1).toString(16)}`);
    expect(f.sections[1].nameValid).toBe(false);
    expect(f.sections[2].name).toBe(".rela.text");
  });
  it("strtab without NUL: the last name runs to the table's end", () => {
    const b = sample();
    const shstr = 6;
    const size = parseElf(b.bytes).sections[shstr].dataSize;
    poke(b, b.shdrOffset(shstr) + S64.size, 8, BigInt(size - 1));
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "STRTAB_NOT_TERMINATED", offset: b.dataOffset(shstr) + size - 1 }]);
    expect(f.sections[shstr].name).toBe(".shstrtab");
  });
  it("section data past end of file", () => {
    const b = sample();
    poke(b, b.shdrOffset(1) + S64.offset, 8, 0x100000n);
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "SECTION_DATA_PAST_END", offset: b.shdrOffset(1) }]);
    expect(f.sections[1].dataSize).toBe(0);
  });
  it("extended numbering: e_shnum 0, count in section 0's sh_size, shstrndx via sh_link", () => {
    const b = sample();
    poke(b, E64.shnum, 2, 0);
    poke(b, E64.shstrndx, 2, 0xffff);
    poke(b, b.shdrOffset(0) + S64.size, 8, 7n);
    poke(b, b.shdrOffset(0) + S64.link, 4, 6);
    const f = parseElf(b.bytes);
    expect(f.diagnostics).toEqual([]);
    expect(f.header.sectionCount).toBe(7);
    expect(f.header.sectionNamesIndex).toBe(6);
    expect(f.sections[3].name).toBe(".symtab");
  });
  it("extended numbering with a huge count is capped", () => {
    const b = sample();
    poke(b, E64.shnum, 2, 0);
    poke(b, b.shdrOffset(0) + S64.size, 8, 1n << 40n);
    const f = parseElf(b.bytes);
    expect(codes(f)[0]).toEqual({ code: "TOO_MANY_SECTIONS", offset: b.shdrOffset(0) + S64.size });
    expect(f.sections.length).toBe(7);
  });
  it("extended numbering loop: shstrndx is SHN_XINDEX and section 0 points at SHN_XINDEX again", () => {
    const b = sample();
    poke(b, E64.shstrndx, 2, 0xffff);
    poke(b, b.shdrOffset(0) + S64.link, 4, 0xffff);
    const f = parseElf(b.bytes);
    expect(codes(f)).toContainEqual({ code: "BAD_SHSTRNDX", offset: b.shdrOffset(0) + S64.link });
  });
  it("program headers past end", () => {
    const b = sample();
    poke(b, E64.phoff, 8, 0x7fffffffn);
    poke(b, E64.phentsize, 2, 56);
    poke(b, E64.phnum, 2, 3);
    expect(codes(parseElf(b.bytes))).toEqual([{ code: "PHOFF_PAST_END", offset: E64.phoff }]);
  });
  it("program headers counted but e_phoff 0: said so, not that offset 0 is outside the file", () => {
    const b = sample();
    poke(b, E64.phnum, 2, 1);
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "PHOFF_PAST_END", offset: E64.phoff }]);
    expect(f.diagnostics[0].message).toBe("e_phnum is 1 but e_phoff is 0: no program headers");
    expect(f.segments).toEqual([]);
  });
});

describe("symbols", () => {
  it("symtab sh_link to a non-string table", () => {
    const b = sample();
    poke(b, b.shdrOffset(3) + S64.link, 4, 1);
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "BAD_SYMTAB_LINK", offset: b.shdrOffset(3) }]);
    expect(f.symbolTables[0].name.every((n) => n === "")).toBe(true);
  });
  it("symtab entsize 0", () => {
    const b = sample();
    poke(b, b.shdrOffset(3) + S64.entsize, 8, 0n);
    const f = parseElf(b.bytes);
    expect(codes(f)).toContainEqual({ code: "BAD_SYM_ENTSIZE", offset: b.shdrOffset(3) });
    expect(f.symbolTables[0].count).toBe(0);
  });
  it("symbol shndx out of range", () => {
    const b = sample();
    const rec = b.dataOffset(3) + 2 * 24;
    poke(b, rec + 6, 2, 99);
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "BAD_SYMBOL_SHNDX", offset: rec }]);
    expect(f.symbolTables[0].shndx[2]).toBe(99);
  });
  it("SHN_XINDEX without an SHT_SYMTAB_SHNDX section", () => {
    const b = sample();
    const rec = b.dataOffset(3) + 2 * 24;
    poke(b, rec + 6, 2, 0xffff);
    expect(codes(parseElf(b.bytes))).toEqual([{ code: "BAD_SYMTAB_SHNDX", offset: rec }]);
  });
  it("SHN_XINDEX resolved through SHT_SYMTAB_SHNDX", () => {
    const ext = new Uint8Array(16);
    ext[8] = 1; // symbol 2 → section 1
    const b = sample(true, true, (s) => s.push({ name: ".symtab_shndx", type: 18, data: ext, link: 3, align: 4n, entsize: 4n }));
    const rec = b.dataOffset(3) + 2 * 24;
    poke(b, rec + 6, 2, 0xffff);
    const f = parseElf(b.bytes);
    expect(f.diagnostics).toEqual([]);
    expect([f.symbolTables[0].rawShndx[2], f.symbolTables[0].shndx[2]]).toEqual([0xffff, 1]);
  });
  it("symbol name offset past its string table", () => {
    const b = sample();
    const rec = b.dataOffset(3) + 2 * 24;
    poke(b, rec, 4, 5000);
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "BAD_SYMBOL_NAME", offset: rec }]);
    expect(f.symbolTables[0].nameValid[2]).toBe(0);
  });
  it("a NUL-free string table read at 200,000 offsets stays bounded (budgeted scans)", () => {
    const count = 200_000;
    const names = new Uint8Array(1 << 20).fill(0x41);
    const list = Array.from({ length: count }, (_, i) => ({ name: (i * 4099) % names.length, info: 0x10 }));
    const b = buildElf({ sections: [{ name: ".symtab", type: 2, data: symbols(true, true, list), link: 2, entsize: 24n }, { name: ".strtab", type: 3, data: names }] });
    const f = parseElf(b.bytes);
    expect(f.symbolTables[0].count).toBe(count);
    expect(codes(f)).toContainEqual({ code: "STRTAB_NOT_TERMINATED", offset: b.dataOffset(2) + names.length });
    expect(f.symbolTables[0].name[count - 1].length).toBeLessThanOrEqual(1 << 16);
  });
  it("absent .symtab is info, not damage", () => {
    const b = sample();
    poke(b, b.shdrOffset(3) + 4, 4, 1); // SYMTAB → PROGBITS
    const f = parseElf(b.bytes);
    expect(f.diagnostics.find((d) => d.code === "NO_SYMTAB")?.severity).toBe("info");
  });
});

describe("relocations", () => {
  it("rel entsize 0 is reported and the standard stride is used", () => {
    const b = sample();
    poke(b, b.shdrOffset(2) + S64.entsize, 8, 0n);
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "BAD_REL_ENTSIZE", offset: b.shdrOffset(2) }]);
    expect(f.relocationTables[0].count).toBe(2);
  });
  it("sh_link to a non-symtab", () => {
    const b = sample();
    poke(b, b.shdrOffset(2) + S64.link, 4, 1);
    const f = parseElf(b.bytes);
    expect(codes(f)[0]).toEqual({ code: "BAD_REL_LINK", offset: b.shdrOffset(2) });
    expect(f.relocationTables[0].symbolTableSection).toBe(-1);
  });
  it("sh_info out of range", () => {
    const b = sample();
    poke(b, b.shdrOffset(2) + S64.info, 4, 4000);
    expect(codes(parseElf(b.bytes))).toEqual([{ code: "BAD_REL_INFO", offset: b.shdrOffset(2) }]);
  });
  it("symbol index out of range", () => {
    const b = sample();
    const rec = b.dataOffset(2) + 24;
    poke(b, rec + 12, 4, 70000); // high half of r_info
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "BAD_REL_SYMBOL", offset: rec }]);
    expect(relocSymbol(f.relocationTables[0], 1)).toBe(70000);
  });
  it("columns decode ELF32 big-endian REL/RELA the same way", () => {
    const f = parseElf(sample(false, false).bytes);
    expect(f.diagnostics).toEqual([]);
    const r = f.relocationTables[0];
    const c = relocColumns(r);
    expect([...c.type, ...c.symbolIndex]).toEqual([2, 1, 3, 1]);
    expect([...c.offset, ...c.addend]).toEqual([4n, 8n, -4n, 8n]);
  });
});

describe("notes", () => {
  it("namesz overflow", () => {
    const b = sample();
    poke(b, b.dataOffset(5), 4, 0xffffffff);
    const f = parseElf(b.bytes);
    expect(codes(f)).toEqual([{ code: "BAD_NOTE", offset: b.dataOffset(5) }]);
    expect(f.notes).toEqual([]);
  });
  it("descsz overflow", () => {
    const b = sample();
    poke(b, b.dataOffset(5) + 4, 4, 0xfffffff0);
    expect(codes(parseElf(b.bytes))).toEqual([{ code: "BAD_NOTE", offset: b.dataOffset(5) }]);
  });
  it("note section shorter than a note header", () => {
    const b = sample();
    poke(b, b.shdrOffset(5) + S64.size, 8, 8n);
    expect(codes(parseElf(b.bytes))).toEqual([{ code: "BAD_NOTE", offset: b.dataOffset(5) }]);
  });
});
