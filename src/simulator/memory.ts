// Bytes at patched addresses at any point of the timeline. The simulator reports every write
// with the bytes it replaced, so a window read once from the live simulator can be rewound to its
// original bytes and replayed forward to the cursor: exact, and no simulator call per step.
import { printable } from "../elf/index.ts";
import type { LoggedEvent, PlacedEvent } from "../protocol/hypervisor.ts";
import type { MemoryWindow, PayloadInfo, TimelineItem } from "./types.ts";

export const WINDOW_BYTES = 16;

/** A `write` event with its address and bytes as numbers. */
export interface ByteWrite {
  addr: bigint;
  before: Uint8Array;
  after: Uint8Array;
  /** The payload whose action wrote these bytes (a revert's restore is written by the reverted payload). */
  payload: string;
  /** Written by an APPLY (the payload's code goes live) or by a REVERT (the bytes it saved come back). */
  by: "apply" | "revert";
  /** The Xen function whose bytes these are. */
  func: string;
  /** Where a branch written here goes; null for NOPs and restored bytes. */
  target: bigint | null;
  /**
   * AArch64: the bytes are BRK #2 (AARCH64_BREAK_FAULT), which Xen wrote because it could not
   * encode the branch to `target` (a misaligned old_addr or new_addr): calling the function traps.
   */
  brk: boolean;
}

/** The value of an ASCII hex digit's code, 0 for anything else (as parseInt's NaN became 0 in a Uint8Array). */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 0x20;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(i * 2));
    const lo = nibble(hex.charCodeAt(i * 2 + 1));
    out[i] = hi < 0 ? 0 : lo < 0 ? hi : hi * 16 + lo;
  }
  return out;
}

export function toWrite(ev: LoggedEvent): ByteWrite | null {
  if (ev.kind !== "write") return null;
  return {
    addr: BigInt(ev.addr),
    before: hexToBytes(ev.old),
    after: hexToBytes(ev.new),
    payload: ev.payload ?? "",
    by: ev.by,
    func: ev.func.name,
    target: ev.target !== undefined ? BigInt(ev.target) : null,
    brk: ev.insn === "brk",
  };
}

/** Copies `bytes` (written at `at`) into `window` (starting at `start`) where they overlap. */
export function overlay(window: Uint8Array, start: bigint, bytes: Uint8Array, at: bigint): void {
  const [from, to, shift] = overlap(window.length, start, bytes.length, at);
  for (let i = from; i < to; i++) window[i + shift] = bytes[i];
}

/**
 * Which bytes of a write of `length` at `at` land in a window of `size` at `start`: indices
 * [from, to) of the write, at `index + shift` in the window. Worked out once in bigints, so the
 * byte loops run on small integers (a 2,000-function APPLY replays 2,000 windows).
 */
function overlap(size: number, start: bigint, length: number, at: bigint): [from: number, to: number, shift: number] {
  const d = at - start;
  if (d >= BigInt(size) || d + BigInt(length) <= 0n) return [0, 0, 0];
  const shift = Number(d);
  return [Math.max(0, -shift), Math.min(length, size - shift), shift];
}

/** Every write among the first `cursor` items, in order. */
export function writesUpTo(items: readonly TimelineItem[], cursor: number): ByteWrite[] {
  const out: ByteWrite[] = [];
  const end = Math.min(cursor, items.length);
  for (let i = 0; i < end; i++) {
    const it = items[i];
    if (it.type !== "event") continue;
    const w = toWrite(it.event);
    if (w) out.push(w);
  }
  return out;
}

/**
 * The original bytes of windows read from the live simulator after `writesSoFar` happened: each
 * undoes them newest first, only those that can reach it, found by address (an APPLY of 2,000
 * functions opens 2,000 windows over 2,000 writes).
 */
