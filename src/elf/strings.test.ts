// A string table's names keep their bytes. Expected values by hand: "é" is c3 a9 in UTF-8; ff is
// never UTF-8; a c3 followed by 'w' (77) is a lead byte without its continuation, so not UTF-8;
// such a byte is held as U+DC80 + byte (U+DCFF, U+DCC3), as Python's surrogateescape holds it.
import { describe, expect, it } from "vitest";
import { printable } from "./readelf.ts";
import { decodeBytes, decodeString, readTableString, tableStrings } from "./strings.ts";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe("names that are not UTF-8", () => {
  it("decodeBytes: UTF-8 decoded, each other byte kept as U+DC80 + byte", () => {
    expect(decodeBytes(bytes("caf\xc3\xa9"))).toBe("café");
    expect(decodeBytes(bytes("hello\xffworld\xc3count"))).toBe("hello\udcffworld\udcc3count");
    // a lone continuation byte and a truncated three-byte sequence at the end
    expect(decodeBytes(bytes("\xa9x\xe2\x82"))).toBe("\udca9x\udce2\udc82");
  });

  it("a string table read keeps them, short or long, on the ASCII and the byte-by-byte paths", () => {
    const long = `${"n".repeat(70)}\xff`;
    const table = bytes(`\0hello\xffworld\xc3count\0${long}\0plain\0`);
    expect(readTableString(table, 0, table.length, 1)?.value).toBe("hello\udcffworld\udcc3count");
    const read = tableStrings(table, 0, table.length);
    expect(read(1)?.value).toBe("hello\udcffworld\udcc3count");
    expect(read(19)?.value).toBe(`${"n".repeat(70)}\udcff`);
    expect(read(91)?.value).toBe("plain");
    expect(decodeString(table, 19, 90)).toBe(`${"n".repeat(70)}\udcff`);
  });

  it("printable() spells such a byte \\xNN, beside readelf's ^X for a C0 control", () => {
    expect(printable("hello\udcffworld\udcc3count")).toBe("hello\\xffworld\\xc3count");
    expect(printable(".L3\x021\udc84")).toBe(".L3^B1\\x84");
    expect(printable("café")).toBe("café");
  });
});
