// The command the console's hint offers: one that works with the files the console can open
// (FILE names are the loaded files' names) and what the simulated Xen already holds.
import { loadName } from "./loadName.ts";

/** `name` as one console word (tokenize()'s shell quoting) when it holds spaces or quotes. */
export function quoteWord(name: string): string {
  if (/^[\w.+@%,:=/-]+$/.test(name)) return name;
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

/** A payload file the console can open, and whether its .livepatch.depends names Xen's own build-id. */
export interface PayloadFile {
  name: string;
  stacksOnXen: boolean;
}

/**
 * `load FILE` for a payload file whose payload name (`load`'s, loadName()) Xen does not hold yet,
 * one that stacks on Xen itself first (one that stacks on another payload applies only on top of
 * it), else the first in order; `list` once Xen holds them all; null with no payload file.
 */
export function suggestedCommand(payloadFiles: readonly PayloadFile[], held: (payload: string) => boolean): string | null {
  if (payloadFiles.length === 0) return null;
  const free = payloadFiles.filter((f) => !held(loadName(f.name)));
  const next = free.find((f) => f.stacksOnXen) ?? free[0];
  return next === undefined ? "list" : `load ${quoteWord(next.name)}`;
}
