// Hostile inputs to every command, run as a user runs them: files that are not regular files
// (a FIFO nobody writes, an endless device), and what each command answers. Never a hang, never
// unbounded memory, never a stack trace; one line and the documented exit status.
import { spawnSync } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "../livepatch/index.ts";
import { runAudit, toJson } from "../audit/index.ts";
import { createSyncDisassembler, decoderForMachine } from "../disasm/index.ts";
import { nodeEngines } from "../disasm/nodeEngines.ts";
import { nodeAuditHost } from "./auditHost.ts";
import { writeJson } from "./inspectJson.ts";
import { StreamOut } from "./output.ts";
import { simulateUpload } from "./xenView.ts";
import { collectingSink } from "./test-support/sink.ts";
import { NON_UTF8_SYMBOL, nonUtf8Payload } from "../test-support/nonUtf8Names.ts";

const root = join(import.meta.dirname, "../..");
const cli = join(root, "src/cli/livepatch-lens.mjs");
const image = join(root, "public/samples/x86_64/xen-syms");
const sample = join(root, "public/samples/x86_64/xen_hello_world.livepatch");

/** A hang is killed after 20 s and shows as status null. */
function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", timeout: 20_000, input: input ?? "", maxBuffer: 16 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fifo(): string {
  const path = join(mkdtempSync(join(tmpdir(), "lpl-hostile-")), "fifo");
  execFileSync("mkfifo", [path]);
  return path;
}

