// Larger text (the projector zoom) at 1280×720 and 1440×900, on every inspector view and the
// simulator: the page never scrolls sideways, nothing but the elements made to scroll sideways
// does, no button is covered by something else, and every name cut short with an ellipsis shows
// its full text in a tooltip on hover and on keyboard focus.
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";

// The only elements allowed to scroll sideways, each because its rows cannot wrap without losing
// what they are, and each takes keyboard focus so the keyboard scrolls it:
// - [role=grid]: the virtual tables, readelf's columns side by side (the header follows the rows);
// - .hx-scroller: the hex view, 16 bytes and their ASCII to a row;
// - .asm-scroll: disassembly listings, one instruction to a line as objdump prints it;
// - .con-log: the simulator's console, xen-livepatch's fixed-width lines (list's table).
const ALLOWED = '[role="grid"], .hx-scroller, .asm-scroll, .con-log';

const VIEWS = ["overview", "functions", "relocations", "symbols", "sections", "notes", "tables", "graph"];
const SIZES = [
  [1280, 720],
  [1440, 900],
] as const;
const SHOTS = process.env.LARGER_TEXT_SHOTS;

interface Layout {
  doc: { scrollWidth: number; clientWidth: number; scrollX: number };
  sideways: string[];
  covered: string[];
  truncated: { probe: string; text: string; inGrid: boolean }[];
}

/** Measures the page as it is now; marks each truncated element with data-trunc-probe. */
function measure(page: Page, allowed: string): Promise<Layout> {
  return page.evaluate((allowed) => {
    const name = (el: Element) => {
      const p: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && p.length < 4; e = e.parentElement)
        p.unshift(e.tagName.toLowerCase() + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : ""));
      return p.join(" > ");
    };
    const se = document.scrollingElement!;
    window.scrollTo(10_000, 0);
    const doc = { scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, scrollX: window.scrollX };
    window.scrollTo(0, 0);
    const sideways: string[] = [];
    const covered: string[] = [];
    const truncated: Layout["truncated"] = [];
    const kinds = new Map<string, number>();
    document.querySelectorAll("[data-trunc-probe]").forEach((e) => e.removeAttribute("data-trunc-probe"));
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const cs = getComputedStyle(el);
      if ((cs.overflowX === "auto" || cs.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1 && !el.matches(allowed))
        sideways.push(`${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
      // Every kind of cut element (its class, its parent's, its column) is tried, twice at most:
      // the tips come from one page-wide mechanism, and trying each of 150 timeline lines is slow.
      const kind = `${el.className}|${el.parentElement?.className}|${[...(el.parentElement?.children ?? [])].indexOf(el)}`;
      if (cs.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1 && (kinds.set(kind, (kinds.get(kind) ?? 0) + 1).get(kind) ?? 0) <= 2) {
        el.dataset.truncProbe = String(truncated.length);
        truncated.push({ probe: String(truncated.length), text: el.textContent ?? "", inGrid: !!el.closest('[role="grid"] [role="row"]') });
      }
      if (el.matches("button, select, input") && !el.closest("[inert]")) {
        const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        // Only where the button is inside every box that clips it (scrolled out of sight is fine).
        let shown = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
        for (let a = el.parentElement; a && shown; a = a.parentElement) {
          const s = getComputedStyle(a);
          if (s.overflowX === "visible" && s.overflowY === "visible") continue;
          const b = a.getBoundingClientRect();
          shown = x >= b.left && x <= b.right && y >= b.top && y <= b.bottom;
        }
        const top = shown ? document.elementFromPoint(x, y) : el;
        if (top && !el.contains(top)) covered.push(`${name(el)} "${el.textContent?.trim() || el.getAttribute("aria-label")}" under ${name(top)}`);
      }
    }
    return { doc, sideways, covered, truncated };
  }, allowed);
}

/** Hover and keyboard focus each show a tooltip holding the full text of every truncated element. */
async function truncatedHaveTips(page: Page, layout: Layout, where: string) {
  const tip = page.getByRole("tooltip");
  const neutral = async () => {
    await page.mouse.move(2, page.viewportSize()!.height - 2);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expect(tip).toBeHidden();
  };
  let checked = 0;
  for (const t of layout.truncated) {
    const el = page.locator(`[data-trunc-probe="${t.probe}"]`);
    await neutral();
    // Virtual grids reuse their row elements: once scrolled into view, the element may hold
    // another row, so its text is read now, and one no longer cut short is passed over.
    await el.scrollIntoViewIfNeeded();
    const now = await el.evaluate((e) => (e.scrollWidth > e.clientWidth + 1 ? (e.textContent ?? "").trim() : null));
    if (now === null) continue;
    const full = now;
    checked++;
    await el.hover();
    await expect(tip, `${where}: hover on "${full}"`).toContainText(full);
    if (t.inGrid) {
      // Grid rows are not tab stops: the grid is, and its selected row speaks for it.
      await el.click();
      await neutral();
      await el.locator("xpath=ancestor::*[@role='grid']").focus();
    } else {
      await neutral();
      await el.locator("xpath=ancestor-or-self::*[self::button or self::a or (@tabindex and @tabindex != '-1')][1]").focus();
    }
    await expect(tip, `${where}: focus on "${full}"`).toContainText(full);
  }
  await neutral();
  return checked;
}

async function check(page: Page, where: string, shot: string) {
  const layout = await measure(page, ALLOWED);
  expect.soft(layout.doc, `${where}: the page scrolls sideways`).toMatchObject({ scrollX: 0 });
  expect.soft(layout.doc.scrollWidth, `${where}: the page is wider than the window`).toBeLessThanOrEqual(layout.doc.clientWidth);
  expect.soft(layout.sideways, `${where}: elements that scroll sideways`).toEqual([]);
  expect.soft(layout.covered, `${where}: buttons covered by something else`).toEqual([]);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${shot}.png` });
  return await truncatedHaveTips(page, layout, where);
}

