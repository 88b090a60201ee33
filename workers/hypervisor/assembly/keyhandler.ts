// Xen's 'x' debug key (facts §16): a dump of every payload, also written to the console log.
import { consoleLine, LEVEL_NONE } from "./events";
import { xenBuildId, is64 } from "./image";
import { payloads, STATE_APPLIED, STATE_CHECKED } from "./payload";
import { hexBytes, ptrStr } from "./fmt";

function stateWord(s: i32): string {
  if (s == STATE_CHECKED) return "CHECKED";
  if (s == STATE_APPLIED) return "APPLIED";
  return "unknown";
}

export function keyhandler(key: string): string {
  if (key != "x") return "";
  const lines: string[] = [];
  const w = is64();
  lines.push("'x' pressed - Dumping all livepatch patches");
  const id = xenBuildId;
  if (id !== null) lines.push("build-id: " + hexBytes(id));
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    lines.push(
      " name=" + p.name + " state=" + stateWord(p.state) + "(" + p.state.toString() + ") " + ptrStr(p.textAddr, w) +
        " (.data=" + ptrStr(p.rwAddr, w) + ", .rodata=" + ptrStr(p.roAddr, w) + ") using " + p.pages.toString() + " pages.",
    );
    const m = p.modinfo;
    if (m !== null && m.length > 0) {
      lines.push("livepatch: module metadata:");
      let s = "";
      for (let k = 0; k < m.length; k++) {
        if (m[k] == 0) {
          lines.push("livepatch:   " + s);
          s = "";
        } else s += String.fromCharCode(<i32>m[k]);
      }
      if (s.length > 0) lines.push("livepatch:   " + s);
    }
    for (let k = 0; k < p.funcs.length; k++) {
      const f = p.funcs[k];
      lines.push(
        "    " + f.name + " patch " + ptrStr(f.oldAddr, w) + "(" + f.oldSize.toString() + ") with " + ptrStr(f.newAddr, w) + " (" + f.newSize.toString() + ")",
      );
    }
    if (p.buildId.length > 0) lines.push("build-id=" + hexBytes(p.buildId));
    if (p.depends.length > 0) lines.push("depend-on=" + hexBytes(p.depends));
    if (p.xenDepends.length > 0) lines.push("depend-on-xen=" + hexBytes(p.xenDepends));
  }
  for (let i = 0; i < lines.length; i++) consoleLine(null, lines[i], LEVEL_NONE);
  return lines.join("\n") + "\n";
}
