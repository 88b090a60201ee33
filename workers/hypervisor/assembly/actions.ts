// ACTION (livepatch_action() in xen/common/livepatch.c): the synchronous checks in the hypercall,
// in Xen's order, then the work is scheduled for the rendezvous (do_action.ts runs it on the master).
import { EAGAIN, EBUSY, EFAULT, EINVAL, ENODATA, ENOENT, EOPNOTSUPP, ERANGE, ENOSYS } from "./errno";
import { begin, end, fStr, fStrOrNull, fInt, fU64, objBegin, objEnd, consoleLine, LEVEL_INFO, jsonStr } from "./events";
import { toHex } from "./bytes";
import { xenDependsAgainst } from "./upload";
import { fail, failQuoting, failPrinted, report, resetDiag, at, Loc } from "./diag";
import * as R from "./rules";
import { memRead } from "./memory";
import { xenBuildId, is64 } from "./image";
import { Payload, Func, findPayload, removePayload, bumpPayloadVersion, STATE_CHECKED, STATE_APPLIED, DANG_FUNCS, DANG_BUILD_ID, DANG_DEPENDS } from "./payload";
import { unmapRange, PAGE_SHIFT } from "./memory";
import { hexBytes, sameBytes } from "./fmt";
import { isHalted } from "./halt";
import { runPreHook, preHookFailedLine, hasVetoingHooks, hookEnabled, hookOrigin, HOOK_PREAPPLY, HOOK_PREREVERT } from "./hooks";
import { touch } from "./dangling";
import { xenRead } from "./xenlog";
import { scheduleWork, isWorkScheduledFor } from "./rendezvous";
import { opFlagsError, nameError as opNameError, cutName, argFail, opFlagsFail, nameFail } from "./op";
import { funcLoc } from "./funcs";
import { appliedStack, topApplied, cmdName, CMD_UNLOAD, CMD_REVERT, CMD_APPLY, CMD_REPLACE, ACTION_APPLY_NODEPS } from "./do_action";

export { appliedStack, cmdName, runAction, resetActions, CMD_UNLOAD, CMD_REVERT, CMD_APPLY, CMD_REPLACE, ACTION_APPLY_NODEPS } from "./do_action";

/** Xen's get_name() size test (UTF-8 bytes with the NUL in 1..128); the pad test is in op.ts. */
export function nameError(name: string): i32 {
  return opNameError(name, 0);
}

export { cutName };

/** A passing check (or a no-op), as a `check` event on the hypercall CPU. */
export function passed(p: Payload, cmd: i32, what: string, against: string | null = null): void {
  begin("check", 0, p.name);
  fStr("op", cmdName(cmd));
  fStr("check", what);
  if (against !== null) fStr("against", against);
  end();
}

export function stateEvent(p: Payload, cpu: i32, state: string): void {
  begin("state", cpu, p.name);
  fStr("state", state);
  fInt("statusRc", p.rc);
  end();
}

/** `.livepatch.depends` in the uploaded file. */
function dependsLoc(p: Payload): Loc {
  return at(p.dependsOffset, p.dependsSize).sec(".livepatch.depends", p.dependsSecIndex);
}

/**
 * Whom build_id_dep() checks `.livepatch.depends` against: APPLY (without NODEPS) the last applied
 * payload, or Xen itself while none is applied; REPLACE always Xen (`internal`). Null: Xen, and
 * the running Xen has no build-id.
 */
function dependsAgainst(internal: bool): Payload | null {
  return internal ? null : topApplied();
}

/** build_id_dep(): `.livepatch.depends` against Xen's build-id (`internal`) or the last applied payload's. */
function buildIdDep(p: Payload, cmd: i32, internal: bool): i32 {
  let id: Uint8Array;
  let against = "hypervisor";
  const top = dependsAgainst(internal);
  if (top === null) {
    const x = xenBuildId;
    if (x === null) return fail(R.R_XEN_NO_BUILD_ID, ENODATA, "", "the running Xen has no build-id; Xen returns -ENODATA without a message", dependsLoc(p));
    id = x;
  } else {
    id = top.buildId;
    against = top.name;
    if (p.depends.length == id.length && !touch(top, DANG_BUILD_ID, 0, "build_id_dep()")) return -ENOSYS;
  }
  if (p.depends.length == id.length && !touch(p, DANG_DEPENDS, 0, "build_id_dep()")) return -ENOSYS;
  if (!sameBytes(p.depends, id)) {
    const why = ".livepatch.depends " + hexBytes(p.depends) + " != " + against + " build-id " + hexBytes(id);
    // build_id_dep(): "%s: check against %s build-id failed"
    return failQuoting(R.R_DEPENDS_CHAIN, EINVAL, "livepatch: " + p.name + ": check against " + against + " build-id failed", why, dependsLoc(p).bytes(p.depends, id).against(against));
  }
  passed(p, cmd, "depends", against);
  return 0;
}

