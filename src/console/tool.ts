// The `xen-livepatch` tool, emulated over the simulated hypervisor: its messages, its `list`
// table, its single 60 ms wait after an action, and its exit statuses (facts §13). libxc's part
// (the name length it accepts, errno = −rc) is folded in here too.
import { EAGAIN, EBUSY, EINVAL, ENOENT, strerror } from "./errno.ts";
import type { ConsoleTarget, Output } from "./target.ts";
import { listPayloads, reportListFailure } from "./listing.ts";

export const NAME_SIZE = 128;
/** The tool asks the hypervisor for 30 ms and then sleeps twice that once. */
export const TOOL_TIMEOUT_NS = 30_000_000;
export const TOOL_SLEEP_NS = 2 * TOOL_TIMEOUT_NS;
const STATE_CHECKED = 1;
const STATE_APPLIED = 2;
const NODEPS = 1;
const FORCE = 1;

export const TOOL_USAGE = `xen-livepatch (simulated): live patching of the running hypervisor
Usage: xen-livepatch [--force] <command> [args] [command-flags]
  --force                 bypass optional checks (passed on upload only)
  <name>                  a unique payload name, at most ${NAME_SIZE} characters
Commands:
  help                    show this text
  upload <name> <file>    upload <file> as payload <name>
  list                    list the uploaded payloads
  apply <name>            apply payload <name>
  revert <name>           revert payload <name>
  replace <name>          revert every applied payload, then apply <name>
  unload <name>           unload payload <name>
  load <file>             upload and apply <file>, named after the file without its extension
Command flags:
  --nodeps                apply/load: skip the build-id dependency check
`;

interface ActionOption {
  name: string;
  verb: string;
  cmd: 1 | 2 | 3 | 4;
  /** State bit the payload must be in. */
  allow: number;
  /** The state (or −ENOENT for unload) the tool expects afterwards. */
  expected: number;
}

const ACTIONS: readonly ActionOption[] = [
  { name: "apply", verb: "Applying", cmd: 3, allow: STATE_CHECKED, expected: STATE_APPLIED },
  { name: "revert", verb: "Reverting", cmd: 2, allow: STATE_APPLIED, expected: STATE_CHECKED },
  { name: "unload", verb: "Unloading", cmd: 1, allow: STATE_CHECKED, expected: -ENOENT },
  { name: "replace", verb: "Replacing all live patches with", cmd: 4, allow: STATE_CHECKED, expected: STATE_APPLIED },
];
const MAIN = ["help", "list", "upload", "load"] as const;

export function stateName(state: number): string {
  if (state === STATE_CHECKED) return "CHECKED";
  if (state === STATE_APPLIED) return "APPLIED";
  return "unknown";
}

/** The tool's `main()` return mapped to the process status. */
export function exitStatus(ret: number): number {
  if (ret === 0) return 0;
  if (ret === EAGAIN || ret === EBUSY) return 2;
  return 1;
}

export interface ToolEnv {
  hv: ConsoleTarget;
  resolveFile(name: string): Uint8Array | null;
  out: Output;
}

/** Runs `xen-livepatch ARGS...`; returns the process exit status. */
export function runTool(env: ToolEnv, argv: readonly string[]): number {
  const { out } = env;
  let args = [...argv];
  let flags = 0;
  if (args.length === 0) {
    out.err(TOOL_USAGE);
    return 0;
  }
  if (args[0] === "--force") {
    flags = FORCE;
    args = args.slice(1);
    if (args.length === 0) {
      out.err(TOOL_USAGE);
      return 1;
    }
  }
  const [command, ...rest] = args;
  // The real tool matches the word as a prefix of each command name, first match wins.
  const main = MAIN.find((m) => m.startsWith(command));
  const action = main ? undefined : ACTIONS.find((a) => a.name.startsWith(command));
  if (!main && !action) {
    out.err(`Unrecognised command '${command}' -- try 'xen-livepatch help'\n`);
    return 1;
  }
  let ret: number;
  if (action) ret = actionFunc(env, rest, action);
  else if (main === "help") {
    out.err(TOOL_USAGE);
    ret = 0;
  } else if (main === "list") ret = listFunc(env, rest);
  else if (main === "upload") ret = uploadFunc(env, rest, flags);
  else ret = loadFunc(env, rest, flags);
  return exitStatus(ret);
}

function nameTooLong(env: ToolEnv, name: string): boolean {
  if (name.length <= NAME_SIZE) return false;
  env.out.err(`ID must be no more than ${NAME_SIZE} characters.\n`);
  return true;
}

function errLine(env: ToolEnv, errno: number): void {
  env.out.err(`Error ${errno}: ${strerror(errno)}\n`);
}

function uploadFunc(env: ToolEnv, args: string[], flags: number): number {
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
  out.out(`Uploading ${file}... `);
  // libxc wants the name and its NUL to fit in XEN_LIVEPATCH_NAME_SIZE.
  const rc = name.length + 1 > NAME_SIZE ? -EINVAL : hv.upload(name, bytes, flags);
  if (rc !== 0) {
    out.out("failed\n");
    errLine(env, -rc);
    return -rc;
  }
  out.out("completed\n");
  return 0;
}

function get(env: ToolEnv, name: string) {
  if (name.length + 1 > NAME_SIZE) return { ret: -EINVAL, state: 0, rc: 0 };
  return env.hv.get(name);
}

function wrongState(env: ToolEnv, name: string, current: number, wanted: number): void {
  env.out.err(`${name} is in the wrong state.\nCurrent state: ${stateName(current)}\nExpected state: ${stateName(wanted)}\n`);
}

function actionFunc(env: ToolEnv, args: string[], opt: ActionOption, forcedFlags = 0): number {
  const { out, hv } = env;
  if (args.length < 1 || args.length > 2) {
    out.err(TOOL_USAGE);
    return -1;
  }
  const [name, flag] = args;
  let flags = forcedFlags;
  if (flag !== undefined) {
    if (opt.name === "apply" && flag === "--nodeps") flags |= NODEPS;
    else {
      out.err(`Unsupported flag: ${flag}.\n`);
      return EINVAL;
    }
  }
  if (nameTooLong(env, name)) return EINVAL;

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
  if (hc !== 0) {
    out.out("failed\n");
    errLine(env, -hc);
    return -hc;
  }

  hv.advance(TOOL_SLEEP_NS);
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

function loadFunc(env: ToolEnv, args: string[], uploadFlags: number): number {
  if (args.length < 1 || args.length > 2) {
    env.out.err(TOOL_USAGE);
    return -1;
  }
  const [file, flag] = args;
  const trimmed = file.replace(/\/+$/, "");
  const base = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  const name = dot >= 0 ? base.slice(0, dot) : base;
  const up = uploadFunc(env, [name, file], uploadFlags);
  if (up !== 0) return up;
  const apply = ACTIONS[0];
  const rc = actionFunc(env, flag === undefined ? [name] : [name, flag], apply);
  if (rc !== 0) actionFunc(env, [name], ACTIONS[2]);
  return rc;
}

function listFunc(env: ToolEnv, args: string[]): number {
  const { out, hv } = env;
  if (args.length !== 0) {
    out.err(TOOL_USAGE);
    return -1;
  }
  let entries;
  if (hv.listOp) {
    const listing = listPayloads(hv.listOp.bind(hv));
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
