// No view can blank the page: selections belong to their file, a view that throws shows what
// failed in its own place (the files and the rest of the page keep working), and every view
// renders whatever file is opened after something was selected in it.
import { readFileSync } from "node:fs";
import type { Locator, Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";
import { inspectJson } from "./support/inspect.ts";

const SAMPLES = new URL("../public/samples/", import.meta.url);
const rail = (page: Page) => page.getByRole("region", { name: "Loaded files" });
const railFile = (page: Page, name: string) => rail(page).getByRole("button", { name: new RegExp(name.replace(/\./g, "\\.")) }).first();
const panel = (page: Page) => page.getByRole("tabpanel");
const boundaries = (page: Page) => page.locator("[data-guard]");

async function openSamples(page: Page, samples: string[], file: string, view: string) {
  await openApp(page, `#samples=${samples.join(",")}&file=${file}&view=${view}`);
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });
  for (const s of samples) await expect(railFile(page, s.split("/").pop()!)).toBeVisible();
}

async function addUserFile(page: Page, name: string, bytes: Buffer) {
  await page.getByLabel("Open payloads or hypervisor images").setInputFiles({ name, mimeType: "application/octet-stream", buffer: bytes });
  await expect(railFile(page, name)).toBeVisible();
}

test("following a relocation link, then opening another payload, shows that payload's relocations (the page does not go blank)", async ({ page }) => {
  const hello = inspectJson("x86_64/xen_hello_world.livepatch");
  const bye = inspectJson("x86_64/xen_bye_world.livepatch");
  const via = hello.livepatch!.funcs[0].provenance.name.relocation!;
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch"], "x86_64/xen_hello_world.livepatch", "functions");

  await page.getByRole("article", { name: "Function xen_extra_version" }).getByRole("button", { name: `↳ ${via.type}` }).first().click();
  await expect(page.getByRole("tab", { name: /^Relocations/ })).toHaveAttribute("aria-selected", "true");
  const picked = page.getByRole("grid", { name: "Relocations" }).locator("[aria-selected=true]");
  await expect(picked).toContainText(via.section);
  await expect(picked).toContainText(via.type);
  const selected = page.locator(".hex-sel");
  await expect(selected).toContainText(`relocation ${via.index} in ${via.section}`);
  await expect(selected).toContainText(`0x${via.recordOffset.toString(16)}`);

  await railFile(page, "xen_bye_world.livepatch").click();
  await expect(railFile(page, "xen_bye_world.livepatch")).toHaveAttribute("aria-current", "true");
  await expect(page.getByRole("tab", { name: /^Relocations/ })).toHaveAttribute("aria-selected", "true");
  const byeCount = bye.relocations.reduce((n, r) => n + r.entries.length, 0);
  await expect(panel(page)).toContainText(`${byeCount} of ${byeCount} relocations`);
  // Nothing was picked in this file: no row is selected and the hex dock says so.
  await expect(page.getByRole("grid", { name: "Relocations" }).locator("[aria-selected=true]")).toHaveCount(0);
  await expect(page.locator(".hex-sel")).toHaveCount(0);
  await expect(boundaries(page)).toHaveCount(0);
  await expect(rail(page).locator("li.file")).toHaveCount(3);

  // Back to hello: its own pick and bytes are still there.
  await railFile(page, "xen_hello_world.livepatch").click();
  await expect(picked).toContainText(via.section);
  await expect(selected).toContainText(`relocation ${via.index} in ${via.section}`);
});

test("a view that throws shows what failed and a Retry in its own place; the files, other views and the rail keep working", async ({ page, guards }) => {
  guards.allow(/test fault injected into the Relocations view/);
  await openSamples(page, ["x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch"], "x86_64/xen_hello_world.livepatch", "overview");
  await page.evaluate(() => (globalThis as unknown as { __livepatchLens: { failNextRender(what: string): void } }).__livepatchLens.failNextRender("Relocations view"));
  await page.getByRole("tab", { name: /^Relocations/ }).click();

  const failed = page.locator("[data-guard='Relocations view']");
  await expect(failed).toBeVisible();
  await expect(failed).toHaveAttribute("role", "alert");
  await expect(failed).toContainText("The Relocations view failed to show.");
  await expect(failed).toContainText("test fault injected into the Relocations view");
  // The rest of the page is alive: the tabs, the hex dock, the rail, another view.
  await expect(rail(page).locator("li.file")).toHaveCount(2);
  await expect(page.getByRole("region", { name: "Bytes" })).toBeVisible();
  await page.getByRole("tab", { name: /^Symbols/ }).click();
  await expect(page.getByRole("grid", { name: "Symbols" })).toBeVisible();
  await page.getByRole("tab", { name: /^Relocations/ }).click();
  // A new file or view clears the boundary on its own; Retry clears it in place.
  await expect(page.getByRole("grid", { name: "Relocations" })).toBeVisible();

  await page.evaluate(() => (globalThis as unknown as { __livepatchLens: { failNextRender(what: string): void } }).__livepatchLens.failNextRender("Relocations view"));
  await railFile(page, "xen_bye_world.livepatch").click();
  await expect(failed).toBeVisible();
  await failed.getByRole("button", { name: "Retry" }).click();
  await expect(failed).toHaveCount(0);
  await expect(page.getByRole("grid", { name: "Relocations" })).toBeVisible();
});

