// The audit drawer: verdict, the simulator's agreement, severity filter, exports, and a finding
// followed to its bytes (the hex view highlights the finding's offset).
import { execFileSync } from "node:child_process";
import { test, expect, openApp } from "./support/guards.ts";

interface AuditJson {
  verdict: string;
  findings: { id: string; severity: string; offset?: number; length?: number; file?: string }[];
}

function auditJson(...paths: string[]): AuditJson {
  const args = ["src/cli/livepatch-lens.mjs", "audit", "--json", "--no-sim", "--xen", "public/samples/x86_64/xen-syms", ...paths.map((p) => `public/samples/${p}`)];
  try {
    return JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" })) as AuditJson;
  } catch (e) {
    return JSON.parse((e as { stdout: string }).stdout) as AuditJson;
  }
}

test("a failing expectation: REJECT, the simulator agrees, and the finding leads to its bytes", async ({ page }) => {
  const path = "x86_64/xen_expectations_fail.livepatch";
  const cli = auditJson(path);
  const mismatch = cli.findings.find((f) => f.id === "expect-mismatch")!;
  expect(cli.verdict).toBe("reject");
  await openApp(page, `#samples=x86_64/xen-syms,${path}&file=${path}&view=overview`);
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });

  await page.getByRole("button", { name: "Audit: reject" }).click();
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await expect(panel.getByRole("heading", { name: /Verdict: REJECT/ })).toBeVisible();
  await expect(panel.getByTestId("audit-simulator")).toContainText("Simulator agrees", { timeout: 20_000 });
  await expect(panel.getByTestId("audit-simulator")).toContainText("apply -22");

  // The severity filter hides and shows the info findings.
  const infos = panel.locator(".audit-finding.info");
  await expect(infos.first()).toBeVisible();
  await panel.getByRole("checkbox", { name: /^info/ }).uncheck();
  await expect(infos).toHaveCount(0);
  await expect(panel.locator(".audit-finding.error")).toHaveCount(cli.findings.filter((f) => f.severity === "error").length);

  // Exports download the same report the CLI prints.
  const download = page.waitForEvent("download");
  await panel.getByRole("button", { name: "Export JSON" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("livepatch-audit.json");

  await panel.getByRole("button", { name: "expect-mismatch" }).click();
  await expect(page.getByRole("tab", { name: /^Functions/ })).toHaveAttribute("aria-selected", "true");
  const hex = page.getByRole("grid", { name: "Hex view" });
  const first = hex.locator(`.hx-bytes span[data-off="${mismatch.offset}"]`);
  await expect(first).toHaveClass(/\bsel\b/);
  const last = hex.locator(`.hx-bytes span[data-off="${mismatch.offset! + mismatch.length! - 1}"]`);
  await expect(last).toHaveClass(/\bsel\b/);
  await expect(hex.locator(`.hx-bytes span[data-off="${mismatch.offset! + mismatch.length!}"]`)).not.toHaveClass(/\bsel\b/);
});

test("an accepted pair: hello then bye stack, and the drawer says so", async ({ page }) => {
  const set = ["x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch"];
  expect(auditJson(...set).verdict).toBe("accept");
  await openApp(page, `#samples=x86_64/xen-syms,${set.join(",")}&file=${set[1]}&view=overview`);
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Audit: accept" }).click();
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await expect(panel.getByRole("heading", { name: /Verdict: ACCEPT/ })).toBeVisible();
  await expect(panel.getByTestId("audit-simulator")).toContainText("Simulator agrees", { timeout: 20_000 });
  await expect(panel.getByRole("region", { name: "Findings for xen_bye_world.livepatch" })).toContainText("func-patched-twice");
});
