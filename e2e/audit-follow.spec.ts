// A finding followed from the drawer selects the bytes the finding names, even when the view it
// opens selects bytes of its own once it has loaded. hello world's not-safe-to-reapply names
// .livepatch.hooks.unload's section header: readelf -hSW gives e_shoff 2688 and section [24],
// so bytes 2688 + 24 × 64 = 4224 to 4287, while the Sections view would select the section's data.
import { test, expect, openApp } from "./support/guards.ts";

test("a finding that opens Sections selects the finding's bytes, not the section's data", async ({ page }) => {
  const hello = "x86_64/xen_hello_world.livepatch";
  await openApp(page, `#samples=x86_64/xen-syms,${hello}&file=${hello}&view=overview`);
  await page.getByRole("button", { name: "Audit: accept" }).click({ timeout: 20_000 });
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await panel.getByRole("button", { name: "not-safe-to-reapply" }).click();
  await expect(page.getByRole("tab", { name: /^Sections/ })).toHaveAttribute("aria-selected", "true");
  const hex = page.getByRole("grid", { name: "Hex view" });
  // The hex view draws the rows in sight: the selection's first row, and the byte before it.
  for (const off of [4224, 4239]) await expect(hex.locator(`.hx-bytes span[data-off="${off}"]`)).toHaveClass(/\bsel\b/);
  await expect(hex.locator(`.hx-bytes span[data-off="4223"]`)).not.toHaveClass(/\bsel\b/);
  await expect(page.getByText("Selected: not-safe-to-reapply")).toBeVisible();
  await expect(page.getByText("(64 bytes)")).toBeVisible();
});
