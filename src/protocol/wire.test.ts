// The wire form must rebuild exactly the result the parser made: every sample, a payload long
// enough to be split into parts, tables not laid out the reader's way, and hostile parts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseElf, wordsOver, type ElfFile } from "../elf/index.ts";
import { relocColumns } from "../test-support/relocColumns.ts";
import { analyzePayload, type LivepatchModel } from "../livepatch/index.ts";
import { buildElf, funcRecord } from "../livepatch/testing/elfBuilder.ts";
import type { ParsedFile } from "./parse.ts";
import { decodeParsed, drain, encodeParsed, runSliced, type WirePart } from "./wire.ts";

const samples = join(import.meta.dirname, "../../public/samples");
const sampleFiles = readdirSync(samples, { recursive: true, encoding: "utf8" }).filter((p) => /\.(livepatch|xsplice)$|xen-syms$/.test(p));

function parsedOf(bytes: Uint8Array, fileName: string): ParsedFile {
  const elf = parseElf(bytes);
  const livepatch = analyzePayload(elf);
  return { fileName, size: bytes.length, role: livepatch ? "payload" : "other", elf, livepatch };
}

/** What crossing a worker does: structured clone, buffers moved. */
function cross<T>(value: T, transfer: ArrayBuffer[] = []): T {
  return structuredClone(value, { transfer });
}

function roundTrip(parsed: ParsedFile): ParsedFile {
  const { head, parts, transfer } = encodeParsed(parsed);
  return drain(decodeParsed(cross(head, transfer), parts.map((p) => cross(p))));
}

/** A payload with `n` functions, all pointing at the same new and old symbols. */
function manyFuncs(n: number): Uint8Array {
  const records: number[] = [];
  const relocs = [];
  for (let i = 0; i < n; i++) {
    records.push(...funcRecord({ newSize: 16, oldSize: 32 }));
    relocs.push({ offset: i * 104, type: 1, symbol: ".rodata.str" }, { offset: i * 104 + 8, type: 1, symbol: "new_fn" }, { offset: i * 104 + 16, type: 1, symbol: "old_fn" });
  }
  return buildElf({
    sections: [
      { name: ".text.new", flags: 6, data: new Uint8Array(16), align: 16 },
      { name: ".rodata.str", flags: 0x32, data: new TextEncoder().encode("old_fn\0") },
      { name: ".livepatch.funcs", data: Uint8Array.from(records), align: 8 },
    ],
    symbols: [{ name: "new_fn", section: ".text.new", size: 16 }, { name: "old_fn", section: "UND" }],
    relocs: { ".livepatch.funcs": relocs },
  }).bytes;
}

