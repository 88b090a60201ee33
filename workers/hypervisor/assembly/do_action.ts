// What the master CPU does inside the rendezvous (livepatch_do_action() in xen/common/livepatch.c):
// apply_payload() / revert_payload() or the payload's action hooks, the consistency check
// (was_action_consistent()) that panics on a partial action, and the applied stack.
import { EINVAL } from "./errno";
import { begin, end, fStr, consoleLine, LEVEL_INFO, LEVEL_ERR } from "./events";
import { fail, report } from "./diag";
import * as R from "./rules";
import { arch, ARCH_X86_64 } from "./image";
import { Payload, STATE_CHECKED, STATE_APPLIED, DANG_FUNCS, DANG_MODINFO, funcRecordLabel } from "./payload";
import { isHalted, panic } from "./halt";
import { runActionHook, runVoidHooks, hookEnabled, hookOrigin, HOOK_APPLY, HOOK_REVERT, HOOK_LOAD, HOOK_UNLOAD } from "./hooks";
import { touch } from "./dangling";
import { applyFunc, revertFunc } from "./patch";
import { relaxRegionPerms, tightenRegionPerms } from "./regions";
import { checkExpectations, stateEvent } from "./actions";

export const CMD_UNLOAD: i32 = 1;
export const CMD_REVERT: i32 = 2;
export const CMD_APPLY: i32 = 3;
export const CMD_REPLACE: i32 = 4;
export const ACTION_APPLY_NODEPS: u32 = 1;

const CMD_NAMES: string[] = ["?", "UNLOAD", "REVERT", "APPLY", "REPLACE"];

export function cmdName(cmd: i32): string {
  return cmd >= 1 && cmd <= 4 ? CMD_NAMES[cmd] : "cmd " + cmd.toString();
}

/** Applied payloads, oldest first: APPLY pushes, REVERT pops, only the top may be reverted. */
export let appliedStack: Payload[] = [];

export function resetActions(): void {
  appliedStack = [];
  inAction = false;
  flipped = [];
}

/** True while the master runs livepatch_do_action(): a state it flips is published with the rc, at the end. */
let inAction: bool = false;
/** Payloads whose state the action flipped, in order, not yet published. */
let flipped: Payload[] = [];

/**
 * A payload's state changed (apply_payload_tail() / revert_payload_tail()). Inside
 * livepatch_do_action() Xen stores the status rc only at its end (`data->rc = rc`), still on the
 * master with IRQs off and every other CPU parked, so nothing can read the new state with the old
 * rc: the state and the rc are published together, in one `state` event when data->rc is set
 * (publishFlipped()). Called from elsewhere (a post hook calling revert_payload_tail()), at once.
 */
function stateFlipped(p: Payload, cpu: i32): void {
  if (!inAction) stateEvent(p, cpu, p.state == STATE_APPLIED ? "APPLIED" : "CHECKED");
  else if (!flipped.includes(p)) flipped.push(p);
}

/** The end of livepatch_do_action(): each flipped payload's state with the status rc it has now. */
function publishFlipped(cpu: i32): void {
  const list = flipped;
  flipped = [];
  inAction = false;
  for (let i = 0; i < list.length; i++) stateEvent(list[i], cpu, list[i].state == STATE_APPLIED ? "APPLIED" : "CHECKED");
}

export function topApplied(): Payload | null {
  return appliedStack.length > 0 ? appliedStack[appliedStack.length - 1] : null;
}

/** livepatch_display_metadata(): "module metadata:", then each string. False after a fault. */
export function printMetadata(p: Payload, cpu: i32): bool {
  const m = p.modinfo;
  if (m === null || m.length == 0) return true;
  if (!touch(p, DANG_MODINFO, cpu, "livepatch_display_metadata()")) return false;
  consoleLine(p.name, "livepatch: module metadata:", LEVEL_INFO, cpu);
  let s = "";
  for (let i = 0; i < m.length; i++) {
    const c = <i32>m[i];
    if (c == 0) {
      consoleLine(p.name, "livepatch:   " + s, LEVEL_INFO, cpu);
      s = "";
    } else s += String.fromCharCode(c);
  }
  if (s.length > 0) consoleLine(p.name, "livepatch:   " + s, LEVEL_INFO, cpu);
  return true;
}

