// The interpreter's view of the simulated address space (../memory.ts): page permissions enforced
// on every access, and a small direct-mapped TLB of page pointers so a hit costs a compare and a
// load. The TLB and the x86 decode cache are valid for one memory generation (memGeneration bumps
// on every map, unmap, permission change or hypervisor write), checked at each run start/resume.
//
// Accessors never trap: a failed access records the fault (fKind, fAddr, fAccess) and returns 0;
// the executing instruction checks `fKind` and stops before touching any register.
import { memGeneration, pageBytes, permAt, journalNote, permWritable, permExecutable, PERM_NONE } from "../memory";
import { FAULT_NONE, FAULT_UNMAPPED, FAULT_NONCANONICAL, FAULT_WRITE_RO, FAULT_FETCH_NX } from "./consts";

const TLB_BITS: u64 = 8;
const TLB_MASK: u64 = (1 << TLB_BITS) - 1;
const TLB_BYTES: usize = 16 << <usize>TLB_BITS; // per entry: tag u64 (page number), host pointer u64
const NO_PAGE: u64 = 0xffffffffffffffff;

export const ACCESS_READ: i32 = 0;
export const ACCESS_WRITE: i32 = 1;
export const ACCESS_FETCH: i32 = 2;

let tlbR: usize = 0; // readable pages
let tlbW: usize = 0; // writable pages
let tlbX: usize = 0; // executable pages
let seenGeneration: u32 = 0xffffffff;

/** The fault of the last failed access (FAULT_NONE when none). */
export let fKind: i32 = FAULT_NONE;
export let fAddr: u64 = 0;
export let fAccess: i32 = ACCESS_READ;

/** x86 long mode: every address must be canonical (bits 63..47 equal). */
export let checkCanonical: bool = false;

export function setCanonicalCheck(on: bool): void {
  checkCanonical = on;
}

export function clearFault(): void {
  fKind = FAULT_NONE;
  fAddr = 0;
  fAccess = ACCESS_READ;
}

/** Records a fault found outside this module (the decoder's deferred next-page fetch fault). */
export function recordFault(kind: i32, addr: u64): void {
  fault(kind, addr, ACCESS_FETCH);
}

function flushTlbs(): void {
  if (tlbR == 0) {
    tlbR = heap.alloc(TLB_BYTES * 3);
    tlbW = tlbR + TLB_BYTES;
    tlbX = tlbW + TLB_BYTES;
  }
  for (let i: usize = 0; i < TLB_BYTES * 3; i += 16) store<u64>(tlbR + i, NO_PAGE);
}

/** Flushes the TLBs when the address space changed since the last call; true when it did. */
export function mmuSync(): bool {
  if (seenGeneration == memGeneration && tlbR != 0) return false;
  seenGeneration = memGeneration;
  flushTlbs();
  return true;
}

/** Forgets everything cached (next mmuSync flushes). */
export function mmuInvalidate(): void {
  seenGeneration = 0xffffffff;
}

// @ts-ignore: decorator
@inline export function isCanonical(a: u64): bool {
  return ((a + 0x0000800000000000) >> 48) == 0;
}

function fault(kind: i32, addr: u64, access: i32): void {
  if (fKind != FAULT_NONE) return;
  fKind = kind;
  fAddr = addr;
  fAccess = access;
}

/** Host pointer of page `pn` for `access`, filling the TLB; 0 with the fault recorded at `addr`. */
function fill(pn: u64, access: i32, addr: u64): usize {
  const ptr = pageBytes(pn);
  if (ptr == 0) {
    fault(FAULT_UNMAPPED, addr, access);
    return 0;
  }
  const perm = permAt(pn << 12);
  if (perm == PERM_NONE) {
    fault(FAULT_UNMAPPED, addr, access);
    return 0;
  }
  if (access == ACCESS_WRITE && !permWritable(perm)) {
    fault(FAULT_WRITE_RO, addr, access);
    return 0;
  }
  if (access == ACCESS_WRITE) journalNote(pn);
  if (access == ACCESS_FETCH && !permExecutable(perm)) {
    fault(FAULT_FETCH_NX, addr, access);
    return 0;
  }
  const tlb = access == ACCESS_READ ? tlbR : access == ACCESS_WRITE ? tlbW : tlbX;
  const e = tlb + (<usize>(pn & TLB_MASK) << 4);
  store<u64>(e, pn);
  store<u64>(e, <u64>ptr, 8);
  return ptr;
}