async function largerText(page: Page) {
  await page.getByRole("button", { name: "Larger text" }).click();
  await expect(page.getByRole("button", { name: "Larger text" })).toHaveAttribute("aria-pressed", "true");
}

test.describe.configure({ timeout: 180_000 });

for (const [w, h] of SIZES) {
  test(`Larger text at ${w}×${h}: every inspector view fits, truncated names have tooltips`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch,x86_64/xen_bye_world.livepatch&file=x86_64/xen_hello_world.livepatch&view=overview");
    await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 30_000 });
    await largerText(page);
    let checked = 0;
    for (const v of VIEWS) {
      await page.locator(`#tab-${v}`).click();
      await expect(page.locator(`#tab-${v}`)).toHaveAttribute("aria-selected", "true");
      if (v === "functions") await expect(page.getByRole("table", { name: "Old and new instructions" })).toBeVisible({ timeout: 20_000 });
      if (v === "graph") await expect(page.locator(".graph-svg")).toBeVisible();
      checked += await check(page, `${v} at ${w}×${h}`, `${w}-${v}`);
    }
    // The long names of this sample (sections, symbols) are cut short at these sizes: the tooltip
    // checks above ran on some.
    expect(checked).toBeGreaterThan(0);
  });

  test(`Larger text at ${w}×${h}: the simulator fits, its buttons are clear, truncated names have tooltips`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openApp(page, "#scenario=stacking&step=6");
    await expect(page.locator(`.scn-panel .scn-explain[data-step="6"]`)).toBeVisible({ timeout: 30_000 });
    await largerText(page);
    // The rail's file names (xen_hello_world.livepatch) are cut short in the simulator's narrower rail.
    expect(await check(page, `simulator at ${w}×${h}`, `${w}-simulator`)).toBeGreaterThan(0);
  });
}

// The jump diagram is drawn in the page's pixels, so Larger text enlarges its words as it does the
// sentences beside them (it was a fixed drawing shrunk to its card, whose words got smaller).
test("Larger text enlarges the jump diagram's words with the page's", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch&file=x86_64/xen_hello_world.livepatch&view=functions");
  const title = page.locator(".jump-diagram .jd-title").first();
  const sentence = page.getByRole("heading", { name: "What Xen writes at the old function" });
  await expect(title).toBeVisible({ timeout: 30_000 });
  const heights = async () => ({ title: (await title.boundingBox())!.height, sentence: (await sentence.boundingBox())!.height });
  const before = await heights();
  await largerText(page);
  await expect.poll(async () => (await heights()).sentence).toBeGreaterThan(before.sentence * 1.2);
  const after = await heights();
  // styles.css: .app.large-text { zoom: 1.3 }; both grow by about that factor (line boxes round).
  for (const k of ["sentence", "title"] as const) {
    expect(after[k] / before[k]).toBeGreaterThan(1.2);
    expect(after[k] / before[k]).toBeLessThan(1.45);
  }
  // The whole drawing stays inside its card.
  const card = (await page.getByRole("region", { name: "Trampoline" }).boundingBox())!;
  const svg = (await page.locator(".jump-diagram").first().boundingBox())!;
  expect(svg.x + svg.width).toBeLessThanOrEqual(card.x + card.width + 1);
});

