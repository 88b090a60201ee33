// The audit drawer: the plan run through the simulated hypervisor (roles, steps), the verdict and
// its reason, severity filter, exports, a finding followed to its bytes, failing closed on a
// file it cannot read, and one placement shared by Overview, Sections and the simulator. Expected
// values come from the CLI (`livepatch-lens audit --json`, `sim`), which the page must agree with.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, expect, openApp } from "./support/guards.ts";

interface AuditJson {
  verdict: string;
  reason: string | null;
  findings: { id: string; severity: string; message: string; offset?: number; length?: number; file?: string }[];
  steps: { op: string; name: string; ret: number }[];
  files: { placement: { payload: { regions: { text: { addr: string } }; sections: { index: number; addr: string }[] } } | null }[];
}

function cli(...args: string[]): string {
  try {
    return execFileSync(process.execPath, ["src/cli/livepatch-lens.mjs", ...args], { encoding: "utf8" });
  } catch (e) {
    return (e as { stdout: string }).stdout;
  }
}

const auditJson = (...args: string[]): AuditJson => JSON.parse(cli("audit", "--json", "--xen", "public/samples/x86_64/xen-syms", ...args)) as AuditJson;
const sample = (p: string) => `public/samples/${p}`;

test("the single-host drawer keeps both export buttons on one line at 1400 px, in larger text too", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch&file=x86_64/xen_hello_world.livepatch&view=overview");
  await page.getByRole("button", { name: /^Audit: accept/ }).click({ timeout: 20_000 });
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  const line = async (name: string) => {
    const box = (await panel.getByRole("button", { name }).boundingBox())!;
    return { top: Math.round(box.y), height: Math.round(box.height) };
  };
  for (const larger of [false, true]) {
    if (larger) await page.getByRole("button", { name: "Larger text" }).click();
    const md = await line("Export Markdown");
    const json = await line("Export JSON");
    // Side by side, and neither label broken over two lines (same height as the other).
    expect(json.top).toBe(md.top);
    expect(json.height).toBe(md.height);
  }
});

test("a failing expectation: REJECT with its reason, the APPLY step the simulator refused, and the finding leads to its bytes", async ({ page }) => {
  const path = "x86_64/xen_expectations_fail.livepatch";
  const cliResult = auditJson(sample(path));
  const mismatch = cliResult.findings.find((f) => f.id === "expect-mismatch")!;
  expect(cliResult.verdict).toBe("reject");
  await openApp(page, `#samples=x86_64/xen-syms,${path}&file=${path}&view=overview`);
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });

  await page.getByRole("button", { name: "Audit: reject" }).click();
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await expect(panel.getByRole("heading", { name: /Verdict: REJECT/ })).toBeVisible();
  await expect(panel.getByTestId("audit-reason")).toHaveText(cliResult.reason!.replace(/^[^:]*\//, ""));
  await expect(panel.getByTestId("audit-steps")).toContainText("APPLY xen_expectations_fail: hypercall returned −EINVAL");

  // The severity filter hides and shows the info findings.
  const infos = panel.locator(".audit-finding.info");
  await expect(infos.first()).toBeVisible();
  await panel.getByRole("checkbox", { name: /^info/ }).uncheck();
  await expect(infos).toHaveCount(0);
  await expect(panel.locator(".audit-finding.error")).toHaveCount(cliResult.findings.filter((f) => f.severity === "error").length);

  const download = page.waitForEvent("download");
  await panel.getByRole("button", { name: "Export JSON" }).click();
  expect((await download).suggestedFilename()).toBe("livepatch-audit.json");

  await panel.getByRole("button", { name: "expect-mismatch" }).click();
  await expect(page.getByRole("tab", { name: /^Functions/ })).toHaveAttribute("aria-selected", "true");
  const hex = page.getByRole("grid", { name: "Hex view" });
  await expect(hex.locator(`.hx-bytes span[data-off="${mismatch.offset}"]`)).toHaveClass(/\bsel\b/);
  await expect(hex.locator(`.hx-bytes span[data-off="${mismatch.offset! - 1}"]`)).not.toHaveClass(/\bsel\b/);
});

