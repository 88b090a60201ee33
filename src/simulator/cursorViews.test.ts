// The views a playing cursor carries forward (cursorDeriver) are the views derived from scratch
// (deriveSnapshot, deriveRendezvous, windowsAt over writesUpTo, placeEvent over every item), over random timelines and random
// cursor moves: forward by one item or many, back, jumps, a timeline replaced by a copy or a longer
// one, another CPU count or other memory windows. The from-scratch derivations are the definition;
// the property also holds every view handed out earlier to what it was when handed out.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHypervisorService } from "../../workers/hypervisor/host/service.ts";
import { compileHypervisorModule } from "../../workers/hypervisor/host/node.ts";
import type { LoggedEvent, PlacedEvent } from "../protocol/hypervisor.ts";
import { cursorDeriver, deriveCursorViews, type CursorViews } from "./cursorViews.ts";
import type { PayloadMemory } from "./memory.ts";
import { createSession, type SimBackend } from "./session.ts";
import { buildTimeline, recordEnds, type ActionName, type MemoryWindow, type TimelineItem } from "./types.ts";

const payload = fc.constantFrom("a", "b", "c");
const action = fc.constantFrom<ActionName>("UPLOAD", "APPLY", "REVERT", "REPLACE", "UNLOAD");
const cpu = fc.integer({ min: -1, max: 5 });
const hexBytes = fc.uint8Array({ minLength: 1, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(""));
const rc = fc.constantFrom(0, 0, -11, -16, -22);

const region = fc.record({ at: fc.integer({ min: 0, max: 6 }), size: fc.constantFrom(0, 0x10, 0x1000, 0x2100) }).map((r) => ({ addr: `0x${(0x40000 + r.at * 0x1000).toString(16)}`, size: r.size }));

/** One event of any kind the views read, with the fields they read; `seq` and `t` are set by the timeline. */
const event: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ kind: fc.constant("hypercall"), payload, op: fc.constant("UPLOAD"), args: fc.constant({ size: 1, flags: 0, namePad: 0 }) }),
  fc.record({ kind: fc.constant("hypercall"), payload, op: fc.constant("ACTION"), args: action.map((a) => ({ action: a, cmd: 3, timeout: 0, flags: 0, pad: 0, opFlags: 0, namePad: 0 })) }),
  fc.record({ kind: fc.constant("hypercall-return"), payload, op: fc.constant("ACTION"), action, ret: rc }),
  fc.record({ kind: fc.constant("state"), payload, state: fc.constantFrom("CHECKED", "APPLIED", "UNLOADED"), statusRc: rc }),
  fc.record({ kind: fc.constant("cpus"), payload: fc.constant(null), online: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant("panic"), payload: fc.constant(null), message: fc.constant("x"), explanation: fc.constant("x") }),
  fc.record({ kind: fc.constant("check"), payload, op: action, check: fc.constant("depends") }),
  fc.record({
    kind: fc.constant("check-failed"),
    payload,
    rule: fc.constantFrom("expect-mismatch", "revert-not-top", "other"),
    op: action,
    rc,
    rcKind: fc.constantFrom("hypercall", "status"),
    explanation: fc.constant("because"),
    expected: hexBytes,
    actual: hexBytes,
    other: fc.constantFrom("a", "hypervisor"),
  }),
  fc.record({ kind: fc.constant("rendezvous"), payload, phase: fc.constant("scheduled"), action, masterDelay: fc.constant(0), timeout: fc.constant(30_000_000) }),
  fc.record({ kind: fc.constant("rendezvous"), payload, phase: fc.constant("master"), deadline: fc.nat(1000), timeout: fc.constant(30_000_000), cpus: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("rendezvous"), payload, phase: fc.constantFrom("cpu-phase-done", "irq-phase-done", "quiesce", "revive"), cpus: fc.constant(2), action }),
  fc.record({ kind: fc.constant("rendezvous"), payload, phase: fc.constant("done"), action, statusRc: rc, actionRan: fc.boolean() }),
  fc.record({ kind: fc.constant("cpu-phase"), payload, phase: fc.constantFrom("master", "cpu", "irq", "release", "missed", "late"), arrived: fc.constant(1), cpus: fc.constant(2), quiesce: fc.constant("cpu") }),
  fc.record({
    kind: fc.constant("write"),
    payload,
    at: fc.integer({ min: 0, max: 48 }),
    old: hexBytes,
    new: hexBytes,
    func: fc.constant({ index: 0, name: "f" }),
    by: fc.constantFrom("apply", "revert"),
    insn: fc.constant("branch"),
    target: fc.option(fc.constant("0x2000"), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant("console"), payload: fc.constant(null), line: fc.constant("(XEN) hi") }),
  // Uploads placed at a few bases, so a later upload lands on memory an unloaded payload freed.
  fc.record({ kind: fc.constant("placed"), payload, funcs: fc.constant(1), pages: fc.constant(3), text: region, rw: region, ro: region }),
);

