// The `xen-livepatch` tool of Xen 4.23 (tools/misc/xen-livepatch.c), emulated over the simulated
// hypervisor: exact command names, its flag parsing, its messages and usage text, its single
// 60 ms wait after an action, and its exit statuses. libxc's part (the name length it accepts,
// errno = −rc) is folded in here too.
import { EAGAIN, EBUSY, EINVAL, ENOENT, strerror } from "./errno.ts";
import type { ConsoleTarget, Output } from "./target.ts";
import { listPayloads, reportListFailure } from "./listing.ts";
import { loadName } from "./loadName.ts";
import { downSince, PANICKED_IN_HYPERCALL, type PanicAt } from "./down.ts";

/** XEN_LIVEPATCH_NAME_SIZE. */
export const NAME_SIZE = 128;
/** HYPERVISOR_TIMEOUT_NS; the tool then sleeps DELAY, twice that, once. */
export const TOOL_TIMEOUT_NS = 30_000_000;
export const TOOL_SLEEP_NS = 2 * TOOL_TIMEOUT_NS;
const STATE_CHECKED = 1;
const STATE_APPLIED = 2;
const NODEPS = 1;
const FORCE = 1;

/** show_help() in tools/misc/xen-livepatch.c, word for word (printed on stderr). */
export const TOOL_USAGE =
  "xen-livepatch: live patching tool\n" +
  "Usage: xen-livepatch [--force] <command> [args] [command-flags]\n" +
  " Use --force option to bypass some checks.\n" +
  ` <name> An unique name of payload. Up to ${NAME_SIZE} characters.\n` +
  "Commands:\n" +
  "  help                   display this help\n" +
  "  upload <name> <file>   upload file <file> with <name> name\n" +
  "  list                   list payloads uploaded.\n" +
  "  apply <name> [flags]   apply <name> patch.\n" +
  "    Supported flags:\n" +
  "      --nodeps           Disable inter-module buildid dependency check.\n" +
  "                         Check only against hypervisor buildid.\n" +
  "  revert <name>          revert name <name> patch.\n" +
  "  replace <name>         apply <name> patch and revert all others.\n" +
  "  unload <name>          unload name <name> patch.\n" +
  "  load <file> [flags]    upload and apply <file> with name as the <file> name\n" +
  "    Supported flags:\n" +
  "      --nodeps           Disable inter-module buildid dependency check.\n" +
  "                         Check only against hypervisor buildid.\n";

interface ActionOption {
  name: string;
  verb: string;
  cmd: 1 | 2 | 3 | 4;
  /** State the payload must be in (a bit tested with &, as the tool does). */
  allow: number;
  /** The state (or −ENOENT for unload) the tool expects afterwards. */
  expected: number;
  /** flag_options[] for this action. */
  flags: Record<string, number>;
}

/** action_options[] and flag_options[], in the tool's order (the index matters to load). */
const ACTIONS: readonly ActionOption[] = [
  { name: "apply", verb: "Applying", cmd: 3, allow: STATE_CHECKED, expected: STATE_APPLIED, flags: { "--nodeps": NODEPS } },
  { name: "revert", verb: "Reverting", cmd: 2, allow: STATE_APPLIED, expected: STATE_CHECKED, flags: {} },
  { name: "unload", verb: "Unloading", cmd: 1, allow: STATE_CHECKED, expected: -ENOENT, flags: {} },
  { name: "replace", verb: "Replacing all live patches with", cmd: 4, allow: STATE_CHECKED, expected: STATE_APPLIED, flags: {} },
];
const APPLY = ACTIONS[0];
const UNLOAD = ACTIONS[2];
const MAIN = ["help", "list", "upload", "load"] as const;

/** state2str(). */
export function stateName(state: number): string {
  if (state === STATE_CHECKED) return "CHECKED";
  if (state === STATE_APPLIED) return "APPLIED";
  return "unknown";
}

/** main()'s exit status for a function's return: 0, 2 for EAGAIN/EBUSY (retry), else 1. */
export function exitStatus(ret: number): number {
  if (ret === 0) return 0;
  if (ret === EAGAIN || ret === EBUSY) return 2;
  return 1;
}

