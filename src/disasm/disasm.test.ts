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

  it("decodes AArch64 and keeps going past a word it cannot decode", async () => {
    const bytes = Uint8Array.of(0x1f, 0x20, 0x03, 0xd5, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04, 0x00, 0x14);
    const out = await disassemble("aarch64", bytes, 0xa0000200000n);
    expect(out.map((i) => i.text)).toEqual(["nop", ".word 0xffffffff", "b #0xa0000201008"]);
    expect(out[2].target).toBe(0xa0000201008n);
  });

  it("decodes ARM32 (the NOP Xen writes is mov r0, r0)", async () => {
    const out = await disassemble("arm32", Uint8Array.of(0x00, 0x00, 0xa0, 0xe1), 0x1000n);
    expect(out[0].text).toBe("mov r0, r0");
  });
});
