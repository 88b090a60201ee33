// Where a relocation leads. Expected places are hand-computed: for an x86-64 PC-relative field the
// CPU adds the field to the address of the next instruction, so the target is S + A + (end of the
// instruction − the field's place); in data it is S + A. The instruction bounds are objdump -dr's
// (quoted beside each case), the symbols readelf -sW's.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ElfFile, parseElf, type RelocationTable, relocOffset } from "../../elf/index.ts";
import { buildElf } from "../../livepatch/testing/elfBuilder.ts";
import { createDisassembler } from "../../disasm/index.ts";
import { nodeEngines } from "../../disasm/nodeEngines.ts";
import { decodeSpan, relocLanding, relocText, UNDECODED, type DecodedCode } from "./symbolize.ts";
import { MAX_INSNS } from "../../disasm/types.ts";
import { relocRefs } from "../functions/references.ts";
import { sample } from "../../audit/test-support/samples.ts";

const disassemble = createDisassembler(nodeEngines);

function relocFor(elf: ElfFile, name: string, k: number): [RelocationTable, number] {
  const r = elf.relocationTables.find((t) => elf.sections[t.sectionIndex]?.name === name);
  if (!r || k >= r.count) throw new Error(`no relocation ${k} in ${name}`);
  return [r, k];
}

async function codeOf(elf: ElfFile, section: string): Promise<DecodedCode> {
  const s = elf.sections.find((x) => x.name === section)!;
  return { insns: await disassemble("x86_64", elf.bytes.subarray(s.dataOffset, s.dataOffset + s.dataSize), 0n), base: 0n };
}

// .text: c7 05 <disp32> 2a 00 00 00   movl $0x2a,0x0(%rip)   disp32 at 2, imm32 after it, ends at 0xa
//        80 3d <disp32> 07            cmpb $0x7,0x0(%rip)    disp32 at 0xc, imm8 after it, ends at 0x11
//        c3                           ret
// .data: a PC32 field at 0 holding f − . (the self-relative word of an exception table)
const built = parseElf(
  buildElf({
    machine: 62,
    sections: [
      { name: ".text", flags: 6, data: Uint8Array.of(0xc7, 0x05, 0, 0, 0, 0, 0x2a, 0, 0, 0, 0x80, 0x3d, 0, 0, 0, 0, 0x07, 0xc3) },
      { name: ".data", flags: 3, data: new Uint8Array(16) },
    ],
    symbols: [
      { name: "f", section: ".text", value: 0, size: 18 },
      { name: "counter", section: ".data", value: 8, size: 4, type: 1 },
    ],
    relocs: {
      ".text": [
        { offset: 2, type: 2, symbol: "counter", addend: -8 },
        { offset: 12, type: 2, symbol: ".data", addend: 3 },
      ],
      ".data": [{ offset: 0, type: 2, symbol: "f", addend: 0 }],
    },
  }).bytes,
);

