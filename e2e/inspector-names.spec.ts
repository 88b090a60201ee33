// A name holding bytes that are not UTF-8 is spelt \xNN in every view (printable() in
// src/elf/readelf.ts), and the filters find it by that spelling: what a user reads in the table is
// what finds it. The payload is xen_hello_world with the two '_' of "hello_world_count" made 0xff
// and 0xc3 in .strtab (symbol 24, a FUNC) and in .shstrtab (section [3] .text.hello_world_count,
// whose name's tail [4] .rela.text.hello_world_count shares), as src/cli/hostile.test.ts makes it.
// The expected rows are counted from `readelf -U escape`, which spells those bytes {0xff}, {0xc3}.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { NON_UTF8_SAMPLE, NON_UTF8_SYMBOL, nonUtf8Payload } from "../src/test-support/nonUtf8Names.ts";
import { test, expect, openApp } from "./support/guards.ts";

const SYM = NON_UTF8_SYMBOL;
const hostile = () => nonUtf8Payload(NON_UTF8_SAMPLE);

/** readelf's text with its {0xNN} for a byte that is not UTF-8 spelt as the tool spells it, \xNN. */
function readelf(args: string[], path: string): string {
  return execFileSync("readelf", ["-U", "escape", ...args, path], { encoding: "utf8" }).replace(/\{0x([0-9a-f]{2})\}/g, "\\x$1");
}

/**
 * Relocation entries, each with the name of its REL/RELA section, from readelf -rW; the section is
 * named from readelf -SW by its file offset (readelf does not escape the name in -r's headings).
 */
function relocations(path: string): { section: string; line: string }[] {
  const byOffset = new Map<number, string>();
  for (const m of readelf(["-SW"], path).matchAll(/^ {2}\[ *\d+\] (\S+) +\S+ +[0-9a-f]+ ([0-9a-f]+) /gm)) byOffset.set(parseInt(m[2], 16), m[1]);
  const out: { section: string; line: string }[] = [];
  let section = "";
  for (const line of readelf(["-rW"], path).split("\n")) {
    const head = /^Relocation section '[^']*' at offset 0x([0-9a-f]+)/.exec(line);
    if (head) section = byOffset.get(parseInt(head[1], 16)) ?? "?";
    else if (/^[0-9a-f]{16} /.test(line)) out.push({ section, line });
  }
  return out;
}

test("a name with a byte that is not UTF-8: the Symbols and Relocations filters find it as the page spells it (\\xff)", async ({ page }) => {
  const { bytes, path } = hostile();
  const symbols = readelf(["-sW"], path).split("\n").filter((l) => /^ +\d+: /.test(l));
  const relocs = relocations(path);
  // What readelf says the edit made: symbol 24 and section [3]'s section symbol carry the byte.
  expect(symbols.filter((l) => l.includes("\\xff")).map((l) => l.trim().split(/\s+/).slice(-1)[0])).toEqual([`.text.${SYM}`, SYM]);

  await openApp(page);
  await page.locator("input[type=file]").setInputFiles({ name: "names.livepatch", mimeType: "application/octet-stream", buffer: bytes });
  await page.getByRole("tab", { name: /^Symbols/ }).click({ timeout: 20_000 });
  const symGrid = page.getByRole("grid", { name: "Symbols" });
  await expect(symGrid).toBeVisible();
  const symFilter = page.getByRole("searchbox", { name: "Filter symbols by name" });
  const symNote = page.locator(".view-note", { hasText: / of [\d,]+ symbols/ });
  for (const typed of ["\\xff", "\\XFF", SYM, `o\\xffw`, "\\xc3count"]) {
    await symFilter.fill(typed);
    // The symbols whose name as readelf spells it holds what was typed. readelf (2.40) names a
    // SECTION symbol by its section, and so does the page: symbol 3, .text.hello\xffworld\xc3count,
    // is found by the same typing as symbol 24, hello\xffworld\xc3count.
    const want = symbols.filter((l) => (l.trim().split(/\s+/)[7] ?? "").toLowerCase().includes(typed.toLowerCase()));
    expect(want.map((l) => l.trim().split(/\s+/)[3]), `typed ${typed}`).toContain("SECTION");
    await expect(symNote, `typed ${typed}`).toContainText(`${want.length} of ${symbols.length} symbols`);
    // The rows drawn (.vt-row: the header row is not one) each show what was typed.
    await expect(symGrid.locator(".vt-row"), `typed ${typed}`).toHaveCount(want.length);
    for (const r of await symGrid.locator(".vt-row").allTextContents()) expect(r.toLowerCase()).toContain(typed.toLowerCase());
  }
  await page.screenshot({ path: test.info().outputPath("symbols-filter.png") });

  await page.getByRole("tab", { name: /^Relocations/ }).click();
  const relGrid = page.getByRole("grid", { name: "Relocations" });
  const quick = page.getByRole("searchbox", { name: "Filter relocations by symbol, type or section" });
  const bySection = page.getByRole("searchbox", { name: "Filter relocations by section" });
  const relNote = page.locator(".view-note", { hasText: / of [\d,]+ relocations/ });
  // The quick filter: entries of a section whose name holds it (.rela.text.hello\xffworld\xc3count,
  // which patches .text.hello\xffworld\xc3count) and entries against a symbol whose name holds it
  // (the two hooks' pointers to .text.hello\xffworld\xc3count).
  await quick.fill("\\xff");
  const quickWant = relocs.filter((r) => r.section.includes("\\xff") || r.line.includes("\\xff"));
  expect(quickWant).toHaveLength(3);
  await expect(relNote).toContainText(`${quickWant.length} of ${relocs.length} relocations`);
  await expect(relGrid.locator(".vt-row")).toHaveCount(quickWant.length);
  await expect(relGrid.locator(".vt-row").filter({ hasText: `.text.${SYM}` })).toHaveCount(quickWant.length);
  await page.screenshot({ path: test.info().outputPath("relocations-filter.png") });
  // The section filter: only the entries of .rela.text.hello\xffworld\xc3count.
  await quick.fill("");
  await bySection.fill(`.rela.text.${SYM}`);
  const secWant = relocs.filter((r) => r.section === `.rela.text.${SYM}`);
  expect(secWant).toHaveLength(1);
  await expect(relNote).toContainText(`${secWant.length} of ${relocs.length} relocations`);
  await expect(relGrid.locator(".vt-row")).toHaveCount(1);
  await expect(relGrid.locator(".vt-row")).toContainText(`.rela.text.${SYM}`);
});

