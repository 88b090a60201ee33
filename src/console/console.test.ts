// The console's xen-livepatch emulation, checked for exact text and exit statuses: against the
// real simulator for the ordinary paths, and against a scripted target for the paths a healthy
// simulator cannot reach on demand (GET failing after the action, for instance).
import { beforeEach, describe, expect, it } from "vitest";
import { createConsole, tokenize, TOOL_USAGE, type Console } from "./index.ts";
import type { ConsoleGet, ConsoleListEntry, ConsoleTarget } from "./target.ts";
import { inertTarget } from "./test-support/inertTarget.ts";
import { booted, sample } from "../../workers/hypervisor/tests/harness.ts";
import type { HypervisorApi } from "../../workers/hypervisor/host/api.ts";
import { Patch } from "../audit/test-support/samples.ts";

const files = (name: string) => {
  if (name === "empty.livepatch") return new Uint8Array(0);
  try {
    return sample(`x86_64/${name.replace(/^\.\/dir\//, "")}`);
  } catch {
    return null;
  }
};

describe("xen-livepatch over the simulator", () => {
  let hv: HypervisorApi;
  let con: Console;
  beforeEach(async () => {
    hv = await booted("x86_64", 4);
    con = createConsole({ hv, resolveFile: files });
  });
  const run = (line: string) => con.run(line);

  it("load, list, bye, revert under bye, replace: exact lines and statuses", () => {
    expect(run("list")).toMatchObject({ output: "Nothing to list\n", status: 0 });
    expect(run("load xen_hello_world.livepatch")).toMatchObject({
      output: "Uploading xen_hello_world.livepatch... completed\nApplying xen_hello_world... completed\n",
      status: 0,
    });
    expect(run("apply xen_hello_world")).toMatchObject({ output: "No action needed.\n", status: 0 });
    expect(run("xen-livepatch upload xen_bye_world xen_bye_world.livepatch").status).toBe(0);
    expect(run("list").output).toBe(
      " ID                                     | status     | metadata\n" +
        "----------------------------------------+------------+---------------\n" +
        "xen_hello_world                         | APPLIED    | LIVEPATCH_RULEZ\n" +
        "xen_bye_world                           | CHECKED    | \n",
    );
    expect(run("apply xen_bye_world")).toMatchObject({ output: "Applying xen_bye_world... completed\n", status: 0 });
    const busy = run("revert xen_hello_world");
    expect(busy.output).toBe("Reverting xen_hello_world... failed\nError 16: Device or resource busy\n");
    expect(busy.chunks).toEqual([
      { stream: "stdout", text: "Reverting xen_hello_world... failed\n" },
      { stream: "stderr", text: "Error 16: Device or resource busy\n" },
    ]);
    expect(busy.status).toBe(2);
    expect(run("unload xen_hello_world")).toMatchObject({
      output: "xen_hello_world is in the wrong state.\nCurrent state: APPLIED\nExpected state: CHECKED\n",
      status: 1,
    });
    run("upload xen_replace_world xen_replace_world.livepatch");
    expect(run("replace xen_replace_world")).toMatchObject({
      output: "Replacing all live patches with xen_replace_world... completed\n",
      status: 0,
    });
    expect(run("revert xen_hello_world")).toMatchObject({ output: "No action needed.\n", status: 0 });
  });

  it("failed upload, unknown payload, failed apply after load rolls back with unload", () => {
    expect(run("upload nobuild xen_no_xen_buildid.livepatch")).toMatchObject({
      output: "Uploading xen_no_xen_buildid.livepatch... failed\nError 22: Invalid argument\n",
      status: 1,
    });
    expect(run("upload x missing.livepatch")).toMatchObject({
      output: "Could not open missing.livepatch.\nError 2: No such file or directory\n",
      status: 1,
    });
    expect(run("apply nothere")).toMatchObject({
      output: "Failed to get status of nothere.\nError 2: No such file or directory\n",
      status: 1,
    });
    // bye's dependency is hello, which is not applied: the apply fails and load unloads it again.
    expect(run("load xen_bye_world.livepatch")).toMatchObject({
      output:
        "Uploading xen_bye_world.livepatch... completed\nApplying xen_bye_world... failed\nError 22: Invalid argument\n" +
        "Unloading xen_bye_world... completed\n",
      status: 1,
    });
    expect(run("load xen_bye_world.livepatch --nodeps").status).toBe(0);
  });

  it("a rendezvous timeout is exit 2 with Error 16; a stuck master is 'Operation didn't complete.'", () => {
    run("upload xen_nop xen_nop.livepatch");
    expect(run("stall 2 45").status).toBe(0);
    expect(run("apply xen_nop")).toMatchObject({ output: "Applying xen_nop... failed\nError 16: Device or resource busy\n", status: 2 });
    expect(run("list").output).toContain("xen_nop                                 | CHECKED (16, Device or resource busy)    | \n");
    run("stall 0 200");
    expect(run("apply xen_nop")).toMatchObject({ output: "Applying xen_nop... failed\nOperation didn't complete.\n", status: 2 });
    expect(run("revert xen_nop")).toMatchObject({ output: "Cannot execute revert.\nOperation already in progress.\n", status: 2 });
    expect(run("advance 200").status).toBe(0);
    // 2^64 - 1 ms would wrap the virtual clock: refused as a usage error, the clock unchanged.
    const before = run("advance 0").output;
    expect(before).toMatch(/^virtual time is now [0-9.]+ ms\n$/);
    expect(run("advance 18446744073709551615").status).not.toBe(0);
    expect(run("advance 0").output).toBe(before);
    expect(run("apply xen_nop")).toMatchObject({ output: "No action needed.\n", status: 0 });
  });

  it("data payload: the second apply after revert fails with Error 22", () => {
    run("load xen_data_bss.livepatch");
    expect(run("revert xen_data_bss").status).toBe(0);
    expect(run("apply xen_data_bss")).toMatchObject({ output: "Applying xen_data_bss... failed\nError 22: Invalid argument\n", status: 1 });
  });

  it("hook veto, expectations, simulator commands", () => {
    run("upload xen_prepost_hooks xen_prepost_hooks.livepatch");
    expect(run("hook xen_prepost_hooks preapply -1").status).toBe(0);
    expect(run("apply xen_prepost_hooks")).toMatchObject({ output: "Applying xen_prepost_hooks... failed\nError 1: Operation not permitted\n", status: 1 });
    run("upload xen_expectations_fail xen_expectations_fail.livepatch");
    expect(run("apply xen_expectations_fail")).toMatchObject({ output: "Applying xen_expectations_fail... failed\nError 22: Invalid argument\n", status: 1 });
    expect(run("dmesg").output).toContain("(XEN) livepatch: xen_prepost_hooks: pre-apply hook failed (rc=-1), aborting!\n");
    const sym = hv.symbol("xen_extra_version")!;
    const mem = run("mem xen_extra_version 20").output.split("\n");
    expect(mem[0]).toMatch(new RegExp(`^0x${sym.addr.toString(16)}: ([0-9a-f]{2} ){15}[0-9a-f]{2}$`));
    expect(mem[1]).toMatch(/^0x[0-9a-f]+: ([0-9a-f]{2} ){3}[0-9a-f]{2}$/);
    expect(run("mem nosuchsym 4").status).toBe(1);
    expect(run("mem 0x10 4")).toMatchObject({ output: "mem: 0x10+4 is not mapped\n", status: 1 });
    expect(run("debug-keys x").output).toMatch(/^\(XEN\) 'x' pressed - Dumping all livepatch patches\n\(XEN\) build-id: [0-9a-f]{40}\n\(XEN\) {2}name=xen_prepost_hooks state=CHECKED\(1\) /);
    expect(run("cpus 2")).toMatchObject({ output: "2 CPUs online\n", status: 0 });
    expect(run("stall 5 1").status).toBe(1);
    expect(run("frobnicate").status).toBe(127);
    expect(run("hook a apply 0 sideways").status).toBe(1);
  });

  // tools/misc/xen-livepatch.c (4.23): main() compares the command with strcmp (exact names since
  // 4.19), get_flags() takes any number of the action's flags after the name, show_help() is the usage.
  it("exact command names, --force, help, flags, usage, an empty file", () => {
    run("upload xen_nop xen_nop.livepatch");
    // main(): "Unrecognised command '%s' -- try 'xen-livepatch help'\n", exit 1
    expect(run("xen-livepatch ap xen_nop")).toMatchObject({ output: "Unrecognised command 'ap' -- try 'xen-livepatch help'\n", status: 1 });
    expect(run("xen-livepatch li")).toMatchObject({ output: "Unrecognised command 'li' -- try 'xen-livepatch help'\n", status: 1 });
    expect(run("xen-livepatch frob").output).toBe("Unrecognised command 'frob' -- try 'xen-livepatch help'\n");
    // main(): "--force" alone shows the help and fails; no arguments shows it and succeeds.
    expect(run("xen-livepatch --force")).toMatchObject({ output: TOOL_USAGE, status: 1 });
    expect(run("xen-livepatch")).toMatchObject({ output: TOOL_USAGE, status: 0 });
    expect(run("xen-livepatch help")).toMatchObject({ output: TOOL_USAGE, status: 0 });
    expect(run("--force upload xen_dup_a xen_dup_a.livepatch").output).toBe("Uploading xen_dup_a.livepatch... completed\n");
    // get_flags(): "Unsupported flag: %s.\n" (revert has none), checked after the name.
    expect(run("revert xen_nop extra")).toMatchObject({ output: "Unsupported flag: extra.\n", status: 1 });
    expect(run("apply xen_nop --nodeps --frob")).toMatchObject({ output: "Unsupported flag: --frob.\n", status: 1 });
    expect(run("apply xen_nop --nodeps --nodeps")).toMatchObject({ output: "Applying xen_nop... completed\n", status: 0 });
    // upload_func(): a wrong argument count shows the help.
    expect(run("upload onlyname")).toMatchObject({ output: TOOL_USAGE, status: 1 });
    // get_name(): "ID must be no more than %d characters.\n" (bytes, strlen), before any flag.
    const long = "n".repeat(129);
    expect(run(`apply ${long} --frob`)).toMatchObject({ output: "ID must be no more than 128 characters.\n", status: 1 });
    expect(run(`apply ${"é".repeat(65)}`)).toMatchObject({ output: "ID must be no more than 128 characters.\n", status: 1 });
    // libxc: the name and its NUL must fit in 128 bytes (errno EINVAL, no hypercall).
    expect(run(`upload ${"n".repeat(128)} xen_nop.livepatch`)).toMatchObject({
      output: "Uploading xen_nop.livepatch... failed\nError 22: Invalid argument\n",
      status: 1,
    });
    // upload_func(): mmap() of an empty file fails: "Could not map %s.\nError %d: %s\n", no hypercall.
    const calls = hv.events().filter((e) => e.kind === "hypercall").length;
    expect(run("upload e empty.livepatch")).toMatchObject({ output: "Could not map empty.livepatch.\nError 22: Invalid argument\n", status: 1 });
    expect(hv.events().filter((e) => e.kind === "hypercall").length).toBe(calls);
  });

  it("load: the name is the file's basename without its last extension; flags follow the file", () => {
    expect(run("load ./dir/xen_nop.livepatch --nodeps")).toMatchObject({
      output: "Uploading ./dir/xen_nop.livepatch... completed\nApplying xen_nop... completed\n",
      status: 0,
    });
    // The apply's flags are checked after the upload; the tool then unloads what it uploaded.
    expect(run("load xen_hello_world.livepatch --frob")).toMatchObject({
      output: "Uploading xen_hello_world.livepatch... completed\nUnsupported flag: --frob.\nUnloading xen_hello_world... completed\n",
      status: 1,
    });
  });
});

