// Payload model and parse worker: parse + analyze in process, the same through the worker
// service over a MessageChannel (transfer in, structured clone + transfer back), and the whole
// `livepatch-lens inspect --json` process beside llvm-readobj and readelf on the same file.
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import * as Comlink from "comlink";
import { parseElf } from "../src/elf/index.ts";
import { analyzePayload } from "../src/livepatch/index.ts";
import type { ParseWorkerApi } from "../src/protocol/parse.ts";
import { createParseService } from "../src/protocol/parseService.ts";
import { receiveParsed } from "../src/protocol/receive.ts";
import type { BenchRow } from "./run.ts";

export const title = "Payload model, parse worker service and inspect CLI";

const root = join(import.meta.dirname, "..");
const out = join(root, "fixtures", "out");
const RELOC = join(out, "large-reloc.o");
const PAYLOAD = join(out, "large-2000funcs.livepatch");

async function ensureInputs(): Promise<void> {
  if (existsSync(RELOC) && existsSync(PAYLOAD)) return;
  const gen = (await import("../fixtures/gen-large.ts")) as { writeLargeReloc(p: string): void; writeLargePayload(p: string): void };
  if (!existsSync(RELOC)) gen.writeLargeReloc(RELOC);
  if (!existsSync(PAYLOAD)) gen.writeLargePayload(PAYLOAD);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn: () => unknown, runs: number): Promise<number> {
  await fn(); // warm-up: JIT and page cache
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    t.push(performance.now() - start);
  }
  return median(t);
}

function onPath(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}

/** Wall time of a whole process with stdout to /dev/null (median of `runs`). */
function processTime(cmd: string, args: string[], runs: number): number | null {
  const devnull = openSync("/dev/null", "w");
  try {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const r = spawnSync(cmd, args, { stdio: ["ignore", devnull, "ignore"] });
      if (r.status !== 0) return null;
      t.push(performance.now() - start);
    }
    return median(t);
  } finally {
    closeSync(devnull);
  }
}

/** A tiny entry that runs the CLI from its TypeScript sources through tsx, bypassing the bundle. */
function sourceEntry(): string {
  const entry = join(root, "bench", "out", "cli-from-source.mjs");
  mkdirSync(dirname(entry), { recursive: true });
  const main = pathToFileURL(join(root, "src/cli/main.ts")).href;
  writeFileSync(entry, `import { main } from ${JSON.stringify(main)};\nprocess.exitCode = await main(process.argv.slice(2));\n`);
  return entry;
}

export async function run(): Promise<BenchRow[]> {
  await ensureInputs();
  const rows: BenchRow[] = [];
  const reloc = readFileSync(RELOC);
  const payload = readFileSync(PAYLOAD);
  const mb = reloc.length / (1 << 20);

  const inProcess = await time(() => analyzePayload(parseElf(new Uint8Array(reloc.buffer, reloc.byteOffset, reloc.length))), 5);
  rows.push({ name: "parse+analyze large-reloc.o (in process)", value: inProcess, unit: "ms", note: `${mb.toFixed(1)} MB, ${(mb / (inProcess / 1000)).toFixed(0)} MB/s` });
  const elf = parseElf(new Uint8Array(payload.buffer, payload.byteOffset, payload.length));
  const analyzeOnly = await time(() => analyzePayload(elf), 9);
  const model = analyzePayload(elf);
  rows.push({ name: "analyze large-2000funcs.livepatch", value: analyzeOnly, unit: "ms", note: `${model?.funcs.length ?? 0} funcs, ${model?.diagnostics.length ?? 0} diagnostics` });

  // Through the service over a real MessageChannel: a fresh copy is transferred in each time.
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(createParseService(), port2);
  const remote = Comlink.wrap<ParseWorkerApi>(port1);
  let id = 0;
  const roundTrip = async (bytes: Buffer) => {
    const copy = new Uint8Array(bytes).buffer;
    const head = await remote.parse(++id, Comlink.transfer(copy, [copy]), "bench");
    if (!head.ok) throw new Error(head.error.message);
    const r = await receiveParsed(remote, id, head.value);
    if (!r.ok) throw new Error(r.error.message);
  };
  rows.push({ name: "worker service round trip large-reloc.o", value: await time(() => roundTrip(reloc), 5), unit: "ms", note: "MessageChannel, transfer in and out, parts pulled and the result rebuilt, incl. one 56 MB copy to make the input" });
  rows.push({ name: "worker service round trip large-2000funcs.livepatch", value: await time(() => roundTrip(payload), 9), unit: "ms" });
  port1.close();
  port2.close();

  // As installed: `npm install` bundles the CLI (src/cli/bundle.mjs); make sure it is current.
  execFileSync(process.execPath, [join(root, "src/cli/bundle.mjs")], { stdio: "ignore" });
  const cli = join(root, "src/cli/livepatch-lens.mjs");
  const inspect = processTime(process.execPath, [cli, "inspect", "--json", RELOC], 3);
  if (inspect !== null) rows.push({ name: "process: livepatch-lens inspect --json large-reloc.o", value: inspect, unit: "ms", note: "> /dev/null, the installed bundle" });
  const fromSource = processTime(process.execPath, ["--import", "tsx", sourceEntry(), "inspect", "--json", RELOC], 3);
  if (fromSource !== null) rows.push({ name: "process: inspect --json from source (tsx)", value: fromSource, unit: "ms", note: "what an edited checkout pays until the next install" });
  if (onPath("llvm-readobj")) {
    const t = processTime("llvm-readobj", ["--elf-output-style=JSON", "-S", "-s", "-r", RELOC], 3);
    if (t !== null) rows.push({ name: "process: llvm-readobj --elf-output-style=JSON -S -s -r", value: t, unit: "ms" });
  }
  if (onPath("readelf")) {
    const t = processTime("readelf", ["-SsrW", RELOC], 3);
    if (t !== null) rows.push({ name: "process: readelf -SsrW", value: t, unit: "ms" });
  }
  const help = processTime(process.execPath, [cli, "help"], 3);
  if (help !== null) rows.push({ name: "process: livepatch-lens help (start-up alone)", value: help, unit: "ms" });
  return rows;
}
