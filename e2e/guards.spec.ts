// The automatic page guards (support/guards.ts) catch what they claim to. Each test below breaks
// one rule on purpose and is marked to fail: it passes only if the guard failed it.
import { test, expect, openApp } from "./support/guards.ts";

test.describe("the page guards fail a test that", () => {
  test.fail();

  test("throws an uncaught error in the page", async ({ page }) => {
    await openApp(page);
    await page.evaluate(() => setTimeout(() => {
      throw new Error("deliberate uncaught error");
    }, 0));
    await page.waitForTimeout(200);
  });

  test("logs a console error", async ({ page }) => {
    await openApp(page);
    await page.evaluate(() => console.error("deliberate console error"));
  });

  test("requests another origin", async ({ page, baseURL }) => {
    // The same server under another name is another origin.
    const other = baseURL!.replace("127.0.0.1", "localhost");
    await openApp(page);
    await page.goto(other);
  });

  test("leaves an error boundary showing", async ({ page, guards }) => {
    // The boundary's own console report is allowed; the boundary left on screen is not.
    guards.allow(/test fault injected/);
    await openApp(page, "#samples=x86_64/xen_hello_world.livepatch&view=symbols");
    await expect(page.getByRole("grid", { name: "Symbols" })).toBeVisible();
    await page.evaluate(() => (globalThis as unknown as { __livepatchLens: { failNextRender(what: string): void } }).__livepatchLens.failNextRender("Notes view"));
    await page.getByRole("tab", { name: /^Notes/ }).click();
    await expect(page.locator("[data-guard='Notes view']")).toBeVisible();
  });

  test("breaks a rule in a second page of the same test", async ({ context }) => {
    const second = await context.newPage();
    await openApp(second);
    await second.evaluate(() => console.error("deliberate console error in a second page"));
  });
});

test("an allowed message passes", async ({ page, guards }) => {
  guards.allow(/^deliberate and expected$/);
  await openApp(page);
  await page.evaluate(() => console.error("deliberate and expected"));
});