// The state diagram scales with its panel's width. With the zoom and the wider rail, an even share
// of the row drew its labels smaller than without Larger text (QA s28 #16); its column now takes
// more of the row under 1600×1000, so they come out at least as large, and larger at 1280×800.
test("Larger text never shrinks the state diagram's labels", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page, "#scenario=stacking&step=6");
  const node = page.locator("svg.state-diagram .sd-node text", { hasText: "CHECKED" });
  const edge = page.locator("svg.state-diagram .sd-edge-label", { hasText: "UPLOAD" });
  await expect(node).toBeVisible({ timeout: 30_000 });
  const heights = async () => ({ node: (await node.boundingBox())!.height, edge: (await edge.boundingBox())!.height });
  const before = await heights();
  await largerText(page);
  await expect.poll(async () => (await heights()).node).toBeGreaterThan(before.node * 1.1);
  expect((await heights()).edge).toBeGreaterThanOrEqual(before.edge);
  // Nothing is pushed sideways out of the window.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});

// QA s29 #7: two unreadable files at 1024×768 with Larger text left their red notices over the
// simulator's Upload/Apply/Revert/Replace/Unload row for good. Notices now take their own row
// above the status bar (no button is under one), and a file's error, which the file list keeps
// showing under its name, goes away on its own (NOTICE_TIMEOUT_MS, 8 s) unless the pointer holds
// it; Esc closes the notice that has focus.
test("error notices for unreadable files cover no button at 1024×768 with Larger text, and time out while the file list keeps the error", async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page, "#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch&file=x86_64/xen_hello_world.livepatch&view=overview");
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 30_000 });
  await largerText(page);
  await page.getByRole("button", { name: "Simulator", exact: true }).click();
  await expect(page.getByRole("button", { name: "Upload", exact: true })).toBeVisible({ timeout: 30_000 });
  const input = page.getByLabel("Open payloads or hypervisor images");
  await input.setInputFiles({ name: "empty.livepatch", mimeType: "application/octet-stream", buffer: Buffer.alloc(0) });
  await input.setInputFiles({ name: "text.livepatch", mimeType: "application/octet-stream", buffer: Buffer.from("hello\n") });
  const empty = page.getByRole("alert").filter({ hasText: "empty.livepatch" });
  const text = page.getByRole("alert").filter({ hasText: "text.livepatch" });
  await expect(empty).toContainText("file is 0 bytes");
  await expect(text).toContainText("not an ELF file");
  // Every button and field is where a click lands on it, the five action buttons too.
  const layout = await measure(page, ALLOWED);
  expect(layout.covered).toEqual([]);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/1024-notices.png` });
  // Scrolled into the workspace's sight, each action button is what a click at its centre hits.
  for (const name of ["Upload", "Apply", "Revert", "Replace", "Unload"]) {
    const b = page.getByRole("button", { name, exact: true }).first();
    await b.scrollIntoViewIfNeeded();
    const hit = await b.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return top !== null && el.contains(top);
    });
    expect(hit, `${name} is not under a notice`).toBe(true);
  }
  await expect(empty).toBeVisible();
  // The pointer on a notice holds it past its time while the other goes; off it, it goes too, and
  // the file list still says why.
  await text.hover();
  await page.waitForTimeout(9_000);
  await expect(empty).toHaveCount(0);
  await expect(text).toBeVisible();
  await page.mouse.move(2, 2);
  await expect(text).toHaveCount(0, { timeout: 10_000 });
  await expect(page.locator("li.file.error").filter({ hasText: "empty.livepatch" })).toContainText("file is 0 bytes");
  await expect(page.locator("li.file.error").filter({ hasText: "text.livepatch" })).toContainText("not an ELF file");
  // Esc on a notice closes it.
  await input.setInputFiles({ name: "again.txt", mimeType: "text/plain", buffer: Buffer.from("hello\n") });
  const again = page.getByRole("alert").filter({ hasText: "again.txt" });
  await again.getByRole("button", { name: "Dismiss message" }).focus();
  await page.keyboard.press("Escape");
  await expect(again).toHaveCount(0);
  await expect(page.locator("li.file.error").filter({ hasText: "again.txt" })).toBeVisible();
});
