// `livepatch-lens sim`: a simulated Xen booted from a xen-syms, driven by xen-livepatch's
// commands and the simulator's own, from a script, a pipe or an interactive prompt.
import { createInterface } from "node:readline";
import { createConsole, type CommandResult } from "../console/index.ts";
import { parseElf } from "../elf/index.ts";
import { loadHypervisorNode } from "../../workers/hypervisor/host/node.ts";
import { bootFromImage } from "../../workers/hypervisor/host/image.ts";
import { parseCommand, usageError } from "./args.ts";
import { SIM } from "./commands.ts";
import { readRegularFile } from "./readFile.ts";
import { LineTooLong, SCRIPT_MAX_BYTES, lines } from "./commandLines.ts";
import { terminalSafe } from "./terminal.ts";

interface SimArgs {
  xen: string;
  cpus: number;
  debugBuild: boolean;
  script: string | null;
}

function simArgs(args: string[]): SimArgs | number {
  const parsed = parseCommand(SIM, args);
  if (!parsed.ok) return parsed.exitCode;
  let cpus = 4;
  if (parsed.values.cpus !== undefined) {
    cpus = Number(parsed.values.cpus);
    if (!/^\d+$/.test(String(parsed.values.cpus)) || cpus < 1 || cpus > 64) return usageError(SIM, "--cpus needs a number from 1 to 64").exitCode;
  }
  return { xen: String(parsed.values.xen), cpus, debugBuild: parsed.values["debug-build"] === true, script: parsed.positionals[0] ?? null };
}

/** The console's FILE arguments: a file that cannot be read is null (xen-livepatch's "Could not open"). */
function readFileOrNull(name: string): Uint8Array | null {
  return readRegularFile(name).bytes;
}

function print(result: CommandResult): void {
  for (const chunk of result.chunks) (chunk.stream === "stdout" ? process.stdout : process.stderr).write(terminalSafe(chunk.text));
}

export async function run(args: string[]): Promise<number> {
  const parsed = simArgs(args);
  if (typeof parsed === "number") return parsed;
  const { bytes: image, problem } = readRegularFile(parsed.xen);
  if (image === null) {
    process.stderr.write(`livepatch-lens sim: cannot read image '${parsed.xen}': ${problem}\n`);
    return 2;
  }
  let script: Uint8Array | null = null;
  if (parsed.script !== null && parsed.script !== "-") {
    const { bytes, problem } = readRegularFile(parsed.script, SCRIPT_MAX_BYTES);
    if (bytes === null) {
      process.stderr.write(`livepatch-lens sim: cannot read script '${parsed.script}': ${problem}\n`);
      return 2;
    }
    script = bytes;
  }

  const hv = await loadHypervisorNode();
  try {
    bootFromImage(hv, parseElf(image), { cpus: parsed.cpus, debugBuild: parsed.debugBuild });
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

  const interactive = Boolean(process.stdin.isTTY);
  if (script !== null || !interactive) {
    try {
      for await (const line of lines(script ? [script] : process.stdin)) runLine(line, true);
    } catch (e) {
      if (!(e instanceof LineTooLong)) throw e;
      process.stderr.write(`livepatch-lens sim: cannot read ${script ? `script '${parsed.script}'` : "standard input"}: ${e.message}\n`);
      process.stdin.destroy();
      return 2;
    }
    return status;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  rl.setPrompt("xen-livepatch> ");
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === "exit" || line.trim() === "quit") break;
    runLine(line, false);
    rl.prompt();
  }
  rl.close();
  return status;
}
