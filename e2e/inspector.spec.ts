import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test, expect, openApp } from "./support/guards.ts";
import { inspectJson } from "./support/inspect.ts";
import type { Page } from "@playwright/test";

async function openSamples(page: Page, samples: string[], file: string, view: string) {
  await openApp(page, `#samples=${samples.join(",")}&file=${file}&view=${view}`);
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible({ timeout: 20_000 });
}

const tabCount = async (page: Page, name: string) =>
  Number((await page.getByRole("tab", { name: new RegExp(`^${name}`) }).locator(".count").textContent())!.replace(/,/g, ""));

const PAYLOADS = [
  { path: "x86_64/xen_hello_world.livepatch", image: "x86_64/xen-syms" },
  { path: "x86_64/xen_endbr.livepatch", image: "x86_64/xen-syms" },
  { path: "aarch64/xen_hello_world.livepatch", image: "aarch64/xen-syms" },
  { path: "arm32/xen_nop.livepatch", image: "arm32/xen-syms" },
  { path: "legacy/xen_hello_world_v1.livepatch", image: null },
];

for (const { path, image } of PAYLOADS) {
  test(`${path}: the page shows what inspect --json reports`, async ({ page }) => {
    const json = inspectJson(path);
    await openSamples(page, image ? [image, path] : [path], path, "overview");
    expect(await tabCount(page, "Sections")).toBe(json.sections.length);
    expect(await tabCount(page, "Symbols")).toBe(json.symbols.length);
    expect(await tabCount(page, "Relocations")).toBe(json.relocations.reduce((n, r) => n + r.entries.length, 0));
    const lp = json.livepatch!;
    const facts = page.locator("dl.facts");
    await expect(facts).toContainText(lp.buildId!);
    if (lp.depends) await expect(facts).toContainText(lp.depends);
    if (lp.xenDepends) await expect(facts).toContainText(lp.xenDepends);
    if (image && lp.xenDepends) await expect(facts).toContainText(/matches xen-syms/);

    await page.getByRole("tab", { name: /^Functions/ }).click();
    expect(await tabCount(page, "Functions")).toBe(lp.funcs.length);
    const grid = page.getByRole("grid", { name: "Functions" });
    for (const fn of lp.funcs) {
      const row = grid.getByRole("row").filter({ hasText: fn.name ?? "(unnamed)" }).first();
      await expect(row).toContainText(`${fn.oldSize}/${fn.newSize}`);
    }
    const first = lp.funcs[0];
    const card = page.getByRole("article", { name: `Function ${first.name}` });
    await expect(card.getByRole("row", { name: /^new_size/ })).toContainText(`${first.newSize} (0x${first.newSize.toString(16)})`);
    await expect(card.getByRole("row", { name: /^old_size/ })).toContainText(`${first.oldSize} (0x${first.oldSize.toString(16)})`);
    await expect(card.getByRole("row", { name: /^version/ })).toContainText(String(first.version));
  });
}

// Lines from fixtures/payloads/warn_bug.c (WARN() 36, BUG() 45, ASSERT(n < 100) 89); the file
// name is the string at .rodata.bug_file+0x14 (objdump -s), not an addend carrying line bits.
test("bug frames show the file string and the line Xen splits out of the frame", async ({ page }) => {
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_warn_bug.livepatch"], "x86_64/xen_warn_bug.livepatch", "tables");
  const rows = page.getByRole("region", { name: ".bug_frames.*" }).getByRole("row");
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(1)).toContainText(/warn\s*warn_bug_pre_apply \+ 0x31\s*\.rodata\.bug_file payloads\/warn_bug\.c\s*36—/);
  await expect(rows.nth(2)).toContainText(/bug\s*warn_bug_check \+ 0xb\s*\.rodata\.bug_file \+ 0x14 payloads\/warn_bug\.c\s*45—/);
  await expect(rows.nth(3)).toContainText(/assert.*89\s*\.rodata\.bug_file \+ 0x3c n < 100$/);
});

test("the x86 trampoline is disassembled next to the bytes it replaces", async ({ page }) => {
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_endbr.livepatch"], "x86_64/xen_endbr.livepatch", "functions");
  const written = page.getByRole("table", { name: "Bytes Xen writes" });
  await expect(written).toContainText(/e9 [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}\s*jmp 0x[0-9a-f]+ <xen_changeset_patched>/);
  const old = page.getByRole("table", { name: "Old function bytes" });
  await expect(old).toContainText("endbr64");
  await expect(page.getByText(/starts with ENDBR64/)).toBeVisible();
  await expect(page.getByRole("table", { name: "New function disassembly" })).toContainText("R_X86_64_PC32");
});

