// The installable app works with no network after one visit: the service worker has precached
// the page, the workers, the wasm engines and the samples.
import { test, expect, openApp } from "./support/guards.ts";

test("after one visit the page, its samples, the disassembler and the simulator work offline", async ({ page, context }) => {
  await openApp(page);
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    return link ? ((await (await fetch(link.href)).json()) as { name: string; display: string; icons: { sizes: string }[] }) : null;
  });
  expect(manifest?.display).toBe("standalone");
  expect(manifest?.icons.map((i) => i.sizes)).toContain("512x512");
  // No inline script anywhere: the registration is a file, so the CSP (no 'unsafe-inline') holds.
  expect(await page.locator("script:not([src])").count()).toBe(0);
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === "activated", null, { timeout: 30_000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Livepatch Lens", level: 1 })).toBeVisible();
  // The simulated hypervisor starts on first use (the footer says so), not with the page.
  await expect(page.locator("footer")).toContainText("Simulated hypervisor");

  const path = "x86_64/xen_hello_world.livepatch";
  await page.goto(`./#samples=x86_64/xen-syms,${path}&file=${path}&view=functions`);
  await page.reload();
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });
  const table = page.getByRole("table", { name: "Old and new instructions" });
  await expect(table).toContainText('"Hello World"', { timeout: 20_000 });
  await expect(table).toContainText('"-unstable"');

  // First use of the simulator, still offline: its wasm comes from the precache and it boots.
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.locator("footer")).toContainText("ready", { timeout: 20_000 });
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  await context.setOffline(false);
});
