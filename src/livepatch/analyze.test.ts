// Builder-made payloads: every field path and every malformation with its exact code and offset.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "./analyze.ts";
import { buildElf, buildIdNote, funcRecord, le, type BuildSection, type BuildSpec } from "./testing/elfBuilder.ts";
import { Patch, sample } from "../audit/test-support/samples.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const XEN_ID = Array.from({ length: 20 }, (_, i) => 0xa0 + i);
const OWN_ID = Array.from({ length: 20 }, (_, i) => i);
const R_X86_64_64 = 1;

function notes(depends = XEN_ID): BuildSection[] {
  return [
    { name: ".note.gnu.build-id", type: 7, data: buildIdNote(OWN_ID), align: 4 },
    { name: ".livepatch.depends", data: buildIdNote(depends), align: 4 },
    { name: ".livepatch.xen_depends", data: buildIdNote(XEN_ID), align: 4 },
  ];
}

/** One trampoline to new_fn replacing old_fn (undefined), named through a string section. */
function payload(over: Partial<BuildSpec> = {}, funcs = Uint8Array.from(funcRecord({ newSize: 16, oldSize: 32 }))): BuildSpec {
  return {
    sections: [
      { name: ".text.new", flags: 6, data: new Uint8Array(16).fill(0xc3), align: 16 },
      { name: ".rodata.str", flags: 0x32, data: enc("old_fn\0"), entsize: 1 },
      { name: ".livepatch.funcs", flags: 2, data: funcs, align: 8 },
      ...notes(),
    ],
    symbols: [{ name: "new_fn", section: ".text.new", size: 16 }, { name: "old_fn", section: "UND" }],
    relocs: {
      ".livepatch.funcs": [
        { offset: 0, type: R_X86_64_64, symbol: ".rodata.str" },
        { offset: 8, type: R_X86_64_64, symbol: "new_fn" },
        { offset: 16, type: R_X86_64_64, symbol: "old_fn" },
      ],
    },
    ...over,
  };
}

function analyze(spec: BuildSpec) {
  const built = buildElf(spec);
  const model = analyzePayload(parseElf(built.bytes));
  if (!model) throw new Error("not a payload");
  return { model, built, codes: model.diagnostics.map((d) => d.code) };
}