test("fails closed: hello world plus a copy cut at 2,000 bytes is REJECT, naming the cut file", async ({ page }) => {
  const hello = "x86_64/xen_hello_world.livepatch";
  await openApp(page, `#samples=x86_64/xen-syms,${hello}&file=${hello}&view=overview`);
  await expect(page.getByRole("button", { name: "Audit: accept" })).toBeVisible({ timeout: 20_000 });
  const cut = readFileSync(sample(hello)).subarray(0, 2000);
  await page.locator("input[type=file]").setInputFiles({ name: "hello_cut.livepatch", mimeType: "application/octet-stream", buffer: Buffer.from(cut) });
  await page.getByRole("button", { name: "Audit: reject" }).click({ timeout: 20_000 });
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await expect(panel.getByTestId("audit-reason")).toContainText("hello_cut.livepatch cannot be read as a payload");
  await expect(panel.getByRole("region", { name: "Findings for hello_cut.livepatch" })).toContainText("file-unreadable");
});

test("a big-endian payload: the drawer leads with Xen's refusal of its header, as the CLI does, then the reader's file-unreadable", async ({ page }) => {
  const hello = "x86_64/xen_hello_world.livepatch";
  const flipped = Buffer.from(readFileSync(sample(hello)));
  flipped[5] = 2; // EI_DATA: ELFDATA2MSB
  const dir = mkdtempSync(join(tmpdir(), "lpl-be-"));
  writeFileSync(join(dir, "hello_be.livepatch"), flipped);
  const cliResult = auditJson(join(dir, "hello_be.livepatch"));
  expect(cliResult.findings.map((f) => f.id)).toEqual(["elf-arch-unsupported", "file-unreadable"]);
  await openApp(page, `#samples=x86_64/xen-syms,${hello}&file=${hello}&view=overview`);
  await expect(page.getByRole("button", { name: "Audit: accept" })).toBeVisible({ timeout: 20_000 });
  await page.locator("input[type=file]").setInputFiles({ name: "hello_be.livepatch", mimeType: "application/octet-stream", buffer: flipped });
  await page.getByRole("button", { name: "Audit: reject" }).click({ timeout: 20_000 });
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await expect(panel.getByTestId("audit-reason")).toHaveText(
    // xen/arch/x86/livepatch.c arch_livepatch_verify_elf(): "%s: Unsupported ELF Machine type\n", quoted first.
    "hello_be.livepatch: livepatch: hello_be: Unsupported ELF Machine type (e_machine 62, ELFCLASS64, big-endian is not what this hypervisor loads)",
  );
  const findings = panel.getByRole("region", { name: "Findings for hello_be.livepatch" }).locator(".audit-finding");
  await expect(findings.locator(":is(button, code)")).toHaveText(["elf-arch-unsupported", "file-unreadable"]);
  await expect(findings.nth(1)).toContainText("SHOFF_PAST_END); this is how the audit reads the file past the header Xen refused (elf-arch-unsupported)");
});

