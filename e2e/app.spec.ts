import { test, expect, openApp } from "./support/guards.ts";

test("the built app opens with its title, the sample menu and a running simulator", async ({ page, guards }) => {
  await openApp(page);
  await expect(page).toHaveTitle("Livepatch Lens");
  const menu = page.getByRole("navigation", { name: "Samples" });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("button", { name: /Hello world/i }).first()).toBeVisible();
  await expect(page.getByText("Files never leave your browser.")).toBeVisible();
  await expect(page.getByText(/Simulated hypervisor: ready/)).toBeVisible();
  expect(guards.foreignRequests).toEqual([]);
});

test("a first-time visitor reaches the demo in one click from the welcome page", async ({ page }) => {
  await openApp(page);
  await page.getByRole("group", { name: "Start here" }).getByRole("button", { name: "Inspect the hello-world payload" }).click();
  // Both the image and the payload load; the payload is shown, matched to the image by build-id.
  await expect(page.getByText("targets xen-syms ✓")).toBeVisible();
  await page.getByRole("tab", { name: /Functions/ }).click();
  await expect(page.getByText("old: xen_extra_version")).toBeVisible();
});

test("the welcome page's scenario link opens the guided hello-world walk-through", async ({ page }) => {
  await openApp(page);
  await page.getByRole("link", { name: "Watch Xen apply it, step by step" }).click();
  await expect(page.locator(".scn-panel .scn-explain")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("textbox", { name: "Console" })).toBeVisible();
});
