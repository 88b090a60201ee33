// The CPUs at the latest rendezvous up to the cursor: one lane per CPU, each a list of segments on
// the virtual clock (reaching idle, CPU phase, IRQ phase, patching on the master, released),
// plus the shared deadline. Pure, from the event log.
import type { RendezvousEvent } from "../protocol/hypervisor.ts";
import type { TimelineItem } from "./types.ts";
import { panicReason } from "./derive.ts";

/** The status rc livepatch_action() stores when it schedules the work (−EAGAIN). */
export const STATUS_EAGAIN = -11;

export type LaneSegmentKind = "reaching" | "cpu" | "irq" | "patching" | "released" | "stalled";

export interface LaneSegment {
  kind: LaneSegmentKind;
  from: number;
  /** Open segments run to the rendezvous's "now". */
  to: number;
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
  /**
   * The payload's status rc as GET would report it at the cursor: −EAGAIN from `scheduled`, then
   * what the master stored with the state it published (the `state` event), the deadline's −EBUSY,
   * or the `done` rc; `at` is when it was set.
   */
  status: { rc: number; at: number };
  /**
   * The host panicked before the rendezvous was done (the `panic` event, the one that ends the
   * state diagram's action without an rc): no `done` follows. When, on which CPU (-1: not said),
   * and the action's failure as the diagram words it (`panicReason()`), or, when the status rc was
   * already decided (an action that finished before the host went down), Xen's message alone (the
   * event's explanation when Xen prints none).
   */
  panic: { at: number; cpu: number; reason: string } | null;
}

function open(lane: Lane, kind: LaneSegmentKind, t: number): void {
  const last = lane.segments[lane.segments.length - 1];
  if (last && last.to < 0) last.to = t;
  lane.segments.push({ kind, from: t, to: -1 });
}

/**
 * A rendezvous being read event by event: the view with its open segments (`to` < 0), the lanes
 * as far as the events go. deriveRendezvous() reads one from its `scheduled` event to the cursor;
 * a cursor moving forward feeds it the items it passes (cursorViews.ts), so both read the same.
 */
export interface RendezvousReading {
  view: RendezvousView;
  /** `done` was seen: later events only note stragglers. */
  finished: boolean;
  /** Past its end (an input after `done`, or the next `scheduled`): nothing more belongs to it. */
  stopped: boolean;
  /** The CPUs online it was started with (lanes 0..cpus-1 are drawn from the start). */
  cpus: number;
}

/** A `scheduled` rendezvous event, or null. */
export function scheduledAt(it: TimelineItem | undefined): (RendezvousEvent & { phase: "scheduled" }) | null {
  return it?.type === "event" && it.event.kind === "rendezvous" && it.event.phase === "scheduled" ? it.event : null;
}

function laneOf(r: RendezvousReading, cpu: number): Lane {
  const { view } = r;
  while (view.lanes.length <= cpu) {
    const l: Lane = { cpu: view.lanes.length, master: false, segments: [], status: "running guests", missed: false, lateAt: null };
    open(l, "reaching", view.start);
    l.status = "on its way to the idle loop";
    view.lanes.push(l);
  }
  return view.lanes[cpu];
}

/** Starts reading the rendezvous `first` schedules, with `cpus` CPUs online. */
export function startRendezvous(first: RendezvousEvent & { phase: "scheduled" }, cpus: number): RendezvousReading {
  const r: RendezvousReading = {
    view: {
      payload: first.payload ?? "",
      action: first.action,
      start: first.t,
      deadline: null,
      timeoutNs: first.timeout,
      now: first.t,
      lanes: [],
      moments: [first.t],
      outcome: null,
      status: { rc: STATUS_EAGAIN, at: first.t },
      panic: null,
    },
    finished: false,
    stopped: false,
    cpus,
  };
  laneOf(r, Math.max(0, cpus - 1));
  return r;
}

