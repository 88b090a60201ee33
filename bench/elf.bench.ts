// ELF parse throughput on the large generated inputs (fixtures/gen-large.ts), with elfy (an npm
// parser that reads only the file and section headers) alongside for scale, and the cost of
// moving a parsed model across a worker boundary (structuredClone with transfer).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename } from "node:path";
import { parseElf } from "../src/elf/parse.ts";
import { formatReadelf } from "../src/elf/readelf.ts";
import { transferablesOf } from "../src/elf/transfer.ts";
import { LARGE_IMAGE, prelinkInputs } from "./inputs.ts";
import type { BenchRow } from "./run.ts";

export const title = "ELF reader (src/elf)";

const RUNS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs = RUNS): number {
  fn(); // warm-up: JIT and page cache
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    t.push(performance.now() - start);
  }
  return median(t);
}

interface Elfy {
  parse(b: Buffer): { body: { sections: unknown[] } };
}

function loadElfy(): Elfy | null {
  try {
    return createRequire(import.meta.url)("elfy") as Elfy;
  } catch {
    return null;
  }
}

export async function run(): Promise<BenchRow[]> {
  const inputs = [...(await prelinkInputs()), { label: "generated xen-syms-large", path: LARGE_IMAGE }];
  const rows: BenchRow[] = [];
  const elfy = loadElfy();
  for (const { label, path } of inputs) {
    const name = label;
    const buf = readFileSync(path);
    const bytes = new Uint8Array(buf);
    const mb = bytes.length / 1e6;
    const f = parseElf(bytes);
    const relocs = f.relocationTables.reduce((a, r) => a + r.count, 0);
    const syms = f.symbolTables.reduce((a, t) => a + t.count, 0);
    const what = `${mb.toFixed(1)} MB, ${f.sections.length} sections, ${syms} symbols, ${relocs} relocations, median of ${RUNS}`;
    const ms = time(() => parseElf(bytes));
    rows.push({ name: `parseElf ${name}`, value: ms, unit: "ms", note: what });
    rows.push({ name: `parseElf ${name} throughput`, value: mb / ms, unit: "GB/s", note: "goal on the 62 MB prelink.o: >= 1.5 GB/s (< 40 ms)" });
    if (elfy) {
      const ems = time(() => elfy.parse(buf));
      rows.push({ name: `elfy.parse ${name}`, value: ems, unit: "ms", note: "headers and sections only: no symbols, relocations or notes" });
    }
    const cloneMs = time(() => {
      const g = parseElf(bytes.slice());
      structuredClone(g, { transfer: transferablesOf(g) });
    }, 3);
    rows.push({ name: `parse + structuredClone(transfer) ${name}`, value: cloneMs, unit: "ms", note: "includes a copy of the input so it can be transferred" });
    if (path !== LARGE_IMAGE) {
      rows.push({ name: `formatReadelf ${name}`, value: time(() => formatReadelf(f, basename(path)), 1), unit: "ms", note: "readelf -hSsrnW text" });
    }
  }
  if (!elfy) rows.push({ name: "elfy", value: NaN, unit: "", note: "not installed: comparison skipped" });
  return rows;
}
