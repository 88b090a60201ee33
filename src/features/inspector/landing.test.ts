// Where a relocation leads. Expected places are hand-computed: for an x86-64 PC-relative field the
// CPU adds the field to the address of the next instruction, so the target is S + A + (end of the
// instruction − the field's place); in data it is S + A. The instruction bounds are objdump -dr's
// (quoted beside each case), the symbols readelf -sW's.
import { describe, expect, it } from "vitest";
import { parseElf, type ElfFile, type RelocationTable } from "../../elf/index.ts";
import { buildElf } from "../../livepatch/testing/elfBuilder.ts";
import { createDisassembler } from "../../disasm/index.ts";
import { nodeEngines } from "../../disasm/nodeEngines.ts";
import { relocLanding, relocText, UNDECODED, type DecodedCode } from "./symbolize.ts";
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
