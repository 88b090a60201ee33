// The simulator's console as a terminal: xen-livepatch prints fixed-width lines (list's table is
// "%-40.*s| %s" per row, tools/misc/xen-livepatch.c: list_func()), so a console line never wraps;
// a line wider than the console scrolls it sideways, and the scroller takes keyboard focus.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";
import { type } from "./support/console.ts";
import { simCli } from "./support/cli.ts";


const cli = simCli;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Each line of the console's text with the number of rows it takes on screen (1 unless wrapped). */
function rowsPerLine(page: Page): Promise<{ text: string; rows: number }[]> {
  return page.getByTestId("console-output").evaluate((pre) => {
    const out: { text: string; rows: number }[] = [];
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
      let start = 0;
      for (const part of n.data.split("\n")) {
        if (part.length) {
          const r = document.createRange();
          r.setStart(n, start);
          r.setEnd(n, start + part.length);
          const tops = new Set([...r.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top)));
          out.push({ text: part, rows: tops.size });
        }
        start += part.length + 1;
      }
    }
    return out;
  });
}

const SCRIPT = ["load xen_hello_world.livepatch", "load xen_bye_world.livepatch", "upload rep xen_replace_world.livepatch", "replace rep", "list"];

test("xen-livepatch list's table keeps one row per line; the console scrolls sideways, by keyboard too", async ({ page }) => {
  test.setTimeout(120_000);
  const expected = cli(SCRIPT);
  const table = expected.slice(expected.indexOf(" ID ")).split("\n").filter(Boolean);
  // The widest row: the metadata after the 40-column name and the status column.
  expect(table).toContain("xen_hello_world                         | CHECKED    | LIVEPATCH_RULEZ");
  expect(table[1]).toBe("-".repeat(40) + "+" + "-".repeat(12) + "+" + "-".repeat(15));

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ reducedMotion: "reduce" });
  await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch,x86_64/xen_bye_world.livepatch,x86_64/xen_replace_world.livepatch");
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  for (const line of SCRIPT) await type(page, line);
  const log = page.getByTestId("console-output");
  await expect(log).toHaveText(expected);

  for (const [w, h, larger] of [
    [1440, 900, false],
    [1280, 720, false],
    [1280, 720, true],
    [1440, 900, true],
  ] as const) {
    const where = `${w}×${h}${larger ? ", Larger text" : ""}`;
    await page.setViewportSize({ width: w, height: h });
    const button = page.getByRole("button", { name: "Larger text" });
    if ((await button.getAttribute("aria-pressed")) !== String(larger)) await button.click();
    await expect(button).toHaveAttribute("aria-pressed", String(larger));
    const rows = await rowsPerLine(page);
    for (const row of table) expect(rows.map((r) => r.text), where).toContain(row);
    expect(
      rows.filter((r) => r.rows !== 1),
      `${where}: console lines that wrap`,
    ).toEqual([]);
    // The table is wider than the console here, so the console is a sideways scroll region: named,
    // and a tab stop, whose arrow keys scroll it.
    const size = await log.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(size.scroll, where).toBeGreaterThan(size.client);
    await expect(log).toHaveAccessibleName("Console output");
    await log.evaluate((el) => (el.scrollLeft = 0));
    await log.focus();
    await expect(log).toBeFocused();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => log.evaluate((el) => el.scrollLeft), where).toBeGreaterThan(0);
  }
});

// The hint and the placeholder offer a command that works with the files loaded (FILE is a loaded
// file's name), never one that fails: a fresh simulator has no payload at all.
const hint = (page: Page) => page.getByTestId("console-hint");
const box = (page: Page) => page.getByRole("textbox", { name: "Console" });

async function openSimulator(page: Page, hash = "") {
  await openApp(page, hash);
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
}

test("a fresh simulator's console hint says how to get a payload, not a load that fails", async ({ page }) => {
  await openSimulator(page);
  await expect(hint(page)).toContainText("No payload for this Xen is loaded yet");
  await expect(hint(page)).toContainText("Open files…");
  await expect(hint(page)).toContainText("Samples");
  await expect(hint(page)).not.toContainText("load xen_hello_world.livepatch");
  await expect(box(page)).toHaveAttribute("placeholder", "help");
});