test("an AArch64 payload marked big-endian with no image: the drawer, as the CLI, has no build-id mismatch from the stand-in, only file-unreadable and the check it could not make", async ({ page }) => {
  // AArch64 Xen never checks EI_DATA (xen/arch/arm/arm64/livepatch.c); the audit's reader honours
  // it and reads no section, so the stand-in Xen has no build-id from this file to compare with.
  const flipped = Buffer.from(readFileSync(sample("aarch64/xen_hello_world.livepatch")));
  flipped[5] = 2;
  const dir = mkdtempSync(join(tmpdir(), "lpl-be-"));
  writeFileSync(join(dir, "hello_be.livepatch"), flipped);
  const cliResult = JSON.parse(cli("audit", "--json", join(dir, "hello_be.livepatch"))) as AuditJson;
  expect(cliResult.verdict).toBe("reject");
  expect(cliResult.findings.map((f) => f.id)).toEqual(["file-unreadable", "unchecked-xen-build-id"]);
  await openApp(page);
  await page.locator("input[type=file]").setInputFiles({ name: "hello_be.livepatch", mimeType: "application/octet-stream", buffer: flipped });
  await page.getByRole("button", { name: "Audit: reject" }).click({ timeout: 20_000 });
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  const findings = panel.getByRole("region", { name: "Findings for hello_be.livepatch" }).locator(".audit-finding");
  await expect(findings.locator(":is(button, code)")).toHaveText(["file-unreadable", "unchecked-xen-build-id"]);
  await expect(findings.nth(1)).toContainText("not checked: the stand-in Xen refused UPLOAD by xen-depends-mismatch, −EINVAL (22), but the audit could not read this file");
  await expect(panel).not.toContainText("build-id mismatch");
});

test("files the user opens (read by the audit worker from the File itself) give the CLI's verdict", async ({ page }) => {
  const files = ["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch"].map(sample);
  expect(auditJson(files[1]).verdict).toBe("accept");
  await openApp(page);
  await page.locator("input[type=file]").setInputFiles(files);
  await expect(page.getByRole("button", { name: "Audit: accept" })).toBeVisible({ timeout: 20_000 });
});

test("a plan: hello, bye and replace_world in order is REJECT; replace_world by REPLACE is ACCEPT, as the CLI says", async ({ page }) => {
  const set = ["x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch", "x86_64/xen_replace_world.livepatch"];
  expect(auditJson(...set.map(sample)).verdict).toBe("reject");
  expect(auditJson(sample(set[0]), sample(set[1]), "--replace", sample(set[2])).verdict).toBe("accept");
  await openApp(page, `#samples=x86_64/xen-syms,${set.join(",")}&file=${set[2]}&view=overview`);
  await page.getByRole("button", { name: "Audit: reject" }).click({ timeout: 20_000 });
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await expect(panel.getByTestId("audit-reason")).toContainText("xen_replace_world");
  await panel.getByLabel("Role of xen_replace_world").selectOption("replace");
  await expect(panel.getByRole("heading", { name: /Verdict: ACCEPT/ })).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByTestId("audit-steps")).toContainText("REPLACE xen_replace_world: hypercall returned 0 · then APPLIED, status rc 0");
  // "On the host": hello already applied there, bye on top of it.
  await panel.getByLabel("Role of xen_replace_world").selectOption("upload");
  await panel.getByLabel("Role of xen_hello_world").selectOption("applied");
  await expect(panel.getByRole("heading", { name: /Verdict: ACCEPT/ })).toBeVisible({ timeout: 20_000 });
});

test("one placement: Overview, Sections and the simulator put the payload's text at the same address", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  const placed = auditJson(sample(path)).files[0].placement!.payload;
  // The simulator's own word, through the CLI's xen-livepatch console ('x' prints each payload's text address).
  const x = execFileSync(process.execPath, ["src/cli/livepatch-lens.mjs", "sim", "--xen", "public/samples/x86_64/xen-syms"], { input: `upload xen_hello_world ${sample(path)}\ndebug-keys x\n`, encoding: "utf8" });
  expect(x).toContain(placed.regions.text.addr.replace(/^0x/, ""));

  await openApp(page, `#samples=x86_64/xen-syms,${path}&file=${path}&view=overview`);
  await expect(page.getByTestId("placement")).toContainText(`text ${placed.regions.text.addr}`, { timeout: 20_000 });
  await page.getByRole("tab", { name: /^Sections/ }).click();
  const textSection = placed.sections.find((s) => s.addr === placed.regions.text.addr)!;
  await expect(page.getByRole("grid", { name: "Sections" })).toContainText(`text ${textSection.addr}`);
});

