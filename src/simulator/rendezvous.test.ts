// The CPU lanes when the host panics during a rendezvous, on hand-written timelines: the lanes say
// what the state diagram's edge says (derive.ts reads the same `panic` event), never "in progress".
import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "../protocol/hypervisor.ts";
import { deriveSnapshot } from "./derive.ts";
import { deriveRendezvous } from "./rendezvous.ts";
import type { TimelineItem } from "./types.ts";

const P = "p";
let seq = 0;
const ev = (e: Record<string, unknown>): TimelineItem => ({ type: "event", event: { cpu: 0, payload: P, seq: seq++, ...e } as unknown as LoggedEvent });

/** An APPLY on 2 CPUs up to the master's patching with IRQs off (xen/common/livepatch.c: do_livepatch_work()). */
const gathered: TimelineItem[] = [
  { type: "input", record: 0 },
  ev({ t: 0, kind: "hypercall", op: "ACTION", args: { action: "APPLY", cmd: 3, timeout: 30_000_000, flags: 0, pad: 0, opFlags: 0, namePad: 0 } }),
  ev({ t: 0, kind: "rendezvous", phase: "scheduled", action: "APPLY", masterDelay: 20_000, timeout: 30_000_000 }),
  ev({ t: 0, kind: "hypercall-return", op: "ACTION", action: "APPLY", ret: 0 }),
  ev({ t: 20_000, kind: "cpu-phase", phase: "master" }),
  ev({ t: 20_000, kind: "rendezvous", phase: "master", deadline: 30_020_000, timeout: 30_000_000, cpus: 1 }),
  ev({ t: 500_000, cpu: 1, kind: "cpu-phase", phase: "cpu", arrived: 1, cpus: 1 }),
  ev({ t: 500_000, kind: "rendezvous", phase: "cpu-phase-done", cpus: 1 }),
  ev({ t: 500_400, cpu: 1, kind: "cpu-phase", phase: "irq", arrived: 1, cpus: 1 }),
  ev({ t: 500_400, kind: "rendezvous", phase: "irq-phase-done", action: "APPLY" }),
];

const MESSAGE = "livepatch: partially applied payload 'p'!";

describe("CPU lanes after a panic", () => {
  it("a panic on the master before the status rc is stored: no rc, the diagram's reason, no lane still waiting", () => {
    const items = [...gathered, ev({ t: 500_400, kind: "panic", message: MESSAGE, explanation: "x" })];
    const snap = deriveSnapshot(items, items.length, 2);
    const rv = deriveRendezvous(items, items.length, 2)!;
    const reason = "the host panicked while the action ran (livepatch: partially applied payload 'p'!)";
    expect(snap.actions.get(P)).toMatchObject({ phase: "failed", rc: null, reason });
    expect(rv.outcome).toBeNull();
    expect(rv.panic).toEqual({ at: 500_400, cpu: 0, reason });
    expect(rv.lanes.map((l) => l.status)).toEqual(["panicked (was: patching with IRQs off)", "halted with the host (was: IRQs off, spinning until the master is done)"]);
    // Every bar ends at the panic; the drawing's last moment is it.
    expect(rv.moments[rv.moments.length - 1]).toBe(500_400);
    for (const l of rv.lanes) expect(l.segments.every((s) => s.to === 500_400 || s.to < 500_400)).toBe(true);
    // Before the panic the same lanes are in progress (status −EAGAIN, no panic).
    const before = deriveRendezvous(items, items.length - 1, 2)!;
    expect(before.panic).toBeNull();
    expect(before.status.rc).toBe(-11);
  });

  it("a panic after the status rc was stored (a post-apply hook, run after the CPUs are released): the rc, then the panic", () => {
    // do_livepatch_work() calls the post-apply hook after do_work = 0 releases the others, before
    // "finished APPLY with rc=0": the state flip and rc 0 are stored, no `done` follows.
    const items = [
      ...gathered,
      ev({ t: 500_400, kind: "state", state: "APPLIED", statusRc: 0 }),
      ev({ t: 500_900, cpu: 1, kind: "cpu-phase", phase: "release" }),
      ev({ t: 501_000, kind: "panic", message: "FATAL TRAP: vector = 14 (page fault)\n[error_code=0002]", explanation: "x" }),
    ];
    const snap = deriveSnapshot(items, items.length, 2);
    const rv = deriveRendezvous(items, items.length, 2)!;
    expect(snap.actions.get(P)).toMatchObject({ phase: "ok", rc: 0 });
    expect(rv.status).toEqual({ rc: 0, at: 500_400 });
    expect(rv.panic).toEqual({ at: 501_000, cpu: 0, reason: "FATAL TRAP: vector = 14 (page fault)" });
    expect(rv.lanes[1].status).toBe("halted with the host (was: released)");
  });

  it("a panic after the rendezvous was done belongs to no rendezvous", () => {
    const items = [
      ...gathered,
      ev({ t: 500_400, kind: "state", state: "APPLIED", statusRc: 0 }),
      ev({ t: 500_900, kind: "rendezvous", phase: "done", action: "APPLY", statusRc: 0, actionRan: true }),
      ev({ t: 600_000, kind: "panic", message: "m", explanation: "x" }),
    ];
    expect(deriveRendezvous(items, items.length, 2)!.panic).toBeNull();
  });
});
