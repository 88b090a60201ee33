// The event log and the console keep up with the simulator: the log's current row (the cursor) is
// always inside the log's box, after an action, after stepping back, after a jump to the start and
// back to the end, also once the log is long enough that only the rows near its scroll position are
// drawn (over 400 entries); and the console shows its latest line. Both scroll in the frame after
// the change (Timeline.tsx, ConsolePanel.tsx), so each check waits for it.
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";
import { type } from "./support/console.ts";

/** Whether the log's current row lies wholly inside the log's box; null when no row is current. */
function currentRowShown(page: Page): Promise<boolean | null> {
  return page.getByRole("list", { name: "Event log" }).evaluate((ol) => {
    const row = ol.querySelector("[aria-current=step]");
    if (!row) return null;
    const box = ol.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    return r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
  });
}

async function expectFollowed(page: Page, where: string): Promise<void> {
  await expect.poll(() => currentRowShown(page), { message: `${where}: the current row is in the log's box` }).toBe(true);
}

function position(page: Page): Promise<[number, number]> {
  return page
    .getByRole("slider", { name: "Timeline position" })
    .evaluate((s: HTMLInputElement) => [Number(s.value), Number(s.max)] as [number, number]);
}

test("the event log follows the cursor and the console shows its latest line, past 400 entries too", async ({ page }) => {
  test.setTimeout(180_000);
  await page.emulateMedia({ reducedMotion: "reduce" });
  await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch");
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  // Upload, apply, revert and unload until the log passes the 400 entries past which it draws only
  // the rows near view (hello world has .data: Xen re-applies no reverted payload that has, -EINVAL).
  for (let round = 0; ; round++) {
    await type(page, "upload xen_hello_world xen_hello_world.livepatch");
    await type(page, "apply xen_hello_world");
    await expect(page.getByTestId("console-output")).toContainText(/Applying xen_hello_world\.\.\. completed\s*$/);
    await expectFollowed(page, `after apply ${round + 1}`);
    const [, total] = await position(page);
    if (total > 420) break;
    await type(page, "revert xen_hello_world");
    await expect(page.getByTestId("console-output")).toContainText(/Reverting xen_hello_world\.\.\. completed\s*$/);
    await type(page, "unload xen_hello_world");
    await expect(page.getByTestId("console-output")).toContainText(/Unloading xen_hello_world\.\.\. completed\s*$/);
    expect(round, "rounds to pass 400 entries").toBeLessThan(40);
  }
  const [cursor, total] = await position(page);
  expect(cursor).toBe(total);

  // The console's latest line is inside its box.
  const console = page.getByTestId("console-output");
  await expect
    .poll(() => console.evaluate((pre) => pre.scrollHeight - pre.scrollTop - pre.clientHeight <= 1), { message: "the console is scrolled to its end" })
    .toBe(true);

  // Stepping back a row at a time: the row stays in view (the log scrolls up with it).
  const back = page.getByRole("button", { name: "Step back" });
  for (let k = 0; k < 8; k++) await back.click();
  expect((await position(page))[0]).toBe(total - 8);
  await expectFollowed(page, "after 8 steps back");

  // A jump to the start and back to the end: hundreds of rows away each time, rows not drawn before.
  const slider = page.getByRole("slider", { name: "Timeline position" });
  await slider.focus();
  await page.keyboard.press("Home");
  expect((await position(page))[0]).toBe(0);
  await page.keyboard.press("ArrowRight");
  expect((await position(page))[0]).toBe(1);
  await expectFollowed(page, "after a jump to the start");
  await page.keyboard.press("End");
  expect((await position(page))[0]).toBe(total);
  await expectFollowed(page, "after a jump to the end");
  await expect(page.getByRole("list", { name: "Event log" }).locator("[aria-current=step]")).toContainText("hypercall-return");

  // The same jump with another change of the page in the same task, before the list's scroll event
  // arrives (here the playback speed; at 63554ad the CPU lanes measuring themselves as they appeared):
  // the log still goes to the end. It went back to the rows of the start, and scroll-snap took the
  // list to the last row drawn there (row 63), when the position was kept by a state update made
  // while rendering, which React drops at the next render.
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  await expectFollowed(page, "after a second jump to the start");
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 0))));
  await page.evaluate(async () => {
    const slider = document.querySelector<HTMLInputElement>("input[aria-label='Timeline position']")!;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(slider, slider.max);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    await Promise.resolve();
    const speed = document.querySelector<HTMLSelectElement>("select[aria-label='Playback speed']")!;
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value")!.set!.call(speed, speed.options[(speed.selectedIndex + 1) % speed.options.length].value);
    speed.dispatchEvent(new Event("change", { bubbles: true }));
  });
  expect((await position(page))[0]).toBe(total);
  await expectFollowed(page, "after a jump to the end and a change of speed in the same task");
});
