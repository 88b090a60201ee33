// The symbol holding a section offset, found in each section's sorted list: the order must hold
// across the 32-bit boundary (the sort compares 64-bit values as two halves), nested and
// overlapping symbols are all seen, and on a real payload the answers are readelf -s's.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseElf, STT_FUNC, STT_OBJECT, symbolInSection } from "./index.ts";
import { buildElf } from "../livepatch/testing/elfBuilder.ts";

const label = (elf: ReturnType<typeof parseElf>, shndx: number, offset: bigint) => symbolInSection(elf, shndx, offset)?.label ?? null;

describe("symbolInSection", () => {
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
    expect(label(elf, text, 0x1_0000_0004n)).toBe("above+0x4");
    expect(label(elf, text, 0xffff_fff0n)).toBe("below");
    expect(label(elf, text, 0xffff_ffffn)).toBe("below+0xf");
    expect(label(elf, text, 0x14n)).toBe("low+0x4");
    expect(label(elf, text, 0x18n)).toBeNull();
  });

  it("spells a control character in the name as readelf -sW does (^[), never raw", () => {
    const built = buildElf({
      sections: [{ name: ".text", flags: 6, data: new Uint8Array(16) }],
      symbols: [{ name: "xen\x1bhello", section: ".text", value: 0, size: 8 }],
    });
    const elf = parseElf(built.bytes);
    const text = elf.sections.findIndex((s) => s.name === ".text");
    expect(label(elf, text, 0n)).toBe("xen^[hello");
    expect(label(elf, text, 4n)).toBe("xen^[hello+0x4");
    expect(symbolInSection(elf, text, 4n)).toMatchObject({ name: "xen\x1bhello", delta: 4n, start: false });
  });

  it("sees a function around a smaller symbol that ends before the offset, prefers a FUNC, then a start, then the nearest", () => {
    const built = buildElf({
      sections: [{ name: ".text", flags: 6, data: new Uint8Array(0x100) }],
      symbols: [
        { name: "outer", section: ".text", value: 0, size: 0x100 },
        { name: "table", section: ".text", value: 0x10, size: 4, type: STT_OBJECT },
        { name: "inner", section: ".text", value: 0x40, size: 0x20 },
        { name: "blob", section: ".text", value: 0x48, size: 0x10, type: STT_OBJECT },
        { name: "mark", section: ".text", value: 0x80, size: 0, type: STT_OBJECT },
        { name: "", section: ".text", value: 0x90, size: 0x10 },
      ],
    });
    const elf = parseElf(built.bytes);
    const text = elf.sections.findIndex((s) => s.name === ".text");
    // `table` (0x10..0x14) is the last symbol starting before 0x20, but `outer` holds 0x20.
    expect(symbolInSection(elf, text, 0x20n)).toMatchObject({ name: "outer", type: STT_FUNC, start: false, delta: 0x20n, label: "outer+0x20" });
    expect(symbolInSection(elf, text, 0x10n)).toMatchObject({ name: "outer", type: STT_FUNC, start: false });
    // Two functions hold 0x44: the nearest start.
    expect(label(elf, text, 0x44n)).toBe("inner+0x4");
    // A FUNC over the OBJECT starting right there.
    expect(symbolInSection(elf, text, 0x48n)).toMatchObject({ name: "inner", start: false });
    // Past every symbol's end; a zero-size OBJECT at its value loses to the FUNC holding it.
    expect(label(elf, text, 0x100n)).toBeNull();
    expect(symbolInSection(elf, text, 0x80n)).toMatchObject({ name: "outer", type: STT_FUNC });
    // An unnamed symbol names nothing: `outer` again.
    expect(label(elf, text, 0x90n)).toBe("outer+0x90");
  });

  it("on the sample xen_hello_world.livepatch, names what readelf -sW lists", () => {
    // readelf -sW: 30 hello_world_check FUNC size 19 in [10]; 31 hello_world_check.cold FUNC size 2
    // in [9]; 40 livepatch_xen_hello_world OBJECT size 104 in [22] .livepatch.funcs;
    // 25 hello_world_counter OBJECT size 4 in [29] .bss.hello_world_counter.
    const elf = parseElf(new Uint8Array(readFileSync(fileURLToPath(new URL("../../public/samples/x86_64/xen_hello_world.livepatch", import.meta.url)))));
    expect(symbolInSection(elf, 10, 0n)).toEqual({ index: 30, name: "hello_world_check", type: STT_FUNC, start: true, delta: 0n, label: "hello_world_check" });
    expect(symbolInSection(elf, 10, 0x12n)?.label).toBe("hello_world_check+0x12");
    expect(symbolInSection(elf, 10, 0x13n)).toBeNull();
    expect(symbolInSection(elf, 9, 1n)).toMatchObject({ index: 31, label: "hello_world_check.cold+0x1" });
    expect(symbolInSection(elf, 22, 0x40n)).toMatchObject({ index: 40, type: STT_OBJECT, start: false, label: "livepatch_xen_hello_world+0x40" });
    expect(symbolInSection(elf, 29, 3n)).toMatchObject({ index: 25, type: STT_OBJECT, label: "hello_world_counter+0x3" });
    // .text (section 2) is empty and holds no symbol.
    expect(symbolInSection(elf, 2, 0n)).toBeNull();
  });
});