describe("analyzePayload on a well-formed payload", () => {
  it("decodes the func with provenance, notes and placement", () => {
    const { model, built, codes } = analyze(payload());
    expect(codes.filter((c) => c !== "LP_NEW_SIZE_DIFFERS")).toEqual([]);
    expect(model.layout).toBe("v2");
    const fn = model.funcs[0];
    expect(fn.name.text).toBe("old_fn");
    expect(fn.newAddr.target).toMatchObject({ kind: "symbol", symbol: "new_fn", addend: 0n, defined: true });
    expect(fn.oldAddr.target).toMatchObject({ kind: "symbol", symbol: "old_fn", defined: false });
    expect(fn.oldAddr.reloc).toMatchObject({ section: ".rela.livepatch.funcs", index: 2, symbol: "old_fn", recordOffset: built.relocOffset[".livepatch.funcs:2"] });
    expect(fn.name.reloc?.symbol).toBe(".rodata.str");
    expect(fn.offset).toBe(built.dataOffset[".livepatch.funcs"]);
    expect(model.buildId?.buildId).toBe(OWN_ID.map((b) => b.toString(16).padStart(2, "0")).join(""));
    expect(model.dependsOn).toEqual({ kind: "xen", buildId: XEN_ID.map((b) => b.toString(16)).join("") });
    // Where it lands and what APPLY writes are the simulator's (workers/hypervisor/tests), not decoded here.
    expect(model).not.toHaveProperty("regions");
    expect(fn).not.toHaveProperty("patch");
  });

  it("returns null for an object without livepatch sections", () => {
    const built = buildElf({ sections: [{ name: ".text", flags: 6, data: new Uint8Array(4) }] });
    expect(analyzePayload(parseElf(built.bytes))).toBeNull();
  });

  it("decodes v1 records and ARM32 REL relocations with implicit addends", () => {
    const rec = funcRecord({ ptr: 4, newSize: 8, oldSize: 8, layout: "v1" });
    rec.splice(0, 4, ...le(4, 4)); // REL: the addend lives in the word (name at .rodata.str+4)
    const { model, codes } = analyze(
      payload({
        elfClass: 32,
        machine: 40,
        flags: 0x05000000,
        rel: true,
        sections: [
          { name: ".text.new", flags: 6, data: new Uint8Array(8), align: 4 },
          { name: ".rodata.str", flags: 0x32, data: enc("xyz\0old_fn\0"), entsize: 1 },
          { name: ".livepatch.funcs", flags: 2, data: Uint8Array.from(rec), align: 4 },
          ...notes(),
        ],
        symbols: [{ name: "new_fn", section: ".text.new", size: 8 }, { name: "old_fn", section: "UND" }],
        relocs: {
          ".livepatch.funcs": [
            { offset: 0, type: 2, symbol: ".rodata.str" },
            { offset: 4, type: 2, symbol: ".text.new" },
            { offset: 8, type: 2, symbol: "old_fn" },
          ],
        },
      }),
    );
    expect(codes).toEqual([]);
    expect(model.layout).toBe("v1");
    expect(model.pointerSize).toBe(4);
    const fn = model.funcs[0];
    expect(fn.name.text).toBe("old_fn");
    expect(fn.name.reloc?.addend).toBe(4n);
    expect(fn.newAddr.target).toMatchObject({ kind: "symbol", symbol: "new_fn", addend: 0n });
    expect(fn.expect).toBeNull();
  });

  it("decodes xSplice records and hooks", () => {
    const spec = payload({}, Uint8Array.from(funcRecord({ newSize: 16, oldSize: 32, layout: "v1" })));
    spec.sections = spec.sections.map((s) => (s.name === ".livepatch.funcs" ? { ...s, name: ".xsplice.funcs" } : s));
    spec.sections.push({ name: ".livepatch.hooks.load", flags: 3, data: new Uint8Array(16), align: 8 });
    spec.sections.push({ name: ".livepatch.hooks.postrevert", flags: 3, data: new Uint8Array(8), align: 8 });
    spec.relocs = {
      ".xsplice.funcs": spec.relocs![".livepatch.funcs"],
      ".livepatch.hooks.load": [{ offset: 0, type: 1, symbol: ".text.new" }, { offset: 8, type: 1, symbol: "new_fn" }],
      ".livepatch.hooks.postrevert": [{ offset: 0, type: 1, symbol: "new_fn" }],
    };
    const { model, codes } = analyze(spec);
    expect(model.layout).toBe("xsplice");
    expect(codes).toContain("LP_XSPLICE_LAYOUT");
    expect(model.hooks.map((h) => [h.kind, h.entries.map((e) => e.pointer.target.kind === "symbol" && e.pointer.target.symbol)])).toEqual([
      ["load", ["new_fn", "new_fn"]],
      ["postrevert", ["new_fn"]],
    ]);
  });
});

