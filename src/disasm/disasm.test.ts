import { describe, expect, it } from "vitest";
import { createDisassembler } from "./index.ts";
import { nodeEngines } from "./nodeEngines.ts";

const disassemble = createDisassembler(nodeEngines);

describe("disassembler adapters", () => {
  it("decodes an x86-64 trampoline after ENDBR64, with the branch target", async () => {
    const bytes = Uint8Array.of(0xf3, 0x0f, 0x1e, 0xfa, 0xe9, 0xf7, 0x0f, 0x00, 0x00, 0xff);
    const out = await disassemble("x86_64", bytes, 0xffff82d040200000n);
    expect(out.map((i) => i.text)).toEqual(["endbr64", "jmp 0xffff82d040201000", "(bad)"]);
    expect(out[1].bytes).toBe("e9 f7 0f 00 00");
    expect(out[1].target).toBe(0xffff82d040201000n);
    expect(out[2].invalid).toBe(true);
  });

  // Expected text: `objdump -D -b binary -mi386:x86-64` on the same bytes (binutils 2.x), its
  // column spacing folded to one space as this adapter prints.
  it("prints 64-bit immediates whole, as objdump does", async () => {
    const bytes = new Uint8Array(100);
    for (let n = 0; n < 10; n++) bytes.set([0x48, 0xba, n, 0, 0, 0, 0, 0, 0xad, 0xde], n * 10);
    const out = await disassemble("x86_64", bytes, 0n);
    expect(out.map((i) => i.text)).toEqual([
      "movabs $0xdead000000000000,%rdx",
      "movabs $0xdead000000000001,%rdx",
      "movabs $0xdead000000000002,%rdx",
      "movabs $0xdead000000000003,%rdx",
      "movabs $0xdead000000000004,%rdx",
      "movabs $0xdead000000000005,%rdx",
      "movabs $0xdead000000000006,%rdx",
      "movabs $0xdead000000000007,%rdx",
      "movabs $0xdead000000000008,%rdx",
      "movabs $0xdead000000000009,%rdx",
    ]);
  });

  it("prints other immediates and displacements in hex, negatives with a minus sign", async () => {
    const bytes = Uint8Array.of(
      ...[0x48, 0xb8, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x80],
      ...[0x48, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00],
      ...[0x83, 0xc0, 0x01],
      ...[0x48, 0x8b, 0x45, 0xf8],
      ...[0x48, 0x8b, 0x84, 0x24, 0x00, 0xff, 0xff, 0xff],
      ...[0xb8, 0x2a, 0x00, 0x00, 0x00],
      ...[0xc6, 0x45, 0xff, 0x80],
    );
    const out = await disassemble("x86_64", bytes, 0n);
    expect(out.map((i) => i.text)).toEqual([
      "movabs $0x80000000ffffffff,%rax",
      "movabs $0x100000000,%rax",
      "add $0x1,%eax",
      "mov -0x8(%rbp),%rax",
      "mov -0x100(%rsp),%rax",
      "mov $0x2a,%eax",
      "movb $0x80,-0x1(%rbp)",
    ]);
  });

  // Expected text: `objdump -D -b binary -mi386:x86-64 -w` on these bytes, spaces folded: where
  // iced's GAS text differs from binutils (a prefix the CPU ignores, the %rip form and its comment,
  // shift by one, imul's repeated register, a scale of 1), this adapter prints objdump's.
  it("prints what objdump prints where iced's GAS text differs", async () => {
    const bytes = Uint8Array.of(0x2e, 0xe8, 0xb5, 0xff, 0xff, 0xff, 0xff, 0x15, 0xd6, 0x0f, 0x00, 0x00, 0x48, 0x8d, 0x05, 0x00, 0x00, 0x00, 0x00, 0xd1, 0xe8, 0x6b, 0xc0, 0x66, 0x8b, 0x04, 0x18);
    const out = await disassemble("x86_64", bytes, 0n);
    expect(out.map((i) => i.text)).toEqual(["cs call 0xffffffffffffffbb", "call *0xfd6(%rip) # 0xfe2", "lea 0x0(%rip),%rax # 0x13", "shr %eax", "imul $0x66,%eax,%eax", "mov (%rax,%rbx,1),%eax"]);
    expect(out[2].memAddress).toBe(0x13n);
  });

  // Expected: `objdump -D -b binary -mi386:x86-64` (binutils 2.40) on these bytes (the shape of
  // Xen's prelink.o .text at 0x1ac: call, d6, call, d6, padding), with 06 (push %es, invalid in
  // 64-bit mode) for the second d6:
  //   0: e8 00 00 00 00  call 0x5 / 5: d6 (bad) / 6: e8 00 00 00 00  call 0xb / b: 06 (bad) /
  //   c: 0f 1f 84 00 00 00 00 00  nopl 0x0(%rax,%rax,1)
  // objdump takes an undecodable byte as one "(bad)" byte and goes on at the next; iced alone
  // reads d6 e8 as one invalid instruction and decodes the call's zeros as add instructions.
  // d6 is UDB, the instruction Xen 4.23's BUG frames mark (xen/arch/x86/include/asm/bug.h:
  // `#define BUG_INSTR ".byte 0xd6" /* UDB, requiring gas 2.46 */`): binutils 2.46 names it udb.
  it("resynchronises after an invalid byte as objdump does: one (bad) byte, then the next byte; d6 is udb", async () => {
    const bytes = Uint8Array.of(0xe8, 0, 0, 0, 0, 0xd6, 0xe8, 0, 0, 0, 0, 0x06, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0);
    const out = await disassemble("x86_64", bytes, 0n);
    expect(out.map((i) => [Number(i.address), i.size, i.text])).toEqual([
      [0x0, 5, "call 0x5"],
      [0x5, 1, "udb"],
      [0x6, 5, "call 0xb"],
      [0xb, 1, "(bad)"],
      [0xc, 8, "nopl 0x0(%rax,%rax,1)"],
    ]);
    expect(out.map((i) => i.invalid)).toEqual([false, false, false, true, false]);
    expect(out[1].bytes).toBe("d6");
    expect(out[3].bytes).toBe("06");
    expect(out[2].target).toBe(0xbn);
    expect(out[2].pcRelField).toEqual({ offset: 1, size: 4 });
  });

  it("decodes AArch64 and keeps going past a word it cannot decode", async () => {
    const bytes = Uint8Array.of(0x1f, 0x20, 0x03, 0xd5, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04, 0x00, 0x14);
    const out = await disassemble("aarch64", bytes, 0xa0000200000n);
    expect(out.map((i) => i.text)).toEqual(["nop", ".word 0xffffffff", "b #0xa0000201008"]);
    expect(out[2].target).toBe(0xa0000201008n);
  });

  // The bytes Xen leaves at the start of arm64 xen_extra_version when it writes BRK #2 at +2 (QA s29
  // #2). `aarch64-linux-gnu-objdump -D -b binary -maarch64` on them: `.inst 0x00400440 ; undefined`,
  // `brk #0x2` (capstone spells the immediate `#2`). When the first word is undecodable capstone-js throws (cs_disasm decoded nothing)
  // instead of returning nothing: the adapter must still print the word as data.
  it("shows an undecodable first word as .word and goes on (capstone-js throws when nothing decodes)", async () => {
    const out = await disassemble("aarch64", Uint8Array.of(0x40, 0x04, 0x40, 0x00, 0x40, 0x00, 0x20, 0xd4), 0xa00002351e4n);
    expect(out.map((i) => [i.address, i.text, i.invalid])).toEqual([
      [0xa00002351e4n, ".word 0x00400440", true],
      [0xa00002351e8n, "brk #2", false],
    ]);
    const only = await disassemble("aarch64", Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0n);
    expect(only.map((i) => i.text)).toEqual([".word 0xffffffff"]);
    const arm32 = await disassemble("arm32", Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0xa0, 0xe1), 0x1000n);
    expect(arm32.map((i) => i.text)).toEqual([".word 0xffffffff", "mov r0, r0"]);
  });

  it("decodes ARM32 (the NOP Xen writes is mov r0, r0)", async () => {
    const out = await disassemble("arm32", Uint8Array.of(0x00, 0x00, 0xa0, 0xe1), 0x1000n);
    expect(out[0].text).toBe("mov r0, r0");
  });
});
