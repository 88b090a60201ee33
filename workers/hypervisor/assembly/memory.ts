// Sparse simulated address space: 4 KiB pages keyed by page number, each with a permission.
// Nothing here traps: an access that touches an unmapped page or wraps the address space fails
// and the caller gets false / null / the `memOk` flag cleared.

export const PAGE_SHIFT: u64 = 12;
export const PAGE_SIZE: u64 = 4096;

export const PERM_NONE: i32 = 0;
export const PERM_RX: i32 = 1;
export const PERM_RW: i32 = 2;
export const PERM_RO: i32 = 3;
/** Only while x86 Xen is quiesced for patching: relax_virtual_region_perms() maps text RWX. */
export const PERM_RWX: i32 = 4;

// @ts-ignore: decorator
@inline export function permWritable(perm: i32): bool {
  return perm == PERM_RW || perm == PERM_RWX;
}

// @ts-ignore: decorator
@inline export function permExecutable(perm: i32): bool {
  return perm == PERM_RX || perm == PERM_RWX;
}

let pages = new Map<u64, Uint8Array>();
let perms = new Map<u64, i32>();

// Recently used pages, direct-mapped by page number: APPLY and UPLOAD touch a few pages thousands
// of times, and a Map lookup hashes every time. Holds mapped pages only (their objects stay in
// `pages`, so the pointers stay valid); emptied whenever a page is unmapped.
const CACHE_WAYS: i32 = 16;
const cachedPn = new StaticArray<u64>(CACHE_WAYS);
const cachedAt = new StaticArray<usize>(CACHE_WAYS);

// Pages unmapped, kept for the next mapping (zeroed then): every UPLOAD maps its whole file as
// the upload buffer and unmaps it again, and a fresh 4 KiB allocation each time also paces the
// incremental collector. At most SPARE_MAX pages (4 MiB) wait here.
const SPARE_MAX: i32 = 1024;
let spare: Uint8Array[] = [];

function freshPage(): Uint8Array {
  if (spare.length == 0) return new Uint8Array(<i32>PAGE_SIZE);
  const page = spare.pop();
  memory.fill(page.dataStart, 0, <usize>PAGE_SIZE);
  return page;
}

function forgetPages(): void {
  for (let i = 0; i < CACHE_WAYS; i++) unchecked((cachedAt[i] = 0));
}

/** The bytes of page `pn` in wasm memory, 0 when it is not mapped. */
function pageAt(pn: u64): usize {
  const way = <i32>pn & (CACHE_WAYS - 1);
  const at = unchecked(cachedAt[way]);
  if (at != 0 && unchecked(cachedPn[way]) == pn) return at;
  if (!pages.has(pn)) return 0;
  const fresh = pages.get(pn).dataStart;
  unchecked((cachedPn[way] = pn));
  unchecked((cachedAt[way] = fresh));
  return fresh;
}

/** Cleared by the scalar readers when the access failed. */
export let memOk: bool = true;

/**
 * Bumped by every change to the mapping, the permissions or the bytes made through this module.
 * The interpreter (cpu/) caches page pointers and decoded instructions for one generation.
 */
export let memGeneration: u32 = 0;

// A write journal for runs that must leave no trace (the page's look at `xl info`): while it is
// on, the first write to a page keeps a copy of that page, and a rollback puts every copy back.
let journaling: bool = false;
let journal = new Map<u64, Uint8Array>();

/** Starts journaling; the generation bump makes the interpreter refill its write TLB. */
export function journalStart(): void {
  journaling = true;
  journal = new Map<u64, Uint8Array>();
  memGeneration++;
}

/** Called before page `pn` is first written (the interpreter's write-TLB fill, memWrite). */
export function journalNote(pn: u64): void {
  if (!journaling || journal.has(pn)) return;
  const at = pageAt(pn);
  if (at == 0) return;
  const copy = new Uint8Array(<i32>PAGE_SIZE);
  memory.copy(copy.dataStart, at, <usize>PAGE_SIZE);
  journal.set(pn, copy);
}

