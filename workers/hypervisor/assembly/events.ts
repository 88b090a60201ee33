// The event log: one JSON object per line (a `write` event in a compact form, see writeEvent()), in
// the order things happened. The host drains it and decodes it with src/protocol/events.ts; the
// shapes are the union in src/protocol/hypervisor.ts.
// An event is written field by field straight into one growing UTF-16 buffer (begin, fields, end),
// so it costs no intermediate strings: the incremental GC, not the formatting, was what made GET
// and large actions slow. Nothing between begin() and end() may emit another event.
import { clockNow } from "./clock";
import { TextOut, storeAddr, storeCounted, storeHexBytes, storeI64, storeU64 } from "./textout";

/** JSON string literal; escapes quotes, backslashes and every control character (as TextOut does). */
export function jsonStr(s: string): string {
  const o = new TextOut((s.length << 1) + 16);
  o.jsonStr(s);
  return o.toString();
}

// The log's text; `count` is its number of lines.
const log = new TextOut(1 << 16);
let count: i32 = 0;

// Set by objBegin(): the next key opens a nested object and takes no comma.
let firstKey = false;

function key(name: string): void {
  if (firstKey) {
    firstKey = false;
    log.char(0x22);
  } else log.raw(',"');
  log.raw(name);
  log.raw('":');
}

/** Starts an event: the fields every event has. */
export function begin(kind: string, cpu: i32, payload: string | null): void {
  if (count > 0) log.char(10);
  count++;
  log.raw('{"t":');
  log.u64(clockNow());
  log.raw(',"cpu":');
  log.i64(cpu);
  log.raw(',"kind":');
  log.jsonStr(kind);
  log.raw(',"payload":');
  if (payload === null) log.raw("null");
  else log.jsonStr(payload);
}

export function fStr(name: string, v: string): void {
  key(name);
  log.jsonStr(v);
}

/** A string, or JSON null. */
export function fStrOrNull(name: string, v: string | null): void {
  key(name);
  if (v === null) log.raw("null");
  else log.jsonStr(v);
}

export function fInt(name: string, v: i64): void {
  key(name);
  log.i64(v);
}

export function fU64(name: string, v: u64): void {
  key(name);
  log.u64(v);
}

export function fBool(name: string, v: bool): void {
  key(name);
  log.raw(v ? "true" : "false");
}

export function fInts(name: string, v: i32[]): void {
  key(name);
  log.char(0x5b);
  for (let i = 0; i < v.length; i++) {
    if (i > 0) log.char(0x2c);
    log.i64(v[i]);
  }
  log.char(0x5d);
}

/** An address as a "0x…" string (u64 does not fit a JSON number). */
export function fAddr(name: string, v: u64): void {
  key(name);
  log.jsonAddr(v);
}

/** Bytes as a lower-case hex string without separators. */
export function fBytes(name: string, b: Uint8Array): void {
  key(name);
  log.jsonHex(b);
}

/** Opens a nested object field; its fields follow (at least one), then objEnd(). */
export function objBegin(name: string): void {
  key(name);
  log.char(0x7b);
  firstKey = true;
}

export function objEnd(): void {
  log.char(0x7d);
}

export function end(): void {
  log.char(0x7d);
}

// The compact write line is stored through a raw pointer after one reserve() for the whole line.

export const WRITE_APPLY_BRANCH: i32 = 0x62; // "b"
export const WRITE_APPLY_NOP: i32 = 0x6e; // "n"
/** AArch64: the BRK #2 Xen writes when it cannot encode the branch (patch.ts INSN_BRK); its target is the new_addr it could not reach. */
export const WRITE_APPLY_BRK: i32 = 0x6b; // "k"
export const WRITE_REVERT: i32 = 0x72; // "r"

/**
 * A `write` event in the log's compact line form: APPLY and REVERT write one per function, and
 * this form takes a fifth of the JSON's characters and no field names to decode. The one decoder,
 * decodeEvents() in src/protocol/events.ts, reads it as
 *   W<t>,<cpu>,<b|n|r>,<func index>,0x<addr>,<old hex>,<new hex>,[0x<target>],<n>:<payload><n>:<func name>
 * where b is apply/branch, k apply/brk (AArch64's BRK #2 in place of a branch Xen could not
 * encode; both carry the target), n apply/nop, r revert/restore. `len`
 * bytes of `old` and of `neu` (at most their lengths).
 */
export function writeEvent(cpu: i32, payload: string, addr: u64, old: Uint8Array, neu: Uint8Array, len: i32, how: i32, index: i32, name: string, target: u64): void {
  const nOld = len < old.length ? len : old.length;
  const nNew = len < neu.length ? len : neu.length;
  // Characters at most: W, t (20), cpu and index (11 each), how, two addresses (18 each), seven
  // separators, two counts (10 each) with their colons, a newline; then the hex and the strings.
  log.reserve((128 + ((nOld + nNew) << 1) + payload.length + name.length) << 1);
  let at = log.end;
  if (count > 0) {
    store<u16>(at, 10);
    at += 2;
  }
  count++;
  store<u16>(at, 0x57);
  at = storeU64(at + 2, clockNow());
  store<u16>(at, 0x2c);
  at = storeI64(at + 2, cpu);
  store<u16>(at, 0x2c);
  store<u16>(at + 2, <u16>how);
  store<u16>(at + 4, 0x2c);
  at = storeI64(at + 6, index);
  store<u16>(at, 0x2c);
  at = storeAddr(at + 2, addr);
  store<u16>(at, 0x2c);
  at = storeHexBytes(at + 2, old, nOld);
  store<u16>(at, 0x2c);
  at = storeHexBytes(at + 2, neu, nNew);
  store<u16>(at, 0x2c);
  at += 2;
  if (how == WRITE_APPLY_BRANCH || how == WRITE_APPLY_BRK) at = storeAddr(at, target);
  store<u16>(at, 0x2c);
  at = storeCounted(at + 2, payload);
  at = storeCounted(at, name);
  log.used = <i32>(at - changetype<usize>(log.buf));
}

/** Xen's log levels (XENLOG_*), as the console event carries them. */
export const LEVEL_ERR = "err";
export const LEVEL_WARNING = "warning";
export const LEVEL_INFO = "info";
export const LEVEL_DEBUG = "debug";
/** A printk without a level (the 'x' key's dump, the panic banner). */
export const LEVEL_NONE = "none";

/** A console line Xen would print, attributed to a payload. */
export function consoleLine(payload: string | null, line: string, level: string = LEVEL_INFO, cpu: i32 = -1): void {
  begin("console", cpu, payload);
  fStr("line", line);
  fStr("level", level);
  end();
}

/** Every line since the last take, "\n"-separated; empties the log. */
export function takeEventLines(): string {
  const text = log.toString();
  clearEvents();
  return text;
}

/** The log's bytes (UTF-16LE) for a host that decodes them itself: pointer and length. */
export function eventsPtr(): usize {
  return changetype<usize>(log.buf);
}

export function eventsByteLength(): i32 {
  return log.used;
}

/** Empties the log; a buffer grown past 1 MiB by a big action is given back. */
export function clearEvents(): void {
  log.clear(1 << 20, 1 << 16);
  count = 0;
}

export function resetEvents(): void {
  clearEvents();
}
