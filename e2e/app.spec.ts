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
