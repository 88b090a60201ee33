// The outcome of the current run and the counters shown for it. One run at a time: a run pauses
// at a service call or a fault and resumes with cpuResume*/cpuFixup.
import { STOP_NOT_STARTED, STOP_RETURNED, STOP_SERVICE, STOP_FAULT, STOP_UNSUPPORTED, FAULT_NONE } from "./consts";

export const MAX_ARGS: i32 = 8;

export let arch: i32 = 0;
export let paused: bool = false;

export let stopKind: i32 = STOP_NOT_STARTED;
/** Address of the instruction the run stopped at (for STOP_RETURNED: the sentinel). */
export let stopPc: u64 = 0;
export let retValue: u64 = 0;

export let faultKind: i32 = FAULT_NONE;
export let faultVector: i32 = 0;
export let faultAddr: u64 = 0;
export let faultError: u32 = 0;
export let faultFixup: u64 = 0;
/** int3: the vector's pc is the next instruction; brk: the immediate. */
export let faultInfo: u64 = 0;
/** Where execution continues when the caller resumes past the fault (x86 int3: next byte). */
export let faultResume: u64 = 0;

export let serviceId: i32 = 0;
export const serviceArgs = new StaticArray<u64>(MAX_ARGS);
export let serviceReturnTo: u64 = 0;

export let unsupportedBytes: Uint8Array = new Uint8Array(0);
export let unsupportedMnemonic: string = "";

export let insns: u64 = 0;
export let calls: u64 = 0;
export let faults: u64 = 0;
export let fixups: u64 = 0;
export let services: u64 = 0;

export function setArch(a: i32): void {
  arch = a;
}

export function setPaused(p: bool): void {
  paused = p;
}

export function resetCounters(): void {
  insns = 0;
  calls = 0;
  faults = 0;
  fixups = 0;
  services = 0;
}

export function countInsns(n: u64): void {
  insns += n;
}

export function countCall(): void {
  calls++;
}

export function countFixup(): void {
  fixups++;
}

function stop(kind: i32, pc: u64): void {
  stopKind = kind;
  stopPc = pc;
}

export function stopReturned(pc: u64, value: u64): void {
  stop(STOP_RETURNED, pc);
  retValue = value;
}

export function stopService(pc: u64, id: i32, returnTo: u64): void {
  stop(STOP_SERVICE, pc);
  serviceId = id;
  serviceReturnTo = returnTo;
  services++;
}

export function setServiceArg(i: i32, v: u64): void {
  unchecked((serviceArgs[i] = v));
}

export function stopFault(pc: u64, kind: i32, vector: i32, addr: u64, error: u32, info: u64, resume: u64, fixup: u64): void {
  stop(STOP_FAULT, pc);
  faultKind = kind;
  faultVector = vector;
  faultAddr = addr;
  faultError = error;
  faultInfo = info;
  faultResume = resume;
  faultFixup = fixup;
  faults++;
}

export function stopUnsupported(pc: u64, bytes: Uint8Array, mnemonic: string): void {
  stop(STOP_UNSUPPORTED, pc);
  unsupportedBytes = bytes;
  unsupportedMnemonic = mnemonic;
}

export function stopOther(kind: i32, pc: u64): void {
  stop(kind, pc);
}