test("a payload Xen refuses still shows where the image has its old function, said as the image's symbol table", async ({ page }) => {
  // Independent of the page: binutils' nm reads the same symbol table.
  const nm = execFileSync("nm", ["public/samples/x86_64/xen-syms"], { encoding: "utf8" });
  const addr = /^([0-9a-f]+) \w idle_loop_hook$/m.exec(nm)![1].replace(/^0+/, "");
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_too_small.livepatch"], "x86_64/xen_too_small.livepatch", "overview");
  const row = page.getByRole("region", { name: "What this payload replaces" }).getByRole("row").nth(1);
  await expect(row).toContainText(`upload refused: no address from the simulated Xen; the symbol table of xen-syms has it at 0x${addr}`);
  await expect(row).not.toContainText("not in xen-syms");
  await page.getByRole("tab", { name: /^Functions/ }).click();
  await expect(page.getByText(/does not place this payload: funcs\[0\] \(idle_loop_hook\): old_size 1 is too small/)).toBeVisible();
  await expect(page.getByRole("region", { name: "Trampoline" })).toContainText("not placed: upload refused");
  await expect(page.getByRole("region", { name: "Trampoline" })).not.toContainText("address unknown");
  await expect(page.getByText(/The simulated Xen refused the upload, so it gives no old address for idle_loop_hook/)).toContainText(`has idle_loop_hook at 0x${addr} (1 byte).`);
});

test("unresolved old_addr and new_addr: the jump diagram says (unresolved), as the fields do, never \"payload text\" nor a jump", async ({ page }) => {
  // .symtab's sh_link set to 1 (the build-id note, not a string table): no symbol has a name, so
  // every field a relocation fills is unresolved (unresolvedSymbol()); Xen refuses the upload
  // (livepatch_elf.c: "String table section is corrupted").
  const hello = readFileSync("public/samples/x86_64/xen_hello_world.livepatch");
  const b = Buffer.from(hello);
  // readelf -SW: .symtab is section 31; e_shoff at 0x28, e_shentsize 64, sh_link at +0x28.
  expect(execFileSync("readelf", ["-SW", "public/samples/x86_64/xen_hello_world.livepatch"], { encoding: "utf8" })).toMatch(/\[31\] \.symtab\s+SYMTAB/);
  b.writeUInt32LE(1, Number(b.readBigUInt64LE(0x28)) + 31 * 64 + 0x28);
  await openApp(page);
  await page.locator("input[type=file]").setInputFiles({ name: "hello_unresolved.livepatch", mimeType: "application/octet-stream", buffer: b });
  await page.getByRole("tab", { name: /^Functions/ }).click({ timeout: 20_000 });
  await expect(page.getByRole("row", { name: /name unresolved/ })).toContainText("?");
  const card = page.getByRole("region", { name: "Trampoline" });
  const diagram = card.getByRole("img");
  await expect(diagram).toHaveAttribute("aria-label", "name unresolved: new_addr is (unresolved), so what Xen writes is not known");
  await expect(diagram.locator(".jd-box.new .jd-title")).toHaveText("new: (unresolved)");
  // Nor is the old function's place known: old_addr is unresolved too.
  await expect(diagram.locator(".jd-note")).toHaveText(["(unresolved)", "(unresolved)"]);
  await expect(diagram).not.toContainText("payload text");
});

test("a function Xen never got to check is not called clean: the upload was refused before placement", async ({ page }) => {
  // The sample has no .livepatch.xen_depends (readelf -S): Xen's check_xen_buildid() refuses
  // it with -EINVAL before any function is placed or checked.
  expect(execFileSync("readelf", ["-SW", "public/samples/x86_64/xen_no_xen_buildid.livepatch"], { encoding: "utf8" })).not.toContain(".livepatch.xen_depends");
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_no_xen_buildid.livepatch"], "x86_64/xen_no_xen_buildid.livepatch", "overview");
  const row = page.getByRole("region", { name: "What this payload replaces" }).getByRole("row").nth(1);
  await expect(row).toContainText("not checked: Xen refused the upload (xen-depends-missing)");
  await expect(row).not.toContainText("no error or warning");
});

