// The running Xen's wasm exports: the console's `call` and `xl info`.
import { callJson } from "./call";
import { xlInfoJson } from "./xlinfo";
import { tornJson } from "./torn";
import { initDone as endOfBoot } from "./boot";

let callArgs: u64[] = [];

/** Queues the next argument of xenCall (at most 8 are used). */
export function xenCallArg(v: u64): void {
  if (callArgs.length < 8) callArgs.push(v);
}

/** Runs SYMBOL (or a 0x address) with the queued arguments; JSON (see run/call.ts). */
export function xenCall(target: string): string {
  const args = callArgs;
  callArgs = [];
  return callJson(target, args);
}

/** `xl info`'s Xen fields as JSON; `quiet` leaves no trace (no events, memory put back). */
export function xlInfo(quiet: bool): string {
  return xlInfoJson(quiet);
}

/** The mid-write NMI what-if (run/torn.ts): JSON. */
export function xenTorn(payload: string, written: i32, cpu: i32, rendezvous: bool): string {
  return tornJson(payload, written, cpu, rendezvous);
}

/**
 * The end of boot, once the host has mapped the image: xen_build_init() and init_done() freeing
 * .init (run/boot.ts). Every later answer reads what it left.
 */
export function initDone(): void {
  endOfBoot();
}
