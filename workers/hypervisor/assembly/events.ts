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

let lines: string[] = [];

const HEX = "0123456789abcdef";

/** JSON string literal; escapes quotes, backslashes and every control character. */
export function jsonStr(s: string): string {
  // Fast path: most strings need no escaping, and per-character concatenation is what made
  // large actions slow.
  let clean = true;
  for (let i = 0; i < s.length && clean; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c || c < 0x20 || c == 0x2028 || c == 0x2029) clean = false;
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

function field(name: string, value: string | null): string {
  if (value === null) return "";
  return "," + jsonStr(name) + ":" + jsonStr(value);
}

export function emit(e: Ev): void {
  let s = '{"t":' + clockNow().toString() + ',"cpu":' + e.cpu.toString() + ',"kind":' + jsonStr(e.kind);
  const p = e.payload;
  s += ',"payload":' + (p === null ? "null" : jsonStr(p));
  s += ',"rc":' + (e.hasRc ? e.rc.toString() : "null");
  s += field("addr", e.addr);
  s += field("before", e.before);
  s += field("after", e.after);
  s += field("state", e.state);
  s += field("phase", e.phase);
  s += field("line", e.line);
  s += field("note", e.note);
  lines.push(s + "}");
}

/** A console line Xen would print, attributed to a payload. */
export function consoleLine(payload: string | null, line: string, rc: i32, hasRc: bool): void {
  const e = new Ev("console");
  e.payload = payload;
  e.line = line;
  if (hasRc) e.withRc(rc);
  emit(e);
}

export function takeEventLines(): string {
  // One copy into a buffer sized up front: Array<string>.join concatenates pairwise, which is
  // quadratic over the thousands of lines a 2,000-function apply produces.
  let total = 0;
  for (let i = 0; i < lines.length; i++) total += unchecked(lines[i]).length + (i > 0 ? 1 : 0);
  const buf = new ArrayBuffer(total << 1);
  let at = changetype<usize>(buf);
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) {
      store<u16>(at, 10);
      at += 2;
    }
    const line = unchecked(lines[i]);
    const bytes = (<usize>line.length) << 1;
    memory.copy(at, changetype<usize>(line), bytes);
    at += bytes;
  }
  lines = [];
  return String.UTF16.decode(buf);
}

export function resetEvents(): void {
  lines = [];
}
