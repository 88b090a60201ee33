// The byte-level relocation writer must print exactly what BigInt formatting would.
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { buildElf } from "../livepatch/testing/elfBuilder.ts";
import { createView } from "./inspectView.ts";
import { HEADROOM, StreamOut } from "./output.ts";
import { writeRelocations } from "./relocJson.ts";
import { collectingSink } from "./test-support/sink.ts";

const signedHex = (v: bigint) => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

async function relocationsJson(bytes: Uint8Array, chunk?: number, filter: ((text: string) => string) | null = null) {
  const { sink, text } = collectingSink();
  const elf = parseElf(bytes);
  const out = new StreamOut(sink, chunk, filter);
  out.w("{");
  await writeRelocations(out, createView(elf), elf);
  out.w("}");
  await out.flush();
  return JSON.parse(text()).relocations;
}

describe("relocation entries as bytes", () => {
  const addends = [0n, 1n, -1n, -4n, 0x7fffffffn, -0x80000000n, 0x100000000n, -0x100000000n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdefn];
  const offsets = [0n, 0xffn, 0xffffffffn, 0x100000000n, 0xfedcba9876543210n];

  it("formats offsets and signed addends exactly (RELA)", async () => {
    const relocs = addends.map((a, i) => ({ offset: offsets[i % 3], type: 2, symbol: i % 2 ? "f\u00e9\"q" : ".text", addend: a }));
    const built = buildElf({ sections: [{ name: ".text", flags: 6, data: new Uint8Array(16) }], symbols: [{ name: "f\u00e9\"q", section: "UND" }], relocs: { ".text": relocs } });
    const [table] = await relocationsJson(built.bytes);
    expect(table.section).toBe(".rela.text");
    expect(table.target).toBe(".text");
    expect(table.entries.map((e: { addend: string }) => e.addend)).toEqual(addends.map(signedHex));
    expect(table.entries[1]).toEqual({ offset: "0xff", type: "R_X86_64_PC32", symbol: "f\u00e9\"q", symbolIndex: 2, addend: "0x1" });
    expect(table.entries[2].offset).toBe("0xffffffff");
    expect(table.entries[0].symbol).toBe(".text");
  });

  it("prints null addends for REL and 64-bit offsets in full", async () => {
    const built = buildElf({
      elfClass: 32,
      machine: 40,
      rel: true,
      sections: [{ name: ".text", flags: 6, data: new Uint8Array(8) }],
      symbols: [{ name: "g", section: "UND" }],
      relocs: { ".text": [{ offset: 4, type: 2, symbol: "g" }] },
    });
    const [table] = await relocationsJson(built.bytes);
    expect(table.entries).toEqual([{ offset: "0x4", type: "R_ARM_ABS32", symbol: "g", symbolIndex: 2, addend: null }]);
    const wide = buildElf({ sections: [{ name: ".text", flags: 6, data: new Uint8Array(8) }], relocs: { ".text": offsets.map((o) => ({ offset: o, type: 1, symbol: ".text" })) } });
    const [t64] = await relocationsJson(wide.bytes);
    expect(t64.entries.map((e: { offset: string }) => e.offset)).toEqual(offsets.map((o) => `0x${o.toString(16)}`));
  });

  // Through buffers of 64 KiB + 1000 bytes: the second table's title (two names near the 64 KiB
  // string limit) fits in none, and the short entries fill hundreds of buffers.
  it("writes every entry once, in order, across output buffers", async () => {
    const section = `.text.${"s".repeat(60_000)}`;
    const name = "y".repeat(65_500);
    const many = Array.from({ length: 20_000 }, (_, i) => ({ offset: i * 8, type: 1, symbol: i % 3 ? "printk" : ".text", addend: i % 5 === 0 ? -(i + 1) : i }));
    const huge = Array.from({ length: 40 }, (_, i) => ({ offset: 0x1000 + i, type: 2, symbol: name, addend: -4 }));
    const built = buildElf({
      sections: [
        { name: ".text", flags: 6, data: new Uint8Array(0x30000) },
        { name: section, flags: 6, data: new Uint8Array(0x2000) },
      ],
      symbols: [
        { name: "printk", section: "UND" },
        { name, section: "UND" },
      ],
      relocs: { ".text": many, [section]: [...huge, ...many.slice(0, 30)] },
    });
    const entry = (r: { offset: number; type: number; symbol: string; addend: number }) => ({
      offset: `0x${r.offset.toString(16)}`,
      type: r.type === 1 ? "R_X86_64_64" : "R_X86_64_PC32",
      symbol: r.symbol,
      symbolIndex: r.symbol === ".text" ? 1 : r.symbol === "printk" ? 3 : 4,
      addend: signedHex(BigInt(r.addend)),
    });
    for (const chunk of [HEADROOM + 1000, undefined]) {
      const tables = await relocationsJson(built.bytes, chunk);
      expect(tables.map((t: { section: string }) => t.section)).toEqual([".rela.text", `.rela${section}`]);
      expect(tables[0].entries).toEqual(many.map(entry));
      expect(tables[1].entries).toEqual([...huge, ...many.slice(0, 30)].map(entry));
    }
  });

  // The filter (jsonTerminalSafe() in the CLI) is the output's: the relocation fragments pass
  // through it once each, not once per entry (a real prelink.o has 1.2M entries, ~30k pairs).
  it("passes each title and (type, symbol) fragment through the output's filter once, not per entry", async () => {
    const relocs = Array.from({ length: 5000 }, (_, i) => ({ offset: i * 8, type: 1 + (i % 2), symbol: i % 3 ? "printk" : ".text", addend: 0 }));
    const built = buildElf({ sections: [{ name: ".text", flags: 6, data: new Uint8Array(0x10000) }], symbols: [{ name: "printk", section: "UND" }], relocs: { ".text": relocs } });
    const seen: string[] = [];
    const tables = await relocationsJson(built.bytes, undefined, (text) => {
      seen.push(text);
      return text.replaceAll("printk", "PRINTK");
    });
    expect(tables[0].entries).toHaveLength(5000);
    expect(tables[0].entries[1]).toEqual({ offset: "0x8", type: "R_X86_64_PC32", symbol: "PRINTK", symbolIndex: 2, addend: "0x0" });
    expect(tables[0].entries[3]).toEqual({ offset: "0x18", type: "R_X86_64_PC32", symbol: ".text", symbolIndex: 1, addend: "0x0" });
    // One title, four pairs ((R_X86_64_64 | R_X86_64_PC32) x (.text | printk)), and the text
    // written through w(): "{", '"relocations":[', the close and "}", in at most four runs.
    const fragments = seen.filter((t) => t.includes('"type":') || t.includes('"section":'));
    expect(fragments).toHaveLength(5);
    expect(seen.length).toBeLessThanOrEqual(5 + 4);
  });
});
