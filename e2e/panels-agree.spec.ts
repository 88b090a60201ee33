// The simulator's panels tell one story (each derives from the same typed events; the full
// cross-check over every catalogue scenario is src/simulator/panels.test.ts). Here, on the page,
// the two places where they used to contradict each other.
import { test, expect } from "./support/guards.ts";
import type { Page } from "@playwright/test";

async function openAt(page: Page, hash: string, step: number) {
  await page.goto(`./${hash}`);
  await expect(page.locator(`.scn-panel .scn-explain[data-step="${step}"]`)).toBeVisible({ timeout: 30_000 });
}

test("after reverting bye, the memory card names hello, whose jump the bytes now hold", async ({ page }) => {
  await openAt(page, "#scenario=stacking&step=7", 7);
  const card = page.getByRole("article", { name: "Memory at xen_extra_version" });
  await expect(card).toContainText("patched by xen_hello_world");
  await expect(card).not.toContainText("xen_bye_world");
  await expect(card.getByLabel(/^jump to /)).toHaveAttribute("aria-label", "jump to xen_hello_world");
  // The disassembled bytes agree: the jmp's target is hello's function.
  await expect(card.locator(".mem-asm li.hot").first()).toContainText("<xen_hello_world>");
  await expect(page.getByRole("complementary", { name: "Applied stack" })).toContainText("xen_hello_world");
  await expect(page.getByRole("complementary", { name: "Applied stack" })).not.toContainText("xen_bye_world");
});

test("a timed-out rendezvous: lanes, log and explanation all end at the 30 ms deadline", async ({ page }) => {
  await openAt(page, "#scenario=rendezvous-timeout&step=3", 3);
  const lanes = page.locator(".simulator .cpu-lanes");
  await expect(lanes.locator(".sim-caption")).toContainText("rc −EBUSY (16) at +30.0 ms");
  await expect(lanes.locator(".sim-caption")).not.toContainText("45");
  // No bar runs past the deadline line (a bar is drawn at least 2 units wide, hence the 3 px).
  const { deadline, right } = await lanes.evaluate((el) => {
    const line = el.querySelector(".deadline line")!.getBoundingClientRect();
    const bars = [...el.querySelectorAll("rect.seg")].map((r) => r.getBoundingClientRect().right);
    return { deadline: line.left + line.width / 2, right: Math.max(...bars) };
  });
  expect(right).toBeLessThanOrEqual(deadline + 3);
  // The log and the explanation say the same.
  await expect(page.locator(".scn-panel .scn-text")).toContainText("30 ms");
  await expect(page.locator(".scn-panel .scn-output")).toContainText("Error 16");
  await expect(page.locator(".sim-timeline")).toContainText("Timed out on semaphore in CPU quiesce phase 2/3");
});
