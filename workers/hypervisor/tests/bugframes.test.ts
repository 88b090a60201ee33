// WARN and BUG frames firing in code the simulated CPU runs, on our own xen_warn_bug sample
// (fixtures/payloads/warn_bug.c, frames from fixtures/include/bug_frame.h). What Xen does comes
// from do_bug_frame() (xen/common/bug.c on x86, xen/arch/arm/traps.c on Arm): x86 prints
// "Xen WARN at <file>:<line>", show_execution_state() and resumes after the trap; a BUG prints
// "Xen BUG at <file>:<line>" and panics with the same words. Arm accepts only a file name inside
// Xen's image (is_kernel()), so a payload's frame there is do_trap_brk()'s "Undefined
// Breakpoint Value".
//
// Expected file and lines come from the C source (WARN() on line 36, BUG() on line 45, ASSERT(n < 100)
// on line 89 of
// fixtures/payloads/warn_bug.c, compiled as "payloads/warn_bug.c" from fixtures/); instruction
// offsets and sizes from `objdump -d` / `readelf -s` of public/samples/x86_64/xen_warn_bug.livepatch:
// the UDB (d6, objdump "(bad)") at warn_bug_pre_apply+0x31 (size 0x4b), after `cmp $0x1,%ebx; jne`
// (83 fb 01 75 01), followed by `mov %ebx,%esi; xor %eax,%eax; lea ..(%rip),%rdi`
// (89 de 31 c0 48 8d 3d); the UDB of warn_bug_check at +0xb, its last byte (size 0xc).
import { describe, expect, it } from "vitest";
import { apply, booted, eventsOf, upload, APPLIED } from "./harness.ts";
import { instantiate } from "../build/hypervisor.js";
import { bootFromImage } from "../host/image.ts";
import { parseElf } from "../../../src/elf/index.ts";
import { compileHypervisorModule } from "../host/node.ts";
import { bugFrameText, bugLine, splitBugWord } from "../../../src/livepatch/bugframes.ts";
import { analyzePayload } from "../../../src/livepatch/analyze.ts";
import { escapeName } from "../../../src/livepatch/label.ts";
import { wrongFrames } from "../../../src/livepatch/testing/bugWords.ts";
import { Patch } from "../../../src/audit/test-support/samples.ts";
import { freshHypervisor, sample } from "./harness.ts";

const FILE = "payloads/warn_bug.c";
const WARN_LINE = 36;
const BUG_LINE = 45;
const ASSERT_LINE = 89;

const hex16 = (v: bigint) => v.toString(16).padStart(16, "0");