/** A target whose GET answers follow a script, for the tool's rarer paths. */
function scripted(gets: ConsoleGet[], actionRc = 0, list: ConsoleListEntry[] = []): ConsoleTarget & { advanced: bigint } {
  let i = 0;
  const t = {
    advanced: 0n,
    upload: () => 0,
    get: () => gets[Math.min(i++, gets.length - 1)],
    list: () => list,
    action: () => actionRc,
    advance: (ns: bigint | number) => void (t.advanced += BigInt(ns)),
    now: () => t.advanced,
    ...inertTarget(),
  };
  return t;
}

describe("xen-livepatch's rarer paths", () => {
  const con = (t: ConsoleTarget) => createConsole({ hv: t, resolveFile: () => null });

  it("sleeps exactly 60 ms of virtual time once per action", () => {
    const t = scripted([
      { ret: 0, state: 1, rc: 0 },
      { ret: 0, state: 2, rc: 0 },
    ]);
    expect(con(t).run("apply p").output).toBe("Applying p... completed\n");
    expect(t.advanced).toBe(60_000_000n);
  });

  it("a hypercall failure prints failed + Error without sleeping", () => {
    const t = scripted([{ ret: 0, state: 1, rc: 0 }], -16);
    expect(con(t).run("apply p")).toMatchObject({ output: "Applying p... failed\nError 16: Device or resource busy\n", status: 2 });
    expect(t.advanced).toBe(0n);
  });

  it("unload counts -ENOENT afterwards as completed; another state after the action is the wrong-state text", () => {
    expect(con(scripted([{ ret: 0, state: 1, rc: 0 }, { ret: -2, state: 0, rc: 0 }])).run("unload p").output).toBe("Unloading p... completed\n");
    expect(con(scripted([{ ret: 0, state: 1, rc: 0 }, { ret: 0, state: 1, rc: 0 }])).run("apply p")).toMatchObject({
      output: "Applying p... failed\np is in the wrong state.\nCurrent state: CHECKED\nExpected state: APPLIED\n",
      status: 1,
    });
    expect(con(scripted([{ ret: 0, state: 4, rc: 0 }])).run("revert p")).toMatchObject({
      output: "p is in the wrong state.\nCurrent state: unknown\nExpected state: APPLIED\n",
      status: 1,
    });
  });

  it("list shows rc, 'unknown' and NUL-separated metadata as ';'", () => {
    const t = scripted([], 0, [
      { name: "a", state: 2, rc: -22, metadata: "k=1\0v=2\0" },
      { name: "b".repeat(45), state: 9, rc: 0, metadata: "" },
    ]);
    expect(con(t).run("list").output).toBe(
      " ID                                     | status     | metadata\n" +
        "----------------------------------------+------------+---------------\n" +
        "a                                       | APPLIED (22, Invalid argument)    | k=1;v=2\n" +
        `${"b".repeat(45)}| unknown    | \n`,
    );
  });

  it("tokenizes quotes and escapes; an open quote is an error", () => {
    expect(tokenize(`upload "a b" 'c d' e\\ f`)).toEqual(["upload", "a b", "c d", "e f"]);
    expect(tokenize(`load "x`)).toBeNull();
    expect(con(scripted([])).run(`load "x`).status).toBe(2);
  });
});