describe("malformed payloads: exact codes and offsets", () => {
  it("truncated funcs section", () => {
    const rec = funcRecord({ newSize: 16, oldSize: 32 });
    const { model, built } = analyze(payload({}, Uint8Array.from([...rec, ...rec.slice(0, 40)])));
    const d = model.diagnostics.find((x) => x.code === "LP_FUNCS_SIZE")!;
    expect(d.offset).toBe(built.dataOffset[".livepatch.funcs"] + 104);
    expect(d.severity).toBe("error");
    expect(model.funcs).toHaveLength(1);
  });

  it("relocation offset past the section", () => {
    const spec = payload();
    spec.relocs![".livepatch.funcs"].push({ offset: 100, type: R_X86_64_64, symbol: "new_fn" });
    const { model, built } = analyze(spec);
    const d = model.diagnostics.find((x) => x.code === "LP_RELOC_PAST_SECTION")!;
    expect(d.offset).toBe(built.relocOffset[".livepatch.funcs:3"]);
  });

  it("relocation that fills no pointer field", () => {
    const spec = payload();
    spec.relocs![".livepatch.funcs"].push({ offset: 24, type: R_X86_64_64, symbol: "new_fn" });
    const { model, built } = analyze(spec);
    expect(model.diagnostics.find((x) => x.code === "LP_RELOC_NOT_ON_FIELD")?.offset).toBe(built.relocOffset[".livepatch.funcs:3"]);
  });

  it("name pointer to a non-string", () => {
    const spec = payload();
    spec.relocs![".livepatch.funcs"][0] = { offset: 0, type: R_X86_64_64, symbol: ".text.new" };
    spec.sections[0] = { ...spec.sections[0], data: Uint8Array.of(0x55, 0x48, 0x89, 0xe5, 0xc3, 0, 0, 0) };
    const { model, built } = analyze(spec);
    const d = model.diagnostics.find((x) => x.code === "LP_NAME_NOT_STRING")!;
    expect(d.offset).toBe(built.relocOffset[".livepatch.funcs:0"]);
    expect(d.message).toContain('which holds "UH\\x89\\xe5\\xc3": bytes that are not printable ASCII');
    expect(model.funcs[0].name.text).toBeNull();
    // old_addr is relocated against old_fn: Xen never looks the name up (xen/common/livepatch.c,
    // resolve_old_address() returns when old_addr is set), so it is a warning; with old_addr NULL
    // (its relocation gone) Xen looks it up, and it is an error.
    expect(d.severity).toBe("warning");
    expect(d.message).toContain("Xen accepts it: old_addr is set");
    spec.relocs![".livepatch.funcs"] = spec.relocs![".livepatch.funcs"].filter((r) => r.offset !== 16);
    const nul = analyze(spec).model;
    expect(nul.funcs[0].oldAddr.target.kind).toBe("null");
    const e = nul.diagnostics.find((x) => x.code === "LP_NAME_NOT_STRING")!;
    expect(e.severity).toBe("error");
    expect(e.message).toContain("old_addr is NULL, so Xen looks this name up");
  });

  it("name pointer past its section and without NUL", () => {
    const spec = payload();
    spec.relocs![".livepatch.funcs"][0] = { offset: 0, type: R_X86_64_64, symbol: ".rodata.str", addend: 7 };
    expect(analyze(spec).model.diagnostics.find((x) => x.code === "LP_NAME_NOT_STRING")?.message).toContain("outside its 7 bytes");
    spec.sections[1] = { ...spec.sections[1], data: enc("old_fn") };
    spec.relocs![".livepatch.funcs"][0] = { offset: 0, type: R_X86_64_64, symbol: ".rodata.str" };
    expect(analyze(spec).model.diagnostics.find((x) => x.code === "LP_NAME_NOT_STRING")?.message).toContain("no NUL");
  });

  it("build-id note with descsz 0", () => {
    const spec = payload();
    spec.sections = spec.sections.map((s) => (s.name === ".livepatch.depends" ? { ...s, data: Uint8Array.from([...le(4, 4), ...le(4, 0), ...le(4, 3), 0x47, 0x4e, 0x55, 0]) } : s));
    const { model, built } = analyze(spec);
    const d = model.diagnostics.find((x) => x.code === "LP_BAD_DEPENDS")!;
    expect(d.offset).toBe(built.dataOffset[".livepatch.depends"] + 4);
    expect(model.depends?.buildId).toBeNull();
    expect(model.dependsOn).toBeNull();
  });

  it("empty .modinfo and .modinfo without a trailing NUL", () => {
    const spec = payload();
    spec.sections.push({ name: ".modinfo", data: new Uint8Array(0) });
    let r = analyze(spec);
    expect(r.model.diagnostics.find((x) => x.code === "LP_MODINFO_EMPTY")?.offset).toBe(r.built.dataOffset[".modinfo"]);
    spec.sections[spec.sections.length - 1] = { name: ".modinfo", data: enc("a=b\0c=d") };
    r = analyze(spec);
    expect(r.model.diagnostics.find((x) => x.code === "LP_MODINFO_NOT_TERMINATED")?.offset).toBe(r.built.dataOffset[".modinfo"] + 6);
  });

  it("unknown version, zero old_size, bad expectation, missing notes", () => {
    const rec = funcRecord({ newSize: 16, oldSize: 0, version: 7, expect: [0x11 | 0x40] });
    const spec = payload({}, Uint8Array.from(rec));
    spec.sections = spec.sections.filter((s) => s.name !== ".livepatch.xen_depends");
    const { model, built } = analyze(spec);
    const at = built.dataOffset[".livepatch.funcs"];
    const find = (code: string) => model.diagnostics.find((x) => x.code === code);
    expect(find("LP_FUNC_UNKNOWN_VERSION")?.offset).toBe(at + 32);
    expect(find("LP_FUNC_VERSION")?.offset).toBe(at + 32);
    expect(find("LP_FUNC_OLD_SIZE_ZERO")?.offset).toBe(at + 28);
    expect(find("LP_EXPECT_RSV")?.offset).toBe(at + 72);
    expect(find("LP_EXPECT_LEN")?.offset).toBe(at + 72);
    expect(find("LP_BAD_XEN_DEPENDS_MISSING")).toBeDefined();
  });

  it("single hook with two pointers, NULL load hook", () => {
    const spec = payload();
    spec.sections.push({ name: ".livepatch.hooks.preapply", flags: 3, data: new Uint8Array(16), align: 8 });
    spec.sections.push({ name: ".livepatch.hooks.load", flags: 3, data: new Uint8Array(8), align: 8 });
    spec.sections.push({ name: ".text.wx", flags: 7, data: new Uint8Array(4) });
    const { model, built } = analyze(spec);
    const find = (code: string) => model.diagnostics.find((x) => x.code === code);
    expect(find("LP_HOOK_NOT_SINGLE")?.offset).toBe(built.headerOffset[".livepatch.hooks.preapply"]);
    const nulls = model.diagnostics.filter((x) => x.code === "LP_HOOK_NULL");
    expect(nulls.map((x) => [x.severity, x.offset])).toEqual([
      ["error", built.dataOffset[".livepatch.hooks.load"]],
      ["info", built.dataOffset[".livepatch.hooks.preapply"]],
      ["info", built.dataOffset[".livepatch.hooks.preapply"] + 8],
    ]);
  });

  it("alternatives, alt-call sites and an ex_table where the arch has none", () => {
    const text = Uint8Array.of(0xff, 0x15, 0, 0, 0, 0, 0x90, 0x90, 0xe8, 0, 0, 0, 0, 0x90, 0x90, 0x90);
    const alt = [...le(4, 0), ...le(4, 0), ...le(2, 3), 20, 1, 0, 0]; // orig_len 20 overruns .text.new
    const spec = payload();
    spec.sections[0] = { ...spec.sections[0], data: text };
    spec.sections.push({ name: ".alt_call_sites", data: new Uint8Array(12), align: 4 });
    spec.sections.push({ name: ".altinstructions", data: Uint8Array.from(alt), align: 1 });
    spec.relocs![".alt_call_sites"] = [
      { offset: 0, type: 2, symbol: ".text.new", addend: 0 },
      { offset: 4, type: 2, symbol: ".text.new", addend: 8 },
      { offset: 8, type: 2, symbol: ".text.new", addend: 12 },
    ];
    spec.relocs![".altinstructions"] = [{ offset: 0, type: 2, symbol: ".text.new" }, { offset: 4, type: 2, symbol: ".text.new", addend: 6 }];
    const { model, built } = analyze(spec);
    const codes = model.diagnostics.map((d) => [d.code, d.offset]);
    const sites = built.dataOffset[".alt_call_sites"];
    expect(model.altCalls.map((c) => c.site.target)).toMatchObject([{ symbol: "new_fn", addend: 0n }, { symbol: "new_fn", addend: 8n }, { symbol: "new_fn", addend: 12n }]);
    expect(codes).toContainEqual(["LP_ALT_CALL_NOT_INDIRECT", sites + 4]);
    expect(codes).toContainEqual(["LP_ALT_CALL_OUTSIDE", sites + 8]);
    expect(codes).not.toContainEqual(["LP_ALT_CALL_NOT_INDIRECT", sites]);
    const alts = built.dataOffset[".altinstructions"];
    expect(codes).toContainEqual(["LP_ALT_ORIG_OUTSIDE", alts]);
    expect(model.diagnostics.find((d) => d.code === "LP_ALT_NO_REPLACEMENT")).toBeDefined();
    expect(model.alternatives[0]).toMatchObject({ feature: 3, origLen: 20, replLen: 1, padLen: 0 });

    const arm = payload({ machine: 183 });
    arm.sections.push({ name: ".ex_table", data: new Uint8Array(8), align: 4 });
    const r = analyze(arm);
    expect(r.model.diagnostics.find((d) => d.code === "LP_SECTION_UNSUPPORTED")?.offset).toBe(r.built.headerOffset[".ex_table"]);
  });
});

