// Relocations resolved for a reviewer, and the keyboard paths through the inspector. Expected
// values come from binutils (nm, readelf), not from the page's own code.
import { execFileSync } from "node:child_process";
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";

const S = "public/samples";

async function open(page: Page, samples: string[], file: string, view: string) {
  await openApp(page, `#samples=${samples.join(",")}&file=${file}&view=${view}`);
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });
}

const nmAddress = (image: string, name: string) =>
  execFileSync("nm", [`${S}/${image}`], { encoding: "utf8" })
    .split("\n")
    .find((l) => l.endsWith(` ${name}`))!
    .split(" ")[0]
    .replace(/^0+/, "");

/** readelf -rW rows of one relocation section: [offset, type, symbol + addend]. */
function readelfRelocs(path: string, section: string): { offset: number; type: string; target: string }[] {
  const out = execFileSync("readelf", ["-rW", `${S}/${path}`], { encoding: "utf8" });
  const block = out.split("\nRelocation section ").find((b) => b.startsWith(`'${section}'`))!;
  return block
    .split("\n")
    .slice(2)
    .map((l) => /^([0-9a-f]+)\s+[0-9a-f]+\s+(\S+)\s+[0-9a-f]+\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ offset: parseInt(m[1], 16), type: m[2], target: m[3] }));
}

const grid = (page: Page) => page.getByRole("grid", { name: "Relocations" });
const rowOf = (page: Page, section: string, index: number) =>
  grid(page)
    .getByRole("row")
    .filter({ has: page.getByRole("gridcell", { name: section, exact: true }) })
    .filter({ has: page.getByRole("gridcell", { name: String(index), exact: true }) });

test("Resolves to: undefined symbols through the loaded image, section+addend to the function or string there", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  await open(page, ["x86_64/xen-syms", path], path, "relocations");
  const funcs = readelfRelocs(path, ".rela.livepatch.funcs");
  expect(funcs[2].target).toMatch(/^xen_extra_version/);
  await expect(rowOf(page, ".rela.livepatch.funcs", 2)).toContainText(`xen_extra_version = 0x${nmAddress("x86_64/xen-syms", "xen_extra_version")} in xen-syms`);
  // The name field points at the start of .rodata.str1.1: readelf -p shows the string there.
  expect(funcs[0].target).toMatch(/^\.rodata\.str1\.1 \+ 0$/);
  const strings = execFileSync("readelf", ["-p", ".rodata.str1.1", `${S}/${path}`], { encoding: "utf8" });
  const first = /\[\s*0\]\s+(.*)$/m.exec(strings)![1];
  await expect(rowOf(page, ".rela.livepatch.funcs", 0)).toContainText(`"${first}"`);
  // A hook pointer against a section symbol names the function readelf -s puts at that offset.
  const unload = readelfRelocs(path, ".rela.livepatch.hooks.unload")[0];
  expect(unload.target).toBe(".text.hello_world_unload + 0");
  await expect(rowOf(page, ".rela.livepatch.hooks.unload", 0).getByRole("gridcell").last()).toHaveText("hello_world_unload");

  // Without the image the page says what it would need.
  await page.getByRole("button", { name: "close" }).first().click();
  await expect(rowOf(page, ".rela.livepatch.funcs", 2)).toContainText("load its xen-syms");
});

test("Resolves to: a RIP-relative field counts from the end of its instruction, immediate included", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  // objdump -dr: `83 05 <disp32> 01  addl $0x1,0x0(%rip)`, 7 bytes, field at 2, relocated
  // .bss.hello_world_counter-0x5: S + A + (7 - 2) is the section's start. `8b 05 <disp32>  mov 0x0(%rip),%eax`,
  // 6 bytes, field at 2, -0x4: the same place. readelf -s puts hello_world_counter there.
  const dump = execFileSync("objdump", ["-dr", `${S}/${path}`], { encoding: "utf8" });
  expect(dump).toMatch(/0:\s+83 05 00 00 00 00 01\s+addl\s+\$0x1,0x0\(%rip\).*\n\s+2: R_X86_64_PC32\s+\.bss\.hello_world_counter-0x5\n/);
  expect(dump).toMatch(/0:\s+8b 05 00 00 00 00\s+mov\s+0x0\(%rip\),%eax.*\n\s+2: R_X86_64_PC32\s+\.bss\.hello_world_counter-0x4\n/);
  expect(execFileSync("readelf", ["-sW", `${S}/${path}`], { encoding: "utf8" })).toMatch(/ 0000000000000000\s+4 OBJECT\s+LOCAL\s+DEFAULT\s+\d+ hello_world_counter\n/);
  await open(page, ["x86_64/xen-syms", path], path, "relocations");
  await expect(rowOf(page, ".rela.text.hello_world_count", 0).getByRole("gridcell").last()).toHaveText("hello_world_counter");
  await expect(rowOf(page, ".rela.text.hello_world_check", 0).getByRole("gridcell").last()).toHaveText("hello_world_counter");
});