/** A timeline: inputs and events in order, the clock moving on (or standing) between events. */
const timeline = fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 8, arbitrary: fc.tuple(event, fc.constantFrom(0, 0, 5, 100), cpu) }), { maxLength: 70 }).map((raw) => {
  let t = 0;
  let seq = 0;
  return raw.map((r, i): TimelineItem => {
    if (!r) return { type: "input", record: i };
    const [e, dt, c] = r;
    t += dt;
    const { at, ...rest } = e as { at?: number; kind: string };
    // A CPU's own phase is always on a CPU; other events may be on none (-1).
    const ev = { ...rest, t, cpu: rest.kind === "cpu-phase" ? Math.max(0, c) : c, seq: seq++, ...(at !== undefined ? { addr: `0x${(0x1000 + at).toString(16)}` } : {}) };
    return { type: "event", event: ev as unknown as LoggedEvent };
  });
});

/** Memory windows sorted by address, over the addresses the writes use; mostly 16 bytes. */
const windows = fc
  .array(fc.record({ at: fc.integer({ min: 0, max: 56 }), base: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 1, maxLength: 30 })) }), { maxLength: 8 })
  .map((ws): MemoryWindow[] => ws.map((w) => ({ addr: 0x1000n + BigInt(w.at), base: w.base, func: "f" })).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0)));

type Move =
  | { kind: "forward"; by: number }
  | { kind: "back"; by: number }
  | { kind: "jump"; to: number }
  | { kind: "same" }
  | { kind: "copy" }
  | { kind: "grow" }
  | { kind: "cpus"; cpus: number }
  | { kind: "windows" };

