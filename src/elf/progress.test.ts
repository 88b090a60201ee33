// Relocation tables larger than one progress chunk: every value across chunk and table
// boundaries, BAD_REL_SYMBOL past a boundary, progress in steps of at most PROGRESS_CHUNK
// records, and cancellation in the middle of a table.
import { describe, expect, it } from "vitest";
import { ElfCancelledError } from "./errors.ts";
import { PROGRESS_CHUNK } from "./limits.ts";
import { parseElf } from "./parse.ts";
import { relocAddend, relocOffset, relocSymbol, relocType } from "./relocations.ts";
import { relocColumns } from "../test-support/relocColumns.ts";
import { readSample } from "../test-support/samples.ts";
import { buildElf, strtab, symbols, type BuiltElf } from "./test-support/build-elf.ts";

/** First table ends mid-chunk; the second crosses two chunk boundaries. */
const A = PROGRESS_CHUNK / 2 + 3;
const B = 2 * PROGRESS_CHUNK - 1;
/** Record of the second table with an out-of-range symbol (the file has 4 symbols). */
const BAD = PROGRESS_CHUNK + 5;

/** Record i: r_offset base + 8i, type i % 37 + 1, symbol i % 4 (9 at `bad`), addend -(i + 1). */
const expected = (i: number, base: number, bad = -1) => ({ offset: base + 8 * i, type: (i % 37) + 1, sym: i === bad ? 9 : i % 4, addend: -(i + 1) });

function rela(is64: boolean, le: boolean, count: number, base: number, bad = -1): Uint8Array {
  const size = is64 ? 24 : 12;
  const out = new Uint8Array(count * size);
  const v = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    const e = expected(i, base, bad);
    const p = i * size;
    if (is64) {
      v.setBigUint64(p, BigInt(e.offset), le);
      v.setUint32(p + 8, le ? e.type : e.sym, le);
      v.setUint32(p + 12, le ? e.sym : e.type, le);
      v.setBigInt64(p + 16, BigInt(e.addend), le);
    } else {
      v.setUint32(p, e.offset, le);
      v.setUint32(p + 4, (e.sym << 8) | e.type, le);
      v.setInt32(p + 8, e.addend, le);
    }
  }
  return out;
}

/** .text (1), .rela.a (2), .rela.b (3), .symtab (4), .strtab (5). */
function file(is64: boolean, le: boolean): BuiltElf {
  const names = strtab(["f"]);
  const syms = symbols(is64, le, [{}, { info: 3, shndx: 1 }, { name: names.offsets[0], info: 0x12, shndx: 1 }, { info: 0x10 }]);
  const entsize = is64 ? 24n : 12n;
  return buildElf({
    is64,
    littleEndian: le,
    sections: [
      { name: ".text", type: 1, flags: 6n, data: new Uint8Array(16), align: 16n },
      { name: ".rela.a", type: 4, flags: 0x40n, data: rela(is64, le, A, 0x1000), link: 4, info: 1, align: 8n, entsize },
      { name: ".rela.b", type: 4, flags: 0x40n, data: rela(is64, le, B, 0x100000, BAD), link: 4, info: 1, align: 8n, entsize },
      { name: ".symtab", type: 2, data: syms, link: 5, info: 2, align: 8n, entsize: is64 ? 24n : 16n },
      { name: ".strtab", type: 3, data: names.data },
    ],
  });
}

