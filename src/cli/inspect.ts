// `livepatch-lens inspect [--json] [--xen IMAGE] FILE`: the ELF structure and the livepatch view
// of one file.
import { ElfFormatError, locatedMessage, parseElf, type ElfFile } from "../elf/index.ts";
import { analyzePayload, imageOptions } from "../livepatch/index.ts";
import { parseCommand } from "./args.ts";
import { readRegularFile } from "./readFile.ts";
import { INSPECT } from "./commands.ts";
import { writeJson } from "./inspectJson.ts";
import { writeText } from "./inspectText.ts";
import { StreamOut } from "./output.ts";
import { jsonTerminalSafe, terminalSafe } from "./terminal.ts";
import { simulateUpload } from "./xenView.ts";

function fail(message: string): number {
  process.stderr.write(`livepatch-lens inspect: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  return 1;
}

function load(file: string): ElfFile | string {
  const { bytes, problem } = readRegularFile(file);
  if (problem !== null) return `${file}: ${problem}`;
  try {
    return parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfFormatError) return `${file}: ${locatedMessage(e.message, e.code, e.offset)}`;
    return `${file}: internal error: ${(e as Error).message}`;
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(INSPECT, args);
  if (!parsed.ok) return parsed.exitCode;
  const json = parsed.values.json === true;
  const image = typeof parsed.values.xen === "string" ? parsed.values.xen : null;
  const file = parsed.positionals[0];
  const elf = load(file);
  if (typeof elf === "string") return fail(elf);
  let options = {};
  let xenImage: { file: string; bytes: Uint8Array } | null = null;
  if (image !== null) {
    const xen = load(image);
    if (typeof xen === "string") return fail(xen);
    options = imageOptions(xen);
    xenImage = { file: image, bytes: xen.bytes };
  }
  const model = analyzePayload(elf, options);
  // Only a payload goes to the simulated hypervisor (a 60 MB link object is never uploaded).
  const xen = model ? await simulateUpload(file, elf.bytes, xenImage) : null;
  // Either is read on a terminal: no control character in it may drive one (terminalSafe(); the
  // JSON's strings spell DEL and C1 as \u escapes, jsonTerminalSafe()).
  const out = new StreamOut(process.stdout, undefined, json ? jsonTerminalSafe : terminalSafe);
  if (json) await writeJson(out, file, elf, model, xen);
  else await writeText(out, file, elf, model, xen);
  return 0;
}
