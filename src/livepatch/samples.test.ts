// Table-driven over the committed samples: the fixtures' own catalogue (fixtures/catalogue.json,
// "verify") and readelf goldens (fixtures/goldens) are the independent answers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findSymbol, parseElf, readVirtual, type ElfFile } from "../elf/index.ts";
import { analyzePayload } from "./analyze.ts";
import { imageOptions } from "./image.ts";
import type { LivepatchModel, PointerField } from "./types.ts";
import { samplePath } from "../test-support/samples.ts";

const root = join(import.meta.dirname, "../..");
const samples = join(root, "public/samples");
const goldens = join(root, "fixtures/goldens");

interface Verify {
  funcs: number;
  depends: string;
  xen_depends: string | null;
  hooks?: Record<string, number>;
  sections?: string[];
  old_addr?: "none";
  new_addr?: "none";
  version?: number;
  funcs_section?: string;
}
interface Entry {
  path: string;
  kind: string;
  image: string | null;
  verify?: Verify;
}

const catalogue: Entry[] = JSON.parse(readFileSync(join(root, "fixtures/catalogue.json"), "utf8")).entries;
const payloads = catalogue.filter((e) => e.kind === "payload" && e.verify);

const elfCache = new Map<string, ElfFile>();
function elf(path: string): ElfFile {
  let e = elfCache.get(path);
  if (!e) {
    e = parseElf(new Uint8Array(readFileSync(join(samples, path))));
    elfCache.set(path, e);
  }
  return e;
}

function analyze(entry: Entry): LivepatchModel {
  const m = analyzePayload(elf(entry.path), entry.image ? imageOptions(elf(entry.image)) : {});
  if (!m) throw new Error(`${entry.path}: not a payload`);
  return m;
}

/** The first `Build ID:` that readelf -n printed for a file. */
function goldenBuildId(path: string): string {
  const m = /Build ID: ([0-9a-f]+)/.exec(readFileSync(join(goldens, `${path}.readelf`), "utf8"));
  if (!m) throw new Error(`no build-id in the golden of ${path}`);
  return m[1];
}

interface GoldenReloc {
  offset: number;
  type: string;
  symbol: string;
  addend: bigint | null;
}

/** Entries of one relocation section from readelf -rW output. */
function goldenRelocs(path: string, section: string): GoldenReloc[] {
  const text = readFileSync(join(goldens, `${path}.readelf`), "utf8");
  const start = text.indexOf(`Relocation section '${section}'`);
  if (start < 0) return [];
  const lines = text.slice(start).split("\n").slice(2);
  const out: GoldenReloc[] = [];
  for (const line of lines) {
    const m = /^([0-9a-f]+)\s+[0-9a-f]+\s+(\S+)\s+[0-9a-f]+\s+(\S+)(?:\s+([+-])\s+([0-9a-f]+))?\s*$/.exec(line);
    if (!m) break;
    out.push({ offset: parseInt(m[1], 16), type: m[2], symbol: m[3], addend: m[4] ? (m[4] === "-" ? -1n : 1n) * BigInt(`0x${m[5]}`) : null });
  }
  return out;
}

function fieldAt(m: LivepatchModel, sectionOffset: number): PointerField | undefined {
  const size = m.funcs[0]?.size ?? 1;
  const fn = m.funcs[Math.floor(sectionOffset / size)];
  if (!fn) return undefined;
  const within = sectionOffset % size;
  const ptr = m.pointerSize;
  return within === 0 ? fn.name : within === ptr ? fn.newAddr : within === 2 * ptr ? fn.oldAddr : undefined;
}

