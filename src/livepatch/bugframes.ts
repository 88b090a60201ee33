// BUG/WARN/ASSERT/run_fn frames as Xen 4.23 lays them out and reads them. x86
// (xen/include/xen/bug.h: struct bug_frame, bug_loc(), bug_ptr(), bug_line()): two words, each a
// signed BUG_DISP_WIDTH-bit displacement from the frame's start with 7 line-number bits above it
// (the location word holds the high bits, the pointer word the low ones); an ASSERT frame
// (xen/arch/x86/include/asm/bug.h) adds a half `0, msg − frame`. Arm
// (xen/arch/arm/include/asm/bug.h): location, file and message displacements and a 16-bit line.
// The simulated hypervisor reads placed frames with the same rule (its run/bugframe.ts); a test
// holds the two equal.
import type { Context } from "./context.ts";
import { ARM_BUG_FRAME, X86_ASSERT_FRAME, X86_BUG_FRAME } from "./layouts.ts";
import { readRelative, type WordSplit } from "./pointers.ts";
import { decodeName, nameBytes } from "./label.ts";
import { stringAt } from "./strings.ts";
import { records } from "./tables.ts";
import type { BugFrame, LivepatchArch, SelfRelative } from "./types.ts";

export const BUG_DISP_WIDTH = 24;
export const BUG_LINE_LO_WIDTH = 31 - BUG_DISP_WIDTH;
export const BUG_LINE_HI_WIDTH = 31 - BUG_DISP_WIDTH;

/**
 * One x86 frame word: its signed displacement, and the line bits above it. A negative
 * displacement borrowed one from those bits when the assembler added them; bug_line() gives it back.
 */
export const splitBugWord: WordSplit = (word) => {
  const disp = (word << (32 - BUG_DISP_WIDTH)) >> (32 - BUG_DISP_WIDTH);
  return { disp, bits: ((word >>> BUG_DISP_WIDTH) + (disp < 0 ? 1 : 0)) & ((1 << BUG_LINE_LO_WIDTH) - 1) };
};

/** bug_line(): the high bits (from the location word) above the low bits (from the pointer word). */
export function bugLine(hiBits: number, loBits: number): number {
  return (hiBits << BUG_LINE_LO_WIDTH) + loBits;
}

const KINDS = ["run_fn", "warn", "bug", "assert"] as const;

/** A string as Xen holds it: its bytes, one not UTF-8 kept (decodeName()), for bugFrameText() to count. */
function text(ctx: Context, f: SelfRelative): string | null {
  const s = stringAt(ctx, f.target);
  return s.ok ? decodeName(s.bytes) : null;
}

/**
 * An x86 frame's file name that the payload does not hold (outside its section, in one with no
 * file contents, no NUL before the section ends). xen/common/bug.c do_bug_frame() reads a file
 * name only inside Xen or a loaded payload (is_kernel(), is_patch()); elsewhere it returns -EINVAL
 * and xen/arch/x86/traps.c do_invalid_op() goes to die. A name in Xen (an undefined symbol) is
 * Xen's own string; Arm trusts no payload file name at all (bugFrameText()).
 */
function unreadableFile(ctx: Context, f: SelfRelative, where: string, kind: string, section: number): void {
  const s = stringAt(ctx, f.target);
  if (s.ok || s.external || f.target.kind !== "symbol") return;
  ctx.diagnostics.push({
    severity: "warning",
    code: "LP_BUG_FILE_UNREADABLE",
    offset: f.offset,
    message: `${where}: the file name ${s.why}: Xen's do_bug_frame() (xen/common/bug.c) takes a file name only from inside Xen or a loaded payload (is_kernel(), is_patch()), else returns -EINVAL and do_invalid_op() goes to die, so when this ${kind} is reached it crashes the host (or prints whatever bytes lie there) instead of naming its file and line`,
    section,
  });
}

