// Hooks (facts §11). The simulator does not execute payload code, so a hook's return value comes
// from the scenario (setHookResult, default 0) and the event log says so. For the apply/revert
// action hooks the scenario also decides what the hook does to the per-function state, since
// that is what the consistency check (§12) looks at.
import { Ev, emit, consoleLine } from "./events";
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
} from "./payload";
import { addrStr } from "./fmt";
import { panic } from "./halt";

/** What a simulated apply/revert action hook does to `fstate[].applied`. */
export const MARKS_CONSISTENT: i32 = 0; // all functions to the target state when rc == 0, none otherwise
export const MARKS_NONE: i32 = 1; // touches nothing
export const MARKS_ALL: i32 = 2; // all functions to the target state whatever rc says
export const MARKS_FIRST: i32 = 3; // only the first function (a partial apply/revert)

const KIND_NAMES: string[] = ["load", "unload", "pre-apply", "apply", "post-apply", "pre-revert", "revert", "post-revert"];
const MARK_NAMES: string[] = ["consistent with rc", "no function", "every function", "only the first function"];

let results = new Map<string, Int32Array>();
let marks = new Map<string, Int32Array>();

export function resetHooks(): void {
  results = new Map<string, Int32Array>();
  marks = new Map<string, Int32Array>();
}

export function hookKindName(kind: i32): string {
  return kind >= 0 && kind < HOOK_KINDS ? KIND_NAMES[kind] : "unknown";
}

export function setResult(name: string, kind: i32, rc: i32): void {
  if (kind < 0 || kind >= HOOK_KINDS) return;
  if (!results.has(name)) results.set(name, new Int32Array(HOOK_KINDS));
  results.get(name)[kind] = rc;
}

export function setMarks(name: string, kind: i32, how: i32): void {
  if ((kind != HOOK_APPLY && kind != HOOK_REVERT) || how < MARKS_CONSISTENT || how > MARKS_FIRST) return;
  if (!marks.has(name)) marks.set(name, new Int32Array(HOOK_KINDS));
  marks.get(name)[kind] = how;
}

function resultOf(name: string, kind: i32): i32 {
  return results.has(name) ? results.get(name)[kind] : 0;
}

function marksOf(name: string, kind: i32): i32 {
  return marks.has(name) ? marks.get(name)[kind] : MARKS_CONSISTENT;
}

function hookEvent(p: Payload, cpu: i32, kind: i32, rc: i32, hasRc: bool, note: string): void {
  const e = new Ev("hook");
  e.cpu = cpu;
  e.payload = p.name;
  e.phase = hookKindName(kind);
  if (hasRc) e.withRc(rc);
  const ptrs = p.hookPtrs[kind];
  if (ptrs.length > 0) e.addr = addrStr(ptrs[0]);
  e.note = note;
  emit(e);
}

/** A pre-apply / pre-revert hook in hypercall context: its (simulated) return value, 0 = go on. */
export function runPreHook(p: Payload, kind: i32): i32 {
  const label = kind == HOOK_PREAPPLY ? "pre-apply" : "pre-revert";
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + label + " hook function", 0, false);
  const rc = resultOf(p.name, kind);
  hookEvent(p, 0, kind, rc, true, "hook not executed: simulated return value " + rc.toString());
  if (rc != 0) {
    consoleLine(p.name, "livepatch: " + p.name + ": " + label + " hook failed (rc=" + rc.toString() + "), aborting!", rc, true);
  }
  return rc;
}

/** A post-apply / post-revert hook on the master after the rendezvous; `void`, so nothing comes back. */
export function runPostHook(p: Payload, kind: i32, cpu: i32): void {
  const label = kind == HOOK_POSTAPPLY ? "post-apply" : "post-revert";
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + label + " hook function with rc=" + p.rc.toString(), p.rc, true);
  hookEvent(p, cpu, kind, 0, false, "hook not executed (returns void)");
}

/**
 * The apply or revert action hook, which replaces Xen's native routine. Returns the simulated rc
 * after setting each function's applied flag the way the scenario says the hook does.
 */
export function runActionHook(p: Payload, kind: i32, cpu: i32): i32 {
  const apply = kind == HOOK_APPLY;
  consoleLine(p.name, "livepatch: " + p.name + ": Calling " + (apply ? "apply" : "revert") + " action hook function", 0, false);
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
  hookEvent(
    p,
    cpu,
    kind,
    rc,
    true,
    "hook not executed: simulated return value " + rc.toString() + "; it marks " + MARK_NAMES[how] + " " + (apply ? "applied" : "not applied") + ", no bytes written",
  );
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
  for (let i = 0; i < ptrs.length; i++) {
    const e = new Ev("hook");
    e.cpu = cpu;
    e.payload = p.name;
    e.phase = hookKindName(kind);
    e.addr = addrStr(ptrs[i]);
    if (ptrs[i] == 0) {
      e.note = hookKindName(kind) + " hook #" + i.toString() + " is NULL and gets called anyway";
      emit(e);
      panic(cpu, p.name, "FATAL TRAP: page fault calling NULL " + hookKindName(kind) + " hook of " + p.name);
      return false;
    }
    e.note = hookKindName(kind) + " hook #" + i.toString() + " not executed (returns void)";
    emit(e);
  }
  return true;
}

/** Xen's "vetoing" payload: any pre/post apply/revert hook. REPLACE refuses those. */
export function hasVetoingHooks(p: Payload): bool {
  return p.hasHook(HOOK_PREAPPLY) || p.hasHook(HOOK_POSTAPPLY) || p.hasHook(HOOK_PREREVERT) || p.hasHook(HOOK_POSTREVERT);
}

export { HOOK_PREAPPLY, HOOK_APPLY, HOOK_POSTAPPLY, HOOK_PREREVERT, HOOK_REVERT, HOOK_POSTREVERT, HOOK_LOAD, HOOK_UNLOAD };
