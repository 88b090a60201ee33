// ACTION (facts §9): the synchronous checks in the hypercall, and the work the master CPU does
// inside the rendezvous (§10.2) with the consistency check (§12) and the applied stack.
import { EAGAIN, EBUSY, EFAULT, EINVAL, ENODATA, ENOENT, EOPNOTSUPP, EOVERFLOW, ERANGE, ENOSYS } from "./errno";
import { Ev, emit, consoleLine } from "./events";
import { memRead } from "./memory";
import { xenBuildId, arch, ARCH_X86_64 } from "./image";
import { Payload, findPayload, removePayload, bumpPayloadVersion, STATE_CHECKED, STATE_APPLIED } from "./payload";
import { unmapRange, PAGE_SHIFT } from "./memory";
import { hexBytes, sameBytes } from "./fmt";
import { isHalted, panic } from "./halt";
import {
  runPreHook,
  runActionHook,
  runVoidHooks,
  hasVetoingHooks,
  HOOK_PREAPPLY,
  HOOK_APPLY,
  HOOK_PREREVERT,
  HOOK_REVERT,
  HOOK_LOAD,
  HOOK_UNLOAD,
} from "./hooks";
import { applyFunc, revertFunc } from "./patch";
import { scheduleWork, isWorkScheduledFor } from "./rendezvous";
import { opFlagsError, opFlagsNote, nameError as opNameError, nameErrorWhy, cutName, argCheck } from "./op";

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
}

function topApplied(): Payload | null {
  return appliedStack.length > 0 ? appliedStack[appliedStack.length - 1] : null;
}

/** Xen's get_name() size test (UTF-8 bytes with the NUL in 1..128); the pad test is in op.ts. */
export function nameError(name: string): i32 {
  return opNameError(name, 0);
}

export { cutName };

function check(p: Payload, what: string, rc: i32, note: string): void {
  const e = new Ev("check");
  e.cpu = 0;
  e.payload = p.name;
  e.phase = what;
  e.withRc(rc);
  e.note = note;
  emit(e);
}

function stateEvent(p: Payload, cpu: i32): void {
  const e = new Ev("state");
  e.cpu = cpu;
  e.payload = p.name;
  e.state = p.state == STATE_APPLIED ? "APPLIED" : "CHECKED";
  e.withRc(p.rc);
  emit(e);
}

/** build_id_dep: against Xen (`internal`) or the last applied payload. */
function buildIdDep(p: Payload, internal: bool): i32 {
  let id: Uint8Array;
  let against = "hypervisor";
  if (internal) {
    const x = xenBuildId;
    if (x === null) {
      check(p, "build-id", -ENODATA, "the running Xen has no build-id");
      return -ENODATA;
    }
    id = x;
  } else {
    const top = topApplied()!;
    id = top.buildId;
    against = top.name;
  }
  if (!sameBytes(p.depends, id)) {
    consoleLine(p.name, "livepatch: " + p.name + ": check against " + against + " build-id failed", -EINVAL, true);
    check(p, "build-id", -EINVAL, ".livepatch.depends " + hexBytes(p.depends) + " != " + against + " build-id " + hexBytes(id));
    return -EINVAL;
  }
  check(p, "build-id", 0, ".livepatch.depends matches the " + against + " build-id");
  return 0;
}

