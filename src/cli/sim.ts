// `livepatch-lens sim`: a simulated Xen booted from a xen-syms, driven by xen-livepatch's
// commands and the simulator's own, from a script, a pipe or an interactive prompt.
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createConsole, type CommandResult } from "../console/index.ts";
import { parseElf } from "../elf/index.ts";
import { loadHypervisorNode } from "../../workers/hypervisor/host/node.ts";
import { bootFromImage } from "../../workers/hypervisor/host/image.ts";

export const SIM_HELP = `Usage: livepatch-lens sim --xen IMAGE [--cpus N] [SCRIPT]

Boots a simulated Xen from IMAGE (a xen-syms ELF) on N CPUs (default 4, at most 64) and runs
console commands: xen-livepatch's (upload, apply, revert, replace, unload, load, list, with
--force and --nodeps) and the simulator's (debug-keys x, dmesg, mem, cpus, stall (idle or IRQ
phase, once or always), hook, nmi (with --path for do_nmi's path), advance). Type 'help' for
the full list. FILE arguments are relative to the current directory.

Commands come from SCRIPT, else from standard input (with a prompt when it is a terminal).
From a script or a pipe each command is echoed as '# <command>' before its output, blank lines
and lines starting with '#' are skipped, and a failing command does not stop the run.

Exit status: 0 when every command succeeded, otherwise the status of the last command that
failed (xen-livepatch's own: 1 error, 2 retry/timeout; 127 unknown command; 70 simulator error);
2 when the image or the script cannot be read.
`;

interface SimArgs {
  xen: string;
  cpus: number;
  script: string | null;
}

function parseArgs(args: string[]): SimArgs | string {
  let xen: string | null = null;
  let cpus = 4;
  let script: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--xen") {
      if (args[i + 1] === undefined) return "--xen needs an IMAGE";
      xen = args[++i];
    } else if (a === "--cpus") {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 64) return "--cpus needs a number from 1 to 64";
      cpus = n;
    } else if (a.startsWith("-") && a !== "-") return `unknown option '${a}'`;
    else if (script === null) script = a;
    else return `unexpected argument '${a}'`;
  }
  if (xen === null) return "--xen IMAGE is required";
  return { xen, cpus, script };
}

function readFileOrNull(name: string): Uint8Array | null {
  try {
    const path = resolve(process.cwd(), name);
    if (!statSync(path).isFile()) return null;
    return new Uint8Array(readFileSync(path));
  } catch {
    return null;
  }
}

function print(result: CommandResult): void {
  for (const chunk of result.chunks) (chunk.stream === "stdout" ? process.stdout : process.stderr).write(chunk.text);
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(SIM_HELP);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`livepatch-lens sim: ${parsed}\n\n${SIM_HELP}`);
    return 2;
  }
  const image = readFileOrNull(parsed.xen);
  if (!image) {
    process.stderr.write(`livepatch-lens sim: cannot read image '${parsed.xen}'\n`);
    return 2;
  }
  let script: string | null = null;
  if (parsed.script !== null && parsed.script !== "-") {
    const bytes = readFileOrNull(parsed.script);
    if (!bytes) {
      process.stderr.write(`livepatch-lens sim: cannot read script '${parsed.script}'\n`);
      return 2;
    }
    script = new TextDecoder().decode(bytes);
  }

  const hv = await loadHypervisorNode();
  try {
    bootFromImage(hv, parseElf(image), { cpus: parsed.cpus });
  } catch (err) {
    process.stderr.write(`livepatch-lens sim: cannot boot '${parsed.xen}': ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const con = createConsole({ hv, resolveFile: readFileOrNull });

  let status = 0;
  const runLine = (line: string, echo: boolean) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    if (echo) process.stdout.write(`# ${trimmed}\n`);
    const result = con.run(trimmed);
    print(result);
    if (result.status !== 0) status = result.status;
  };

  if (script !== null) {
    for (const line of script.split(/\r?\n/)) runLine(line, true);
    return status;
  }
  const interactive = Boolean(process.stdin.isTTY);
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  if (interactive) {
    rl.setPrompt("xen-livepatch> ");
    rl.prompt();
  }
  for await (const line of rl) {
    if (interactive && (line.trim() === "exit" || line.trim() === "quit")) break;
    runLine(line, !interactive);
    if (interactive) rl.prompt();
  }
  rl.close();
  return status;
}
