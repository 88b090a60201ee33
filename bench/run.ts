// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) and prints
// one table per file. Figures, not pass/fail: speed targets are read here, never in unit tests.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchModule {
  title: string;
  /** Rows for the table, or ready-made text. */
  run(): Promise<BenchRow[] | string>;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

// Each file runs in its own process when there are several: one module's leftovers (a large
// heap, buffers awaiting collection) would otherwise be charged to the next module's figures.
if (files.length > 1) {
  let failed = 0;
  for (const file of files) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), file], { stdio: "inherit" });
    if (child.status !== 0) failed = child.status ?? 1;
  }
  process.exit(failed);
}

for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  console.log(`\n## ${mod.title} (${file})\n`);
  const rows = await mod.run();
  if (typeof rows === "string") {
    console.log(rows);
    continue;
  }
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  for (const row of rows) {
    console.log(`${row.name.padEnd(width)}  ${format(row.value).padStart(12)} ${row.unit}${row.note ? `  (${row.note})` : ""}`);
  }
}
