// At every cursor of a real APPLY, REVERT and REPLACE, the payload's state chip and applied stack,
// the state diagram's rc and the CPU lanes' status rc show a pair Xen's LIST could show.
// Xen (xen/common/livepatch.c): livepatch_action() stores rc −EAGAIN when it schedules the work
// (data->rc = -EAGAIN) and leaves the state alone; livepatch_do_action(), on the master with IRQs
// off and every other CPU parked, flips the state (apply_payload_tail() / revert_payload_tail())
// and stores the rc (data->rc = rc) before any CPU is released. So during an APPLY a LIST shows
// CHECKED with −EAGAIN, then APPLIED with 0; never APPLIED with −EAGAIN, nor CHECKED with 0 once
// −EAGAIN was stored. A REPLACE sets other->rc = 0 before it reverts each payload under it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { createHypervisorService } from "../../workers/hypervisor/host/service.ts";
import { compileHypervisorModule } from "../../workers/hypervisor/host/node.ts";
import { createSession, type SimBackend } from "./session.ts";
import { buildTimeline, type TimelineItem } from "./types.ts";
import { deriveCursorViews } from "./cursorViews.ts";
import type { NodeState } from "./derive.ts";

const SAMPLES = fileURLToPath(new URL("../../public/samples/x86_64/", import.meta.url));
const file = (n: string) => new Uint8Array(readFileSync(SAMPLES + n));
const EAGAIN = -11;

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await compileHypervisorModule();
});

async function run(lines: string[]) {
  const s = createSession(createHypervisorService(module) as unknown as SimBackend);
  s.setFiles(["xen_hello_world", "xen_replace_world"].map((p) => ({ name: `${p}.livepatch`, bytes: file(`${p}.livepatch`) })));
  await s.boot({ name: "xen-syms", bytes: file("xen-syms") }, 4);
  for (const line of lines) {
    const r = await s.run({ kind: "console", line, via: "console" });
    expect(r.record.status, line).toBe(0);
  }
  return { items: buildTimeline(s.data.records, s.data.events), data: s.data };
}

/** What the panels show for `name` at `cursor`: chip, stack membership, the diagram's rc, the lanes' status rc. */
function shown(items: readonly TimelineItem[], cursor: number, bootCpus: number, name: string) {
  const { snap, rv } = deriveCursorViews(items, cursor, bootCpus, []);
  const a = snap.actions.get(name);
  // The edge shows no rc while the hypercall's checks run (StateDiagram rcWords()).
  const diagramRc = !a || a.phase === "checking" ? null : a.rc;
  return {
    state: snap.states.get(name) ?? "none",
    stacked: snap.stack.includes(name),
    action: a?.action ?? null,
    diagramRc,
    lanesRc: rv && rv.payload === name ? rv.status.rc : null,
  };
}

type Pair = `${NodeState} ${number | null}`;

/** Walks every cursor of input `record` and returns the distinct pairs shown for `name`, in order. */
function walk(items: readonly TimelineItem[], bootCpus: number, record: number, name: string): { pairs: Pair[]; problems: string[] } {
  const start = items.findIndex((it) => it.type === "input" && it.record === record);
  let end = items.findIndex((it, i) => i > start && it.type === "input");
  if (end < 0) end = items.length;
  const pairs: Pair[] = [];
  const problems: string[] = [];
  for (let c = start + 1; c <= end; c++) {
    const v = shown(items, c, bootCpus, name);
    if (v.stacked !== (v.state === "APPLIED")) problems.push(`cursor ${c}: chip ${v.state}, stack ${v.stacked ? "has" : "lacks"} ${name}`);
    if (v.lanesRc !== null && v.diagramRc !== null && v.lanesRc !== v.diagramRc) problems.push(`cursor ${c}: diagram rc ${v.diagramRc}, lanes ${v.lanesRc}`);
    const pair: Pair = `${v.state} ${v.diagramRc}`;
    if (pairs[pairs.length - 1] !== pair) pairs.push(pair);
  }
  return { pairs, problems };
}

describe("state and status rc change at the same event", () => {
  it("APPLY then REVERT of xen_hello_world: every cursor shows a pair LIST could show", async () => {
    const { items, data } = await run(["upload xen_hello_world xen_hello_world.livepatch", "apply xen_hello_world", "revert xen_hello_world"]);
    // The events themselves: each state the master publishes carries the rc it stored with it.
    const states = items.flatMap((it) => (it.type === "event" && it.event.kind === "state" ? [`${it.event.state} ${it.event.statusRc}`] : []));
    expect(states).toEqual(["CHECKED 0", "APPLIED 0", "CHECKED 0"]);

    const apply = walk(items, data.bootCpus, 1, "xen_hello_world");
    expect(apply.problems).toEqual([]);
    // Before its hypercall event the edge still shows the UPLOAD's 0.
    expect(apply.pairs).toEqual(["CHECKED 0", "CHECKED null", `CHECKED ${EAGAIN}`, "APPLIED 0"]);

    const revert = walk(items, data.bootCpus, 2, "xen_hello_world");
    expect(revert.problems).toEqual([]);
    expect(revert.pairs).toEqual(["APPLIED 0", "APPLIED null", `APPLIED ${EAGAIN}`, "CHECKED 0"]);
  });

  it("REPLACE over xen_hello_world: the replacer goes CHECKED −EAGAIN → APPLIED 0, hello APPLIED 0 → CHECKED 0", async () => {
    const { items, data } = await run([
      "upload xen_hello_world xen_hello_world.livepatch",
      "apply xen_hello_world",
      "upload xen_replace_world xen_replace_world.livepatch",
      "replace xen_replace_world",
    ]);
    const replacer = walk(items, data.bootCpus, 3, "xen_replace_world");
    expect(replacer.problems).toEqual([]);
    expect(replacer.pairs).toEqual(["CHECKED 0", "CHECKED null", `CHECKED ${EAGAIN}`, "APPLIED 0"]);
    const hello = walk(items, data.bootCpus, 3, "xen_hello_world");
    expect(hello.problems).toEqual([]);
    expect(hello.pairs).toEqual(["APPLIED 0", "CHECKED 0"]);
    // Both flips are published by one master step, before any CPU is released.
    const release = items.findIndex((it) => it.type === "event" && it.event.kind === "cpu-phase" && it.event.phase === "release" && it.event.payload === "xen_replace_world");
    const lastState = items.findLastIndex((it) => it.type === "event" && it.event.kind === "state");
    expect(lastState).toBeLessThan(release);
  });
});
