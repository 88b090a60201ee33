// The CPUs at the latest rendezvous up to the cursor: one lane per CPU, each a list of segments on
// the virtual clock (reaching idle, CPU phase, IRQ phase, patching on the master, released),
// plus the shared deadline. Pure, from the event log.
import type { RendezvousEvent } from "../protocol/hypervisor.ts";
import type { TimelineItem } from "./types.ts";

export type LaneSegmentKind = "reaching" | "cpu" | "irq" | "patching" | "released" | "stalled";

export interface LaneSegment {
  kind: LaneSegmentKind;
  from: number;
  /** Open segments run to the rendezvous's "now". */
  to: number;
  /** Positions in `RendezvousView.moments`: events at the same instant still come one after another. */
  fromAt: number;
  toAt: number;
}

export interface Lane {
  cpu: number;
  master: boolean;
  segments: LaneSegment[];
  /** Where the lane stands at the cursor, in words. */
  status: string;
  missed: boolean;
  /** When a CPU that missed the deadline reached its idle loop after all (past the rendezvous's end). */
  lateAt: number | null;
}

export interface RendezvousView {
  payload: string;
  action: string;
  start: number;
  deadline: number | null;
  timeoutNs: number | null;
  /** Time of the last event up to the cursor that belongs to this rendezvous. */
  now: number;
  lanes: Lane[];
  /** The time of each event of the rendezvous in order (index 0 is the start). */
  moments: number[];
  /**
   * The status rc the action finished with, whether the master got to run it, and when (the
   * rendezvous's `done`): the drawing ends there, so lanes and log agree on when it was decided.
   */
  outcome: { rc: number; actionRan: boolean; at: number } | null;
}

function open(lane: Lane, kind: LaneSegmentKind, t: number, at: number): void {
  const last = lane.segments[lane.segments.length - 1];
  if (last && last.to < 0) {
    last.to = t;
    last.toAt = at;
  }
  lane.segments.push({ kind, from: t, to: -1, fromAt: at, toAt: -1 });
}

/** The rendezvous whose `scheduled` event is the last one before `cursor`, or null. */
export function deriveRendezvous(items: readonly TimelineItem[], cursor: number, cpus: number): RendezvousView | null {
  const end = Math.min(cursor, items.length);
  let startAt = -1;
  for (let i = end - 1; i >= 0; i--) {
    const it = items[i];
    if (it.type === "event" && it.event.kind === "rendezvous" && it.event.phase === "scheduled") {
      startAt = i;
      break;
    }
  }
  if (startAt < 0) return null;
  const first = (items[startAt] as { event: RendezvousEvent & { phase: "scheduled" } }).event;
  const view: RendezvousView = {
    payload: first.payload ?? "",
    action: first.action,
    start: first.t,
    deadline: null,
    timeoutNs: first.timeout,
    now: first.t,
    lanes: [],
    moments: [first.t],
    outcome: null,
  };
  let at = 0;
  const lane = (cpu: number): Lane => {
    while (view.lanes.length <= cpu) {
      const l: Lane = { cpu: view.lanes.length, master: false, segments: [], status: "running guests", missed: false, lateAt: null };
      open(l, "reaching", first.t, 0);
      l.status = "on its way to the idle loop";
      view.lanes.push(l);
    }
    return view.lanes[cpu];
  };
  lane(Math.max(0, cpus - 1));
  let finished = false;
  for (let i = startAt + 1; i < end; i++) {
    const it = items[i];
    if (it.type !== "event") {
      if (finished) break;
      continue;
    }
    const ev = it.event;
    if (ev.kind === "rendezvous" && ev.phase === "scheduled") break;
    if (ev.kind !== "rendezvous" && ev.kind !== "cpu-phase" && ev.kind !== "write") continue;
    if (finished) {
      // After `done` the rendezvous is over: a straggler's arrival is noted, not drawn.
      if (ev.kind === "cpu-phase" && ev.phase === "late") {
        const l = lane(ev.cpu);
        l.lateAt = ev.t;
        l.status = "arrived after the rendezvous was abandoned";
      }
      continue;
    }
    view.now = Math.max(view.now, ev.t);
    view.moments.push(ev.t);
    at = view.moments.length - 1;
    if (ev.kind === "rendezvous") {
      if (ev.phase === "master") {
        view.deadline = ev.deadline;
        lane(ev.cpus);
      } else if (ev.phase === "irq-phase-done") {
        const m = lane(Math.max(0, ev.cpu));
        open(m, "patching", ev.t, at);
        m.status = "patching with IRQs off";
      } else if (ev.phase === "done") {
        view.outcome = { rc: ev.statusRc, actionRan: ev.actionRan, at: ev.t };
        const m = lane(Math.max(0, ev.cpu));
        if (!m.missed) {
          open(m, "released", ev.t, at);
          m.status = ev.statusRc === 0 ? "done, back to work" : "gave up, back to work";
        }
        finished = true;
      }
      continue;
    }
    if (ev.kind === "write") continue;
    const l = lane(ev.cpu);
    switch (ev.phase) {
      case "master":
        l.master = true;
        open(l, "cpu", ev.t, at);
        l.status = "master: waiting for the others";
        break;
      case "cpu":
        open(l, "cpu", ev.t, at);
        l.status = "in do_livepatch_work, spinning until ready";
        break;
      case "irq":
        open(l, "irq", ev.t, at);
        l.status = "IRQs off, spinning until the master is done";
        break;
      case "release":
        open(l, "released", ev.t, at);
        l.status = "released";
        break;
      case "missed": {
        const last = l.segments[l.segments.length - 1];
        if (last) {
          last.kind = "stalled";
          last.to = ev.t;
          last.toAt = at;
        }
        l.missed = true;
        l.status = "stalled: missed the deadline";
        break;
      }
      case "late":
        open(l, "released", ev.t, at);
        l.status = "arrived after the rendezvous was abandoned";
        break;
    }
  }
  for (const l of view.lanes)
    for (const s of l.segments)
      if (s.to < 0) {
        s.to = view.now;
        s.toAt = view.moments.length - 1;
      }
  return view;
}