/** livepatch_check_expectations (facts §3.3), first failure wins. */
export function checkExpectations(p: Payload): i32 {
  let announced = false;
  for (let i = 0; i < p.funcs.length; i++) {
    const f = p.funcs[i];
    const b0 = <i32>f.expect[0];
    if ((b0 & 1) == 0) continue;
    if (!announced) {
      consoleLine(p.name, "livepatch: " + p.name + ": Verifying enabled expectations for all functions", 0, false);
      announced = true;
    }
    const len = (b0 >> 1) & 31;
    const rsv = b0 >> 6;
    let rc = 0;
    let why = "";
    if (f.oldAddr == 0) {
      rc = -EFAULT;
      why = "old_addr is 0";
    } else if (len > 31) {
      rc = -EOVERFLOW;
      why = "len over 31";
    } else if (rsv != 0) {
      rc = -EINVAL;
      why = "reserved bits set";
    } else if (f.oldSize < <u32>len) {
      rc = -ERANGE;
      why = "len " + len.toString() + " > old_size " + f.oldSize.toString();
    } else {
      const actual = memRead(f.oldAddr, len);
      const expected = f.expect.slice(1, 1 + len);
      if (actual === null || !sameBytes(actual, expected)) {
        rc = -EINVAL;
        why = "expected " + hexBytes(expected) + ", found " + (actual === null ? "unmapped memory" : hexBytes(actual));
      }
    }
    if (rc != 0) {
      consoleLine(p.name, "livepatch: " + p.name + ": expectation failed for " + f.name + ": " + why, rc, true);
      check(p, "expectations", rc, f.name + ": " + why);
      return rc;
    }
  }
  if (announced) check(p, "expectations", 0, "every enabled expectation matches");
  return 0;
}

function unload(p: Payload): i32 {
  if (p.state != STATE_CHECKED) {
    check(p, "state", -EINVAL, "UNLOAD needs CHECKED");
    return -EINVAL;
  }
  removePayload(p);
  bumpPayloadVersion();
  if (p.pages > 0) unmapRange(p.base, p.pages << PAGE_SHIFT);
  const e = new Ev("state");
  e.cpu = 0;
  e.payload = p.name;
  e.note = "unloaded";
  emit(e);
  return 0;
}

function noop(p: Payload, cmd: i32): i32 {
  check(p, "state", 0, cmdName(cmd) + " on a payload in the wrong state does nothing and returns 0");
  return 0;
}

/**
 * The ACTION hypercall. Returns its rc; outcomes of scheduled work arrive through GET. `pad` is
 * the action struct's pad word, `opFlags` the op's flags word, `namePad` the name's pad[] (all
 * zero from a well-behaved caller).
 */
export function doAction(rawName: string, cmd: i32, timeoutNs: u32, flags: u32, pad: u32 = 0, opFlags: u32 = 0, namePad: u32 = 0): i32 {
  if (isHalted()) return -ENOSYS;
  const call = new Ev("hypercall");
  call.cpu = 0;
  call.payload = rawName;
  let note = "ACTION " + cmdName(cmd) + " timeout=" + timeoutNs.toString() + "ns flags=" + flags.toString();
  if (pad != 0) note += " pad=0x" + pad.toString(16);
  if (namePad != 0) note += " name.pad=0x" + namePad.toString(16);
  call.note = note + opFlagsNote(opFlags);
  emit(call);
  const argRc = actionArgs(rawName, pad, opFlags, namePad);
  const rc = argRc != 0 ? argRc : actionBody(rawName, cmd, timeoutNs, flags);
  const ret = new Ev("hypercall-return");
  ret.cpu = 0;
  ret.payload = rawName;
  ret.withRc(rc);
  emit(ret);
  return rc;
}

/** livepatch_op's flags test, then the action's own argument checks in Xen's order (§9.1 rows 1-2). */
function actionArgs(rawName: string, pad: u32, opFlags: u32, namePad: u32): i32 {
  const f = opFlagsError(opFlags);
  if (f != 0) {
    argCheck(rawName, "op-flags", f, "op.flags 0x" + opFlags.toString(16) + " has bits other than FORCE and FORCE is clear");
    return f;
  }
  if (pad != 0) {
    argCheck(rawName, "pad", -EINVAL, "xen_sysctl_livepatch_action.pad is not zero (0x" + pad.toString(16) + ")");
    return -EINVAL;
  }
  const nerr = opNameError(rawName, namePad);
  if (nerr != 0) {
    argCheck(rawName, "name", nerr, nameErrorWhy(rawName, namePad));
    return nerr;
  }
  return 0;
}