export interface ToolEnv {
  hv: ConsoleTarget;
  resolveFile(name: string): Uint8Array | null;
  out: Output;
  /** --force: the UPLOAD op flags word gets LIVEPATCH_FLAG_FORCE. */
  force?: boolean;
  /** The console command during which the host panicked, when the console saw it (see down.ts). */
  panicAt?: PanicAt | null;
}

/** strlen(): names are counted in bytes. */
function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Runs `xen-livepatch ARGS...` (main()); returns the process exit status. */
export function runTool(env: ToolEnv, argv: readonly string[]): number {
  const { out } = env;
  let args = [...argv];
  if (args.length === 0) {
    out.err(TOOL_USAGE);
    return 0;
  }
  let force = false;
  if (args[0] === "--force") {
    if (args.length === 1) {
      out.err(TOOL_USAGE);
      return 1;
    }
    force = true;
    args = args.slice(1);
  }
  const [command, ...rest] = args;
  // Exact names only (strcmp), main_options first, then action_options.
  const main = MAIN.find((m) => m === command);
  const action = main ? undefined : ACTIONS.find((a) => a.name === command);
  if (!main && !action) {
    out.err(`Unrecognised command '${command}' -- try 'xen-livepatch help'\n`);
    return 1;
  }
  const tool = { ...env, force };
  let ret: number;
  if (action) ret = actionFunc(tool, rest, action);
  else if (main === "help") {
    out.err(TOOL_USAGE);
    ret = 0;
  } else if (main === "list") ret = listFunc(tool, rest);
  else if (main === "upload") ret = uploadFunc(tool, rest);
  else ret = loadFunc(tool, rest);
  return exitStatus(ret);
}

/** get_name(): "ID must be no more than %d characters." */
function nameTooLong(env: ToolEnv, name: string): boolean {
  if (byteLength(name) <= NAME_SIZE) return false;
  env.out.err(`ID must be no more than ${NAME_SIZE} characters.\n`);
  return true;
}

function errLine(env: ToolEnv, errno: number): void {
  env.out.err(`Error ${errno}: ${strerror(errno)}\n`);
}

/** The simulated host went down inside the call: the real tool would never get an answer. */
function hostDown(env: ToolEnv): number {
  env.out.out("\n");
  env.out.err(`(simulator) ${PANICKED_IN_HYPERCALL}\n`);
  return 1;
}

/** The host was down before the hypercall: nothing is asked, and no errno is made up for it. */
function alreadyDown(env: ToolEnv): number {
  env.out.err(`(simulator) ${downSince(env.panicAt ?? null)}\n`);
  return 1;
}

/** libxc: the name and its NUL must fit in XEN_LIVEPATCH_NAME_SIZE, else errno EINVAL, no hypercall. */
function libxcNameOk(name: string): boolean {
  return byteLength(name) + 1 <= NAME_SIZE;
}

function uploadFunc(env: ToolEnv, args: string[]): number {
  const { out, hv } = env;
  if (args.length !== 2) {
    out.err(TOOL_USAGE);
    return -1;
  }
  const [name, file] = args;
  if (nameTooLong(env, name)) return EINVAL;
  const bytes = env.resolveFile(file);
  if (!bytes) {
    out.err(`Could not open ${file}.\n`);
    errLine(env, ENOENT);
    return ENOENT;
  }
  // mmap() of an empty file fails with EINVAL before any hypercall.
  if (bytes.length === 0) {
    out.err(`Could not map ${file}.\n`);
    errLine(env, EINVAL);
    return EINVAL;
  }
  if (hv.halted()) return alreadyDown(env);
  out.out(`Uploading ${file}... `);
  const rc = libxcNameOk(name) ? hv.upload(name, bytes, env.force ? FORCE : 0) : -EINVAL;
  if (hv.halted()) return hostDown(env);
  if (rc !== 0) {
    out.out("failed\n");
    errLine(env, -rc);
    return -rc;
  }
  out.out("completed\n");
  return 0;
}

function get(env: ToolEnv, name: string) {
  if (!libxcNameOk(name)) return { ret: -EINVAL, state: 0, rc: 0 };
  return env.hv.get(name);
}

function wrongState(env: ToolEnv, name: string, current: number, wanted: number): void {
  env.out.err(`${name} is in the wrong state.\nCurrent state: ${stateName(current)}\nExpected state: ${stateName(wanted)}\n`);
}

