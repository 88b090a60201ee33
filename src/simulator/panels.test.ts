// The simulator's panels agree with one another, at the end of every step of every catalogue
// scenario: the state diagram and applied stack (derive.ts), the memory card (memory.ts), the CPU
// lanes (rendezvous.ts), the event log and the step's explanation (the scenario's stated outcome).
// Each panel derives from the same typed events; this checks the derivations against each other
// and against the bytes in simulated memory, so one panel cannot say one thing and another the
// opposite (a card naming a reverted payload, lanes deciding an rc at another time than the log).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { createHypervisorService } from "../../workers/hypervisor/host/service.ts";
import { compileHypervisorModule } from "../../workers/hypervisor/host/node.ts";
import { loadCatalogue, type CatalogueEntry } from "../scenarios/catalogue.ts";
import { stepInputs } from "../scenarios/inputs.ts";
import { cursorForStep } from "../scenarios/stepCursor.ts";
import { baseName, type Scenario } from "../scenarios/schema.ts";
import { createSession, type SimBackend } from "./session.ts";
import { buildTimeline, type SimInput } from "./types.ts";
import { deriveSnapshot } from "./derive.ts";
import { deriveRendezvous } from "./rendezvous.ts";
import { windowAt, writesUpTo } from "./memory.ts";

const ROOT = fileURLToPath(new URL("../../public/", import.meta.url));
const read = (rel: string) => readFileSync(ROOT + rel, "utf8");

let entries: CatalogueEntry[];
let module: WebAssembly.Module;
beforeAll(async () => {
  entries = await loadCatalogue(async (rel) => read(`scenarios/${rel}`));
  module = await compileHypervisorModule();
});

/** Where an x86 `jmp rel32` (e9) at `at` in `bytes` (which start at `base`) goes, or null. */
function jumpAt(bytes: Uint8Array, base: bigint, at: bigint): bigint | null {
  const off = Number(at - base);
  if (off < 0 || off + 5 > bytes.length || bytes[off] !== 0xe9) return null;
  const rel = new DataView(bytes.buffer, bytes.byteOffset + off + 1, 4).getInt32(0, true);
  return (at + 5n + BigInt(rel)) & 0xffff_ffff_ffff_ffffn;
}

