// `livepatch-lens audit` as a child process: exit codes 0/1/2, the JSON contract, Markdown.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "src/cli/livepatch-lens.mjs");
const S = join(ROOT, "public/samples");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "audit", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("livepatch-lens audit", () => {
  it("exits 0 with an accept verdict and the simulator agreeing", () => {
    const r = cli("--xen", `${S}/x86_64/xen-syms`, `${S}/x86_64/xen_hello_world.livepatch`, `${S}/x86_64/xen_bye_world.livepatch`);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toMatch(/^verdict: ACCEPT against .*xen-syms/);
    expect(r.out).toMatch(/simulator: agrees/);
  });

  it("exits 1 when a finding is an error, and prints it grouped under its file", () => {
    const r = cli("--xen", `${S}/x86_64/xen-syms`, `${S}/x86_64/xen_too_small.livepatch`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^verdict: REJECT/);
    expect(r.out).toMatch(/xen_too_small\.livepatch:\n {2}error {3}func-old-size-too-small/);
  });

  it("--json keeps the contract keys and the simulator result", () => {
    const r = cli("--json", "--xen", `${S}/x86_64/xen-syms`, `${S}/x86_64/xen_expectations_fail.livepatch`);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe("reject");
    const f = j.findings.find((x: { id: string }) => x.id === "expect-mismatch");
    expect(f).toMatchObject({ severity: "error", rc: -22, section: ".livepatch.funcs" });
    expect(typeof f.message).toBe("string");
    expect(typeof f.why).toBe("string");
    expect(typeof f.offset).toBe("number");
    expect(j.simulator.agrees).toBe(true);
    expect(j.simulator.outcomes[0]).toMatchObject({ upload: 0, apply: -22 });
  });

  it("without --xen says which checks it skipped, and still rejects what it can prove", () => {
    const r = cli("--json", `${S}/x86_64/xen_bye_world.livepatch`);
    expect(r.code).toBe(1);
    const ids = JSON.parse(r.out).findings.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining(["depends-chain-mismatch", "unchecked-xen-build-id", "unchecked-symbols", "unchecked-displacement"]));
    expect(JSON.parse(r.out).simulator).toBeUndefined();
  });

  it("--markdown prints a report", () => {
    const r = cli("--markdown", `${S}/x86_64/xen_nop.livepatch`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Livepatch audit: ACCEPT/);
    expect(r.out).toContain("| 1 | `");
  });

  it.each([
    ["a missing file", ["/nonexistent/x.livepatch"], /no such file/],
    ["a file that is not ELF", ["@notelf"], /not an ELF file/],
    ["an unknown option", ["--frobnicate", `${S}/x86_64/xen_nop.livepatch`], /unknown option --frobnicate/],
    ["no payload", [], /no payload FILE/],
    ["--xen without a value", ["--xen"], /--xen needs an IMAGE/],
    ["an image that cannot be read", ["--xen", "/nonexistent/xen-syms", `${S}/x86_64/xen_nop.livepatch`], /no such file/],
  ])("exits 2 with one line on %s", (_what, args, message) => {
    const dir = mkdtempSync(join(tmpdir(), "audit-cli-"));
    writeFileSync(join(dir, "notelf"), "hello, not an object\n");
    const r = cli(...args.map((a) => (a === "@notelf" ? join(dir, "notelf") : a)));
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/^livepatch-lens audit: [^\n]+\n$/);
  });
});
