// Argument handling as a user meets it: `--help` for each command, one-line usage errors with
// exit status 2, and a top-level usage that lists exactly the commands and their options.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { COMMANDS } from "./commands.ts";
import { run as inspect } from "./inspect.ts";
import { USAGE, main } from "./main.ts";
import { run as sim } from "./sim.ts";

const root = join(import.meta.dirname, "../..");
const cli = join(root, "src/cli/livepatch-lens.mjs");
const sample = join(root, "public/samples/x86_64/xen_hello_world.livepatch");
const image = join(root, "public/samples/x86_64/xen-syms");

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000, input: "" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A command run in this process, its output captured. */
async function runIn(command: (args: string[]) => Promise<number>, ...args: string[]) {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { status: await command(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** A usage error: nothing on stdout, one line on stderr naming the command, exit 2. */
function expectUsageError(r: { status: number | null; stdout: string; stderr: string }, command: string, reason: string) {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toBe(`livepatch-lens ${command}: ${reason} (see 'livepatch-lens ${command} --help')\n`);
}

describe("top-level usage", () => {
  it("lists exactly inspect, audit and sim with their options, and help", () => {
    const commands = USAGE.split("\n").filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(commands).toEqual([
      "inspect [--json] [--xen IMAGE] FILE",
      "audit [--xen IMAGE] [--applied FILE]... [--replace FILE] [--json] [--markdown] FILE...",
      "sim --xen IMAGE [--cpus N] [--debug-build] [SCRIPT]",
      "help",
    ]);
    expect(COMMANDS.map((c) => c.spec.name)).toEqual(["inspect", "audit", "sim"]);
  });

  it("prints for no arguments, help, --help and -h alike (exit 0); an unknown command is exit 2", async () => {
    for (const r of [run("help"), await runIn(main), await runIn(main, "--help"), await runIn(main, "-h")]) {
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(USAGE);
    }
    const r = await runIn(main, "frobnicate");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("livepatch-lens: unknown command 'frobnicate' (see 'livepatch-lens help')\n");
  });
});

describe("inspect arguments", () => {
  it("--help shows its synopsis and every option, exit 0, wherever it stands", async () => {
    for (const r of [run("inspect", "--help"), await runIn(inspect, "-h"), await runIn(inspect, "--json", "--help", sample)]) {
      expect(r.status).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe("Usage: livepatch-lens inspect [--json] [--xen IMAGE] FILE");
      expect(r.stdout).toMatch(/^ {2}--json {2,}\S/m);
      expect(r.stdout).toMatch(/^ {2}--xen IMAGE {2,}\S/m);
      expect(r.stdout).toMatch(/^ {2}-h, --help {2,}\S/m);
    }
  });

  it("accepts its options in any order, and --xen=IMAGE", () => {
    const a = run("inspect", "--xen", image, sample, "--json");
    expect(a.status, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).livepatch.funcs[0].name).toBe("xen_extra_version");
    const b = run("inspect", `--xen=${image}`, "--json", sample);
    expect(b.stdout).toBe(a.stdout);
  });

  it("gives one line and exit 2 for each usage error", async () => {
    expectUsageError(run("inspect", "--bogus", sample), "inspect", "unknown option '--bogus'");
    expectUsageError(await runIn(inspect), "inspect", "missing FILE");
    expectUsageError(await runIn(inspect, sample, sample), "inspect", `unexpected argument '${sample}'`);
    expectUsageError(await runIn(inspect, "-j", sample), "inspect", "unknown option '-j'");
    expectUsageError(await runIn(inspect, sample, "--xen"), "inspect", "option '--xen' needs a value");
    expectUsageError(await runIn(inspect, "--xen", "--json", sample), "inspect", "option '--xen' needs a value");
    expectUsageError(await runIn(inspect, "--json=yes", sample), "inspect", "option '--json' takes no value");
  });

  it("takes an argument after -- as a file name, not an option", () => {
    const r = run("inspect", "--", "--json");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("livepatch-lens inspect: --json: no such file\n");
  });
});

describe("a single-value option given twice", () => {
  // parseArgs keeps the last value silently: `--xen A --xen B` would inspect against B alone, and an
  // audit with two --replace would drop one payload from the plan and could still pass.
  it("is a usage error naming the option in inspect, audit and sim (exit 2, nothing run)", async () => {
    const other = join(root, "public/samples/x86_64/xen_bye_world.livepatch");
    expectUsageError(run("inspect", "--xen", image, "--xen", image, sample), "inspect", "option '--xen' given more than once");
    expectUsageError(run("audit", "--xen", image, `--xen=${image}`, sample), "audit", "option '--xen' given more than once");
    expectUsageError(run("audit", "--xen", image, "--replace", "/nonexistent", "--replace", other), "audit", "option '--replace' given more than once");
    expectUsageError(run("sim", "--xen", image, "--xen", image), "sim", "option '--xen' given more than once");
    expectUsageError(run("sim", "--xen", image, "--cpus", "2", "--cpus", "3"), "sim", "option '--cpus' given more than once");
  });

  it("leaves a repeatable option repeatable", () => {
    const r = run("audit", "--json", "--xen", image, "--applied", sample, "--applied", join(root, "public/samples/x86_64/xen_bye_world.livepatch"), sample);
    expect(JSON.parse(r.stdout).files.map((f: { role: string }) => f.role)).toEqual(["applied", "applied", "apply"]);
  });
});

describe("audit arguments", () => {
  it("--help comes from the same declaration as inspect's and sim's", () => {
    const r = run("audit", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Usage: livepatch-lens audit [--xen IMAGE] [--applied FILE]... [--replace FILE] [--json] [--markdown] FILE...");
    expect(r.stdout).toMatch(/^ {2}--replace FILE {2,}\S/m);
    expect(r.stdout).toContain("Exit status: 0 accept, 1 reject");
  });

  it("gives one line and exit 2 for each usage error", () => {
    expectUsageError(run("audit", "--frobnicate", sample), "audit", "unknown option '--frobnicate'");
    expectUsageError(run("audit"), "audit", "no payload FILE given");
    expectUsageError(run("audit", "--xen"), "audit", "option '--xen' needs a value");
    expectUsageError(run("audit", "--json", "--markdown", sample), "audit", "--json and --markdown exclude each other");
  });
});

describe("sim arguments", () => {
  it("--help shows its synopsis, options and exit status, exit 0", () => {
    const r = run("sim", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Usage: livepatch-lens sim --xen IMAGE [--cpus N] [--debug-build] [SCRIPT]");
    expect(r.stdout).toMatch(/^ {2}--xen IMAGE {2,}\S/m);
    expect(r.stdout).toMatch(/^ {2}--cpus N {2,}\S/m);
    expect(r.stdout).toContain("Exit status: 0 when every command succeeded");
  });

  it("gives one line and exit 2 for each usage error", async () => {
    expectUsageError(run("sim"), "sim", "--xen IMAGE is required");
    expectUsageError(await runIn(sim, "--xen"), "sim", "option '--xen' needs a value");
    for (const cpus of ["0", "65", "2x", "-1", ""]) expectUsageError(await runIn(sim, "--xen", image, `--cpus=${cpus}`), "sim", "--cpus needs a number from 1 to 64");
    expectUsageError(await runIn(sim, "--xen", image, "a.txt", "b.txt"), "sim", "unexpected argument 'b.txt'");
    expectUsageError(await runIn(sim, "--xen", image, "--nodeps"), "sim", "unknown option '--nodeps'");
  });

  it("runs with --cpus N from standard input", () => {
    const r = spawnSync(process.execPath, [cli, "sim", "--xen", image, "--cpus", "2", "-"], { encoding: "utf8", input: "list\n", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("# list");
  });
});
