// Old and new code side by side, checked against binutils: each column lists exactly the
// instructions objdump decodes from the same bytes, and the rows the page calls "same" are a
// longest common subsequence of objdump's instructions, computed here from objdump's own text.
// The new side is the simulator's memory after UPLOAD: objdump's bytes outside the relocated
// fields, and in them S + A − P from readelf and the placement the CLI reports.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";

const S = "public/samples";
const OBJDUMP: Record<string, string> = { x86_64: "objdump", aarch64: "aarch64-linux-gnu-objdump" };

interface DumpInsn {
  offset: number;
  bytes: string;
  text: string;
  /** Relocations objdump -dr prints on the instruction's line: field offset from the function's start, type. */
  relocs: { offset: number; type: string }[];
}

/** objdump -dr of one function: offset from its start, bytes in memory order, text with its relocation. */
function objdump(arch: string, file: string, fn: string, extra: string[] = []): DumpInsn[] {
  const out = execFileSync(OBJDUMP[arch], ["-dr", "-w", `--disassemble=${fn}`, ...extra, file], { encoding: "utf8" });
  const head = /^([0-9a-f]+) <[^>]+>:$/m.exec(out);
  if (!head) throw new Error(`objdump shows no ${fn} in ${file}`);
  const base = BigInt(`0x${head[1]}`);
  const insns: DumpInsn[] = [];
  for (const line of out.slice(head.index).split("\n").slice(1)) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(line);
    if (!m) continue;
    // AArch64 objdump prints each instruction as one little-endian word.
    const raw = m[2].trim();
    const bytes = arch === "aarch64" ? raw.match(/../g)!.reverse().join(" ") : raw;
    const relocs = [...m[3].matchAll(/\t\s*([0-9a-f]+): (R_[A-Z0-9_]+)/g)].map((r) => ({ offset: Number(BigInt(`0x${r[1]}`) - base), type: r[2] }));
    insns.push({ offset: Number(BigInt(`0x${m[1]}`) - base), bytes, text: m[3], relocs });
  }
  return insns;
}

/** Bytes a relocation writes: a whole AArch64 instruction word; 8 for x86's 64-bit types, else 4. */
const fieldSize = (type: string) => (type.startsWith("R_AARCH64_") ? 4 : /^R_X86_64_(64|PC64)$/.test(type) ? 8 : 4);

/** `insn`'s bytes with every relocated field shown as "..": what relocation leaves alone. */
function unrelocated(insn: DumpInsn, bytes: string, all: DumpInsn[]): string {
  const fields = all.flatMap((i) => i.relocs.map((r) => [r.offset, r.offset + fieldSize(r.type)] as const));
  return bytes
    .split(" ")
    .map((b, k) => (fields.some(([s, e]) => insn.offset + k >= s && insn.offset + k < e) ? ".." : b))
    .join(" ");
}

/** objdump's text reduced to what the instruction does; `ref` stands for the string it loads. */
function key(text: string, ref: string): string {
  const [insn] = text.split(/\t\s*[0-9a-f]+: R_/);
  const bare = insn
    .replace(/#\s.*$/, "")
    .replace(/<[^>]*>/g, "")
    .replace(/(?<![\w%])[$#]?-?(?:0x)?[0-9a-f]+\b/g, "N")
    .replace(/\s+/g, " ")
    .trim();
  const loads = /\bR_[A-Z0-9_]+/.test(text) || /\(%rip\)/.test(insn) || /^(adrp|add\s+x\d+,\s*x\d+,\s*#)/.test(insn);
  return loads ? `${bare} → ${ref}` : bare;
}

function lcs(a: string[], b: string[]): number {
  const d = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) d[i][j] = a[i] === b[j] ? d[i + 1][j + 1] + 1 : Math.max(d[i + 1][j], d[i][j + 1]);
  return d[0][0];
}

async function rows(page: Page) {
  const table = page.getByRole("table", { name: "Old and new instructions" });
  await expect(table).toBeVisible({ timeout: 20_000 });
  return table.locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      kind: tr.getAttribute("data-kind"),
      old: tr.querySelector("td.on-old .on-bytes")?.textContent ?? null,
      oldText: tr.querySelector("td.on-old .on-text")?.textContent ?? null,
      oldPatched: !!tr.querySelector("td.on-old.patched"),
      new: tr.querySelector("td.on-new .on-bytes")?.textContent ?? null,
      newText: tr.querySelector("td.on-new .on-text")?.textContent ?? null,
    })),
  );
}

