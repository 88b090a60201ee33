// The command the console's hint offers: one that works with the files the console can open
// (FILE names are the loaded files' names) and what the simulated Xen already holds.
import type { DependsTarget } from "../protocol/hypervisor.ts";
import { loadName } from "./loadName.ts";

/** `name` as one console word (tokenize()'s shell quoting) when it holds spaces or quotes. */
export function quoteWord(name: string): string {
  if (/^[\w.+@%,:=/-]+$/.test(name)) return name;
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

/**
 * A payload file the console can open, and the build-ids its .livepatch.depends and
 * .livepatch.xen_depends name (hex; null: none or unreadable).
 */
export interface PayloadFile {
  name: string;
  depends: string | null;
  xenDepends: string | null;
}

/**
 * `load FILE` for a payload file whose payload name (`load`'s, loadName()) Xen does not hold yet
 * whose .livepatch.xen_depends names the build-id UPLOAD checks it against (`target.xenBuildId`,
 * Xen's) and whose .livepatch.depends names the one APPLY would check it against now
 * (`target.buildId`: the last applied payload's, or Xen's while none is applied), both the
 * simulated Xen's own answer, in order; `list` when no file's load would upload and apply; null
 * with no payload file. A null `target` (the backend cannot say whom UPLOAD and APPLY check
 * against) offers `list` too: the hint never offers a load it cannot vouch for, and a payload
 * file's build-ids alone cannot say whether Xen would take it.
 */
export function suggestedCommand(payloadFiles: readonly PayloadFile[], held: (payload: string) => boolean, target: DependsTarget | null): string | null {
  if (payloadFiles.length === 0) return null;
  if (target === null) return "list";
  const free = payloadFiles.filter((f) => !held(loadName(f.name)));
  // UPLOAD's check_xen_buildid() first, then APPLY's build_id_dep(): a file failing either is refused.
  const accepted = (f: PayloadFile) => f.xenDepends !== null && f.xenDepends === target.xenBuildId && f.depends !== null && f.depends === target.buildId;
  const next = free.find(accepted);
  return next === undefined ? "list" : `load ${quoteWord(next.name)}`;
}