describe.each([
  ["ELF64 LSB", true, true],
  ["ELF64 MSB", true, false],
  ["ELF32 LSB", false, true],
])("relocations over several progress chunks, %s", (_, is64, le) => {
  const built = file(is64, le);
  const size = is64 ? 24 : 12;

  it("reads every record of both tables", () => {
    const f = parseElf(built.bytes);
    const [a, b] = f.relocationTables;
    expect([a.count, b.count]).toEqual([A, B]);
    let wrong = 0;
    for (const [t, base, bad] of [[a, 0x1000, -1] as const, [b, 0x100000, BAD] as const]) {
      for (let i = 0; i < t.count; i++) {
        const e = expected(i, base, bad);
        if (relocOffset(t, i) !== BigInt(e.offset) || relocType(t, i) !== e.type || relocSymbol(t, i) !== e.sym || relocAddend(t, i) !== BigInt(e.addend)) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it("reports the one out-of-range symbol, past a chunk boundary, at its record", () => {
    const f = parseElf(built.bytes);
    const at = built.dataOffset(3) + BAD * size;
    expect(f.diagnostics.filter((d) => d.code === "BAD_REL_SYMBOL")).toEqual([
      { severity: "warning", code: "BAD_REL_SYMBOL", offset: at, section: 3, message: `relocation ${BAD} at 0x${at.toString(16)} uses symbol 9, out of range (4 symbols)` },
    ]);
  });

  it("reports progress at most PROGRESS_CHUNK records apart", () => {
    const done: number[] = [];
    parseElf(built.bytes, { onProgress: (d) => done.push(d) });
    const steps = done.slice(1).map((d, i) => d - done[i]);
    expect(Math.max(...steps)).toBeLessThanOrEqual(PROGRESS_CHUNK);
    expect(steps.filter((s) => s > 0).reduce((x, y) => x + y, done[0])).toBeGreaterThanOrEqual(A + B);
  });

  it("stops with CANCELLED at every poll, some in the middle of a relocation table", () => {
    let polls = 0;
    parseElf(built.bytes, { shouldCancel: () => (polls++, false) });
    const inB: number[] = [];
    for (let k = 1; k <= polls; k++) {
      let seen = 0;
      let error: unknown;
      try {
        parseElf(built.bytes, { shouldCancel: () => ++seen === k });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ElfCancelledError);
      const at = (error as ElfCancelledError).offset;
      // The error names the record the parse had reached: past the table's first record.
      if (at > built.dataOffset(3) && at < built.dataOffset(3) + B * size) inB.push(at);
    }
    expect(inB.length).toBeGreaterThanOrEqual(1);
  });
});

describe("an ELF64 LSB relocation table at an offset that is not 8-aligned", () => {
  it("reads the same values as an aligned one", () => {
    const names = strtab(["f"]);
    const syms = symbols(true, true, [{}, { info: 3, shndx: 1 }, { name: names.offsets[0], info: 0x12, shndx: 1 }, { info: 0x10 }]);
    const records = rela(true, true, 70, 0x2000, 33);
    // The records sit 4 bytes into a data blob; .rela.text points at them there.
    const blob = new Uint8Array(4 + records.length);
    blob.set(records, 4);
    const spec = (offset?: bigint) => buildElf({
      sections: [
        { name: ".text", type: 1, flags: 6n, data: new Uint8Array(16), align: 16n },
        { name: ".blob", type: 1, data: blob, align: 8n },
        { name: ".rela.text", type: 4, flags: 0x40n, data: offset === undefined ? records : new Uint8Array(0), offset, size: BigInt(records.length), link: 4, info: 1, align: 8n, entsize: 24n },
        { name: ".symtab", type: 2, data: syms, link: 5, info: 2, align: 8n, entsize: 24n },
        { name: ".strtab", type: 3, data: names.data },
      ],
    });
    const aligned = spec();
    const misaligned = spec(BigInt(aligned.dataOffset(2) + 4));
    expect(misaligned.dataOffset(2) % 8).toBe(0);
    const [a] = parseElf(aligned.bytes).relocationTables;
    const [b] = parseElf(misaligned.bytes).relocationTables;
    expect(b.recordOffset % 8).toBe(4);
    // The aligned table is read in the file's bytes, the misaligned one from a decoded copy.
    expect(a.words.u64.buffer).toBe(aligned.bytes.buffer);
    expect(b.words.u64.buffer).not.toBe(misaligned.bytes.buffer);
    expect([b.count, relocColumns(b)]).toEqual([a.count, relocColumns(a)]);
    const e = Array.from({ length: 70 }, (_, i) => expected(i, 0x2000, 33));
    expect(relocColumns(a).addend).toEqual(e.map((x) => BigInt(x.addend)));
    expect(relocColumns(a).symbolIndex).toEqual(e.map((x) => x.sym));
  });
});

describe("progress reaches the end", () => {
  it("the last report of a parse covers every record counted (symbols count once)", () => {
    // xen-syms: ~thousand symbols and no relocations, so a symbol pass counted twice would end near half.
    let last: [number, number] = [0, 1];
    parseElf(readSample("x86_64/xen-syms"), { onProgress: (done, total) => (last = [done, total]) });
    expect(last[1]).toBeGreaterThan(100);
    expect(last[0] / last[1]).toBeGreaterThan(0.99);
  });
});
