// Checks shared by every livepatch sysctl before it does its own work: the op `flags` word
// (livepatch_op() in xen/common/livepatch.c) and `struct xen_livepatch_name` (get_name()). Names
// here are JS strings; Xen counts bytes, so sizes are UTF-8 lengths plus the NUL.
import { EINVAL } from "./errno";
import { fail, report } from "./diag";
import * as R from "./rules";

export const FLAG_FORCE: u32 = 1;
export const NAME_SIZE: i32 = 128;

/**
 * The op-level flags test. It only rejects unknown bits while FORCE is clear: with FORCE set,
 * any bits pass. 0 or −EINVAL.
 */
export function opFlagsError(flags: u32): i32 {
  return (flags & ~FLAG_FORCE) != 0 && (flags & FLAG_FORCE) == 0 ? -EINVAL : 0;
}

/** Bytes of the name buffer as the caller passes it: its bytes (the host passes a name's UTF-8 bytes, one character each) plus the NUL. */
export function nameSize(name: string): i32 {
  return name.length + 1;
}

/** get_name(): size 1..128 (with the NUL), then every pad[] word zero. 0 or −EINVAL. */
export function nameError(name: string, namePad: u32): i32 {
  if (nameSize(name) > NAME_SIZE) return -EINVAL;
  if (namePad != 0) return -EINVAL;
  return 0;
}

/** What a name error was about, for the event log. */
export function nameErrorWhy(name: string, namePad: u32): string {
  const size = nameSize(name);
  if (size > NAME_SIZE) return "name is " + size.toString() + " bytes with its NUL (at most 128)";
  if (namePad != 0) return "xen_livepatch_name.pad[] is not zero (0x" + namePad.toString(16) + ")";
  return "";
}

/** The name cut at its first NUL, as strcmp() sees it. */
export function cutName(name: string): string {
  const z = name.indexOf("\0");
  return z >= 0 ? name.substring(0, z) : name;
}

/** A refused argument: its check-failed event on the hypercall CPU (Xen prints nothing, and the explanation says so). */
export function argFail(payload: string | null, op: string, rule: i32, rc: i32, explanation: string): void {
  fail(rule, -rc, "", explanation + "; Xen returns this without a message");
  report(payload, op, "hypercall");
}

/** op.flags refused: the event, then the errno. */
export function opFlagsFail(payload: string | null, op: string, flags: u32): i32 {
  argFail(payload, op, R.R_OP_FLAGS, -EINVAL, "op.flags 0x" + flags.toString(16) + " has bits other than FORCE and FORCE is clear");
  return -EINVAL;
}

/** A name refused by get_name(): the event, then the errno. */
export function nameFail(payload: string | null, op: string, name: string, namePad: u32): i32 {
  argFail(payload, op, R.R_NAME, -EINVAL, nameErrorWhy(name, namePad));
  return -EINVAL;
}