// A payload whose `.rela.livepatch.funcs` names section 5000 (sh_info past the table): Xen skips
// it (livepatch_elf.c), so funcs[0]'s old_addr and name stay 0 and resolve_old_address() calls
// symbols_lookup_by_name(NULL): a fatal page fault inside UPLOAD. A panicking hypercall never
// returns, and a host that panicked answers nothing after it: no errno is printed for either.
describe("after the host panicked", () => {
  const oob = new Patch(sample("x86_64/xen_hello_world.livepatch")).shdr(".rela.livepatch.funcs", "info", 5000).bytes;
  const withOob = (name: string) => (name === "oob.livepatch" ? oob : files(name));
  const down = (step: number, command: string) => `the host is down since the panic at step ${step} (${command}); nothing answers, see dmesg\n`;

  it("the command that panicked says so; every later one names that step, with no errno", async () => {
    const hv = await booted("x86_64", 4);
    const con = createConsole({ hv, resolveFile: withOob });
    expect(con.run("load xen_hello_world.livepatch").status).toBe(0);
    expect(con.run("upload oob oob.livepatch")).toMatchObject({
      output: "Uploading oob.livepatch... \n(simulator) the host panicked during this hypercall, which never returns; see dmesg\n",
      status: 1,
    });
    const at = down(2, "upload oob oob.livepatch");
    for (const line of ["upload xen_bye_world xen_bye_world.livepatch", "revert xen_hello_world", "apply xen_hello_world", "unload xen_hello_world", "replace xen_hello_world", "list", "load xen_bye_world.livepatch", "xen-livepatch list"])
      expect(con.run(line), line).toMatchObject({ chunks: [{ stream: "stderr", text: `(simulator) ${at}` }], status: 1 });
    for (const cmd of ["call xen_minor_version", "xl info", "debug-keys x"]) expect(con.run(cmd), cmd).toMatchObject({ output: `${cmd.split(" ")[0]}: ${at}`, status: 1 });
    // What needs no hypercall still works: xen-livepatch's own checks, and the console log.
    expect(con.run("upload x missing.livepatch").output).toBe("Could not open missing.livepatch.\nError 2: No such file or directory\n");
    expect(con.run("dmesg").output).toContain("(XEN) Panic on CPU 0:\n(XEN) FATAL PAGE FAULT\n");
  });

  it("a panic during a `call` (code at address 0: a fatal page fault) is the step later commands name", async () => {
    const hv = await booted("x86_64", 4);
    const con = createConsole({ hv, resolveFile: withOob });
    expect(con.run("list").status).toBe(0);
    expect(con.run("call 0x0").output).toMatch(/^0x0\(\): Xen crashed: FATAL PAGE FAULT/);
    expect(con.run("upload xen_bye_world xen_bye_world.livepatch").output).toBe(`(simulator) ${down(2, "call 0x0")}`);
  });

  it("a panic in a hypercall made outside the console: the host is down since an earlier panic", async () => {
    const hv = await booted("x86_64", 4);
    const con = createConsole({ hv, resolveFile: withOob });
    hv.upload("oob", oob);
    expect(con.run("list")).toMatchObject({ output: "(simulator) the host is down since an earlier panic; nothing answers, see dmesg\n", status: 1 });
  });

  // A raw action (the page's buttons with a timeout other than 30 ms) is a step like any command.
  const raw = (cmd: "APPLY" | "REVERT" | "UNLOAD" | "REPLACE", name: string) => ({ cmd, name, timeoutNs: 5_000_000 });

  it("a raw action is a step: the panic after it is named by its own number", async () => {
    const hv = await booted("x86_64", 4);
    const con = createConsole({ hv, resolveFile: withOob });
    expect(con.run("upload xen_hello_world xen_hello_world.livepatch").status).toBe(0);
    // Twice the timeout is 10 ms, so the GET comes after xen-livepatch's own 60 ms.
    expect(con.action(raw("APPLY", "xen_hello_world"))).toMatchObject({
      output: "ACTION APPLY xen_hello_world timeout=5000000ns: hypercall returned 0\nGET after 60 ms: APPLIED, rc 0\n",
      status: 0,
    });
    expect(con.run("upload oob oob.livepatch").status).toBe(1);
    expect(con.run("list").output).toBe(`(simulator) ${down(3, "upload oob oob.livepatch")}`);
    expect(con.action(raw("REVERT", "xen_hello_world"))).toMatchObject({
      chunks: [{ stream: "stderr", text: `ACTION REVERT xen_hello_world timeout=5000000ns: ${down(3, "upload oob oob.livepatch")}` }],
      status: 1,
    });
  });

  // xen_action_hooks' apply hook marks no function applied while returning 0: apply_payload()'s
  // check panics, "livepatch: partially applied payload 'xen_action_hooks'!", after the hypercall
  // returned 0 (the patching runs at the rendezvous, during the wait).
  it("a raw action the host panicked in says so without a GET's errno; later steps name it", async () => {
    const hv = await booted("x86_64", 4);
    const con = createConsole({ hv, resolveFile: withOob });
    expect(con.run("upload xen_action_hooks xen_action_hooks.livepatch").status).toBe(0);
    expect(con.run("hook xen_action_hooks apply 0 none").status).toBe(0);
    expect(con.action(raw("APPLY", "xen_action_hooks"))).toMatchObject({
      chunks: [
        { stream: "stdout", text: "ACTION APPLY xen_action_hooks timeout=5000000ns: hypercall returned 0\n" },
        { stream: "stderr", text: "GET after 60 ms: not asked: the host panicked while the action ran; see dmesg\n" },
      ],
      status: 1,
    });
    expect(hv.halted()).toBe(true);
    const at = down(3, "ACTION APPLY xen_action_hooks (timeout 5 ms)");
    expect(con.run("revert xen_action_hooks").output).toBe(`(simulator) ${at}`);
    expect(con.run("call xen_minor_version").output).toBe(`call: ${at}`);
    expect(con.action(raw("REVERT", "xen_action_hooks")).output).toBe(`ACTION REVERT xen_action_hooks timeout=5000000ns: ${at}`);
    expect(con.run("dmesg").output).toContain("livepatch: partially applied payload 'xen_action_hooks'!");
  });

  it("a raw action whose hypercall never returned: no rc, and it is the step later ones name", async () => {
    const hv = await booted("x86_64", 4);
    // A hypercall during which the host goes down (here by the UPLOAD above, made from inside it).
    const target: ConsoleTarget = { ...hv, action: () => hv.upload("oob", oob) };
    const con = createConsole({ hv: target, resolveFile: withOob });
    expect(con.run("list").status).toBe(0);
    expect(con.action(raw("UNLOAD", "oob"))).toMatchObject({
      chunks: [{ stream: "stderr", text: "ACTION UNLOAD oob timeout=5000000ns: the host panicked during this hypercall, which never returns; see dmesg\n" }],
      status: 1,
    });
    expect(con.run("list").output).toBe(`(simulator) ${down(2, "ACTION UNLOAD oob (timeout 5 ms)")}`);
  });
});