test("the new code's inline relocation leads where its instruction ends (objdump -dr: addq $0x1,0x0(%rip), 8 bytes, field at 3)", async ({ page }) => {
  // idle_loop_hook_calls-0x5 + (8 - 3) is idle_loop_hook_calls itself.
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_too_small.livepatch"], "x86_64/xen_too_small.livepatch", "functions");
  const listing = page.getByRole("table", { name: "New function disassembly" });
  await expect(listing).toContainText("addq $0x1,");
  await expect(listing).toContainText(/R_X86_64_PC32\s+idle_loop_hook_calls - 0x5\s+\(idle_loop_hook_calls\)/);
});

test("an instruction a bug frame marks says what Xen prints when a CPU reaches it", async ({ page }) => {
  // fixtures/payloads/alternatives_func.c: a WARN frame whose __LINE__ is 78, file "alternatives_func.c"
  // (readelf -x .bug_frames.1 and -x .rodata.bug_file of the sample); Xen's common/bug.c prints
  // "Xen WARN at %s%s:%d".
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_alternatives.livepatch"], "x86_64/xen_alternatives.livepatch", "functions");
  const listing = page.getByRole("table", { name: "New function disassembly" });
  await expect(listing.getByRole("row").filter({ hasText: "Xen WARN at alternatives_func.c:78 (.bug_frames.1 #0)" })).toHaveCount(1);
});

test("ARM code is disassembled by the lazily loaded capstone under the page's CSP", async ({ page }) => {
  const capstone: string[] = [];
  page.on("request", (r) => {
    if (/capstone/.test(r.url())) capstone.push(r.url());
  });
  await openSamples(page, ["x86_64/xen_hello_world.livepatch"], "x86_64/xen_hello_world.livepatch", "functions");
  await expect(page.getByRole("table", { name: "New function disassembly" })).toBeVisible();
  expect(capstone, "capstone is not loaded for x86 code").toEqual([]);
  const aarch64 = page.getByRole("navigation", { name: "Samples" }).getByRole("group", { name: "aarch64" });
  await aarch64.getByRole("button", { name: /xen-syms/ }).click();
  await aarch64.getByRole("button", { name: /^payload Hello world$/ }).click();
  await page.getByRole("tab", { name: /^Functions/ }).click();
  await expect(page.getByRole("table", { name: "Bytes Xen writes" })).toContainText(/([0-9a-f]{2} ){3}[0-9a-f]{2}\s*b #0x[0-9a-f]+ <xen_hello_world>/);
  expect(capstone.length).toBeGreaterThan(0);
});

test("a non-ELF file dropped on the page is refused by name, problem and offset; what was loaded stays", async ({ page }) => {
  await openSamples(page, ["x86_64/xen_hello_world.livepatch"], "x86_64/xen_hello_world.livepatch", "functions");
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["this is not an ELF file, just text\n"], "notes.txt", { type: "text/plain" }));
    for (const type of ["dragenter", "dragover", "drop"]) window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  const alert = page.getByRole("alert").filter({ hasText: "notes.txt" });
  await expect(alert).toContainText(/notes\.txt: .*not an ELF/i);
  await expect(alert).toContainText("0x0");
  // The rail says it in the same form, once, under the file's name.
  const row = page.locator("li.file.error").filter({ hasText: "notes.txt" });
  await expect(row.locator(".file-sub")).toContainText(/^not an ELF file.* at byte 0x0 \(NOT_ELF\)/);
  await expect(page.getByRole("tab", { name: /^Functions/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("article", { name: "Function xen_extra_version" })).toBeVisible();
  await expect(page.getByRole("button", { name: /xen_hello_world\.livepatch/ }).first()).toHaveAttribute("aria-current", "true");
});

test("a dead parse worker is replaced, the page says so, and parsing works again", async ({ page }) => {
  await openSamples(page, ["x86_64/xen_hello_world.livepatch"], "x86_64/xen_hello_world.livepatch", "overview");
  await page.evaluate(() => (globalThis as unknown as { __livepatchLens: { crashParseWorker(): void } }).__livepatchLens.crashParseWorker());
  await expect(page.getByRole("status").filter({ hasText: "Parse worker restarted" })).toBeVisible();
  await page.getByRole("navigation", { name: "Samples" }).getByRole("button", { name: /NOP-out/ }).first().click();
  await expect(page.getByRole("tablist", { name: "Views" })).toBeVisible();
  await expect(page.locator("dl.facts")).toContainText("xen_nop.livepatch");
});

test("every view is reachable from the keyboard; / focuses the filter; arrows move through rows", async ({ page }) => {
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch"], "x86_64/xen_hello_world.livepatch", "overview");
  const overview = page.getByRole("tab", { name: /^Overview/ });
  await overview.focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: /^Functions/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("tab", { name: /^Functions/ })).toBeFocused();
  for (const [key, name] of [["3", "Relocations"], ["4", "Symbols"], ["5", "Sections"], ["6", "Notes"], ["7", "Alternatives"], ["8", "Map"], ["1", "Overview"]] as const) {
    await page.keyboard.press(key);
    await expect(page.getByRole("tab", { name: new RegExp(`^${name}`) })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByRole("tabpanel")).toBeVisible();
  }
  await page.keyboard.press("4");
  await page.keyboard.press("/");
  const filter = page.getByRole("searchbox", { name: "Filter symbols by name" });
  await expect(filter).toBeFocused();
  await page.keyboard.type("hello_world_");
  const grid = page.getByRole("grid", { name: "Symbols" });
  await expect(grid.getByRole("row").nth(1)).toContainText("hello_world_");
  await grid.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const selected = grid.locator('[role="row"][aria-selected="true"]');
  await expect(selected).toHaveAttribute("aria-rowindex", "3");
  // The selected symbol's record lights up in the hex view, and the info line names it as readelf
  // -sW does: the second symbol whose name holds hello_world_ (4, SECTION, named by its section
  // .text.hello_world_load).
  const second = execFileSync("readelf", ["-sW", "public/samples/x86_64/xen_hello_world.livepatch"], { encoding: "utf8" })
    .split("\n")
    .map((l) => /^ *(\d+): .* (\S*hello_world_\S*)$/.exec(l))
    .filter((m) => m !== null)[1];
  await expect(page.locator(".hex-info")).toContainText(`Selected: symbol ${second[1]}: ${second[2]} `);
  await expect(page.locator(".hx span.sel").first()).toBeVisible();
  await page.keyboard.press("End");
  await expect(selected).toBeVisible();
});