/** Puts back every journaled page and stops journaling. */
export function journalRollback(): void {
  const keys = journal.keys();
  for (let i = 0; i < keys.length; i++) {
    const pn = keys[i];
    const at = pageAt(pn);
    if (at != 0) memory.copy(at, journal.get(pn).dataStart, <usize>PAGE_SIZE);
  }
  journal = new Map<u64, Uint8Array>();
  journaling = false;
  memGeneration++;
}

/** The bytes of page number `pn` in wasm memory, 0 when unmapped (the interpreter's TLB fill). */
export function pageBytes(pn: u64): usize {
  return pageAt(pn);
}

export function resetMemory(): void {
  pages = new Map<u64, Uint8Array>();
  perms = new Map<u64, i32>();
  spare = [];
  forgetPages();
  memGeneration++;
}

/** addr + len without wrapping past 2^64; false when it would wrap. */
function rangeFits(addr: u64, len: u64): bool {
  return len == 0 || addr + (len - 1) >= addr;
}

/** Maps zero-filled pages over [addr, addr+len) (existing pages keep their bytes) with `perm`. */
export function mapRange(addr: u64, len: u64, perm: i32): bool {
  if (len == 0) return true;
  if (!rangeFits(addr, len)) return false;
  memGeneration++;
  const first = addr >> PAGE_SHIFT;
  const last = (addr + len - 1) >> PAGE_SHIFT;
  for (let pn = first; ; pn++) {
    if (!pages.has(pn)) pages.set(pn, freshPage());
    perms.set(pn, perm);
    if (pn == last) break;
  }
  return true;
}

export function unmapRange(addr: u64, len: u64): void {
  if (len == 0 || !rangeFits(addr, len)) return;
  memGeneration++;
  forgetPages();
  const first = addr >> PAGE_SHIFT;
  const last = (addr + len - 1) >> PAGE_SHIFT;
  for (let pn = first; ; pn++) {
    if (pages.has(pn)) {
      if (spare.length < SPARE_MAX) spare.push(pages.get(pn));
      pages.delete(pn);
      perms.delete(pn);
    }
    if (pn == last) break;
  }
}

export function setPerm(addr: u64, len: u64, perm: i32): void {
  if (len == 0 || !rangeFits(addr, len)) return;
  memGeneration++;
  const first = addr >> PAGE_SHIFT;
  const last = (addr + len - 1) >> PAGE_SHIFT;
  for (let pn = first; ; pn++) {
    if (pages.has(pn)) perms.set(pn, perm);
    if (pn == last) break;
  }
}

export function permAt(addr: u64): i32 {
  const pn = addr >> PAGE_SHIFT;
  return perms.has(pn) ? perms.get(pn) : PERM_NONE;
}

export function isMapped(addr: u64, len: u64): bool {
  if (!rangeFits(addr, len)) return false;
  if (len == 0) return pageAt(addr >> PAGE_SHIFT) != 0;
  const first = addr >> PAGE_SHIFT;
  const last = (addr + len - 1) >> PAGE_SHIFT;
  for (let pn = first; ; pn++) {
    if (pageAt(pn) == 0) return false;
    if (pn == last) break;
  }
  return true;
}

/** The first address of [addr, addr+len) that is not mapped (addr when the range wraps). */
export function firstUnmapped(addr: u64, len: u64): u64 {
  if (!rangeFits(addr, len)) return addr;
  for (let pn = addr >> PAGE_SHIFT; ; pn++) {
    if (pageAt(pn) == 0) return pn << PAGE_SHIFT > addr ? pn << PAGE_SHIFT : addr;
    if (pn == (addr + (len == 0 ? 0 : len - 1)) >> PAGE_SHIFT) return addr;
  }
  return addr;
}

/** Copies src[srcOff, srcOff+len) to addr. Ignores permissions (the hypervisor's own writes). */
export function memWrite(addr: u64, src: Uint8Array, srcOff: i32, len: i32): bool {
  if (len < 0 || srcOff < 0 || srcOff > src.length || len > src.length - srcOff) return false;
  if (!isMapped(addr, <u64>len)) return false;
  memGeneration++;
  let done: i32 = 0;
  while (done < len) {
    const a = addr + <u64>done;
    if (journaling) journalNote(a >> PAGE_SHIFT);
    const page = pageAt(a >> PAGE_SHIFT);
    const off = <i32>(a & (PAGE_SIZE - 1));
    let n = <i32>PAGE_SIZE - off;
    if (n > len - done) n = len - done;
    // Bounds were checked above (src range, every page mapped): copy the chunk in one go.
    memory.copy(page + <usize>off, src.dataStart + <usize>(srcOff + done), <usize>n);
    done += n;
  }
  return true;
}

