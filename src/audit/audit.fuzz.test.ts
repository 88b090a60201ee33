// Hostile input: byte-flipped and truncated samples run through the simulator must give a verdict
// with well-formed findings, never a throw or a hang, and a file the audit could not read whole is
// never accepted. A restored snapshot stands in for booting a real image (a restored host behaves as
// a freshly booted one: workers/hypervisor/tests/snapshot.test.ts).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createHypervisor, type HypervisorHost, type HypervisorSnapshot } from "../../workers/hypervisor/host/api.ts";
import { auditHostOver, bootAuditImage, type AuditImage } from "../../workers/hypervisor/host/auditHost.ts";
import { compileSnapshotModule } from "../../workers/hypervisor/host/node.ts";
import { fuzzRuns, fuzzTimeout, fuzzTimer } from "../test-support/fuzz.ts";
import { runAudit, toJson, toMarkdown, type AuditHost } from "./index.ts";
import { sample } from "./test-support/samples.ts";

const RUNS = fuzzRuns(200);
const SOURCES = ["x86_64/xen_hello_world.livepatch", "x86_64/xen_alternatives.livepatch", "aarch64/xen_bye_world.livepatch", "arm32/xen_hello_world.livepatch"];
const IMAGES: Record<string, string> = { x86_64: "x86_64/xen-syms", aarch64: "aarch64/xen-syms", arm32: "arm32/xen-syms" };
const CPUS = 4;

const bytesOf = new Map([...SOURCES, ...Object.values(IMAGES)].map((path) => [path, sample(path)]));

/**
 * One host per image: a real image is booted once and restored from its snapshot for every run
 * (each host only ever restores its own, so its memory stays the snapshot's size); the stand-in
 * Xen the audit builds from the payload is booted afresh, as it differs from run to run.
 */
const hosts = new Map<string | null, AuditHost>();
beforeAll(async () => {
  const module = await compileSnapshotModule();
  for (const key of [null, ...Object.values(IMAGES)]) {
    const hv: HypervisorHost = await createHypervisor(module);
    let booted: HypervisorSnapshot | null = null;
    const boot = async (image: AuditImage) => {
      if (!("real" in image)) return bootAuditImage(hv, image, CPUS);
      if (image.real.bytes !== bytesOf.get(key!)) throw new Error(`the host for ${key} was asked to boot another image`);
      if (booted) return hv.restore(booted);
      bootAuditImage(hv, image, CPUS);
      booted = hv.snapshot();
    };
    hosts.set(key, auditHostOver(hv, CPUS, boot));
  }
});

describe("audit on mutated payloads", () => {
  it(
    `always returns a verdict with well-formed findings (${RUNS} runs)`,
    async () => {
      const timer = fuzzTimer("audit", RUNS);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...SOURCES),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 }),
          fc.option(fc.nat(), { nil: undefined }),
          fc.boolean(),
          async (path, flips, cut, withImage) => {
            const bytes = bytesOf.get(path)!.slice();
            for (const [at, v] of flips) bytes[at % bytes.length] = v;
            const input = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
            const imagePath = IMAGES[path.split("/")[0]];
            const image = withImage ? { file: imagePath, bytes: bytesOf.get(imagePath)! } : null;
            const result = await runAudit({ image, files: [{ file: path, bytes: input, role: "apply" }] }, hosts.get(image && imagePath)!);
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
      timer.report();
    },
    fuzzTimeout(120_000),
  );
});
