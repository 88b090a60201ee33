// The label every view gives a livepatch_func, and the text of a pointer's target (expected values
// read off readelf -r and -s by hand).
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { readSample } from "../test-support/samples.ts";
import { analyzePayload } from "./index.ts";
import { decodeName, escapeName, escapeText, funcLabel, funcRecordLabel, newCodeWhere, oldCodeWhere, patchKind, recordName, recordTargetName, spellName, targetText } from "./label.ts";
import { Patch } from "../audit/test-support/samples.ts";
import type { LivepatchFunc, PointerTarget } from "./types.ts";

const first = (rel: string) => analyzePayload(parseElf(readSample(rel)))!.funcs[0];

describe("funcLabel", () => {
  it("is the record's name when it has one", () => {
    expect(funcLabel(first("x86_64/xen_hello_world.livepatch"))).toBe("xen_extra_version");
  });
  it("with a NULL name, is the symbol old_addr is relocated against, with its addend", () => {
    const fn = first("x86_64/xen_hello_world.livepatch");
    const unnamed = (addend: bigint): LivepatchFunc => ({ ...fn, name: { ...fn.name, text: null }, oldAddr: { ...fn.oldAddr, target: { kind: "symbol", symbol: "xen_minor_version", addend, defined: false } } });
    expect(funcLabel(unnamed(0n))).toBe("xen_minor_version");
    expect(funcLabel(unnamed(4n))).toBe("xen_minor_version+0x4");
  });
  it("with a NULL name and an absolute old_addr (Xen's xen_nop), is its index", () => {
    const fn = first("x86_64/xen_hello_world.livepatch");
    expect(funcLabel({ ...fn, index: 3, name: { ...fn.name, text: null }, oldAddr: { ...fn.oldAddr, target: { kind: "absolute", value: 0xffff82d040200110n } } })).toBe("#3");
  });
});

describe("targetText", () => {
  const symbol = (name: string, addend: bigint): PointerTarget => ({ kind: "symbol", symbol: name, addend, defined: true });

  it("a pointer field: hello world's new_addr is R_X86_64_64 against xen_hello_world + 0", () => {
    expect(targetText(first("x86_64/xen_hello_world.livepatch").newAddr.target)).toBe("xen_hello_world");
  });

  it("a self-relative field: xen_alternatives' one alternative, R_X86_64_PC32 against .text.xen_alt_major_version + 0 (where FUNC xen_alt_major_version starts) and .altinstr_replacement + 0", () => {
    const [alt] = analyzePayload(parseElf(readSample("x86_64/xen_alternatives.livepatch")))!.alternatives;
    expect([targetText(alt.orig.target), targetText(alt.repl.target)]).toEqual(["xen_alt_major_version", ".altinstr_replacement"]);
  });

  it("an addend is spaced and signed as readelf -r spells it; NULL and an absolute value as they are", () => {
    expect(targetText(symbol("xen_extra_version", 8n))).toBe("xen_extra_version + 0x8");
    expect(targetText(symbol("xen_extra_version", -4n))).toBe("xen_extra_version - 0x4");
    expect(targetText({ kind: "null" })).toBe("NULL");
    expect(targetText({ kind: "absolute", value: 0xffff82d040200110n })).toBe("0xffff82d040200110");
  });

  // readelf -sW on Xen's arm64 xen_hello_world.livepatch lists the GNU as local labels its
  // BUG_FRAME()s leave as `.L2^B1` and `.L3^B1` (the name holds byte 0x02).
  it("shows a control character in a symbol name as readelf does", () => {
    expect(targetText(symbol(".L3\x021", 0n))).toBe(".L3^B1");
    expect(targetText(symbol(".L2\x021", 8n))).toBe(".L2^B1 + 0x8");
  });
});

