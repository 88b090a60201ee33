// Bug frames split as Xen 4.23 splits them. Expected values: words built by hand the way
// xen/arch/x86/include/asm/bug.h's BUG_FRAME assembles them (displacement + (line >> 7) << 24 in the
// location word, + (line & 0x7f) << 24 in the pointer word); the committed xen_warn_bug samples
// against `readelf -r` / `objdump -s` of their .bug_frames.* and .rodata.bug_file and the lines of
// fixtures/payloads/warn_bug.c (WARN() 36, BUG() 45, ASSERT(n < 100) 89); and, with
// XEN_TEST_PAYLOADS, Xen's own xen_hello_world payload (BUG_ON on line 30 of
// test/livepatch/xen_hello_world_func.c and line 37 of xen_hello_world.c).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "./analyze.ts";
import { bugFrameText, bugLine, splitBugWord } from "./bugframes.ts";
import type { BugFrame, PointerTarget } from "./types.ts";
import { samplePath } from "../test-support/samples.ts";
import { wrongFrames } from "./testing/bugWords.ts";

const frames = (path: string) => {
  const model = analyzePayload(parseElf(new Uint8Array(readFileSync(path))));
  if (!model) throw new Error(`${path}: not a livepatch payload`);
  return model.bugFrames;
};
const at = (t: PointerTarget) => (t.kind === "symbol" ? `${t.symbol}+0x${t.addend.toString(16)}` : t.kind);
const row = (b: BugFrame) => ({ type: b.frameType, size: b.size, loc: at(b.loc.target), ptr: at(b.ptr.target), line: b.line, file: b.file, msg: b.msg && at(b.msg.target), message: b.message });

describe("the x86 word split (bug_loc, bug_ptr, bug_line)", () => {
  it("worked by hand: 0x1dfffffc is displacement -4 with line bits 0x1e (the borrow given back)", () => {
    expect(splitBugWord(0x1dfffffc | 0)).toEqual({ disp: -4, bits: 0x1e });
    expect(splitBugWord(0x1e000004)).toEqual({ disp: 4, bits: 0x1e });
    expect(splitBugWord(0xff800000 | 0)).toEqual({ disp: -0x800000, bits: 0 });
    expect(splitBugWord(0x7f7fffff)).toEqual({ disp: 0x7fffff, bits: 0x7f });
    expect(bugLine(1, 0)).toBe(128);
  });

  it("recovers every line 0-16383 and the displacement, either sign", () => {
    const wrong = wrongFrames(({ loc, ptr, line, w0, w1 }) => {
      const a = splitBugWord(w0 | 0);
      const b = splitBugWord(w1 | 0);
      const got = [a.disp, b.disp, bugLine(a.bits, b.bits)];
      return got.join() === [loc, ptr, line].join() ? null : `got ${got}`;
    });
    expect(wrong).toEqual([]);
  });
});

describe("bug frames of the committed samples", () => {
  it("x86_64 xen_warn_bug: the file string, not the addend with line bits; lines 36, 45, 89", () => {
    // readelf -r: .rodata.bug_file + 0x24000004 / 0x2d000018 / 0x5900002c at frame+4, + 0x48 at frame+12.
    expect(frames(samplePath("x86_64/xen_warn_bug.livepatch")).map(row)).toEqual([
      { type: 1, size: 8, loc: "warn_bug_pre_apply+0x31", ptr: ".rodata.bug_file+0x0", line: 36, file: "payloads/warn_bug.c", msg: null, message: null },
      { type: 2, size: 8, loc: "warn_bug_check+0xb", ptr: ".rodata.bug_file+0x14", line: 45, file: "payloads/warn_bug.c", msg: null, message: null },
      { type: 3, size: 16, loc: "warn_bug_assert+0xa", ptr: ".rodata.bug_file+0x28", line: 89, file: "payloads/warn_bug.c", msg: ".rodata.bug_file+0x3c", message: "n < 100" },
    ]);
  });

  it("x86_64 xen_alternatives: its WARN frame names alternatives_func.c, line 78", () => {
    // readelf -r: .text.xen_alt_major_version + 0x19, .rodata.bug_file + 0x4e000004; __LINE__ of its asm is 78.
    expect(frames(samplePath("x86_64/xen_alternatives.livepatch")).map(row)).toEqual([
      { type: 1, size: 8, loc: "xen_alt_major_version+0x19", ptr: ".rodata.bug_file+0x0", line: 78, file: "alternatives_func.c", msg: null, message: null },
    ]);
  });

  it("aarch64 xen_warn_bug: 16-byte frames, the line in its own field", () => {
    // readelf -r: file at frame+4 (.rodata.bug_file + 0x4 / 0x19 / 0x2e), msg at frame+8 (+ 0x1c / 0x31 / 0x46);
    // objdump -s: the u16 at frame+12 is 0x24, 0x2d, 0x59.
    expect(frames(samplePath("aarch64/xen_warn_bug.livepatch")).map(row)).toEqual([
      { type: 1, size: 16, loc: "warn_bug_pre_apply+0x3c", ptr: ".rodata.bug_file+0x0", line: 36, file: "payloads/warn_bug.c", msg: null, message: null },
      { type: 2, size: 16, loc: "warn_bug_check+0xc", ptr: ".rodata.bug_file+0x15", line: 45, file: "payloads/warn_bug.c", msg: null, message: null },
      { type: 3, size: 16, loc: "warn_bug_assert+0xc", ptr: ".rodata.bug_file+0x2a", line: 89, file: "payloads/warn_bug.c", msg: ".rodata.bug_file+0x3e", message: "n < 100" },
    ]);
  });

  it("aarch64: the msg_disp word every Arm frame carries is a field of the frame, not a stray relocation", () => {
    // xen/arch/arm/include/asm/bug.h BUG_FRAME(): `.long (3b - 4b)` in every frame, so readelf -r
    // lists a PREL32 at frame+8 in .bug_frames.1 and .2 too, though only an assert's is read.
    const model = analyzePayload(parseElf(new Uint8Array(readFileSync(samplePath("aarch64/xen_warn_bug.livepatch")))));
    expect(model?.diagnostics.filter((d) => d.code === "LP_RELOC_NOT_ON_FIELD")).toEqual([]);
  });
});

