// What %pS / %ps print (xen/common/vsprintf.c pointer() over symbols_lookup() in
// xen/common/symbols.c and livepatch_symbols_lookup() in xen/common/livepatch.c): the region that
// holds the address (Xen's text, or a payload's), the symbol at or below it, and for a payload the
// payload's name in brackets. Also where Xen's own text is, which the exception-table and
// bug-frame lookups need too.
import { imageSymAddr, imageSymbolCount, imageSymName, imageSymKind, SYM_FUNC, imageAddrOf } from "../image";
import { payloads } from "../payload";

let xenSorted: i32[] = [];
let xenAddrs: u64[] = [];
let builtFor: i32 = -1;
let builtEpoch: u32 = 0;
let epoch: u32 = 1;

/** Forgets the sorted table (a new image was booted). */
export function resetSymbolize(): void {
  epoch++;
}

/** [start, end) of Xen's runtime text (_stext.._etext), or [0, 0). */
export function xenTextStart(): u64 {
  const s = imageAddrOf("_stext");
  return s != 0 ? s : imageAddrOf("_start");
}

export function xenTextEnd(): u64 {
  return imageAddrOf("_etext");
}

export function inXenText(a: u64): bool {
  const s = xenTextStart();
  const e = xenTextEnd();
  return s != 0 && e > s && a >= s && a < e;
}

// Sort keys for Array.sort (no closures in AssemblyScript).
let keys: u64[] = [];
function byAddr(a: i32, b: i32): i32 {
  const x = keys[a];
  const y = keys[b];
  if (x != y) return x < y ? -1 : 1;
  // The same address: a FUNC names it before a label, then table order.
  const fa = imageSymKind(a) == SYM_FUNC ? 0 : 1;
  const fb = imageSymKind(b) == SYM_FUNC ? 0 : 1;
  return fa != fb ? fa - fb : a - b;
}

function ensureSorted(): void {
  const n = imageSymbolCount();
  if (builtFor == n && builtEpoch == epoch) return;
  const all: u64[] = new Array<u64>(n);
  const idx: i32[] = [];
  for (let i = 0; i < n; i++) {
    all[i] = imageSymAddr(i);
    const name = imageSymName(i);
    if (name.length == 0 || name.charCodeAt(0) == 0x24) continue;
    idx.push(i);
  }
  keys = all;
  idx.sort(byAddr);
  xenSorted = idx;
  xenAddrs = new Array<u64>(idx.length);
  for (let i = 0; i < idx.length; i++) xenAddrs[i] = all[idx[i]];
  builtFor = n;
  builtEpoch = epoch;
}

function hexOff(v: u64): string {
  return v == 0 ? "0" : "0x" + v.toString(16);
}

function render(name: string, off: u64, size: u64, always: bool, payload: string | null): string {
  let s = name;
  if (always || off != 0) s += "+" + hexOff(off) + "/" + hexOff(size);
  if (payload !== null) s += " [" + payload + "]";
  return s;
}

/** The %pS (`always`) / %ps text for `a`, or null when no text region holds it. */
export function symbolText(a: u64, always: bool): string | null {
  if (inXenText(a)) {
    ensureSorted();
    let lo = 0;
    let hi = xenAddrs.length;
    if (hi == 0 || xenAddrs[0] > a) return null;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xenAddrs[mid] <= a) lo = mid;
      else hi = mid;
    }
    while (lo > 0 && xenAddrs[lo - 1] == xenAddrs[lo]) lo--;
    let end = xenTextEnd();
    for (let i = lo + 1; i < xenAddrs.length; i++) {
      if (xenAddrs[i] > xenAddrs[lo]) {
        end = xenAddrs[i];
        break;
      }
    }
    return render(imageSymName(xenSorted[lo]), a - xenAddrs[lo], end - xenAddrs[lo], always, null);
  }
  for (let k = 0; k < payloads.length; k++) {
    const p = payloads[k];
    if (a < p.textAddr || a >= p.textAddr + p.textSize) continue;
    let best = -1;
    for (let i = 0; i < p.symbols.length; i++) {
      const v = p.symbols[i].addr;
      if (v <= a && (best < 0 || p.symbols[best].addr < v)) best = i;
    }
    if (best < 0) return null;
    const s = p.symbols[best];
    return render(s.name, a - s.addr, s.size, always, p.name);
  }
  return null;
}
