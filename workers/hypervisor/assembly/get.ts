// GET and LIST (facts §8.1, §8.2): synchronous reads of the payload list.
import { EINVAL, ENOENT, ENOSYS } from "./errno";
import { findPayload, payloads } from "./payload";
import { jsonStr } from "./events";
import { isHalted } from "./halt";
import { nameError, cutName } from "./actions";

/** GET's state, or its negative errno (−EINVAL bad name, −ENOENT unknown, −ENOSYS host down). */
export function getStateOf(name: string): i32 {
  if (isHalted()) return -ENOSYS;
  if (nameError(name) != 0) return -EINVAL;
  const p = findPayload(cutName(name));
  return p === null ? -ENOENT : p.state;
}

export function getRcOf(name: string): i32 {
  if (isHalted()) return -ENOSYS;
  if (nameError(name) != 0) return -EINVAL;
  const p = findPayload(cutName(name));
  return p === null ? -ENOENT : p.rc;
}

function bytesAsText(b: Uint8Array | null): string {
  if (b === null) return "";
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(<i32>b[i]);
  return s;
}

/** Every payload in upload order: what a full LIST walk returns. `[]` once the host is down. */
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
