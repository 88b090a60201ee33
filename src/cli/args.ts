// Argument handling shared by every subcommand: one declaration per command (its options,
// positionals and help) drives `node:util` parseArgs, `--help`, the one-line usage errors
// (exit 2) and the top-level usage, so they can never disagree.
import { parseArgs } from "node:util";

export const PROGRAM = "livepatch-lens";

export interface OptionSpec {
  type: "boolean" | "string";
  short?: string;
  /** The value's placeholder in usage text (`IMAGE` in `--xen IMAGE`); string options only. */
  value?: string;
  /** A string option that must be given. */
  required?: boolean;
  multiple?: boolean;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** One line, for the top-level usage. */
  summary: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments as shown in usage (`FILE`, `FILE...`, `[SCRIPT]`). */
  positionals: string;
  minPositionals: number;
  maxPositionals: number;
  /** Paragraphs printed after the options by `--help`. */
  details?: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Not to be run: help was printed (exit 0) or a usage error (exit 2). */
export interface Stop {
  ok: false;
  exitCode: number;
}

export type ParsedArgs = { ok: true; values: OptionValues; positionals: string[] } | Stop;

/** `inspect [--json] [--xen IMAGE] FILE`: options in declaration order (`...` when repeatable), then positionals. */
export function synopsis(spec: CommandSpec): string {
  const parts = Object.entries(spec.options).map(([name, o]) => {
    const text = `--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
    return `${o.required ? text : `[${text}]`}${o.multiple ? "..." : ""}`;
  });
  return [spec.name, ...parts, spec.positionals].filter(Boolean).join(" ");
}

/** Exit statuses of the launcher (livepatch-lens.mjs), the same for every command. */
export const COMMON_EXIT = "Exit status 2 also when the output cannot be written (one line: 'cannot write output'); 70 on an internal error.";

/** What `<command> --help` prints. */
export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`, o.description]);
  rows.push(["-h, --help", "Show this help"]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const options = rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join("\n");
  return `Usage: ${PROGRAM} ${synopsis(spec)}\n\n${spec.summary}\n\nOptions:\n${options}\n${spec.details ? `\n${spec.details.trimEnd()}\n` : ""}\n${COMMON_EXIT}\n`;
}

/** The top-level usage: every command's synopsis, its summary indented below it. */
export function programUsage(specs: CommandSpec[], about: string): string {
  const commands = [...specs.map((s) => `  ${synopsis(s)}\n      ${s.summary}`), "  help\n      Show this text"].join("\n");
  return `Usage: ${PROGRAM} <command> [options]\n\n${about}\n\nCommands:\n${commands}\n\nRun '${PROGRAM} <command> --help' for a command's options.\n`;
}

/** A usage error: one line on stderr naming the command, exit status 2. */
export function usageError(spec: CommandSpec, message: string): Stop {
  process.stderr.write(`${PROGRAM} ${spec.name}: ${message} (see '${PROGRAM} ${spec.name} --help')\n`);
  return { ok: false, exitCode: 2 };
}

/** parseArgs' messages are long and multi-line; a user gets the short reason. */
function shortReason(e: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${option ?? "?"}'`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /does not take an argument/.test(e.message) ? `option '${option}' takes no value` : `option '${option}' needs a value`;
    default:
      return e.message.split("\n")[0];
  }
}

/**
 * Parses `args` for `spec`. `--help` anywhere before `--` prints the help (exit 0); a bad
 * option, a single-value option given twice, a missing required option or the wrong number of
 * positionals is a usage error.
 */
export function parseCommand(spec: CommandSpec, args: string[]): ParsedArgs {
  const end = args.indexOf("--");
  const own = end < 0 ? args : args.slice(0, end);
  if (own.includes("--help") || own.includes("-h")) {
    process.stdout.write(commandHelp(spec));
    return { ok: false, exitCode: 0 };
  }
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) }]),
  );
  let parsed: { values: OptionValues; positionals: string[]; tokens: { kind: string; name?: string }[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true }) as typeof parsed;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) throw e;
    return usageError(spec, shortReason(e as Error & { code?: string }));
  }
  for (const [name, o] of Object.entries(spec.options)) {
    // parseArgs keeps the last of a repeated single-value option and drops the others unseen.
    if (o.type === "string" && !o.multiple && parsed.tokens.filter((t) => t.kind === "option" && t.name === name).length > 1) return usageError(spec, `option '--${name}' given more than once`);
    if (o.required && parsed.values[name] === undefined) return usageError(spec, `--${name} ${o.value ?? "VALUE"} is required`);
  }
  const n = parsed.positionals.length;
  if (n < spec.minPositionals) return usageError(spec, `missing ${spec.positionals.replace(/[[\].]/g, "")}`);
  if (n > spec.maxPositionals) return usageError(spec, `unexpected argument '${parsed.positionals[spec.maxPositionals]}'`);
  return { ok: true, values: parsed.values, positionals: parsed.positionals };
}
