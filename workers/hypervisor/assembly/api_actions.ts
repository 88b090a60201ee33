// The actions side's wasm exports (GET/LIST/ACTION, the virtual clock and the scenario knobs),
// re-exported from index.ts.
import { clockNow } from "./clock";
import { setCpuCount } from "./image";
import { Ev, emit } from "./events";
import { doAction } from "./actions";
import { getStateOf, getRcOf, listAsJson } from "./get";
import { keyhandler } from "./keyhandler";
import { setResult, setMarks } from "./hooks";
import { isHalted } from "./halt";
import { advanceClock, setDelay, injectNmiNow, scheduleNmiAt, MAX_CPUS, isBusy } from "./rendezvous";

export function getState(name: string): i32 {
  return getStateOf(name);
}

export function getRc(name: string): i32 {
  return getRcOf(name);
}

export function action(name: string, cmd: i32, timeoutNs: u32, flags: u32): i32 {
  return doAction(name, cmd, timeoutNs, flags);
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

/** Online CPUs, 1..64. Refused while an action is pending (Xen holds the CPU-maps lock). */
export function setCpus(n: i32): void {
  if (isBusy() || isHalted()) return;
  const c = n < 1 ? 1 : n > MAX_CPUS ? MAX_CPUS : n;
  setCpuCount(c);
  const e = new Ev("rendezvous");
  e.phase = "cpus";
  e.note = c.toString() + " CPUs online";
  emit(e);
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

export function listJson(): string {
  return listAsJson();
}

export function debugKeys(key: string): string {
  return keyhandler(key);
}

export function halted(): bool {
  return isHalted();
}

/** Traps on purpose: the host's recovery path (reset + clear error) is tested through this. */
export function selfTestTrap(): void {
  unreachable();
}