describe("funcRecordLabel", () => {
  it("is the record's index and name, (unnamed) when the name pointer is NULL or the string empty", () => {
    expect(funcRecordLabel(0, "xen_extra_version")).toBe("funcs[0] (xen_extra_version)");
    expect(funcRecordLabel(3, null)).toBe("funcs[3] (unnamed)");
    expect(funcRecordLabel(1, undefined)).toBe("funcs[1] (unnamed)");
    expect(funcRecordLabel(2, "")).toBe("funcs[2] (unnamed)");
  });
  // Xen's xen_nop: name pointer 0, old_addr 0xffff82d04023c527 held outright, which nm xen-syms
  // calls xen_minor_version. The views say xen_minor_version; the findings funcs[0] (xen_minor_version).
  it("a nameless record is named as every view names it: the image's name for its old address, else old_addr's symbol", () => {
    const fn = first("x86_64/xen_hello_world.livepatch");
    const nop: LivepatchFunc = { ...fn, name: { ...fn.name, text: null }, oldAddr: { ...fn.oldAddr, target: { kind: "absolute", value: 0xffff82d04023c527n } } };
    expect(funcLabel(nop, "xen_minor_version")).toBe("xen_minor_version");
    expect(funcRecordLabel(0, null, recordTargetName(nop, "xen_minor_version"))).toBe("funcs[0] (xen_minor_version)");
    expect(funcRecordLabel(0, null, recordTargetName(nop, null))).toBe("funcs[0] (unnamed)");
    expect(funcLabel(nop)).toBe("#0");
    const relocated: LivepatchFunc = { ...nop, oldAddr: { ...fn.oldAddr, target: { kind: "symbol", symbol: "xen_minor_version", addend: 4n, defined: false } } };
    expect(funcRecordLabel(0, null, recordTargetName(relocated))).toBe("funcs[0] (xen_minor_version+0x4)");
    // Its own name always wins: the record, not the address, is what the name says.
    expect(funcRecordLabel(0, "xen_extra_version", recordTargetName(nop, "xen_minor_version"))).toBe("funcs[0] (xen_extra_version)");
  });
});