if (payloads.length === 0) throw new Error("fixtures/catalogue.json lists no payload to verify");
describe("samples against the fixtures catalogue and readelf goldens", () => {
  it.each(payloads.map((e) => [e.path, e] as const))("%s", (_path, entry) => {
    const v = entry.verify!;
    const m = analyze(entry);
    expect(m.funcs).toHaveLength(v.funcs);
    expect(m.buildId?.buildId).toBe(goldenBuildId(entry.path));
    expect(m.depends?.buildId).toBe(goldenBuildId(v.depends));
    if (v.xen_depends === null) expect(m.xenDepends).toBeNull();
    else if (v.xen_depends.startsWith("not:")) {
      expect(m.xenDepends?.buildId).toMatch(/^[0-9a-f]+$/);
      expect(m.xenDepends?.buildId).not.toBe(goldenBuildId(v.xen_depends.slice(4)));
    } else expect(m.xenDepends?.buildId).toBe(goldenBuildId(v.xen_depends));
    expect(m.dependsOn?.kind).toBe(v.depends.endsWith("xen-syms") ? "xen" : "payload");
    const hooks = Object.fromEntries(m.hooks.map((h) => [h.kind, h.entries.length]));
    expect(hooks).toEqual(v.hooks ?? {});
    if (v.version !== undefined) for (const fn of m.funcs) expect(fn.version).toBe(v.version);
    if (v.funcs_section) expect(m.funcsSection).toBe(v.funcs_section);
    if (v.old_addr === "none") for (const fn of m.funcs) expect(fn.oldAddr.reloc).toBeNull();
    if (v.new_addr === "none") for (const fn of m.funcs) expect(fn.newAddr.target).toEqual({ kind: "null" });

    // Every relocation readelf lists for the funcs section fills exactly the field we attribute it to.
    const funcsSection = m.funcsSection;
    if (funcsSection) {
      const relocs = [...goldenRelocs(entry.path, `.rela${funcsSection}`), ...goldenRelocs(entry.path, `.rel${funcsSection}`)];
      expect(relocs.length).toBeGreaterThan(0);
      for (const r of relocs) {
        const field = fieldAt(m, r.offset);
        expect(field?.reloc, `${funcsSection}+${r.offset}`).toMatchObject({ typeName: r.type, symbol: r.symbol });
        if (r.addend !== null) expect(field!.reloc!.addend).toBe(r.addend);
      }
    }
    for (const h of m.hooks) {
      const relocs = [...goldenRelocs(entry.path, `.rela.livepatch.hooks.${h.kind}`), ...goldenRelocs(entry.path, `.rel.livepatch.hooks.${h.kind}`)];
      expect(relocs.map((r) => [r.offset, r.symbol])).toEqual(h.entries.map((e) => [e.offset - h.offset, e.pointer.reloc?.symbol]));
    }
  });
});

// What the fixture sources say each payload does (fixtures/payloads/*.c).
const semantics: Record<string, { name: string; newFn: string | null; oldFn: string | null; hooks?: Record<string, string[]>; codes?: string[] }> = {
  "x86_64/xen_hello_world.livepatch": { name: "xen_extra_version", newFn: "xen_hello_world", oldFn: "xen_extra_version", hooks: { load: ["hello_world_load", "hello_world_count"], unload: ["hello_world_unload", "hello_world_count", "hello_world_check"] } },
  "arm32/xen_hello_world.livepatch": { name: "xen_extra_version", newFn: "xen_hello_world", oldFn: "xen_extra_version", hooks: { load: ["hello_world_load", "hello_world_count"], unload: ["hello_world_unload", "hello_world_count", "hello_world_check"] } },
  "aarch64/xen_bye_world.livepatch": { name: "xen_extra_version", newFn: "xen_bye_world", oldFn: "xen_extra_version" },
  "x86_64/xen_replace_world.livepatch": { name: "xen_extra_version", newFn: "xen_replace_world", oldFn: null, codes: ["LP_FUNC_OLD_BY_NAME"] },
  "x86_64/xen_prepost_hooks.livepatch": { name: "xen_extra_version", newFn: "xen_hello_world", oldFn: "xen_extra_version", hooks: { preapply: ["prepost_pre_apply"], postapply: ["prepost_post_apply"], prerevert: ["prepost_pre_revert"], postrevert: ["prepost_post_revert"] } },
  "arm32/xen_payload_hooks.livepatch": { name: "xen_extra_version", newFn: "xen_hello_world", oldFn: "xen_extra_version", hooks: { preapply: ["payload_hooks_pre_apply"], apply: ["payload_hooks_apply"], postapply: ["payload_hooks_post_apply"], revert: ["payload_hooks_revert"] } },
  "aarch64/xen_action_hooks_nofunc.livepatch": { name: "", newFn: null, oldFn: null, hooks: { apply: ["nofunc_apply"], revert: ["nofunc_revert"] } },
  "x86_64/xen_data_bss.livepatch": { name: "xen_deny", newFn: "xen_deny_counted", oldFn: "xen_deny" },
  "x86_64/xen_too_small.livepatch": { name: "idle_loop_hook", newFn: "idle_loop_hook_counted", oldFn: "idle_loop_hook" },
  "x86_64/xen_expectations_fail.livepatch": { name: "xen_extra_version", newFn: "xen_hello_world", oldFn: "xen_extra_version" },
  "aarch64/xen_no_xen_buildid.livepatch": { name: "xen_minor_version", newFn: null, oldFn: null, codes: ["LP_BAD_XEN_DEPENDS_MISSING"] },
  "legacy/xsplice_hello_world.xsplice": { name: "xen_extra_version", newFn: "xen_hello_world", oldFn: "xen_extra_version", codes: ["LP_XSPLICE_LAYOUT"] },
};

