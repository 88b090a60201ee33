// The NMI knob, and the pace of playback: a command typed in the console (or a knob) plays out
// briskly, its result within a second; a scenario step keeps its teaching pace. Time is the
// page's fake clock, so the test measures the player's schedule, not this machine's speed.
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";
import { type } from "./support/console.ts";
import { freeze } from "./support/clock.ts";

async function openSimulator(page: Page, hash = "#samples=x86_64/xen_hello_world.livepatch") {
  await openApp(page, hash);
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
}

test("the NMI knob types nmi CPU [MS] [--path …], and the simulator takes it", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await openSimulator(page);
  await page.getByText("Scenario knobs").click();
  const knobs = page.getByRole("form", { name: "Scenario knobs" });
  await knobs.getByLabel("CPU to send an NMI").selectOption("2");
  await knobs.getByRole("button", { name: "Send NMI" }).click();
  await expect(page.getByTestId("console-output")).toContainText("# nmi 2");
  await expect(page.getByTestId("console-output")).toContainText("NMI sent to CPU2");
  await knobs.getByLabel("NMI after ms (empty: now)").fill("1");
  await knobs.getByLabel("Functions the NMI handler runs").fill("xen_extra_version");
  await knobs.getByRole("button", { name: "Send NMI" }).click();
  await expect(page.getByTestId("console-output")).toContainText("# nmi 2 1 --path xen_extra_version");
  await expect(page.getByTestId("console-output")).toContainText("NMI will reach CPU2 in 1 ms (do_nmi path: xen_extra_version)");
});

test("a console command plays out within a second; the Play button keeps the teaching pace", async ({ page }) => {
  await page.clock.install();
  await openSimulator(page);
  await type(page, "upload xen_hello_world xen_hello_world.livepatch");
  await expect(page.getByTestId("console-output")).toContainText("completed", { timeout: 20_000 });
  const box = page.getByRole("textbox", { name: "Console" });
  await box.fill("apply xen_hello_world");
  // The clock stops before the command, so however slow this machine is the page's playback
  // cannot have moved on (the player keeps to the clock) before the test looks.
  await freeze(page);
  await box.press("Enter");
  // The worker has answered and the timeline plays the command…
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("console-output")).not.toContainText("Applying xen_hello_world... completed");
  // …and one second later it has played out: the result is there.
  await page.clock.runFor(1000);
  await expect(page.getByTestId("console-output")).toContainText("Applying xen_hello_world... completed");
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();

  // Play from the start: the whole timeline at the teaching pace takes far longer than a second.
  await page.getByRole("button", { name: "Play" }).click();
  await page.clock.runFor(1000);
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
});

test("a scenario step keeps its teaching pace", async ({ page }) => {
  await page.clock.install();
  await page.goto("./#scenario=hello-world&step=2");
  await expect(page.locator(".scn-panel .scn-explain[data-step='2']")).toBeVisible({ timeout: 30_000 });
  await freeze(page);
  await page.getByRole("button", { name: "Next step" }).click();
  await page.clock.runFor(1000);
  // A second in, the apply is still under way (its result not shown yet)…
  await expect(page.locator(".scn-panel .scn-output")).toHaveCount(0);
  await page.clock.runFor(10_000);
  // …and it plays to its end.
  await expect(page.locator(".scn-panel .scn-output")).toContainText("Applying xen_hello_world... completed");
});
