// "What if": a knob or command given during a scenario carries into the steps that follow. The
// banner says the run has left the script; Return to the scenario goes back to it.
import type { Page } from "@playwright/test";
import { test, expect } from "./support/guards.ts";

const node = (page: Page, label: string) => page.locator(`.simulator svg.state-diagram .sd-node[aria-label="${label}"]`);
const explain = (page: Page) => page.locator(".scn-panel .scn-explain");

test("a stall typed at step 2 carries into the apply of step 3 and on; Return to the scenario restores the script", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("./#scenario=hello-world&step=2");
  await expect(explain(page)).toHaveAttribute("data-step", "2", { timeout: 30_000 });
  await expect(node(page, "CHECKED")).toHaveAttribute("aria-current", "true");
  const con = page.getByRole("textbox", { name: "Console" });
  await con.fill("stall 2 45");
  await con.press("Enter");
  const banner = page.locator(".scn-offpath");
  await expect(banner).toContainText("Off the scenario's path");
  await expect(banner).toContainText("after step 2; Next runs the following steps on top of what you did");

  // Next runs the script's step 3 (apply) on this run: CPU2 stalls, the apply times out.
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(explain(page)).toHaveAttribute("data-step", "3");
  await expect(page.locator(".scn-panel .scn-output")).toContainText("Error 16", { timeout: 20_000 });
  await expect(node(page, "CHECKED")).toHaveAttribute("aria-current", "true");
  await expect(banner).toContainText("steps 3–3 ran on top of what you did");
  await expect(page.locator(".simulator .cpu-lanes .sim-caption")).toContainText("rc −EBUSY (16) at +30.0 ms");

  // And on: nothing was written, so step 4's mem shows the original bytes.
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(explain(page)).toHaveAttribute("data-step", "4");
  await expect(page.locator(".scn-panel .scn-output")).toContainText("48 8d 05 fa 0e", { timeout: 20_000 });
  await expect(page.getByRole("article", { name: "Memory at xen_extra_version" })).toHaveCount(0);

  // Back and forth within the run only moves along it.
  await page.getByRole("button", { name: "Previous step" }).click();
  await expect(explain(page)).toHaveAttribute("data-step", "3");
  await expect(page.locator(".scn-panel .scn-output")).toContainText("Error 16");
  await expect(banner).toBeVisible();

  // The way back: the script again, at the same step.
  await page.getByRole("button", { name: "Return to the scenario" }).click();
  await expect(banner).toBeHidden();
  await expect(explain(page)).toHaveAttribute("data-step", "3");
  await expect(node(page, "APPLIED")).toHaveAttribute("aria-current", "true");
  await expect(page.locator(".scn-panel .scn-output")).toContainText("completed");
});
