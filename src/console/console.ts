// The console shared by `livepatch-lens sim` and the page's Console panel: `xen-livepatch`
// commands (with or without the tool's name in front) plus the simulator's own commands.
// Pure: the hypervisor, the file lookup and the output sink are all injected.
import { SIM_COMMANDS, SIM_USAGE } from "./simcmds.ts";
import { Output, type CommandResult, type ConsoleTarget } from "./target.ts";
import { TOOL_USAGE, runTool } from "./tool.ts";
import { downSince, type PanicAt } from "./down.ts";
import { rawActionText, runRawAction, type RawAction } from "./rawAction.ts";

export interface ConsoleOptions {
  hv: ConsoleTarget;
  /** The bytes of FILE as named on the command line, or null when it cannot be read. */
  resolveFile(name: string): Uint8Array | null;
  /** Called with each command's result as it completes (the CLI prints from here). */
  sink?(result: CommandResult, line: string): void;
  /**
   * Errors the caller handles itself instead of a "simulator error" line (the page's worker lets
   * a wasm trap through, so the page can rebuild the session and say so).
   */
  passThrough?(err: unknown): boolean;
}

export interface Console {
  run(line: string): CommandResult;
  /**
   * A raw ACTION hypercall with its own timeout (the page's buttons off xen-livepatch's 30 ms): a
   * step numbered with the commands, whose panic later steps name (rawAction.ts).
   */
  action(a: RawAction): CommandResult;
}

const TOOL_WORDS = new Set(["upload", "apply", "revert", "replace", "unload", "load", "list", "--force"]);
/** Simulator commands that run Xen's code or ask Xen: refused once the host is down. */
const NEEDS_XEN = new Set(["call", "torn", "xl", "debug-keys"]);

/** Splits like a shell would for simple cases: whitespace, '…' and "…" quoting, backslash escapes. */
export function tokenize(line: string): string[] | null {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

export function createConsole(opts: ConsoleOptions): Console {
  const { hv, resolveFile, sink } = opts;
  /** Steps run so far: commands and raw actions alike (the step numbers the CLI's echo and the page's timeline count). */
  let steps = 0;
  /** The step during which the host panicked; null while it is up (or it went down outside this console). */
  let panicAt: PanicAt | null = null;

  function dispatch(words: string[], out: Output): number {
    const [first, ...rest] = words;
    if (first === "xen-livepatch") return runTool({ hv, resolveFile, out, panicAt }, rest);
    if (first === "help") {
      out.err(TOOL_USAGE);
      out.out(SIM_USAGE);
      return 0;
    }
    const sim = SIM_COMMANDS[first];
    if (NEEDS_XEN.has(first) && hv.halted()) {
      out.err(`${first}: ${downSince(panicAt)}\n`);
      return 1;
    }
    if (sim) return sim(hv, out, rest);
    if (TOOL_WORDS.has(first)) return runTool({ hv, resolveFile, out, panicAt }, words);
    out.err(`${first}: unknown command -- try 'help'\n`);
    return 127;
  }

  /** Runs one step: numbers it, and notes it as the panic's step when the host went down during it. */
  function step(text: string, counts: boolean, body: (out: Output) => number): CommandResult {
    const out = new Output();
    if (counts) steps++;
    const up = !hv.halted();
    let status: number;
    try {
      status = body(out);
    } catch (err) {
      if (opts.passThrough?.(err)) throw err;
      // The host already reset the simulator; say so and keep the console alive.
      out.err(`simulator error: ${err instanceof Error ? err.message : String(err)}\n`);
      status = 70;
    }
    if (up && hv.halted()) panicAt = { step: steps, command: text };
    return out.result(status);
  }

  return {
    run(line) {
      const words = tokenize(line.trim());
      const result = step(line.trim(), line.trim() !== "", (out) => {
        if (words === null) {
          out.err("unterminated quote\n");
          return 2;
        }
        return words.length === 0 ? 0 : dispatch(words, out);
      });
      sink?.(result, line);
      return result;
    },
    action(a) {
      const result = step(rawActionText(a), true, (out) => runRawAction(hv, out, a, panicAt));
      sink?.(result, rawActionText(a));
      return result;
    },
  };
}

export type { CommandResult, ConsoleTarget, OutputChunk } from "./target.ts";