function actionBody(rawName: string, cmd: i32, timeoutNs: u32, flags: u32): i32 {
  const p = findPayload(cutName(rawName));
  if (p === null) return -ENOENT;
  if (isWorkScheduledFor(p)) {
    check(p, "scheduled", -EBUSY, "an action for this payload is already scheduled");
    return -EBUSY;
  }
  if (cmd == CMD_UNLOAD) return unload(p);
  if (cmd == CMD_REVERT) {
    if (p.state != STATE_APPLIED) return noop(p, cmd);
    const top = topApplied();
    if (top !== p) {
      const topName = top === null ? "(none)" : top.name;
      consoleLine(p.name, "livepatch: " + p.name + ": can't unload. Top is " + topName, -EBUSY, true);
      check(p, "stack", -EBUSY, "only the last applied payload can be reverted; top is " + topName);
      return -EBUSY;
    }
    if (p.hasHook(HOOK_PREREVERT)) {
      const hr = runPreHook(p, HOOK_PREREVERT);
      if (hr != 0) {
        p.rc = hr;
        return hr;
      }
    }
    p.rc = -EAGAIN;
    return scheduleWork(p, cmd, timeoutNs);
  }
  if (cmd == CMD_APPLY) {
    if (p.state != STATE_CHECKED) return noop(p, cmd);
    if (p.reverted && !p.safeToReapply) {
      consoleLine(p.name, "livepatch: " + p.name + ": can't revert as payload has .data. Please unload", -EINVAL, true);
      check(p, "reapply", -EINVAL, "reverted before and has writable data: status rc -EINVAL, hypercall returns 0");
      p.rc = -EINVAL;
      return 0;
    }
    if ((flags & ACTION_APPLY_NODEPS) == 0) {
      const d = buildIdDep(p, appliedStack.length == 0);
      if (d != 0) return d;
    }
    const x = checkExpectations(p);
    if (x != 0) return x;
    if (p.hasHook(HOOK_PREAPPLY)) {
      const hr = runPreHook(p, HOOK_PREAPPLY);
      if (hr != 0) {
        p.rc = hr;
        return hr;
      }
    }
    p.rc = -EAGAIN;
    return scheduleWork(p, cmd, timeoutNs);
  }
  if (cmd == CMD_REPLACE) {
    if (p.state != STATE_CHECKED) return noop(p, cmd);
    const d = buildIdDep(p, true);
    if (d != 0) return d;
    let vetoing = hasVetoingHooks(p);
    for (let i = 0; i < appliedStack.length; i++) if (hasVetoingHooks(appliedStack[i])) vetoing = true;
    if (vetoing) {
      consoleLine(p.name, "livepatch: " + p.name + ": REPLACE action is not supported on livepatches with vetoing hooks!", -EOPNOTSUPP, true);
      check(p, "hooks", -EOPNOTSUPP, "REPLACE refused: a pre/post hook on this or an applied payload");
      return -EOPNOTSUPP;
    }
    p.rc = -EAGAIN;
    return scheduleWork(p, cmd, timeoutNs);
  }
  return -EOPNOTSUPP;
}

function printMetadata(p: Payload): void {
  const m = p.modinfo;
  if (m === null || m.length == 0) return;
  consoleLine(p.name, "livepatch: module metadata:", 0, false);
  let s = "";
  for (let i = 0; i < m.length; i++) {
    const c = <i32>m[i];
    if (c == 0) {
      consoleLine(p.name, "livepatch:   " + s, 0, false);
      s = "";
    } else s += String.fromCharCode(c);
  }
  if (s.length > 0) consoleLine(p.name, "livepatch:   " + s, 0, false);
}

function quiesceNote(p: Payload, cpu: i32, on: bool): void {
  const e = new Ev("rendezvous");
  e.cpu = cpu;
  e.payload = p.name;
  e.phase = on ? "quiesce" : "revive";
  if (arch == ARCH_X86_64) {
    e.note = on ? "text of Xen and every payload made writable (RWX), rodata RW" : "permissions restored (RX/RO)";
  } else {
    e.note = on ? "writable alias of Xen's image mapped" : "I-cache invalidated, alias unmapped";
  }
  emit(e);
}

