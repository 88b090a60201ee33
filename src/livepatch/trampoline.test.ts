import { describe, expect, it } from "vitest";
import { computePatch, x86Nops, ENDBR64, ENDBR64_POISON } from "./trampoline.ts";

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

describe("computePatch: worked examples (facts §7)", () => {
  it.each([
    ["x86 forward, no ENDBR", 0xffff82d040234560n, 0xffff82d040a01000n, undefined, 0, "e9 9b ca 7c 00"],
    ["x86 forward after ENDBR64", 0xffff82d040234560n, 0xffff82d040a01000n, ENDBR64, 4, "e9 97 ca 7c 00"],
    ["x86 forward after poisoned ENDBR64", 0xffff82d040234560n, 0xffff82d040a01000n, ENDBR64_POISON, 4, "e9 97 ca 7c 00"],
    ["x86 backward", 0xffff82d040a01000n, 0xffff82d040234560n, Uint8Array.of(0x55, 0x48, 0x89, 0xe5), 0, "e9 5b 35 83 ff"],
  ])("%s", (_name, oldAddr, newAddr, oldBytes, patchOffset, bytes) => {
    const p = computePatch({ arch: "x86_64", oldAddr, newAddr, newSize: 32, oldBytes });
    expect(p.kind).toBe("trampoline");
    expect(p.patchOffset).toBe(patchOffset);
    expect(hexOf(p.bytes)).toBe(bytes);
    expect(p.savedLength).toBe(5);
  });

  it("AArch64 B", () => {
    const p = computePatch({ arch: "aarch64", oldAddr: 0x00000a0000234560n, newAddr: 0x00000a0001001000n, newSize: 8 });
    expect(hexOf(p.bytes)).toBe("a8 32 37 14");
    expect(p.description).toContain("143732a8");
  });

  it("AArch64 yields BRK #2 when out of range or misaligned", () => {
    const far = computePatch({ arch: "aarch64", oldAddr: 0x1000n, newAddr: 0x1000n + (128n << 20n), newSize: 8 });
    expect(hexOf(far.bytes)).toBe("40 00 20 d4");
    const odd = computePatch({ arch: "aarch64", oldAddr: 0x1000n, newAddr: 0x2002n, newSize: 8 });
    expect(hexOf(odd.bytes)).toBe("40 00 20 d4");
    const back = computePatch({ arch: "aarch64", oldAddr: 0x1000n + (128n << 20n), newAddr: 0x1000n, newSize: 8 });
    expect(hexOf(back.bytes)).toBe("00 00 00 16"); // exactly −128 MiB is in range
  });

  it("ARM32 B with the +8 PC bias", () => {
    const p = computePatch({ arch: "arm32", oldAddr: 0x00234560n, newAddr: 0x01001000n, newSize: 8 });
    expect(hexOf(p.bytes)).toBe("a6 32 37 ea");
  });
});

describe("NOP-out", () => {
  it("cuts x86 NOPs into chunks of at most 9 bytes", () => {
    expect(hexOf(x86Nops(12))).toBe("66 0f 1f 84 00 00 00 00 00 0f 1f 00");
    expect(x86Nops(31).length).toBe(31);
    expect(hexOf(x86Nops(1))).toBe("90");
  });

  it("x86 keeps ENDBR64 and NOPs the rest", () => {
    const p = computePatch({ arch: "x86_64", oldAddr: 0x1000n, newAddr: 0n, newSize: 9, oldBytes: ENDBR64 });
    expect(p.kind).toBe("nop");
    expect(p.patchOffset).toBe(4);
    expect(hexOf(p.bytes)).toBe("0f 1f 44 00 00");
  });

  it("x86 with ENDBR64 and new_size < 4 reports Xen's unsigned wrap", () => {
    const p = computePatch({ arch: "x86_64", oldAddr: 0x1000n, newAddr: 0n, newSize: 2, oldBytes: ENDBR64 });
    expect(p.bytes.length).toBe(0);
    expect(p.savedLength).toBe(0xfffffffe);
    expect(p.description).toContain("wraps");
  });

  it("never materialises a NOP-out longer than Xen's 31-byte limit", () => {
    expect(computePatch({ arch: "x86_64", oldAddr: 0x1000n, newAddr: 0n, newSize: 31 }).bytes.length).toBe(31);
    const huge = computePatch({ arch: "aarch64", oldAddr: 0x1000n, newAddr: 0n, newSize: 0xfffffff0 });
    expect(huge.bytes.length).toBe(0);
    expect(huge.savedLength).toBe(0);
  });

  it("ARM64 and ARM32 NOP words", () => {
    expect(hexOf(computePatch({ arch: "aarch64", oldAddr: 0x1000n, newAddr: 0n, newSize: 8 }).bytes)).toBe("1f 20 03 d5 1f 20 03 d5");
    expect(hexOf(computePatch({ arch: "arm32", oldAddr: 0x1000n, newAddr: 0n, newSize: 6 }).bytes)).toBe("00 00 a0 e1");
  });

  it("a hostile new_size beyond Xen's 31-byte limit previews nothing instead of allocating gigabytes", () => {
    for (const arch of ["x86_64", "aarch64", "arm32"] as const) {
      const p = computePatch({ arch, oldAddr: 0x1000n, newAddr: 0n, newSize: 0xfffffff0 });
      expect(p.bytes.length).toBe(0);
      expect(p.description).toMatch(/exceeds 31/);
    }
    expect(computePatch({ arch: "x86_64", oldAddr: 0x1000n, newAddr: 0n, newSize: 31 }).bytes.length).toBe(31);
  });
});
