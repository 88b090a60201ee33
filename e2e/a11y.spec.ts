// Accessibility: axe-core on every inspector view, the audit drawer, the simulator and the
// presenter. No serious or critical violation is allowed; the report names what failed.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";

async function noSeriousViolations(page: Page, where: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n  ")}`).join("\n");
  expect(bad, `${where}:\n${report}`).toEqual([]);
}

// axe walks the whole DOM (the hex dock alone is thousands of spans) once per view.
test.describe.configure({ timeout: 300_000 });

const VIEWS = ["Overview", "Functions", "Relocations", "Symbols", "Sections", "Notes", "Alternatives & tables", "Map"];

for (const scheme of ["light", "dark"] as const)
  test(`every inspector view and the audit drawer (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const path = "x86_64/xen_nop_thunk.livepatch";
    await openApp(page, `#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch,${path}&file=x86_64/xen_hello_world.livepatch&view=overview`);
    await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });
    for (const v of VIEWS) {
      await page.getByRole("tab", { name: new RegExp(`^${v}`) }).click();
      await expect(page.getByRole("tab", { name: new RegExp(`^${v}`) })).toHaveAttribute("aria-selected", "true");
      if (v === "Functions") await expect(page.getByRole("table", { name: "Old and new instructions" })).toBeVisible({ timeout: 20_000 });
      await noSeriousViolations(page, `${v} (${scheme})`);
    }
    await page.getByRole("button", { name: /^Audit: / }).click();
    await expect(page.getByRole("complementary", { name: "Audit findings" })).toBeVisible();
    await noSeriousViolations(page, `audit drawer (${scheme})`);
  });

test("the welcome page, the simulator and the presenter", async ({ page }) => {
  await openApp(page);
  await noSeriousViolations(page, "welcome");
  await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch");
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  await noSeriousViolations(page, "simulator");
  await page.goto("./#present&scenario=hello-world&step=3");
  await expect(page.locator(".presenter")).toHaveAttribute("data-step", "3", { timeout: 30_000 });
  await noSeriousViolations(page, "presenter");
});