/** Host pointer to the byte at `a` for `access` (page lookup only; no range check). */
// @ts-ignore: decorator
@inline function pagePtr(a: u64, access: i32, tlb: usize): usize {
  const pn = a >> 12;
  const e = tlb + (<usize>(pn & TLB_MASK) << 4);
  if (load<u64>(e) == pn) return <usize>load<u64>(e, 8);
  return fill(pn, access, a);
}

/** Canonical check of [a, a+size) on x86; records a fault and returns false when it fails. */
function rangeOk(a: u64, size: i32, access: i32): bool {
  if (!checkCanonical) return true;
  if (isCanonical(a) && isCanonical(a + <u64>(size - 1))) return true;
  fault(FAULT_NONCANONICAL, a, access);
  return false;
}

/** The TLB-miss and page-crossing read. */
function slowRead(a: u64, size: i32): u64 {
  if (!rangeOk(a, size, ACCESS_READ)) return 0;
  // Both pages must be readable before any byte counts (a split access faults as a whole).
  const last = a + <u64>(size - 1);
  if (pagePtr(a, ACCESS_READ, tlbR) == 0) return 0;
  if ((last >> 12) != (a >> 12) && pagePtr(last & ~0xfff, ACCESS_READ, tlbR) == 0) return 0;
  let v: u64 = 0;
  for (let i = size - 1; i >= 0; i--) {
    const b = a + <u64>i;
    v = (v << 8) | <u64>load<u8>(pagePtr(b, ACCESS_READ, tlbR) + <usize>(b & 0xfff));
  }
  return v;
}

/** Little-endian read of 1, 2, 4 or 8 bytes. */
// @ts-ignore: decorator
@inline export function rd(a: u64, size: i32): u64 {
  const off = a & 0xfff;
  if (off <= <u64>(4096 - size)) {
    const pn = a >> 12;
    const e = tlbR + (<usize>(pn & TLB_MASK) << 4);
    if (load<u64>(e) == pn) {
      const p = <usize>load<u64>(e, 8) + <usize>off;
      if (size == 8) return load<u64>(p);
      if (size == 4) return <u64>load<u32>(p);
      if (size == 2) return <u64>load<u16>(p);
      return <u64>load<u8>(p);
    }
  }
  return slowRead(a, size);
}

function slowWrite(a: u64, v: u64, size: i32): void {
  if (!rangeOk(a, size, ACCESS_WRITE)) return;
  const last = a + <u64>(size - 1);
  if (pagePtr(a, ACCESS_WRITE, tlbW) == 0) return;
  if ((last >> 12) != (a >> 12) && pagePtr(last & ~0xfff, ACCESS_WRITE, tlbW) == 0) return;
  for (let i = 0; i < size; i++) {
    const b = a + <u64>i;
    store<u8>(pagePtr(b, ACCESS_WRITE, tlbW) + <usize>(b & 0xfff), <u8>(v >> (<u64>i << 3)));
  }
}

/** Little-endian write of 1, 2, 4 or 8 bytes; nothing is written when any byte would fault. */
// @ts-ignore: decorator
@inline export function wr(a: u64, v: u64, size: i32): void {
  const off = a & 0xfff;
  if (off <= <u64>(4096 - size)) {
    const pn = a >> 12;
    const e = tlbW + (<usize>(pn & TLB_MASK) << 4);
    if (load<u64>(e) == pn) {
      const p = <usize>load<u64>(e, 8) + <usize>off;
      if (size == 8) store<u64>(p, v);
      else if (size == 4) store<u32>(p, <u32>v);
      else if (size == 2) store<u16>(p, <u16>v);
      else store<u8>(p, <u8>v);
      return;
    }
  }
  slowWrite(a, v, size);
}

/** True when `size` bytes at `a` can be written (read-modify-write checks before reading). */
export function canWrite(a: u64, size: i32): bool {
  if (!rangeOk(a, size, ACCESS_WRITE)) return false;
  const last = a + <u64>(size - 1);
  if (pagePtr(a, ACCESS_WRITE, tlbW) == 0) return false;
  return (last >> 12) == (a >> 12) || pagePtr(last & ~0xfff, ACCESS_WRITE, tlbW) != 0;
}

/** Host pointer to executable page `pn`, or 0 with the fetch fault recorded at `faultAt`. */
export function fetchPage(pn: u64, faultAt: u64): usize {
  if (checkCanonical && !isCanonical(faultAt)) {
    fault(FAULT_NONCANONICAL, faultAt, ACCESS_FETCH);
    return 0;
  }
  const e = tlbX + (<usize>(pn & TLB_MASK) << 4);
  if (load<u64>(e) == pn) return <usize>load<u64>(e, 8);
  return fill(pn, ACCESS_FETCH, faultAt);
}
