// `inspect` text keeps its tables in columns when names are long: real prelink.o section names
// run past 50 characters, beyond the columns' usual widths.
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { buildElf } from "../livepatch/testing/elfBuilder.ts";
import { writeText } from "./inspectText.ts";
import { HEADROOM, StreamOut } from "./output.ts";
import { collectingSink } from "./test-support/sink.ts";

const LONG = ".text.hvm_vcpu_virtual_to_linear_nested_guest_interrupt_handle";
const LONGER = `.rodata.${"x86_emulate_".repeat(6)}str1.8`;

async function inspectText(bytes: Uint8Array, chunk?: number): Promise<string[]> {
  const { sink, text } = collectingSink();
  await writeText(new StreamOut(sink, chunk), "t.o", parseElf(bytes), null);
  return text().split("\n");
}

/** The lines of the block that starts with `title`, up to the next blank line. */
function block(lines: string[], title: RegExp): string[] {
  const start = lines.findIndex((l) => title.test(l));
  expect(start, `no ${title}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe("inspect text tables with long names", () => {
  const built = buildElf({
    sections: [
      { name: ".text", flags: 6, data: new Uint8Array(32) },
      { name: LONG, flags: 6, data: new Uint8Array(64) },
      { name: LONGER, flags: 0x32, data: new Uint8Array(8) },
      { name: ".bss.x", type: 8, flags: 3, size: 16 },
    ],
    symbols: [
      { name: "static_fn", section: LONG, size: 64, bind: 0 },
      { name: "a_rather_long_global_function_name_from_the_x86_emulator", section: LONG, size: 12345678 },
      { name: "printk", section: "UND" },
    ],
    relocs: {
      [LONG]: [
        { offset: 1, type: 4, symbol: "printk", addend: -4 }, // R_X86_64_PLT32
        { offset: 8, type: 1, symbol: LONGER, addend: 0x10 }, // R_X86_64_64
        { offset: 0x20, type: 10, symbol: ".text", addend: 0 }, // R_X86_64_32
        { offset: 0x28, type: 24, symbol: "static_fn", addend: 0 }, // R_X86_64_PC64
      ],
    },
  });

  it("aligns every column of the section table under its title", async () => {
    const [header, ...rows] = block(await inspectText(built.bytes), /^Sections \(/);
    const names = rows.map((r) => r.slice(header.indexOf("Name")).split(" ")[0]);
    expect(names).toEqual(["", ".text", LONG, LONGER, ".bss.x", `.rela${LONG}`, ".symtab", ".strtab", ".shstrtab"]);
    for (const title of ["Type", "Offset", "Size", "Lk", "Inf", "Al"]) {
      const at = header.indexOf(title);
      for (const row of rows) {
        expect(row[at - 1], `${title} in ${JSON.stringify(row)}`).toBe(" ");
        expect(row[at], `${title} in ${JSON.stringify(row)}`).not.toBe(" ");
      }
    }
    const cells = (title: string) => rows.map((r) => r.slice(header.indexOf(title)).split(" ")[0]);
    expect(cells("Type")).toEqual(["NULL", "PROGBITS", "PROGBITS", "PROGBITS", "NOBITS", "RELA", "SYMTAB", "STRTAB", "STRTAB"]);
    expect(cells("Flags")).toEqual(["", "AX", "AX", "AMS", "WA", "I", "", "", ""]);
  });

  it("aligns the symbol table, a 12345678-byte size included", async () => {
    const [header, ...rows] = block(await inspectText(built.bytes), /^Symbols \(/);
    const nameAt = header.indexOf("Name");
    const sizeEnd = header.indexOf("Size") + 4;
    const sized = rows.find((r) => r.endsWith("a_rather_long_global_function_name_from_the_x86_emulator"))!;
    expect(sized.slice(sizeEnd - 8, sizeEnd)).toBe("12345678");
    for (const row of rows.filter((r) => r.length > nameAt)) expect(row[nameAt - 1]).toBe(" ");
    expect(rows.map((r) => r.slice(nameAt))).toContain("printk");
  });

  it("starts every relocation's symbol in the same column", async () => {
    const lines = block(await inspectText(built.bytes), /^Relocations in \.rela\.text\.hvm/);
    expect(lines).toHaveLength(4);
    const symbolAt = lines[0].indexOf("printk");
    expect(lines.map((l) => l.slice(symbolAt))).toEqual(["printk - 0x4", `${LONGER} + 0x10`, ".text + 0x0", "static_fn + 0x0"]);
    expect(lines.map((l) => l.slice(0, symbolAt).trim().split(/\s+/))).toEqual([
      ["0x1", "R_X86_64_PLT32"],
      ["0x8", "R_X86_64_64"],
      ["0x20", "R_X86_64_32"],
      ["0x28", "R_X86_64_PC64"],
    ]);
  });
});

describe("inspect text relocation listings across output buffers", () => {
  // Names near the 64 KiB string limit, written through buffers of 64 KiB + 1000 bytes: the
  // title of the second table fits in none (the buffer grows for it), the long entries fill a
  // buffer each, and the short entries fill hundreds.
  const HUGE_SECTION = `.text.${"s".repeat(60_000)}`;
  const HUGE_SYMBOL = "y".repeat(65_500);
  const many = Array.from({ length: 20_000 }, (_, i) => ({ offset: i * 8, type: 1, symbol: i % 3 ? "printk" : ".text", addend: i % 5 === 0 ? -(i + 1) : i }));
  const huge = Array.from({ length: 40 }, (_, i) => ({ offset: 0x1000 + i, type: 2, symbol: HUGE_SYMBOL, addend: -4 }));
  const built = buildElf({
    sections: [
      { name: ".text", flags: 6, data: new Uint8Array(0x30000) },
      { name: HUGE_SECTION, flags: 6, data: new Uint8Array(0x2000) },
    ],
    symbols: [
      { name: "printk", section: "UND" },
      { name: HUGE_SYMBOL, section: "UND" },
    ],
    relocs: { ".text": many, [HUGE_SECTION]: [...huge, ...many.slice(0, 30)] },
  });
  const line = (r: { offset: number; type: number; symbol: string; addend: number }) =>
    `  ${`0x${r.offset.toString(16)}`.padEnd(18)} ${(r.type === 1 ? "R_X86_64_64" : "R_X86_64_PC32").padEnd(24)} ${r.symbol} ${r.addend < 0 ? "-" : "+"} 0x${Math.abs(r.addend).toString(16)}`;

  it.each([["small buffers", HEADROOM + 1000], ["the default buffers", undefined]])("writes every entry once, in order (%s)", async (_, chunk) => {
    const lines = await inspectText(built.bytes, chunk);
    expect(block(lines, /^Relocations in \.rela\.text for \.text \(20000\):$/)).toEqual(many.map(line));
    const title = `Relocations in .rela${HUGE_SECTION} for ${HUGE_SECTION} (70):`;
    expect(lines).toContain(title);
    expect(lines.slice(lines.indexOf(title) + 1, lines.indexOf(title) + 71)).toEqual([...huge, ...many.slice(0, 30)].map(line));
  });
});
