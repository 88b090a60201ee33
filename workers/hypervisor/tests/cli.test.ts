// `livepatch-lens sim` as a child process: echo lines, tool output, and the exit status rules.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(ROOT, "src/cli/livepatch-lens.mjs");

function sim(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, "sim", ...args], { cwd: ROOT, input, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function script(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "lpl-sim-"));
  const path = join(dir, "script.txt");
  writeFileSync(path, text);
  return path;
}

describe("livepatch-lens sim", () => {
  it("runs a script: echoes each command, goes on after failures, exits with the last failure", () => {
    const path = script(
      [
        "# the canonical demo",
        "load public/samples/x86_64/xen_hello_world.livepatch",
        "",
        "load public/samples/x86_64/xen_bye_world.livepatch",
        "revert xen_hello_world",
        "list",
        "mem xen_extra_version 5",
      ].join("\n"),
    );
    const r = sim(["--xen", "public/samples/x86_64/xen-syms", path]);
    const head =
      "# load public/samples/x86_64/xen_hello_world.livepatch\n" +
        "Uploading public/samples/x86_64/xen_hello_world.livepatch... completed\n" +
        "Applying xen_hello_world... completed\n" +
        "# load public/samples/x86_64/xen_bye_world.livepatch\n" +
        "Uploading public/samples/x86_64/xen_bye_world.livepatch... completed\n" +
        "Applying xen_bye_world... completed\n" +
        "# revert xen_hello_world\n" +
        "Reverting xen_hello_world... failed\n" +
        "# list\n" +
        " ID                                     | status     | metadata\n" +
        "----------------------------------------+------------+---------------\n" +
        "xen_hello_world                         | APPLIED    | LIVEPATCH_RULEZ\n" +
        "xen_bye_world                           | APPLIED    | \n" +
        "# mem xen_extra_version 5\n";
    expect(r.stdout.slice(0, head.length)).toBe(head);
    expect(r.stdout).toMatch(/# mem xen_extra_version 5\n0xffff82d040200110: e9 [0-9a-f ]{11}\n$/);
    expect(r.stderr).toBe("Error 16: Device or resource busy\n");
    expect(r.status).toBe(2);
  }, 60_000);

  it("reads commands from a pipe with the same echo; all good is exit 0", () => {
    const r = sim(["--xen", "public/samples/aarch64/xen-syms", "--cpus", "2"], "list\nload public/samples/aarch64/xen_nop.livepatch\n");
    expect(r.stdout).toBe(
      "# list\nNothing to list\n# load public/samples/aarch64/xen_nop.livepatch\n" +
        "Uploading public/samples/aarch64/xen_nop.livepatch... completed\nApplying xen_nop... completed\n",
    );
    expect(r.status).toBe(0);
  }, 60_000);

  it("a missing image is one line and exit 2; --help documents the exit status", () => {
    const r = sim(["--xen", "no/such/xen-syms", "x.txt"]);
    expect(r.stderr).toBe("livepatch-lens sim: cannot read image 'no/such/xen-syms': no such file\n");
    expect(r.status).toBe(2);
    const h = sim(["--help"]);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain("Exit status: 0 when every command succeeded");
  }, 60_000);
});
