// `livepatch-lens audit [--xen IMAGE] [--json | --markdown] [--no-sim] FILE...`
// Exit 0: no error finding; 1: at least one; 2: usage or read failure (one line on stderr).
import { readFileSync, statSync } from "node:fs";
import { ElfFormatError, parseElf, type ElfFile } from "../elf/index.ts";
import { auditPayloads, crossCheck, toJson, toMarkdown, toText, type AuditFile } from "../audit/index.ts";
import { nodeSimulator } from "./auditSimulator.ts";
import { createSyncDisassembler, decoderForMachine } from "../disasm/index.ts";
import { nodeEngines } from "../disasm/nodeEngines.ts";

const USAGE = "usage: livepatch-lens audit [--xen IMAGE] [--json | --markdown] [--no-sim] FILE...";

class InputError extends Error {}

function readInput(file: string): Uint8Array {
  try {
    if (statSync(file).isDirectory()) throw new InputError(`${file}: is a directory`);
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${file}: no such file`);
    if (code === "EACCES") throw new InputError(`${file}: permission denied`);
    throw new InputError(`${file}: cannot read (${code ?? (e as Error).message})`);
  }
}

function parse(file: string, bytes: Uint8Array): ElfFile {
  try {
    return parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfFormatError) throw new InputError(`${file}: ${e.message} (${e.code} at byte 0x${e.offset.toString(16)})`);
    throw new InputError(`${file}: cannot parse (${(e as Error).message})`);
  }
}

interface Options {
  xen: string | null;
  format: "text" | "json" | "markdown";
  sim: boolean;
  files: string[];
}

function options(args: string[]): Options {
  const o: Options = { xen: null, format: "text", sim: true, files: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--xen") {
      if (i + 1 >= args.length) throw new InputError("--xen needs an IMAGE argument");
      o.xen = args[++i];
    } else if (a.startsWith("--xen=")) o.xen = a.slice(6);
    else if (a === "--json") o.format = "json";
    else if (a === "--markdown" || a === "--md") o.format = "markdown";
    else if (a === "--no-sim") o.sim = false;
    else if (a === "--") {
      o.files.push(...args.slice(i + 1));
      break;
    }
    else if (a.startsWith("-")) throw new InputError(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length === 0) throw new InputError("no payload FILE given");
  return o;
}

export async function run(args: string[]): Promise<number> {
  let o: Options;
  let files: AuditFile[];
  let image: { file: string; bytes: Uint8Array; elf: ElfFile } | null = null;
  try {
    if (args.includes("--help") || args.includes("-h")) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    o = options(args);
    files = o.files.map((file) => {
      const bytes = readInput(file);
      parse(file, bytes);
      return { file, bytes };
    });
    if (o.xen !== null) {
      const bytes = readInput(o.xen);
      image = { file: o.xen, bytes, elf: parse(o.xen, bytes) };
    }
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const usage = e.message.startsWith("unknown") || e.message.startsWith("no payload") || e.message.startsWith("--xen");
    process.stderr.write(`livepatch-lens audit: ${e.message.replace(/\s*\n\s*/g, " ")}${usage ? ` (${USAGE})` : ""}\n`);
    return 2;
  }
  const decode = image ? await decoderForMachine(createSyncDisassembler(nodeEngines), image.elf.header.machine) : undefined;
  const result = auditPayloads(files, image, { decode });
  if (image && o.sim) {
    result.simulator = await crossCheck(await nodeSimulator(), image.bytes, files, result.predictions);
    if (!result.simulator.agrees)
      process.stderr.write(`livepatch-lens audit: the static audit and the simulator disagree (a bug in one of them): ${[result.simulator.error, ...result.simulator.disagreements].filter(Boolean).join("; ")}\n`);
  }
  process.stdout.write(o.format === "json" ? toJson(result) : o.format === "markdown" ? toMarkdown(result) : toText(result));
  return result.verdict === "reject" ? 1 : 0;
}
