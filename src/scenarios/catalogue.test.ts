// Every catalogue scenario is valid, refers to samples that exist, and does what its explanation
// says: each step runs through the simulator session (the console interpreter on the simulated
// hypervisor, exactly as the page runs it) and its stated exit status, output, states and status
// rc are checked.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue, type CatalogueEntry } from "./catalogue.ts";
import { referredLines } from "./focus.ts";
import { stepInputs } from "./inputs.ts";
import type { Scenario } from "./schema.ts";
import { PUBLIC as ROOT, readPublic as read, scenarioSession } from "./test-support/session.ts";

const samples = JSON.parse(read("samples/index.json")) as { path: string; kind: string; arch: string; image: string | null }[];

let entries: CatalogueEntry[];
beforeAll(async () => {
  entries = await loadCatalogue(async (rel) => read(`scenarios/${rel}`));
});

const STATE: Record<number, string> = { 1: "CHECKED", 2: "APPLIED" };

async function runScenario(s: Scenario) {
  const { session, backend } = await scenarioSession(s);
  const inputs = stepInputs(s);
  const failures: string[] = [];
  for (let i = 0; i < s.steps.length; i++) {
    const st = s.steps[i];
    const input = inputs[i];
    const where = `${s.id} step ${i + 1} (${st.command ?? JSON.stringify(st.knob)})`;
    if (!input) {
      if (st.expect?.status !== undefined || st.expect?.output) failures.push(`${where}: runs nothing, so it cannot expect a status or output`);
      continue;
    }
    const { record } = await session.run(input);
    const e = st.expect;
    if (!e) continue;
    if (e.status !== undefined && record.status !== e.status) failures.push(`${where}: status ${record.status}, expected ${e.status}\n${record.output}`);
    // A slide too small for the output keeps only the lines the step refers to (Slide.tsx): the
    // explanation must not name what a line it does not refer to starts with ("RFLAGS:", "rax:").
    if (e.output) {
      const refs = new Set(referredLines(record.output, e.output));
      record.output.split("\n").forEach((line, n) => {
        const label = /^\(XEN\)\s+([A-Za-z][\w ]*?):/.exec(line)?.[1];
        if (label && !refs.has(n) && new RegExp(`\\b${label}\\b`).test(st.explain)) failures.push(`${where}: the explanation names ${label}, a line the step does not refer to (a slide elides it)`);
      });
    }
    let from = 0;
    for (const text of e.output ?? []) {
      const at = record.output.indexOf(text, from);
      if (at < 0) failures.push(`${where}: output lacks ${JSON.stringify(text)}\n${record.output}`);
      else from = at + text.length;
    }
    for (const [name, want] of Object.entries(e.states ?? {})) {
      const g = await backend.get(name);
      if (!g.ok) throw new Error(g.error.message);
      const got = g.value.ret === 0 ? STATE[g.value.state] : "none";
      if (got !== want) failures.push(`${where}: ${name} is ${got}, expected ${want}`);
    }
    for (const [name, want] of Object.entries(e.rc ?? {})) {
      const g = await backend.get(name);
      if (!g.ok) throw new Error(g.error.message);
      if (g.value.ret !== 0 || g.value.rc !== want) failures.push(`${where}: ${name} status rc ${g.value.rc} (GET ${g.value.ret}), expected ${want}`);
    }
  }
  return { failures };
}

// The catalogue issue #8 asks for, then issue #15's lessons and issue #11's hooks, in catalogue order.
const CATALOGUE = [
  "hello-world",
  "stacking",
  "replace",
  "nop-out",
  "expectation-fail",
  "hook-veto",
  "rendezvous-timeout",
  "reapply-data",
  "build-id-mismatch",
  "altcall",
  "hooks-for-real",
  "nmi-mid-write",
];

describe("scenario catalogue", () => {
  it("lists the scenarios of issues #8, #15 and #11, every one valid", () => {
    expect(entries.map((e) => e.id)).toEqual(CATALOGUE);
    for (const e of entries) expect(e.problem, e.id).toBeNull();
  });

  it("refers only to samples that exist, payloads built for the scenario's image", () => {
    for (const { scenario: s } of entries) {
      const image = samples.find((x) => x.path === s!.image);
      expect(image?.kind, `${s!.id} image`).toBe("image");
      for (const p of s!.payloads) {
        const entry = samples.find((x) => x.path === p);
        expect(entry?.kind, `${s!.id}: ${p}`).toBe("payload");
        expect(entry?.image, `${s!.id}: ${p} is built for`).toBe(s!.image);
        expect(readFileSync(ROOT + "samples/" + p).byteLength).toBeGreaterThan(64);
      }
    }
  });

  it("every step has an explanation and every command step states its expected exit status", () => {
    const inputsOf = (s: Scenario) => stepInputs(s);
    for (const { scenario: s } of entries) {
      const inputs = inputsOf(s!);
      s!.steps.forEach((st, i) => {
        expect(st.explain.length, `${s!.id} step ${i + 1}`).toBeGreaterThan(20);
        if (inputs[i]) expect(st.expect?.status, `${s!.id} step ${i + 1} expect.status`).toBeTypeOf("number");
      });
      // The summary states the expected outcome, as the issue asks.
      expect(s!.summary, s!.id).toMatch(/Expected outcome/);
    }
  });

  it.each(CATALOGUE)("%s does what its explanations claim on the simulated hypervisor", async (id) => {
    const s = entries.find((e) => e.id === id)!.scenario!;
    const { failures } = await runScenario(s);
    expect(failures).toEqual([]);
    // Replaying the inputs reproduces the same events, so stepping back through a scenario
    // shows what really happened. (A fresh run: the checks above make GET hypercalls of their
    // own, which the log records.)
    const { session: plain } = await scenarioSession(s);
    await plain.load(stepInputs(s).filter((i) => i !== null));
    expect(plain.data.records).toHaveLength(stepInputs(s).filter((i) => i !== null).length);
    expect(await plain.verifyReplay()).toBe(true);
  });
});