describe("a file that is not a regular file", () => {
  it("inspect: one line naming it, exit 1, for a FIFO and for /dev/zero, as FILE and as --xen IMAGE", () => {
    const f = fifo();
    for (const [args, named] of [
      [["inspect", f], f],
      [["inspect", "--json", "/dev/zero"], "/dev/zero"],
      [["inspect", "--xen", f, sample], f],
    ] as const) {
      const r = run([...args]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`livepatch-lens inspect: ${named}: not a regular file\n`);
    }
  }, 60_000);

  it("a file over the 2 GiB Node reads in one buffer: said in words, not ERR_FS_FILE_TOO_LARGE (QA s27-a defect 8)", () => {
    // Sparse: no disk is used.
    const big = join(mkdtempSync(join(tmpdir(), "lpl-hostile-")), "big.livepatch");
    writeFileSync(big, "");
    truncateSync(big, 5 * 2 ** 30);
    const r = run(["inspect", big]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe(`livepatch-lens inspect: ${big}: larger than 2 GiB, more than this tool reads\n`);
  }, 60_000);

  it("audit: the file-unreadable rejection (exit 1), for a payload, an --applied payload and the image", () => {
    const f = fifo();
    for (const [args, message] of [
      [["--xen", image, f], `${f} cannot be read as a payload: not a regular file`],
      [["--xen", image, "--applied", "/dev/zero", sample], "/dev/zero cannot be read as a payload: not a regular file"],
      [["--xen", f, sample], `${f} cannot be read as a hypervisor image: not a regular file`],
    ] as const) {
      const r = run(["audit", "--json", ...args]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toBe("");
      const j = JSON.parse(r.stdout);
      expect(j.verdict).toBe("reject");
      expect(j.findings.find((x: { id: string }) => x.id === "file-unreadable")).toMatchObject({ severity: "error", message });
    }
  }, 60_000);

  it("sim: an image, a SCRIPT or an uploaded FILE that is a FIFO is refused, not waited on", () => {
    const f = fifo();
    const img = run(["sim", "--xen", f]);
    expect(img.status).toBe(2);
    expect(img.stderr).toBe(`livepatch-lens sim: cannot read image '${f}': not a regular file\n`);
    const script = run(["sim", "--xen", image, f]);
    expect(script.status).toBe(2);
    expect(script.stderr).toBe(`livepatch-lens sim: cannot read script '${f}': not a regular file\n`);
    const upload = run(["sim", "--xen", image], `upload x ${f}\n`);
    expect(upload.stderr).toBe(`Could not open ${f}.\nError 2: No such file or directory\n`);
    expect(upload.status).toBe(1);
  }, 60_000);
});

describe("sim's commands: a script or a pipe that is not a command stream", () => {
  it("standard input without a newline (< /dev/zero) stops at the line cap: one line, exit 2, no stack trace", () => {
    const r = spawnSync(process.execPath, [cli, "sim", "--xen", image, "-"], { cwd: root, encoding: "utf8", timeout: 20_000, stdio: [openSync("/dev/zero", "r"), "pipe", "pipe"] });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("livepatch-lens sim: cannot read standard input: line 1 is longer than 64 KiB\n");
  }, 60_000);

  it("runs the commands before an overlong line, then stops with exit 2", () => {
    const r = run(["sim", "--xen", image], `list\n${"x".repeat(70_000)}\nlist\n`);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("# list\nNothing to list\n");
    expect(r.stderr).toBe("livepatch-lens sim: cannot read standard input: line 2 is longer than 64 KiB\n");
  }, 60_000);

  it("a SCRIPT larger than 16 MiB is refused unread, and a long line in a SCRIPT is refused like one on standard input", () => {
    const dir = mkdtempSync(join(tmpdir(), "lpl-hostile-"));
    const big = join(dir, "big.txt");
    writeFileSync(big, "");
    truncateSync(big, (16 << 20) + 1);
    const r = run(["sim", "--xen", image, big]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`livepatch-lens sim: cannot read script '${big}': larger than 16 MiB\n`);
    const long = join(dir, "long.txt");
    writeFileSync(long, `list\n\0${"\0".repeat(70_000)}\n`);
    const l = run(["sim", "--xen", image, long]);
    expect(l.status).toBe(2);
    expect(l.stdout).toBe("# list\nNothing to list\n");
    expect(l.stderr).toBe(`livepatch-lens sim: cannot read script '${long}': line 2 is longer than 64 KiB\n`);
  }, 60_000);

  it("--help states the limits", () => {
    expect(run(["sim", "--help"]).stdout).toMatch(/16 MiB[\s\S]*64 KiB|64 KiB[\s\S]*16 MiB/);
  });
});

describe("output that cannot be written (> /dev/full)", () => {
  it("every --help says so", () => {
    for (const c of ["inspect", "audit", "sim"]) expect(run([c, "--help"]).stdout).toContain("Exit status 2 also when the output cannot be written");
  });

  // Exit 2, not 1: for audit 1 means a rejected plan, and no verdict was delivered.
  it.each([
    ["inspect --json", ["inspect", "--json", sample]],
    ["inspect", ["inspect", sample]],
    ["audit", ["audit", "--xen", image, sample]],
    ["sim", ["sim", "--xen", image]],
  ])("%s: one line, exit 2", (_what, args) => {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", timeout: 20_000, input: "list\n", stdio: ["pipe", openSync("/dev/full", "w"), "pipe"] });
    expect(r.stderr).toBe("livepatch-lens: cannot write output: ENOSPC\n");
    expect(r.status).toBe(2);
  }, 60_000);
});

describe("a function name with control characters", () => {
  // xen_hello_world with its one record's name string (.rodata.str1.1 at file offset 0xe9, readelf -S;
  // "xen_extra_version" and its NUL) made "evil<LF><ESC>[31mname", and old_size (record at 0x160,
  // + 28) made 1, so the upload is refused with the record's label in the finding.
  function hostile(tooSmall = true): string {
    const b = Buffer.from(readFileSync(sample));
    expect(b.subarray(0xe9, 0xe9 + 18).toString("latin1")).toBe("xen_extra_version\0");
    b.fill(0, 0xe9, 0xe9 + 18);
    b.write("evil\n\x1b[31mname", 0xe9, "latin1");
    if (tooSmall) b.writeUInt32LE(1, 0x160 + 28);
    const path = join(mkdtempSync(join(tmpdir(), "lpl-hostile-")), "evil.livepatch");
    writeFileSync(path, b);
    return path;
  }

  it("audit and inspect print it escaped, \\xNN, in the record's label: no raw LF or ESC", () => {
    const file = hostile();
    const audit = run(["audit", "--xen", image, file]);
    expect(audit.status, audit.stderr).toBe(1);
    expect(audit.stdout).not.toContain("\x1b");
    expect(audit.stdout).toMatch(/^ {2}error {3}func-old-size-too-small \[.*\]: funcs\[0\] \(evil\\x0a\\x1b\[31mname\): old_size 1 is too small/m);
    const inspect = run(["inspect", file]);
    expect(inspect.status, inspect.stderr).toBe(0);
    expect(inspect.stdout).not.toContain("\x1b");
    // The page's model takes such a name for no string at all (LP_NAME_NOT_STRING); the simulator's label escapes it.
    expect(inspect.stdout).toContain("  [0] (no name)  version 2, old_size 1,");
    expect(inspect.stdout).toContain("  [0] not placed: funcs[0] (evil\\x0a\\x1b[31mname): old_size 1 is too small");
  });

  it("sim prints Xen's lines about it with the name escaped: no raw ESC reaches the terminal", () => {
    // Its old_addr comes from a relocation, not the name: the upload succeeds with the name kept.
    const file = hostile(false);
    const r = run(["sim", "--xen", image], `upload evil ${file}\ndebug-keys x\n`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain("\x1b");
    // xen/common/livepatch.c livepatch_printall(): "    %s patch %p(%u) with %p (%u)\n", the name as
    // Xen prints it (its newline too, which starts a line of its own with Xen's prefix), the ESC
    // shown as \x1b.
    expect(r.stdout).toContain("(XEN)     evil\n(XEN) \\x1b[31mname patch ffff82d040200110(8) with ffff82d040400050 (8)\n");
  });
});

describe("a symbol name with a control character", () => {
  // xen_hello_world with the '_' after "livepatch_xen" in .strtab (file offset 0x6d4 + 13, strings -t x;
  // the string "livepatch_xen_hello_world" whose tail is also the symbol xen_hello_world, the new
  // function) made ESC. readelf -sW prints the two symbols as "xen^[hello_world" and
  // "livepatch_xen^[hello_world", and readelf -rW the relocation against the first the same way.
  it("inspect prints it as readelf does (^[), in the symbol table, the relocations and the livepatch view: no raw ESC", () => {
    const b = Buffer.from(readFileSync(sample));
    expect(b.subarray(0x6d4, 0x6d4 + 26).toString("latin1")).toBe("livepatch_xen_hello_world\0");
    b[0x6d4 + 13] = 0x1b;
    const file = join(mkdtempSync(join(tmpdir(), "lpl-hostile-")), "esc.livepatch");
    writeFileSync(file, b);
    const r = run(["inspect", file]);
    expect(r.status, r.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(r.stdout).toMatch(/^ +37: 0x0 +8 FUNC +GLOBAL HIDDEN +12 xen\^\[hello_world$/m);
    expect(r.stdout).toMatch(/^ +40: 0x0 +104 OBJECT +GLOBAL HIDDEN +22 livepatch_xen\^\[hello_world$/m);
    expect(r.stdout).toMatch(/^ {2}0x8 +R_X86_64_64 +xen\^\[hello_world \+ 0x0$/m);
    expect(r.stdout).toContain("      new_addr xen^[hello_world; filled by R_X86_64_64 against xen^[hello_world (");
  });
});

describe("a symbol name and a file name with C1 controls (CSI, U+009B)", () => {
  // The same symbols as above, with "_h" after "livepatch_xen" made C2 9B, UTF-8 for U+009B (CSI).
  // LC_ALL=C readelf 2.40 -sW prints its two bytes raw, which a terminal may take for CSI;
  // `readelf -U escape -sW` prints "xen\u009bello_world" and "livepatch_xen\u009bello_world",
  // and `readelf -U escape -rW` the relocation against the first the same way.
  it("inspect spells the symbol as readelf -U escape does and escapes the file name: no C1 control or ESC in its output", () => {
    const b = Buffer.from(readFileSync(sample));
    expect(b.subarray(0x6d4, 0x6d4 + 26).toString("latin1")).toBe("livepatch_xen_hello_world\0");
    b[0x6d4 + 13] = 0xc2;
    b[0x6d4 + 14] = 0x9b;
    const dir = mkdtempSync(join(tmpdir(), "lpl-hostile-"));
    const file = join(dir, "c1\x1b[2J\u009b2J.livepatch");
    writeFileSync(file, b);
    const r = spawnSync(process.execPath, [cli, "inspect", file], { cwd: root, timeout: 20_000 });
    expect(r.status, r.stderr.toString()).toBe(0);
    const raw = r.stdout;
    // Byte for byte: no ESC, and no C1 control as UTF-8 (C2 80..C2 9F).
    expect(raw.includes(0x1b)).toBe(false);
    for (let i = raw.indexOf(0xc2); i >= 0; i = raw.indexOf(0xc2, i + 1)) expect(raw[i + 1] < 0x80 || raw[i + 1] > 0x9f, `C1 at byte ${i}`).toBe(true);
    const out = raw.toString("utf8");
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]/);
    expect(out).toContain(`File: ${dir}/c1\\x1b[2J\\x9b2J.livepatch (`);
    expect(out).toMatch(/^ +37: 0x0 +8 FUNC +GLOBAL HIDDEN +12 xen\\u009bello_world$/m);
    expect(out).toMatch(/^ +40: 0x0 +104 OBJECT +GLOBAL HIDDEN +22 livepatch_xen\\u009bello_world$/m);
    expect(out).toMatch(/^ {2}0x8 +R_X86_64_64 +xen\\u009bello_world \+ 0x0$/m);
    expect(out).toContain("      new_addr xen\\u009bello_world; filled by R_X86_64_64 against xen\\u009bello_world (");
  });
});

describe("--json (inspect, audit): DEL and C1 controls (U+009B is CSI) in names", () => {
  // xen_hello_world with, in .strtab, "livepatch_xen_hello_world" (0x6d4, as above) made
  // "livepatch_xen<C2 9B>ello_<7F>orld", and in .shstrtab ".text.xen_hello_world" (0x93e, strings
  // -t x; the tail of ".rela.text.xen_hello_world" at 0x939) the same way. `readelf -U escape -SW`
  // prints sections 12 and 13 as ".text.xen\u009bello_^…orld" and ".rela.text.xen\u009bello_^…orld",
  // `-sW` symbols 37 and 40 as "xen\u009bello_^…orld" and "livepatch_xen\u009bello_^…orld".
  // JSON.stringify escapes C0 but writes DEL and C1 raw; the document on a terminal must not.
  function crafted(): { file: string; bytes: Buffer } {
    const b = Buffer.from(readFileSync(sample));
    expect(b.subarray(0x6d4, 0x6d4 + 26).toString("latin1")).toBe("livepatch_xen_hello_world\0");
    expect(b.subarray(0x93e, 0x93e + 22).toString("latin1")).toBe(".text.xen_hello_world\0");
    for (const at of [0x6d4 + 13, 0x93e + 9]) {
      b[at] = 0xc2;
      b[at + 1] = 0x9b;
      b[at + 7] = 0x7f;
    }
    const file = join(mkdtempSync(join(tmpdir(), "lpl-hostile-")), "c1\u009b2J\x7f.livepatch");
    writeFileSync(file, b);
    return { file, bytes: b };
  }

  /** The document as the writer makes it with no filter: DEL and C1 raw, as JSON.stringify leaves them. */
  async function unfiltered(file: string, bytes: Buffer): Promise<Buffer> {
    const { sink, bytes: written } = collectingSink();
    const elf = parseElf(new Uint8Array(bytes));
    const model = analyzePayload(elf);
    await writeJson(new StreamOut(sink, 1 << 17), file, elf, model, model ? await simulateUpload(file, elf.bytes, null) : null);
    return written();
  }

  const rawControls = (raw: Buffer) => {
    const at: number[] = [];
    for (let i = 0; i < raw.length; i++) if (raw[i] === 0x7f || (raw[i] === 0xc2 && raw[i + 1] >= 0x80 && raw[i + 1] <= 0x9f)) at.push(i);
    return at;
  };

  it("spells them \\u007f and \\u009b: no raw 0x7f or C2 80..C2 9F in its bytes, the same JSON value as unescaped", async () => {
    const { file, bytes } = crafted();
    const r = spawnSync(process.execPath, [cli, "inspect", "--json", file], { cwd: root, timeout: 20_000, maxBuffer: 16 << 20 });
    expect(r.status, r.stderr.toString()).toBe(0);
    const raw = r.stdout;
    expect(rawControls(raw)).toEqual([]);
    const before = await unfiltered(file, bytes);
    // The unfiltered writer does emit them raw (the file name, section names, the livepatch view): the case is real.
    expect(rawControls(before).length).toBeGreaterThan(0);
    const doc = JSON.parse(raw.toString("utf8"));
    expect(doc).toEqual(JSON.parse(before.toString("utf8")));
    // Spelled as JSON escapes in the text, which parse back to the file's characters.
    const text = raw.toString("utf8");
    expect(text).toContain('"name":".text.xen\\u009bello_\\u007forld"');
    expect(text).toContain('"name":".rela.text.xen\\u009bello_\\u007forld"');
    expect(text).toContain('c1\\u009b2J\\u007f.livepatch"');
    expect(doc.file).toBe(file);
    expect(doc.sections[12].name).toBe(".text.xen\u009bello_\x7forld");
    expect(doc.sections[13].name).toBe(".rela.text.xen\u009bello_\x7forld");
    // Symbols and relocation titles are readelf's names (printable()): C1 as the text \u009b, DEL as ^ and 0xbf.
    expect(doc.symbols[37].name).toBe("xen\\u009bello_^\u00bforld");
    expect(doc.symbols[40].name).toBe("livepatch_xen\\u009bello_^\u00bforld");
    const table = doc.relocations.find((t: { section: string }) => t.section.startsWith(".rela.text.xen"));
    expect(table.section).toBe(".rela.text.xen\\u009bello_^\u00bforld");
    expect(table.target).toBe(".text.xen\\u009bello_^\u00bforld");
  });

  it("audit --json spells them the same way: no raw 0x7f or C2 80..C2 9F, the same JSON value as toJson()'s", async () => {
    const { file, bytes } = crafted();
    const r = spawnSync(process.execPath, [cli, "audit", "--json", "--xen", image, file], { cwd: root, timeout: 20_000, maxBuffer: 16 << 20 });
    expect(r.stderr.toString()).toBe("");
    expect(rawControls(r.stdout)).toEqual([]);
    const doc = JSON.parse(r.stdout.toString("utf8"));
    const plan = { image: { file: image, bytes: new Uint8Array(readFileSync(image)) }, files: [{ file, bytes: new Uint8Array(bytes), role: "apply" as const }] };
    const engines = createSyncDisassembler(nodeEngines);
    const result = await runAudit(plan, await nodeAuditHost(), { decoder: (machine) => decoderForMachine(engines, machine) });
    const before = Buffer.from(toJson(result));
    expect(rawControls(before).length).toBeGreaterThan(0);
    expect(doc).toEqual(JSON.parse(before.toString("utf8")));
    expect(r.status).toBe(result.verdict === "reject" ? 1 : 0);
  }, 60_000);
});

// QA s29 #5: a funcs record's name that is not a C string. xen_hello_world's name "xen_extra_version\0"
// is all of .rodata.str1.1 (file offset 0xe9, 0x12 bytes, readelf -SW), relocated into name by
// .rela.livepatch.funcs (readelf -rW); its old_addr is relocated against xen_extra_version, so Xen
// never reads the name while loading (xen/common/livepatch.c: prepare_payload() calls
// resolve_old_address(), which returns at once when old_addr is set) and only prints it with %s.
// Several CLI runs each (inspect, audit, sim), on a machine others share: more than the default 30 s.
describe("a funcs name that is not a C string", { timeout: 120_000 }, () => {
  function edited(bytes: number[], at: number): string {
    const b = Buffer.from(readFileSync(sample));
    expect(b.subarray(0xe9, 0xe9 + 18).toString("latin1")).toBe("xen_extra_version\0");
    b.set(bytes, at);
    const path = join(mkdtempSync(join(tmpdir(), "lpl-name-")), "name.livepatch");
    writeFileSync(path, b);
    return path;
  }
  // eslint-disable-next-line no-control-regex
  const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]|[\udc80-\udcff]/u;

  it("no NUL before its section ends: inspect and audit both warn, say why, and spell the name one way", () => {
    const file = edited([0x41], 0xe9 + 17); // the NUL made 'A'
    const inspect = run(["inspect", "--xen", image, file]);
    expect(inspect.status, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/^ {2}warning +LP_NAME_NOT_STRING .*\.livepatch\.funcs\[0\]\.name: the string at \.rodata\.str1\.1\+0x0 has no NUL before the section ends \("xen_extra_versionA"\); Xen accepts it: old_addr is set/m);
    const audit = run(["audit", "--xen", image, file]);
    expect(audit.status, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/^verdict: ACCEPT/);
    expect(audit.stdout).not.toMatch(RAW);
    // The simulated Xen reads the name on past the section, to the first NUL in its memory: every
    // finding labels the record with those bytes, spelt the same way.
    const finding = /^ {2}warning func-name-not-string \[[^\]]*\]: funcs\[0\] \((xen_extra_versionA[^)]*)\): the string at \.rodata\.str1\.1\+0x0 has no NUL before the section ends \("xen_extra_versionA"\); Xen accepts it: old_addr is set/m.exec(audit.stdout);
    expect(finding, audit.stdout).not.toBeNull();
    const name = finding![1];
    const labels = [...audit.stdout.matchAll(/funcs\[0\] \(([^)]*)\)/g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThan(1);
    expect(new Set(labels)).toEqual(new Set([name]));
    // the name Xen reads (xen_extra_versionA and what follows) is not xen_extra_version, but that is
    // no second finding: the name not being a C string is the cause, reported once
    expect(audit.stdout.match(/func-name-not-string/g)).toHaveLength(1);
    expect(audit.stdout).not.toContain("func-name-mismatch");
    const json = JSON.parse(run(["audit", "--json", "--xen", image, file]).stdout) as { findings: { id: string; message: string }[] };
    expect(json.findings.find((f) => f.id === "func-name-not-string")?.message).toContain(`funcs[0] (${name}): `);
    // xl debug-keys x: livepatch_printall() prints the name with "    %s patch ...", the same bytes.
    const sim = run(["sim", "--xen", image], `upload name ${file}\ndebug-keys x\n`);
    expect(sim.status, sim.stderr).toBe(0);
    expect(sim.stdout).toContain(`(XEN)     ${name} patch `);
    expect(sim.stdout).not.toMatch(RAW);
  });

  it("bytes that are not UTF-8 (0x84): \\x84 in inspect, audit and the console, never a raw byte or U+FFFD", () => {
    const file = edited([0x0f, 0x1f, 0x84, 0x00], 0xe9); // "\x0f\x1f\x84", then a NUL
    const inspect = run(["inspect", "--xen", image, file]);
    expect(inspect.stdout).toContain('.livepatch.funcs[0].name: name points at .rodata.str1.1+0x0, which holds "\\x0f\\x1f\\x84": bytes that are not printable ASCII, not a symbol name; Xen accepts it');
    expect(inspect.stdout).toMatch(/^ {2}warning +LP_NAME_NOT_STRING/m);
    const audit = run(["audit", "--xen", image, file]);
    expect(audit.status, audit.stderr).toBe(0);
    expect(audit.stdout).not.toMatch(RAW);
    expect(audit.stdout).toMatch(/^ {2}warning func-name-not-string \[[^\]]*\]: funcs\[0\] \(\\x0f\\x1f\\x84\): name points at/m);
    // Xen never compares a name with old_addr's function (it reads it only to resolve a NULL
    // old_addr, resolve_old_address()); the cause is said once, func-name-mismatch does not follow.
    expect(audit.stdout.match(/func-name-not-string/g)).toHaveLength(1);
    expect(audit.stdout).not.toContain("func-name-mismatch");
    expect(audit.stdout).not.toContain("the record names");
    expect(new Set([...audit.stdout.matchAll(/funcs\[0\] \(([^)]*)\)/g)].map((m) => m[1]))).toEqual(new Set(["\\x0f\\x1f\\x84"]));
    const sim = run(["sim", "--xen", image], `upload name ${file}\ndebug-keys x\n`);
    expect(sim.stdout).toContain("(XEN)     \\x0f\\x1f\\x84 patch ");
    expect(sim.stdout).not.toMatch(RAW);
  });

  it("old_addr NULL: Xen looks the name up, so the inspector calls it an error and the audit rejects", () => {
    const b = Buffer.from(readFileSync(edited([0x41], 0xe9 + 17)));
    // Drop the third relocation of .rela.livepatch.funcs (file offset 0x7b0 + 2 * 24: old_addr
    // against xen_extra_version) by making it R_X86_64_NONE (type 0): old_addr stays 0.
    expect(b.readUInt32LE(0x7b0 + 48 + 8)).toBe(1);
    b.writeUInt32LE(0, 0x7b0 + 48 + 8);
    const file = join(mkdtempSync(join(tmpdir(), "lpl-name-")), "name0.livepatch");
    writeFileSync(file, b);
    const inspect = run(["inspect", "--xen", image, file]);
    expect(inspect.stdout).toMatch(/^ {2}error +LP_NAME_NOT_STRING .*old_addr is NULL, so Xen looks this name up/m);
    const audit = run(["audit", "--xen", image, file]);
    expect(audit.status).toBe(1);
    expect(audit.stdout).toMatch(/^verdict: REJECT/);
    expect(audit.stdout).not.toMatch(RAW);
    expect(audit.stdout).not.toContain("func-name-not-string");
  });
});

// Several CLI runs each (inspect, audit, sim), on a machine others share: more than the default 30 s.
describe("a symbol and a section name with bytes that are not UTF-8 (0xff, a lone 0xc3)", { timeout: 120_000 }, () => {
  // xen_hello_world with the two '_' of "hello_world_count" made ff and c3, in .strtab (the local
  // FUNC symbol 24, a load and unload hook; file offset 0x5d8 + 0xf) and in .shstrtab (section
  // [3] .text.hello_world_count, whose name's tail [4] .rela.text.hello_world_count shares; 0x870 +
  // 0x39). `readelf -sW` prints the bytes raw ("hello<ff>world<c3>count"), `readelf -U escape -sW`
  // as hello{0xff}world{0xc3}count; the tool spells each such byte \xNN everywhere, as it spells
  // one in a funcs name (above), never U+FFFD, which would lose which byte it was.
  const hostile = () => nonUtf8Payload(sample).path;
  const SYM = NON_UTF8_SYMBOL;
  const SEC = `.text.${SYM}`;
  // eslint-disable-next-line no-control-regex
  const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]|[\udc80-\udcff]/u;
  /** Every string in a JSON document (keys and values) that names the edited symbol or section (not hello_world_counter). */
  const named = (v: unknown, out: string[] = []): string[] => {
    if (typeof v === "string") {
      if (/hello.{1,4}world.{1,4}count(?!er)/su.test(v)) out.push(v);
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) named(x, named(k, out));
    return out;
  };

  it("inspect: the sections, symbols, relocations, hooks and the placement all spell them \\xff and \\xc3", () => {
    const file = hostile();
    const r = spawnSync(process.execPath, [cli, "inspect", "--xen", image, file], { cwd: root, timeout: 20_000 });
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stdout.includes(0xff) || r.stdout.includes(Buffer.from("\ufffd"))).toBe(false);
    const out = r.stdout.toString("utf8");
    expect(out).not.toMatch(RAW);
    expect(out).toMatch(/^ {2}\[ 3\] \.text\.hello\\xffworld\\xc3count +PROGBITS +AX/m);
    expect(out).toMatch(/^ {2}\[ 4\] \.rela\.text\.hello\\xffworld\\xc3count +RELA/m);
    expect(out).toMatch(/^ +3: 0x0 +0 SECTION LOCAL +DEFAULT +3 \.text\.hello\\xffworld\\xc3count$/m);
    expect(out).toMatch(/^ +24: 0x0 +8 FUNC +LOCAL +DEFAULT +3 hello\\xffworld\\xc3count$/m);
    expect(out).toContain(`Relocations in .rela${SEC} for ${SEC} (1):`);
    expect(out).toMatch(/^ {2}0x8 +R_X86_64_64 +\.text\.hello\\xffworld\\xc3count \+ 0x0$/m);
    expect(out).toContain(`  load        hello_world_load, ${SYM}\n`);
    // the simulated Xen's placement: the section name it read from the file's bytes
    expect(out).toMatch(/^ {4}text +0x[0-9a-f]+ +\.text\.hello\\xffworld\\xc3count +8 bytes$/m);
  });

  it("inspect --json and audit --json: the same spelling in every string, keys unchanged, no lone surrogate", () => {
    const file = hostile();
    const inspect = run(["inspect", "--json", "--xen", image, file]);
    expect(inspect.status, inspect.stderr).toBe(0);
    expect(inspect.stdout).not.toMatch(/\\udc[89a-f]|\\ufffd|\ufffd/);
    const names = named(JSON.parse(inspect.stdout));
    expect(new Set(names)).toEqual(new Set([SYM, SEC, `.rela${SEC}`]));
    // the keys of a clean payload's document
    const clean = JSON.parse(run(["inspect", "--json", "--xen", image, sample]).stdout) as Record<string, unknown>;
    expect(Object.keys(JSON.parse(inspect.stdout) as object)).toEqual(Object.keys(clean));
    const audit = run(["audit", "--json", "--xen", image, file]);
    expect(audit.stdout).not.toMatch(/\\udc[89a-f]|\\ufffd|\ufffd/);
    const auditNames = named(JSON.parse(audit.stdout));
    expect(auditNames.length).toBeGreaterThan(2);
    for (const n of auditNames) expect(n.replaceAll(SYM, "")).not.toMatch(/hello.{1,4}world.{1,4}count(?!er)/su);
  });

  it("audit (text and markdown): the hook lines spell the symbol the same way", () => {
    const file = hostile();
    for (const format of [[], ["--markdown"]]) {
      const r = run(["audit", ...format, "--xen", image, file]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(RAW);
      expect(r.stdout).toContain(`load hooks hello_world_load, ${SYM} run on the master CPU`);
      expect(r.stdout).toContain(`unload hooks hello_world_unload, ${SYM}, hello_world_check run`);
    }
  });
});