/**
 * arch_livepatch_quiesce / _revive (xen/arch/x86/livepatch.c, xen/arch/arm/livepatch.c). x86
 * relaxes the page permissions of every virtual region, Xen's and each loaded payload's
 * (relax_virtual_region_perms(): text RWX, rodata RW) and flushes its own TLB, then tightens them
 * back to RX / RO, each CPU flushing its TLB on the way out (arch_livepatch_post_action()). ARM
 * maps Xen's image a second time, writable, and on revive invalidates the I-cache and unmaps it.
 * The simulator models x86's permissions (./regions.ts), which decide whether a load or unload
 * hook's stores fault; it writes the patches themselves directly, on either architecture.
 */
function quiesceOrRevive(p: Payload, cpu: i32, on: bool): void {
  if (arch == ARCH_X86_64) {
    if (on) relaxRegionPerms();
    else tightenRegionPerms();
  }
  begin("rendezvous", cpu, p.name);
  fStr("phase", on ? "quiesce" : "revive");
  fStr("how", arch == ARCH_X86_64 ? "region-perms" : "alias");
  end();
}

/** apply_payload(): Xen's own routine. rc, or 1 when the host went down mid-way. */
function applyPayload(p: Payload, cpu: i32): i32 {
  // "%s: Applying %u functions"
  consoleLine(p.name, "livepatch: " + p.name + ": Applying " + p.funcs.length.toString() + " functions", LEVEL_INFO, cpu);
  quiesceOrRevive(p, cpu, true);
  if (!runVoidHooks(p, HOOK_LOAD, cpu)) return 1;
  if (p.funcs.length > 0 && !touch(p, DANG_FUNCS, cpu, "apply_payload()")) return 1;
  for (let i = 0; i < p.funcs.length; i++) if (!applyFunc(p, i, cpu)) return 1;
  quiesceOrRevive(p, cpu, false);
  if (!printMetadata(p, cpu)) return 1;
  return 0;
}

/** revert_payload(): Xen's own routine. rc, or 1 when the host went down mid-way. */
export function revertPayload(p: Payload, cpu: i32): i32 {
  // "%s: Reverting"
  consoleLine(p.name, "livepatch: " + p.name + ": Reverting", LEVEL_INFO, cpu);
  quiesceOrRevive(p, cpu, true);
  if (p.funcs.length > 0 && !touch(p, DANG_FUNCS, cpu, "revert_payload()")) return 1;
  for (let i = 0; i < p.funcs.length; i++) if (!revertFunc(p, i, cpu)) return 1;
  if (!runVoidHooks(p, HOOK_UNLOAD, cpu)) return 1;
  quiesceOrRevive(p, cpu, false);
  return 0;
}

/** was_action_consistent; panics (and returns false) when a function disagrees. */
function consistent(p: Payload, wantApplied: bool, cpu: i32, applying: bool): bool {
  const want: i32 = wantApplied ? 1 : 0;
  for (let i = 0; i < p.fstate.length; i++) {
    if (p.fstate[i].applied != want) {
      // Xen's line prints `f->name ?: "noname"`.
      const fname = p.funcs[i].name.length > 0 ? p.funcs[i].name : "noname";
      consoleLine(p.name, "livepatch: " + p.name + ": Payload has a function: '" + fname + "' with inconsistent applied state.", LEVEL_ERR, cpu);
      panic(cpu, p.name, "livepatch: partially " + (applying ? "applied" : "reverted") + " payload '" + p.name + "'!", R.R_INCONSISTENT,
        "the " + (applying ? "apply" : "revert") + " left " + funcRecordLabel(p.funcs[i]) + " " + (wantApplied ? "not applied" : "applied") + " while the rc says otherwise");
      return false;
    }
  }
  return true;
}

function applyTail(p: Payload, cpu: i32): void {
  appliedStack.push(p);
  p.state = STATE_APPLIED;
  stateFlipped(p, cpu);
}

/** revert_payload_tail(): off the applied list, reverted, CHECKED. */
export function revertTail(p: Payload, cpu: i32): void {
  const i = appliedStack.indexOf(p);
  if (i >= 0) appliedStack.splice(i, 1);
  p.reverted = true;
  p.state = STATE_CHECKED;
  stateFlipped(p, cpu);
}

