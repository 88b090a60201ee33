// What the hypervisor looked like after the first `cursor` timeline items: every payload's state,
// the applied stack, and each payload's latest action with its phase, rc and the reason it failed.
// Pure: a function of the event log, so stepping back is just deriving again with a smaller cursor;
// stepping forward may fold only the events passed (cursorViews.ts), with the same applyEvent().
import type { CheckFailedEvent, LoggedEvent, RcKind } from "../protocol/hypervisor.ts";
import type { ActionName, TimelineItem } from "./types.ts";
import { rcLabel } from "./describe.ts";

export type NodeState = "none" | "CHECKED" | "APPLIED" | "unloaded";

export type ActionPhase = "checking" | "pending" | "rendezvous" | "patching" | "ok" | "failed";

export interface ActionProgress {
  payload: string;
  action: ActionName;
  phase: ActionPhase;
  /**
   * The rc that decides the action now: the hypercall's return, or the status rc as GET shows it.
   * Null while its checks run, and for good when the host panicked during the action (no rc: see panicReason()).
   */
  rc: number | null;
  /** Which of the two `rc` is. */
  rcKind: RcKind | null;
  /** Why it failed, from the typed fields of the simulator's failure events. */
  reason: string | null;
  /** 0..1 along the edge, from the phase reached. */
  progress: number;
  /** State before the action started. */
  from: NodeState;
  /** Set when another payload's REPLACE reverted this one. */
  by: string | null;
}

export interface SimSnapshot {
  states: Map<string, NodeState>;
  /** Bottom first. */
  stack: string[];
  actions: Map<string, ActionProgress>;
  /** The payload the most recent event was about. */
  lastPayload: string | null;
  /** Virtual time of the last event, ns. */
  now: number;
  /** CPUs online (from boot or the latest `cpus` change). */
  cpus: number;
  halted: boolean;
}

const EAGAIN = 11;

const PROGRESS: Record<string, number> = {
  hypercall: 0.08,
  check: 0.18,
  scheduled: 0.28,
  master: 0.38,
  "cpu-phase-done": 0.52,
  "irq-phase-done": 0.66,
  quiesce: 0.72,
  write: 0.82,
  state: 0.92,
  done: 1,
};

/** "expected deadc0debabe, found 488d05fa0e00" → the first byte that differs. */
export function expectationReason(func: string | undefined, want: string, got: string | undefined): string {
  if (got === undefined) return `expectation of ${func ?? "a function"}: the old function's bytes are not mapped`;
  let i = 0;
  while (i * 2 < want.length && want.slice(i * 2, i * 2 + 2) === got.slice(i * 2, i * 2 + 2)) i++;
  return `expectation mismatch at byte ${i}${func ? ` of ${func}` : ""}: expected ${want.slice(i * 2, i * 2 + 2)}, found ${got.slice(i * 2, i * 2 + 2)}`;
}

function short(hex: string): string {
  return hex.length > 8 ? `${hex.slice(0, 4)}…` : hex;
}

/** A failed check, reworded for an edge label from its typed fields where that helps. */
export function reasonOf(ev: CheckFailedEvent): string {
  if (ev.rule === "expect-mismatch" && ev.expected !== undefined) return expectationReason(ev.func?.name, ev.expected, ev.actual);
  if (ev.rule === "depends-chain-mismatch" && ev.expected !== undefined && ev.actual !== undefined) {
    return ev.other && ev.other !== "hypervisor"
      ? `depends on build-id ${short(ev.expected)} but the top of the stack is ${ev.other} (${short(ev.actual)})`
      : `depends on build-id ${short(ev.expected)} but the hypervisor is ${short(ev.actual)}`;
  }
  if (ev.rule === "revert-not-top" && ev.other) return `not the top of the applied stack (top is ${ev.other})`;
  return ev.explanation;
}

/**
 * Why an action failed without an rc: the host panicked inside its hypercall (still checking:
 * the hypercall never returned), or after the hypercall returned, while the action ran.
 */
export function panicReason(inHypercall: boolean, message: string): string {
  const what = message.split("\n")[0];
  return `${inHypercall ? "the host panicked during the hypercall, which never returned" : "the host panicked while the action ran"}${what ? ` (${what})` : ""}`;
}

/** A failed action's rc and reason, as every view words it: "hypercall return −EBUSY (16): why", or just why when there is no rc (a panic). */
export function failureText(a: Pick<ActionProgress, "rc" | "rcKind" | "reason">): string {
  if (a.rc === null) return a.reason ?? "failed";
  return `${rcLabel(a.rcKind ?? "hypercall", a.rc)}: ${a.reason ?? "failed"}`;
}

function setAction(s: SimSnapshot, p: ActionProgress): void {
  s.actions.set(p.payload, p);
}

export function emptySnapshot(cpus: number): SimSnapshot {
  return { states: new Map(), stack: [], actions: new Map(), lastPayload: null, now: 0, cpus, halted: false };
}

function startedAction(ev: LoggedEvent): ActionName | null {
  if (ev.kind !== "hypercall") return null;
  if (ev.op === "UPLOAD") return "UPLOAD";
  return ev.op === "ACTION" ? ev.args.action : null;
}