test("SECTION symbols: the Symbols view names each by its section, as readelf -sW does, marked as the section's name", async ({ page }) => {
  // readelf -sW's rows for the sample: Num, Type and the Name column (blank for symbol 0).
  const rows = execFileSync("readelf", ["-sW", NON_UTF8_SAMPLE], { encoding: "utf8" })
    .split("\n")
    .map((l) => /^ *(\d+): [0-9a-f]+ +\d+ (\S+) +\S+ +\S+ +(\S+)(?: (.*))?$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ num: Number(m[1]), type: m[2], ndx: m[3], name: m[4] ?? "" }));
  const sections = rows.filter((r) => r.type === "SECTION");
  expect(sections.length).toBe(22);
  expect(sections[1]).toEqual({ num: 2, type: "SECTION", ndx: "2", name: ".text" });

  await openApp(page);
  await page.locator("input[type=file]").setInputFiles({ name: "xen_hello_world.livepatch", mimeType: "application/octet-stream", buffer: readFileSync(NON_UTF8_SAMPLE) });
  await page.getByRole("tab", { name: /^Symbols/ }).click({ timeout: 20_000 });
  const grid = page.getByRole("grid", { name: "Symbols" });
  await expect(grid).toBeVisible();
  await page.getByRole("combobox", { name: "Symbol type" }).selectOption("SECTION");
  await expect(page.locator(".view-note", { hasText: / of [\d,]+ symbols/ })).toContainText(`${sections.length} of ${rows.length} symbols`);
  // Each row drawn: its Num and Name cells are readelf's, the name muted and titled as its section's.
  const drawn = grid.locator(".vt-row");
  await expect(drawn.first()).toBeVisible();
  const n = await drawn.count();
  expect(n).toBeGreaterThan(10);
  for (let k = 0; k < n; k++) {
    const cells = drawn.nth(k).getByRole("gridcell");
    const num = Number(await cells.nth(0).textContent());
    const want = rows.find((r) => r.num === num)!;
    expect(want.type).toBe("SECTION");
    await expect(cells.last(), `symbol ${num}`).toHaveText(want.name);
    await expect(cells.last().locator(".section-named"), `symbol ${num}`).toHaveAttribute("title", `section symbol: named by section ${want.ndx}`);
  }
  await page.screenshot({ path: test.info().outputPath("symbols-section-names.png") });

  // The filter finds a SECTION symbol by that name: ".text.xen_hello_world" is symbol 8 only.
  await page.getByRole("combobox", { name: "Symbol type" }).selectOption("");
  await page.getByRole("searchbox", { name: "Filter symbols by name" }).fill(".text.xen_hello_world");
  const found = rows.filter((r) => r.name.includes(".text.xen_hello_world"));
  expect(found.map((r) => r.num)).toEqual([8]);
  await expect(drawn).toHaveCount(1);
  await expect(drawn.first().getByRole("gridcell").last()).toHaveText(".text.xen_hello_world");
  // A FUNC or OBJECT keeps its own name, unmarked: hello_world_load finds two SECTION symbols
  // (.text.hello_world_load, .rodata.hello_world_load.str1.1), a FUNC and an OBJECT.
  await page.getByRole("searchbox", { name: "Filter symbols by name" }).fill("hello_world_load");
  const own = rows.filter((r) => r.name.includes("hello_world_load"));
  expect(own.map((r) => r.type).sort()).toEqual(["FUNC", "OBJECT", "SECTION", "SECTION"]);
  await expect(drawn).toHaveCount(own.length);
  await expect(grid.locator(".vt-row .section-named")).toHaveCount(own.filter((r) => r.type === "SECTION").length);
  await page.screenshot({ path: test.info().outputPath("symbols-filter-section.png") });
});
