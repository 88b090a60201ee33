// Hooks (the hooks.* calls in livepatch_action(), livepatch_do_action() and do_livepatch_work(),
// xen/common/livepatch.c). The simulator does not execute payload code, so a hook's return value
// comes from the scenario (setHookResult, default 0) and the event log says so. For the
// apply/revert action hooks the scenario also decides what the hook does to the per-function
// state, since that is what the consistency check (was_action_consistent()) looks at.
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
import { panic } from "./halt";
import { touch } from "./dangling";
import * as R from "./rules";

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

export function resetHooks(): void {
  results = new Map<string, Int32Array>();
  marks = new Map<string, Int32Array>();
  forced = new Map<string, Int32Array>();
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
 * A hook call. Hooks are not executed: `rc` is the simulated return (null for void hooks), and
 * `overridden` says a knob chose it. `marks` is what an action hook did to the applied flags.
 */
function hookEvent(p: Payload, cpu: i32, kind: i32, index: i32, rc: i32, hasRc: bool, marks: i32 = -1): void {
  begin("hook", cpu, p.name);
  fStr("hook", KIND_IDS[kind]);
  fInt("index", index);
  const ptrs = p.hookPtrs[kind];
  fAddr("fn", index < ptrs.length ? ptrs[index] : 0);
  if (hasRc) fInt("rc", rc);
  fBool("overridden", hasRc && isForced(p.name, kind));
  fBool("executed", false);
  if (marks >= 0) fStr("marks", MARK_IDS[marks]);
  end();
}

/** A pre-apply / pre-revert hook in hypercall context: its (simulated) return value, 0 = go on. */
export function runPreHook(p: Payload, kind: i32): i32 {
  const label = kind == HOOK_PREAPPLY ? "pre-apply" : "pre-revert";
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + label + " hook function", "info", 0);
  const rc = resultOf(p.name, kind);
  hookEvent(p, 0, kind, 0, rc, true);
  if (rc != 0) {
    consoleLine(p.name, "livepatch: " + p.name + ": " + label + " hook failed (rc=" + rc.toString() + "), aborting!", LEVEL_ERR, 0);
  }
  return rc;
}

/** A post-apply / post-revert hook on the master after the rendezvous; `void`, so nothing comes back. */
export function runPostHook(p: Payload, kind: i32, cpu: i32): void {
  const label = kind == HOOK_POSTAPPLY ? "post-apply" : "post-revert";
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + label + " hook function with rc=" + p.rc.toString(), "info", cpu);
  hookEvent(p, cpu, kind, 0, 0, false);
}

/**
 * The apply or revert action hook, which replaces Xen's native routine. Returns the simulated rc
 * after setting each function's applied flag the way the scenario says the hook does.
 */
export function runActionHook(p: Payload, kind: i32, cpu: i32): i32 {
  const apply = kind == HOOK_APPLY;
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + (apply ? "apply" : "revert") + " action hook function", "info", cpu);
  const rc = resultOf(p.name, kind);
  const how = marksOf(p.name, kind);
  const target: i32 = apply ? 1 : 0;
  const n = p.fstate.length;
  for (let i = 0; i < n; i++) {
    let set = false;
    if (how == MARKS_CONSISTENT) set = rc == 0;
    else if (how == MARKS_ALL) set = true;
    else if (how == MARKS_FIRST) set = i == 0;
    if (set) p.fstate[i].applied = target;
  }
  hookEvent(p, cpu, kind, 0, rc, true, how);
  return rc;
}

/**
 * Every load (or unload) hook in array order, on the master with IRQs off. They return void; a
 * NULL entry would be called, so it brings the host down. Returns false when it did.
 */
export function runVoidHooks(p: Payload, kind: i32, cpu: i32): bool {
  if (kind != HOOK_LOAD && kind != HOOK_UNLOAD) return true;
  if (!p.hookPresent[kind]) return true;
  const ptrs = p.hookPtrs[kind];
  if (ptrs.length > 0 && !touch(p, DANG_HOOK + kind, cpu, kind == HOOK_LOAD ? "apply_payload()" : "revert_payload()")) return false;
  for (let i = 0; i < ptrs.length; i++) {
    hookEvent(p, cpu, kind, i, 0, false);
    if (ptrs[i] == 0) {
      panic(cpu, p.name, "FATAL TRAP: page fault calling NULL " + hookKindName(kind) + " hook of " + p.name, R.R_HOOK_NULL,
        hookKindName(kind) + " hook #" + i.toString() + " is NULL and Xen calls it anyway");
      return false;
    }
  }
  return true;
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
