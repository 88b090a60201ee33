// Page figures for `npm run bench` (bench/playwright.config.ts; never part of `npm test`): the
// JavaScript the first screen loads, and for the prelink-shaped inputs the time from the file
// being handed over to the Overview on screen, then the longest main-thread task from that
// moment until Overview, Relocations, Symbols, Sections and Hex have each been shown, read from
// a Chromium trace. Figures, not pass/fail: each is printed as a `[bench-row]` line.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "@playwright/test";
import { expect, openApp, test } from "../e2e/support/guards.ts";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");

function report(name: string, value: number, unit: string, note?: string): void {
  console.log(`[bench-row] ${JSON.stringify({ name, value, unit, note })}`);
}

function inputs(): { label: string; path: string }[] {
  const list = [{ label: "generated large-reloc.o", path: join(root, "fixtures/out/large-reloc.o") }];
  const dir = process.env.XEN_TEST_PAYLOADS;
  if (dir) {
    const real = join(dir, "x86_64", "prelink.o");
    if (!existsSync(real)) throw new Error(`XEN_TEST_PAYLOADS is set but ${real} does not exist`);
    list.push({ label: "real prelink.o", path: real });
  }
  return list;
}

test.setTimeout(300_000);

test("first-screen JavaScript", async ({ page }) => {
  const scripts = new Set<string>();
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.pathname.endsWith(".js")) scripts.add(url.pathname);
  });
  await openApp(page);
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1000);
  let total = 0;
  const files: string[] = [];
  for (const path of [...scripts].sort()) {
    const gz = gzipSync(readFileSync(join(dist, path.replace(/^\//, "")))).length;
    total += gz;
    files.push(`${path.split("/").pop()} ${(gz / 1024).toFixed(1)}`);
  }
  report("first-screen JavaScript (gzip)", total / 1024, "KB", `goal <= 100 KB; ${files.join(", ")}`);
});

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** The main thread's tasks since `since` (trace clock, µs): the longest by wall time, with its CPU time. */
function mainThreadTasks(trace: Buffer, sinceMark: string): { longestMs: number; longestCpuMs: number; over50: number } {
  const parsed = JSON.parse(trace.toString("utf8")) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const mark = events.find((e) => e.name === sinceMark);
  const since = mark ? mark.ts : 0;
  const tasks = events.filter((e) => e.ph === "X" && e.name === "RunTask" && mains.has(`${e.pid}:${e.tid}`) && e.ts + (e.dur ?? 0) >= since);
  const longest = tasks.reduce<TraceEvent | null>((a, e) => (a === null || (e.dur ?? 0) > (a.dur ?? 0) ? e : a), null);
  return {
    longestMs: (longest?.dur ?? 0) / 1000,
    longestCpuMs: (longest?.tdur ?? 0) / 1000,
    over50: tasks.filter((e) => (e.dur ?? 0) >= 50_000).length,
  };
}

async function showTab(page: Page, tab: string, shown: () => Promise<void>): Promise<void> {
  await page.getByRole("tab", { name: new RegExp(`^${tab}`) }).click();
  await shown();
}

async function measure(page: Page, browser: Browser, input: { label: string; path: string }) {
  await openApp(page);
  // In-page clock: from the input's change event (the file handed over) to the first frame
  // that shows the Overview's facts.
  await page.evaluate(() => {
    const w = window as unknown as { __firstView: Promise<number> };
    w.__firstView = new Promise((resolve) => {
      document.addEventListener(
        "change",
        () => {
          const t0 = performance.now();
          performance.mark("bench-drop");
          const seen = () => document.querySelector("dl.facts");
          const done = () => requestAnimationFrame(() => resolve(performance.now() - t0));
          if (seen()) return done();
          const mo = new MutationObserver(() => {
            if (!seen()) return;
            mo.disconnect();
            done();
          });
          mo.observe(document.body, { childList: true, subtree: true });
        },
        { capture: true, once: true },
      );
    });
  });
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"] });
  await page.locator("input[type=file]").setInputFiles(input.path);
  await expect(page.locator("dl.facts")).toBeVisible({ timeout: 120_000 });
  const firstViewMs = await page.evaluate(() => (window as unknown as { __firstView: Promise<number> }).__firstView);

  const grid = (name: string) => page.getByRole("grid", { name });
  await showTab(page, "Relocations", () => expect(grid("Relocations").getByRole("row").nth(1)).toBeVisible({ timeout: 60_000 }));
  await showTab(page, "Symbols", () => expect(grid("Symbols").getByRole("row").nth(1)).toBeVisible({ timeout: 60_000 }));
  await showTab(page, "Sections", () => expect(grid("Sections").getByRole("row").nth(1)).toBeVisible({ timeout: 60_000 }));
  if ((await page.getByRole("grid", { name: "Hex view" }).count()) === 0) await page.getByRole("button", { name: "Hex", exact: true }).click();
  await expect(grid("Hex view").getByRole("row").nth(1)).toBeVisible({ timeout: 60_000 });
  await page.waitForTimeout(500);
  const trace = await browser.stopTracing();
  // BENCH_TRACE_DIR=dir keeps each trace for a closer look (chrome://tracing, Perfetto).
  if (process.env.BENCH_TRACE_DIR) writeFileSync(join(process.env.BENCH_TRACE_DIR, `${input.label.replace(/\W+/g, "-")}.json`), trace);
  const tasks = mainThreadTasks(trace, "bench-drop");

  report(`first view (Overview) after the file is handed over, ${input.label}`, firstViewMs, "ms", "built page; goal < 500 ms");
  report(`longest main-thread task, drop to Overview+Relocations+Symbols+Sections+Hex, ${input.label}`, tasks.longestMs, "ms", `CPU ${tasks.longestCpuMs.toFixed(0)} ms; ${tasks.over50} task(s) of 50 ms or more; goal: none`);
}

for (const input of inputs()) {
  test(`${input.label}: first view and main-thread tasks`, async ({ page, browser }) => {
    test.skip(!existsSync(input.path), `${input.path} not generated (npm run gen:large)`);
    await measure(page, browser, input);
  });
}
