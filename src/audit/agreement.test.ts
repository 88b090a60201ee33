// The static verdict and the simulated hypervisor must agree on every committed sample, alone and
// in the stacks the catalogue describes: same UPLOAD rc, same APPLY outcome, for each payload.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeSimulator } from "../cli/auditSimulator.ts";
import { auditPayloads, crossCheck, type SimulatorPort } from "./index.ts";
import { catalogue, imageFor, sample } from "./test-support/samples.ts";

// What each sample should do on its own against its image, from the catalogue's "expect" text
// (public/samples/README.md); the test fails when a sample is added without an entry here.
const ALONE: Record<string, "accept" | "upload-fails" | "apply-fails"> = {
  "xen_hello_world.livepatch": "accept",
  "xen_bye_world.livepatch": "apply-fails",
  "xen_replace_world.livepatch": "accept",
  "xen_nop.livepatch": "accept",
  "xen_nop_thunk.livepatch": "accept",
  "xen_expectations.livepatch": "accept",
  "xen_expectations_fail.livepatch": "apply-fails",
  "xen_prepost_hooks.livepatch": "accept",
  "xen_action_hooks.livepatch": "accept",
  "xen_action_hooks_nofunc.livepatch": "accept",
  "xen_no_xen_buildid.livepatch": "upload-fails",
  "xen_wrong_xen_buildid.livepatch": "upload-fails",
  "xen_too_small.livepatch": "upload-fails",
  "xen_endbr.livepatch": "accept",
  "xen_data_bss.livepatch": "accept",
  "xen_alternatives.livepatch": "accept",
  "xen_dup_a.livepatch": "accept",
  "xen_dup_b.livepatch": "accept",
  "xen_hello_world_v1.livepatch": "upload-fails",
  "xsplice_hello_world.xsplice": "upload-fails",
};

const payloads = catalogue().filter((e) => e.kind === "payload");
let port: SimulatorPort;

beforeAll(async () => {
  port = await nodeSimulator();
});

async function run(paths: string[], imagePath: string) {
  const image = imageFor(imagePath);
  const files = paths.map((p) => ({ file: p, bytes: sample(p) }));
  const result = auditPayloads(files, image);
  const sim = await crossCheck(port, image.bytes, files, result.predictions);
  return { result, sim };
}

describe("static audit vs simulator, every sample alone", () => {
  it("has an expectation for every payload in the catalogue", () => {
    expect(payloads.length).toBeGreaterThan(30);
    for (const p of payloads) expect(ALONE[p.path.split("/").pop()!], p.path).toBeDefined();
  });

  it.each(payloads.map((p) => [p.path, p.image!] as const))("%s", async (path, imagePath) => {
    const { result, sim } = await run([path], imagePath);
    expect(sim.error).toBeUndefined();
    expect(sim.disagreements).toEqual([]);
    expect(sim.agrees).toBe(true);
    const want = ALONE[path.split("/").pop()!];
    const [outcome] = sim.outcomes;
    expect(result.verdict).toBe(want === "accept" ? "accept" : "reject");
    if (want === "upload-fails") expect(outcome.upload).toBeLessThan(0);
    else expect(outcome.upload).toBe(0);
    if (want === "apply-fails") expect(outcome.apply).toBeLessThan(0);
    if (want === "accept") expect(outcome.apply).toBe(0);
    // The finding that explains a failure carries the rc the simulator returned.
    if (want !== "accept") {
      const rc = want === "upload-fails" ? outcome.upload : outcome.apply;
      const stage = want === "upload-fails" ? "upload" : "apply";
      expect(result.findings.find((f) => f.severity === "error" && f.stage === stage)?.rc).toBe(rc);
    }
  });
});

describe("static audit vs simulator, payload sets in upload order", () => {
  const sets: [string[], string, "accept" | "reject"][] = [];
  for (const arch of ["x86_64", "aarch64"]) {
    const p = (n: string) => `${arch}/${n}.livepatch`;
    sets.push(
      [[p("xen_hello_world"), p("xen_bye_world")], `${arch}/xen-syms`, "accept"],
      [[p("xen_bye_world"), p("xen_hello_world")], `${arch}/xen-syms`, "reject"],
      [[p("xen_dup_a"), p("xen_dup_b")], `${arch}/xen-syms`, "reject"],
      [[p("xen_hello_world"), p("xen_replace_world")], `${arch}/xen-syms`, "reject"],
      [[p("xen_expectations"), p("xen_nop")], `${arch}/xen-syms`, "reject"],
      [[p("xen_hello_world"), p("xen_hello_world")], `${arch}/xen-syms`, "reject"],
    );
  }
  it.each(sets)("%j on %s", async (paths, imagePath, verdict) => {
    const { result, sim } = await run(paths, imagePath);
    expect(sim.disagreements).toEqual([]);
    expect(sim.agrees).toBe(true);
    expect(result.verdict).toBe(verdict);
  });

  it("names the duplicate symbol that keeps dup_a and dup_b apart", async () => {
    const { result, sim } = await run(["x86_64/xen_dup_a.livepatch", "x86_64/xen_dup_b.livepatch"], "x86_64/xen-syms");
    const dup = result.findings.find((f) => f.id === "symbol-duplicate-export");
    expect(dup?.file).toBe("x86_64/xen_dup_b.livepatch");
    expect(dup?.message).toContain("shared_counter");
    expect(sim.outcomes[1].upload).toBe(-17);
  });
});