test("clicking a byte names the structure it belongs to and links to it", async ({ page }) => {
  await openSamples(page, ["x86_64/xen_hello_world.livepatch"], "x86_64/xen_hello_world.livepatch", "overview");
  const hexGrid = page.getByRole("grid", { name: "Hex view" });
  await hexGrid.click({ position: { x: 5, y: 5 } });
  await page.locator('.hx-bytes span[data-off="0"]').click();
  await expect(page.locator(".hex-info")).toContainText("belongs to ELF file header");
  await page.getByRole("tab", { name: /^Functions/ }).click();
  await page.getByRole("button", { name: /record #0 at 0x/ }).click();
  await expect(page.locator(".hex-info")).toContainText(/Selected: livepatch_func 0/);
  const firstSel = page.locator(".hx-bytes span.sel").first();
  await firstSel.click();
  await expect(page.locator(".hex-info")).toContainText(/belongs to livepatch_func 0 \(xen_extra_version\) \.name/);
  await page.getByRole("button", { name: "Show in functions" }).click();
  await expect(page.getByRole("tab", { name: /^Functions/ })).toHaveAttribute("aria-selected", "true");
});

test("the map shows which payload targets which image and flags functions patched twice", async ({ page }) => {
  await openSamples(
    page,
    ["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch", "x86_64/xen_replace_world.livepatch", "x86_64/xen_wrong_xen_buildid.livepatch"],
    "x86_64/xen_hello_world.livepatch",
    "graph",
  );
  await expect(page.getByText(/patched by more than one loaded payload: xen_extra_version/)).toBeVisible();
  await expect(page.locator(".g-node.contested")).toHaveCount(1);
  await expect(page.locator(".g-node.contested")).toContainText("patched by 2 payloads");
  await expect(page.locator(".g-edge.mismatch")).toHaveCount(1);
  const rail = page.getByRole("region", { name: "Loaded files" });
  // xen_depends edb3406f…25bc29ef (readelf -x .livepatch.xen_depends) differs from the image's build-id
  // edb3406f…25bc2910 (readelf -n) only in its last byte: the shortened ids must still differ.
  const wrong = rail.getByRole("listitem").filter({ hasText: "xen_wrong_xen_buildid" }).locator(".link.bad");
  await expect(wrong).toHaveText("targets no loaded image (build-id edb3406f…29ef)");
  await expect(wrong).toHaveAttribute("title", "xen_depends edb3406f68fc5942d2ae9b0188056f8b25bc29ef");
  await expect(page.locator(".g-node.image")).toContainText("image · edb3406f…2910");
  await expect(rail.getByRole("listitem").filter({ hasText: "xen_replace_world" })).toContainText(/targets xen-syms ✓/);
});

test("the URL hash reopens the same samples, file and view", async ({ page }) => {
  await openSamples(page, ["x86_64/xen-syms", "x86_64/xen_nop.livepatch"], "x86_64/xen_nop.livepatch", "sections");
  await page.getByRole("tab", { name: /^Symbols/ }).click();
  await expect(page).toHaveURL(/#samples=x86_64\/xen-syms,x86_64\/xen_nop\.livepatch&file=x86_64\/xen_nop\.livepatch&view=symbols$/);
  await page.reload();
  await expect(page.getByRole("tab", { name: /^Symbols/ })).toHaveAttribute("aria-selected", "true", { timeout: 20_000 });
  await expect(page.getByRole("button", { name: /xen_nop\.livepatch/ }).first()).toHaveAttribute("aria-current", "true");
});

test("nothing is fetched from anywhere but the app's origin", async ({ page, guards }) => {
  await openSamples(page, ["x86_64/xen-syms", "aarch64/xen-syms", "aarch64/xen_hello_world.livepatch"], "aarch64/xen_hello_world.livepatch", "functions");
  await expect(page.getByRole("table", { name: "Bytes Xen writes" })).toBeVisible();
  await expect(page.getByText("Files never leave your browser.")).toBeVisible();
  expect(guards.foreignRequests).toEqual([]);
});

test("AArch64 new_addr not 4-byte aligned: the audit rejects it and Functions says Xen writes BRK #2, not a branch", async ({ page }) => {
  // QA s29 #1. The sample hello with .rela.livepatch.funcs record 1 (new_addr: xen_hello_world + 0,
  // readelf -r) given addend 2. Xen's branch_imm_common() (xen/arch/arm/arm64/insn.c) refuses the
  // target and arch_livepatch_apply() writes AARCH64_BREAK_FAULT: 0xd4200000 | 2 << 5 = 0xd4200040,
  // little-endian 40 00 20 d4 (asm/arm64/brk.h). Hello's own B is 0x1437ffc4 at xen_extra_version
  // 0xa0000200150, so its new function is at 0xa0000200150 + 0x37ffc4 * 4 = 0xa0001000060.
  const path = "public/samples/aarch64/xen_hello_world.livepatch";
  const sections = execFileSync("readelf", ["-SW", path], { encoding: "utf8" });
  const rela = parseInt(/\] \.rela\.livepatch\.funcs\s+RELA\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+18\s/.exec(sections)![1], 16);
  expect(execFileSync("readelf", ["-rW", path], { encoding: "utf8" })).toMatch(/\n0000000000000008\s+\S+\s+R_AARCH64_ABS64\s+0+\s+xen_hello_world \+ 0\n/);
  const b = Buffer.from(readFileSync(path));
  b.writeBigInt64LE(2n, rela + 24 + 16);
  await openApp(page, "#samples=aarch64/xen-syms");
  await page.locator("input[type=file]").setInputFiles({ name: "hello_mis.livepatch", mimeType: "application/octet-stream", buffer: b });
  const verdict = page.getByRole("button", { name: "Audit: reject" });
  await verdict.waitFor({ timeout: 20_000 });
  await page.getByRole("tab", { name: /^Functions/ }).click();
  const card = page.getByRole("region", { name: "Trampoline" });
  await expect(card).toContainText("BRK #2, not a B to the new function at 0xa0001000062", { timeout: 20_000 });
  await expect(page.getByRole("row", { name: /^xen_extra_version / }).getByRole("gridcell").nth(1)).toHaveText("BRK");
  await expect(card).toContainText("new_addr 0xa0001000062 is not 4-byte aligned");
  await expect(card).not.toContainText("A B to the new function");
  await expect(card.getByRole("img")).toHaveAttribute("aria-label", "xen_extra_version: Xen writes BRK #2, not a jump to xen_hello_world + 0x2");
  await expect(card.getByRole("table", { name: "Bytes Xen writes" })).toContainText("40 00 20 d4");
  await expect(card.getByRole("table", { name: "Bytes Xen writes" })).toContainText("brk #2");
  await verdict.click();
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  const finding = panel.locator(".audit-finding").filter({ hasText: "func-new-addr-misaligned" });
  await expect(finding).toHaveCount(1);
  await expect(finding).toContainText("funcs[0] (xen_extra_version): new_addr 0xa0001000062 is not 4-byte aligned");
});

// readelf -hSW on the sample: e_shoff 1592, section [10] .ex_table at 0xbc, 8 bytes. Its sh_size
// (section header + 32) is cut to 7: no whole 8-byte entry is left, and the tab says why.
test("a table whose size is not a whole number of entries says so in its own block", async ({ page }) => {
  const name = "x86_64/xen_alternatives.livepatch";
  const bytes = Buffer.from(readFileSync(`public/samples/${name}`));
  expect(bytes.readBigUInt64LE(0x28)).toBe(1592n);
  const shSize = 1592 + 10 * 64 + 32;
  expect(bytes.readBigUInt64LE(shSize)).toBe(8n);
  bytes.writeBigUInt64LE(7n, shSize);
  await openSamples(page, ["x86_64/xen-syms"], "x86_64/xen-syms", "overview");
  await page.locator("input[type=file]").setInputFiles({ name: "ex_size7.livepatch", mimeType: "application/octet-stream", buffer: bytes });
  await page.getByRole("tab", { name: /^Alternatives & tables/ }).click({ timeout: 20_000 });
  const block = page.getByRole("region", { name: ".ex_table" });
  await expect(block).toContainText("No whole entries.");
  const problem = block.getByRole("list", { name: ".ex_table: problems" }).getByRole("listitem");
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText(/error\s*LP_TABLE_SIZE\s*0xbc\s*\.ex_table is 7 bytes, not a multiple of the 8-byte exception_table_entry/);
  // The other blocks of the same file are untouched.
  await expect(page.getByRole("region", { name: ".altinstructions" }).getByRole("list")).toHaveCount(0);
});

test("arm32: the hello world is accepted and Xen writes a B to its new function", async ({ page }) => {
  // The hello's code calls through movw/movt + bx (built with -mlong-calls), so no R_ARM_JUMP24 is
  // left for Xen's perform_rel() to round. Its funcs record: old_addr xen_extra_version 0x200108
  // (nm arm32/xen-syms), new_addr xen_hello_world placed at 0x100005c; arch_livepatch_apply()'s B
  // is 0xea000000 | ((0x100005c - (0x200108 + 8)) >> 2) = 0xea37ffd3, little-endian d3 ff 37 ea.
  await openSamples(page, ["arm32/xen-syms", "arm32/xen_hello_world.livepatch"], "arm32/xen_hello_world.livepatch", "functions");
  await page.getByRole("button", { name: "Audit: accept" }).waitFor({ timeout: 30_000 });
  const card = page.getByRole("region", { name: "Trampoline" });
  await expect(card.getByRole("table", { name: "Bytes Xen writes" })).toContainText("d3 ff 37 ea", { timeout: 20_000 });
});

test("arm32: the hello built without -mlong-calls is rejected: Xen rounds its load hook's odd branch", async ({ page }) => {
  // The load hook's `b printk` has an odd word offset, which Xen's arm32 perform_rel() rounds down
  // (`val &= 0x00FFFFFE`), so it lands at printk - 4 and APPLY never returns.
  await openSamples(page, ["arm32/xen-syms", "arm32/xen_hello_world_oddbranch.livepatch"], "arm32/xen_hello_world_oddbranch.livepatch", "overview");
  const verdict = page.getByRole("button", { name: "Audit: reject" });
  await verdict.waitFor({ timeout: 30_000 });
  await verdict.click();
  const panel = page.getByRole("complementary", { name: "Audit findings" });
  await expect(panel.locator(".audit-finding").filter({ hasText: "code-outcome-unknown" })).toHaveCount(1);
});
