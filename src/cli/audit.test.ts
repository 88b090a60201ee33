// `livepatch-lens audit` as a child process: exit codes 0/1/2, the JSON contract, Markdown, the plan
// options, and failing closed on files it cannot read.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
  it("exits 0 with an accept verdict, and shows each step the simulator ran", () => {
    const r = cli("--xen", `${S}/x86_64/xen-syms`, `${S}/x86_64/xen_hello_world.livepatch`, `${S}/x86_64/xen_bye_world.livepatch`);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toMatch(/^verdict: ACCEPT against .*xen-syms/);
    expect(r.out).toContain("plan: xen_hello_world (apply), xen_bye_world (apply)");
    expect(r.out).toContain("APPLY xen_bye_world: hypercall 0; then APPLIED, status rc 0");
    // bye patches hello's function: located at bye's record like every func finding (its old_addr
    // field: .livepatch.funcs at 0xe0 in readelf -S, funcs[0].old_addr relocated at +0x10).
    expect(r.out).toContain("  warning func-patched-twice [.livepatch.funcs func 0 xen_extra_version @0xf0]: xen_extra_version is also patched by");
  });

  it("plans: bye alone is refused, on top of hello (on the host) it applies, and replace_world replaces both", () => {
    expect(cli("--xen", `${S}/x86_64/xen-syms`, `${S}/x86_64/xen_bye_world.livepatch`).code).toBe(1);
    const onHost = cli("--json", "--xen", `${S}/x86_64/xen-syms`, "--applied", `${S}/x86_64/xen_hello_world.livepatch`, `${S}/x86_64/xen_bye_world.livepatch`);
    expect(onHost.code).toBe(0);
    expect(JSON.parse(onHost.out).files.map((f: { role: string }) => f.role)).toEqual(["applied", "apply"]);
    const replace = cli("--json", "--xen", `${S}/x86_64/xen-syms`, "--applied", `${S}/x86_64/xen_hello_world.livepatch`, "--applied", `${S}/x86_64/xen_bye_world.livepatch`, "--replace", `${S}/x86_64/xen_replace_world.livepatch`);
    expect(replace.err).toBe("");
    expect(replace.code).toBe(0);
    const j = JSON.parse(replace.out);
    expect(j.verdict).toBe("accept");
    expect(j.steps.at(-1)).toMatchObject({ op: "replace", name: "xen_replace_world", ret: 0, state: 2, statusRc: 0 });
  });

  it("fails closed: a payload cut short is rejected (exit 1) with file-unreadable naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-cli-"));
    writeFileSync(join(dir, "cut.livepatch"), readFileSync(`${S}/x86_64/xen_hello_world.livepatch`).subarray(0, 2000));
    const r = cli("--json", "--xen", `${S}/x86_64/xen-syms`, `${S}/x86_64/xen_hello_world.livepatch`, join(dir, "cut.livepatch"));
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe("reject");
    expect(j.findings.find((f: { id: string }) => f.id === "file-unreadable")).toMatchObject({ severity: "error", file: join(dir, "cut.livepatch") });
    expect(j.reason).toMatch(/cut\.livepatch cannot be read as a payload: section header offset/);
  });

  it("a big-endian payload leads with Xen's refusal of its header, then what the audit's reader made of the rest", () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-cli-"));
    const hello = readFileSync(`${S}/x86_64/xen_hello_world.livepatch`);
    // EI_DATA 2 (big-endian) on a little-endian file: Xen reads the header little-endian, so its
    // machine check is what refuses it; the audit's reader honours EI_DATA and reads e_shoff 2688
    // (readelf -h: 0xa80, bytes 80 0a 00 .. 00) as 0x800a000000000000, past the 4864-byte file.
    const flipped = Uint8Array.from(hello);
    flipped[5] = 2;
    writeFileSync(join(dir, "be.livepatch"), flipped);
    // With e_version byte-swapped too (00 00 00 01), the header check trips on e_version first.
    const swapped = Uint8Array.from(flipped);
    swapped.set([0, 0, 0, 1], 20);
    writeFileSync(join(dir, "be_version.livepatch"), swapped);
    // Read little-endian, e_shoff is readelf's 0xa80, inside the file: the reader says so.
    const shoff =
      "section header offset 0x800a000000000000 is past the end of the file (4864 bytes); it was read big-endian, as EI_DATA (byte 5) says, and read little-endian it is 0xa80, inside the file: the file looks little-endian at byte 0x28 (SHOFF_PAST_END)";
    for (const [file, id, message] of [
      // xen/arch/x86/livepatch.c arch_livepatch_verify_elf(): "%s: Unsupported ELF Machine type\n"; the
      // findings quote Xen's line (the payload's name is the file's basename), then say why.
      ["be.livepatch", "elf-arch-unsupported", "livepatch: be: Unsupported ELF Machine type (e_machine 62, ELFCLASS64, big-endian is not what this hypervisor loads)"],
      // xen/common/livepatch_elf.c livepatch_header_check(): "%s: Invalid ELF payload\n".
      ["be_version.livepatch", "elf-header-unsupported", "livepatch: be_version: Invalid ELF payload (the file is big-endian and Xen reads its header little-endian; read so, e_version is not 1)"],
    ] as const) {
      const path = join(dir, file);
      const unreadable = `${path} cannot be read as a payload: ${shoff}; this is how the audit reads the file past the header Xen refused (${id})`;
      const j = cli("--json", "--xen", `${S}/x86_64/xen-syms`, path);
      expect(j.code).toBe(1);
      const json = JSON.parse(j.out);
      expect(json.verdict).toBe("reject");
      expect(json.reason).toBe(`${path}: ${message}`);
      expect(json.findings.map((f: { id: string; message: string }) => [f.id, f.message])).toEqual([
        [id, message],
        ["file-unreadable", unreadable],
      ]);
      const t = cli("--xen", `${S}/x86_64/xen-syms`, path);
      expect(t.code).toBe(1);
      expect(t.out.split("\n")[1]).toBe(`reason: ${path}: ${message}`);
      const listed = t.out.split("\n").filter((l) => l.startsWith("  error "));
      expect(listed).toEqual([`  error   ${id} [@0x${id === "elf-arch-unsupported" ? "12" : "14"}]: ${message}`, `  error   file-unreadable [@0x28]: ${unreadable}`]);
    }
  });

  it("an AArch64 payload marked big-endian, with no image: no finding from the stand-in's build-id, which the unreadable file could not give it", () => {
    // AArch64's arch_livepatch_verify_elf() (xen/arch/arm/arm64/livepatch.c) checks e_machine and
    // EI_CLASS, never EI_DATA: Xen reads the file in place, little-endian, and its
    // .livepatch.xen_depends (readelf -x: 2c237be6...10a5f423) names the sample xen-syms' build-id
    // (readelf -n). The audit's reader honours EI_DATA: e_shoff 3072 (readelf -h, 0xc00) read
    // big-endian is 0xc000000000000, past the 5184-byte file, so it reads no section, and the stand-in
    // Xen gets no build-id from it.
    const dir = mkdtempSync(join(tmpdir(), "audit-cli-"));
    const flipped = Uint8Array.from(readFileSync(`${S}/aarch64/xen_hello_world.livepatch`));
    flipped[5] = 2;
    const path = join(dir, "hello_be.livepatch");
    writeFileSync(path, flipped);
    const unreadable = `${path} cannot be read as a payload: section header offset 0xc000000000000 is past the end of the file (5184 bytes); it was read big-endian, as EI_DATA (byte 5) says, and read little-endian it is 0xc00, inside the file: the file looks little-endian at byte 0x28 (SHOFF_PAST_END)`;
    const standIn = JSON.parse(cli("--json", path).out);
    expect(standIn.verdict).toBe("reject");
    expect(standIn.reason).toBe(unreadable);
    // The stand-in's refusal (its placeholder build-id against the one Xen reads) is said unchecked, not a mismatch.
    expect(standIn.findings.map((f: { id: string; severity: string }) => `${f.severity} ${f.id}`)).toEqual(["error file-unreadable", "info unchecked-xen-build-id"]);
    expect(standIn.findings[1].message).toBe(
      "not checked: the stand-in Xen refused UPLOAD by xen-depends-mismatch, −EINVAL (22), but the audit could not read this file, so the stand-in took nothing from it (the build-id its .livepatch.xen_depends names) and its refusal says nothing of the real Xen's answer",
    );
    // Against the image it names, Xen takes it: no build-id finding at all, as the real Xen would.
    const real = JSON.parse(cli("--json", "--xen", `${S}/aarch64/xen-syms`, path).out);
    expect(real.findings.map((f: { id: string }) => f.id)).toEqual(["file-unreadable"]);
    // The step's state is LIVEPATCH_STATE_APPLIED, 2 in xen/include/public/sysctl.h.
    expect(real.steps.map((x: { op: string; ret: number; state?: number }) => `${x.op} ${x.ret} ${x.state ?? ""}`.trim())).toEqual(["upload 0", "apply 0 2"]);
  });

  it("a file it cannot fetch is the one file-unreadable finding: nothing of it is uploaded, and the reason names it once", () => {
    const r = cli("--json", "--xen", `${S}/x86_64/xen-syms`, "/nonexistent/x.livepatch", `${S}/x86_64/xen_hello_world.livepatch`);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.reason).toBe("/nonexistent/x.livepatch cannot be read as a payload: no such file");
    expect(j.findings.filter((f: { file?: string }) => f.file === "/nonexistent/x.livepatch").map((f: { id: string }) => f.id)).toEqual(["file-unreadable"]);
    expect(j.steps.map((s: { op: string; name: string }) => `${s.op} ${s.name}`)).toEqual(["upload xen_hello_world", "apply xen_hello_world"]);
    const text = cli("--xen", `${S}/x86_64/xen-syms`, "/nonexistent/x.livepatch");
    expect(text.out.split("\n")[1]).toBe("reason: /nonexistent/x.livepatch cannot be read as a payload: no such file");
  });

  it("fails closed with no livepatch payload and no image: the hypervisor image given as a payload is refused by Xen's ELF check (exit 1)", () => {
    // xen/common/livepatch_elf.c: livepatch_header_check() takes only ET_REL without program headers ("Invalid ELF payload", -EOPNOTSUPP).
    const r = cli("--json", `${S}/x86_64/xen-syms`);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe("reject");
    expect(j.steps).toMatchObject([{ op: "upload", ret: -95 }]);
    expect(j.findings.filter((f: { severity: string }) => f.severity === "error").map((f: { id: string }) => f.id)).toEqual(["elf-header-unsupported"]);
  });

  it("exits 1 when a finding is an error, and prints it grouped under its file", () => {
    const r = cli("--xen", `${S}/x86_64/xen-syms`, `${S}/x86_64/xen_too_small.livepatch`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^verdict: REJECT/);
    expect(r.out).toMatch(/xen_too_small\.livepatch:\n {2}error {3}func-old-size-too-small/);
  });

  // QA s29 #1/#2: the sample AArch64 hello with .rela.livepatch.funcs record 1 (new_addr,
  // xen_hello_world + 0) or record 2 (old_addr, xen_extra_version + 0) given addend 2 (readelf -r).
  // Xen's branch_imm_common() (xen/arch/arm/arm64/insn.c) refuses either misalignment and APPLY writes
  // BRK #2: an error, with the record's field offset (readelf -S: .livepatch.funcs at 0x1b0; new_addr
  // is at +8, old_addr at +16), and never an internal error (capstone-js throws on the undecodable
  // word the misaligned BRK leaves at xen_extra_version).
  it("AArch64: a misaligned new_addr or old_addr is an error finding, with a verdict and a JSON document", () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-cli-"));
    const base = readFileSync(`${S}/aarch64/xen_hello_world.livepatch`);
    const rela = 0x9d0; // readelf -S: .rela.livepatch.funcs at 0x9d0, 24-byte records, r_addend at +16
    const cases = [
      { record: 1, id: "func-new-addr-misaligned", offset: 0x1b0 + 8, text: "new_addr 0xa0001000062 is not 4-byte aligned" },
      { record: 2, id: "func-old-addr-misaligned", offset: 0x1b0 + 16, text: "old_addr 0xa0000200152 is not 4-byte aligned" },
    ];
    for (const c of cases) {
      const b = Uint8Array.from(base);
      new DataView(b.buffer).setBigInt64(rela + c.record * 24 + 16, 2n, true);
      const path = join(dir, `${c.id}.livepatch`);
      writeFileSync(path, b);
      const r = cli("--json", "--xen", `${S}/aarch64/xen-syms`, path);
      expect(r.err).toBe("");
      expect(r.code).toBe(1);
      const j = JSON.parse(r.out);
      expect(j.verdict).toBe("reject");
      const errors = j.findings.filter((f: { severity: string }) => f.severity === "error");
      // The BRK at +0 also crashes the audit's own xl info call after APPLY (call-after-apply-crashes);
      // the misaligned word at +0 of the old_addr case is one the simulated CPU does not run (outcome unknown).
      expect(errors.map((f: { id: string }) => f.id).sort()).toEqual(c.record === 1 ? ["call-after-apply-crashes", c.id] : [c.id]);
      const mine = errors.filter((f: { id: string }) => f.id === c.id);
      expect(mine.map((f: { id: string; offset: number; section: string }) => [f.id, f.offset, f.section])).toEqual([[c.id, c.offset, ".livepatch.funcs"]]);
      expect(mine[0].message).toContain(c.text);
      expect(mine[0].message).toContain("APPLY writes BRK #2 (40 00 20 d4)");
      // The verdict names the cause, not the crash it leads to (both stay listed).
      expect(j.reason).toBe(`${path}: ${mine[0].message}`);
      const text = cli("--xen", `${S}/aarch64/xen-syms`, path);
      expect(text.code).toBe(1);
      expect(text.out).toContain(`error   ${c.id} [.livepatch.funcs func 0 xen_extra_version @0x${c.offset.toString(16)}]`);
    }
  });

  it("--json keeps the contract keys", () => {
    const r = cli("--json", "--xen", `${S}/x86_64/xen-syms`, `${S}/x86_64/xen_expectations_fail.livepatch`);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe("reject");
    const f = j.findings.find((x: { id: string }) => x.id === "expect-mismatch");
    expect(f).toMatchObject({ severity: "error", rc: -22, rcKind: "hypercall", section: ".livepatch.funcs" });
    expect(typeof f.message).toBe("string");
    expect(typeof f.why).toBe("string");
    expect(typeof f.offset).toBe("number");
    expect(j.steps.map((s: { op: string; ret: number }) => `${s.op}:${s.ret}`)).toEqual(["upload:0", "apply:-22"]);
  });

  it("without --xen boots a stand-in Xen, says which checks rest on assumptions, and still rejects what it can prove", () => {
    const r = cli("--json", `${S}/x86_64/xen_bye_world.livepatch`);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.assumed).toBe(true);
    const ids = j.findings.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining(["depends-chain-mismatch", "unchecked-xen-build-id", "unchecked-symbols", "unchecked-displacement"]));
  });

  it("--markdown prints a report", () => {
    const r = cli("--markdown", `${S}/x86_64/xen_nop.livepatch`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Livepatch audit: ACCEPT/);
    expect(r.out).toContain("| 1 | `");
  });

  it.each([
    ["a missing file", ["/nonexistent/x.livepatch"], /x\.livepatch cannot be read as a payload: no such file/],
    ["a file that is not ELF", ["@notelf"], /cannot be read as a payload: not an ELF file/],
    ["an image that cannot be read", ["--xen", "/nonexistent/xen-syms", `${S}/x86_64/xen_nop.livepatch`], /xen-syms cannot be read as a hypervisor image: no such file/],
  ])("rejects (exit 1, file-unreadable) %s", (_what, args, message) => {
    const dir = mkdtempSync(join(tmpdir(), "audit-cli-"));
    writeFileSync(join(dir, "notelf"), "hello, not an object\n");
    const r = cli(...args.map((a) => (a === "@notelf" ? join(dir, "notelf") : a)));
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^verdict: REJECT/);
    expect(r.out).toMatch(message);
    expect(r.out).toMatch(/file-unreadable/);
  });

  it.each([
    ["an unknown option", ["--frobnicate", `${S}/x86_64/xen_nop.livepatch`], /unknown option '--frobnicate'/],
    ["no payload", [], /no payload FILE/],
    ["--xen without a value", ["--xen"], /--xen/],
    ["both --json and --markdown", ["--json", "--markdown", `${S}/x86_64/xen_nop.livepatch`], /exclude each other/],
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

// Xen's own arm64 build (XEN_TEST_PAYLOADS): xen_hello_world with .rela.livepatch.funcs record 1
// (new_addr: xen_hello_world + 0, readelf -rW; the section at file offset 0x1e98, readelf -SW) given
// addend 2, as QA s29 made arm_new_mis. branch_imm_common() refuses the target, APPLY writes BRK #2
// at xen_extra_version, and xl info's first call crashes: the verdict quotes the cause.
const REAL = process.env.XEN_TEST_PAYLOADS;
describe.runIf(REAL)("Xen's arm64 build: a misaligned new_addr is the verdict's reason (XEN_TEST_PAYLOADS)", () => {
  it("reason: func-new-addr-misaligned, not call-after-apply-crashes; both are listed", () => {
    const base = readFileSync(join(REAL!, "arm64/xen_hello_world.livepatch"));
    const b = Uint8Array.from(base);
    const view = new DataView(b.buffer);
    const rela = 0x1e98;
    expect([view.getBigUint64(rela + 24, true), view.getBigUint64(rela + 32, true), view.getBigInt64(rela + 40, true)]).toEqual([8n, (0x49n << 32n) | 0x101n, 0n]);
    view.setBigInt64(rela + 40, 2n, true);
    const path = join(mkdtempSync(join(tmpdir(), "audit-cli-")), "arm_new_mis.livepatch");
    writeFileSync(path, b);
    const r = cli("--json", "--xen", join(REAL!, "arm64/xen-syms"), path);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { reason: string; findings: { id: string; severity: string; message: string }[] };
    expect(j.findings.filter((f) => f.severity === "error").map((f) => f.id).sort()).toEqual(["call-after-apply-crashes", "func-new-addr-misaligned"]);
    expect(j.reason).toMatch(/^[^:]+arm_new_mis\.livepatch: funcs\[0\] \(xen_extra_version\): new_addr 0xa0001000002 is not 4-byte aligned: /);
    const text = cli("--xen", join(REAL!, "arm64/xen-syms"), path);
    expect(text.out.split("\n")[1]).toMatch(/^reason: .*new_addr 0xa0001000002 is not 4-byte aligned/);
  });
});
if (!REAL) console.log("Xen's arm64 build, misaligned new_addr: XEN_TEST_PAYLOADS is not set, not run");