/** apply_payload: native routine. rc, or 1 when the host went down mid-way. */
function applyPayload(p: Payload, cpu: i32): i32 {
  consoleLine(p.name, "livepatch: " + p.name + ": Applying " + p.funcs.length.toString() + " functions", 0, false);
  quiesceNote(p, cpu, true);
  if (!runVoidHooks(p, HOOK_LOAD, cpu)) return 1;
  for (let i = 0; i < p.funcs.length; i++) if (!applyFunc(p, i, cpu)) return 1;
  quiesceNote(p, cpu, false);
  printMetadata(p);
  return 0;
}

function revertPayload(p: Payload, cpu: i32): i32 {
  consoleLine(p.name, "livepatch: " + p.name + ": Reverting", 0, false);
  quiesceNote(p, cpu, true);
  for (let i = 0; i < p.funcs.length; i++) if (!revertFunc(p, i, cpu)) return 1;
  if (!runVoidHooks(p, HOOK_UNLOAD, cpu)) return 1;
  quiesceNote(p, cpu, false);
  return 0;
}

/** was_action_consistent; panics (and returns false) when a function disagrees. */
function consistent(p: Payload, wantApplied: bool, cpu: i32, applying: bool): bool {
  const want: i32 = wantApplied ? 1 : 0;
  for (let i = 0; i < p.fstate.length; i++) {
    if (p.fstate[i].applied != want) {
      const fname = p.funcs[i].name.length > 0 ? p.funcs[i].name : "noname";
      consoleLine(p.name, "livepatch: " + p.name + ": Payload has a function: '" + fname + "' with inconsistent applied state.", 0, false);
      panic(cpu, p.name, "livepatch: partially " + (applying ? "applied" : "reverted") + " payload '" + p.name + "'!");
      return false;
    }
  }
  return true;
}

function applyTail(p: Payload, cpu: i32): void {
  appliedStack.push(p);
  p.state = STATE_APPLIED;
  stateEvent(p, cpu);
}

function revertTail(p: Payload, cpu: i32): void {
  const i = appliedStack.indexOf(p);
  if (i >= 0) appliedStack.splice(i, 1);
  p.reverted = true;
  p.state = STATE_CHECKED;
  stateEvent(p, cpu);
}

/** One apply (hook or native) with its consistency check. Returns rc; `halted` tells a panic. */
function applyOne(p: Payload, cpu: i32): i32 {
  let rc = p.hasHook(HOOK_APPLY) ? runActionHook(p, HOOK_APPLY, cpu) : applyPayload(p, cpu);
  if (isHalted()) return rc;
  if (!consistent(p, rc == 0, cpu, true)) return rc;
  if (rc == 0) applyTail(p, cpu);
  return rc;
}

function revertOne(p: Payload, cpu: i32): i32 {
  const rc = p.hasHook(HOOK_REVERT) ? runActionHook(p, HOOK_REVERT, cpu) : revertPayload(p, cpu);
  if (isHalted()) return rc;
  if (!consistent(p, rc != 0, cpu, false)) return rc;
  if (rc == 0) revertTail(p, cpu);
  return rc;
}

/** livepatch_do_action: the master, IRQs off, everyone else parked. */
export function runAction(p: Payload, cmd: i32, cpu: i32): void {
  let rc: i32 = 0;
  if (cmd == CMD_APPLY) rc = applyOne(p, cpu);
  else if (cmd == CMD_REVERT) rc = revertOne(p, cpu);
  else if (cmd == CMD_REPLACE) {
    for (let k = appliedStack.length - 1; k >= 0 && !isHalted(); k--) {
      const other = appliedStack[k];
      other.rc = revertOne(other, cpu);
      if (other.rc != 0) {
        rc = -EINVAL;
        break;
      }
    }
    if (rc == 0 && !isHalted()) {
      rc = checkExpectations(p);
      if (rc != 0) {
        consoleLine(
          p.name,
          "livepatch: " + p.name + ": SYSTEM MIGHT BE INSECURE: Replace action has been aborted after reverting ALL payloads!",
          rc,
          true,
        );
      } else rc = applyOne(p, cpu);
    }
  }
  if (!isHalted()) p.rc = rc;
}
