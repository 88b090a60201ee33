// The Running Xen panel: xl info at boot beside xl info at the cursor, from Xen's own version
// functions run on the simulated CPUs. Hello world patches xen_extra_version, so after APPLY the
// host answers "Hello World" (fixtures/payloads/hello_world_func.c) and after REVERT the sample
// image's own "-unstable" again; stepping the timeline back shows the answer at that point.
import { test, expect, openApp } from "./support/guards.ts";
import { type } from "./support/console.ts";

test("xl info at boot and now: xen_extra changes with APPLY, back with REVERT, and follows the cursor", async ({ page }) => {
  await openApp(page, "#samples=x86_64/xen_hello_world.livepatch");
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  const panel = page.getByRole("region", { name: "Running Xen" });
  const row = (key: string) => panel.getByRole("row").filter({ has: page.getByRole("rowheader", { name: key, exact: true }) });

  await expect(panel).toContainText("At boot");
  await expect(row("xen_extra")).toContainText("-unstable");
  await expect(row("xen_major")).toContainText("4");
  // fixtures/xen/version.c: a 4.23-unstable build, as XEN_SUBVERSION in Xen's own Makefile
  await expect(row("xen_minor").getByRole("cell").first()).toHaveText("23");
  await expect(row("xen_version").getByRole("cell").first()).toHaveText("4.23-unstable");

  await type(page, "load xen_hello_world.livepatch");
  await expect(row("xen_extra").getByRole("cell").last()).toHaveText("Hello World", { timeout: 20_000 });
  await expect(row("xen_extra").getByRole("cell").first()).toHaveText("-unstable");
  await expect(panel.getByRole("row", { name: "xen_extra changed" })).toBeVisible();
  await expect(panel).toContainText("changed: xen_extra, xen_version");
  // The one-line summary at the top of the memory card says the same, in view without scrolling.
  const summary = page.getByLabel("xl info now");
  await expect(summary).toBeInViewport();
  await expect(summary).toContainText(/xen_extra\s*-unstable\s*→\s*Hello World/);
  await summary.getByRole("button", { name: "Running Xen ↓" }).click();
  await expect(panel).toBeInViewport();

  await type(page, "revert xen_hello_world");
  await expect(row("xen_extra").getByRole("cell").last()).toHaveText("-unstable", { timeout: 20_000 });
  await expect(panel.getByRole("row", { name: /changed$/ })).toHaveCount(0);
  await expect(page.getByLabel("xl info now")).toContainText("as at boot");

  // Back to the step after the load: the panel shows what the host answered then.
  await page.getByRole("button", { name: "Step back" }).click();
  for (let i = 0; i < 200 && !(await row("xen_extra").getByRole("cell").last().textContent())?.includes("Hello"); i++) {
    await page.getByRole("button", { name: "Step back" }).click();
  }
  await expect(row("xen_extra").getByRole("cell").last()).toHaveText("Hello World");
});