// Each sample payload's .livepatch.xen_depends names its own architecture's sample xen-syms
// (readelf -n: x86_64 edb3406f68fc5942d2ae9b0188056f8b25bc2910, aarch64 2c237be61932345a7644513061908fb510a5f423): with both images loaded, each runs on its own host.
test("payloads for two images: one host per image, each ACCEPT as the CLI says against its own --xen", async ({ page }) => {
  const x86 = JSON.parse(cli("audit", "--json", "--xen", sample("x86_64/xen-syms"), sample("x86_64/xen_hello_world.livepatch"))) as AuditJson;
  const arm = JSON.parse(cli("audit", "--json", "--xen", sample("aarch64/xen-syms"), sample("aarch64/xen_hello_world.livepatch"), sample("aarch64/xen_bye_world.livepatch"))) as AuditJson;
  expect([x86.verdict, arm.verdict]).toEqual(["accept", "accept"]);
  const files = ["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch", "aarch64/xen-syms", "aarch64/xen_hello_world.livepatch", "aarch64/xen_bye_world.livepatch"];
  await openApp(page, `#samples=${files.join(",")}&file=aarch64/xen_hello_world.livepatch&view=functions`);
  await page.getByRole("button", { name: "Audit: accept" }).click({ timeout: 30_000 });
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  const host1 = panel.getByRole("region", { name: "Host 1: xen-syms (x86_64, build-id edb3406f…2910)" });
  const host2 = panel.getByRole("region", { name: "Host 2: xen-syms (aarch64, build-id 2c237be6…f423)" });
  // Then the rollback: hello reverted on the same host; on host 2 bye (the top) before hello.
  await expect(host1.getByTestId("audit-steps")).toHaveText(
    "UPLOAD xen_hello_world: hypercall returned 0APPLY xen_hello_world: hypercall returned 0 · then APPLIED, status rc 0REVERT xen_hello_world: hypercall returned 0 · then CHECKED, status rc 0" +
      "rollback: exercised: REVERT of xen_hello_world, with the unload and pre-/post-revert hooks: every payload went back to CHECKED, the host stays up",
  );
  await expect(host2.getByTestId("audit-steps")).toContainText("APPLY xen_bye_world: hypercall returned 0 · then APPLIED");
  await expect(host2.getByTestId("audit-rollback")).toHaveText("rollback: exercised: REVERT of xen_bye_world, xen_hello_world (top of the applied stack first), with the unload and pre-/post-revert hooks: every payload went back to CHECKED, the host stays up");
  // The text addresses each host gave, as the CLI gives them against the same image.
  await expect(host1.getByRole("region", { name: "Plan" })).toContainText(`text at ${x86.files[0].placement!.payload.regions.text.addr}`);
  await expect(host2.getByRole("region", { name: "Plan" })).toContainText(`text at ${arm.files[1].placement!.payload.regions.text.addr}`);
  // The aarch64 payload's old function is read from the aarch64 image: A64 code, its own string.
  await page.keyboard.press("Escape");
  const oldNew = page.getByRole("region", { name: "Old and new code" });
  await expect(oldNew).toContainText("adrp x0");
  await expect(oldNew).toContainText('"-unstable"');
});

/** Files no reader can parse, as a user might drop them: each is still uploaded, as Xen would be asked to take it. */
function unparsableFiles(): string[] {
  const hello = readFileSync(sample("x86_64/xen_hello_world.livepatch"));
  const corrupt = Buffer.from(hello);
  // Garbage over the section header table (e_shoff: the 8 bytes at 0x28), from a fixed generator.
  const shoff = Number(corrupt.readBigUInt64LE(0x28));
  for (let i = 64, x = 7; i < corrupt.length - shoff; i++) corrupt[shoff + i] = x = (x * 1103515245 + 12345) & 0xff;
  const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3a3d8a30000000049454e44ae426082", "hex");
  const dir = mkdtempSync(join(tmpdir(), "lpl-unparsable-"));
  const files: [string, Buffer][] = [["trunc.livepatch", hello.subarray(0, 2000)], ["corrupt.livepatch", corrupt], ["empty.livepatch", Buffer.alloc(0)], ["image.livepatch", png]];
  return files.map(([name, bytes]) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  });
}

