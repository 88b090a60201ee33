// What every view calls a livepatch_func: its name when the record has one, else the symbol its
// old_addr is relocated against (Xen patches that address; a payload like xen_nop leaves name NULL),
// else its index. One spelling, so the list, the card, the diagram and the Overview agree.
import type { LivepatchFunc } from "./types.ts";

export function funcLabel(fn: LivepatchFunc): string {
  if (fn.name.text) return fn.name.text;
  const t = fn.oldAddr.target;
  if (t.kind === "symbol" && !t.symbol.startsWith("#")) return t.addend === 0n ? t.symbol : `${t.symbol}${t.addend < 0n ? "-" : "+"}0x${(t.addend < 0n ? -t.addend : t.addend).toString(16)}`;
  return `#${fn.index}`;
}
