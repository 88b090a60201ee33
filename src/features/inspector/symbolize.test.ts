// Symbols are found by address in each section's sorted list: the order must hold across the
// 32-bit boundary (the sort compares 64-bit values as two halves).
import { describe, expect, it } from "vitest";
import { parseElf } from "../../elf/index.ts";
import { buildElf } from "../../livepatch/testing/elfBuilder.ts";
import { placeInSection } from "./symbolize.ts";

describe("placeInSection", () => {
  it("orders symbols by their full 64-bit value", () => {
    const built = buildElf({
      sections: [{ name: ".text", flags: 6, data: new Uint8Array(16) }],
      symbols: [
        { name: "above", section: ".text", value: 0x1_0000_0000, size: 16 },
        { name: "below", section: ".text", value: 0xffff_fff0, size: 16 },
        { name: "low", section: ".text", value: 0x10, size: 8 },
      ],
    });
    const elf = parseElf(built.bytes);
    const text = elf.sections.findIndex((s) => s.name === ".text");
    expect(placeInSection(elf, text, 0x1_0000_0004n)).toBe("above+0x4");
    expect(placeInSection(elf, text, 0xffff_fff0n)).toBe("below");
    expect(placeInSection(elf, text, 0xffff_ffffn)).toBe("below+0xf");
    expect(placeInSection(elf, text, 0x14n)).toBe("low+0x4");
    expect(placeInSection(elf, text, 0x18n)).toBeNull();
  });

  it("spells a control character in the name as readelf -sW does (^[), never raw", () => {
    const built = buildElf({
      sections: [{ name: ".text", flags: 6, data: new Uint8Array(16) }],
      symbols: [{ name: "xen\x1bhello", section: ".text", value: 0, size: 8 }],
    });
    const elf = parseElf(built.bytes);
    const text = elf.sections.findIndex((s) => s.name === ".text");
    expect(placeInSection(elf, text, 0n)).toBe("xen^[hello");
    expect(placeInSection(elf, text, 4n)).toBe("xen^[hello+0x4");
  });
});
