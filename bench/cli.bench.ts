// `livepatch-lens inspect` as a whole process beside the reference tools on the same file, run
// in turn: `--json` beside `llvm-readobj --elf-output-style=JSON -S -s -r`, text beside
// `readelf -SsrW`. Goals (issue 16): --json at most llvm-readobj's wall time (stretch: half),
// text at most readelf's.
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { prelinkInputs, realPrelink } from "./inputs.ts";
import { measureProcesses, onPath, type Command, type ProcessFigures } from "./processes.ts";
import type { BenchRow } from "./run.ts";

export const title = "inspect CLI beside llvm-readobj and readelf (whole processes, stdout to /dev/null)";

const root = join(import.meta.dirname, "..");
const cli = join(root, "src/cli/livepatch-lens.mjs");
const RUNS = 5;

/** A tiny entry that runs the CLI from its TypeScript sources through tsx, bypassing the bundle. */
function sourceEntry(): string {
  const entry = join(root, "bench", "out", "cli-from-source.mjs");
  mkdirSync(dirname(entry), { recursive: true });
  const main = pathToFileURL(join(root, "src/cli/main.ts")).href;
  writeFileSync(entry, `import { main } from ${JSON.stringify(main)};\nprocess.exitCode = await main(process.argv.slice(2));\n`);
  return entry;
}

function row(f: ProcessFigures, what: string): BenchRow {
  const cpu = f.cpuMs === null ? "" : `cpu ${f.cpuMs.toFixed(0)} ms, `;
  const peak = f.peakMb === null ? "" : `peak ${f.peakMb.toFixed(0)} MB`;
  return { name: `${f.label} (${what})`, value: f.wallMs ?? NaN, unit: "ms", note: `${cpu}${peak}, median of ${RUNS}` };
}

function ratio(a: ProcessFigures, b: ProcessFigures, name: string, goal: string): BenchRow {
  return { name, value: a.wallMs !== null && b.wallMs !== null ? a.wallMs / b.wallMs : NaN, unit: "x", note: goal };
}

export async function run(): Promise<BenchRow[]> {
  // As installed: `npm install` bundles the CLI (src/cli/bundle.mjs); make sure it is current.
  execFileSync(process.execPath, [join(root, "src/cli/bundle.mjs")], { stdio: "ignore" });
  const rows: BenchRow[] = [];
  const note = realPrelink().note;
  if (note) rows.push({ name: note, value: NaN, unit: "" });
  const llvm = onPath("llvm-readobj");
  const readelf = onPath("readelf");
  for (const input of await prelinkInputs()) {
    const what = `${input.label}, ${(statSync(input.path).size / 1e6).toFixed(1)} MB`;
    const commands: Command[] = [{ label: "livepatch-lens inspect --json", cmd: process.execPath, args: [cli, "inspect", "--json", input.path] }];
    if (llvm) commands.push({ label: "llvm-readobj --elf-output-style=JSON -S -s -r", cmd: "llvm-readobj", args: ["--elf-output-style=JSON", "-S", "-s", "-r", input.path] });
    commands.push({ label: "livepatch-lens inspect (text)", cmd: process.execPath, args: [cli, "inspect", input.path] });
    if (readelf) commands.push({ label: "readelf -SsrW", cmd: "readelf", args: ["-SsrW", input.path] });
    const figures = measureProcesses(commands, RUNS);
    const by = (label: string) => figures.find((f) => f.label.startsWith(label))!;
    for (const f of figures) rows.push(row(f, what));
    if (llvm) rows.push(ratio(by("livepatch-lens inspect --json"), by("llvm-readobj"), `inspect --json / llvm-readobj (${input.label})`, "wall time; goal <= 1, stretch <= 0.5"));
    if (readelf) rows.push(ratio(by("livepatch-lens inspect (text)"), by("readelf"), `inspect / readelf -SsrW (${input.label})`, "wall time; goal <= 1"));
  }
  if (!llvm) rows.push({ name: "llvm-readobj not on PATH: its comparison skipped", value: NaN, unit: "" });
  if (!readelf) rows.push({ name: "readelf not on PATH: its comparison skipped", value: NaN, unit: "" });
  const [help, fromSource] = measureProcesses(
    [
      { label: "livepatch-lens help", cmd: process.execPath, args: [cli, "help"] },
      { label: "livepatch-lens help from source (tsx)", cmd: process.execPath, args: ["--import", "tsx", sourceEntry(), "help"] },
    ],
    RUNS,
  );
  rows.push(row(help, "start-up alone"));
  rows.push(row(fromSource, "what an edited checkout pays at start-up until the next install"));
  return rows;
}
