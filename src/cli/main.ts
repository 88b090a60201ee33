// Command dispatch for `livepatch-lens`. Each subcommand lives in its own module and returns
// its exit code; nothing here writes a stack trace for a user error.
import { PROGRAM, programUsage } from "./args.ts";
import { COMMANDS } from "./commands.ts";

export const USAGE = programUsage(
  COMMANDS.map((c) => c.spec),
  "Inspect, audit and simulate Xen hypervisor livepatch payloads.",
);

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    process.stderr.write(`${PROGRAM}: unknown command '${name}' (see '${PROGRAM} help')\n`);
    return 2;
  }
  return (await command.load())(rest);
}
