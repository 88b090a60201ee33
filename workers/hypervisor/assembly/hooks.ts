// Hooks (the hooks.* calls in livepatch_action(), livepatch_do_action(), do_livepatch_work(),
// apply_payload() and revert_payload(), xen/common/livepatch.c), run as code at Xen's moments
// (run/hook_exec.ts): their return values and what they write (an action hook's
// fstate[].applied, which was_action_consistent() reads) come from the code. A scenario knob
// (setHookResult / setHookMarks) overrides the value or the marks for teaching, and the event
// says so. A run whose outcome is unknown stops the simulation unless a knob supplies the value.
// Every architecture runs them (x86-64, AArch64 and ARM32 interpreters); a hook that takes a
// struct payload (pre/post/action) gets one laid out as its Xen build lays it out (run/layout.ts).
import { begin, end, fStr, fInt, fBool, fAddr, consoleLine, LEVEL_ERR } from "./events";
import {
  Payload,
  HOOK_KINDS,
  HOOK_LOAD,
  HOOK_UNLOAD,
  HOOK_PREAPPLY,
  HOOK_APPLY,
  HOOK_POSTAPPLY,
  HOOK_PREREVERT,
  HOOK_REVERT,
  HOOK_POSTREVERT,
  DANG_HOOK,
} from "./payload";
import { panic, halt, isHalted } from "./halt";
import { touch } from "./dangling";
import * as R from "./rules";
import { RunResult, OUTCOME_NAMES, OUTCOME_RETURNED, OUTCOME_UNKNOWN } from "./run/runner";
import { execHook, hooksRunnable, codeName } from "./run/hook_exec";
import { runFields } from "./run/report";

/** What a simulated apply/revert action hook does to `fstate[].applied`. */
export const MARKS_CONSISTENT: i32 = 0; // all functions to the target state when rc == 0, none otherwise
export const MARKS_NONE: i32 = 1; // touches nothing
export const MARKS_ALL: i32 = 2; // all functions to the target state whatever rc says
export const MARKS_FIRST: i32 = 3; // only the first function (a partial apply/revert)

const KIND_NAMES: string[] = ["load", "unload", "pre-apply", "apply", "post-apply", "pre-revert", "revert", "post-revert"];
/** The names the host API and the `hook` event use (HookKind). */
const KIND_IDS: string[] = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"];
const MARK_IDS: string[] = ["consistent", "none", "all", "first"];

let results = new Map<string, Int32Array>();
let marks = new Map<string, Int32Array>();
// Which marks a knob set (the code decides the others).
let marksForced = new Map<string, Int32Array>();

export function resetHooks(): void {
  results = new Map<string, Int32Array>();
  marks = new Map<string, Int32Array>();
  forced = new Map<string, Int32Array>();
  marksForced = new Map<string, Int32Array>();
}

export function hookKindName(kind: i32): string {
  return kind >= 0 && kind < HOOK_KINDS ? KIND_NAMES[kind] : "unknown";
}

export function setResult(name: string, kind: i32, rc: i32): void {
  if (kind < 0 || kind >= HOOK_KINDS) return;
  if (!results.has(name)) results.set(name, new Int32Array(HOOK_KINDS));
  results.get(name)[kind] = rc;
  if (!forced.has(name)) forced.set(name, new Int32Array(HOOK_KINDS));
  forced.get(name)[kind] = 1;
}

export function setMarks(name: string, kind: i32, how: i32): void {
  if ((kind != HOOK_APPLY && kind != HOOK_REVERT) || how < MARKS_CONSISTENT || how > MARKS_FIRST) return;
  if (!marks.has(name)) marks.set(name, new Int32Array(HOOK_KINDS));
  marks.get(name)[kind] = how;
  if (!marksForced.has(name)) marksForced.set(name, new Int32Array(HOOK_KINDS));
  marksForced.get(name)[kind] = 1;
}

function isMarksForced(name: string, kind: i32): bool {
  return marksForced.has(name) && marksForced.get(name)[kind] != 0;
}

// Which results a knob set (so the hook event can say the value was forced).
let forced = new Map<string, Int32Array>();

function resultOf(name: string, kind: i32): i32 {
  return results.has(name) ? results.get(name)[kind] : 0;
}

function isForced(name: string, kind: i32): bool {
  return forced.has(name) && forced.get(name)[kind] != 0;
}

function marksOf(name: string, kind: i32): i32 {
  return marks.has(name) ? marks.get(name)[kind] : MARKS_CONSISTENT;
}