describe("many records", () => {
  it("resolves 20,000 section-symbol relocations to the function at each addend", () => {
    const n = 20_000;
    const funcs = new Uint8Array(n * 104);
    for (let i = 0; i < n; i++) funcs.set(funcRecord({ newSize: 16, oldSize: 32 }), i * 104);
    const symbols = Array.from({ length: n }, (_, i) => ({ name: `f${i}`, section: ".text.new", value: i * 16, size: 16 }));
    const spec = payload({ symbols: [...symbols, { name: "old_fn", section: "UND" }] }, funcs);
    spec.sections[0] = { ...spec.sections[0], data: new Uint8Array(n * 16) };
    spec.relocs = { ".livepatch.funcs": Array.from({ length: n }, (_, i) => ({ offset: i * 104 + 8, type: R_X86_64_64, symbol: ".text.new", addend: (n - 1 - i) * 16 })) };
    const { model } = analyze(spec);
    expect(model.funcs).toHaveLength(n);
    expect(model.funcs[0].newAddr.target).toMatchObject({ symbol: `f${n - 1}`, addend: 0n });
    expect(model.funcs[n - 1].newAddr.target).toMatchObject({ symbol: "f0", addend: 0n });
  });
});

// readelf -rW / -sW of the aarch64 hello world sample: funcs[0].name is filled by R_AARCH64_ABS64
// against .rodata.str1.8 + 0, where a `$d` mapping symbol also sits; a mapping symbol is not a name.
describe("ARM mapping symbols", () => {
  it("a pointer into data that a $d marks is named by its section, not by $d", () => {
    const elf = parseElf(new Uint8Array(readFileSync(new URL("../../public/samples/aarch64/xen_hello_world.livepatch", import.meta.url))));
    const t = analyzePayload(elf)!.funcs[0].name.target;
    expect(t).toMatchObject({ kind: "symbol", symbol: ".rodata.str1.8", addend: 0n, defined: true });
  });
});

