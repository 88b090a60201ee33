import { test as base, expect, type Page } from "@playwright/test";

// Every page in every test is watched: a console error or a request that leaves the app's own
// origin fails the test that caused it.
export interface Guards {
  consoleErrors: string[];
  foreignRequests: string[];
}

export const test = base.extend<{ guards: Guards }>({
  guards: async ({ page, baseURL }, use) => {
    const origin = new URL(baseURL!).origin;
    const guards: Guards = { consoleErrors: [], foreignRequests: [] };
    page.on("console", (msg) => {
      if (msg.type() === "error") guards.consoleErrors.push(msg.text());
    });
    page.on("pageerror", (err) => guards.consoleErrors.push(String(err)));
    page.on("request", (req) => {
      const url = new URL(req.url());
      if (url.protocol === "data:" || url.protocol === "blob:") return;
      if (url.origin !== origin) guards.foreignRequests.push(req.url());
    });
    await use(guards);
    expect(guards.foreignRequests, "requests outside the app's origin").toEqual([]);
    expect(guards.consoleErrors, "console errors").toEqual([]);
  },
});

export { expect };

export async function openApp(page: Page, hash = ""): Promise<void> {
  await page.goto(`./${hash}`);
  await expect(page.getByRole("heading", { name: "Livepatch Lens", level: 1 })).toBeVisible();
}