// The strings the sample functions return, from the sample catalogue (public/samples/README.md).
const CASES = [
  { arch: "x86_64", payload: "xen_hello_world", newFn: "xen_hello_world", oldString: "-unstable", newString: "Hello World" },
  { arch: "aarch64", payload: "xen_hello_world", newFn: "xen_hello_world", oldString: "-unstable", newString: "Hello World" },
  { arch: "x86_64", payload: "xen_bye_world", newFn: "xen_bye_world", oldString: "-unstable", newString: "Bye World!" },
];

for (const c of CASES)
  test(`${c.arch}/${c.payload}: old xen_extra_version beside ${c.newFn}, aligned as objdump's instructions align`, async ({ page }) => {
    const image = `${c.arch}/xen-syms`;
    const path = `${c.arch}/${c.payload}.livepatch`;
    const old = objdump(c.arch, join(S, image), "xen_extra_version");
    const neu = objdump(c.arch, join(S, path), c.newFn);
    const samples = c.payload === "xen_bye_world" ? [image, `${c.arch}/xen_hello_world.livepatch`, path] : [image, path];
    await openApp(page, `#samples=${samples.join(",")}&file=${path}&view=functions`);
    // The old side comes from the image the audit booted its simulated hypervisor from, once it has.
    await expect(page.getByRole("table", { name: "Old and new instructions" })).toContainText(`"${c.oldString}"`, { timeout: 20_000 });
    const got = await rows(page);

    expect(got.filter((r) => r.old !== null).map((r) => r.old)).toEqual(old.map((i) => i.bytes));
    const newBytes = got.filter((r) => r.new !== null).map((r) => r.new!);
    expect(newBytes.map((b, k) => unrelocated(neu[k], b, neu))).toEqual(neu.map((i) => unrelocated(i, i.bytes, neu)));
    // Relocated: the fields no longer hold the file's placeholders.
    expect(newBytes).not.toEqual(neu.map((i) => i.bytes));
    await expect(page.locator(".old-new .on-legend")).toContainText(`${c.newFn} (`);
    await expect(page.locator(".old-new .on-legend")).toContainText("relocated by its UPLOAD");
    const oldKeys = old.map((i) => key(i.text, c.oldString));
    const newKeys = neu.map((i) => key(i.text, c.newString));
    expect(got.filter((r) => r.kind === "same")).toHaveLength(lcs(oldKeys, newKeys));
    // Rows pair instructions in order: the k-th new cell is objdump's k-th instruction.
    let k = 0;
    for (const r of got) {
      if (r.kind === "same") expect(oldKeys[old.findIndex((i) => i.bytes === r.old)]).toBe(newKeys[k]);
      if (r.new !== null) k++;
    }

    // References resolved: the strings each side loads, and the overwritten bytes marked.
    await expect(page.getByRole("table", { name: "Old and new instructions" })).toContainText(`"${c.oldString}"`);
    await expect(page.getByRole("table", { name: "Old and new instructions" })).toContainText(`"${c.newString}"`);
    const jump = c.arch === "x86_64" ? 5 : 4;
    expect(got.filter((r) => r.old !== null).map((r) => r.oldPatched)).toEqual(old.map((i) => i.offset < jump));
  });

