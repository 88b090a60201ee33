import { describe, expect, it } from "vitest";
import type { Insn } from "../../disasm/types.ts";
import { alignListings, keyOf, type Line } from "./align.ts";
import { cString, linkedRefs } from "./references.ts";

const insn = (address: bigint, text: string, extra: Partial<Insn> = {}): Insn => ({ address, size: 4, bytes: "00", text, target: null, invalid: false, ...extra });
const line = (i: Insn, ref: string | null = null, targetName: string | null = null): Line => ({ insn: i, ref, targetName, patched: false });

describe("old/new alignment", () => {
  it("pairs a changed string reference with its counterpart and keeps the ret as the same", () => {
    const old = [line(insn(0x100n, "lea 0x10efa(%rip),%rax"), '"-unstable"'), line(insn(0x107n, "ret"))];
    const neu = [line(insn(0x40n, "lea 0x0(%rip),%rax"), '"Hello World"'), line(insn(0x47n, "ret"))];
    expect(alignListings(old, neu).map((r) => r.kind)).toEqual(["changed", "same"]);
  });

  it("treats the same reference at different addresses as the same instruction", () => {
    expect(keyOf(line(insn(0n, "call 0xffff82d040200010", { target: 0xffff82d040200010n }), null, "printk"))).toBe(
      keyOf(line(insn(0n, "call 0x45", { target: 0x45n }), null, "printk")),
    );
    expect(keyOf(line(insn(0n, "mov r8,%rax"), '"x"'))).toContain("r8");
  });

  it("inserts what only one side has", () => {
    const old = [line(insn(0n, "push %rbx")), line(insn(1n, "ret"))];
    const neu = [line(insn(0n, "push %rbx")), line(insn(1n, "xor %eax,%eax")), line(insn(3n, "ret"))];
    expect(alignListings(old, neu).map((r) => [r.kind, r.old?.insn.text ?? null, r.new?.insn.text ?? null])).toEqual([
      ["same", "push %rbx", "push %rbx"],
      ["new-only", null, "xor %eax,%eax"],
      ["same", "ret", "ret"],
    ]);
  });
});

describe("references in linked code", () => {
  it("joins ADRP+ADD (AArch64) and MOVW+MOVT (ARM32) into the address they build", () => {
    expect(linkedRefs("aarch64", [insn(0n, "adrp x0, #0xa0000211000"), insn(4n, "add x0, x0, #0x18"), insn(8n, "ret")])).toEqual([0xa0000211018n, 0xa0000211018n, null]);
    expect(linkedRefs("arm32", [insn(0n, "movw r0, #0x2014"), insn(4n, "movt r0, #0x21"), insn(8n, "bx lr")])).toEqual([0x212014n, 0x212014n, null]);
  });

  it("takes x86 RIP-relative operands from the decoder", () => {
    expect(linkedRefs("x86_64", [insn(0n, "lea 0x10efa(%rip),%rax", { memAddress: 0x11011n }), insn(7n, "ret")])).toEqual([0x11011n, null]);
  });

  it("reads printable NUL-terminated strings only", () => {
    const b = new TextEncoder().encode("\0Hello World\0\x01bad\0");
    expect(cString(b, 1)).toBe("Hello World");
    expect(cString(b, 0)).toBeNull();
    expect(cString(b, 13)).toBeNull();
  });
});