describe("a .livepatch.funcs the file cannot hold", () => {
  it("says its bytes run past the end of the file, not that it is empty (QA s27-a defect 3)", () => {
    // readelf -SW keeps such a section, with its size: it is there, and no record of it can be read.
    const elf = parseElf(new Patch(sample("x86_64/xen_hello_world.livepatch")).shdr(".livepatch.funcs", "size", 0xffffffffffn).bytes);
    expect(elf.diagnostics.map((d) => d.code)).toContain("SECTION_DATA_PAST_END");
    const model = analyzePayload(elf)!;
    const funcs = elf.sections.find((s) => s.name === ".livepatch.funcs")!;
    expect(model.diagnostics.map((d) => d.code)).not.toContain("LP_FUNCS_EMPTY");
    const d = model.diagnostics.find((x) => x.code === "LP_FUNCS_PAST_END")!;
    expect(d.severity).toBe("error");
    expect(d.offset).toBe(funcs.header.offset);
    expect(d.message).toBe(`.livepatch.funcs's 1099511627775 bytes (sh_size 0xffffffffff) at offset 0x${funcs.offset.toString(16)} run past the end of the file: no record can be read`);
    expect(model.funcs).toEqual([]);
  });
});

// An .altinstructions of type SHT_NOBITS (8) listed "No alternatives." with no word. Xen zero-fills
// a NOBITS section (xen/common/livepatch.c move_payload(): memset), still relocates into it
// (livepatch_elf_perform_relocs() skips only non-ALLOC targets) and prepare_payload() walks its
// sh_size / sizeof(struct alt_instr) entries: 14 bytes (readelf -S of the sample) is one entry.
describe("a table section of type NOBITS", () => {
  it("is a warning naming the entries Xen reads from zeroed memory", () => {
    const p = new Patch(sample("x86_64/xen_alternatives.livepatch")).shdr(".altinstructions", "type", 8);
    const model = analyzePayload(parseElf(p.bytes))!;
    expect(model.alternatives).toEqual([]);
    const d = model.diagnostics.filter((x) => x.code === "LP_TABLE_NOBITS");
    expect(d).toHaveLength(1);
    expect(d[0].severity).toBe("warning");
    expect(d[0].message).toContain(".altinstructions is SHT_NOBITS: no bytes in the file, but 14 bytes (1 14-byte alt_instr (x86))");
  });

  it("the unchanged sample has no such warning", () => {
    const model = analyzePayload(parseElf(new Patch(sample("x86_64/xen_alternatives.livepatch")).bytes))!;
    expect(model.diagnostics.filter((x) => x.code === "LP_TABLE_NOBITS")).toEqual([]);
  });
});