describe("relocLanding", () => {
  it("imm32 after the disp32: counter-0x8 at 2, instruction ends at 0xa, so counter itself", async () => {
    const [r, i] = relocFor(built, ".rela.text", 0);
    const land = relocLanding(built, r, i, await codeOf(built, ".text"));
    expect(land).toEqual({ section: built.sections.findIndex((s) => s.name === ".data"), offset: 8n, counted: "next-insn" });
    expect(relocText(built, r, i, null, await codeOf(built, ".text")).resolved).toBe("counter");
  });

  it("imm8 after the disp32 through a section symbol: .data+0x3 at 0xc, ends at 0x11, so .data+8 = counter", async () => {
    const [r, i] = relocFor(built, ".rela.text", 1);
    expect(relocLanding(built, r, i, await codeOf(built, ".text"))?.offset).toBe(8n);
    expect(relocText(built, r, i, null, await codeOf(built, ".text")).resolved).toBe("counter");
  });

  it("in data: S + A, no adjustment for the next instruction", () => {
    const [r, i] = relocFor(built, ".rela.data", 0);
    expect(relocLanding(built, r, i, null)).toEqual({ section: built.sections.findIndex((s) => s.name === ".text"), offset: 0n, counted: "value" });
    // f + 0 names f already: nothing more to say.
    expect(relocText(built, r, i).resolved).toBe("");
  });

  it("in code not decoded: says it is not known rather than guessing", () => {
    const [r, i] = relocFor(built, ".rela.text", 0);
    expect(relocLanding(built, r, i, null)?.counted).toBe("unknown");
    expect(relocText(built, r, i).resolved).toBe(UNDECODED);
  });

  // objdump -dr public/samples/x86_64/xen_hello_world.livepatch:
  //   .text.hello_world_count  0: 83 05 <disp32> 01  addl $0x1,0x0(%rip)   2: R_X86_64_PC32 .bss.hello_world_counter-0x5
  //   .text.hello_world_check  0: 8b 05 <disp32>     mov 0x0(%rip),%eax    2: R_X86_64_PC32 .bss.hello_world_counter-0x4
  // hello_world_counter is OBJECT at .bss.hello_world_counter+0.
  it("the hello-world sample: addl with an imm8 and mov with none both reach hello_world_counter", async () => {
    const elf = parseElf(sample("x86_64/xen_hello_world.livepatch"));
    const [r1, i1] = relocFor(elf, ".rela.text.hello_world_count", 0);
    expect(relocText(elf, r1, i1, null, await codeOf(elf, ".text.hello_world_count")).resolved).toBe("hello_world_counter");
    const [r2, i2] = relocFor(elf, ".rela.text.hello_world_check", 0);
    expect(relocText(elf, r2, i2, null, await codeOf(elf, ".text.hello_world_check")).resolved).toBe("hello_world_counter");
  });

  // objdump -dr public/samples/x86_64/xen_too_small.livepatch:
  //   0: 48 83 05 <disp32> 01  addq $0x1,0x0(%rip)   3: R_X86_64_PC32 idle_loop_hook_calls-0x5; ends at 8.
  it("the target-too-small sample: the Functions view's listing and the Relocations view agree", async () => {
    const elf = parseElf(sample("x86_64/xen_too_small.livepatch"));
    const code = await codeOf(elf, ".text.idle_loop_hook_counted");
    const [r, i] = relocFor(elf, ".rela.text.idle_loop_hook_counted", 0);
    expect(relocText(elf, r, i, null, code).resolved).toBe("idle_loop_hook_calls");
    const calls = elf.sections.findIndex((s) => s.name === ".bss.idle_loop_hook_calls");
    const refs = relocRefs(elf, r.targetSection, code.insns, 0n);
    expect(refs[0]).toEqual({ section: calls, offset: 0n, symbol: "idle_loop_hook_calls", defined: true });
  });
});

// A call after a byte that starts no instruction, as Xen's prelink.o .text has at 0x1ac:
//   objdump -D -b binary -mi386:x86-64 on the .text bytes below:
//   0: e8 00 00 00 00  call 0x5   (field at 1: R_X86_64_PLT32 early-0x4)
//   5: d6              (bad)    (UDB, Xen 4.23's BUG instruction; binutils 2.46 prints udb)
//   6: e8 00 00 00 00  call 0xb   (field at 7: R_X86_64_PLT32 late-0x4)
//   b: d6              (bad)
// Each field is the last 4 bytes of its call, so the CPU lands on S - 4 + 4 = the symbol itself.
const afterBad = parseElf(
  buildElf({
    machine: 62,
    sections: [
      { name: ".text", flags: 6, data: Uint8Array.of(0xe8, 0, 0, 0, 0, 0xd6, 0xe8, 0, 0, 0, 0, 0xd6) },
      { name: ".text.callees", flags: 6, data: Uint8Array.of(0xc3, 0xc3) },
    ],
    symbols: [
      { name: "early", section: ".text.callees", value: 0, size: 1 },
      { name: "late", section: ".text.callees", value: 1, size: 1 },
    ],
    relocs: {
      ".text": [
        { offset: 1, type: 4, symbol: "early", addend: -4 },
        { offset: 7, type: 4, symbol: "late", addend: -4 },
      ],
    },
  }).bytes,
);

