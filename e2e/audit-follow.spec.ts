// A finding followed from the drawer selects the bytes the finding names, even when the view it
// opens selects bytes of its own once it has loaded. hello world's not-safe-to-reapply names
// .livepatch.hooks.unload's section header: readelf -hSW gives e_shoff 2688 and section [24],
// so bytes 2688 + 24 × 64 = 4224 to 4287, while the Sections view would select the section's data.
// Overview and Functions take the finding's bytes by the same route (the link's reveal), once shown.
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";

const selected = (page: Page, off: number) => page.getByRole("grid", { name: "Hex view" }).locator(`.hx-bytes span[data-off="${off}"]`);

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

test("a finding that opens Functions selects the finding's bytes", async ({ page }) => {
  // func-no-expectation names funcs[0]'s expect byte. readelf -SW: .livepatch.funcs [22] at
  // file offset 0x160 = 352, 0x68 = 104 bytes, one v2 livepatch_func; in Xen's struct (sysctl.h)
  // expect follows name, new_addr, old_addr (3 × 8), new_size, old_size (2 × 4), version (1) and
  // _pad[39]: at 72, so byte 352 + 72 = 424.
  const hello = "x86_64/xen_hello_world.livepatch";
  await openApp(page, `#samples=x86_64/xen-syms,${hello}&file=${hello}&view=sections`);
  await page.getByRole("button", { name: "Audit: accept" }).click({ timeout: 20_000 });
  await page.getByRole("complementary", { name: "Audit findings" }).getByRole("button", { name: "func-no-expectation" }).click();
  await expect(page.getByRole("tab", { name: /^Functions/ })).toHaveAttribute("aria-selected", "true");
  await expect(selected(page, 424)).toHaveClass(/\bsel\b/);
  for (const off of [423, 425]) await expect(selected(page, off)).not.toHaveClass(/\bsel\b/);
  await expect(page.getByText("Selected: func-no-expectation")).toBeVisible();
});

test("a finding that opens Overview selects the finding's bytes", async ({ page }) => {
  // xen_no_xen_buildid (readelf -SW: no .livepatch.xen_depends, so no loaded image claims it) with
  // e_machine, the 16-bit field after e_ident[16] and e_type (bytes 18 and 19), set to 3: readelf -h
  // says "Machine: Intel 80386". No image of that machine is loaded, so it runs on the loaded x86-64
  // image's Xen (as `audit --xen` would), which refuses the header (elf-arch-unsupported) at those
  // two bytes, in no section.
  const hello = "x86_64/xen_hello_world.livepatch";
  const i386 = Buffer.from(readFileSync("public/samples/x86_64/xen_no_xen_buildid.livepatch"));
  i386.writeUInt16LE(3, 18);
  await openApp(page, `#samples=x86_64/xen-syms,${hello}&file=${hello}&view=sections`);
  await expect(page.getByRole("button", { name: "Audit: accept" })).toBeVisible({ timeout: 20_000 });
  await page.locator("input[type=file]").setInputFiles({ name: "i386.livepatch", mimeType: "application/octet-stream", buffer: i386 });
  await page.getByRole("button", { name: "Audit: reject" }).click({ timeout: 20_000 });
  const host = page.getByRole("complementary", { name: "Audit findings" }).getByRole("region", { name: "Findings for i386.livepatch" });
  await host.getByRole("button", { name: "elf-arch-unsupported" }).click();
  await expect(page.getByRole("tab", { name: /^Overview/ })).toHaveAttribute("aria-selected", "true");
  for (const off of [18, 19]) await expect(selected(page, off)).toHaveClass(/\bsel\b/);
  for (const off of [17, 20]) await expect(selected(page, off)).not.toHaveClass(/\bsel\b/);
  await expect(page.getByText("Selected: elf-arch-unsupported")).toBeVisible();
  await expect(page.getByText("(2 bytes)")).toBeVisible();
});

test("a byte of .ex_table followed from the hex pane selects its entry in Tables", async ({ page }) => {
  // readelf -SW: .ex_table at file offset 0xbc = 188, 8 bytes (one entry: two 32-bit offsets).
  const alt = "x86_64/xen_alternatives.livepatch";
  await openApp(page, `#samples=${alt}&file=${alt}&view=overview`);
  await selected(page, 190).click();
  await page.getByRole("button", { name: "Show in tables" }).click();
  await expect(page.getByRole("tab", { name: /^Alternatives & tables/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByText("Selected: .ex_table entry 0")).toBeVisible();
  for (const off of [188, 195]) await expect(selected(page, off)).toHaveClass(/\bsel\b/);
  for (const off of [187, 196]) await expect(selected(page, off)).not.toHaveClass(/\bsel\b/);
});