async function disagreements(s: Scenario): Promise<string[]> {
  const session = createSession(createHypervisorService(module) as unknown as SimBackend);
  session.setFiles(s.payloads.map((p) => ({ name: baseName(p), bytes: new Uint8Array(readFileSync(ROOT + "samples/" + p)) })));
  await session.boot({ name: baseName(s.image), bytes: new Uint8Array(readFileSync(ROOT + "samples/" + s.image)) }, s.cpus);
  const inputs = stepInputs(s);
  const data = await session.load(inputs.filter((i): i is SimInput => i !== null));
  const items = buildTimeline(data.records, data.events);
  const out: string[] = [];
  for (let k = 1; k <= s.steps.length; k++) {
    const where = `${s.id} step ${k}`;
    const cursor = cursorForStep(data.records, inputs, k);
    const snap = deriveSnapshot(items, cursor, data.bootCpus);
    const writes = writesUpTo(items, cursor);

    // Memory card ↔ applied stack ↔ the bytes themselves.
    for (const w of data.windows.map((win) => windowAt(win, writes))) {
      const at = `${where}, memory at ${w.window.func}`;
      const patched = w.changed.some(Boolean);
      if (!patched) {
        if (w.owner) out.push(`${at}: original bytes, yet the card names ${w.owner.payload}`);
        continue;
      }
      if (!w.owner) {
        out.push(`${at}: bytes changed, but no applied payload owns them`);
        continue;
      }
      if (!snap.stack.includes(w.owner.payload)) out.push(`${at}: the card says "patched by ${w.owner.payload}", which is not in the applied stack [${snap.stack}]`);
      // The topmost applied payload that patches this function is the one whose bytes are live.
      const patchers = snap.stack.filter((p) => data.payloads[p]?.funcs.some((f) => BigInt(f.oldAddr) >= w.window.addr && BigInt(f.oldAddr) < w.window.addr + BigInt(w.window.base.length)));
      const top = patchers[patchers.length - 1];
      if (top !== undefined && top !== w.owner.payload) out.push(`${at}: the card names ${w.owner.payload}, the stack's top patcher is ${top}`);
      if (w.owner.target !== null) {
        const jump = jumpAt(w.bytes, w.window.addr, w.owner.addr);
        if (jump !== w.owner.target) out.push(`${at}: the card says it jumps to 0x${w.owner.target.toString(16)}, the bytes jump to ${jump === null ? "nothing" : `0x${jump.toString(16)}`}`);
        const fn = data.payloads[w.owner.payload]?.funcs.find((f) => f.name === w.owner!.func);
        if (fn && BigInt(fn.newAddr) !== w.owner.target) out.push(`${at}: the jump goes to 0x${w.owner.target.toString(16)}, ${w.owner.payload}'s ${fn.name} is at ${fn.newAddr}`);
      }
    }

    // CPU lanes ↔ event log ↔ the diagram's edge.
    const rv = deriveRendezvous(items, cursor, snap.cpus);
    if (rv?.outcome) {
      const at = `${where}, lanes of ${rv.action} ${rv.payload}`;
      const line = `livepatch: ${rv.payload} finished ${rv.action} with rc=${rv.outcome.rc}`;
      const logged = items.slice(0, cursor).filter((it) => it.type === "event" && it.event.kind === "console" && it.event.t >= rv.start && it.event.line === line).pop();
      if (!logged || logged.type !== "event") out.push(`${at}: the lanes say rc ${rv.outcome.rc}, the log has no "finished ${rv.action} with rc=${rv.outcome.rc}"`);
      else if (logged.event.t !== rv.outcome.at) out.push(`${at}: the lanes decide at +${(rv.outcome.at - rv.start) / 1e6} ms, the log at +${(logged.event.t - rv.start) / 1e6} ms`);
      for (const l of rv.lanes)
        for (const seg of l.segments) if (seg.to > rv.outcome.at) out.push(`${at}: CPU${l.cpu}'s ${seg.kind} bar runs to +${(seg.to - rv.start) / 1e6} ms, past the outcome at +${(rv.outcome.at - rv.start) / 1e6} ms`);
      const action = snap.actions.get(rv.payload);
      if (action?.action === rv.action && action.by === null && (action.phase === "ok" || action.phase === "failed") && action.rc !== rv.outcome.rc)
        out.push(`${at}: the diagram's edge says rc ${action.rc}, the lanes ${rv.outcome.rc}`);
    }

    // The explanation's stated outcome ↔ the diagram (states) and the log (the status rc GET reads).
    const e = s.steps[k - 1].expect;
    for (const [name, want] of Object.entries(e?.states ?? {})) {
      const state = snap.states.get(name) ?? "none";
      const got = state === "unloaded" ? "none" : state;
      if (got !== want) out.push(`${where}: the explanation says ${name} is ${want}, the diagram shows ${got}`);
    }
    for (const [name, want] of Object.entries(e?.rc ?? {})) {
      let status: number | null = null;
      for (const it of items.slice(0, cursor)) {
        if (it.type !== "event" || it.event.payload !== name) continue;
        const ev = it.event;
        if (ev.kind === "state" || (ev.kind === "rendezvous" && ev.phase === "done")) status = ev.statusRc;
        else if (ev.kind === "check-failed" && ev.rcKind === "status") status = ev.rc;
        // Xen's livepatch_action (common/livepatch.c) stores a failing pre-apply or pre-revert
        // hook's rc as the status rc too (data->rc = rc), though the event names the hypercall's.
        else if (ev.kind === "check-failed" && /^hook-pre(apply|revert)-failed$/.test(ev.rule)) status = ev.rc;
        else if (ev.kind === "hypercall-return" && ev.op === "GET" && ev.statusRc !== undefined) status = ev.statusRc;
      }
      if (status !== want) out.push(`${where}: the explanation says ${name}'s status rc is ${want}, the log's latest is ${status}`);
      const a = snap.actions.get(name);
      if (a && (a.phase === "ok" || a.phase === "failed") && a.rc !== null && a.rc !== 0 && a.rc !== want && rv?.payload === name && rv.outcome && rv.outcome.rc !== a.rc)
        out.push(`${where}: the diagram's edge says ${name} rc ${a.rc}, the explanation ${want}`);
    }
  }
  return out;
}

describe("the simulator's panels agree", () => {
  it("at the end of every step of every catalogue scenario", async () => {
    expect(entries.length).toBeGreaterThanOrEqual(9);
    const found: string[] = [];
    for (const entry of entries) {
      expect(entry.scenario, entry.id).toBeTruthy();
      found.push(...(await disagreements(entry.scenario!)));
    }
    expect(found).toEqual([]);
  }, 120_000);
});
