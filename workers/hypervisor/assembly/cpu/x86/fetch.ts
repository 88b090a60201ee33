// The decoder's byte window: up to 15 instruction bytes at an address, read from executable
// pages only. An instruction may cross into the next page; that page's fault is raised only
// when the decoder actually needs one of its bytes.
import { fetchPage, fKind, fAddr, clearFault } from "../mmu";
import { FAULT_NONE, FAULT_UNMAPPED } from "../consts";

export const MAX_LEN: i32 = 15;
const scratch: usize = memory.data(16);

export let win: usize = 0;
export let avail: i32 = 0;
export let pos: i32 = 0;
/** The decoder asked for a byte past `avail`. */
export let short: bool = false;
/** The fault that fetching the next page raised (FAULT_NONE when it is fine or not needed). */
export let nextKind: i32 = FAULT_NONE;
export let nextAddr: u64 = 0;

/** Opens the window at `at`; false (fault recorded) when its first byte cannot be fetched. */
export function openWindow(at: u64): bool {
  pos = 0;
  short = false;
  nextKind = FAULT_NONE;
  const pn = at >> 12;
  const p = fetchPage(pn, at);
  if (p == 0) return false;
  const off = <i32>(at & 0xfff);
  if (off <= 4096 - MAX_LEN) {
    win = p + <usize>off;
    avail = MAX_LEN;
    return true;
  }
  const here: i32 = 4096 - off;
  memory.copy(scratch, p + <usize>off, <usize>here);
  const next = (pn + 1) << 12;
  const q: usize = next == 0 ? 0 : fetchPage(pn + 1, next);
  if (q == 0) {
    nextKind = fKind != FAULT_NONE ? fKind : FAULT_UNMAPPED;
    nextAddr = fKind != FAULT_NONE ? fAddr : next;
    clearFault();
    avail = here;
  } else {
    memory.copy(scratch + <usize>here, q, <usize>(MAX_LEN - here));
    avail = MAX_LEN;
  }
  win = scratch;
  return true;
}

// @ts-ignore: decorator
@inline export function nb(): u32 {
  const i = pos++;
  if (i < avail) return <u32>load<u8>(win + <usize>i);
  short = true;
  return 0;
}

export function peek(i: i32): u32 {
  return i < avail ? <u32>load<u8>(win + <usize>i) : 0;
}

export function nb16(): u64 {
  const lo = <u64>nb();
  return lo | (<u64>nb() << 8);
}

export function nb32(): u64 {
  const lo = nb16();
  return lo | (nb16() << 16);
}

/** Sign-extended 8-bit immediate. */
export function ns8(): u64 {
  return <u64>(<i64>(<i8>nb()));
}

/** Sign-extended 32-bit immediate. */
export function ns32(): u64 {
  return <u64>(<i64>(<i32>(<u32>nb32())));
}

/** The window's bytes [0, n) (n clipped to what was fetched). */
export function windowBytes(n: i32): Uint8Array {
  const len = n < avail ? n : avail;
  const out = new Uint8Array(len);
  memory.copy(out.dataStart, win, <usize>len);
  return out;
}