/** Fills [addr, addr+len) with `value`. */
export function memFill(addr: u64, value: u8, len: i32): bool {
  if (len < 0 || !isMapped(addr, <u64>len)) return false;
  memGeneration++;
  for (let i = 0; i < len; i++) {
    const a = addr + <u64>i;
    if (journaling) journalNote(a >> PAGE_SHIFT);
    store<u8>(pageAt(a >> PAGE_SHIFT) + <usize>(a & (PAGE_SIZE - 1)), value);
  }
  return true;
}

export function memRead(addr: u64, len: i32): Uint8Array | null {
  if (len < 0 || !isMapped(addr, <u64>len)) return null;
  const out = new Uint8Array(len);
  copyOut(addr, out, len);
  return out;
}

/** memRead into the first `len` bytes of `out`, without allocating; false (and `out` untouched) when unmapped. */
export function memReadInto(addr: u64, out: Uint8Array, len: i32): bool {
  if (len < 0 || len > out.length || !isMapped(addr, <u64>len)) return false;
  copyOut(addr, out, len);
  return true;
}

/** Copies [addr, addr+len) into `out`; the caller checked that it is mapped and fits. */
function copyOut(addr: u64, out: Uint8Array, len: i32): void {
  let done: i32 = 0;
  while (done < len) {
    const a = addr + <u64>done;
    const page = pageAt(a >> PAGE_SHIFT);
    const off = <i32>(a & (PAGE_SIZE - 1));
    let n = <i32>PAGE_SIZE - off;
    if (n > len - done) n = len - done;
    memory.copy(out.dataStart + <usize>done, page + <usize>off, <usize>n);
    done += n;
  }
}

/** The byte at `addr`, or -1 when its page is not mapped. */
export function memByte(addr: u64): i32 {
  const page = pageAt(addr >> PAGE_SHIFT);
  if (page == 0) return -1;
  return <i32>load<u8>(page + <usize>(addr & (PAGE_SIZE - 1)));
}

/** True when `size` (1..8) bytes at `addr` lie in one page: the scalar accessors' copy-free case. */
function inOnePage(addr: u64, size: i32): bool {
  return size >= 1 && size <= 8 && (addr & (PAGE_SIZE - 1)) + <u64>size <= PAGE_SIZE;
}

/** Little-endian scalar read of `size` (1..8) bytes; sets memOk. */
export function memReadLe(addr: u64, size: i32): u64 {
  if (inOnePage(addr, size)) {
    const page = pageAt(addr >> PAGE_SHIFT);
    memOk = page != 0;
    if (!memOk) return 0;
    const at = page + <usize>(addr & (PAGE_SIZE - 1));
    let v: u64 = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | <u64>load<u8>(at + <usize>i);
    return v;
  }
  const b = memRead(addr, size);
  if (b === null) {
    memOk = false;
    return 0;
  }
  memOk = true;
  let v: u64 = 0;
  for (let i = size - 1; i >= 0; i--) v = (v << 8) | <u64>b[i];
  return v;
}

/** Little-endian scalar write of `size` (1..8) bytes. */
export function memWriteLe(addr: u64, value: u64, size: i32): bool {
  if (inOnePage(addr, size)) {
    const pn = addr >> PAGE_SHIFT;
    const page = pageAt(pn);
    if (page == 0) return false;
    memGeneration++;
    if (journaling) journalNote(pn);
    const at = page + <usize>(addr & (PAGE_SIZE - 1));
    for (let i = 0; i < size; i++) store<u8>(at + <usize>i, <u8>(value >> (<u64>(i * 8))));
    return true;
  }
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = <u8>(value >> (<u64>(i * 8)));
  return memWrite(addr, b, 0, size);
}