/** APPLY's build_id_dep(data, list_empty(&applied_list)): against Xen while no payload is applied. */
function applyIsInternal(): bool {
  return appliedStack.length == 0;
}

/**
 * The build-id APPLY (without NODEPS) would check a payload's `.livepatch.depends` against now,
 * from the same choice build_id_dep() makes: JSON {"against": "hypervisor" or the payload's name,
 * "buildId": hex, "xenBuildId": hex}; buildId is null when that is Xen and it has no build-id
 * (APPLY: -ENODATA). xenBuildId is what UPLOAD's check_xen_buildid() compares
 * `.livepatch.xen_depends` with (xenDependsAgainst(); null: Xen has none, UPLOAD: -ENODATA).
 * A look: no events, and no dangling-pointer touch.
 */
export function applyDependsTarget(): string {
  const top = dependsAgainst(applyIsInternal());
  const x = xenBuildId;
  const u = xenDependsAgainst();
  const upload = ',"xenBuildId":' + (u === null ? "null" : '"' + toHex(u) + '"') + "}";
  if (top !== null) return '{"against":' + jsonStr(top.name) + ',"buildId":"' + toHex(top.buildId) + '"' + upload;
  return '{"against":"hypervisor","buildId":' + (x === null ? "null" : '"' + toHex(x) + '"') + upload;
}

/** `%s` of a possibly NULL name (xen/common/vsprintf.c string() prints "<NULL>"). */
function nameOrNull(f: Func): string {
  return f.nameAddr == 0 && f.name.length == 0 ? "<NULL>" : f.name;
}

/**
 * livepatch_check_expectations() / livepatch_verify_expectation_fn(): first failure wins; 0 or
 * -errno with fail() set (-ENOSYS after a fault brought the host down).
 */
export function checkExpectations(p: Payload, cmd: i32, cpu: i32 = 0): i32 {
  // "%s: Verifying enabled expectations for all functions", whether or not any is enabled.
  consoleLine(p.name, "livepatch: " + p.name + ": Verifying enabled expectations for all functions", LEVEL_INFO, cpu);
  if (p.funcs.length > 0 && !touch(p, DANG_FUNCS, cpu, "livepatch_check_expectations()")) return -ENOSYS;
  for (let i = 0; i < p.funcs.length; i++) {
    const f = p.funcs[i];
    const b0 = <i32>f.expect[0];
    if ((b0 & 1) == 0) continue;
    // The len bit-field is 5 bits wide, so it never exceeds the 31-byte data (no -EOVERFLOW here).
    const len = (b0 >> 1) & 31;
    const rsv = b0 >> 6;
    // The record's 32-byte expectation block (struct livepatch_expectation, after version and _pad[39]).
    const where = funcLoc(p.funcsSecName, p.funcsSecIndex, f).range(f.fileOffset + <u64>(is64() ? 72 : 60), 32);
    // "%s: expectations of %s failed (rc=%d), aborting!"
    const tail = "livepatch: " + p.name + ": expectations of " + (f.nameAddr == 0 && f.name.length == 0 ? "unknown" : f.name) + " failed (rc=";
    if (f.oldAddr == 0) return failQuoting(R.R_EXPECT_NO_OLD, EFAULT, tail + "-14), aborting!", "an enabled expectation but no old function", where);
    if (rsv != 0) return failQuoting(R.R_EXPECT_RSV, EINVAL, tail + "-22), aborting!", "the expectation's reserved bits are set", where);
    if (f.oldSize < <u32>len) return failQuoting(R.R_EXPECT_LEN, ERANGE, tail + "-34), aborting!", "len " + len.toString() + " is more than old_size " + f.oldSize.toString(), where);
    const actual = xenRead(f.oldAddr, len, p.name, R.R_NOTE_FAULT, "the old function of " + f.name + " is not mapped", cpu);
    if (actual === null) return -ENOSYS;
    const expected = f.expect.slice(1, 1 + len);
    if (!sameBytes(actual, expected)) {
      // "%s: expectation failed: expected:%*phN, actual:%*phN" (the function's name, not the payload's)
      const first = "livepatch: " + nameOrNull(f) + ": expectation failed: expected:" + hexBytes(expected) + ", actual:" + hexBytes(actual);
      return failQuoting(R.R_EXPECT_MISMATCH, EINVAL, first + "\n" + tail + "-22), aborting!", "", where.bytes(expected, actual));
    }
  }
  passed(p, cmd, "expectations");
  return 0;
}

