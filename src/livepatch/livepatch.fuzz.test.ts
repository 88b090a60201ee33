// Mutated samples through parse + analyze: the only acceptable outcomes are a model with
// diagnostics or an ElfFormatError; never another exception, never an internal-error diagnostic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns, fuzzTimer } from "../test-support/fuzz.ts";
import { ElfFormatError, parseElf } from "../elf/index.ts";
import { analyzePayload } from "./analyze.ts";
import { imageOptions } from "./image.ts";
import { livepatchJson } from "./json.ts";
import { listSamples, readSample } from "../test-support/samples.ts";

const RUNS = fuzzRuns(300);
const inputs = listSamples((rel) => !rel.endsWith("xen-syms") && !rel.endsWith(".md") && !rel.endsWith(".json")).map(readSample);

// Regions worth hitting hard: the livepatch sections and their relocations.
function hotRanges(bytes: Uint8Array): [number, number][] {
  try {
    const elf = parseElf(bytes);
    return elf.sections
      .filter((s) => /livepatch|xsplice|note|modinfo|alt|ex_table|bug_frames|symtab/.test(s.name) && s.dataSize > 0)
      .map((s) => [s.dataOffset, s.dataSize]);
  } catch {
    return [];
  }
}
const hot = inputs.map(hotRanges);
// Half the runs analyze against the x86 image, so trampoline, ENDBR and expectation paths run too.
const withImage = imageOptions(parseElf(readSample("x86_64/xen-syms")));

const mutation = fc.record({
  sample: fc.nat(),
  edits: fc.array(fc.record({ hot: fc.boolean(), where: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 0xff, 0x7f, 0x80)), width: fc.constantFrom(1, 4, 8) }), { minLength: 1, maxLength: 12 }),
  truncate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 5 }),
  image: fc.boolean(),
});

describe("fuzz: mutated payloads", () => {
  it(`parse + analyze never throw anything but ElfFormatError (${RUNS} runs)`, () => {
    const timer = fuzzTimer("livepatch decoder", RUNS);
    fc.assert(
      fc.property(mutation, ({ sample, edits, truncate, image }) => {
        const i = sample % inputs.length;
        let bytes = inputs[i].slice();
        for (const e of edits) {
          const ranges = hot[i];
          let at: number;
          if (e.hot && ranges.length) {
            const [off, size] = ranges[Math.floor(e.where * ranges.length) % ranges.length];
            at = off + Math.floor(((e.where * 7919) % 1) * size);
          } else at = Math.floor(e.where * bytes.length);
          for (let k = 0; k < e.width && at + k < bytes.length; k++) bytes[at + k] = k === 0 ? e.value : e.value === 0xff ? 0xff : 0;
        }
        if (truncate !== null) bytes = bytes.subarray(0, Math.floor(truncate * bytes.length));
        let elf;
        try {
          elf = parseElf(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ElfFormatError);
          return;
        }
        const model = analyzePayload(elf, image ? withImage : {});
        if (!model) return;
        expect(model.diagnostics.filter((d) => d.code === "LP_INTERNAL")).toEqual([]);
        for (const d of model.diagnostics) {
          expect(Number.isInteger(d.offset) && d.offset >= 0 && d.offset <= bytes.length).toBe(true);
        }
        JSON.stringify(livepatchJson(model));
      }),
      { numRuns: RUNS },
    );
    timer.report();
  });
});