describe("relocLanding after an undecodable byte", () => {
  it("the call after a (bad) byte is decoded where objdump decodes it, so its field resolves", async () => {
    const code = await codeOf(afterBad, ".text");
    const callees = afterBad.sections.findIndex((s) => s.name === ".text.callees");
    const [r0, i0] = relocFor(afterBad, ".rela.text", 0);
    const [r1, i1] = relocFor(afterBad, ".rela.text", 1);
    expect(relocLanding(afterBad, r0, i0, code)).toEqual({ section: callees, offset: 0n, counted: "next-insn" });
    expect(relocLanding(afterBad, r1, i1, code)).toEqual({ section: callees, offset: 1n, counted: "next-insn" });
    expect(relocText(afterBad, r1, i1, null, code).resolved).toBe("late");
  });
});

/** The code the Relocations view decodes for a row at `offset` (useSectionCode): its decodeSpan(). */
async function spanOf(elf: ElfFile, section: string, offset: bigint): Promise<DecodedCode> {
  const shndx = elf.sections.findIndex((x) => x.name === section);
  const s = elf.sections[shndx];
  const { start, end } = decodeSpan(elf, shndx, offset);
  return { insns: await disassemble("x86_64", elf.bytes.subarray(s.dataOffset + start, s.dataOffset + end), BigInt(start)), base: 0n };
}

// .text: f = 5,000 one-byte nops (0x90), more instructions than one decode takes (MAX_INSNS), then
// g at 5000: c7 05 <disp32> 2a 00 00 00 (movl $0x2a,0x0(%rip)), disp32 at 5002, ends at 5010; c3.
const NOPS = 5000;
const farText = new Uint8Array(NOPS + 11).fill(0x90);
farText.set([0xc7, 0x05, 0, 0, 0, 0, 0x2a, 0, 0, 0, 0xc3], NOPS);
const far = parseElf(
  buildElf({
    machine: 62,
    sections: [
      { name: ".text", flags: 6, data: farText },
      { name: ".data", flags: 3, data: new Uint8Array(16) },
    ],
    symbols: [
      { name: "f", section: ".text", value: 0, size: NOPS },
      { name: "g", section: ".text", value: NOPS, size: 11 },
      { name: "counter", section: ".data", value: 8, size: 4, type: 1 },
    ],
    relocs: { ".text": [{ offset: NOPS + 2, type: 2, symbol: "counter", addend: -8 }] },
  }).bytes,
);

describe("decodeSpan: code is decoded from the label before the row", () => {
  const text = far.sections.findIndex((s) => s.name === ".text");
  it("spans run from a label to the next, or to the section's end", () => {
    expect(decodeSpan(far, text, 0n)).toEqual({ start: 0, end: NOPS });
    expect(decodeSpan(far, text, BigInt(NOPS - 1))).toEqual({ start: 0, end: NOPS });
    expect(decodeSpan(far, text, BigInt(NOPS + 2))).toEqual({ start: NOPS, end: NOPS + 11 });
    // Past the section: the whole section, as before labels were used.
    expect(decodeSpan(far, text, BigInt(NOPS + 11))).toEqual({ start: 0, end: NOPS + 11 });
  });

  it("a field past the first MAX_INSNS instructions resolves: counter-0x8 at 5002, movl ends at 5010, so counter", async () => {
    expect(NOPS).toBeGreaterThan(MAX_INSNS);
    const [r, i] = relocFor(far, ".rela.text", 0);
    // Decoded from the section's start, one request stops before g.
    expect(relocText(far, r, i, null, await codeOf(far, ".text")).resolved).toBe(UNDECODED);
    const code = await spanOf(far, ".text", relocOffset(r, i));
    expect(relocLanding(far, r, i, code)).toEqual({ section: far.sections.findIndex((s) => s.name === ".data"), offset: 8n, counted: "next-insn" });
    expect(relocText(far, r, i, null, code).resolved).toBe("counter");
  });
});

