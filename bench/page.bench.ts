// The page figures (bench/page.spec.ts) in the same run: Playwright drives the system Chromium
// against the production build as `npm start` serves it, and each `[bench-row]` line it prints
// becomes a row here.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { BenchRow } from "./run.ts";

export const title = "Page: first screen, first view, main-thread tasks (built app, Chromium trace)";

const root = join(import.meta.dirname, "..");

export async function run(): Promise<BenchRow[]> {
  const r = spawnSync("npx", ["playwright", "test", "-c", "bench/playwright.config.ts"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, env: process.env });
  const rows = (r.stdout ?? "")
    .split("\n")
    .filter((l) => l.startsWith("[bench-row] "))
    .map((l) => JSON.parse(l.slice("[bench-row] ".length)) as BenchRow);
  if (r.status !== 0) rows.push({ name: "the page benchmark did not finish: see `npx playwright test -c bench/playwright.config.ts`", value: NaN, unit: "", note: (r.stdout + r.stderr).split("\n").filter((l) => /Error|✘/.test(l)).slice(0, 3).join(" / ") });
  return rows;
}
