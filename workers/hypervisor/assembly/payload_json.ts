// payloadJson(): the payload as the UI and tests see it. Addresses are hex strings (u64 does not
// fit a JSON number), sizes are numbers. Written into one TextOut: a 2,000-function payload's
// details are most of a megabyte.
import { Payload, HOOK_KINDS, HOOK_SECTIONS, STATE_APPLIED, DANG_KINDS } from "./payload";
import { danglingName } from "./dangling";
import { PAGE_SIZE } from "./memory";
import { hasVetoingHooks } from "./hooks";
import { TextOut } from "./textout";

const HOOK_NAMES: string[] = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"];

function region(o: TextOut, name: string, addr: u64, size: u64): void {
  o.jsonStr(name);
  o.raw(':{"addr":');
  o.jsonAddr(addr);
  o.raw(',"size":');
  o.u64(size);
  o.raw(',"pages":');
  o.u64((size + PAGE_SIZE - 1) / PAGE_SIZE);
  o.char(0x7d);
}

export function payloadToJson(p: Payload): string {
  const o = new TextOut(4096 + p.funcs.length * 640 + p.symbols.length * 160 + p.placed.length * 200);
  o.raw('{"name":');
  o.jsonStr(p.name);
  o.raw(',"state":');
  o.jsonStr(p.state == STATE_APPLIED ? "APPLIED" : "CHECKED");
  o.raw(',"rc":');
  o.i64(p.rc);
  o.raw(',"reverted":');
  o.bool(p.reverted);
  o.raw(',"safeToReapply":');
  o.bool(p.safeToReapply);
  o.raw(',"vetoing":');
  o.bool(hasVetoingHooks(p));
  o.raw(',"pages":');
  o.i64(p.pages);
  o.raw(',"base":');
  o.jsonAddr(p.base);
  o.raw(',"regions":{');
  region(o, "text", p.textAddr, p.textSize);
  o.char(0x2c);
  region(o, "rw", p.rwAddr, p.rwSize);
  o.char(0x2c);
  region(o, "ro", p.roAddr, p.roSize);
  o.raw('},"sections":[');
  for (let i = 0; i < p.placed.length; i++) {
    const x = p.placed[i];
    if (i > 0) o.char(0x2c);
    o.raw('{"index":');
    o.i64(x.index);
    o.raw(',"name":');
    o.jsonStr(x.name);
    o.raw(',"region":');
    o.jsonStr(x.region);
    o.raw(',"addr":');
    o.jsonAddr(x.addr);
    o.raw(',"size":');
    o.u64(x.size);
    o.raw(',"offset":');
    o.u64(x.offset);
    o.raw(',"nobits":');
    o.bool(x.nobits);
    o.char(0x7d);
  }
  o.raw('],"funcs":[');
  for (let i = 0; i < p.funcs.length; i++) {
    const f = p.funcs[i];
    const st = p.fstate[i];
    if (i > 0) o.char(0x2c);
    o.raw('{"index":');
    o.i64(f.index);
    o.raw(',"fileOffset":');
    o.u64(f.fileOffset);
    o.raw(',"name":');
    o.jsonStr(f.name);
    o.raw(',"struct":');
    o.jsonAddr(f.structAddr);
    o.raw(',"oldAddr":');
    o.jsonAddr(f.oldAddr);
    o.raw(',"newAddr":');
    o.jsonAddr(f.newAddr);
    o.raw(',"oldSize":');
    o.u64(f.oldSize);
    o.raw(',"newSize":');
    o.u64(f.newSize);
    o.raw(',"version":');
    o.u64(f.version);
    o.raw(',"expect":');
    o.jsonHex(f.expect);
    o.raw(',"applied":');
    o.bool(st.applied != 0);
    o.raw(',"patchOffset":');
    o.i64(st.patchOffset);
    o.raw(',"saved":');
    o.jsonHex(st.insnBuffer.subarray(0, st.savedLen));
    o.char(0x7d);
  }
  o.raw('],"hooks":[');
  let first = true;
  for (let k = 0; k < HOOK_KINDS; k++) {
    if (!p.hookPresent[k]) continue;
    if (!first) o.char(0x2c);
    first = false;
    o.raw('{"kind":');
    o.jsonStr(HOOK_NAMES[k]);
    o.raw(',"section":');
    o.jsonStr(HOOK_SECTIONS[k]);
    o.raw(',"addr":');
    o.jsonAddr(p.hookSecAddr[k]);
    o.raw(',"present":');
    o.bool(p.hasHook(k));
    o.raw(',"pointers":[');
    const ptrs = p.hookPtrs[k];
    for (let j = 0; j < ptrs.length; j++) {
      if (j > 0) o.char(0x2c);
      o.jsonAddr(ptrs[j]);
    }
    o.raw("]}");
  }
  o.raw('],"buildId":');
  o.jsonHex(p.buildId);
  o.raw(',"depends":');
  o.jsonHex(p.depends);
  o.raw(',"xenDepends":');
  o.jsonHex(p.xenDepends);
  o.raw(',"modinfo":');
  const mi = p.modinfo;
  if (mi === null) o.raw("null");
  else o.jsonHex(mi);
  o.raw(',"alternatives":');
  o.i64(p.altCount);
  o.raw(',"altCalls":');
  o.i64(p.altCallCount);
  o.raw(',"exTable":');
  o.i64(p.exTableCount);
  o.raw(',"bugFrames":[');
  for (let i = 0; i < p.bugFrameCounts.length; i++) {
    if (i > 0) o.char(0x2c);
    o.i64(p.bugFrameCounts[i]);
  }
  o.raw('],"dangling":[');
  let firstD = true;
  for (let k = 0; k < DANG_KINDS; k++) {
    if (p.danglingAddr[k] == 0) continue;
    if (!firstD) o.char(0x2c);
    firstD = false;
    o.raw('{"what":');
    o.jsonStr(danglingName(k));
    o.raw(',"addr":');
    o.jsonAddr(p.danglingAddr[k]);
    o.char(0x7d);
  }
  o.raw('],"symbols":[');
  for (let i = 0; i < p.symbols.length; i++) {
    const y = p.symbols[i];
    if (i > 0) o.char(0x2c);
    o.raw('{"name":');
    o.jsonStr(y.name);
    o.raw(',"addr":');
    o.jsonAddr(y.addr);
    o.raw(',"size":');
    o.u64(y.size);
    o.raw(',"exported":');
    o.bool(y.isNew);
    o.char(0x7d);
  }
  o.raw("]}");
  return o.toString();
}