/**
 * A hook call: `rc` is the value Xen goes on with (absent for void hooks), `overridden` says a
 * knob chose it. When the code ran, `run` carries its outcome and counters, and `returned` what
 * the code itself returned. `marks` is what a knob made an action hook do to the applied flags.
 */
function hookEvent(p: Payload, cpu: i32, kind: i32, index: i32, rc: i32, hasRc: bool, marks: i32 = -1, run: RunResult | null = null): void {
  begin("hook", cpu, p.name);
  fStr("hook", KIND_IDS[kind]);
  fInt("index", index);
  const ptrs = p.hookPtrs[kind];
  const fn = index < ptrs.length ? ptrs[index] : 0;
  fAddr("fn", fn);
  if (hasRc) fInt("rc", rc);
  fBool("overridden", hasRc && isForced(p.name, kind));
  fBool("executed", run !== null);
  if (run !== null) {
    fStr("code", codeName(fn));
    fStr("outcome", OUTCOME_NAMES[run.outcome]);
    if (hasRc && run.outcome == OUTCOME_RETURNED) fInt("returned", <i32>run.value);
    runFields(run);
  }
  if (marks >= 0) fStr("marks", MARK_IDS[marks]);
  end();
}

/**
 * The simulation cannot go on: a hook's outcome is unknown and no knob gives it. Stops the host
 * without a Xen message (nothing crashed; the simulator cannot tell what Xen would do next).
 */
function stopUnknown(p: Payload, kind: i32, cpu: i32, fn: u64): void {
  halt(cpu, p.name, R.R_RUN_UNKNOWN,
    "the " + hookKindName(kind) + " hook " + codeName(fn) + " could not be run to its end (see the run-stop event), so what Xen does next is unknown; " +
      "set its result with `hook " + p.name + " " + KIND_IDS[kind] + " RC` to go on");
}

/**
 * Runs hook `kind` (a single-pointer hook) of `p` when it can be run. Null when it cannot
 * (hooksRunnable()) or when it crashed Xen or left its outcome unknown without a knob (the host is down then).
 */
function execSingle(p: Payload, kind: i32, cpu: i32, irqsOn: bool): RunResult | null {
  if (!hooksRunnable()) return null;
  const fn = p.hookPtrs[kind][0];
  const r = execHook(p, kind, hookKindName(kind), fn, cpu, irqsOn);
  if (!isHalted() && r.outcome == OUTCOME_UNKNOWN && !isForced(p.name, kind)) stopUnknown(p, kind, cpu, fn);
  return r;
}

/** The value Xen goes on with: the knob's when one is set, else what the code returned. */
function valueOf(p: Payload, kind: i32, r: RunResult | null): i32 {
  if (r === null || isForced(p.name, kind)) return resultOf(p.name, kind);
  return <i32>r.value;
}

/** A pre-apply / pre-revert hook in hypercall context: its return value, 0 = go on. */
export function runPreHook(p: Payload, kind: i32): i32 {
  const label = kind == HOOK_PREAPPLY ? "pre-apply" : "pre-revert";
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + label + " hook function", "info", 0);
  const r = execSingle(p, kind, 0, true);
  const rc = valueOf(p, kind, r);
  hookEvent(p, 0, kind, 0, rc, true, -1, r);
  if (isHalted()) return 0;
  if (rc != 0) consoleLine(p.name, preHookFailedLine(p, kind, rc), LEVEL_ERR, 0);
  return rc;
}

/** livepatch_action(): "%s: pre-apply hook failed (rc=%d), aborting!" (or pre-revert), printed on a veto. */
export function preHookFailedLine(p: Payload, kind: i32, rc: i32): string {
  return "livepatch: " + p.name + ": " + (kind == HOOK_PREAPPLY ? "pre-apply" : "pre-revert") + " hook failed (rc=" + rc.toString() + "), aborting!";
}

/** A post-apply / post-revert hook on the master after the rendezvous; `void`, so nothing comes back. */
export function runPostHook(p: Payload, kind: i32, cpu: i32): void {
  const label = kind == HOOK_POSTAPPLY ? "post-apply" : "post-revert";
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + label + " hook function with rc=" + p.rc.toString(), "info", cpu);
  const r = execSingle(p, kind, cpu, true);
  hookEvent(p, cpu, kind, 0, 0, false, -1, r);
}

