import { test, expect, openApp } from "./support/guards.ts";

test("the built app opens with its title and the sample menu; the simulator starts when first used", async ({ page, guards }) => {
  const requested: string[] = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  await openApp(page);
  await expect(page).toHaveTitle("Livepatch Lens");
  const menu = page.getByRole("navigation", { name: "Samples" });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("button", { name: /Hello world/i }).first()).toBeVisible();
  await expect(page.getByText("Files never leave your browser.")).toBeVisible();
  await expect(page.getByText("Simulated hypervisor: starts when first used")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(requested.filter((p) => /hypervisor|\.wasm$/.test(p)), "the engine is not loaded with the first screen").toEqual([]);
  await page.getByRole("button", { name: "Simulator", exact: true }).click();
  await expect(page.getByText(/Simulated hypervisor: ready/)).toBeVisible({ timeout: 30_000 });
  expect(guards.foreignRequests).toEqual([]);
});

test("a first-time visitor reaches the demo in one click from the welcome page", async ({ page }) => {
  await openApp(page);
  await page.getByRole("group", { name: "Start here" }).getByRole("button", { name: "Inspect the hello-world payload" }).click();
  // Both the image and the payload load; the payload is shown, matched to the image by build-id.
  await expect(page.getByText("targets xen-syms ✓")).toBeVisible();
  await page.getByRole("tab", { name: /Functions/ }).click();
  await expect(page.getByText("old: xen_extra_version", { exact: true })).toBeVisible();
});

test("the welcome page's scenario link opens the guided hello-world walk-through", async ({ page }) => {
  await openApp(page);
  await page.getByRole("link", { name: "Watch Xen apply it, step by step" }).click();
  await expect(page.locator(".scn-panel .scn-explain")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("textbox", { name: "Console" })).toBeVisible();
});