export function rewinder(writesSoFar: readonly ByteWrite[]): (live: Uint8Array, addr: bigint) => Uint8Array {
  const order = writesSoFar.map((_, i) => i).sort((a, b) => (writesSoFar[a].addr < writesSoFar[b].addr ? -1 : writesSoFar[a].addr > writesSoFar[b].addr ? 1 : a - b));
  const longest = BigInt(Math.max(0, ...writesSoFar.map((w) => w.before.length)));
  /** The first position in `order` whose write starts at or after `addr`. */
  const from = (addr: bigint): number => {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (writesSoFar[order[mid]].addr < addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (live, addr) => {
    const base = live.slice();
    const end = addr + BigInt(live.length);
    const reaching: number[] = [];
    for (let k = from(addr - longest); k < order.length && writesSoFar[order[k]].addr < end; k++) reaching.push(order[k]);
    // Newest first, as the writes happened.
    reaching.sort((a, b) => b - a);
    for (const i of reaching) overlay(base, addr, writesSoFar[i].before, writesSoFar[i].addr);
    return base;
  };
}

export interface WindowAtCursor {
  window: MemoryWindow;
  bytes: Uint8Array;
  /** Which bytes differ from the original. */
  changed: boolean[];
  /**
   * Which bytes the applies still live here wrote: each write's whole range (Xen's memcpy of
   * livepatch_insn_len() bytes: the 5-byte jmp, or new_size bytes of NOPs), so a written byte equal
   * to the one it replaced is marked too. None once every patch is reverted (the bytes are the
   * original ones again, put back by the reverts).
   */
  written: boolean[];
  /** The last write into this window up to the cursor, if any. */
  last: ByteWrite | null;
  /**
   * The apply whose bytes are live in this window now: each apply stacks on the ones before and
   * each revert takes its payload's off, so after bye is reverted the owner is hello again (with
   * hello's jump target), not bye, which wrote the restoring bytes. Null once every patch is gone.
   */
  owner: ByteWrite | null;
}

/** A window being replayed write by write: its bytes so far, the last write and the applies still live. */
export interface WindowReplay {
  window: MemoryWindow;
  bytes: Uint8Array;
  last: ByteWrite | null;
  applied: ByteWrite[];
}

export function startReplay(window: MemoryWindow): WindowReplay {
  return { window, bytes: window.base.slice(), last: null, applied: [] };
}

/** Whether `w` writes any byte of `window`. */
export function reaches(window: MemoryWindow, w: ByteWrite): boolean {
  return w.addr + BigInt(w.after.length) > window.addr && w.addr < window.addr + BigInt(window.base.length);
}

/** Folds the next write into the replay (mutates it); a write that does not reach the window changes nothing. */
export function replayWrite(r: WindowReplay, w: ByteWrite): void {
  if (!reaches(r.window, w)) return;
  overlay(r.bytes, r.window.addr, w.after, w.addr);
  r.last = w;
  if (w.by === "apply") r.applied.push(w);
  else {
    for (let i = r.applied.length - 1; i >= 0; i--) {
      if (r.applied[i].payload !== w.payload || r.applied[i].addr !== w.addr) continue;
      r.applied.splice(i, 1);
      break;
    }
  }
}

/** The window as the replay stands: its own copy of the bytes, so the replay can go on. */
export function replayView(r: WindowReplay): WindowAtCursor {
  const { window, applied } = r;
  const bytes = r.bytes.slice();
  const changed = Array.from(bytes, (b, i) => b !== window.base[i]);
  const written = changed.map(() => false);
  for (const w of applied) {
    const [from, to, shift] = overlap(written.length, window.addr, w.after.length, w.addr);
    for (let i = from; i < to; i++) written[i + shift] = true;
  }
  return { window, bytes, changed, written, last: r.last, owner: changed.some(Boolean) ? (applied[applied.length - 1] ?? null) : null };
}

export function windowAt(window: MemoryWindow, writes: readonly ByteWrite[]): WindowAtCursor {
  const r = startReplay(window);
  for (const w of writes) replayWrite(r, w);
  return replayView(r);
}

/** The longest window, bytes: how far before a write a window reaching it may start. */
export function windowSpan(windows: readonly MemoryWindow[]): bigint {
  // Usually WINDOW_BYTES; a window holding only what was written (near a mapping's end) may be longer.
  return BigInt(windows.reduce((n, w) => Math.max(n, w.base.length), 0));
}

/** Indices of the windows (sorted by address) that `w` writes into, found by address. */
export function windowsReached(windows: readonly MemoryWindow[], span: bigint, w: ByteWrite): number[] {
  const end = w.addr + BigInt(w.after.length);
  // The first window that may reach the write: one starting after w.addr - span.
  let lo = 0;
  let hi = windows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (windows[mid].addr + span <= w.addr) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < windows.length && windows[i].addr < end; i++) if (reaches(windows[i], w)) out.push(i);
  return out;
}

/**
 * Every window at the cursor: windowAt() for each, with each write taken only to the windows it
 * can reach (`windows` sorted by address, as the session keeps them), so a 2,000-function APPLY
 * is not 2,000 windows times 2,000 writes at every step of the playback.
 */
export function windowsAt(windows: readonly MemoryWindow[], writes: readonly ByteWrite[]): WindowAtCursor[] {
  const reaching: ByteWrite[][] = windows.map(() => []);
  const span = windowSpan(windows);
  for (const w of writes) for (const i of windowsReached(windows, span, w)) reaching[i].push(w);
  return windows.map((win, i) => windowAt(win, reaching[i]));
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Where the uploaded payloads are in memory at a point of the timeline, and what UNLOAD freed. */
export interface PayloadMemory {
  /** Each uploaded payload's regions (text, rw, ro) from its latest `placed`, [start, end). */
  placed: Map<string, { start: bigint; end: bigint }[]>;
  /**
   * The regions of payloads unloaded since (xen/common/livepatch.c free_payload() vfree()s them),
   * oldest first; a region a later upload placed again is no longer freed.
   */
  freed: { payload: string; start: bigint; end: bigint }[];
}

const regionsOf = (ev: PlacedEvent) =>
  [ev.text, ev.rw, ev.ro].filter((r) => r.size > 0).map((r) => ({ start: BigInt(r.addr), end: BigInt(r.addr) + BigInt(r.size) }));

export function emptyPayloadMemory(): PayloadMemory {
  return { placed: new Map(), freed: [] };
}

/** A copy to hand out: folding on into `m` leaves it as it was. */
export function clonePayloadMemory(m: PayloadMemory): PayloadMemory {
  return { placed: new Map([...m.placed].map(([k, rs]) => [k, rs.map((r) => ({ ...r }))])), freed: m.freed.map((f) => ({ ...f })) };
}

/**
 * Folds the next event into `m` (mutates it): a `placed` places its payload's regions, a state
 * UNLOADED frees them. True when the reading changed; any other event changes nothing.
 */
export function placeEvent(m: PayloadMemory, ev: LoggedEvent): boolean {
  const name = ev.payload;
  if (name === null) return false;
  if (ev.kind === "placed") {
    const now = regionsOf(ev);
    m.placed.set(name, now);
    m.freed = m.freed.filter((f) => !now.some((r) => r.start < f.end && f.start < r.end));
    return true;
  }
  if (ev.kind !== "state" || ev.state !== "UNLOADED") return false;
  const gone = m.placed.get(name);
  if (!gone) return false;
  for (const r of gone) m.freed.push({ payload: name, ...r });
  m.placed.delete(name);
  return true;
}

/** The payload whose freed memory holds `addr`, if no payload uploaded now holds it. */
export function freedHolder(memory: PayloadMemory, addr: bigint): string | null {
  for (const rs of memory.placed.values()) if (rs.some((r) => addr >= r.start && addr < r.end)) return null;
  for (let i = memory.freed.length - 1; i >= 0; i--) {
    const f = memory.freed[i];
    if (addr >= f.start && addr < f.end) return f.payload;
  }
  return null;
}

/** Addresses the memory card looks up for each window and each instruction, indexed once per set of loaded payloads. */
export interface MemoryIndex {
  /**
   * Where the patched function holding `addr` ends, so a window's listing stops there instead of
   * decoding the next function's first bytes as a cut instruction: the image's own symbol for it
   * (`inImage`: its st_size, as objdump lists the function), else old_addr + old_size of a loaded
   * payload's livepatch_func (the first record, payload order then funcs order, where records
   * overlap); null when neither knows the address. The image comes first: payloads may claim
   * different old_size for one function, and one only CHECKED (a failed expectation's) never
   * wrote there.
   */
  funcEndAt(addr: bigint, inImage?: ((addr: bigint) => bigint | null) | null): bigint | null;
  /**
   * What the card calls an address a listing branches to or a RIP-relative operand reaches: a loaded payload's symbol there
   * (`name in payload` unless it is the payload's own name; the first in payload order), else
   * Xen's, through `inImage` (the lookup the Functions view names the image's addresses with), so
   * a `jmp` to `__x86_return_thunk` in the patched function reads as it does there. Given where the
   * payloads are at the cursor (`memory`), only a payload uploaded then names its addresses, and an
   * address in an unloaded payload's freed region reads `freed memory of unloaded NAME`: the branch a
   * REVERT left behind goes nowhere Xen still maps.
   */
  nameAt(addr: bigint, inImage: ((addr: bigint) => string | null) | null, memory?: PayloadMemory): string | null;
}

interface Range {
  start: bigint;
  end: bigint;
  order: number;
}

// With 2,000 functions applied the card lists 2,000 windows, each asking about its address and
// every branch in it: a scan of every payload per question was millions of comparisons a render.
export function memoryIndex(payloads: Record<string, PayloadInfo>): MemoryIndex {
  // Per address, every payload symbol there (payload order): the first one uploaded at the cursor names it.
  const names = new Map<bigint, { payload: string; label: string }[]>();
  const ranges: Range[] = [];
  for (const p of Object.values(payloads)) {
    for (const s of p.symbols) {
      const a = BigInt(s.addr);
      if (!s.name) continue;
      // A control character in a name as readelf spells it (^X), as the inspector's views print it.
      const entry = { payload: p.name, label: printable(s.name === p.name ? s.name : `${s.name} in ${p.name}`) };
      const at = names.get(a);
      if (!at) names.set(a, [entry]);
      else if (!at.some((e) => e.payload === p.name)) at.push(entry);
    }
    for (const f of p.funcs) {
      const start = BigInt(f.oldAddr);
      ranges.push({ start, end: start + BigInt(f.oldSize), order: ranges.length });
    }
  }
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.order - b.order));
  // reach[i]: the furthest end among ranges[0..i], so a lookup stops once nothing earlier can hold the address.
  const reach: bigint[] = [];
  ranges.forEach((r, i) => reach.push(i && reach[i - 1] > r.end ? reach[i - 1] : r.end));
  return {
    funcEndAt(addr, inImage) {
      const imageEnd = inImage?.(addr) ?? null;
      if (imageEnd !== null) return imageEnd;
      let lo = 0;
      let hi = ranges.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ranges[mid].start <= addr) lo = mid + 1;
        else hi = mid;
      }
      let best: Range | null = null;
      for (let k = lo - 1; k >= 0 && reach[k] > addr; k--) {
        const r = ranges[k];
        if (addr < r.end && (!best || r.order < best.order)) best = r;
      }
      return best?.end ?? null;
    },
    nameAt(addr, inImage, memory) {
      const at = names.get(addr);
      if (!memory) return at?.[0].label ?? inImage?.(addr) ?? null;
      const live = at?.find((e) => memory.placed.get(e.payload)?.some((r) => addr >= r.start && addr < r.end));
      if (live) return live.label;
      const gone = freedHolder(memory, addr);
      if (gone !== null) return `freed memory of unloaded ${printable(gone)}`;
      return inImage?.(addr) ?? null;
    },
  };
}
