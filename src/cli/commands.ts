// Every subcommand's declaration (options, positionals, help) and how to load it. Kept apart
// from the commands themselves so the top-level usage and `--help` never load the simulator.
import type { CommandSpec } from "./args.ts";
import { LINE_MAX_BYTES, SCRIPT_MAX_BYTES } from "./commandLines.ts";

export const INSPECT: CommandSpec = {
  name: "inspect",
  summary: "Show a payload's ELF structure and livepatch view",
  options: {
    json: { type: "boolean", description: "One JSON document (schema in the README)" },
    xen: { type: "string", value: "IMAGE", description: "The target xen-syms: resolves old addresses, reads old bytes, checks the build-id" },
  },
  positionals: "FILE",
  minPositionals: 1,
  maxPositionals: 1,
  details: "Exit status: 0 when the file is shown, also one read only in part (a section table past its end, say: each error is listed under Diagnostics; `audit` is the gate that fails closed); 1 with a one-line message when FILE or IMAGE cannot be read as ELF at all (no ELF header); 2 for bad arguments.",
};

export const AUDIT: CommandSpec = {
  name: "audit",
  summary: "Would this Xen accept the plan, and what would it write?",
  options: {
    xen: { type: "string", value: "IMAGE", description: "The target xen-syms; without it a stand-in Xen is booted from the payloads' own assumptions" },
    applied: { type: "string", value: "FILE", multiple: true, description: "A payload already uploaded and applied on the host (repeat, in order)" },
    replace: { type: "string", value: "FILE", description: "Uploaded last and applied with REPLACE" },
    json: { type: "boolean", description: "{ verdict, reason, findings: [ { id, severity, message, why, ... } ], ... }" },
    markdown: { type: "boolean", description: "A report for a review or a ticket" },
  },
  positionals: "FILE...",
  minPositionals: 0,
  maxPositionals: Infinity,
  details: `FILE... are uploaded and applied in the order given. Without --xen, the checks that need
the real image are listed as info. --replace and --xen may each be given once; --json and
--markdown exclude each other.

Exit status: 0 accept, 1 reject (a file that cannot be read is a rejection), 2 usage error.`,
};

export const SIM: CommandSpec = {
  name: "sim",
  summary: "A simulated hypervisor with xen-livepatch's console",
  options: {
    xen: { type: "string", value: "IMAGE", required: true, description: "The xen-syms ELF to boot" },
    cpus: { type: "string", value: "N", description: "Simulated CPUs, 1 to 64 (default 4)" },
    "debug-build": { type: "boolean", description: "A debug build of Xen (CONFIG_DEBUG): the console also carries Xen's dprintk lines" },
  },
  positionals: "[SCRIPT]",
  minPositionals: 0,
  maxPositionals: 1,
  details: `Boots a simulated Xen from IMAGE on N CPUs and runs console commands: xen-livepatch's
(upload, apply, revert, replace, unload, load, list, with --force and --nodeps) and the
simulator's (debug-keys x, dmesg, mem, cpus, stall (idle or IRQ phase, once or always), hook,
nmi (with --path for do_nmi's path), advance). Type 'help' for the full list. FILE arguments
are relative to the current directory. The simulated Xen is a release build unless
--debug-build makes it a debug build, whose console also prints Xen's dprintk lines
("common/livepatch.c:NNN: ...").

Commands come from SCRIPT ('-' or none: standard input, with a prompt when it is a terminal).
From a script or a pipe each command is echoed as '# <command>' before its output, blank lines
and lines starting with '#' are skipped, and a failing command does not stop the run. A SCRIPT
must be a regular file of at most ${SCRIPT_MAX_BYTES >> 20} MiB, and a line longer than ${LINE_MAX_BYTES >> 10} KiB stops the run
(exit 2), from a SCRIPT or standard input alike.

Exit status: 0 when every command succeeded, otherwise the status of the last command that
failed (xen-livepatch's own: 1 error, 2 retry/timeout; 127 unknown command; 70 simulator error);
2 when the arguments are wrong or the image or the script cannot be read.`,
};

export type Command = (args: string[]) => Promise<number>;

/** In the order the top-level usage lists them; each module is loaded only when run. */
export const COMMANDS: { spec: CommandSpec; load(): Promise<Command> }[] = [
  { spec: INSPECT, load: () => import("./inspect.ts").then((m) => m.run) },
  { spec: AUDIT, load: () => import("./audit.ts").then((m) => m.run) },
  { spec: SIM, load: () => import("./sim.ts").then((m) => m.run) },
];