function unload(p: Payload): i32 {
  if (p.state != STATE_CHECKED) return fail(R.R_UNLOAD_STATE, EINVAL, "", "UNLOAD needs the payload CHECKED (revert it first); Xen returns this without a message");
  removePayload(p);
  bumpPayloadVersion();
  if (p.pages > 0) unmapRange(p.base, p.pages << PAGE_SHIFT);
  stateEvent(p, 0, "UNLOADED");
  return 0;
}

function noop(p: Payload, cmd: i32): i32 {
  passed(p, cmd, "noop");
  return 0;
}

function knownCmd(cmd: i32): bool {
  return cmd >= CMD_UNLOAD && cmd <= CMD_REPLACE;
}

function actionCall(rawName: string, cmd: i32, timeoutNs: u32, flags: u32, pad: u32, opFlags: u32, namePad: u32): void {
  begin("hypercall", 0, rawName);
  fStr("op", "ACTION");
  objBegin("args");
  fStrOrNull("action", knownCmd(cmd) ? cmdName(cmd) : null);
  fInt("cmd", cmd);
  fU64("timeout", timeoutNs);
  fU64("flags", flags);
  fU64("pad", pad);
  fU64("opFlags", opFlags);
  fU64("namePad", namePad);
  objEnd();
  end();
}

/**
 * The ACTION hypercall. Returns its rc; outcomes of scheduled work arrive through GET. `pad` is
 * the action struct's pad word, `opFlags` the op's flags word, `namePad` the name's pad[] (all
 * zero from a well-behaved caller).
 */
export function doAction(rawName: string, cmd: i32, timeoutNs: u32, flags: u32, pad: u32 = 0, opFlags: u32 = 0, namePad: u32 = 0): i32 {
  if (isHalted()) return -ENOSYS;
  resetDiag(cutName(rawName));
  actionCall(rawName, cmd, timeoutNs, flags, pad, opFlags, namePad);
  const op = knownCmd(cmd) ? cmdName(cmd) : "ACTION";
  let rc: i32 = 0;
  if (opFlagsError(opFlags) != 0) rc = opFlagsFail(rawName, "ACTION", opFlags);
  else if (pad != 0) {
    rc = -EINVAL;
    argFail(rawName, op, R.R_ACTION_PAD, rc, "xen_sysctl_livepatch_action.pad is not zero (0x" + pad.toString(16) + ")");
  } else if (opNameError(rawName, namePad) != 0) rc = nameFail(rawName, op, rawName, namePad);
  else {
    const p = findPayload(cutName(rawName));
    if (p === null) {
      rc = -ENOENT;
      argFail(rawName, op, R.R_NOT_FOUND, rc, "no payload is loaded under this name");
    } else {
      rc = actionBody(p, cmd, timeoutNs, flags);
      // A fault in the hypercall brought the host down: it never returns.
      if (isHalted()) return -ENOSYS;
      report(p.name, op, rc == 0 ? "status" : "hypercall");
    }
  }
  begin("hypercall-return", 0, rawName);
  fStr("op", "ACTION");
  fStrOrNull("action", knownCmd(cmd) ? op : null);
  fInt("ret", rc);
  end();
  return rc;
}

