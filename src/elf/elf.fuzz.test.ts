// Property: whatever bytes arrive, parseElf (and every accessor and the readelf formatter on its
// result) either returns with diagnostics or throws ElfFormatError — never another exception,
// never a hang. Seeds are real files: the committed samples plus small system objects.
// FUZZ_RUNS sets the number of runs (default 300; `npm run fuzz` uses 100,000).
import { existsSync, readFileSync, statSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns, fuzzTimer } from "../test-support/fuzz.ts";
import { ElfFormatError } from "./errors.ts";
import { buildId, findSymbol, readVirtual, sectionData, symbolAt } from "./image.ts";
import { parseNotes } from "./notes.ts";
import { parseElf } from "./parse.ts";
import { formatReadelf } from "./readelf.ts";
import { transferablesOf } from "./transfer.ts";
import type { Diagnostic } from "./types.ts";
import { listSamples, samplePath } from "../test-support/samples.ts";

const runs = fuzzRuns(300);
const MAX_SEED = 256 * 1024;

const seedPaths = [
  ...listSamples().map(samplePath),
  "/usr/lib/x86_64-linux-gnu/crt1.o",
  "/usr/lib/x86_64-linux-gnu/crti.o",
  "/usr/aarch64-linux-gnu/lib/crt1.o",
  "/usr/arm-linux-gnueabihf/lib/crt1.o",
].filter((p) => existsSync(p) && statSync(p).size <= MAX_SEED);
const seeds = seedPaths.map((p) => new Uint8Array(readFileSync(p))).filter((b) => b[0] === 0x7f && b[1] === 0x45);

/** Offsets where a mutation is most likely to matter: header fields and section header records. */
function interestingOffsets(b: Uint8Array): number[] {
  const out = [4, 5, 0x10, 0x12, 0x18, 0x20, 0x28, 0x2c, 0x2e, 0x30, 0x32, 0x34, 0x36, 0x38, 0x3a, 0x3c, 0x3e];
  try {
    const f = parseElf(b);
    for (const s of f.sections.slice(0, 64)) for (let k = 0; k < s.header.size; k += 4) out.push(s.header.offset + k);
    for (const t of f.symbolTables) for (let i = 0; i < Math.min(t.count, 16); i++) out.push(t.recordOffset + i * t.entsize + (i % 4) * 4);
    for (const r of f.relocationTables) for (let i = 0; i < Math.min(r.count, 16); i++) out.push(r.recordOffset + i * r.entsize + 8);
    for (const n of f.notes) out.push(n.record.offset, n.record.offset + 4);
  } catch {
    /* unparseable seed: header offsets only */
  }
  return out.filter((o) => o < b.length);
}
const hotspots = seeds.map(interestingOffsets);

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "byte"; at: number; value: number }
  | { kind: "word"; hot: number; value: number; width: 1 | 2 | 4 | 8 }
  | { kind: "truncate"; keep: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("byte" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant("word" as const),
    hot: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 1, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 0xfff1, 0xffff, 0x10000), fc.nat()),
    width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
  }),
  fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }),
);

function mutate(seedIndex: number, muts: Mutation[]): Uint8Array {
  let b = seeds[seedIndex].slice();
  const hot = hotspots[seedIndex];
  for (const m of muts) {
    if (b.length === 0) break;
    if (m.kind === "flip") b[m.at % b.length] ^= 1 << m.bit;
    else if (m.kind === "byte") b[m.at % b.length] = m.value;
    else if (m.kind === "truncate") b = b.slice(0, m.keep % (b.length + 1));
    else {
      const at = hot.length ? hot[m.hot % hot.length] : m.hot % b.length;
      for (let k = 0; k < m.width && at + k < b.length; k++) b[at + k] = m.width === 8 && k >= 4 ? 0xff * ((m.value >>> 31) & 1) : (m.value >>> (8 * (k % 4))) & 0xff;
    }
  }
  return b;
}

/** A hang detector, not a speed target: no single input of a few hundred KB may take this long. */
const PER_INPUT_LIMIT_MS = 10_000;

/** Drives every public accessor, as a consumer would, within PER_INPUT_LIMIT_MS. */
function exercise(bytes: Uint8Array): void {
  const start = performance.now();
  drive(bytes);
  const took = performance.now() - start;
  if (took > PER_INPUT_LIMIT_MS) throw new Error(`input of ${bytes.length} bytes took ${took.toFixed(0)} ms`);
}

function drive(bytes: Uint8Array): void {
  let f;
  try {
    f = parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfFormatError) return;
    throw e;
  }
  formatReadelf(f, "fuzz.o");
  for (let i = 0; i < f.sections.length && i < 256; i++) sectionData(f, i);
  buildId(f);
  findSymbol(f, "main");
  const t = f.symbolTables[0];
  if (t && t.count > 1) {
    symbolAt(f, t.value[1]);
    readVirtual(f, t.value[1], 16);
  }
  for (const s of f.sections.slice(0, 64)) {
    const d: Diagnostic[] = [];
    parseNotes(f.bytes, s.dataOffset, s.dataSize, f.header.littleEndian, d, s.index);
  }
  transferablesOf(f);
  for (const d of f.diagnostics) expect(Number.isInteger(d.offset) && d.offset >= 0).toBe(true);
}

describe(`fuzz parseElf on mutated real files (${runs} runs, ${seeds.length} seeds)`, () => {
  it("only ElfFormatError or diagnostics result, and each input finishes", () => {
    const timer = fuzzTimer("ELF reader, mutated samples", runs);
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), (seed, muts) => {
        exercise(mutate(seed, muts));
      }),
      { numRuns: runs },
    );
    timer.report();
  });

  it("random garbage after a valid ident", () => {
    const timer = fuzzTimer("ELF reader, garbage after an ident", runs);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), fc.constantFrom(1, 2), fc.constantFrom(1, 2), (tail, cls, data) => {
        exercise(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, cls, data, 1, 0, ...tail]));
      }),
      { numRuns: runs },
    );
    timer.report();
  });
});
