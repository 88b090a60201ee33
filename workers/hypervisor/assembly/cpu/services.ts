// Addresses where the interpreter stops and hands the call to the caller ("native services":
// printk, panic, locks... chosen by the integration), plus the return sentinel. A byte filter
// indexed by address bits keeps the check on every branch target to one load when it misses.
import { RETURN_SENTINEL } from "./consts";

const FILTER_SIZE: usize = 4096;
/** The id reported for the return sentinel. */
export const SERVICE_RETURN: i32 = -1;

let ids = new Map<u64, i32>();
let filter: usize = 0;
/** Bumped on every change: the x86 decode cache holds service stops. */
export let serviceGeneration: u32 = 0;

// @ts-ignore: decorator
@inline function slot(a: u64): usize {
  return <usize>((a ^ (a >> 12)) & <u64>(FILTER_SIZE - 1));
}

function mark(a: u64): void {
  store<u8>(filter + slot(a), 1);
}

export function resetServices(): void {
  if (filter == 0) filter = heap.alloc(FILTER_SIZE);
  memory.fill(filter, 0, FILTER_SIZE);
  ids = new Map<u64, i32>();
  ids.set(RETURN_SENTINEL, SERVICE_RETURN);
  mark(RETURN_SENTINEL);
  serviceGeneration++;
}

/** Registers `addr` as native service `id` (id >= 0). */
export function addService(addr: u64, id: i32): void {
  if (filter == 0) resetServices();
  if (id < 0) return;
  ids.set(addr, id);
  mark(addr);
  serviceGeneration++;
}

/** True when `a` may be a service (exact answer from serviceAt). */
// @ts-ignore: decorator
@inline export function maybeService(a: u64): bool {
  return load<u8>(filter + slot(a)) != 0;
}

/** The service id at `a`, or i32.MIN_VALUE when none. */
export function serviceAt(a: u64): i32 {
  return ids.has(a) ? ids.get(a) : i32.MIN_VALUE;
}

export function servicesReady(): void {
  if (filter == 0) resetServices();
}