/**
 * The apply or revert action hook, which replaces Xen's native routine: it runs with IRQs off on
 * the master and marks the functions applied (or not) itself. A knob (the marks, or the value,
 * which then implies consistent marks) replaces what the code did to fstate[].applied: the
 * state before the hook is put back and the knob's marks are made.
 */
export function runActionHook(p: Payload, kind: i32, cpu: i32): i32 {
  const apply = kind == HOOK_APPLY;
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + (apply ? "apply" : "revert") + " action hook function", "info", cpu);
  const n = p.fstate.length;
  const before = new Int32Array(n);
  for (let i = 0; i < n; i++) before[i] = p.fstate[i].applied;
  const r = execSingle(p, kind, cpu, false);
  const rc = valueOf(p, kind, r);
  if (isHalted()) {
    hookEvent(p, cpu, kind, 0, rc, true, -1, r);
    return rc;
  }
  const knob = r === null || isMarksForced(p.name, kind) || isForced(p.name, kind);
  const how = marksOf(p.name, kind);
  if (knob) {
    const target: i32 = apply ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let set = false;
      if (how == MARKS_CONSISTENT) set = rc == 0;
      else if (how == MARKS_ALL) set = true;
      else if (how == MARKS_FIRST) set = i == 0;
      p.fstate[i].applied = set ? target : before[i];
    }
  }
  hookEvent(p, cpu, kind, 0, rc, true, knob ? how : -1, r);
  return rc;
}

/**
 * Every load (or unload) hook in array order, on the master with IRQs off. They return void; a
 * NULL entry would be called, so it brings the host down. Returns false when the host went down
 * (or the simulation stopped on an unknown outcome).
 */
export function runVoidHooks(p: Payload, kind: i32, cpu: i32): bool {
  if (kind != HOOK_LOAD && kind != HOOK_UNLOAD) return true;
  if (!p.hookPresent[kind]) return true;
  const ptrs = p.hookPtrs[kind];
  if (ptrs.length > 0 && !touch(p, DANG_HOOK + kind, cpu, kind == HOOK_LOAD ? "apply_payload()" : "revert_payload()")) return false;
  for (let i = 0; i < ptrs.length; i++) {
    if (ptrs[i] == 0) {
      hookEvent(p, cpu, kind, i, 0, false);
      panic(cpu, p.name, "FATAL TRAP: page fault calling NULL " + hookKindName(kind) + " hook of " + p.name, R.R_HOOK_NULL,
        hookKindName(kind) + " hook #" + i.toString() + " is NULL and Xen calls it anyway");
      return false;
    }
    if (!hooksRunnable()) {
      hookEvent(p, cpu, kind, i, 0, false);
      continue;
    }
    const r = execHook(p, kind, hookKindName(kind), ptrs[i], cpu, false);
    hookEvent(p, cpu, kind, i, 0, false, -1, r);
    if (isHalted()) return false;
    if (r.outcome == OUTCOME_UNKNOWN) {
      stopUnknown(p, kind, cpu, ptrs[i]);
      return false;
    }
  }
  return true;
}

/** Where a hook's value came from, for an explanation: "; a knob's value ..." or "". */
export function hookOrigin(p: Payload, kind: i32): string {
  if (isForced(p.name, kind)) return "; the value a knob set, the code's own result overridden";
  return hooksRunnable() ? "" : "; a knob's value: the hook was not run";
}

/**
 * is_hook_enabled() as Xen runs it: it reads the hook pointer, which faults when the section was
 * not SHF_ALLOC (a pointer into the freed upload buffer). False after such a fault.
 */
export function hookEnabled(p: Payload, kind: i32, cpu: i32): bool {
  if (!p.hookPresent[kind]) return false;
  if (!touch(p, DANG_HOOK + kind, cpu, "is_hook_enabled()")) return false;
  return p.hasHook(kind);
}

/** has_payload_any_vetoing_hooks(): any pre/post apply/revert hook, read in Xen's order. */
export function hasVetoingHooks(p: Payload): bool {
  return hookEnabled(p, HOOK_PREAPPLY, 0) || hookEnabled(p, HOOK_POSTAPPLY, 0) || hookEnabled(p, HOOK_PREREVERT, 0) || hookEnabled(p, HOOK_POSTREVERT, 0);
}

export { HOOK_PREAPPLY, HOOK_APPLY, HOOK_POSTAPPLY, HOOK_PREREVERT, HOOK_REVERT, HOOK_POSTREVERT, HOOK_LOAD, HOOK_UNLOAD };
