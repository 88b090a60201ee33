// The simulated hypervisor's wasm API. Upload/boot exports belong to the core (upload) side;
// action/get/list/clock/knob exports to the actions side (stubs until that side lands).
import { ENOSYS } from "./errno";
import { resetImage, addImageSymbol, setCpuCount } from "./image";
import { resetMemory, mapRange, memWrite, memRead, setPerm, PERM_RX, PERM_RW, PERM_RO } from "./memory";
import { resetEvents, takeEventLines } from "./events";
import { clockNow, clockSet } from "./clock";
import { resetPayloads, findPayload } from "./payload";
import { doUpload } from "./upload";
import { MAX_PAYLOAD } from "./elf";
import { payloadToJson } from "./payload_json";
import { previewJson } from "./preview";
import { ruleIds as allRuleIds } from "./rules";
import { resetActionSide } from "./reset_actions";
import { isHalted } from "./halt";
import { setDebugBuild } from "./xenlog";
import { resetRuntime } from "./run/runtime";

/** Xen's livepatch payload version this simulated hypervisor accepts. */
export function payloadVersion(): i32 {
  return 2;
}

// ---- core (upload side) ----

/** Resets everything and boots a Xen of `arch` (1 x86_64, 2 aarch64, 3 arm32). */
export function boot(arch: i32, cpus: i32, buildId: Uint8Array | null): void {
  setDebugBuild(false);
  resetImage(arch, cpus, buildId);
  resetMemory();
  resetEvents();
  resetPayloads();
  resetActionSide();
  resetRuntime();
  clockSet(0);
}

/** A debug build (CONFIG_DEBUG) prints every dprintk; a release build (the default after boot) none. */
export function debugBuild(on: bool): void {
  setDebugBuild(on);
}

export function addSymbol(name: string, addr: u64, size: u32, kind: i32): void {
  addImageSymbol(name, addr, size, kind);
}

/** Maps Xen image bytes at `addr` with `perm` (1 RX, 2 RW, 3 RO). */
export function mapMemory(addr: u64, bytes: Uint8Array, perm: i32): void {
  const p = perm == PERM_RX || perm == PERM_RW || perm == PERM_RO ? perm : PERM_RO;
  if (!mapRange(addr, <u64>bytes.length, p)) return;
  memWrite(addr, bytes, 0, bytes.length);
  setPerm(addr, <u64>bytes.length, p);
}

export function upload(name: string, payload: Uint8Array, flags: u32): i32 {
  if (isHalted()) return -ENOSYS;
  return doUpload(name, payload, <u64>payload.length, flags);
}

/** UPLOAD with the name struct's pad[] word as well (non-zero: −EINVAL). */
export function uploadOp(name: string, payload: Uint8Array, flags: u32, namePad: u32): i32 {
  if (isHalted()) return -ENOSYS;
  return doUpload(name, payload, <u64>payload.length, flags, namePad);
}

/** The largest payload UPLOAD copies; the host hands anything bigger to uploadOversize(). */
export function maxPayloadSize(): u64 {
  return MAX_PAYLOAD;
}

/**
 * UPLOAD of a payload of `size` bytes, above maxPayloadSize(), whose bytes the host did not copy
 * into wasm memory: the same checks in the same order as upload(), which refuse it (-EINVAL) at
 * the size check at the latest. Copying a 1.5 GB file first ran the allocator out of memory.
 */
export function uploadOversize(name: string, size: u64, flags: u32, namePad: u32): i32 {
  if (isHalted()) return -ENOSYS;
  if (size <= MAX_PAYLOAD) unreachable();
  return doUpload(name, null, size, flags, namePad);
}

export function readMemory(addr: u64, len: u32): Uint8Array | null {
  if (len > 0x4000000) return null;
  return memRead(addr, <i32>len);
}

export function payloadJson(name: string): string {
  const p = findPayload(name);
  return p === null ? "null" : payloadToJson(p);
}

/** What APPLY would write for each of the payload's functions (JSON array), or "null". */
export function previewPatch(name: string): string {
  const p = findPayload(name);
  return p === null ? "null" : previewJson(p);
}

/** Every rule id a check-failed or panic event can carry, comma-separated. */
export function ruleIds(): string {
  return allRuleIds();
}

export function takeEvents(): string {
  return takeEventLines();
}

// ---- actions side ----

export * from "./api_actions";

// ---- interpreter (cpu/) ----

export * from "./cpu/api";
export * from "./encode";

// ---- the running Xen (run/) ----

export * from "./run/api";
export { bugWordDisp, bugFrameLine } from "./run/bugframe";