describe("parse result wire form", () => {
  it.each(sampleFiles)("rebuilds %s exactly", (path) => {
    const bytes = new Uint8Array(readFileSync(join(samples, path)));
    const original = parsedOf(bytes.slice(), path);
    const expected = parsedOf(bytes.slice(), path);
    const inFile = original.elf.relocationTables.map((t) => t.words.u64.buffer === original.elf.bytes.buffer);
    const back = roundTrip(original);
    expect(back).toEqual(expected);
    // Records read in the file's bytes are read in the bytes that crossed, never a copy of them.
    expect(back.elf.relocationTables.map((t) => t.words.u64.buffer === back.elf.bytes.buffer)).toEqual(inFile);
    expect(back.elf.relocationTables.map(relocColumns)).toEqual(expected.elf.relocationTables.map(relocColumns));
  });

  it("splits long function arrays into parts and puts them back in order", () => {
    const parsed = parsedOf(manyFuncs(450), "many.livepatch");
    expect(parsed.livepatch?.funcs).toHaveLength(450);
    const expected = parsedOf(manyFuncs(450), "many.livepatch");
    const { head, parts } = encodeParsed(parsed);
    expect(head.livepatch?.funcs).toEqual([]);
    expect(parts.map((p) => [p.path, p.items.length])).toEqual([
      ["livepatch.funcs", 200],
      ["livepatch.funcs", 200],
      ["livepatch.funcs", 50],
    ]);
    // Encoding never touches the caller's model.
    expect(parsed.livepatch?.funcs).toHaveLength(450);
    const back = drain(decodeParsed(cross(head), parts.map((p) => cross(p))));
    expect(back).toEqual(expected);
    expect(back.livepatch?.funcs.map((f) => f.index)).toEqual(Array.from({ length: 450 }, (_, i) => i));
  });

  it("gathers relocation records that are not the reader's into one copy, and reads the file's own in its bytes", () => {
    const parsed = parsedOf(manyFuncs(3), "p.livepatch");
    const tables = parsed.elf.relocationTables;
    expect(tables.some((t) => t.count > 0 && t.words.u64.buffer === parsed.elf.bytes.buffer)).toBe(true);
    // Each table's records in a buffer of its own, one word in: not the reader's layout.
    const moved = tables.map((t) => {
      const u64 = new BigUint64Array(t.count * t.step + 1);
      u64.set(t.words.u64.subarray(t.first, t.first + t.count * t.step), 1);
      return { ...t, words: wordsOver(u64.buffer), first: 1 };
    });
    const expected = moved.map(relocColumns);
    const back = roundTrip({ ...parsed, elf: { ...parsed.elf, relocationTables: moved } });
    expect(back.elf.relocationTables.map(relocColumns)).toEqual(expected);
    const copies = new Set(back.elf.relocationTables.filter((t) => t.count > 0).map((t) => t.words.u64.buffer));
    expect(copies.size).toBe(1);
  });

  it("transfers the file bytes and the columns, never a buffer a part still needs", () => {
    const parsed = parsedOf(manyFuncs(250), "p.livepatch");
    const { transfer, parts } = encodeParsed(parsed);
    expect(transfer).toContain(parsed.elf.bytes.buffer);
    expect(new Set(transfer).size).toBe(transfer.length);
    // A part that held a view of the file must keep the file's buffer out of the transfer list.
    const lp = parsed.livepatch as LivepatchModel;
    const withView: ParsedFile = { ...parsed, livepatch: { ...lp, funcs: lp.funcs.map((f) => ({ ...f, expect: f.expect && { ...f.expect, expected: parsed.elf.bytes.subarray(0, 4) } })) } };
    const second = encodeParsed(withView);
    expect(second.transfer).not.toContain(parsed.elf.bytes.buffer);
    expect(parts.length).toBe(2);
  });

  it("refuses parts that do not belong to the head", () => {
    const parsed = parsedOf(manyFuncs(250), "p.livepatch");
    const { head, parts } = encodeParsed(parsed);
    expect(() => drain(decodeParsed(head, parts.slice(1)))).toThrow(/expected 2 parts/);
    const bad: WirePart[] = [parts[0], { path: "constructor.prototype", items: [1] }];
    expect(() => drain(decodeParsed(head, bad))).toThrow(/does not belong/);
    const notArray = [parts[0], { path: "livepatch.funcs", items: "x" as unknown as unknown[] }];
    expect(() => drain(decodeParsed(head, notArray))).toThrow(/does not belong/);
  });

  it("keeps the empty and non-payload cases", () => {
    const make = (): ParsedFile => {
      const elf: ElfFile = parseElf(buildElf({ sections: [] }).bytes);
      return { fileName: "e.o", size: elf.bytes.length, role: "other", elf, livepatch: null };
    };
    expect(roundTrip(make())).toEqual(make());
  });
});

describe("runSliced", () => {
  function* steps(n: number, log: number[]): Generator<void, string> {
    for (let i = 0; i < n; i++) {
      log.push(i);
      yield;
    }
    return "done";
  }

  it("pauses when a slice's budget is spent and finishes with the generator's value", async () => {
    let clock = 0;
    const log: number[] = [];
    let pauses = 0;
    const r = await runSliced(steps(10, log), async () => void pauses++, 3, () => clock++);
    expect(r).toBe("done");
    expect(log).toHaveLength(10);
    // Each step advances the fake clock by one; with a 3 ms budget a slice holds about three steps.
    expect(pauses).toBeGreaterThanOrEqual(3);
  });

  it("ends with null when told to stop between slices", async () => {
    let clock = 0;
    const log: number[] = [];
    const r = await runSliced(steps(100, log), () => Promise.resolve(), 2, () => clock++, () => log.length > 5);
    expect(r).toBeNull();
    expect(log.length).toBeLessThan(100);
  });
});