function actionBody(p: Payload, cmd: i32, timeoutNs: u32, flags: u32): i32 {
  if (isWorkScheduledFor(p)) return fail(R.R_SCHEDULED, EBUSY, "", "an action for this payload is already scheduled; Xen returns -EBUSY without a message");
  if (cmd == CMD_UNLOAD) return unload(p);
  if (cmd == CMD_REVERT) {
    if (p.state != STATE_APPLIED) return noop(p, cmd);
    const top = topApplied();
    if (top !== p) {
      const topName = top === null ? "(none)" : top.name;
      // livepatch_action(): "%s: can't unload. Top is %s"
      return failQuoting(R.R_REVERT_TOP, EBUSY, "livepatch: " + p.name + ": can't unload. Top is " + topName, "only the last applied payload can be reverted", new Loc().against(topName));
    }
    const pre = hookEnabled(p, HOOK_PREREVERT, 0);
    if (isHalted()) return -ENOSYS;
    if (pre) {
      const hr = runPreHook(p, HOOK_PREREVERT);
      if (isHalted()) return -ENOSYS;
      if (hr != 0) {
        p.rc = hr;
        return failPrinted(R.R_PREREVERT, -hr, preHookFailedLine(p, HOOK_PREREVERT, hr), "the hook's veto: nothing is scheduled" + hookOrigin(p, HOOK_PREREVERT));
      }
    }
    p.rc = -EAGAIN;
    return scheduleWork(p, cmd, timeoutNs);
  }
  if (cmd == CMD_APPLY) {
    if (p.state != STATE_CHECKED) return noop(p, cmd);
    if (p.reverted && !p.safeToReapply) {
      p.rc = -EINVAL;
      const d = p.dataSection;
      let where: Loc | null = null;
      if (d !== null) where = at(d.offset, d.nobits ? 0 : d.size).sec(d.name, d.index);
      // livepatch_action(): "%s: can't revert as payload has .data. Please unload"
      failQuoting(R.R_REAPPLY, EINVAL, "livepatch: " + p.name + ": can't revert as payload has .data. Please unload",
        "reverted before and has writable data: status rc -EINVAL, the hypercall returns 0", where);
      return 0;
    }
    if ((flags & ACTION_APPLY_NODEPS) == 0) {
      const d = buildIdDep(p, cmd, applyIsInternal());
      if (d != 0) return d;
    }
    const x = checkExpectations(p, cmd);
    if (x != 0) return x;
    const pre = hookEnabled(p, HOOK_PREAPPLY, 0);
    if (isHalted()) return -ENOSYS;
    if (pre) {
      const hr = runPreHook(p, HOOK_PREAPPLY);
      if (isHalted()) return -ENOSYS;
      if (hr != 0) {
        p.rc = hr;
        return failPrinted(R.R_PREAPPLY, -hr, preHookFailedLine(p, HOOK_PREAPPLY, hr), "the hook's veto: nothing is scheduled" + hookOrigin(p, HOOK_PREAPPLY));
      }
    }
    p.rc = -EAGAIN;
    return scheduleWork(p, cmd, timeoutNs);
  }
  if (cmd == CMD_REPLACE) {
    if (p.state != STATE_CHECKED) return noop(p, cmd);
    const d = buildIdDep(p, cmd, true);
    if (d != 0) return d;
    // has_payload_any_vetoing_hooks(data) || livepatch_applied_have_vetoing_hooks()
    let vetoing = hasVetoingHooks(p);
    let who = p.name;
    for (let i = 0; i < appliedStack.length && !vetoing && !isHalted(); i++)
      if (hasVetoingHooks(appliedStack[i])) {
        who = appliedStack[i].name;
        vetoing = true;
      }
    if (isHalted()) return -ENOSYS;
    if (vetoing)
      // livepatch_action(): "%s: REPLACE action is not supported on livepatches with vetoing hooks!"
      return failQuoting(R.R_REPLACE_HOOKS, EOPNOTSUPP, "livepatch: " + p.name + ": REPLACE action is not supported on livepatches with vetoing hooks!",
        who + " has a pre/post apply/revert hook", new Loc().against(who));
    p.rc = -EAGAIN;
    return scheduleWork(p, cmd, timeoutNs);
  }
  // livepatch_action(): the switch's default, after the payload lookup and the -EBUSY test; silent.
  return fail(R.R_ACTION_CMD, EOPNOTSUPP, "", "cmd " + (<u32>cmd).toString() +
    " is not an action Xen knows (UNLOAD 1, REVERT 2, APPLY 3, REPLACE 4); Xen returns -EOPNOTSUPP without a message");
}