test("the console's hint offers a load of a loaded payload for the booted Xen, and it works", async ({ page }) => {
  // An AArch64 payload cannot be loaded on the x86-64 sample Xen the simulator boots, and bye
  // world stacks on hello world (its .livepatch.depends is hello's build-id): the hint offers the
  // x86-64 hello world, then bye world once hello is applied, then list. Replace world's depends
  // is Xen's: once anything is applied, APPLY checks it against the top payload (build_id_dep())
  // and refuses it, so it is never offered. The two files ahead of hello world name Xen's build-id
  // in .livepatch.depends, but UPLOAD refuses them (check_xen_buildid(), -EINVAL): wrong_xen_buildid's
  // .livepatch.xen_depends is not xen-syms' build-id (readelf -x / readelf -n), and no_xen_buildid
  // has no .livepatch.xen_depends (readelf -S); so they are never offered either.
  await openSimulator(
    page,
    "#samples=x86_64/xen_wrong_xen_buildid.livepatch,x86_64/xen_no_xen_buildid.livepatch,aarch64/xen_nop.livepatch,x86_64/xen_bye_world.livepatch,x86_64/xen_hello_world.livepatch,x86_64/xen_replace_world.livepatch",
  );
  await expect(page.locator(".sim-head")).toContainText(/x86_64/i);
  await expect(hint(page)).toHaveText("Type a command, e.g. load xen_hello_world.livepatch, or help.");
  const log = page.getByTestId("console-output");
  for (const [file, name] of [
    ["xen_hello_world.livepatch", "xen_hello_world"],
    ["xen_bye_world.livepatch", "xen_bye_world"],
  ]) {
    await expect(box(page)).toHaveAttribute("placeholder", `load ${file}`);
    await type(page, `load ${file}`);
    // What it offers works: the tool's own success lines, no error.
    await expect(log).toContainText(`Applying ${name}... completed`, { timeout: 20_000 });
    await expect(log).not.toContainText("Error");
  }
  // Xen holds both now (loading either again would fail) and replace world's apply would be
  // refused on top of bye world, so the placeholder offers list.
  await expect(box(page)).toHaveAttribute("placeholder", "list");
  // The files the hint skipped: Xen refuses their upload.
  for (const file of ["xen_wrong_xen_buildid.livepatch", "xen_no_xen_buildid.livepatch"]) {
    await type(page, `load ${file}`);
    await expect(log).toContainText(`Uploading ${file}... failed`, { timeout: 20_000 });
  }
  await expect(log).toContainText("Error 22");
});

test("while a load plays, the console's hint already describes Xen where a typed command would run", async ({ page }) => {
  // A command typed while the timeline plays runs after everything (runInput), so with hello world
  // being applied, replace world (whose .livepatch.depends is Xen's) would be refused by APPLY's
  // check against hello world (build_id_dep()): the placeholder must never offer it meanwhile. It
  // offered it while the load played (the cursor before the record's end) on the page before.
  await openSimulator(page, "#samples=x86_64/xen_hello_world.livepatch,x86_64/xen_bye_world.livepatch,x86_64/xen_replace_world.livepatch");
  await expect(box(page)).toHaveAttribute("placeholder", "load xen_hello_world.livepatch");
  await box(page).evaluate((el) => {
    const seen: string[] = ((window as unknown as { __placeholders: string[] }).__placeholders = []);
    new MutationObserver(() => seen.push(el.getAttribute("placeholder") ?? "")).observe(el, { attributes: true, attributeFilter: ["placeholder"] });
  });
  await type(page, "load xen_hello_world.livepatch");
  // The playback goes on to its end (the Pause button turns back to Play).
  await expect(page.getByRole("button", { name: "Play", exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("console-output")).toContainText("Applying xen_hello_world... completed");
  const seen = await page.evaluate(() => (window as unknown as { __placeholders: string[] }).__placeholders);
  expect(seen.filter((p) => p.startsWith("load ")), "placeholders offered while it played").toEqual(expect.arrayContaining(["load xen_bye_world.livepatch"]));
  expect(seen).not.toContain("load xen_replace_world.livepatch");
  expect(seen).not.toContain("load xen_hello_world.livepatch");
  await expect(box(page)).toHaveAttribute("placeholder", "load xen_bye_world.livepatch");
});

test("a file the page could not parse is still a FILE the console opens, as xen-livepatch opens any file", async ({ page }) => {
  // An empty file: xen-livepatch mmap()s st_size bytes, which fails with EINVAL ("Could not map");
  // the page said "Could not open" (ENOENT), contradicting its own file rail. A payload cut short:
  // the hypervisor's own refusal, as in the CLI.
  const hello = readFileSync(join(ROOT, "public/samples/x86_64/xen_hello_world.livepatch"));
  const files = { "empty.livepatch": new Uint8Array(0), "cut.livepatch": new Uint8Array(hello.subarray(0, 1000)) };
  const script = ["upload e empty.livepatch", "upload c cut.livepatch", "list"];
  const expected = cli(script, files);
  expect(expected).toContain("Could not map empty.livepatch.\nError 22: Invalid argument");
  expect(expected).toContain("Uploading cut.livepatch... failed");
  await page.emulateMedia({ reducedMotion: "reduce" });
  await openApp(page);
  await page.locator("input[type=file]").setInputFiles(Object.entries(files).map(([name, bytes]) => ({ name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) })));
  // The rail says the empty one could not be read; the cut one reads as a plain object.
  await expect(page.getByRole("button", { name: "error empty.livepatch" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^object cut\.livepatch/ })).toBeVisible();
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  for (const line of script) await type(page, line);
  await expect(page.getByTestId("console-output")).toHaveText(expected);
});