/** Folds the next timeline item into the reading (mutates it). */
export function readRendezvous(r: RendezvousReading, it: TimelineItem): void {
  if (r.stopped) return;
  if (it.type !== "event") {
    if (r.finished) r.stopped = true;
    return;
  }
  const ev = it.event;
  const view = r.view;
  if (ev.kind === "rendezvous" && ev.phase === "scheduled") {
    r.stopped = true;
    return;
  }
  if ((ev.kind === "state" || (ev.kind === "check-failed" && ev.rcKind === "status")) && ev.payload === view.payload && !r.finished) {
    // Not a moment of the drawing: the master storing the payload's status rc (with its state).
    view.status = { rc: ev.kind === "state" ? ev.statusRc : ev.rc, at: ev.t };
    return;
  }
  if (ev.kind === "panic" && !r.finished) {
    // The host went down with the rendezvous under way: it ends here, undecided unless the
    // master had already stored the status rc (applyEvent() ends the diagram's action the same way).
    view.now = Math.max(view.now, ev.t);
    view.moments.push(ev.t);
    const decided = view.status.rc !== STATUS_EAGAIN;
    const what = ev.message.split("\n")[0];
    view.panic = { at: ev.t, cpu: ev.cpu, reason: decided ? what || ev.explanation : panicReason(false, ev.message) };
    for (const l of view.lanes) {
      const last = l.segments[l.segments.length - 1];
      if (last && last.to < 0) last.to = ev.t;
      l.status = `${l.cpu === ev.cpu ? "panicked" : "halted with the host"} (was: ${l.status})`;
    }
    r.finished = true;
    return;
  }
  if (ev.kind !== "rendezvous" && ev.kind !== "cpu-phase" && ev.kind !== "write") return;
  if (r.finished) {
    // After `done` the rendezvous is over: a straggler's arrival is noted, not drawn.
    if (ev.kind === "cpu-phase" && ev.phase === "late") {
      const l = laneOf(r, ev.cpu);
      l.lateAt = ev.t;
      l.status = "arrived after the rendezvous was abandoned";
    }
    return;
  }
  view.now = Math.max(view.now, ev.t);
  view.moments.push(ev.t);
  if (ev.kind === "rendezvous") {
    if (ev.phase === "master") {
      view.deadline = ev.deadline;
      laneOf(r, ev.cpus);
    } else if (ev.phase === "irq-phase-done") {
      const m = laneOf(r, Math.max(0, ev.cpu));
      open(m, "patching", ev.t);
      m.status = "patching with IRQs off";
    } else if (ev.phase === "timeout") {
      view.status = { rc: ev.statusRc, at: ev.t };
    } else if (ev.phase === "done") {
      view.outcome = { rc: ev.statusRc, actionRan: ev.actionRan, at: ev.t };
      if (view.status.rc !== ev.statusRc) view.status = { rc: ev.statusRc, at: ev.t };
      const m = laneOf(r, Math.max(0, ev.cpu));
      if (!m.missed) {
        open(m, "released", ev.t);
        m.status = ev.statusRc === 0 ? "done, back to work" : "gave up, back to work";
      }
      r.finished = true;
    }
    return;
  }
  if (ev.kind === "write") return;
  const l = laneOf(r, ev.cpu);
  switch (ev.phase) {
    case "master":
      l.master = true;
      open(l, "cpu", ev.t);
      l.status = "master: waiting for the others";
      break;
    case "cpu":
      open(l, "cpu", ev.t);
      l.status = "in do_livepatch_work, spinning until ready";
      break;
    case "irq":
      open(l, "irq", ev.t);
      l.status = "IRQs off, spinning until the master is done";
      break;
    case "release":
      open(l, "released", ev.t);
      l.status = "released";
      break;
    case "missed": {
      const last = l.segments[l.segments.length - 1];
      if (last) {
        last.kind = "stalled";
        last.to = ev.t;
      }
      l.missed = true;
      l.status = "stalled: missed the deadline";
      break;
    }
    case "late":
      open(l, "released", ev.t);
      l.status = "arrived after the rendezvous was abandoned";
      break;
  }
}

/** The view as it stands: a copy, its open segments running to the last moment. The reading goes on unchanged. */
export function rendezvousView(r: RendezvousReading): RendezvousView {
  const v = r.view;
  return {
    ...v,
    moments: v.moments.slice(),
    outcome: v.outcome && { ...v.outcome },
    status: { ...v.status },
    panic: v.panic && { ...v.panic },
    lanes: v.lanes.map((l) => ({ ...l, segments: l.segments.map((s) => (s.to < 0 ? { ...s, to: v.now } : { ...s })) })),
  };
}

/** Where the rendezvous the cursor shows starts: the last `scheduled` event before `cursor`, or -1. */
export function rendezvousStart(items: readonly TimelineItem[], cursor: number): number {
  for (let i = Math.min(cursor, items.length) - 1; i >= 0; i--) if (scheduledAt(items[i])) return i;
  return -1;
}

/** The rendezvous whose `scheduled` event is the last one before `cursor`, or null. */
export function deriveRendezvous(items: readonly TimelineItem[], cursor: number, cpus: number): RendezvousView | null {
  const end = Math.min(cursor, items.length);
  const startAt = rendezvousStart(items, end);
  if (startAt < 0) return null;
  const r = startRendezvous(scheduledAt(items[startAt])!, cpus);
  for (let i = startAt + 1; i < end && !r.stopped; i++) readRendezvous(r, items[i]);
  return rendezvousView(r);
}
