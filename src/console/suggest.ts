// The command the console's hint offers: one that works with the files the console can open
// (FILE names are the loaded files' names) and what the simulated Xen already holds.
import type { DependsTarget } from "../protocol/hypervisor.ts";
import { loadName } from "./loadName.ts";

/** `name` as one console word (tokenize()'s shell quoting) when it holds spaces or quotes. */
export function quoteWord(name: string): string {
  if (/^[\w.+@%,:=/-]+$/.test(name)) return name;
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

/** A payload file the console can open, and the build-id its .livepatch.depends names (hex; null: none or unreadable). */
export interface PayloadFile {
  name: string;
  depends: string | null;
}

/**
 * `load FILE` for a payload file whose payload name (`load`'s, loadName()) Xen does not hold yet
 * and whose .livepatch.depends names the build-id APPLY would check it against now (`target`,
 * the simulated Xen's own answer: the last applied payload's, or Xen's while none is applied),
 * in order; `list` when no file's load would apply; null with no payload file. A null `target`
 * (the backend cannot say) offers the first file Xen does not hold.
 */
export function suggestedCommand(payloadFiles: readonly PayloadFile[], held: (payload: string) => boolean, target: DependsTarget | null): string | null {
  if (payloadFiles.length === 0) return null;
  const free = payloadFiles.filter((f) => !held(loadName(f.name)));
  const next = target === null ? free[0] : free.find((f) => f.depends !== null && f.depends === target.buildId);
  return next === undefined ? "list" : `load ${quoteWord(next.name)}`;
}