/** get_flags(): each argument must be one of the action's flags. */
function parseFlags(env: ToolEnv, args: readonly string[], opt: ActionOption): number | null {
  let flags = 0;
  for (const a of args) {
    const f = Object.hasOwn(opt.flags, a) ? opt.flags[a] : undefined;
    if (f === undefined) {
      env.out.err(`Unsupported flag: ${a}.\n`);
      return null;
    }
    flags |= f;
  }
  return flags;
}

function actionFunc(env: ToolEnv, args: string[], opt: ActionOption): number {
  const { out, hv } = env;
  if (args.length < 1) {
    out.err(TOOL_USAGE);
    return -1;
  }
  const [name, ...flagArgs] = args;
  if (nameTooLong(env, name)) return EINVAL;
  const flags = parseFlags(env, flagArgs, opt);
  if (flags === null) return EINVAL;

  if (hv.halted()) return alreadyDown(env);
  const before = get(env, name);
  if (before.ret !== 0) {
    out.err(`Failed to get status of ${name}.\n`);
    errLine(env, -before.ret);
    return -before.ret;
  }
  if (before.rc === -EAGAIN) {
    out.err(`Cannot execute ${opt.name}.\nOperation already in progress.\n`);
    return EAGAIN;
  }
  if (before.state === opt.expected) {
    out.out("No action needed.\n");
    return 0;
  }
  if (!(opt.allow & before.state)) {
    wrongState(env, name, before.state, opt.allow);
    return -1;
  }
  out.out(`${opt.verb} ${name}... `);
  const hc = hv.action(name, opt.cmd, TOOL_TIMEOUT_NS, flags);
  if (hv.halted()) return hostDown(env);
  if (hc !== 0) {
    out.out("failed\n");
    errLine(env, -hc);
    return -hc;
  }

  hv.advance(TOOL_SLEEP_NS);
  if (hv.halted()) return hostDown(env);
  const after = get(env, name);
  let rc = after.ret !== 0 ? after.ret : after.rc;
  if (rc === -EAGAIN) {
    out.out("failed\n");
    out.err("Operation didn't complete.\n");
    return EAGAIN;
  }
  if (rc === 0) rc = after.state;
  if (rc === opt.expected) {
    out.out("completed\n");
    return 0;
  }
  out.out("failed\n");
  if (rc < 0) {
    errLine(env, -rc);
    return -rc;
  }
  wrongState(env, name, rc, opt.expected);
  return -1;
}

function loadFunc(env: ToolEnv, args: string[]): number {
  if (args.length < 1) {
    env.out.err(TOOL_USAGE);
    return -1;
  }
  const [file, ...flags] = args;
  const name = loadName(file);
  const up = uploadFunc(env, [name, file]);
  if (up !== 0) return up;
  const rc = actionFunc(env, [name, ...flags], APPLY);
  if (rc !== 0 && !env.hv.halted()) actionFunc(env, [name], UNLOAD);
  return rc;
}

function listFunc(env: ToolEnv, args: string[]): number {
  const { out, hv } = env;
  if (args.length !== 0) {
    out.err(TOOL_USAGE);
    return -1;
  }
  if (hv.halted()) return alreadyDown(env);
  let entries;
  if (hv.listOp) {
    const listing = listPayloads(hv.listOp.bind(hv));
    if (hv.halted()) return hostDown(env);
    if (!listing.ok) return reportListFailure(out, listing);
    entries = listing.entries;
  } else entries = hv.list();
  if (entries.length === 0) {
    out.out("Nothing to list\n");
    return 0;
  }
  out.out(" ID                                     | status     | metadata\n");
  out.out("----------------------------------------+------------+---------------\n");
  for (const e of entries) out.out(formatListRow(e.name, e.state, e.rc, e.metadata));
  return 0;
}

/** One `list` row: name in 40 columns, state, optional (errno, text), metadata with NULs as `;`. */
export function formatListRow(name: string, state: number, rc: number, metadata: string): string {
  const status = rc !== 0 ? ` (${-rc}, ${strerror(-rc)})    | ` : "    | ";
  const meta = (metadata.endsWith("\0") ? metadata.slice(0, -1) : metadata).replace(/\0/g, ";");
  return `${name.padEnd(40)}| ${stateName(state)}${status}${meta}\n`;
}