describe("a hostile name is escaped in every label", () => {
  const fn = first("x86_64/xen_hello_world.livepatch");
  it("control characters (C0, DEL, C1) become \\xNN; printable text, UTF-8 included, stays", () => {
    // By hand: LF is 0x0a, ESC 0x1b, DEL 0x7f, CSI (C1) 0x9b; "é" is U+00E9, printable.
    expect(escapeName("a\nb\x1b[31mc\x7fd\x9be é")).toBe("a\\x0ab\\x1b[31mc\\x7fd\\x9be é");
  });
  it("a name's bytes: UTF-8 kept, each byte that is not UTF-8 \\xNN, as is every control (decodeName, spellName, escapeText)", () => {
    // By hand: 0x84 alone is a continuation byte with no lead; c3 a9 is "é"; f0 9f 92 80 is
    // U+1F480, whose UTF-16 low half is 0xdc80 (a valid pair, not an escaped byte); e2 82 is a
    // 3-byte lead cut short; ef bb bf is a BOM (U+FEFF), kept.
    expect(spellName(Uint8Array.of(0x0f, 0x1f, 0x84))).toBe("\\x0f\\x1f\\x84");
    expect(spellName(Uint8Array.of(0x78, 0x41, 0x04))).toBe("xA\\x04");
    expect(spellName(Uint8Array.of(0xc3, 0xa9, 0xf0, 0x9f, 0x92, 0x80))).toBe("é\u{1f480}");
    expect(spellName(Uint8Array.of(0x61, 0xe2, 0x82, 0x62))).toBe("a\\xe2\\x82b");
    expect(spellName(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe("\ufeffa");
    expect(spellName(Uint8Array.of(0xc0, 0x80))).toBe("\\xc0\\x80");
    // decodeName keeps the byte (U+DC84) where a replacement character would lose it.
    expect(decodeName(Uint8Array.of(0x84))).toBe("\udc84");
    expect(escapeText("(XEN)     \x0f\x1f\udc84 patch\n(XEN)\tok\n")).toBe("(XEN)     \\x0f\\x1f\\x84 patch\n(XEN)\tok\n");
  });
  it("funcRecordLabel and funcLabel, by name and by old_addr's symbol (a GNU as local label holds 0x02)", () => {
    expect(funcRecordLabel(0, "evil\n\x1bname")).toBe("funcs[0] (evil\\x0a\\x1bname)");
    expect(funcLabel({ ...fn, name: { ...fn.name, text: "evil\n\x1bname" } })).toBe("evil\\x0a\\x1bname");
    const bySymbol = { ...fn, name: { ...fn.name, text: null }, oldAddr: { ...fn.oldAddr, target: { kind: "symbol" as const, symbol: ".L3\x021", addend: 4n, defined: true } } };
    // A symbol is spelled as targetText() and readelf spell it, in the label too.
    expect(funcLabel(bySymbol)).toBe(".L3^B1+0x4");
    expect(targetText(bySymbol.oldAddr.target)).toBe(".L3^B1 + 0x4");
    // An empty name string is no name: the label falls back to old_addr's symbol, as for NULL.
    expect(recordName({ ...fn, name: { ...fn.name, text: "" } })).toBeNull();
    expect(funcLabel({ ...bySymbol, name: { ...bySymbol.name, text: "" } })).toBe(".L3^B1+0x4");
  });
});

describe("what APPLY does with a record and where its new code is (the jump diagram's words)", () => {
  const hello = parseElf(readSample("x86_64/xen_hello_world.livepatch"));
  const fn = analyzePayload(hello)!.funcs[0];
  const at = (target: PointerTarget) => newCodeWhere(target, hello.sections);

  it("hello world: new_addr is R_X86_64_64 against xen_hello_world, FUNC in section 12 (.text.xen_hello_world, flags AX): a jump into the payload's text", () => {
    expect(patchKind(fn)).toBe("jump");
    expect(at(fn.newAddr.target)).toBe("payload text");
    // old_addr is R_X86_64_64 against xen_extra_version, undefined here: Xen's own function.
    expect(oldCodeWhere(fn)).toBe("hypervisor text");
  });

  it("xen_nop: new_addr 0 with no relocation, so NOPs, and no new code anywhere", () => {
    const nop = analyzePayload(parseElf(readSample("x86_64/xen_nop.livepatch")))!.funcs[0];
    expect(patchKind(nop)).toBe("nop");
    expect(at(nop.newAddr.target)).toBe("");
  });

  it("an unresolved new_addr (.symtab's sh_link set to section 1, not a string table) is neither a jump nor NOPs, and is where every view says: (unresolved)", () => {
    const p = new Patch(readSample("x86_64/xen_hello_world.livepatch")).shdr(".symtab", "link", 1);
    const elf = parseElf(p.bytes);
    const unresolved = analyzePayload(elf)!.funcs[0];
    expect(patchKind(unresolved)).toBe("unknown");
    expect(newCodeWhere(unresolved.newAddr.target, elf.sections)).toBe("(unresolved)");
    // old_addr too: the address Xen would patch is not known.
    expect(oldCodeWhere(unresolved)).toBe("(unresolved)");
    // A NULL old_addr sends Xen to the name, which is unresolved as well.
    expect(oldCodeWhere({ ...unresolved, oldAddr: { ...unresolved.oldAddr, target: { kind: "null" } } })).toBe("(unresolved)");
    expect(oldCodeWhere({ ...fn, oldAddr: { ...fn.oldAddr, target: { kind: "null" } } })).toBe("hypervisor text");
  });

  it("a symbol undefined here is the hypervisor's; an absolute value is only an address; a non-code section is named", () => {
    expect(at({ kind: "symbol", symbol: "do_domctl", addend: 0n, defined: false })).toBe("resolved by the hypervisor");
    expect(at({ kind: "absolute", value: 0xffff82d040200000n })).toBe("absolute address in the file");
    // readelf -SW: section 14 is .rodata.hello_world_load.str1.1, flags AMS (no X).
    expect(at({ kind: "symbol", symbol: ".rodata.hello_world_load.str1.1", addend: 0n, defined: true, sectionIndex: 14, sectionOffset: 0n })).toBe("payload .rodata.hello_world_load.str1.1 (not code)");
  });
});
