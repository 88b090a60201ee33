// The event log: one JSON object per line, in the order things happened. The host drains it with
// takeEvents(). Building the JSON here keeps the wire format in one place and deterministic.
import { clockNow } from "./clock";

export class Ev {
  kind: string;
  cpu: i32 = -1;
  payload: string | null = null;
  hasRc: bool = false;
  rc: i32 = 0;
  addr: string | null = null;
  before: string | null = null;
  after: string | null = null;
  state: string | null = null;
  phase: string | null = null;
  line: string | null = null;
  note: string | null = null;

  constructor(kind: string) {
    this.kind = kind;
  }

  withRc(rc: i32): Ev {
    this.hasRc = true;
    this.rc = rc;
    return this;
  }
}

const HEX = "0123456789abcdef";

/** JSON string literal; escapes quotes, backslashes and every control character. */
export function jsonStr(s: string): string {
  let clean = true;
  for (let i = 0; i < s.length && clean; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c || c < 0x20) clean = false;
  }
  if (clean) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else if (c < 0x20) {
      out += "\\u00";
      out += HEX.charAt((c >> 4) & 15);
      out += HEX.charAt(c & 15);
    } else out += String.fromCharCode(c);
  }
  return out + '"';
}

// The log is one growing UTF-16 buffer: emit() writes each line straight into it, so an event
// costs no intermediate strings (the incremental GC, not the formatting, was what made GET and
// large actions slow). Lines are separated by "\n"; takeEventLines() hands the text out.
let buf = new ArrayBuffer(1 << 16);
let used: i32 = 0;
let count: i32 = 0;

function reserve(extra: i32): void {
  const need = used + extra;
  if (need <= buf.byteLength) return;
  let cap = buf.byteLength << 1;
  while (cap < need) cap <<= 1;
  const next = new ArrayBuffer(cap);
  memory.copy(changetype<usize>(next), changetype<usize>(buf), <usize>used);
  buf = next;
}

function putChar(c: i32): void {
  reserve(2);
  store<u16>(changetype<usize>(buf) + <usize>used, <u16>c);
  used += 2;
}

function putRaw(s: string): void {
  const n = s.length << 1;
  reserve(n);
  memory.copy(changetype<usize>(buf) + <usize>used, changetype<usize>(s), <usize>n);
  used += n;
}

function putU64(v: u64): void {
  let digits = 1;
  for (let x = v / 10; x != 0; x /= 10) digits++;
  reserve(digits << 1);
  let at = changetype<usize>(buf) + <usize>used + (<usize>(digits - 1) << 1);
  let x = v;
  for (let i = 0; i < digits; i++) {
    store<u16>(at, <u16>(0x30 + <i32>(x % 10)));
    x /= 10;
    at -= 2;
  }
  used += digits << 1;
}

function putI32(v: i32): void {
  if (v < 0) {
    putChar(0x2d);
    putU64(<u64>(-(<i64>v)));
  } else putU64(<u64>v);
}

/** A JSON string literal written into the log (same escaping as jsonStr). */
function putJsonStr(s: string): void {
  putChar(0x22);
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c != 0x22 && c != 0x5c && c >= 0x20) continue;
    if (i > from) putRaw(s.substring(from, i));
    if (c == 0x22 || c == 0x5c) {
      putChar(0x5c);
      putChar(c);
    } else {
      putRaw("\\u00");
      putChar(HEX.charCodeAt((c >> 4) & 15));
      putChar(HEX.charCodeAt(c & 15));
    }
    from = i + 1;
  }
  if (from == 0) putRaw(s);
  else if (from < s.length) putRaw(s.substring(from));
  putChar(0x22);
}

function putField(name: string, value: string | null): void {
  if (value === null) return;
  putRaw(name);
  putJsonStr(value);
}

export function emit(e: Ev): void {
  if (count > 0) putChar(10);
  count++;
  putRaw('{"t":');
  putU64(clockNow());
  putRaw(',"cpu":');
  putI32(e.cpu);
  putRaw(',"kind":');
  putJsonStr(e.kind);
  putRaw(',"payload":');
  const p = e.payload;
  if (p === null) putRaw("null");
  else putJsonStr(p);
  putRaw(',"rc":');
  if (e.hasRc) putI32(e.rc);
  else putRaw("null");
  putField(',"addr":', e.addr);
  putField(',"before":', e.before);
  putField(',"after":', e.after);
  putField(',"state":', e.state);
  putField(',"phase":', e.phase);
  putField(',"line":', e.line);
  putField(',"note":', e.note);
  putChar(0x7d);
}

/** A console line Xen would print, attributed to a payload. */
export function consoleLine(payload: string | null, line: string, rc: i32, hasRc: bool): void {
  const e = new Ev("console");
  e.payload = payload;
  e.line = line;
  if (hasRc) e.withRc(rc);
  emit(e);
}

/** Every line since the last take, "\n"-separated; empties the log. */
export function takeEventLines(): string {
  const text = String.UTF16.decodeUnsafe(changetype<usize>(buf), <usize>used);
  clearEvents();
  return text;
}

/** The log's bytes (UTF-16LE) for a host that decodes them itself: pointer and length. */
export function eventsPtr(): usize {
  return changetype<usize>(buf);
}

export function eventsByteLength(): i32 {
  return used;
}

/** Empties the log; a buffer grown past 1 MiB by a big action is given back. */
export function clearEvents(): void {
  used = 0;
  count = 0;
  if (buf.byteLength > 1 << 20) buf = new ArrayBuffer(1 << 16);
}

export function resetEvents(): void {
  clearEvents();
}