// Xen's own prelink.o (XEN_TEST_PAYLOADS): .rela.text rows 17-19 are calls placed right after an
// invalid d6 byte (QA s26 defect 8). Expected: objdump -dr on the same file, run here.
const REAL = process.env.XEN_TEST_PAYLOADS;
describe.runIf(REAL)("relocLanding on Xen's prelink.o (XEN_TEST_PAYLOADS)", () => {
  const file = join(REAL ?? "", "x86_64", "prelink.o");
  // 62 MB: parsed once for both cases
  let parsed: ElfFile | null = null;
  const prelink = (): ElfFile => {
    if (!existsSync(file)) throw new Error(`XEN_TEST_PAYLOADS is set but ${file} is missing`);
    return (parsed ??= parseElf(new Uint8Array(readFileSync(file))));
  };

  it(".rela.text rows 17-19 land where objdump's decoded call ends: on the called function", async () => {
    const elf = prelink();
    const code = await codeOf(elf, ".text");
    const dump = execFileSync("objdump", ["-dr", "-w", "-j", ".text", file], { encoding: "utf8", maxBuffer: 1 << 26 });
    const insns = [...dump.matchAll(/^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)/gm)].map((m) => ({ at: BigInt(`0x${m[1]}`), size: BigInt(m[2].trim().split(" ").length) }));
    const relocs = [...dump.matchAll(/\t([0-9a-f]+): R_X86_64_PLT32\t(\w+)-0x4$/gm)].map((m) => ({ at: BigInt(`0x${m[1]}`), symbol: m[2] }));
    const r = elf.relocationTables.find((t) => elf.sections[t.sectionIndex]?.name === ".rela.text")!;
    for (const row of [17, 18, 19]) {
      const seen = relocs.find((x) => x.at === relocOffset(r, row));
      expect(seen, `objdump shows row ${row}'s relocation at 0x${relocOffset(r, row).toString(16)}`).toBeDefined();
      const holder = insns.find((x) => x.at < seen!.at && seen!.at < x.at + x.size)!;
      // The field is the last 4 bytes of objdump's instruction, so the landing is the symbol.
      expect(holder.at + holder.size - seen!.at).toBe(4n);
      expect(relocText(elf, r, row, null, code).resolved, `row ${row}`).toBe(seen!.symbol);
    }
  });

  it(".rela.init.text calls past the first 64 KB land on the called function, as objdump decodes them", async () => {
    const elf = prelink();
    const dump = execFileSync("objdump", ["-dr", "-w", "-j", ".init.text", file], { encoding: "utf8", maxBuffer: 1 << 28 });
    // objdump's instructions by where they end (offset + size), each ending one
    const endAt = new Map<number, number>();
    for (const m of dump.matchAll(/^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)/gm)) {
      const at = parseInt(m[1], 16);
      endAt.set(at + m[2].trim().split(" ").length, at);
    }
    // Calls whose field is an instruction's last 4 bytes land on the callee itself.
    const calls = [...dump.matchAll(/\t([0-9a-f]+): R_X86_64_PLT32\t(\w+)-0x4$/gm)]
      .map((m) => ({ at: parseInt(m[1], 16), symbol: m[2] }))
      .filter((c) => c.at >= 0x10000 && (endAt.get(c.at + 4) ?? c.at) < c.at);
    expect(calls.length).toBeGreaterThan(100);
    const r = elf.relocationTables.find((t) => elf.sections[t.sectionIndex]?.name === ".rela.init.text")!;
    const rows = new Map<bigint, number>();
    for (let i = 0; i < r.count; i++) rows.set(relocOffset(r, i), i);
    // As the Relocations view (useSectionCode): rows under one label share one decode of its span
    const spans = new Map<number, Promise<DecodedCode>>();
    const shndx = elf.sections.findIndex((x) => x.name === ".init.text");
    for (const c of calls.filter((_, k) => k % 10 === 0)) {
      const at = BigInt(c.at);
      const row = rows.get(at)!;
      const { start } = decodeSpan(elf, shndx, at);
      if (!spans.has(start)) spans.set(start, spanOf(elf, ".init.text", at));
      const code = await spans.get(start)!;
      expect(relocText(elf, r, row, null, code).resolved, `row ${row} at 0x${c.at.toString(16)}`).toBe(c.symbol);
    }
  });
});
if (!REAL) console.log("relocLanding on Xen's prelink.o: XEN_TEST_PAYLOADS is not set, not run");
