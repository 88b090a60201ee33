// A scenario owns its files: opening another replaces them, so earlier scenarios' payloads do not
// pile up (and turn the audit red); files the user added go only if the user says so.
import type { Page } from "@playwright/test";
import { test, expect } from "./support/guards.ts";

const loaded = (page: Page) => page.getByRole("region", { name: "Loaded files" }).getByRole("button", { name: /^Close / });
const names = async (page: Page) => (await loaded(page).evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")!.slice(6)))).sort();

async function openAt(page: Page, hash: string) {
  await page.goto(`./${hash}`);
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toBeVisible({ timeout: 30_000 });
}

async function pick(page: Page, id: string) {
  await page.getByRole("combobox", { name: "Scenario" }).selectOption(id);
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("status").filter({ hasText: "Loading the scenario" })).toHaveCount(0);
}

test("opening another scenario replaces the files the first one brought", async ({ page }) => {
  await openAt(page, "#scenario=stacking&step=0");
  await expect.poll(() => names(page)).toEqual(["xen-syms", "xen_bye_world.livepatch", "xen_hello_world.livepatch"]);
  await pick(page, "nop-out");
  await expect.poll(() => names(page)).toEqual(["xen-syms", "xen_nop.livepatch"]);
  await pick(page, "replace");
  await expect.poll(() => names(page)).toEqual(["xen-syms", "xen_bye_world.livepatch", "xen_hello_world.livepatch", "xen_replace_world.livepatch"]);
  // The scenario still runs on its own files.
  await page.getByRole("button", { name: "Last step" }).click();
  await expect(page.locator(".scn-panel .scn-explain")).toHaveAttribute("data-step", "6");
});

for (const answer of ["accept", "dismiss"] as const) {
  test(`files the user added: the page asks, and ${answer === "accept" ? "removes them when told to" : "keeps them when not"}`, async ({ page }) => {
    await openAt(page, "#samples=x86_64/xen_expectations_fail.livepatch&scenario=hello-world&step=0");
    await expect.poll(() => names(page)).toContain("xen_expectations_fail.livepatch");
    const asked: string[] = [];
    page.on("dialog", (d) => {
      asked.push(d.message());
      void (answer === "accept" ? d.accept() : d.dismiss());
    });
    await pick(page, "nop-out");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("xen_expectations_fail.livepatch");
    const want = answer === "accept" ? ["xen-syms", "xen_nop.livepatch"] : ["xen-syms", "xen_expectations_fail.livepatch", "xen_nop.livepatch"];
    await expect.poll(() => names(page)).toEqual(want);
  });
}