const move: fc.Arbitrary<Move> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("forward" as const), by: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("back" as const), by: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("jump" as const), to: fc.integer({ min: 0, max: 150 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "same" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "copy" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "grow" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cpus" as const), cpus: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "windows" as const }) },
);

describe("cursorDeriver", () => {
  it("equals the from-scratch derivation after every cursor move, and never changes a view it handed out", () => {
    fc.assert(
      fc.property(timeline, timeline, windows, windows, fc.integer({ min: 1, max: 6 }), fc.array(move, { minLength: 1, maxLength: 30 }), (first, more, winA, winB, cpus0, moves) => {
        const d = cursorDeriver();
        let items: readonly TimelineItem[] = first;
        let wins: readonly MemoryWindow[] = winA;
        let cpus = cpus0;
        let cursor = 0;
        const handed: { views: CursorViews; copy: CursorViews }[] = [];
        for (const m of moves) {
          if (m.kind === "forward") cursor += m.by;
          else if (m.kind === "back") cursor = Math.max(0, cursor - m.by);
          else if (m.kind === "jump") cursor = m.to;
          else if (m.kind === "copy") items = items.slice();
          else if (m.kind === "grow") items = [...items, ...more];
          else if (m.kind === "cpus") cpus = m.cpus;
          else if (m.kind === "windows") wins = wins === winA ? winB : winA;
          const views = d.at(items, cursor, cpus, wins);
          expect(views).toEqual(deriveCursorViews(items, cursor, cpus, wins));
          handed.push({ views, copy: structuredClone(views) });
        }
        for (const h of handed) expect(h.views).toEqual(h.copy);
      }),
      { numRuns: 400 },
    );
  });

  it("a lane's closed segment changed again later (a second `missed`) leaves the view handed out before it as it was", () => {
    const ev = (t: number, e: Record<string, unknown>): TimelineItem => ({ type: "event", event: { t, cpu: 1, payload: "a", seq: t, ...e } as unknown as LoggedEvent });
    const items = [
      ev(0, { kind: "rendezvous", phase: "scheduled", action: "APPLY", masterDelay: 0, timeout: 30 }),
      ev(10, { kind: "cpu-phase", phase: "missed", quiesce: "cpu" }),
      ev(20, { kind: "cpu-phase", phase: "missed", quiesce: "cpu" }),
    ];
    const none: MemoryWindow[] = [];
    const d = cursorDeriver();
    const early = d.at(items, 2, 2, none);
    const copy = structuredClone(early);
    expect(d.at(items, 3, 2, none)).toEqual(deriveCursorViews(items, 3, 2, none));
    expect(early).toEqual(copy);
    expect(early.rv!.lanes[1].segments[0]).toMatchObject({ kind: "stalled", to: 10 });
  });

  it("hands out the same objects when the cursor moves over items that change nothing", () => {
    const input: TimelineItem = { type: "input", record: 0 };
    const none: MemoryWindow[] = [];
    const d = cursorDeriver();
    const items = [input, input, input];
    const a = d.at(items, 1, 4, none);
    expect(d.at(items, 3, 4, none)).toBe(a);
    // Another timeline (even an equal one) is read again.
    expect(d.at(items.slice(), 3, 4, none)).not.toBe(a);
  });
});

// Where the payloads are, over a real session on the x86_64 sample xen-syms: uploads, an unload,
// an upload into the memory it freed, an unload of the applied payload after its revert.
describe("cursorDeriver: where the payloads are, on a real timeline", () => {
  const SAMPLES = fileURLToPath(new URL("../../public/samples/x86_64/", import.meta.url));
  const file = (n: string) => new Uint8Array(readFileSync(SAMPLES + n));

  /**
   * The reading from scratch, written as what it means rather than as a fold: a payload is placed
   * where its last `placed` put it unless an UNLOADED followed; an UNLOADED frees the regions its
   * payload was placed at then, until a later `placed` (before the cursor) overlaps them.
   */
  function reference(items: readonly TimelineItem[], cursor: number): PayloadMemory {
    const evs = items.slice(0, cursor).flatMap((it) => (it.type === "event" ? [it.event] : []));
    const regions = (e: PlacedEvent) => [e.text, e.rw, e.ro].filter((r) => r.size > 0).map((r) => ({ start: BigInt(r.addr), end: BigInt(r.addr) + BigInt(r.size) }));
    const unloadedAt = (e: LoggedEvent) => e.kind === "state" && e.state === "UNLOADED";
    /** The payload's regions just before event `i`, if it was uploaded then. */
    const placedBefore = (name: string, i: number) => {
      const last = evs.slice(0, i).findLastIndex((e) => e.payload === name && (e.kind === "placed" || unloadedAt(e)));
      const e = evs[last];
      return e?.kind === "placed" ? regions(e) : null;
    };
    const placed = new Map<string, { start: bigint; end: bigint }[]>();
    for (const name of new Set(evs.flatMap((e) => (e.kind === "placed" ? [e.payload!] : [])))) {
      const now = placedBefore(name, evs.length);
      if (now) placed.set(name, now);
    }
    const freed = evs.flatMap((e, u) => {
      if (!unloadedAt(e)) return [];
      const later = evs.slice(u + 1).flatMap((x) => (x.kind === "placed" ? regions(x) : []));
      return (placedBefore(e.payload!, u) ?? []).filter((f) => !later.some((r) => r.start < f.end && f.start < r.end)).map((f) => ({ payload: e.payload!, ...f }));
    });
    return { placed, freed };
  }

  it("equals the reading from scratch at every cursor, stepping forward; the regions are move_payload()'s", async () => {
    const s = createSession(createHypervisorService(await compileHypervisorModule()) as unknown as SimBackend);
    s.setFiles(["xen_hello_world", "xen_bye_world"].map((p) => ({ name: `${p}.livepatch`, bytes: file(`${p}.livepatch`) })));
    await s.boot({ name: "xen-syms", bytes: file("xen-syms") }, 4);
    const lines = ["load xen_hello_world.livepatch", "upload bye xen_bye_world.livepatch", "unload bye", "upload again xen_bye_world.livepatch", "revert xen_hello_world", "unload xen_hello_world"];
    for (const line of lines) {
      const r = await s.run({ kind: "console", line, via: "console" });
      expect(r.record.output, line).not.toMatch(/failed|Error/);
    }
    const items = buildTimeline(s.data.records, s.data.events);
    const d = cursorDeriver();
    const seen: PayloadMemory[] = [];
    for (let cursor = 0; cursor <= items.length; cursor++) {
      const { memory } = d.at(items, cursor, 4, s.data.windows);
      expect(memory, `at ${cursor}`).toEqual(reference(items, cursor));
      if (!seen.includes(memory)) seen.push(memory);
    }
    // A new reading only where an upload or an unload was passed: the empty one, then one per
    // upload (three) and per unload (two).
    expect(seen).toHaveLength(6);

    // By hand. `nm xen-syms`: _end = 0xffff82d0402120c8, so the livepatch area (the simulator's
    // VMAP_XEN) starts at the next 2 MiB boundary, 0xffff82d040400000. `readelf -S`, sections in
    // index order, each at ROUNDUP(running size, sh_addralign) of its region (move_payload()):
    // xen_hello_world text (AX): .text 0, [3] 8 @0, [5] 0xe @0x10, [7] 0xe @0x20, [9] 2 @0x2e,
    //   [10] 0x13 @0x30, [12] 8 @0x50: 0x58. rw (WA): [24] 0x18 @0, [26] 0x10 @0x20, [29] 4 @0x30: 0x34.
    //   ro (A): [1] 0x24, [14] 0x11, [15] 0x10, [16] 0x12, [17] 0x10, [18] 0xc (to 0x73), [19] 0x24 @0x74,
    //   [20] 0x24 @0x98, [22] 0x68 @0xc0: 0x128. rw at base + PAGE_ALIGN(0x58), ro one page on: 3 pages.
    // xen_bye_world after one unmapped guard page (base + 0x4000): text [3] 8; no rw; ro [1] 0x24,
    //   [5] 0x12, [6] 0xb (to 0x41), [7] 0x24 @0x44, [8] 0x24 @0x68, [10] 0x68 @0xa0: 0x108, at text + 0x1000.
    const base = 0xffff82d040400000n;
    const at = (a: bigint, size: number) => ({ start: a, end: a + BigInt(size) });
    const hello = [at(base, 0x58), at(base + 0x1000n, 0x34), at(base + 0x2000n, 0x128)];
    const bye = [at(base + 0x4000n, 8), at(base + 0x5000n, 0x108)];
    const ends = recordEnds(s.data.records);
    const after = (k: number) => d.at(items, ends[k], 4, s.data.windows).memory;
    expect(after(1)).toEqual({ placed: new Map([["xen_hello_world", hello], ["bye", bye]]), freed: [] });
    expect(after(2)).toEqual({ placed: new Map([["xen_hello_world", hello]]), freed: bye.map((r) => ({ payload: "bye", ...r })) });
    // The next upload is placed where bye was (first fit), so that memory is no longer freed.
    expect(after(3)).toEqual({ placed: new Map([["xen_hello_world", hello], ["again", bye]]), freed: [] });
    expect(after(5)).toEqual({ placed: new Map([["again", bye]]), freed: hello.map((r) => ({ payload: "xen_hello_world", ...r })) });
  });
});
