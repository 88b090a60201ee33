import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";

// Every spec imports `test` from here (lint enforces it), and this fixture is automatic: every page
// of every test is watched. An uncaught page error, a console error, a request that leaves the
// page's own origin, or an error boundary left showing fails the test that caused it. A test that
// provokes an error on purpose says which with `guards.allow(...)`, and clears any boundary it
// tripped (Retry) before it ends.
export interface Guards {
  pageErrors: string[];
  consoleErrors: string[];
  foreignRequests: string[];
  /** Page errors and console errors this test expects. */
  allow(pattern: RegExp): void;
}

/** Watches a page the fixture does not know of (one in a context a test makes itself). */
export function watchPage(page: Page, origin: string, g: Guards): void {
  page.on("pageerror", (err) => g.pageErrors.push(`${err.name}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") g.consoleErrors.push(msg.text());
  });
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol === "data:" || url.protocol === "blob:") return;
    if (url.origin !== origin) g.foreignRequests.push(req.url());
  });
}

async function trippedBoundaries(context: BrowserContext): Promise<string[]> {
  const out: string[] = [];
  for (const p of context.pages()) {
    if (p.isClosed()) continue;
    const texts = await p
      .locator("[data-guard]")
      .allTextContents()
      .catch(() => []);
    out.push(...texts);
  }
  return out;
}

export const test = base.extend<{ guards: Guards }>({
  guards: [
    async ({ context, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const allowed: RegExp[] = [];
      const guards: Guards = { pageErrors: [], consoleErrors: [], foreignRequests: [], allow: (p) => void allowed.push(p) };
      for (const p of context.pages()) watchPage(p, origin, guards);
      context.on("page", (p) => watchPage(p, origin, guards));
      await use(guards);
      const unexpected = (xs: string[]) => xs.filter((x) => !allowed.some((a) => a.test(x)));
      expect(guards.foreignRequests, "requests outside the page's origin").toEqual([]);
      expect(unexpected(guards.pageErrors), "uncaught page errors").toEqual([]);
      expect(unexpected(guards.consoleErrors), "console errors").toEqual([]);
      expect(await trippedBoundaries(context), "error boundaries showing at the end of the test").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function openApp(page: Page, hash = ""): Promise<void> {
  await page.goto(`./${hash}`);
  await expect(page.getByRole("heading", { name: "Livepatch Lens", level: 1 })).toBeVisible();
}
