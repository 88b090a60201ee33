import type { Page } from "@playwright/test";

/**
 * Stops the page's clock (installed with page.clock.install() before the page loaded) at most
 * 100 ms on; from then on the page's timers (the simulator's player among them) fire only when the
 * test moves the clock (runFor, resume). A pauseAt racing the page's own clock is retried.
 */
export async function freeze(page: Page): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await page.clock.pauseAt(await page.evaluate(() => Date.now() + 100));
      return;
    } catch (e) {
      if (tries > 20) throw e;
    }
  }
}