/** A status rc the master sets for `p` (`op` is the action the rendezvous runs). */
/**
 * The one line Xen prints about an action whose status rc is not 0 without a printk of its own
 * (check_for_livepatch_work(): "%s finished %s with rc=%d", XENLOG_INFO, once the action ran),
 * leading the explanation that follows in brackets.
 */
function finishedLine(p: Payload, op: string, rc: i32, why: string): string {
  return "livepatch: " + p.name + " finished " + op + " with rc=" + rc.toString() + " (" + why + ")";
}

function statusFailure(p: Payload, op: string, rule: i32, rc: i32, why: string, cpu: i32): void {
  fail(rule, -rc, "", why);
  report(p.name, op, "status", cpu);
}

/** One apply (hook or native) with its consistency check. Returns rc; `halted` tells a panic. */
function applyOne(p: Payload, op: string, cpu: i32): i32 {
  const hook = hookEnabled(p, HOOK_APPLY, cpu);
  if (isHalted()) return 1;
  const rc = hook ? runActionHook(p, HOOK_APPLY, cpu) : applyPayload(p, cpu);
  if (isHalted()) return rc;
  if (!consistent(p, rc == 0, cpu, true)) return rc;
  if (rc == 0) applyTail(p, cpu);
  else if (hook) statusFailure(p, op, R.R_APPLY_HOOK, rc, finishedLine(p, op, rc, "the apply action hook returned " + rc.toString() + "; Xen prints no error line for it" + hookOrigin(p, HOOK_APPLY)), cpu);
  return rc;
}

function revertOne(p: Payload, op: string, cpu: i32): i32 {
  const hook = hookEnabled(p, HOOK_REVERT, cpu);
  if (isHalted()) return 1;
  const rc = hook ? runActionHook(p, HOOK_REVERT, cpu) : revertPayload(p, cpu);
  if (isHalted()) return rc;
  if (!consistent(p, rc != 0, cpu, false)) return rc;
  if (rc == 0) revertTail(p, cpu);
  else if (hook) {
    // In REVERT the status rc is the hook's; inside REPLACE Xen's line is the replacement's (below).
    const why = "the revert action hook returned " + rc.toString() + "; Xen prints no error line for it" + hookOrigin(p, HOOK_REVERT);
    statusFailure(p, op, R.R_REVERT_HOOK, rc, op == "REVERT" ? finishedLine(p, op, rc, why) : why, cpu);
  }
  return rc;
}

/** livepatch_do_action: the master, IRQs off, everyone else parked. */
export function runAction(p: Payload, cmd: i32, cpu: i32): void {
  inAction = true;
  flipped = [];
  doAction(p, cmd, cpu);
  publishFlipped(cpu);
}

function doAction(p: Payload, cmd: i32, cpu: i32): void {
  let rc: i32 = 0;
  const op = cmdName(cmd);
  if (cmd == CMD_APPLY) rc = applyOne(p, op, cpu);
  else if (cmd == CMD_REVERT) rc = revertOne(p, op, cpu);
  else if (cmd == CMD_REPLACE) {
    for (let k = appliedStack.length - 1; k >= 0 && !isHalted(); k--) {
      const other = appliedStack[k];
      other.rc = revertOne(other, op, cpu);
      if (other.rc != 0) {
        rc = -EINVAL;
        statusFailure(p, op, R.R_REPLACE_REVERT, rc, finishedLine(p, op, rc, "reverting " + other.name + " failed with " + other.rc.toString() + "; nothing is applied, and Xen prints no error line for it"), cpu);
        break;
      }
    }
    if (rc == 0 && !isHalted()) {
      rc = checkExpectations(p, cmd, cpu);
      if (isHalted()) return;
      if (rc != 0) {
        report(p.name, op, "status", cpu);
        // livepatch_do_action(): "%s: SYSTEM MIGHT BE INSECURE: Replace action has been aborted after reverting ALL payloads!"
        consoleLine(
          p.name,
          "livepatch: " + p.name + ": SYSTEM MIGHT BE INSECURE: Replace action has been aborted after reverting ALL payloads!",
          LEVEL_ERR,
          cpu,
        );
      } else rc = applyOne(p, op, cpu);
    }
  }
  // "We must set rc as livepatch_action sets it to -EAGAIN when kicking of."
  if (!isHalted()) p.rc = rc;
}
