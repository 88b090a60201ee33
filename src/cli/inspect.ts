// `livepatch-lens inspect [--json] FILE`: the ELF structure and the livepatch view of one file.
import { readFileSync, statSync } from "node:fs";
import { ElfFormatError, parseElf } from "../elf/index.ts";
import { analyzePayload } from "../livepatch/index.ts";
import { writeJson } from "./inspectJson.ts";
import { writeText } from "./inspectText.ts";
import { StreamOut } from "./output.ts";

const USAGE = "usage: livepatch-lens inspect [--json] FILE\n";

function fail(message: string): number {
  process.stderr.write(`livepatch-lens inspect: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  return 1;
}

function readInput(file: string): Uint8Array | string {
  try {
    if (statSync(file).isDirectory()) return `${file}: is a directory`;
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `${file}: no such file`;
    if (code === "EACCES") return `${file}: permission denied`;
    return `${file}: cannot read (${code ?? (e as Error).message})`;
  }
}

export async function run(args: string[]): Promise<number> {
  const json = args.includes("--json");
  const rest = args.filter((a) => a !== "--json");
  if (rest.length !== 1 || rest[0].startsWith("-")) {
    process.stderr.write(USAGE);
    return 2;
  }
  const file = rest[0];
  const bytes = readInput(file);
  if (typeof bytes === "string") return fail(bytes);
  let elf;
  try {
    elf = parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfFormatError) return fail(`${file}: ${e.message} (${e.code} at byte 0x${e.offset.toString(16)})`);
    return fail(`${file}: internal error: ${(e as Error).message}`);
  }
  const model = analyzePayload(elf);
  const out = new StreamOut(process.stdout);
  if (json) await writeJson(out, file, elf, model);
  else await writeText(out, file, elf, model);
  return 0;
}