describe("x86_64: a payload's WARN and BUG", () => {
  it("WARN in the pre-apply hook: Xen prints where and the registers, resumes after the UDB, and the hook's 0 lets APPLY go on", async () => {
    const hv = await booted("x86_64");
    expect(upload(hv, "x86_64", "xen_warn_bug")).toBe(0);
    const from = hv.consoleLines().length;
    expect(apply(hv, "xen_warn_bug")).toBe(0);
    expect(hv.halted()).toBe(false);
    expect(hv.get("xen_warn_bug")).toMatchObject({ state: APPLIED, rc: 0 });
    const [hook] = eventsOf(hv, "hook");
    expect(hook).toMatchObject({ hook: "preapply", executed: true, outcome: "returned", returned: 0, faults: 1, fixups: 0 });
    const fn = BigInt(hook.fn);
    const rip = fn + 0x31n;
    const lines = hv.consoleLines().slice(from);
    const at = lines.indexOf(`Xen WARN at ${FILE}:${WARN_LINE}`);
    expect(at).toBe(lines.indexOf("livepatch: xen_warn_bug: Calling pre-apply hook function") + 1);
    // _show_registers() for CTXT_hypervisor on CPU 0 (the hypercall's CPU): __HYPERVISOR_CS e008;
    // RFLAGS after `cmp $1,%ebx` with ebx 1: ZF and PF, plus IF (hypercall context) and bit 1
    expect(lines.slice(at + 1, at + 4)).toEqual([
      "CPU:    0",
      `RIP:    e008:[<${hex16(rip)}>] warn_bug_pre_apply+0x31/0x4b [xen_warn_bug]`,
      "RFLAGS: 0000000000000246   CONTEXT: hypervisor",
    ]);
    // rbx holds the count the hook just took under its lock: 1
    expect(lines[at + 4]).toMatch(/^rax: [0-9a-f]{16} {3}rbx: 0000000000000001 {3}rcx: [0-9a-f]{16}$/);
    expect(lines[at + 10]).toBe(`Xen code around <${hex16(rip)}> (warn_bug_pre_apply+0x31/0x4b [xen_warn_bug]):`);
    // show_code(): 8 bytes before RIP, then 16 from it
    expect(lines[at + 11]).toMatch(/^( [0-9a-f]{2}){3} 83 fb 01 75 01 <d6> 89 de 31 c0 48 8d 3d( [0-9a-f]{2}){8}$/);
    // then the hook's own code again, after the UDB
    expect(lines[at + 12]).toBe("warn_bug: pre-apply hook call 1 carries on");
    expect(lines[at + 13]).toBe("livepatch: xen_warn_bug: Applying 1 functions");
  });

  it("BUG in a function called from the console: Xen prints where, then panics with the same words", async () => {
    const hv = await booted("x86_64");
    upload(hv, "x86_64", "xen_warn_bug");
    expect(hv.call!("warn_bug_check", [0n])).toMatchObject({ outcome: "returned", value: "0x1" });
    expect(hv.halted()).toBe(false);
    const from = hv.consoleLines().length;
    const r = hv.call!("warn_bug_check", [1n]);
    expect(r).toMatchObject({ outcome: "crashed", detail: `Xen BUG at ${FILE}:${BUG_LINE}`, faults: 1 });
    expect(hv.halted()).toBe(true);
    expect(eventsOf(hv, "panic")).toMatchObject([{ rule: "code-crash", message: `Xen BUG at ${FILE}:${BUG_LINE}` }]);
    const lines = hv.consoleLines().slice(from);
    const at = lines.indexOf(`Xen BUG at ${FILE}:${BUG_LINE}`);
    expect(at).toBe(0);
    expect(lines[at + 2]).toMatch(/^RIP: {4}e008:\[<[0-9a-f]{16}>\] warn_bug_check\+0xb\/0xc \[xen_warn_bug\]$/);
    // the panic banner follows the register lines
    expect(lines.indexOf("Panic on CPU 0:")).toBeGreaterThan(at + 10);
  });
});