/** Folds one event into the snapshot (mutates it). */
export function applyEvent(s: SimSnapshot, ev: LoggedEvent): void {
  s.now = ev.t;
  const name = ev.payload;
  if (name) s.lastPayload = name;
  if (ev.kind === "panic") {
    s.halted = true;
    // The action under way never ends: it fails without an rc, saying where the host went down.
    for (const a of s.actions.values()) {
      if (a.phase === "ok" || a.phase === "failed") continue;
      a.reason = panicReason(a.phase === "checking", ev.message);
      a.phase = "failed";
      a.rc = null;
      a.rcKind = null;
    }
  }
  if (ev.kind === "cpus") {
    if (ev.online > 0) s.cpus = ev.online;
    return;
  }
  if (!name) return;
  const cur = s.actions.get(name);
  const stateNow = s.states.get(name) ?? "none";

  if (ev.kind === "hypercall") {
    const action = startedAction(ev);
    if (action) setAction(s, { payload: name, action, phase: "checking", rc: null, rcKind: null, reason: null, progress: PROGRESS.hypercall, from: stateNow, by: null });
    return;
  }
  if (ev.kind === "state") {
    const was = stateNow;
    const next: NodeState = ev.state === "UNLOADED" ? "unloaded" : ev.state;
    s.states.set(name, next);
    if (next === "APPLIED" && !s.stack.includes(name)) s.stack.push(name);
    if (next !== "APPLIED") s.stack = s.stack.filter((n) => n !== name);
    // A REPLACE reverts the payloads under it: show that as their own REVERT edge.
    const replacing = [...s.actions.values()].find((a) => a.action === "REPLACE" && a.payload !== name && a.phase !== "ok" && a.phase !== "failed");
    if (was === "APPLIED" && next === "CHECKED" && (!cur || cur.action !== "REVERT" || cur.phase === "ok" || cur.phase === "failed") && replacing) {
      setAction(s, { payload: name, action: "REVERT", phase: "ok", rc: 0, rcKind: "status", reason: null, progress: 1, from: "APPLIED", by: replacing.payload });
      return;
    }
    if (cur && cur.phase !== "ok" && cur.phase !== "failed") {
      cur.progress = Math.max(cur.progress, PROGRESS.state);
      if (cur.action === "UPLOAD" || cur.action === "UNLOAD") {
        cur.phase = "ok";
        cur.rc = 0;
        cur.rcKind = "hypercall";
        cur.progress = 1;
      } else if (next === (cur.action === "REVERT" ? "CHECKED" : "APPLIED")) {
        // The action's own state flip: livepatch_do_action() stores the status rc before any CPU
        // can read the new state, and the event carries both, so the edge takes its rc here,
        // at the same event as the state and the stack (the `done` that follows agrees).
        cur.rc = ev.statusRc;
        cur.rcKind = "status";
        cur.phase = ev.statusRc === 0 ? "ok" : "failed";
        cur.progress = 1;
        if (ev.statusRc !== 0) cur.reason ??= `finished with status rc ${ev.statusRc}`;
      }
    }
    return;
  }
  if (!cur || cur.phase === "ok" || cur.phase === "failed") {
    // Rendezvous events of a REPLACE name the payloads it reverts; they belong to the replacer.
    return;
  }
  if (ev.kind === "check-failed") {
    cur.reason = reasonOf(ev);
    // A check that sets the status rc ends the action at once: one in the hypercall (which then
    // returns 0), or the master's in livepatch_do_action() or at the deadline (livepatch_spin()),
    // which GET reports from then on, before the CPUs are released.
    if (ev.rcKind === "status") {
      cur.phase = "failed";
      cur.rc = ev.rc;
      cur.rcKind = "status";
      cur.progress = 1;
    }
    return;
  }
  if (ev.kind === "check") {
    cur.progress = Math.max(cur.progress, PROGRESS.check);
    return;
  }
  if (ev.kind === "hypercall-return") {
    const rc = ev.ret;
    if (rc !== 0) {
      cur.phase = "failed";
      cur.rc = rc;
      cur.rcKind = "hypercall";
      cur.progress = 1;
      cur.reason ??= `the hypercall returned ${rc}`;
    } else if (cur.phase === "checking") {
      // No rendezvous was scheduled: done at once (upload, unload, or a no-op in the wrong state).
      cur.phase = "ok";
      cur.rc = 0;
      cur.rcKind = "hypercall";
      cur.progress = 1;
    }
    return;
  }
  if (ev.kind === "rendezvous") {
    if (ev.phase === "scheduled") {
      cur.phase = "pending";
      cur.rc = -EAGAIN;
      cur.rcKind = "status";
    } else if (ev.phase === "done") {
      cur.rc = ev.statusRc;
      cur.rcKind = "status";
      cur.phase = ev.statusRc === 0 ? "ok" : "failed";
      if (ev.statusRc !== 0) cur.reason ??= `finished with status rc ${ev.statusRc}`;
    } else if (ev.phase === "master" || ev.phase === "cpu-phase-done") cur.phase = "rendezvous";
    else if (ev.phase === "irq-phase-done" || ev.phase === "quiesce") cur.phase = "patching";
    const p = PROGRESS[ev.phase];
    if (p !== undefined) cur.progress = Math.max(cur.progress, p);
    return;
  }
  if (ev.kind === "write") {
    cur.phase = "patching";
    cur.progress = Math.max(cur.progress, PROGRESS.write);
  }
}

/** A copy that shares nothing mutable with `s`: folding more events into one leaves the other as it was. */
export function cloneSnapshot(s: SimSnapshot): SimSnapshot {
  return {
    ...s,
    states: new Map(s.states),
    stack: s.stack.slice(),
    actions: new Map([...s.actions].map(([k, a]) => [k, { ...a }])),
  };
}

export function deriveSnapshot(items: readonly TimelineItem[], cursor: number, bootCpus: number): SimSnapshot {
  const s = emptySnapshot(bootCpus);
  const end = Math.min(cursor, items.length);
  for (let i = 0; i < end; i++) {
    const it = items[i];
    if (it.type === "event") applyEvent(s, it.event);
  }
  return s;
}
