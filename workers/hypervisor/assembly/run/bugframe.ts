// BUG/WARN/ASSERT frames as do_bug_frame() finds them (xen/common/bug.c on x86,
// xen/arch/arm/traps.c on ARM): the text region holding the trapping pc (Xen's own, or a
// payload's), then the frame in that region's .bug_frames.0-3 whose location is the pc.
// x86 frames are 8 bytes, two self-relative 24-bit displacements with the line number's high and
// low 7 bits packed above them (an ASSERT's frame has a second 8-byte half with the predicate);
// ARM frames are 16 bytes: location, file and message displacements and a 16-bit line.
import { arch, ARCH_X86_64, imageAddrOf } from "../image";
import { payloads } from "../payload";
import { readLe, readOk } from "./mem";
import { cString } from "./vsprintf";
import { xenTextStart, xenTextEnd } from "./symbolize";

export const BUGFRAME_RUN_FN: i32 = 0;
export const BUGFRAME_WARN: i32 = 1;
export const BUGFRAME_BUG: i32 = 2;
export const BUGFRAME_ASSERT: i32 = 3;

/** A frame found for a trapping pc. `file` is null when Xen would refuse its file pointer. */
export class BugHit {
  kind: i32 = 0;
  frame: u64 = 0;
  file: string | null = null;
  line: i32 = 0;
  /** ASSERT: the predicate ("<unknown>" when its pointer is not Xen's or a payload's). */
  msg: string = "";
  /** run_in_exception_handler: the function to call (x86: in the frame; ARM: in x0). */
  fn: u64 = 0;
}

// xen/include/xen/bug.h; the page's decoder of payload files (src/livepatch/bugframes.ts) uses the
// same rule, and a test holds the two equal.
const BUG_DISP_WIDTH: u32 = 24;
const BUG_LINE_LO_WIDTH: i32 = 31 - <i32>BUG_DISP_WIDTH;

/** An x86 frame word's signed displacement (bug_loc() / bug_ptr()). */
export function bugWordDisp(w: u32): i32 {
  return <i32>(w << (32 - BUG_DISP_WIDTH)) >> (32 - BUG_DISP_WIDTH);
}

/** The line bits above a word's displacement, with the borrow a negative displacement took given back. */
function lineBits(w: u32): i32 {
  return ((<i32>(w >> BUG_DISP_WIDTH)) + (bugWordDisp(w) < 0 ? 1 : 0)) & ((1 << BUG_LINE_LO_WIDTH) - 1);
}

/** bug_line() of an x86 frame from its two words: high bits in the location word, low bits in the pointer word. */
export function bugFrameLine(w0: u32, w1: u32): i32 {
  return (lineBits(w0) << BUG_LINE_LO_WIDTH) + lineBits(w1);
}

/** is_kernel(): inside Xen's image [_start, _end). */
function isKernel(a: u64): bool {
  const s = imageAddrOf("_start");
  const e = imageAddrOf("_end");
  return s != 0 && e > s && a >= s && a < e;
}

/** is_patch(): inside a loaded payload's text, rw or ro region. */
function isPatch(a: u64): bool {
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    if ((a >= p.rwAddr && a < p.rwAddr + p.rwSize) || (a >= p.roAddr && a < p.roAddr + p.roSize) || (a >= p.textAddr && a < p.textAddr + p.textSize)) return true;
  }
  return false;
}

function fileOk(a: u64): bool {
  return arch == ARCH_X86_64 ? isKernel(a) || isPatch(a) : isKernel(a);
}

/** Looks through [start, stop) of frames of `kind` for one at `pc`. */
function scan(kind: i32, start: u64, stop: u64, pc: u64): BugHit | null {
  const x86 = arch == ARCH_X86_64;
  const step: u64 = x86 ? 8 : 16;
  if (stop <= start || stop - start > 0x1000000) return null;
  for (let b = start; b + step <= stop; b += step) {
    const w0 = <u32>readLe(b, 4);
    if (!readOk) return null;
    const w1 = <u32>readLe(b + 4, 4);
    if (!readOk) return null;
    const locDisp: i64 = x86 ? <i64>bugWordDisp(w0) : <i64>(<i32>w0);
    if (b + <u64>locDisp != pc) continue;
    const hit = new BugHit();
    hit.kind = kind;
    hit.frame = b;
    let filePtr: u64;
    if (x86) {
      filePtr = b + <u64>(<i64>bugWordDisp(w1));
      hit.line = bugFrameLine(w0, w1);
    } else {
      filePtr = b + <u64>(<i64>(<i32>w1));
      hit.line = <i32>readLe(b + 12, 2);
    }
    if (kind == BUGFRAME_RUN_FN) {
      hit.fn = filePtr;
      return hit;
    }
    if (fileOk(filePtr)) {
      const f = cString(filePtr, 4096);
      if (f !== null) hit.file = f.length > 50 ? "..." + f.substring(f.length - 47) : f;
    }
    if (kind == BUGFRAME_ASSERT) {
      const md = <i32>readLe(b + (x86 ? 12 : 8), 4);
      const m = b + <u64>(<i64>md);
      const s = readOk && fileOk(m) ? cString(m, 4096) : null;
      hit.msg = s !== null ? s : "<unknown>";
    }
    return hit;
  }
  return null;
}

/** The frame for a trap at `pc`, in the text region that holds it; null when there is none. */
export function findBugFrame(pc: u64): BugHit | null {
  const xs = xenTextStart();
  const xe = xenTextEnd();
  if (xs != 0 && pc >= xs && pc < xe) {
    for (let k = 0; k < 4; k++) {
      const hit = scan(k, imageAddrOf("__start_bug_frames_" + k.toString()), imageAddrOf("__stop_bug_frames_" + k.toString()), pc);
      if (hit !== null) return hit;
    }
    return null;
  }
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    if (pc < p.textAddr || pc >= p.textAddr + p.textSize) continue;
    for (let k = 0; k < 4; k++) {
      const name = ".bug_frames." + k.toString();
      for (let j = 0; j < p.placed.length; j++) {
        const s = p.placed[j];
        if (s.name != name) continue;
        const hit = scan(k, s.addr, s.addr + s.size, pc);
        if (hit !== null) return hit;
      }
    }
    return null;
  }
  return null;
}

/** find_text_region(): is `pc` in Xen's text or a payload's? */
export function inTextRegion(pc: u64): bool {
  const xs = xenTextStart();
  if (xs != 0 && pc >= xs && pc < xenTextEnd()) return true;
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    if (pc >= p.textAddr && pc < p.textAddr + p.textSize) return true;
  }
  return false;
}
