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
  findings: { id: string; severity: string; offset?: number; length?: number; file?: string }[];
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
  await expect(panel.getByTestId("audit-reason")).toHaveText("hello_be.livepatch: e_machine 62, ELFCLASS64, big-endian is not what this hypervisor loads");
  const findings = panel.getByRole("region", { name: "Findings for hello_be.livepatch" }).locator(".audit-finding");
  await expect(findings.locator(":is(button, code)")).toHaveText(["elf-arch-unsupported", "file-unreadable"]);
  await expect(findings.nth(1)).toContainText("SHOFF_PAST_END); this is how the audit reads the file past the header Xen refused (elf-arch-unsupported)");
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
// (readelf -n: x86_64 4ec75d0c03955d6ceb51a6275c7801ce3d2acc43, aarch64 5554d22549f6d981b67e1f7a3e6940f12fd1a76e): with both images loaded, each runs on its own host.
test("payloads for two images: one host per image, each ACCEPT as the CLI says against its own --xen", async ({ page }) => {
  const x86 = JSON.parse(cli("audit", "--json", "--xen", sample("x86_64/xen-syms"), sample("x86_64/xen_hello_world.livepatch"))) as AuditJson;
  const arm = JSON.parse(cli("audit", "--json", "--xen", sample("aarch64/xen-syms"), sample("aarch64/xen_hello_world.livepatch"), sample("aarch64/xen_bye_world.livepatch"))) as AuditJson;
  expect([x86.verdict, arm.verdict]).toEqual(["accept", "accept"]);
  const files = ["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch", "aarch64/xen-syms", "aarch64/xen_hello_world.livepatch", "aarch64/xen_bye_world.livepatch"];
  await openApp(page, `#samples=${files.join(",")}&file=aarch64/xen_hello_world.livepatch&view=functions`);
  await page.getByRole("button", { name: "Audit: accept" }).click({ timeout: 30_000 });
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  const host1 = panel.getByRole("region", { name: "Host 1: xen-syms (x86_64, build-id 4ec75d0c…cc43)" });
  const host2 = panel.getByRole("region", { name: "Host 2: xen-syms (aarch64, build-id 5554d225…a76e)" });
  await expect(host1.getByTestId("audit-steps")).toHaveText("UPLOAD xen_hello_world: hypercall returned 0APPLY xen_hello_world: hypercall returned 0 · then APPLIED, status rc 0");
  await expect(host2.getByTestId("audit-steps")).toContainText("APPLY xen_bye_world: hypercall returned 0 · then APPLIED");
  // The text addresses each host gave, as the CLI gives them against the same image.
  await expect(host1.getByRole("region", { name: "Plan" })).toContainText(`text at ${x86.files[0].placement!.payload.regions.text.addr}`);
  await expect(host2.getByRole("region", { name: "Plan" })).toContainText(`text at ${arm.files[1].placement!.payload.regions.text.addr}`);
  // The aarch64 payload's old function is read from the aarch64 image: A64 code, its own string.
  await page.keyboard.press("Escape");
  const oldNew = page.getByRole("region", { name: "Old and new code" });
  await expect(oldNew).toContainText("adrp x0");
  await expect(oldNew).toContainText('"-unstable"');
});
