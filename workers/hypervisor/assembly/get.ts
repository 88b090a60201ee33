// GET (livepatch_get() in xen/common/livepatch.c): a synchronous read of one payload's state and rc, as a hypercall with its
// events; plus the event-free reads the host uses for its own views (getState/getRc/listJson).
import { ENOENT, ENOSYS } from "./errno";
import { findPayload, payloads, STATE_APPLIED, STATE_CHECKED } from "./payload";
import { begin, end, fStr, fInt, fU64, objBegin, objEnd, jsonStr } from "./events";
import { isHalted } from "./halt";
import { opFlagsError, nameError, cutName, argFail, opFlagsFail, nameFail } from "./op";
import * as R from "./rules";

/** GET's state, or its negative errno (−EINVAL bad name, −ENOENT unknown, −ENOSYS host down). No event. */
export function getStateOf(name: string): i32 {
  if (isHalted()) return -ENOSYS;
  const n = nameError(name, 0);
  if (n != 0) return n;
  const p = findPayload(cutName(name));
  return p === null ? -ENOENT : p.state;
}

export function getRcOf(name: string): i32 {
  if (isHalted()) return -ENOSYS;
  const n = nameError(name, 0);
  if (n != 0) return n;
  const p = findPayload(cutName(name));
  return p === null ? -ENOENT : p.rc;
}

function stateWord(s: i32): string {
  return s == STATE_APPLIED ? "APPLIED" : s == STATE_CHECKED ? "CHECKED" : "unknown";
}

/**
 * The GET hypercall with its `hypercall`/`hypercall-return` events. Packs the answer in one i64
 * so a GET is one wasm call: negative = the hypercall's −errno; otherwise state << 32 | (u32)rc.
 */
export function doGet(rawName: string, opFlags: u32, namePad: u32): i64 {
  if (isHalted()) return -ENOSYS;
  begin("hypercall", 0, rawName);
  fStr("op", "GET");
  objBegin("args");
  fU64("opFlags", opFlags);
  fU64("namePad", namePad);
  objEnd();
  end();
  let ret: i32 = 0;
  if (opFlagsError(opFlags) != 0) ret = opFlagsFail(rawName, "GET", opFlags);
  else if (nameError(rawName, namePad) != 0) ret = nameFail(rawName, "GET", rawName, namePad);
  const p = ret == 0 ? findPayload(cutName(rawName)) : null;
  if (ret == 0 && p === null) {
    ret = -ENOENT;
    argFail(rawName, "GET", R.R_NOT_FOUND, ret, "no payload is loaded under this name");
  }
  begin("hypercall-return", 0, rawName);
  fStr("op", "GET");
  fInt("ret", ret);
  if (p !== null) {
    fStr("state", stateWord(p.state));
    fInt("statusRc", p.rc);
  }
  end();
  if (p === null) return <i64>ret;
  return (<i64>p.state << 32) | (<i64>p.rc & 0xffffffff);
}

function bytesAsText(b: Uint8Array | null): string {
  if (b === null) return "";
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(<i32>b[i]);
  return s;
}

/** `.modinfo` bytes as a string of byte-valued characters (NULs kept). */
export function metadataText(b: Uint8Array | null): string {
  return bytesAsText(b);
}

/**
 * Every payload in upload order, as a host-side view (no hypercall, no events): what a full
 * LIST walk returns. `[]` once the host is down. The LIST hypercall itself is list.ts.
 */
export function listAsJson(): string {
  if (isHalted()) return "[]";
  let s = "[";
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    if (i > 0) s += ",";
    s += '{"name":' + jsonStr(p.name) + ',"state":' + p.state.toString() + ',"rc":' + p.rc.toString();
    s += ',"metadata":' + jsonStr(bytesAsText(p.modinfo)) + "}";
  }
  return s + "]";
}
