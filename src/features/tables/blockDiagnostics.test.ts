import { describe, expect, it } from "vitest";
import type { Diagnostic, ElfSection } from "../../elf/index.ts";
import { blockDiagnostics } from "./blockDiagnostics.ts";

// Two sections laid out by hand: headers 64 bytes each at 0x400 + 64 × index, data where given.
const section = (index: number, name: string, dataOffset: number, dataSize: number) =>
  ({ index, name, header: { offset: 0x400 + 64 * index, size: 64 }, dataOffset, dataSize }) as unknown as ElfSection;
const sections = [section(1, ".ex_table", 0xbc, 7), section(2, ".bug_frames.1", 0xc8, 16), section(3, ".text", 0x40, 0x7c)];
const d = (code: string, offset: number, sectionIndex?: number): Diagnostic => ({ severity: "error", code, offset, message: code, section: sectionIndex });

describe("blockDiagnostics", () => {
  const all = [
    d("SIZE", 0xbc, 1), // named section: in
    d("FIELD", 0xc0), // no section, inside .ex_table's data (0xbc..0xc3): in
    d("HEADER", 0x400 + 64 + 10), // no section, inside section 1's header (0x440..0x47f): in
    d("PAST", 0xc3), // no section, first byte after the 7 bytes: out
    d("OTHER", 0xbc, 3), // names another section though its offset is inside: out
    d("BUG", 0xd0), // inside .bug_frames.1: out for .ex_table
  ];
  it("keeps the diagnostics naming or pointing into the block's sections", () => {
    expect(blockDiagnostics(sections, (n) => n === ".ex_table", all).map((x) => x.code)).toEqual(["SIZE", "FIELD", "HEADER"]);
    expect(blockDiagnostics(sections, (n) => n.startsWith(".bug_frames."), all).map((x) => x.code)).toEqual(["BUG"]);
  });
  it("a block whose sections the file lacks has none", () => {
    expect(blockDiagnostics(sections, (n) => n === ".altinstructions", all)).toEqual([]);
  });
});