const bySemantics = Object.entries(semantics);
for (const [p] of bySemantics) samplePath(p);

describe("sample semantics", () => {
  it.each(bySemantics)("%s", (path, s) => {
    const entry = catalogue.find((e) => e.path === path) ?? { path, kind: "payload", image: null };
    const m = analyze(entry);
    if (s.name) {
      const fn = m.funcs[0];
      expect(fn.name.text).toBe(s.name);
      expect(fn.newAddr.target).toMatchObject(s.newFn ? { kind: "symbol", symbol: s.newFn, addend: 0n, defined: true } : { kind: "null" });
      if (s.oldFn) expect(fn.oldAddr.target).toMatchObject({ kind: "symbol", symbol: s.oldFn, addend: 0n, defined: false });
    }
    const hooks = Object.fromEntries(m.hooks.map((h) => [h.kind, h.entries.map((e) => (e.pointer.target.kind === "symbol" ? e.pointer.target.symbol : null))]));
    expect(hooks).toEqual(s.hooks ?? {});
    const errors = m.diagnostics.filter((d) => d.severity !== "info" || (s.codes ?? []).includes(d.code)).map((d) => d.code);
    expect(errors.sort()).toEqual([...(s.codes ?? [])].sort());
  });
});

describe("samples with their image", () => {
  it.each(["x86_64", "aarch64", "arm32"])("%s NOP-out: absolute old_addr and sizes from the image", (arch) => {
    const m = analyze({ path: `${arch}/xen_nop.livepatch`, kind: "payload", image: `${arch}/xen-syms` });
    const sym = findSymbol(elf(`${arch}/xen-syms`), "xen_minor_version")!;
    const fn = m.funcs[0];
    expect(fn.oldAddr.target).toEqual({ kind: "absolute", value: sym.value });
    expect(fn.oldSize).toBe(Number(sym.size));
    expect(fn.newSize).toBe(Number(sym.size) - (arch === "x86_64" ? 1 : 4));
  });

  it.each(["x86_64", "aarch64"])("%s expectation = the first 8 bytes of xen_extra_version", (arch) => {
    const m = analyze({ path: `${arch}/xen_expectations.livepatch`, kind: "payload", image: `${arch}/xen-syms` });
    const image = elf(`${arch}/xen-syms`);
    const bytes = readVirtual(image, findSymbol(image, "xen_extra_version")!.value, 8)!;
    const e = m.funcs[0].expect!;
    expect(e).toMatchObject({ enabled: true, len: 8, rsv: 0 });
    expect(Array.from(e.expected)).toEqual(Array.from(bytes));
  });
});