test("ARM mapping symbols ($a, $d, $t, $x) are never shown as names", async ({ page }) => {
  for (const [arch, image] of [["aarch64", "aarch64/xen-syms"], ["arm32", "arm32/xen-syms"]]) {
    const path = `${arch}/xen_hello_world.livepatch`;
    const symbols = execFileSync("readelf", ["-sW", `${S}/${path}`], { encoding: "utf8" });
    expect(symbols, "the sample has mapping symbols").toMatch(/ \$[adx]\n/);
    await open(page, [image, path], path, "relocations");
    await expect(grid(page).getByRole("row").nth(1)).toBeVisible();
    const text = await grid(page).innerText();
    expect(text).not.toMatch(/(^|[\s<(])\$[adtx](\.\d+)?\b/m);
    await expect(grid(page)).toContainText('"Hello World"');
  }
});

test("the / filter also matches relocation types and sections", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  await open(page, ["x86_64/xen-syms", path], path, "relocations");
  const all = execFileSync("readelf", ["-rW", `${S}/${path}`], { encoding: "utf8" });
  const plt = (all.match(/R_X86_64_PLT32/g) ?? []).length;
  const hooks = readelfRelocs(path, ".rela.livepatch.hooks.unload").length + readelfRelocs(path, ".rela.livepatch.hooks.load").length;
  await page.locator("body").press("/");
  const filter = page.getByRole("searchbox", { name: "Filter relocations by symbol, type or section" });
  await expect(filter).toBeFocused();
  await filter.fill("plt32");
  await expect(page.locator(".view-note")).toContainText(`${plt} of`);
  await filter.fill("livepatch.hooks");
  await expect(page.locator(".view-note")).toContainText(`${hooks} of`);
});

test("Enter follows the selected relocation to its symbol and the bytes it patches", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  await open(page, ["x86_64/xen-syms", path], path, "relocations");
  const r = readelfRelocs(path, ".rela.livepatch.funcs")[2];
  const sections = execFileSync("readelf", ["-SW", `${S}/${path}`], { encoding: "utf8" });
  const funcsOff = parseInt(/\]\s+\.livepatch\.funcs\s+PROGBITS\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(sections)![1], 16);
  await rowOf(page, ".rela.livepatch.funcs", 2).click();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("tab", { name: /^Symbols/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("grid", { name: "Symbols" }).locator(".vt-row.selected")).toContainText("xen_extra_version");
  const hex = page.getByRole("grid", { name: "Hex view" });
  // R_X86_64_64 fills the 8-byte old_addr field.
  for (const k of [0, 7]) await expect(hex.locator(`.hx-bytes span[data-off="${funcsOff + r.offset + k}"]`)).toHaveClass(/\bsel\b/);
  await expect(hex.locator(`.hx-bytes span[data-off="${funcsOff + r.offset + 8}"]`)).not.toHaveClass(/\bsel\b/);
});

test("after Enter follows a relocation, the next row picked in Relocations is what the hex pane shows and describes", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  await open(page, [path], path, "relocations");
  const sections = execFileSync("readelf", ["-SW", `${S}/${path}`], { encoding: "utf8" });
  const offsetOf = (name: string) => parseInt(new RegExp(`\\]\\s+${name.replace(/\./g, "\\.")}\\s+\\S+\\s+[0-9a-f]+\\s+([0-9a-f]+)`).exec(sections)![1], 16);
  // Followed: printk's PLT32 field in .text.hello_world_load (readelf -r: offset 0xa, 4 bytes).
  const followed = offsetOf(".text.hello_world_load") + readelfRelocs(path, ".rela.text.hello_world_load")[1].offset;
  // Picked next: the 24-byte Elf64_Rela record #1 of .rela.livepatch.hooks.load.
  const record = offsetOf(".rela.livepatch.hooks.load") + 24 * 1;
  const hex = page.getByRole("grid", { name: "Hex view" });
  const info = page.locator(".hex-info");
  await rowOf(page, ".rela.text.hello_world_load", 1).click();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("tab", { name: /^Symbols/ })).toHaveAttribute("aria-selected", "true");
  await expect(hex.locator(`.hx-bytes span[data-off="${followed}"]`)).toHaveClass(/\bsel\b/);
  await expect(info).toContainText(`Byte 0x${followed.toString(16)} belongs to`);

  await page.getByRole("tab", { name: /^Relocations/ }).click();
  await rowOf(page, ".rela.livepatch.hooks.load", 1).click();
  await expect(info).toContainText(`Selected: relocation 1 in .rela.livepatch.hooks.load`);
  // The pane moved to the record (its first and last bytes drawn and lit), and the byte line is about it, not the followed field.
  for (const k of [0, 23]) await expect(hex.locator(`.hx-bytes span[data-off="${record + k}"]`)).toHaveClass(/\bsel\b/);
  await expect(info).toContainText(`Byte 0x${record.toString(16)} belongs to`);
  await expect(info).not.toContainText(`Byte 0x${followed.toString(16)}`);
  await expect(hex.locator(`.hx-bytes span[data-off="${followed}"]`)).toHaveCount(0);
});

test("Esc closes the audit drawer and gives focus back to its button", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  await open(page, ["x86_64/xen-syms", path], path, "overview");
  const toggle = page.getByRole("button", { name: /^Audit: / });
  await toggle.click();
  await expect(page.getByRole("complementary", { name: "Audit findings" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("complementary", { name: "Audit findings" })).toHaveCount(0);
  await expect(toggle).toBeFocused();
});

test("the skip link, the first Tab stop, passes the file rail and the sample list", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  await open(page, ["x86_64/xen-syms", path], path, "overview");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to the workspace" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  // The next stop is inside the workspace, not in the file rail or the sample list.
  const inWorkspace = await page.evaluate(() => !!document.activeElement?.closest("main.workspace"));
  expect(inWorkspace).toBe(true);
});
