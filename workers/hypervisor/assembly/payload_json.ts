// payloadJson(): the payload as the UI and tests see it. Addresses are hex strings (u64 does not
// fit a JSON number), sizes are numbers.
import { Payload, HOOK_KINDS, HOOK_SECTIONS, STATE_APPLIED, DANG_KINDS } from "./payload";
import { danglingName } from "./dangling";
import { jsonStr } from "./events";
import { hex64, toHex } from "./bytes";
import { PAGE_SIZE } from "./memory";
import { hasVetoingHooks } from "./hooks";

function region(name: string, addr: u64, size: u64): string {
  return q(name) + ':{"addr":' + q(hex64(addr)) + ',"size":' + size.toString() + ',"pages":' + ((size + PAGE_SIZE - 1) / PAGE_SIZE).toString() + "}";
}

const HOOK_NAMES: string[] = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"];

function q(s: string): string {
  return jsonStr(s);
}

export function payloadToJson(p: Payload): string {
  let s = "{" + q("name") + ":" + q(p.name);
  s += ',"state":' + q(p.state == STATE_APPLIED ? "APPLIED" : "CHECKED");
  s += ',"rc":' + p.rc.toString();
  s += ',"reverted":' + (p.reverted ? "true" : "false");
  s += ',"safeToReapply":' + (p.safeToReapply ? "true" : "false");
  s += ',"vetoing":' + (hasVetoingHooks(p) ? "true" : "false");
  s += ',"pages":' + p.pages.toString() + ',"base":' + q(hex64(p.base));
  s += ',"regions":{' + region("text", p.textAddr, p.textSize) + "," + region("rw", p.rwAddr, p.rwSize) + "," + region("ro", p.roAddr, p.roSize) + "}";
  // Each list is built item by item and joined once: appending to one growing string copied it
  // again for every item, which made a 2,000-function payload take seconds.
  const secs = new Array<string>(p.placed.length);
  for (let i = 0; i < p.placed.length; i++) {
    const x = p.placed[i];
    secs[i] =
      '{"index":' + x.index.toString() + ',"name":' + q(x.name) + ',"region":' + q(x.region) +
      ',"addr":' + q(hex64(x.addr)) + ',"size":' + x.size.toString() + ',"offset":' + x.offset.toString() + ',"nobits":' + (x.nobits ? "true" : "false") + "}";
  }
  s += ',"sections":[' + secs.join(",");
  const funcs = new Array<string>(p.funcs.length);
  for (let i = 0; i < p.funcs.length; i++) {
    const f = p.funcs[i];
    const st = p.fstate[i];
    funcs[i] =
      '{"index":' + f.index.toString() + ',"fileOffset":' + f.fileOffset.toString() + ',"name":' + q(f.name) + ',"struct":' + q(hex64(f.structAddr)) +
      ',"oldAddr":' + q(hex64(f.oldAddr)) + ',"newAddr":' + q(hex64(f.newAddr)) +
      ',"oldSize":' + f.oldSize.toString() + ',"newSize":' + f.newSize.toString() +
      ',"version":' + f.version.toString() + ',"expect":' + q(toHex(f.expect)) +
      ',"applied":' + (st.applied != 0 ? "true" : "false") + ',"patchOffset":' + st.patchOffset.toString() +
      ',"saved":' + q(toHex(st.insnBuffer.subarray(0, st.savedLen))) + "}";
  }
  s += '],"funcs":[' + funcs.join(",");
  s += '],"hooks":[';
  let first = true;
  for (let k = 0; k < HOOK_KINDS; k++) {
    if (!p.hookPresent[k]) continue;
    if (!first) s += ",";
    first = false;
    s += '{"kind":' + q(HOOK_NAMES[k]) + ',"section":' + q(HOOK_SECTIONS[k]) + ',"addr":' + q(hex64(p.hookSecAddr[k]));
    s += ',"present":' + (p.hasHook(k) ? "true" : "false") + ',"pointers":[';
    const ptrs = p.hookPtrs[k];
    for (let j = 0; j < ptrs.length; j++) s += (j > 0 ? "," : "") + q(hex64(ptrs[j]));
    s += "]}";
  }
  s += '],"buildId":' + q(toHex(p.buildId)) + ',"depends":' + q(toHex(p.depends)) + ',"xenDepends":' + q(toHex(p.xenDepends));
  const mi = p.modinfo;
  s += ',"modinfo":' + (mi === null ? "null" : q(toHex(mi)));
  s += ',"alternatives":' + p.altCount.toString() + ',"altCalls":' + p.altCallCount.toString() + ',"exTable":' + p.exTableCount.toString();
  s += ',"bugFrames":[' + p.bugFrameCounts.join(",") + "]";
  s += ',"dangling":[';
  let firstD = true;
  for (let k = 0; k < DANG_KINDS; k++) {
    if (p.danglingAddr[k] == 0) continue;
    s += (firstD ? "" : ",") + '{"what":' + q(danglingName(k)) + ',"addr":' + q(hex64(p.danglingAddr[k])) + "}";
    firstD = false;
  }
  s += "]";
  const syms = new Array<string>(p.symbols.length);
  for (let i = 0; i < p.symbols.length; i++) {
    const y = p.symbols[i];
    syms[i] = '{"name":' + q(y.name) + ',"addr":' + q(hex64(y.addr)) + ',"size":' + y.size.toString() + ',"exported":' + (y.isNew ? "true" : "false") + "}";
  }
  s += ',"symbols":[' + syms.join(",");
  return s + "]}";
}