const REAL = process.env.XEN_TEST_PAYLOADS;
describe.runIf(REAL)("bug frames of Xen's own xen_hello_world (XEN_TEST_PAYLOADS)", () => {
  it("x86_64: .LC0 line 30 and .LC4 line 37, as `readelf -r` and the C sources say", () => {
    const file = join(REAL!, "x86_64", "xen_hello_world.livepatch");
    if (!existsSync(file)) throw new Error(`XEN_TEST_PAYLOADS is set but ${file} is missing`);
    // readelf -r .rela.bug_frames.2: .text.xen_hello_world + 0x34, .LC0 + 0x1e000004,
    // .text.check_fnc + 0x2a, .LC4 + 0x25000004 (.LC4 is .rodata.check_fnc.str1.8+0x20).
    expect(frames(file).map(row)).toEqual([
      { type: 2, size: 8, loc: "xen_hello_world+0x34", ptr: ".LC0+0x0", line: 30, file: "test/livepatch/xen_hello_world_func.c", msg: null, message: null },
      { type: 2, size: 8, loc: "check_fnc+0x2a", ptr: ".LC4+0x0", line: 37, file: "test/livepatch/xen_hello_world.c", msg: null, message: null },
    ]);
  });
});
if (!REAL) console.log("bug frames of Xen's own payloads: XEN_TEST_PAYLOADS is not set, not run");

// xen/common/bug.c do_bug_frame(): "Xen WARN at %s%s:%d", "Xen BUG at %s%s:%d",
// "Assertion '%s' failed at %s%s:%d", the prefix "..." and the last 47 characters of a file name
// longer than 50.
describe("bugFrameText: what Xen prints at the frame", () => {
  it("x86_64 xen_warn_bug's three frames", () => {
    expect(frames(samplePath("x86_64/xen_warn_bug.livepatch")).map((b) => bugFrameText(b, "x86_64"))).toEqual([
      "Xen WARN at payloads/warn_bug.c:36",
      "Xen BUG at payloads/warn_bug.c:45",
      "Assertion 'n < 100' failed at payloads/warn_bug.c:89",
    ]);
  });

  it("a file name over 50 characters keeps its last 47 after ...; exactly 50 is whole", () => {
    const base = frames(samplePath("x86_64/xen_warn_bug.livepatch"))[1];
    const long = `${"d/".repeat(10)}${"x".repeat(36)}.c`; // 58 characters
    expect(long.length).toBe(58);
    expect(bugFrameText({ ...base, file: long }, "x86_64")).toBe(`Xen BUG at ...${long.slice(11)}:45`);
    const fifty = `${"y".repeat(48)}.c`;
    expect(bugFrameText({ ...base, file: fifty }, "x86_64")).toBe(`Xen BUG at ${fifty}:45`);
    expect(bugFrameText({ ...base, file: null }, "x86_64")).toBeNull();
  });
});

describe("a bug frame whose file name the payload does not hold", () => {
  // xen_alternatives' WARN frame with the file pointer's relocation addend moved 1 MiB on
  // (.rodata.bug_file + 0x4e100004: line 78 as before, displacement 0x100000): readelf -r of the
  // sample puts that relocation (.rela.bug_frames.1 #1) at 0x498 + 24, its addend 16 bytes in;
  // readelf -S puts .bug_frames.1 at 0xc4, so the pointer word is at 0xc8.
  const hostile = () => {
    const bytes = new Uint8Array(readFileSync(samplePath("x86_64/xen_alternatives.livepatch")));
    new DataView(bytes.buffer).setBigInt64(0x498 + 24 + 16, 0x4e100004n, true);
    return analyzePayload(parseElf(bytes))!;
  };

  it("says so: Xen's do_bug_frame() takes a file name only inside Xen or a loaded payload, else the trap is fatal", () => {
    const model = hostile();
    expect(model.bugFrames.map(row)).toEqual([
      { type: 1, size: 8, loc: "xen_alt_major_version+0x19", ptr: ".rodata.bug_file+0x100000", line: 78, file: null, msg: null, message: null },
    ]);
    const d = model.diagnostics.filter((x) => x.code === "LP_BUG_FILE_UNREADABLE");
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: "warning", offset: 0xc8 });
    // .rodata.bug_file is 0x14 bytes (readelf -S of the sample).
    expect(d[0].message).toContain(".bug_frames.1[0]: the file name points at .rodata.bug_file+0x100000, outside its 20 bytes");
    expect(d[0].message).toContain("do_bug_frame()");
    expect(d[0].message).toContain("is_kernel(), is_patch()");
  });

  it("the unchanged sample has no such warning", () => {
    const model = analyzePayload(parseElf(new Uint8Array(readFileSync(samplePath("x86_64/xen_alternatives.livepatch")))))!;
    expect(model.diagnostics.filter((x) => x.code === "LP_BUG_FILE_UNREADABLE")).toEqual([]);
  });
});
