// Presenter mode, how long a step plays on a slide. A scenario may boot up to 64 CPUs; each CPU's
// check-in to the CPU phase, the IRQ phase and its release is its own event, and at the teaching
// pace a 64-CPU `load` step played for 34 s (s29 #2). A wave of CPUs now takes what three take
// (state/playback.ts WAVE_MS), so the step plays in the 5.44 s a 4-CPU one takes, every CPU still
// drawn in turn. The page's clock is held and moved by the test, so the time measured is the
// page's own, however busy the machine.
import type { Page } from "@playwright/test";
import { test, expect } from "./support/guards.ts";
import { freeze } from "./support/clock.ts";
import { presentCpus } from "./support/presenter.ts";

/** Each CPU's status as the lanes' accessible name gives it (`CPU3 released; …`). */
async function statuses(page: Page): Promise<string[]> {
  // Not there before the rendezvous starts (the lanes card says no action has run yet).
  const name = await page.evaluate(() => document.querySelector(".presenter .sl-lanes svg.lanes-svg")?.getAttribute("aria-label") ?? "");
  return name.replace(/^CPU lanes: /, "").split("; ").filter(Boolean).map((s) => s.replace(/^CPU\d+ /, ""));
}

for (const cpus of [4, 64]) {
  test(`a ${cpus}-CPU step plays on a slide within 6 s of the page's clock, every CPU drawn in turn`, async ({ page }) => {
    // Each move of the clock is a round trip and a drawing: tens of them on a busy machine.
    test.setTimeout(180_000);
    await page.clock.install();
    await page.setViewportSize({ width: 1280, height: 720 });
    await presentCpus(page, `pace-${cpus}`, cpus);
    await freeze(page);
    await page.keyboard.press("PageDown");
    await expect(page.locator(".presenter")).toHaveAttribute("data-step", "1", { timeout: 30_000 });
    const output = page.locator(".presenter .scn-output");
    // The clock moves 100 ms at a time until the step's output (shown once the step has played to
    // its end) is there; the lanes are read at every move.
    let ms = 0;
    let mixed = 0;
    const seen = new Set<string>();
    while (!(await output.isVisible())) {
      expect(ms, "still playing").toBeLessThan(60_000);
      await page.clock.runFor(100);
      ms += 100;
      const now = await statuses(page);
      seen.add(now.join("|"));
      // Part way through a wave: some CPUs have checked in, others not yet.
      if (new Set(now.slice(1)).size > 1) mixed++;
    }
    console.log(`${cpus} CPUs: the step played in ${ms} ms of the page's clock; ${seen.size} different lane states seen, ${mixed} moves part way through a wave`);
    // By hand (playback.test.ts): the step's beats are 5,440 ms; its last item (a hypercall's
    // return, 130 ms) is shown as its hold starts, so the output is there at 5,310 ms, seen within
    // the clock's next 100 ms. Before s29 #2 (40 ms moves): 5,320 ms for 4 CPUs, 34,120 ms for 64.
    expect(ms).toBeGreaterThanOrEqual(5310);
    expect(ms).toBeLessThan(5410);
    // The CPUs were not shown all at once: with 63 others, several moves show a wave part way.
    if (cpus === 64) expect(mixed).toBeGreaterThanOrEqual(6);
    const end = await statuses(page);
    expect(end).toHaveLength(cpus);
    expect(end.slice(1)).toEqual(Array.from({ length: cpus - 1 }, () => "released"));
    await expect(output).toContainText("exit status 0");
  });
}

test("under reduced motion a 64-CPU step shows its end at once, with the page's clock held", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.clock.install();
  await page.setViewportSize({ width: 1280, height: 720 });
  await presentCpus(page, "pace-64", 64);
  await freeze(page);
  await page.keyboard.press("PageDown");
  await expect(page.locator(".presenter")).toHaveAttribute("data-step", "1", { timeout: 30_000 });
  await expect(page.locator(".presenter .scn-output")).toContainText("exit status 0");
  expect(await statuses(page)).toEqual(["done, back to work", ...Array.from({ length: 63 }, () => "released")]);
});
