// Bytes at patched addresses at any point of the timeline. The simulator reports every write
// with the bytes it replaced, so a window read once from the live simulator can be rewound to its
// original bytes and replayed forward to the cursor: exact, and no simulator call per step.
import type { LoggedEvent } from "../protocol/events.ts";
import type { MemoryWindow, TimelineItem } from "./types.ts";

export const WINDOW_BYTES = 16;

export interface WriteEvent {
  addr: bigint;
  before: Uint8Array;
  after: Uint8Array;
  payload: string;
  note: string;
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, "");
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toWrite(ev: LoggedEvent): WriteEvent | null {
  if (ev.kind !== "write" || !ev.addr || ev.before === undefined || ev.after === undefined) return null;
  let addr: bigint;
  try {
    addr = BigInt(ev.addr);
  } catch {
    return null;
  }
  return { addr, before: hexToBytes(ev.before), after: hexToBytes(ev.after), payload: ev.payload ?? "", note: ev.note ?? "" };
}

/** Copies `bytes` (written at `at`) into `window` (starting at `start`) where they overlap. */
export function overlay(window: Uint8Array, start: bigint, bytes: Uint8Array, at: bigint): void {
  for (let i = 0; i < bytes.length; i++) {
    const off = at + BigInt(i) - start;
    if (off >= 0n && off < BigInt(window.length)) window[Number(off)] = bytes[i];
  }
}

/** The function named in a write's note ("xen_extra_version: branch to …"). */
export function writeFunc(note: string): string {
  return /^([^:\s]+):/.exec(note)?.[1] ?? "";
}

/** The branch target a write's note names, if any. */
export function writeTarget(note: string): bigint | null {
  const m = /branch to (0x[0-9a-fA-F]+)/.exec(note);
  return m ? BigInt(m[1]) : null;
}

/** Every write among the first `cursor` items, in order. */
export function writesUpTo(items: readonly TimelineItem[], cursor: number): WriteEvent[] {
  const out: WriteEvent[] = [];
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
 * The original bytes of a window read from the live simulator after `writesSoFar` happened:
 * undo them newest first.
 */
export function rewind(live: Uint8Array, addr: bigint, writesSoFar: readonly WriteEvent[]): Uint8Array {
  const base = live.slice();
  for (let i = writesSoFar.length - 1; i >= 0; i--) overlay(base, addr, writesSoFar[i].before, writesSoFar[i].addr);
  return base;
}

export interface WindowAtCursor {
  window: MemoryWindow;
  bytes: Uint8Array;
  /** Which bytes differ from the original. */
  changed: boolean[];
  /** The last write into this window up to the cursor, if any. */
  last: WriteEvent | null;
}

export function windowAt(window: MemoryWindow, writes: readonly WriteEvent[]): WindowAtCursor {
  const bytes = window.base.slice();
  let last: WriteEvent | null = null;
  const end = window.addr + BigInt(window.base.length);
  for (const w of writes) {
    if (w.addr + BigInt(w.after.length) <= window.addr || w.addr >= end) continue;
    overlay(bytes, window.addr, w.after, w.addr);
    last = w;
  }
  const changed = Array.from(bytes, (b, i) => b !== window.base[i]);
  return { window, bytes, changed, last };
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
