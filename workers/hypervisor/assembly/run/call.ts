// The console's `call SYMBOL [ARG...]`: a function of Xen (or of a loaded payload) run with integer
// arguments on CPU 0 in hypercall context, its run reported as a `run` event. The JSON answer
// carries the value and, when it points at a short printable NUL-terminated string, that string.
import { imageFind, imageSymAddr } from "../image";
import { payloads } from "../payload";
import { isHalted } from "../halt";
import { jsonStr } from "../events";
import { runXen, RunContext, OUTCOME_NAMES, OUTCOME_RETURNED, OUTCOME_CRASHED } from "./runner";
import { runEvent, runStopEvent } from "./report";
import { unknownText } from "./xlinfo";
import { readByte, readOk } from "./mem";

/** Longest string the answer quotes. */
const MAX_QUOTED: i32 = 256;

/** The printable string at `p` (bytes 0x20-0x7e up to a NUL), or null. */
function printable(p: u64): string | null {
  const codes: i32[] = [];
  for (let i = 0; i < MAX_QUOTED; i++) {
    const b = readByte(p + <u64>i);
    if (!readOk) return null;
    if (b == 0) return String.fromCharCodes(codes);
    if (b < 0x20 || b > 0x7e) return null;
    codes.push(b);
  }
  return null;
}

class Target {
  addr: u64 = 0;
  payload: string | null = null;
}

function resolve(name: string): Target | null {
  const t = new Target();
  if (name.startsWith("0x") || name.startsWith("0X")) {
    const hex = name.substring(2);
    if (hex.length == 0 || hex.length > 16) return null;
    let v: u64 = 0;
    for (let i = 0; i < hex.length; i++) {
      const c = hex.charCodeAt(i) | 0x20;
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (d < 0) return null;
      v = (v << 4) | <u64>d;
    }
    t.addr = v;
    return t;
  }
  const i = imageFind(name);
  if (i >= 0) {
    t.addr = imageSymAddr(i);
    return t;
  }
  for (let k = 0; k < payloads.length; k++) {
    const syms = payloads[k].symbols;
    for (let j = 0; j < syms.length; j++) {
      if (syms[j].name == name) {
        t.addr = syms[j].addr;
        t.payload = payloads[k].name;
        return t;
      }
    }
  }
  return null;
}

/** Runs `target` (a symbol or 0x address) with `args`; JSON {fn, addr, outcome, ...} or {error}. */
export function callJson(target: string, args: u64[]): string {
  if (isHalted()) return '{"error":"the host is down"}';
  const t = resolve(target);
  if (t === null) return '{"error":' + jsonStr("no Xen or payload symbol '" + target + "'") + "}";
  const ctx = new RunContext();
  ctx.payload = t.payload;
  ctx.crashWhat = "Xen crashed in " + target + " called from the console";
  const r = runXen(t.addr, args, ctx);
  if (r.outcome != OUTCOME_RETURNED && r.outcome != OUTCOME_CRASHED) runStopEvent(r, 0, t.payload, t.addr);
  runEvent(r, 0, target, t.addr, "call");
  let s = '{"fn":' + jsonStr(target) + ',"addr":"0x' + t.addr.toString(16) + '","outcome":' + jsonStr(OUTCOME_NAMES[r.outcome]);
  if (r.outcome == OUTCOME_RETURNED) {
    s += ',"value":"0x' + r.value.toString(16) + '"';
    const str = printable(r.value);
    if (str !== null) s += ',"string":' + jsonStr(str);
  } else s += ',"detail":' + jsonStr(r.outcome == OUTCOME_CRASHED ? r.message : unknownText(r));
  s += ',"instructions":' + r.insns.toString() + ',"calls":' + r.calls.toString() + ',"faults":' + r.faults.toString();
  s += ',"fixups":' + r.fixups.toString() + ',"services":' + r.services.toString() + "}";
  return s;
}