export function decodeBugFrames(ctx: Context): BugFrame[] {
  const out: BugFrame[] = [];
  const x86 = ctx.arch === "x86_64";
  for (let frameType = 0; frameType < KINDS.length; frameType++) {
    const layout = x86 ? (frameType === 3 ? X86_ASSERT_FRAME : X86_BUG_FRAME) : ARM_BUG_FRAME;
    const f = (n: string) => layout.field(n).offset;
    records(ctx, `.bug_frames.${frameType}`, layout, ctx.arch !== null, (src, at, index, where) => {
      const word = (name: string, split: WordSplit | null) => readRelative(ctx, src, at + f(name), at, `${where}.${name}`, split);
      const loc = word("loc_disp", x86 ? splitBugWord : null);
      const ptr = word(x86 ? "ptr_disp" : "file_disp", x86 ? splitBugWord : null);
      const msg = frameType === 3 ? word("msg_disp", null).field : null;
      // Arm's BUG_FRAME() fills msg_disp in every frame (`.long (3b - 4b)`, a PREL32 to the end of
      // the file name); only an assert frame's is read (bug_msg()), but it is a field of the frame.
      if (!x86 && frameType !== 3) src.used.add(at + f("msg_disp"));
      const run = frameType === 0;
      out.push({
        frameType,
        index,
        offset: src.fileOffset + at,
        size: layout.size,
        loc: loc.field,
        ptr: ptr.field,
        msg,
        // run_fn frames carry no line: x86 passes 0, Arm has no pointer either (the function is in a register).
        line: run ? null : x86 ? bugLine(loc.bits, ptr.bits) : src.data.u16(at + f("line")),
        file: run ? null : text(ctx, ptr.field),
        message: msg ? text(ctx, msg) : null,
      });
      if (x86 && !run) unreadableFile(ctx, ptr.field, where, KINDS[frameType], src.sectionIndex);
    });
  }
  return out;
}

/** Xen's limit on a file name in do_bug_frame(): longer than this, it prints "..." and the last KEPT bytes. */
export const BUG_FILE_MAX = 50;
export const BUG_FILE_KEPT = 47;

/**
 * What Arm prints (do_unexpected_trap(), after "CPU<n>: ") for a frame whose file name is not
 * inside Xen's image: arm64's do_trap_brk() and arm32's do_trap_undefined_instruction().
 */
export const ARM_UNTRUSTED_FRAME = { aarch64: "Unexpected Trap: Undefined Breakpoint Value", arm32: "Unexpected Trap: Undefined Instruction" } as const;

/**
 * What Xen prints when a CPU reaches the frame's instruction, or for a run_fn frame what it does
 * instead; null when the frame's file name could not be read. x86 (xen/common/bug.c
 * do_bug_frame()): "Xen WARN at %s%s:%d", "Xen BUG at %s%s:%d", "Assertion '%s' failed at
 * %s%s:%d", a file name whose strlen() is over 50 bytes as "..." and its last 47 bytes (bytes,
 * not characters: a cut may split a UTF-8 sequence, and the byte left is kept as decodeName()
 * keeps it). Arm (xen/arch/arm/traps.c do_bug_frame()) trusts only a file name inside Xen's image
 * (is_kernel()); a payload's own is not, so the trap ends as ARM_UNTRUSTED_FRAME. The
 * simulated hypervisor prints the same (workers/hypervisor/assembly/run/traps.ts bugFrame());
 * workers/hypervisor/tests/bugframes.test.ts holds the two equal.
 */
export function bugFrameText(b: BugFrame, arch: LivepatchArch | null): string | null {
  if (b.frameType === 0) return "run_in_exception_handler()";
  if (b.file === null) return null;
  if (arch === "aarch64" || arch === "arm32") return ARM_UNTRUSTED_FRAME[arch];
  const bytes = nameBytes(b.file);
  const file = bytes.length > BUG_FILE_MAX ? `...${decodeName(bytes.subarray(bytes.length - BUG_FILE_KEPT))}` : b.file;
  const where = `${file}:${b.line ?? 0}`;
  if (b.frameType === 1) return `Xen WARN at ${where}`;
  if (b.frameType === 2) return `Xen BUG at ${where}`;
  return `Assertion '${b.message ?? "<unknown>"}' failed at ${where}`;
}
