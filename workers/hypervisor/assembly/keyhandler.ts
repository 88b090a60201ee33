// Xen's 'x' debug key (livepatch_printall() in xen/common/livepatch.c): a dump of every payload,
// also written to the console log. Reading a payload's pointers into a freed upload buffer
// faults there as it would on the host.
import { consoleLine, LEVEL_NONE, LEVEL_INFO } from "./events";
import { xenBuildId, is64 } from "./image";
import { payloads, STATE_APPLIED, STATE_CHECKED, DANG_FUNCS, DANG_BUILD_ID, DANG_DEPENDS, DANG_MODINFO } from "./payload";
import { hexBytes, ptrStr } from "./fmt";
import { touch } from "./dangling";
import { isHalted } from "./halt";

function stateWord(s: i32): string {
  if (s == STATE_CHECKED) return "CHECKED";
  if (s == STATE_APPLIED) return "APPLIED";
  return "unknown";
}

/** `%*phN` prints at most 64 bytes. */
function phN(b: Uint8Array): string {
  return hexBytes(b, b.length > 64 ? 64 : b.length);
}

let dump = "";

function say(line: string, level: string = LEVEL_NONE): void {
  consoleLine(null, line, level);
  dump += line + "\n";
}

export function keyhandler(key: string): string {
  if (key != "x") return "";
  const w = is64();
  dump = "";
  // "'%c' pressed - Dumping all livepatch patches"
  say("'x' pressed - Dumping all livepatch patches");
  const id = xenBuildId;
  // "build-id: %*phN"
  if (id !== null) say("build-id: " + phN(id));
  for (let i = 0; i < payloads.length && !isHalted(); i++) {
    const p = payloads[i];
    // " name=%s state=%s(%d) %p (.data=%p, .rodata=%p) using %u pages."
    say(" name=" + p.name + " state=" + stateWord(p.state) + "(" + p.state.toString() + ") " + ptrStr(p.textAddr, w) +
      " (.data=" + ptrStr(p.rwAddr, w) + ", .rodata=" + ptrStr(p.roAddr, w) + ") using " + p.pages.toString() + " pages.");
    // livepatch_display_metadata(): "module metadata:", then "  %s" per string.
    const m = p.modinfo;
    if (m !== null && m.length > 0) {
      if (!touch(p, DANG_MODINFO, 0, "the 'x' key")) break;
      say("livepatch: module metadata:", LEVEL_INFO);
      let s = "";
      for (let k = 0; k < m.length; k++) {
        if (m[k] == 0) {
          say("livepatch:   " + s, LEVEL_INFO);
          s = "";
        } else s += String.fromCharCode(<i32>m[k]);
      }
      if (s.length > 0) say("livepatch:   " + s, LEVEL_INFO);
    }
    if (p.funcs.length > 0 && !touch(p, DANG_FUNCS, 0, "the 'x' key")) break;
    for (let k = 0; k < p.funcs.length; k++) {
      const f = p.funcs[k];
      const name = f.nameAddr == 0 && f.name.length == 0 ? "<NULL>" : f.name;
      // "    %s patch %p(%u) with %p (%u)"
      say("    " + name + " patch " + ptrStr(f.oldAddr, w) + "(" + f.oldSize.toString() + ") with " + ptrStr(f.newAddr, w) + " (" + f.newSize.toString() + ")");
    }
    // "build-id=%*phN", "depend-on=%*phN"
    if (p.buildId.length > 0) {
      if (!touch(p, DANG_BUILD_ID, 0, "the 'x' key")) break;
      say("build-id=" + phN(p.buildId));
    }
    if (p.depends.length > 0) {
      if (!touch(p, DANG_DEPENDS, 0, "the 'x' key")) break;
      say("depend-on=" + phN(p.depends));
    }
  }
  return dump;
}