test("NOP-out cutting an instruction: the old function beside itself after the NOPs, as objdump decodes both", async ({ page }) => {
  const image = join(S, "x86_64/xen-syms");
  const fn = "xen_thunk_minor_version";
  const old = objdump("x86_64", image, fn);
  const nm = execFileSync("nm", ["-S", image], { encoding: "utf8" }).split("\n").find((l) => l.endsWith(` ${fn}`))!.split(" ");
  const [addr, size] = [BigInt(`0x${nm[0]}`), parseInt(nm[1], 16)];
  const nops = size - 1; // fixtures/payloads/nop.c: all but the last byte
  // Xen's x86 NOP for 9 bytes (P6 table, arch/x86/alternative.c): one instruction.
  expect(nops).toBe(9);
  const patched = Buffer.from(old.map((i) => i.bytes).join(" ").split(" ").map((h) => parseInt(h, 16)));
  Buffer.from([0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0]).copy(patched, 0);
  // The last live byte runs together with whatever follows the function in .text (objdump -s
  // shows those bytes), as the CPU would decode it; only instructions starting inside count.
  const end = addr + BigInt(size);
  const following = execFileSync("objdump", ["-s", "-j", ".text", `--start-address=0x${end.toString(16)}`, `--stop-address=0x${(end + 15n).toString(16)}`, image], { encoding: "utf8" })
    .split("\n")
    .flatMap((l) => (/^ [0-9a-f]{16} /.test(l) ? (l.slice(18, 53).replace(/ /g, "").match(/../g) ?? []) : []))
    .map((h) => parseInt(h, 16));
  const dir = mkdtempSync(join(tmpdir(), "oldnew-"));
  writeFileSync(join(dir, "after.bin"), Buffer.concat([patched, Buffer.from(following)]));
  const after = execFileSync("objdump", ["-D", "-w", "-b", "binary", "-m", "i386:x86-64", `--adjust-vma=0x${addr.toString(16)}`, join(dir, "after.bin")], { encoding: "utf8" })
    .split("\n")
    .map((l) => /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && BigInt(`0x${m[1]}`) < end)
    .map((m) => m[2]);

  const path = "x86_64/xen_nop_thunk.livepatch";
  await openApp(page, `#samples=x86_64/xen-syms,${path}&file=${path}&view=functions`);
  const got = await rows(page);
  expect(got.filter((r) => r.old !== null).map((r) => r.old)).toEqual(old.map((i) => i.bytes));
  expect(got.filter((r) => r.new !== null).map((r) => r.new)).toEqual(after);
  // Which old instructions the NOPs cover (wholly or in part).
  expect(got.filter((r) => r.old !== null).map((r) => r.oldPatched)).toEqual(old.map((i) => i.offset < nops));
  const card = page.getByRole("article", { name: `Function ${fn}` });
  await expect(card.getByRole("list", { name: "Audit findings for this function" })).toContainText("func-patch-ends-inside-instruction");
  const jmp = old[old.length - 1];
  await expect(card.getByRole("list", { name: "Audit findings for this function" })).toContainText(`(${jmp.bytes}) at ${fn}+0x${jmp.offset.toString(16)}`);
});

test("without an image the page says the old function is missing, and still shows the new one", async ({ page }) => {
  const path = "x86_64/xen_hello_world.livepatch";
  await openApp(page, `#samples=${path}&file=${path}&view=functions`);
  const section = page.getByRole("region", { name: "Old and new code" });
  await expect(section).toContainText("Load the xen-syms this payload targets");
  const got = await rows(page);
  expect(got.every((r) => r.old === null && r.kind === "new-only")).toBe(true);
  // Placed on the audit's stand-in Xen: relocated there, and said to be.
  const neu = objdump("x86_64", join(S, path), "xen_hello_world");
  expect(got.map((r, k) => unrelocated(neu[k], r.new!, neu))).toEqual(neu.map((i) => unrelocated(i, i.bytes, neu)));
  await expect(section.locator(".on-legend")).toContainText("relocated by its UPLOAD on a stand-in Xen: addresses assumed");
});

test("Overview lists each replaced function with its replacement, sizes and audit status", async ({ page }) => {
  const path = "x86_64/xen_nop_thunk.livepatch";
  await openApp(page, `#samples=x86_64/xen-syms,${path}&file=${path}&view=overview`);
  const table = page.getByRole("region", { name: "What this payload replaces" });
  const row = table.getByRole("row").filter({ hasText: "xen_thunk_minor_version" });
  await expect(row).toContainText("NOP-out of 9 bytes");
  await expect(row).toContainText("10 / 9");
  await expect(row).toContainText("func-patch-ends-inside-instruction", { timeout: 20_000 });
});

test("Overview: a trampoline row names the new function and links to it", async ({ page }) => {
  const hello = "x86_64/xen_hello_world.livepatch";
  await openApp(page, `#samples=x86_64/xen-syms,${hello}&file=${hello}&view=overview`);
  const helloRow = page.getByRole("region", { name: "What this payload replaces" }).getByRole("row").filter({ hasText: "xen_extra_version" });
  await expect(helloRow).toContainText("xen_hello_world");
  await expect(helloRow).toContainText("no error or warning", { timeout: 20_000 });
  await helloRow.getByRole("button", { name: "xen_extra_version" }).click();
  await expect(page.getByRole("tab", { name: /^Functions/ })).toHaveAttribute("aria-selected", "true");
});

