// Hostile input: byte-flipped and truncated samples must give findings, never a throw or a hang.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditPayloads, toJson, toMarkdown } from "./index.ts";
import { imageFor, sample } from "./test-support/samples.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SOURCES = ["x86_64/xen_hello_world.livepatch", "x86_64/xen_alternatives.livepatch", "aarch64/xen_bye_world.livepatch", "arm32/xen_hello_world.livepatch"];
const IMAGES: Record<string, string> = { x86_64: "x86_64/xen-syms", aarch64: "aarch64/xen-syms", arm32: "arm32/xen-syms" };

describe("audit on mutated payloads", () => {
  const images = Object.fromEntries(Object.entries(IMAGES).map(([k, v]) => [k, imageFor(v)]));
  it("always returns a verdict with well-formed findings", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SOURCES),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        (path, flips, cut, withImage) => {
          const bytes = sample(path);
          for (const [at, v] of flips) bytes[at % bytes.length] = v;
          const input = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
          const result = auditPayloads([{ file: path, bytes: input }], withImage ? images[path.split("/")[0]] : null);
          expect(["accept", "reject"]).toContain(result.verdict);
          for (const f of result.findings) {
            expect(f.id).toMatch(/^[a-z0-9-]+$/);
            if (f.offset !== undefined) expect(Number.isInteger(f.offset) && f.offset >= 0).toBe(true);
          }
          expect(() => JSON.parse(toJson(result))).not.toThrow();
          expect(toMarkdown(result)).toMatch(/^# Livepatch audit/);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
