// Command dispatch for `livepatch-lens`. Each subcommand lives in its own module and returns
// its exit code; nothing here writes a stack trace for a user error.

export const USAGE = `Usage: livepatch-lens <command> [options]

Inspect, audit and simulate Xen hypervisor livepatch payloads.

Commands:
  inspect [--json] FILE                 Show a payload's ELF structure and livepatch view
  audit [--xen IMAGE] [--json] FILE...  Would this Xen accept it, and what would it do?
  sim --xen IMAGE [--cpus N] [SCRIPT]   A simulated hypervisor with xen-livepatch's console
  help                                  Show this text
`;

type Command = (args: string[]) => Promise<number>;

// Loaded lazily so `help` and a fast `inspect` never pay for the simulator's start-up.
const commands: Record<string, () => Promise<Command>> = {
  inspect: () => import("./inspect.ts").then((m) => m.run),
  audit: () => import("./audit.ts").then((m) => m.run),
  sim: () => import("./sim.ts").then((m) => m.run),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(USAGE);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`livepatch-lens: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}
