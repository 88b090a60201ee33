import { describe, expect, it } from "vitest";
import { ElfFormatError } from "./errors.ts";
import { ByteReader } from "./reader.ts";

describe("ByteReader", () => {
  const bytes = Uint8Array.from([0xfe, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04]);

  it("reads signed and unsigned 32-bit words in either byte order", () => {
    const le = new ByteReader(bytes, true);
    const be = new ByteReader(bytes, false);
    expect(le.s32(0)).toBe(-2);
    expect(le.u32(0)).toBe(0xfffffffe);
    expect(be.s32(0)).toBe(-16777217);
    expect(le.s32(4)).toBe(0x04030201);
    expect(be.s32(4)).toBe(0x01020304);
  });

  it("widens words by class", () => {
    const le = new ByteReader(bytes, true);
    expect(le.word(4, false)).toBe(0x04030201n);
    expect(le.word(0, true)).toBe(0x04030201fffffffen);
  });

  it("slices a view of the underlying bytes, not a copy", () => {
    const copy = bytes.slice();
    const r = new ByteReader(copy.subarray(2), true);
    const s = r.slice(2, 3);
    expect([...s]).toEqual([0x01, 0x02, 0x03]);
    copy[4] = 0xaa;
    expect(s[0]).toBe(0xaa);
    expect(r.slice(6, 0).length).toBe(0);
  });

  it("refuses reads past the end with TRUNCATED_HEADER", () => {
    const r = new ByteReader(bytes, true);
    for (const read of [() => r.s32(5), () => r.slice(4, 5), () => r.slice(-1, 1), () => r.word(4, true)]) {
      expect(read).toThrow(ElfFormatError);
      try {
        read();
      } catch (e) {
        expect((e as ElfFormatError).code).toBe("TRUNCATED_HEADER");
      }
    }
    expect(r.has(4, 4)).toBe(true);
    expect(r.has(5, 4)).toBe(false);
  });
});
