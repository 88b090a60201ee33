// A wasm trap inside the simulator (a simulator bug, issue #6) must not take the page down: the
// hypervisor worker swaps in a fresh instance, the page says what happened, the session is
// replayed to where it was before the trapped call, and the console goes on working. The trap is
// real (the wasm's `unreachable` via the test-only `selfTestTrap` export), armed through
// `window.__livepatchLens.trapSimulator()` so it fires inside an ordinary console command.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** `livepatch-lens sim` on the x86-64 sample image: the transcript the page must match. */
function cli(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "lpl-trap-"));
  const script = join(dir, "script.txt");
  writeFileSync(script, lines.join("\n") + "\n");
  return execFileSync(process.execPath, [join(ROOT, "src/cli/livepatch-lens.mjs"), "sim", "--xen", "xen-syms", script], {
    cwd: join(ROOT, "public/samples/x86_64"),
    encoding: "utf8",
  });
}

const memLines = (out: string) => [...out.matchAll(/^0x[0-9a-f]+: ((?:[0-9a-f]{2} ?)+)$/gm)].map((m) => m[1].trim());

async function type(page: Page, line: string) {
  const box = page.getByRole("textbox", { name: "Console" });
  await box.fill(line);
  await box.press("Enter");
  await expect(page.getByTestId("console-output")).toContainText(`# ${line}`);
}

const state = (page: Page) => page.getByRole("group", { name: "LIVEPATCH states of xen_hello_world" }).locator('[aria-current="true"]');
const output = (page: Page) => page.getByTestId("console-output");
const bytesNow = (page: Page) => page.getByLabel("xen_extra_version bytes now");

test.use({ reducedMotion: "reduce" });

test("a wasm trap resets the simulator to the state before the trapped call, says so, and the page carries on", async ({ page }) => {
  const before = ["load xen_hello_world.livepatch", "mem xen_extra_version 16"];
  // Asked of the simulator itself after the trap: its memory and its LIVEPATCH list.
  const probe = ["mem xen_extra_version 16", "list"];
  const after = ["revert xen_hello_world", "mem xen_extra_version 16"];
  const atTrap = cli(before);
  const [patched] = memLines(atTrap);
  expect(patched).toMatch(/^e9 /);
  const probed = cli([...before, ...probe]);
  expect(probed).toMatch(/xen_hello_world\s.*APPLIED/);
  // The trapped command leaves no trace: the whole transcript is the CLI's without it.
  const whole = cli([...before, ...probe, ...after]);
  const restored = memLines(whole)[2];
  expect(restored).not.toBe(patched);

  await openApp(page, "#samples=x86_64/xen_hello_world.livepatch");
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  for (const line of before) await type(page, line);
  await expect(state(page)).toHaveAccessibleName("APPLIED");
  await expect(bytesNow(page)).toHaveText(patched);
  await expect(output(page)).toHaveText(atTrap);

  await page.evaluate(() => (globalThis as unknown as { __livepatchLens: { trapSimulator(): Promise<void> } }).__livepatchLens.trapSimulator());
  // A command that would change the state: it traps instead, so the state must stay APPLIED.
  const box = page.getByRole("textbox", { name: "Console" });
  await box.fill("revert xen_hello_world");
  await box.press("Enter");

  const alert = page.getByRole("alert").filter({ hasText: "internal error" });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("unreachable");
  await expect(alert).toContainText("earlier steps were replayed");

  // Rebuilt to where it was before the trapped call, from a freshly booted wasm instance.
  await expect(state(page)).toHaveAccessibleName("APPLIED");
  await expect(bytesNow(page)).toHaveText(patched);
  await expect(output(page)).toHaveText(atTrap);
  await expect(page.getByRole("complementary", { name: "Applied stack" })).toContainText("xen_hello_world");
  // Not just the page's copy: the new wasm instance has the payload applied and its bytes written.
  for (const line of probe) await type(page, line);
  await expect(output(page)).toHaveText(probed);

  // The page is alive: frames still come, the message can be dismissed, the console takes input.
  const frame = await page.evaluate(() => new Promise<boolean>((resolve) => requestAnimationFrame(() => resolve(true))));
  expect(frame).toBe(true);
  await alert.getByRole("button", { name: "Dismiss message" }).click();
  await expect(alert).toHaveCount(0);
  await expect(box).toBeEditable();

  for (const line of after) await type(page, line);
  await expect(output(page)).toContainText("Reverting xen_hello_world... completed");
  await expect(state(page)).toHaveAccessibleName("CHECKED");
  await expect(bytesNow(page)).toHaveText(restored);
  await expect(output(page)).toHaveText(whole);
  await expect(page.getByRole("alert")).toHaveCount(0);
});