test("x86_64 hello world's new code as it runs: the lea's field holds S + A − P from readelf's relocation and the placement inspect reports", async ({ page }) => {
  const image = join(S, "x86_64/xen-syms");
  const path = join(S, "x86_64/xen_hello_world.livepatch");
  const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8" });
  // readelf -rW: .text.xen_hello_world's one relocation, R_X86_64_PC32 against a local symbol
  // (two are called .LC0: the info word's upper half says which).
  const section = sh("readelf", ["-rW", path]).split("'.rela.text.xen_hello_world'")[1];
  const rel = /^([0-9a-f]+)\s+([0-9a-f]{8})[0-9a-f]{8}\s+R_X86_64_PC32\s+([0-9a-f]+)\s+\S+ ([-+]) (\d+)$/m.exec(section)!;
  const [, offset, symIndex, symValue, sign, addend] = rel;
  // readelf -sW: the section that symbol is defined in (Num: Value Size Type Bind Vis Ndx Name).
  const sym = sh("readelf", ["-sW", path])
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[0] === `${parseInt(symIndex, 16)}:`)!;
  const placed = (JSON.parse(sh(process.execPath, ["src/cli/livepatch-lens.mjs", "inspect", "--json", "--xen", image, path])) as { livepatch: { regions: { sections: { index: number; section: string; address: string }[] } } }).livepatch.regions.sections;
  const at = (f: (s: (typeof placed)[number]) => boolean) => BigInt(placed.find(f)!.address);
  const S_ = at((s) => s.index === Number(sym[6])) + BigInt(`0x${symValue}`);
  const A = (sign === "-" ? -1n : 1n) * BigInt(addend);
  const P = at((s) => s.section === ".text.xen_hello_world") + BigInt(`0x${offset}`);
  const field = BigInt.asUintN(32, S_ + A - P);
  const le = [0n, 1n, 2n, 3n].map((i) => ((field >> (8n * i)) & 0xffn).toString(16).padStart(2, "0")).join(" ");

  await openApp(page, `#samples=x86_64/xen-syms,x86_64/xen_hello_world.livepatch&file=x86_64/xen_hello_world.livepatch&view=functions`);
  const code = page.getByRole("region", { name: "New function code" });
  await expect(code).toContainText("relocated by its UPLOAD: the bytes that run", { timeout: 20_000 });
  await expect(code.getByRole("table", { name: "New function disassembly" })).toContainText(`48 8d 05 ${le}`);
  // objdump -dr's relocation line stays under the instruction it patched.
  await expect(code.getByRole("table", { name: "New function disassembly" })).toContainText("R_X86_64_PC32");
});

test("a relocation section Xen skips: the new code and old/new say the bytes that run keep the relocations left unapplied, naming the section and the finding", async ({ page }) => {
  // readelf -hSW: section headers at 2688, 64 bytes each; [13] .rela.text.xen_hello_world's sh_info
  // (+44) is at 2688 + 13 * 64 + 44 = 0xdec. 0xffffffff names no section: Xen skips it.
  const bytes = Buffer.from(readFileSync(`${S}/x86_64/xen_hello_world.livepatch`));
  expect(execFileSync("readelf", ["-SW", `${S}/x86_64/xen_hello_world.livepatch`], { encoding: "utf8" })).toMatch(/\[13\] \.rela\.text\.xen_hello_world\s+RELA\s+\S+\s+\S+\s+\S+\s+\S+\s+I\s+\d+\s+12\s/);
  bytes.writeUInt32LE(0xffffffff, 0xdec);
  await openApp(page, "#samples=x86_64/xen-syms");
  await page.locator("input[type=file]").setInputFiles({ name: "hello_skip.livepatch", mimeType: "application/octet-stream", buffer: bytes });
  await page.getByRole("button", { name: "Audit: reject" }).waitFor({ timeout: 20_000 });
  await page.getByRole("tab", { name: /^Functions/ }).click();
  const label = "placed by its UPLOAD: the bytes that run, with the relocations Xen skipped left unapplied (.rela.text.xen_hello_world: reloc-section-skipped)";
  const code = page.getByRole("region", { name: "New function code" });
  await expect(code).toContainText(label, { timeout: 20_000 });
  await expect(code).not.toContainText("relocated by its UPLOAD");
  // objdump -d: the assembler's placeholder, 48 8d 05 00 00 00 00, is what runs.
  await expect(code.getByRole("table", { name: "New function disassembly" })).toContainText("48 8d 05 00 00 00 00");
  await expect(page.locator(".old-new .on-legend")).toContainText(label);
});