/** What must agree between the page and the CLI: the verdict, its reason, each step, each finding (paths cut to names). */
function comparable(r: AuditJson): unknown {
  const base = (s: string) => s.replace(/(^|\s)\S*\//g, "$1");
  return {
    verdict: r.verdict,
    reason: r.reason && base(r.reason),
    steps: r.steps.map((s) => `${s.op} ${s.name} ${s.ret}`),
    findings: r.findings.map((f) => `${f.id} ${f.file && base(f.file)} @${f.offset} ${base(f.message)}`),
  };
}

async function drawerJson(page: import("@playwright/test").Page): Promise<AuditJson> {
  await page.getByRole("button", { name: "Audit: reject" }).click({ timeout: 30_000 });
  const download = page.waitForEvent("download");
  await page.getByRole("complementary", { name: "Audit findings" }).getByRole("button", { name: "Export JSON" }).click();
  return JSON.parse(readFileSync((await (await download).path())!, "utf8")) as AuditJson;
}

test("files that cannot be parsed are uploaded on the page as by the CLI: the same plan, steps and findings", async ({ page }) => {
  const files = unparsableFiles();
  const cliResult = auditJson(sample("x86_64/xen_hello_world.livepatch"), ...files);
  // xen/common/livepatch.c verify_payload(): size 0 is -EINVAL; livepatch_elf.c livepatch_header_check():
  // "Not an ELF payload" and "Bogus e_shoff" are -EINVAL.
  expect(cliResult.steps.map((s) => `${s.op} ${s.name} ${s.ret}`)).toEqual(expect.arrayContaining(["upload trunc -22", "upload empty -22", "upload image -22"]));
  expect(cliResult.steps.map((s) => s.name)).toEqual(["xen_hello_world", "xen_hello_world", "trunc", "corrupt", "empty", "image"]);
  expect(cliResult.findings.map((f) => f.id)).toEqual(expect.arrayContaining(["payload-empty", "elf-unparsable"]));

  const hello = "x86_64/xen_hello_world.livepatch";
  await openApp(page, `#samples=x86_64/xen-syms,${hello}&file=${hello}&view=overview`);
  await expect(page.getByRole("button", { name: "Audit: accept" })).toBeVisible({ timeout: 20_000 });
  await page.locator("input[type=file]").setInputFiles(files);
  const pageResult = await drawerJson(page);
  expect(comparable(pageResult)).toEqual(comparable(cliResult));
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await expect(panel.getByTestId("audit-steps")).toContainText("UPLOAD image: hypercall returned −EINVAL");
  const empty = panel.getByRole("region", { name: "Findings for empty.livepatch" });
  await expect(empty).toContainText("empty.livepatch cannot be read as a payload: file is 0 bytes, too short for the ELF magic at byte 0x0 (TRUNCATED_HEADER)");
  // file-unreadable now names byte 0x0, so it links to the bytes; payload-empty names none.
  await expect(empty.locator(".audit-finding :is(button, code)")).toHaveText(["file-unreadable", "payload-empty"]);
  await expect(empty.getByRole("button", { name: "file-unreadable" })).toBeVisible();
});

test("a lone file that is not ELF, with no image: uploaded to an x86-64 stand-in Xen on the page as by the CLI", async ({ page }) => {
  const image = unparsableFiles()[3];
  const cliResult = JSON.parse(cli("audit", "--json", image)) as AuditJson;
  expect(cliResult.steps.map((s) => `${s.op} ${s.name} ${s.ret}`)).toEqual(["upload image -22"]);
  await openApp(page);
  await page.locator("input[type=file]").setInputFiles(image);
  expect(comparable(await drawerJson(page))).toEqual(comparable(cliResult));
});

test("a payload of a machine Xen does not livepatch, beside an x86-64 image, is refused by that image's Xen, as `audit --xen` refuses it", async ({ page }) => {
  // A payload with no .livepatch.xen_depends (so no loaded image is its target) with e_machine (2
  // bytes at 18) set to 8: readelf -h says MIPS R3000.
  const bytes = readFileSync(sample("x86_64/xen_no_xen_buildid.livepatch"));
  bytes.writeUInt16LE(8, 18);
  const path = join(mkdtempSync(join(tmpdir(), "lpl-mips-")), "mips.livepatch");
  writeFileSync(path, bytes);
  // Alone, the CLI boots it a stand-in and says which machine that is; with --xen, that image's Xen.
  const alone = JSON.parse(cli("audit", "--json", path)) as AuditJson & { assumptions: string[] };
  expect(alone.assumptions).toContain("no file is built for an architecture Xen livepatches (x86-64, AArch64, ARM): the stand-in Xen is x86-64");
  const cliResult = JSON.parse(cli("audit", "--json", "--xen", sample("x86_64/xen-syms"), sample("x86_64/xen_hello_world.livepatch"), path)) as AuditJson;
  // xen/arch/x86/livepatch.c arch_livepatch_verify_elf(): "Unsupported ELF Machine type", -EOPNOTSUPP.
  expect(cliResult.steps.map((s) => `${s.op} ${s.name} ${s.ret}`)).toContain("upload mips -95");
  const hello = "x86_64/xen_hello_world.livepatch";
  await openApp(page, `#samples=x86_64/xen-syms,${hello}&file=${hello}&view=overview`);
  await expect(page.getByRole("button", { name: "Audit: accept" })).toBeVisible({ timeout: 20_000 });
  await page.locator("input[type=file]").setInputFiles(path);
  expect(comparable(await drawerJson(page))).toEqual(comparable(cliResult));
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  // One host: the drawer shows one plan, no host regions, and no stand-in.
  await expect(panel.getByTestId("audit-steps")).toContainText("UPLOAD mips: hypercall returned −EOPNOTSUPP");
  await expect(panel.getByRole("region", { name: /^Host \d/ })).toHaveCount(0);
  await expect(panel).not.toContainText("stand-in");
});

test("a bundled sample the parse worker dies under is still uploaded by the audit, as the CLI uploads it", async ({ page, guards }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  // No image on the page: the CLI without --xen, on its stand-in Xen too.
  const cliResult = JSON.parse(cli("audit", "--json", sample(path))) as AuditJson;
  expect(cliResult.steps.map((s) => `${s.op} ${s.name} ${s.ret}`)).toEqual(["upload xen_hello_world 0", "apply xen_hello_world 0"]);
  // Every parse worker crashes on its first message (the retry's fresh worker too): the sample is
  // fetched, then never parsed on the page.
  guards.allow(/simulated parse worker crash/);
  await page.route("**/parse.worker-*.js", (r) => r.fulfill({ contentType: "text/javascript", body: 'self.onmessage = () => { throw new Error("simulated parse worker crash"); };' }));
  await openApp(page, `#samples=${path}`);
  await expect(page.locator("li.file.error").filter({ hasText: "xen_hello_world.livepatch" })).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: /^Audit: (accept|reject)$/ }).click({ timeout: 30_000 });
  const download = page.waitForEvent("download");
  await page.getByRole("complementary", { name: "Audit findings" }).getByRole("button", { name: "Export JSON" }).click();
  const pageResult = JSON.parse(readFileSync((await (await download).path())!, "utf8")) as AuditJson;
  expect(comparable(pageResult)).toEqual(comparable(cliResult));
});