test.describe("under reduced motion (the simulator's views jump to the end of each action)", () => {
  test.use({ reducedMotion: "reduce" });
  test("a simulator panel that throws leaves the other panels and the console working", async ({ page, guards }) => {
    guards.allow(/test fault injected into the memory view/);
    await openApp(page, "#samples=x86_64/xen_hello_world.livepatch");
    await page.evaluate(() => (globalThis as unknown as { __livepatchLens: { failNextRender(what: string): void } }).__livepatchLens.failNextRender("memory view"));
    await page.getByRole("button", { name: "Simulator" }).click();
    const failed = page.locator("[data-guard='memory view']");
    await expect(failed).toContainText("The memory view failed to show.");
    await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
    const box = page.getByRole("textbox", { name: "Console" });
    await box.fill("load xen_hello_world.livepatch");
    await box.press("Enter");
    await expect(page.getByRole("region", { name: "Console panel" })).toContainText("Applying xen_hello_world... completed", { timeout: 20_000 });
    await expect(page.getByRole("region", { name: "State diagram" })).toBeVisible();
    await failed.getByRole("button", { name: "Retry" }).click();
    await expect(failed).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Memory" })).toContainText("xen_extra_version");
  });
});

// Something selected in each view, then each kind of file opened: the view renders it, no
// boundary trips, and the first file's selection is there again on the way back.
const SELECT: Record<string, (p: Locator) => Promise<void>> = {
  overview: (p) => p.locator("dl.facts button.linkish").first().click(),
  functions: (p) => p.getByRole("grid", { name: "Functions" }).getByRole("gridcell").first().click(),
  relocations: (p) => p.getByRole("grid", { name: "Relocations" }).getByRole("row").nth(3).click(),
  symbols: (p) => p.getByRole("grid", { name: "Symbols" }).getByRole("row").nth(5).click(),
  sections: (p) => p.getByRole("grid", { name: "Sections" }).getByRole("row").nth(4).click(),
  notes: (p) => p.getByRole("grid", { name: "Notes" }).locator("tbody tr").first().click(),
  tables: (p) => p.getByRole("table", { name: ".ex_table" }).locator("tbody tr").first().click(),
  graph: async () => {},
};
const TAB: Record<string, RegExp> = {
  overview: /^Overview/,
  functions: /^Functions/,
  relocations: /^Relocations/,
  symbols: /^Symbols/,
  sections: /^Sections/,
  notes: /^Notes/,
  tables: /^Alternatives/,
  graph: /^Map/,
};

for (const view of Object.keys(SELECT)) {
  test(`${view}: select something, open a payload, the image, a truncated payload and a non-ELF file: the view renders each`, async ({ page }) => {
    const base = "x86_64/xen_alternatives.livepatch";
    await openSamples(page, ["x86_64/xen-syms", base, "x86_64/xen_bye_world.livepatch"], base, view);
    // Cut at 2,000 bytes, before its section header table: still ELF, with no sections.
    await addUserFile(page, "cut.livepatch", readFileSync(new URL("x86_64/xen_hello_world.livepatch", SAMPLES)).subarray(0, 2000));
    await addUserFile(page, "notes.txt", Buffer.from("not an ELF file\n"));
    await expect(page.getByRole("alert").filter({ hasText: "notes.txt" })).toBeVisible();

    await railFile(page, "xen_alternatives.livepatch").click();
    await expect(page.getByRole("tab", { name: TAB[view] })).toHaveAttribute("aria-selected", "true");
    await SELECT[view](panel(page));
    const hexBefore = view === "graph" ? null : await page.locator(".hex-sel").textContent();
    const pickedBefore = await panel(page).locator("[aria-selected=true], tr.selected").allTextContents();

    for (const other of ["xen_bye_world.livepatch", "xen-syms", "cut.livepatch"]) {
      await railFile(page, other).click();
      await expect(railFile(page, other)).toHaveAttribute("aria-current", "true");
      await expect(page.getByRole("tab", { name: TAB[view] })).toHaveAttribute("aria-selected", "true");
      await expect(panel(page)).toBeVisible();
      await expect(panel(page).locator(".view, .graph, svg").first()).toBeVisible();
      await expect(panel(page).locator("[aria-selected=true], tr.selected")).toHaveCount(view === "functions" && other === "xen_bye_world.livepatch" ? 1 : 0);
      await expect(boundaries(page)).toHaveCount(0);
    }
    await railFile(page, "notes.txt").click();
    await expect(page.locator(".status-panel[role=alert]")).toContainText("notes.txt");
    await expect(boundaries(page)).toHaveCount(0);

    await railFile(page, "xen_alternatives.livepatch").click();
    await expect(page.getByRole("tab", { name: TAB[view] })).toHaveAttribute("aria-selected", "true");
    await expect(panel(page).locator("[aria-selected=true], tr.selected")).toHaveText(pickedBefore);
    if (hexBefore !== null) await expect(page.locator(".hex-sel")).toHaveText(hexBefore);
    await expect(rail(page).locator("li.file")).toHaveCount(5);
  });
}
