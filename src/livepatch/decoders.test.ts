import { describe, expect, it } from "vitest";
import { parseBuildIdNote, findAppendedSignature, parseXenSignatureNote, MODULE_SIG_MAGIC } from "./notes.ts";
import { parseModinfo } from "./modinfo.ts";
import { decodeExpectation } from "./expectation.ts";
import type { LpDiagnostic } from "./diagnostics.ts";

function le32(...words: number[]): number[] {
  return words.flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff]);
}
const GNU = [0x47, 0x4e, 0x55, 0];
const ID = Array.from({ length: 20 }, (_, i) => i * 13 + 1);

describe("parseBuildIdNote (xen/common/livepatch.c: parse_buildid())", () => {
  const parse = (bytes: number[]) => parseBuildIdNote(".livepatch.depends", Uint8Array.from(bytes), 0x200, true, "LP_BAD_DEPENDS");

  it("reads a SHA-1 build-id note", () => {
    const r = parse([...le32(4, 20, 3), ...GNU, ...ID]);
    expect(r.rc).toBe(0);
    expect(r.buildId).toBe(ID.map((b) => b.toString(16).padStart(2, "0")).join(""));
  });

  it.each([
    ["12 bytes only", le32(4, 0, 3), -22, 0x200, "needs more than 12"],
    ["wrong type", [...le32(4, 20, 1), ...GNU, ...ID], -61, 0x208, "note type 1"],
    ["namesz below 4", [...le32(3, 20, 3), ...GNU, ...ID], -22, 0x200, "namesz 3"],
    ["desc past the end", [...le32(4, 21, 3), ...GNU, ...ID], -22, 0x200, "exceed"],
    ["owner not GNU", [...le32(4, 20, 3), 0x47, 0x4e, 0x55, 0x58, ...ID], -61, 0x20c, '"GNUX"'],
    ["descsz 0", [...le32(4, 0, 3), ...GNU, 0], -22, 0x204, "descsz is 0"],
    ["padding pushes desc out", [...le32(5, 4, 3), ...GNU, 0, 1, 2, 3, 4], -22, 0x214, "runs past"],
  ])("%s", (_n, bytes, rc, offset, text) => {
    const r = parse(bytes);
    expect(r.buildId).toBeNull();
    expect(r.rc).toBe(rc);
    expect(r.diagnostic?.code).toBe("LP_BAD_DEPENDS");
    expect(r.diagnostic?.offset).toBe(offset);
    expect(r.diagnostic?.message).toContain(text);
  });
});

describe("parseModinfo", () => {
  it("splits key=value entries", () => {
    const d: LpDiagnostic[] = [];
    const m = parseModinfo(new TextEncoder().encode("LIVEPATCH_RULEZ\0a=1\0b=x=y\0"), 0x40, d);
    expect(m.valid).toBe(true);
    expect(m.display).toBe("LIVEPATCH_RULEZ;a=1;b=x=y");
    expect(m.entries.slice(1)).toEqual([
      { key: "a", value: "1", offset: 0x50 },
      { key: "b", value: "x=y", offset: 0x54 },
    ]);
    expect(d.map((x) => x.code)).toEqual(["LP_MODINFO_NO_EQUALS"]);
  });
  it("refuses an empty section and a missing final NUL", () => {
    const d: LpDiagnostic[] = [];
    expect(parseModinfo(new Uint8Array(0), 0x40, d).valid).toBe(false);
    expect(parseModinfo(new TextEncoder().encode("a=1\0b=2"), 0x40, d).valid).toBe(false);
    expect(d.map((x) => [x.code, x.offset])).toEqual([["LP_MODINFO_EMPTY", 0x40], ["LP_MODINFO_NOT_TERMINATED", 0x46]]);
  });
});

describe("decodeExpectation", () => {
  it("decodes enabled/len/rsv/data", () => {
    const block = new Uint8Array(32);
    block[0] = 0x11;
    block.set([0xde, 0xad, 0xc0, 0xde, 0xba, 0xbe], 1);
    const e = decodeExpectation(block);
    expect(e).toMatchObject({ enabled: true, len: 8, rsv: 0 });
    expect(Array.from(e.expected)).toEqual([0xde, 0xad, 0xc0, 0xde, 0xba, 0xbe, 0, 0]);
    expect(e.dataHex.startsWith("deadc0debabe00")).toBe(true);
    block[0] = 0xc0 | (6 << 1);
    expect(decodeExpectation(block)).toMatchObject({ enabled: false, len: 6, rsv: 3 });
  });
});

describe("signatures", () => {
  it("finds an appended module signature trailer", () => {
    const sig = [9, 9, 9, 9, 9];
    const header = [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, sig.length];
    const bytes = Uint8Array.from([1, 2, 3, ...sig, ...header, ...new TextEncoder().encode(MODULE_SIG_MAGIC)]);
    const d: LpDiagnostic[] = [];
    const s = findAppendedSignature(bytes, d);
    expect(s).toMatchObject({ offset: 8, idType: 2, signatureLength: 5, signatureOffset: 3 });
    expect(findAppendedSignature(Uint8Array.of(1, 2, 3), d)).toBeNull();
  });
  it("decodes a .note.Xen.signature", () => {
    const d: LpDiagnostic[] = [];
    const bytes = Uint8Array.from([...le32(4, 3, 0x00000001), 0x58, 0x65, 0x6e, 0, 0xaa, 0xbb, 0xcc, 0]);
    expect(parseXenSignatureNote(bytes, 0x100, true, d)).toMatchObject({ version: 1, algorithm: 0, hash: 0, signatureHex: "aabbcc" });
    expect(parseXenSignatureNote(bytes.subarray(0, 8), 0x100, true, d)).toBeNull();
    expect(d[0].code).toBe("LP_BAD_SIGNATURE_NOTE");
  });
});
