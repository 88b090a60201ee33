// The `inspect --json` contract (README "inspect --json schema") for every sample, and the CLI's
// exit codes and one-line errors as a user sees them.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "../livepatch/index.ts";
import { writeJson } from "./inspectJson.ts";
import { StreamOut } from "./output.ts";
import { simulateUpload } from "./xenView.ts";
import { listSamples, samplePath } from "../test-support/samples.ts";
import { collectingSink } from "./test-support/sink.ts";

const root = join(import.meta.dirname, "../..");
const samples = join(root, "public/samples");
const files = listSamples();

async function inspectJson(path: string): Promise<Record<string, unknown>> {
  const { sink, text } = collectingSink();
  const elf = parseElf(new Uint8Array(readFileSync(join(samples, path))));
  const model = analyzePayload(elf);
  await writeJson(new StreamOut(sink), path, elf, model, model ? await simulateUpload(path, elf.bytes, null) : null);
  return JSON.parse(text());
}

const keys = (o: unknown) => Object.keys(o as object).sort();
const HEX = /^0x[0-9a-f]+$/;
const SIGNED_HEX = /^-?0x[0-9a-f]+$/;
const HEXSTR = /^[0-9a-f]+$/;

function checkPointer(p: unknown): void {
  if (p === null) return;
  const k = keys(p);
  if (k.includes("value")) {
    expect(k).toEqual(["value"]);
    expect((p as { value: string }).value).toMatch(HEX);
  } else {
    expect(k).toEqual(["addend", "symbol"]);
    expect(typeof (p as { symbol: unknown }).symbol).toBe("string");
    expect(typeof (p as { addend: unknown }).addend).toBe("number");
  }
}

describe("inspect --json contract", () => {
  it.each(files)("%s", async (path) => {
    const doc = await inspectJson(path);
    expect(keys(doc)).toEqual(expect.arrayContaining(["sections", "symbols", "relocations", "livepatch", "diagnostics"]));
    const sections = doc.sections as Record<string, unknown>[];
    expect(sections.length).toBeGreaterThan(0);
    for (const s of sections) {
      expect(keys(s)).toEqual(["address", "align", "entsize", "flags", "index", "info", "link", "name", "offset", "size", "type"]);
      expect(s.address).toMatch(HEX);
      for (const n of ["index", "offset", "size", "link", "info", "align", "entsize"]) expect(typeof s[n]).toBe("number");
      expect(typeof s.type).toBe("string");
      expect(s.flags).toMatch(/^[WAXMSILOGTCxoEpDlR]*$/);
    }
    for (const s of doc.symbols as Record<string, unknown>[]) {
      expect(keys(s)).toEqual(["bind", "index", "name", "section", "size", "type", "value", "visibility"]);
      expect(s.value).toMatch(HEX);
      expect(typeof s.section === "number" || ["UND", "ABS", "COM"].includes(s.section as string)).toBe(true);
    }
    for (const r of doc.relocations as Record<string, unknown>[]) {
      expect(keys(r)).toEqual(["entries", "section", "target"]);
      expect(r.section).toMatch(/^\.rela?\./);
      for (const e of r.entries as Record<string, unknown>[]) {
        expect(keys(e)).toEqual(["addend", "offset", "symbol", "symbolIndex", "type"]);
        expect(e.offset).toMatch(HEX);
        expect(e.type).toMatch(/^R_/);
        if (e.addend !== null) expect(e.addend).toMatch(SIGNED_HEX);
        else expect((r.section as string).startsWith(".rel.")).toBe(true);
      }
    }
    for (const d of doc.diagnostics as Record<string, unknown>[]) expect(keys(d)).toEqual(["code", "message", "offset", "severity"]);
    const lp = doc.livepatch as Record<string, unknown> | null;
    if (path.endsWith("xen-syms")) {
      expect(lp).toBeNull();
      return;
    }
    expect(lp).not.toBeNull();
    for (const k of ["layout", "buildId", "depends", "xenDepends", "funcs", "hooks", "modinfo", "safeToReapply", "replacePossible", "regions", "trampolines"]) expect(lp).toHaveProperty(k);
    for (const k of ["buildId", "depends", "xenDepends"]) if (lp![k] !== null) expect(lp![k]).toMatch(HEXSTR);
    // Xen's answers (from the simulator, against a stand-in Xen here): null when the upload fails.
    if (lp!.regions === null) expect([lp!.safeToReapply, lp!.replacePossible]).toEqual([null, null]);
    else {
      expect(typeof lp!.safeToReapply).toBe("boolean");
      expect((lp!.regions as { text: { address: string } }).text.address).toMatch(HEX);
    }
    for (const f of lp!.funcs as Record<string, unknown>[]) {
      for (const k of ["name", "newAddr", "oldAddr", "newSize", "oldSize", "version", "expect"]) expect(f).toHaveProperty(k);
      checkPointer(f.newAddr);
      checkPointer(f.oldAddr);
      if (f.expect !== null) {
        expect(f.expect).toMatchObject({ enabled: expect.any(Boolean), len: expect.any(Number) });
        expect((f.expect as { data: string }).data).toMatch(/^[0-9a-f]{62}$/);
      }
    }
    const hooks = lp!.hooks as Record<string, { symbol: unknown }[]>;
    for (const [kind, entries] of Object.entries(hooks)) {
      expect(["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"]).toContain(kind);
      for (const e of entries) expect(typeof e.symbol).toBe("string");
    }
  });
});

const run = promisify(execFile);
const cli = join(root, "src/cli/livepatch-lens.mjs");

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe("livepatch-lens inspect as a process", () => {
  it("prints one JSON document and exits 0", async () => {
    samplePath("x86_64/xen_hello_world.livepatch");
    const r = await runCli(["inspect", "--json", join(samples, "x86_64/xen_hello_world.livepatch")]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.livepatch.funcs[0].name).toBe("xen_extra_version");
    const text = await runCli(["inspect", join(samples, "x86_64/xen_hello_world.livepatch")]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("filled by R_X86_64_64 against xen_hello_world");
  });

  it("fails with exit 1 and one line naming the file, without a stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lpl-"));
    const notElf = join(dir, "notes.txt");
    writeFileSync(notElf, "hello\n");
    const truncated = join(dir, "short.o");
    writeFileSync(truncated, Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1));
    for (const [file, text] of [[join(dir, "missing.livepatch"), "no such file"], [dir, "is a directory"], [notElf, "not an ELF"], [truncated, "short"]] as const) {
      const r = await runCli(["inspect", "--json", file]);
      expect(r.code, file).toBe(1);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toContain(text);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
