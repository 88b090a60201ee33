// The encodings APPLY writes, held to worked examples computed by hand from the architecture
// manuals' branch formulas (x86 rel32 = new - (at + 5); AArch64 B imm26 = (new - pc) >> 2, BRK #2
// when misaligned or beyond ±128 MiB; ARM32 B imm24 = (new - (pc + 8)) >> 2) and from Xen's P6 NOP
// table (xen/arch/x86/include/asm/nops.h). These are the functions planPatch() writes with.
import { beforeAll, describe, expect, it } from "vitest";
import { instantiate } from "../build/hypervisor.js";
import { compileHypervisorModule } from "../host/node.ts";

type Exports = Awaited<ReturnType<typeof instantiate>>;
let w: Exports;
beforeAll(async () => {
  w = await instantiate(await compileHypervisorModule(), { env: {} });
});

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
const word = (v: number) => hexOf(Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24));

describe("x86-64 jmp rel32", () => {
  it.each([
    ["forward", 0xffff82d040234560n, 0xffff82d040a01000n, "e9 9b ca 7c 00"],
    // After an ENDBR64 the jmp starts 4 bytes later, so rel32 is 4 smaller.
    ["forward, 4 bytes later (after ENDBR64)", 0xffff82d040234564n, 0xffff82d040a01000n, "e9 97 ca 7c 00"],
    ["backward", 0xffff82d040a01000n, 0xffff82d040234560n, "e9 5b 35 83 ff"],
  ])("%s", (_what, at, to, bytes) => {
    expect(hexOf(w.encodeX86Jmp(at, to))).toBe(bytes);
  });
});

describe("x86-64 NOPs", () => {
  it("cuts a NOP-out into P6 NOPs of at most 9 bytes", () => {
    expect(hexOf(w.encodeX86Nops(12))).toBe("66 0f 1f 84 00 00 00 00 00 0f 1f 00");
    expect(hexOf(w.encodeX86Nops(1))).toBe("90");
    expect(hexOf(w.encodeX86Nops(5))).toBe("0f 1f 44 00 00");
    expect(w.encodeX86Nops(31).length).toBe(31);
  });

  it("never encodes more than Xen's 31-byte buffer", () => {
    expect(w.encodeX86Nops(32).length).toBe(0);
    expect(w.encodeX86Nops(-1).length).toBe(0);
  });
});

describe("AArch64 B", () => {
  it("old 0x00000a0000234560 to new 0x00000a0001001000: imm26 0x3732a8", () => {
    expect(word(w.encodeArm64Branch(0x00000a0000234560n, 0x00000a0001001000n))).toBe("a8 32 37 14");
  });

  it("BRK #2 (0xd4200040) when out of range or misaligned; exactly -128 MiB is in range", () => {
    expect(word(w.encodeArm64Branch(0x1000n, 0x1000n + (128n << 20n)))).toBe("40 00 20 d4");
    // Hand-encoded: BRK #imm16 is 0xd4200000 | imm16 << 5; BRK_FAULT_IMM 2 gives 0xd4200040 (asm/arm64/brk.h).
    expect(word(w.encodeArm64Branch(0x1000n, 0x2002n))).toBe("40 00 20 d4");
    // branch_imm_common() refuses a misaligned pc too: (pc & 0x3) || (addr & 0x3).
    expect(word(w.encodeArm64Branch(0x1002n, 0x2000n))).toBe("40 00 20 d4");
    expect(word(w.encodeArm64Branch(0x1001n, 0x2001n))).toBe("40 00 20 d4");
    expect(word(w.encodeArm64Branch(0x1000n + (128n << 20n), 0x1000n))).toBe("00 00 00 16");
  });
});

describe("ARM32 B", () => {
  it("old 0x00234560 to new 0x01001000, with the +8 PC bias", () => {
    expect(word(w.encodeArm32Branch(0x00234560n, 0x01001000n))).toBe("a6 32 37 ea");
  });
});
