// The actions side's wasm exports (GET/LIST/ACTION, the virtual clock and the scenario knobs),
// re-exported from index.ts.
import { clockNow } from "./clock";
import { setCpuCount } from "./image";
import { begin, end, fInt, eventsPtr, eventsByteLength, clearEvents } from "./events";
import { doAction } from "./actions";
export { applyDependsTarget } from "./actions";
import { getStateOf, getRcOf, listAsJson, doGet } from "./get";
import { doList } from "./list";
import { keyhandler } from "./keyhandler";
import { setResult, setMarks } from "./hooks";
import { isHalted } from "./halt";
import { advanceClock, setDelay, setStall, clearStall, injectNmiNow, scheduleNmiAt, MAX_CPUS, isBusy } from "./rendezvous";

export function getState(name: string): i32 {
  return getStateOf(name);
}

export function getRc(name: string): i32 {
  return getRcOf(name);
}

export function action(name: string, cmd: i32, timeoutNs: u32, flags: u32): i32 {
  return doAction(name, cmd, timeoutNs, flags);
}

/**
 * The GET hypercall, with its events. Negative: the hypercall's −errno; otherwise
 * state << 32 | (u32)rc. `opFlags` is the op flags word, `namePad` the name's pad[].
 */
export function getOp(name: string, opFlags: u32, namePad: u32): i64 {
  return doGet(name, opFlags, namePad);
}

/** ACTION with every struct field a caller controls: action `pad`, op flags, name pad[]. */
export function actionOp(name: string, cmd: i32, timeoutNs: u32, flags: u32, pad: u32, opFlags: u32, namePad: u32): i32 {
  return doAction(name, cmd, timeoutNs, flags, pad, opFlags, namePad);
}

/**
 * The LIST hypercall (4.21+): nr == 0 probes, nr > 0 fetches from idx into buffers of
 * nameCap/metaCap bytes. JSON {rc, idx, nr, version, nameTotal, metaTotal, entries}.
 */
export function list(idx: u32, nr: u32, nameCap: u32, metaCap: u32): string {
  return doList(idx, nr, 0, nameCap, metaCap, 0);
}

/** LIST with the struct's pad word and the op flags word. */
export function listOp(idx: u32, nr: u32, pad: u32, nameCap: u32, metaCap: u32, opFlags: u32): string {
  return doList(idx, nr, pad, nameCap, metaCap, opFlags);
}

export function advance(ns: u64): void {
  advanceClock(ns);
}

export function now(): u64 {
  return clockNow();
}

export function setCpuDelay(cpu: i32, ns: u64): void {
  setDelay(cpu, ns);
}

/** A stall of `ns` on `cpu` in phase 0 (reaching idle) or 1 (disabling IRQs); one-shot or persistent. */
export function setCpuStall(cpu: i32, ns: u64, phase: i32, persistent: bool): void {
  setStall(cpu, ns, phase, persistent);
}

/** Clears `cpu`'s stalls in phase 0, 1, or both (-1). */
export function clearCpuStall(cpu: i32, phase: i32): void {
  clearStall(cpu, phase);
}

/** Online CPUs, 1..64. Refused while an action is pending (Xen holds the CPU-maps lock). */
export function setCpus(n: i32): void {
  if (isBusy() || isHalted()) return;
  const c = n < 1 ? 1 : n > MAX_CPUS ? MAX_CPUS : n;
  setCpuCount(c);
  begin("cpus", -1, null);
  fInt("online", c);
  end();
}

export function setHookResult(name: string, kind: i32, rc: i32): void {
  setResult(name, kind, rc);
}

/** What a simulated apply (3) / revert (6) action hook does to the functions' applied flags. */
export function setHookMarks(name: string, kind: i32, how: i32): void {
  setMarks(name, kind, how);
}

export function injectNmi(cpu: i32): void {
  injectNmiNow(cpu);
}

/** An NMI that arrives on `cpu` after `ns` more nanoseconds of virtual time. */
export function scheduleNmi(cpu: i32, ns: u64): void {
  scheduleNmiAt(cpu, ns);
}

/** injectNmi / scheduleNmi whose do_nmi path goes through `path` (comma-separated symbols). */
export function injectNmiPath(cpu: i32, path: string): void {
  injectNmiNow(cpu, path);
}

export function scheduleNmiPath(cpu: i32, ns: u64, path: string): void {
  scheduleNmiAt(cpu, ns, path);
}

export function listJson(): string {
  return listAsJson();
}

export function debugKeys(key: string): string {
  return keyhandler(key);
}

export function halted(): bool {
  return isHalted();
}

/** The event log's UTF-16LE bytes (pointer, length) for hosts that decode them natively; clearEvents() empties it. */
export function eventLogPtr(): usize {
  return eventsPtr();
}

export function eventLogBytes(): i32 {
  return eventsByteLength();
}

export function eventLogClear(): void {
  clearEvents();
}
