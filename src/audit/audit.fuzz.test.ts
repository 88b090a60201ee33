// Hostile input: byte-flipped and truncated samples run through the simulator must give a verdict
// with well-formed findings, never a throw or a hang, and a file the audit could not read whole is
// never accepted.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { runAudit, toJson, toMarkdown, type AuditHost } from "./index.ts";
import { sample } from "./test-support/samples.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SOURCES = ["x86_64/xen_hello_world.livepatch", "x86_64/xen_alternatives.livepatch", "aarch64/xen_bye_world.livepatch", "arm32/xen_hello_world.livepatch"];
const IMAGES: Record<string, string> = { x86_64: "x86_64/xen-syms", aarch64: "aarch64/xen-syms", arm32: "arm32/xen-syms" };

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

describe("audit on mutated payloads", () => {
  it("always returns a verdict with well-formed findings", async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SOURCES),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        async (path, flips, cut, withImage) => {
          const bytes = sample(path);
          for (const [at, v] of flips) bytes[at % bytes.length] = v;
          const input = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
          const imagePath = IMAGES[path.split("/")[0]];
          const result = await runAudit({ image: withImage ? { file: imagePath, bytes: sample(imagePath) } : null, files: [{ file: path, bytes: input, role: "apply" }] }, host);
          expect(["accept", "reject"]).toContain(result.verdict);
          for (const f of result.findings) {
            expect(f.id).toMatch(/^[a-z0-9-]+$/);
            if (f.offset !== undefined) expect(Number.isInteger(f.offset) && f.offset >= 0).toBe(true);
          }
          if (result.findings.some((f) => f.id === "file-unreadable")) expect(result.verdict).toBe("reject");
          expect(() => JSON.parse(toJson(result))).not.toThrow();
          expect(toMarkdown(result)).toMatch(/^# Livepatch audit/);
        },
      ),
      { numRuns: RUNS },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz audit: ${RUNS} runs in ${seconds.toFixed(1)} s (${(RUNS / seconds).toFixed(0)} runs/s)`);
  });
});