// x86 do_invalid_op() takes one bug instruction, by release: ud2 (0f 0b) up to 4.22, the one-byte
// UDB (0xd6) from 4.23 (xen/arch/x86/traps.c, commit 1f3dd605ea in /work/xen); the other one is a
// plain #UD: fatal_trap() "FATAL TRAP: vec 6, #UD[0000]" with no frame lookup (vector 6, error
// code 0). The sample image is 4.23 (fixtures/xen/version.c: xen_minor_version() returns 23, as
// XEN_SUBVERSION in /work/xen/xen/Makefile) and its payloads' frames sit on UDB
// (fixtures/include/bug_frame.h). A 4.22 Xen is the same image with xen_minor_version's
// `mov $0x17,%eax` (b8 17 00 00 00) made `mov $0x16,%eax`: the release is what that code answers
// at boot, and the build-id note, which payloads depend on, is left as it is.
const asRelease = (minor: number) => {
  const img = new Patch(sample("x86_64/xen-syms"));
  const fn = img.elf.symbolTables.find((t) => t.sectionType === 2)!;
  const i = fn.name.indexOf("xen_minor_version");
  const sec = img.elf.sections[fn.shndx[i]];
  const off = sec.dataOffset + Number(fn.value[i] - sec.addr);
  expect([...img.bytes.subarray(off, off + 6)]).toEqual([0xb8, 0x17, 0, 0, 0, 0xc3]);
  return img.u8(off + 1, minor).bytes;
};
const bootedAs = async (minor: number) => {
  const hv = await freshHypervisor();
  bootFromImage(hv, parseElf(asRelease(minor)), { cpus: 4 });
  expect(hv.xlInfo!().fields.find((f) => f.key === "xen_minor")?.value).toBe(String(minor));
  return hv;
};
// warn_bug_check rewritten to trap with a ud2 where its BUG frame points, in its own 12 bytes
// (objdump -D -b binary of these bytes): test %rdi,%rdi; je +2; ud2; push $1; pop %rax; ret,
// and the frame's location moved from +0xb to +5 (.rela.bug_frames.2 record 0: line 45 >> 7 is
// 0, so the addend is the offset alone).
const withUd2Check = () => {
  const p = new Patch(sample("x86_64/xen_warn_bug.livepatch"));
  const at = p.section(".text.warn_bug_check").dataOffset;
  // objdump -d: test; jne +6; mov $1,%eax; ret; UDB at +0xb
  expect([...p.bytes.subarray(at, at + 12)]).toEqual([0x48, 0x85, 0xff, 0x75, 0x06, 0xb8, 0x01, 0, 0, 0, 0xc3, 0xd6]);
  p.bytes.set([0x48, 0x85, 0xff, 0x74, 0x02, 0x0f, 0x0b, 0x6a, 0x01, 0x58, 0xc3, 0xd6], at);
  return p.addend(".rela.bug_frames.2", 0, 5n).bytes;
};
const bugCheck = (hv: Awaited<ReturnType<typeof freshHypervisor>>, bytes: Uint8Array) => {
  expect(hv.upload("xen_warn_bug", bytes)).toBe(0);
  expect(hv.call!("warn_bug_check", [0n])).toMatchObject({ outcome: "returned", value: "0x1" });
  const from = hv.consoleLines().length;
  const r = hv.call!("warn_bug_check", [1n]);
  expect(hv.halted()).toBe(true);
  return { r, bugLine: hv.consoleLines().slice(from).some((l) => l.startsWith("Xen BUG at")) };
};
describe("x86_64: the bug instruction follows the booted image's release", () => {
  it("the sample image is 4.23: a ud2 where warn_bug_check's BUG frame points is a fatal #UD, not Xen's BUG line", async () => {
    const hv = await booted("x86_64");
    expect(hv.xlInfo!().fields.find((f) => f.key === "xen_minor")?.value).toBe("23");
    const { r, bugLine } = bugCheck(hv, withUd2Check());
    expect(r).toMatchObject({ outcome: "crashed", detail: expect.stringMatching(/^FATAL TRAP: vec 6, #UD\[0000\]/) });
    expect(bugLine).toBe(false);
  });

  it("on the same image made 4.22, that ud2 is Xen's BUG line and the sample's UDB is the fatal #UD", async () => {
    const withUd2 = bugCheck(await bootedAs(0x16), withUd2Check());
    expect(withUd2.r).toMatchObject({ outcome: "crashed", detail: `Xen BUG at ${FILE}:${BUG_LINE}` });
    expect(withUd2.bugLine).toBe(true);
    const withUdb = bugCheck(await bootedAs(0x16), sample("x86_64/xen_warn_bug.livepatch"));
    expect(withUdb.r).toMatchObject({ outcome: "crashed", detail: expect.stringMatching(/^FATAL TRAP: vec 6, #UD\[0000\]/) });
    expect(withUdb.bugLine).toBe(false);
  });
});

describe("x86_64: a payload's ASSERT", () => {
  it("a failed ASSERT prints Xen's assertion line with the predicate's text and panics with it", async () => {
    const hv = await booted("x86_64");
    upload(hv, "x86_64", "xen_warn_bug");
    expect(hv.call!("warn_bug_assert", [99n])).toMatchObject({ outcome: "returned", value: "0x63" });
    const from = hv.consoleLines().length;
    const msg = `Assertion 'n < 100' failed at ${FILE}:${ASSERT_LINE}`;
    expect(hv.call!("warn_bug_assert", [100n])).toMatchObject({ outcome: "crashed", detail: msg });
    expect(hv.halted()).toBe(true);
    const lines = hv.consoleLines().slice(from);
    expect(lines[0]).toBe(msg);
    expect(lines[1]).toBe("CPU:    0");
    expect(lines[2]).toMatch(/^RIP: {4}e008:\[<[0-9a-f]{16}>\] warn_bug_assert\+0x[0-9a-f]+\/0x[0-9a-f]+ \[xen_warn_bug\]$/);
    expect(eventsOf(hv, "panic")).toMatchObject([{ message: msg }]);
  });
});

describe("aarch64: a payload's frames are not Xen's", () => {
  const MESSAGE = "CPU0: Unexpected Trap: Undefined Breakpoint Value";

  it("the pre-apply hook's WARN (brk #1) crashes Xen: the frame's file name is outside Xen's image", async () => {
    const hv = await booted("aarch64");
    expect(upload(hv, "aarch64", "xen_warn_bug")).toBe(0);
    apply(hv, "xen_warn_bug");
    expect(hv.halted()).toBe(true);
    expect(eventsOf(hv, "panic")).toMatchObject([{ rule: "code-crash", message: MESSAGE }]);
    expect(eventsOf(hv, "hook")).toMatchObject([{ hook: "preapply", outcome: "crashed", faults: 1 }]);
    expect(hv.consoleLines().some((l) => l.startsWith("Xen WARN"))).toBe(false);
    expect(hv.consoleLines()).not.toContain("warn_bug: pre-apply hook call 1 carries on");
  });

  it("so does the BUG, and so does a failed ASSERT", async () => {
    const hv = await booted("aarch64");
    upload(hv, "aarch64", "xen_warn_bug");
    expect(hv.call!("warn_bug_check", [0n])).toMatchObject({ outcome: "returned", value: "0x1" });
    expect(hv.call!("warn_bug_check", [1n])).toMatchObject({ outcome: "crashed", detail: MESSAGE });
    expect(hv.halted()).toBe(true);
    const hv2 = await booted("aarch64");
    upload(hv2, "aarch64", "xen_warn_bug");
    expect(hv2.call!("warn_bug_assert", [100n])).toMatchObject({ outcome: "crashed", detail: MESSAGE });
  });
});

// The page decodes payload files (src/livepatch/bugframes.ts), the simulated hypervisor placed
// frames (assembly/run/bugframe.ts): one rule, held equal here on words assembled as
// xen/arch/x86/include/asm/bug.h assembles them.
describe("one x86 bug-frame rule for the page and the simulated hypervisor", () => {
  it("the same displacement and line for every line number and displacements of either sign", async () => {
    const w = await instantiate(await compileHypervisorModule(), { env: {} });
    const wrong = wrongFrames(({ loc, ptr, line, w0, w1 }) => {
      const a = splitBugWord(w0 | 0);
      const b = splitBugWord(w1 | 0);
      const page = [a.disp, b.disp, bugLine(a.bits, b.bits)];
      const wasm = [w.bugWordDisp(w0), w.bugWordDisp(w1), w.bugFrameLine(w0, w1)];
      return page.join() === wasm.join() && wasm.join() === [loc, ptr, line].join() ? null : `page ${page} wasm ${wasm}`;
    });
    expect(wrong).toEqual([]);
  });
});

// What do_bug_frame() prints, from two places: the simulated Xen's bugFrame()
// (assembly/run/traps.ts, with run/bugframe.ts's cut of the file name) and the page's
// bugFrameText() (src/livepatch/bugframes.ts), which AssemblyScript cannot share. Both are held
// here to the lines worked by hand from xen/common/bug.c: "Xen WARN at %s%s:%d", "Xen BUG at
// %s%s:%d", "Assertion '%s' failed at %s%s:%d", and `fixup = strlen(filename); if ( fixup > 50 )
// { filename += fixup - 47; prefix = "..."; }`: a file name of 51 bytes or more prints as "..."
// and its last 47 bytes, counted in bytes (strlen), not characters. The names are written over
// the start of xen_warn_bug's .rodata.bug_file (68 bytes; "n < 100" stays at +0x3c) and each
// frame's file word is pointed at +0 (readelf -r: the pointer word's addend is offset + 4 +
// (line & 0x7f) << 24: 0x24000004 WARN line 36, 0x2d000004 BUG line 45, 0x59000004 ASSERT line 89).
// A byte that is not UTF-8 is spelt \xNN (escapeName()), as every view spells it.
describe("x86_64: the text of a frame, from the simulated Xen and from bugFrameText(), as bug.c prints it", () => {
  const withFile = (name: Uint8Array | null) => {
    const p = new Patch(sample("x86_64/xen_warn_bug.livepatch"));
    if (name) {
      expect(name.length).toBeLessThan(0x3c);
      p.bytes.set([...name, 0], p.section(".rodata.bug_file").dataOffset);
      p.addend(".rela.bug_frames.2", 1, 0x2d000004n).addend(".rela.bug_frames.3", 1, 0x59000004n);
    }
    return p.bytes;
  };
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  // [what the file name is, its bytes (null: the sample's own), what Xen prints of it]
  const CASES: [string, Uint8Array | null, string][] = [
    ["the sample's 19 bytes", null, "payloads/warn_bug.c"],
    ["exactly 50 bytes: whole", latin1("payloads/fifty-byte-path/to/the/samples/warn_bug.c"), "payloads/fifty-byte-path/to/the/samples/warn_bug.c"],
    ["51 bytes: ... and the last 47", latin1("payloads/fifty-one-byte-path/to/the/sample/warn_b.c"), "...oads/fifty-one-byte-path/to/the/sample/warn_b.c"],
    // 50 characters, 51 bytes (é is c3 a9 at bytes 3-4): strlen() is 51, the cut at byte 4 leaves a9 alone
    ["51 bytes, 50 characters: cut inside é", latin1("pay\xc3\xa9loads/fifty-one-bytes/path/to/the/x/warn_bug.c"), "...\\xa9loads/fifty-one-bytes/path/to/the/x/warn_bug.c"],
    ["52 bytes with ff and a lone c3", latin1("payloads/\xff/lone-\xc3/over-the-limit/to/the/x/warn_bug.c"), "...ads/\\xff/lone-\\xc3/over-the-limit/to/the/x/warn_bug.c"],
  ];

  it.each(CASES)("%s", async (_what, name, printed) => {
    const bytes = withFile(name);
    const expected = [`Xen WARN at ${printed}:${WARN_LINE}`, `Xen BUG at ${printed}:${BUG_LINE}`, `Assertion 'n < 100' failed at ${printed}:${ASSERT_LINE}`];
    // the page's text of each frame
    const model = analyzePayload(parseElf(bytes))!;
    expect(model.bugFrames.map((b) => b.frameType)).toEqual([1, 2, 3]);
    expect(model.bugFrames.map((b) => escapeName(bugFrameText(b, model.arch)!))).toEqual(expected);
    // the simulated Xen's: the WARN in the pre-apply hook, the BUG and the ASSERT from the console
    const hv = await booted("x86_64");
    expect(hv.upload("xen_warn_bug", bytes)).toBe(0);
    expect(apply(hv, "xen_warn_bug")).toBe(0);
    const warn = hv.consoleLines().filter((l) => l.startsWith("Xen WARN at"));
    const bug = hv.call!("warn_bug_check", [1n]);
    const hv2 = await booted("x86_64");
    expect(hv2.upload("xen_warn_bug", bytes)).toBe(0);
    const assert = hv2.call!("warn_bug_assert", [100n]);
    const crash = (r: typeof bug) => ("outcome" in r && r.outcome === "crashed" ? (r.detail ?? "") : `not a crash: ${JSON.stringify(r)}`);
    expect([...warn, crash(bug), crash(assert)].map(escapeName)).toEqual(expected);
  });
});

// Arm's do_bug_frame() (xen/arch/arm/traps.c; Arm does not select GENERIC_BUG_FRAME) trusts only a
// file name inside Xen's image: a payload's frame never prints its file, whatever its length, and
// do_trap_brk() ends in do_unexpected_trap() (the "so does the BUG" test above).
describe("aarch64: bugFrameText() says what the simulated Xen does at a payload's frame", () => {
  it("every kind: CPU0: Unexpected Trap: Undefined Breakpoint Value", async () => {
    const bytes = sample("aarch64/xen_warn_bug.livepatch");
    const model = analyzePayload(parseElf(bytes))!;
    expect(model.bugFrames.map((b) => bugFrameText(b, model.arch))).toEqual(Array(3).fill("Unexpected Trap: Undefined Breakpoint Value"));
    const hv = await booted("aarch64");
    upload(hv, "aarch64", "xen_warn_bug");
    expect(hv.call!("warn_bug_assert", [100n])).toMatchObject({ outcome: "crashed", detail: `CPU0: ${bugFrameText(model.bugFrames[2], "aarch64")}` });
  });
});
