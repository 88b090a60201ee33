// The simulator page end to end: console and buttons drive the simulated Xen in its worker; the
// state diagram, memory, CPU lanes and console must agree with `livepatch-lens sim` run on the
// same image and script (expected bytes and text come from the CLI, not from this file).
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Locator, Page } from "@playwright/test";
import { test, expect, openApp } from "./support/guards.ts";
import { type } from "./support/console.ts";
import { simCli } from "./support/cli.ts";
import { freeze } from "./support/clock.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const X86 = join(ROOT, "public/samples/x86_64");

const cli = simCli;

/** The bytes `mem SYMBOL 16` printed, in order of the mem commands. */
function memLines(out: string): string[] {
  return [...out.matchAll(/^0x[0-9a-f]+: ((?:[0-9a-f]{2} ?)+)$/gm)].map((m) => m[1].trim());
}

const PAYLOADS = ["xen_hello_world", "xen_bye_world", "xen_expectations_fail"];

async function openSimulator(page: Page) {
  await openApp(page, `#samples=${PAYLOADS.map((p) => `x86_64/${p}.livepatch`).join(",")}`);
  await page.getByRole("button", { name: "Simulator" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
  for (const p of PAYLOADS) await expect(page.getByRole("radio", { name: new RegExp(`^${p}`) })).toBeVisible();
}


const diagram = (page: Page, payload: string) => page.getByRole("group", { name: `LIVEPATCH states of ${payload}` });
const current = (page: Page, payload: string) => diagram(page, payload).locator('[aria-current="true"]');

test.describe("under reduced motion (views jump to the end of each action)", () => {
  test.use({ reducedMotion: "reduce", viewport: { width: 1280, height: 720 } });

  test("hello world: console apply, e9 at xen_extra_version as the CLI shows, button revert restores it", async ({ page }) => {
    const expected = cli(["load xen_hello_world.livepatch", "mem xen_extra_version 16", "revert xen_hello_world", "mem xen_extra_version 16"]);
    const [patched, restored] = memLines(expected);
    expect(patched).toMatch(/^e9 /);

    await openSimulator(page);
    await type(page, "load xen_hello_world.livepatch");
    await type(page, "mem xen_extra_version 16");
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("APPLIED");
    await expect(page.getByLabel("xen_extra_version bytes now")).toHaveText(patched);
    await expect(page.getByLabel("xen_extra_version original bytes")).toHaveText(restored);
    await expect(page.getByRole("region", { name: "Memory" })).toContainText("jumps to xen_hello_world");
    // What the marks mean is on the card, not only in a tooltip: the key's sample is drawn as the
    // written bytes are (all five bytes of the jmp are marked).
    const key = page.getByRole("region", { name: "Memory" }).locator(".mem-key");
    await expect(key).toBeVisible();
    await expect(key).toHaveText("e9 written by a live patch");
    const bg = (el: Locator) => el.evaluate((e) => getComputedStyle(e).backgroundColor);
    const marked = page.getByLabel("xen_extra_version bytes now").locator(".chg");
    await expect(marked).toHaveCount(5);
    expect(await bg(key.locator(".chg"))).toBe(await bg(marked.first()));
    await expect(page.getByRole("complementary", { name: "Applied stack" })).toContainText("xen_hello_world");

    await page.getByRole("group", { name: "Actions for xen_hello_world" }).getByRole("button", { name: "Revert" }).click();
    await expect(page.getByTestId("console-output")).toContainText("Reverting xen_hello_world... completed");
    await type(page, "mem xen_extra_version 16");
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("CHECKED");
    await expect(page.getByLabel("xen_extra_version bytes now")).toHaveText(restored);
    // The transcript is exactly what the CLI printed for the same commands.
    await expect(page.getByTestId("console-output")).toHaveText(expected);
  });

  test("out-of-order revert: Error 16, −EBUSY on the REVERT edge, the state stays, the button says why", async ({ page }) => {
    const expected = cli(["load xen_hello_world.livepatch", "load xen_bye_world.livepatch", "revert xen_hello_world"]);
    expect(expected).toContain("Error 16: Device or resource busy");
    await openSimulator(page);
    await type(page, "load xen_hello_world.livepatch");
    await type(page, "load xen_bye_world.livepatch");
    await type(page, "revert xen_hello_world");
    await expect(page.getByTestId("console-output")).toHaveText(expected);
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("APPLIED");
    const edge = diagram(page, "xen_hello_world").locator('[data-edge="REVERT"]');
    await expect(edge).toHaveClass(/failed/);
    await expect(edge).toContainText("−EBUSY (16)");
    await expect(edge).toContainText("top is xen_bye_world");
    const revert = page.getByRole("group", { name: "Actions for xen_hello_world" }).getByRole("button", { name: "Revert" });
    await expect(revert).toHaveAttribute("aria-disabled", "true");
    await expect(revert).toHaveAccessibleDescription("REVERT only the top of the applied stack: xen_bye_world");
  });

  test("a failed expectation shows the byte on the APPLY edge and the state stays CHECKED", async ({ page }) => {
    await openSimulator(page);
    await type(page, "upload xen_expectations_fail xen_expectations_fail.livepatch");
    await type(page, "apply xen_expectations_fail");
    await expect(page.getByTestId("console-output")).toContainText("Error 22: Invalid argument");
    await expect(current(page, "xen_expectations_fail")).toHaveAccessibleName("CHECKED");
    await expect(diagram(page, "xen_expectations_fail").locator('[data-edge="APPLY"]')).toContainText("expectation mismatch at byte 0 of xen_extra_version");
  });

  test("stepping back restores the diagram and the bytes; stepping forward and the arrow keys return", async ({ page }) => {
    const [patched, original] = memLines(cli(["load xen_hello_world.livepatch", "mem xen_extra_version 16", "revert xen_hello_world", "mem xen_extra_version 16"]));
    await openSimulator(page);
    await type(page, "load xen_hello_world.livepatch");
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("APPLIED");
    const back = page.getByRole("button", { name: "Step back" });
    const now = page.getByLabel("xen_extra_version bytes now");
    // Walk back until the write is undone: the window goes, the state is CHECKED again.
    for (let i = 0; i < 40 && (await now.count()) > 0; i++) await back.click();
    await expect(now).toHaveCount(0);
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("CHECKED");
    await expect(page.getByTestId("console-output")).not.toContainText("Applying xen_hello_world... completed");
    await page.getByRole("button", { name: "Step forward" }).click();
    await expect(now).toHaveText(patched);
    await expect(page.getByRole("region", { name: "Memory" })).toContainText("jumps to xen_hello_world");
    // The keyboard moves the same cursor when focus is not in a text field.
    await page.getByRole("heading", { name: "Simulator" }).click();
    await page.keyboard.press("ArrowLeft");
    await expect(now).toHaveCount(0);
    await page.keyboard.press("ArrowRight");
    await expect(now).toHaveText(patched);
    for (let i = 0; i < 40 && (await current(page, "xen_hello_world").getAttribute("aria-label")) !== "APPLIED"; i++) await page.keyboard.press("ArrowRight");
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("APPLIED");
    await page.getByRole("textbox", { name: "Console" }).focus();
    await page.keyboard.press("ArrowLeft");
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("APPLIED");
    await expect(page.getByLabel("xen_extra_version original bytes")).toHaveText(original);
  });

  test("a stalled CPU makes the apply −EBUSY and its lane shows it", async ({ page }) => {
    await openSimulator(page);
    await type(page, "upload xen_hello_world xen_hello_world.livepatch");
    await type(page, "stall 2 40");
    await type(page, "apply xen_hello_world");
    await expect(page.getByTestId("console-output")).toContainText("Error 16: Device or resource busy");
    const lanes = page.getByRole("region", { name: "CPUs at the rendezvous" });
    await expect(lanes).toContainText("rc −EBUSY (16)");
    await expect(lanes.getByRole("img", { name: /CPU2 arrived after the rendezvous was abandoned/ })).toBeVisible();
    await expect(lanes.locator(".lane.missed")).toHaveCount(1);
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("CHECKED");
  });

  test("the diagram mid-rendezvous (−EAGAIN), paused at a fixed event", async ({ page }) => {
    await openSimulator(page);
    await type(page, "load xen_hello_world.livepatch");
    await page.getByRole("list", { name: "Event log" }).getByRole("button", { name: /all 3 CPUs in do_livepatch_work/ }).click();
    await expect(diagram(page, "xen_hello_world").locator('[data-edge="APPLY"]')).toContainText("rc −EAGAIN (11)");
    await expect(current(page, "xen_hello_world")).toHaveAccessibleName("CHECKED");
    await expect(diagram(page, "xen_hello_world")).toHaveScreenshot("diagram-mid-apply.png", { animations: "disabled", caret: "hide" });
  });

  for (const [fn, payload, what] of [
    ["xen_thunk_minor_version", "xen_nop_thunk", "the thunk function's jmp <__x86_return_thunk>"],
    ["xen_extra_version", "xen_hello_world", "a RIP-relative lea's # addr <_srodata+0x11>"],
  ]) {
    test(`the memory card names Xen's symbols as objdump does: ${what}`, async ({ page }) => {
      const image = join(X86, "xen-syms");
      // objdump -d of the function in the image: the name it prints after each branch target or
      // RIP-relative operand's address, one entry per instruction.
      const dump = execSync(`objdump -d -w --disassemble=${fn} ${JSON.stringify(image)}`, { encoding: "utf8" });
      const named = [...dump.matchAll(/^\s*[0-9a-f]+:\t[0-9a-f ]+\t([^\n]*)/gm)].map((m) => /<([^>]+)>/.exec(m[1])?.[1] ?? null);
      expect(named).toContain(what.replace(/.*<(.*)>$/, "$1"));
      await openApp(page, `#samples=x86_64/xen-syms,x86_64/${payload}.livepatch`);
      await page.getByRole("button", { name: "Simulator" }).click();
      await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
      await type(page, `load ${payload}.livepatch`);
      const card = page.getByRole("article", { name: `Memory at ${fn}` });
      await expect(card).toHaveClass(/patched/);
      // The listing of the original bytes stops at the function's end, as objdump's does.
      const before = card.locator("ol.mem-asm").first().locator("li:not(.muted)");
      await expect(before).toHaveCount(named.length);
      const got = await before.evaluateAll((lis) => lis.map((li) => /<([^>]+)>$/.exec(li.querySelector(".sym")?.textContent?.trim() ?? "")?.[1] ?? null));
      expect(got).toEqual(named);
    });
  }
  test("a record whose old_addr is not where its named function starts opens a window titled by that address (xen_extra_version+0x1)", async ({ page }) => {
    // xen_hello_world with funcs[0].old_addr made absolute: its R_X86_64_64 against xen_extra_version
    // (readelf -rW: the third entry, at offset 0x10 of .livepatch.funcs) turned into R_X86_64_NONE,
    // and xen_extra_version's address plus one (nm) written at that offset. The record is still named
    // xen_extra_version; Xen writes its jmp at the address the record gives.
    const file = join(X86, "xen_hello_world.livepatch");
    const image = join(X86, "xen-syms");
    const sections = execSync(`readelf -SW ${JSON.stringify(file)}`, { encoding: "utf8" });
    const offsetOf = (name: string) => BigInt(`0x${new RegExp(`\\] ${name.replace(/\./g, "\\.")} +\\S+ +\\S+ +([0-9a-f]+) `).exec(sections)![1]}`);
    const relas = execSync(`readelf -rW ${JSON.stringify(file)}`, { encoding: "utf8" }).split("\n\n").find((b) => b.includes("'.rela.livepatch.funcs'"))!;
    const entries = [...relas.matchAll(/^([0-9a-f]{16}) +([0-9a-f]{16}) +(\S+) +[0-9a-f]+ +(\S+)/gm)].map((m) => ({ off: BigInt(`0x${m[1]}`), type: m[3], sym: m[4] }));
    const k = entries.findIndex((e) => e.sym === "xen_extra_version");
    expect(entries[k]).toMatchObject({ off: 0x10n, type: "R_X86_64_64" });
    const start = BigInt(`0x${/^([0-9a-f]+) T xen_extra_version$/m.exec(execSync(`nm ${JSON.stringify(image)}`, { encoding: "utf8" }))![1]}`);
    const bytes = Buffer.from(readFileSync(file));
    // Elf64_Rela is 24 bytes: r_offset, r_info (type in the low 32 bits), r_addend.
    bytes.writeUInt32LE(0, Number(offsetOf(".rela.livepatch.funcs")) + k * 24 + 8);
    bytes.writeBigUInt64LE(start + 1n, Number(offsetOf(".livepatch.funcs")) + 0x10);

    await openApp(page, "#samples=x86_64/xen-syms");
    await page.locator("input[type=file]").setInputFiles({ name: "mid.livepatch", mimeType: "application/octet-stream", buffer: bytes });
    await page.getByRole("button", { name: "Simulator" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^t = / })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole("radio", { name: /^mid/ })).toBeVisible();
    await type(page, "load mid.livepatch");
    await expect(current(page, "mid")).toHaveAccessibleName("APPLIED");
    const memory = page.getByRole("region", { name: "Memory" });
    await expect(memory.getByRole("article")).toHaveCount(1);
    const card = memory.getByRole("article", { name: "Memory at xen_extra_version+0x1", exact: true });
    await expect(card).toHaveClass(/patched/);
    await expect(card.locator("header")).toContainText(`xen_extra_version+0x1 0x${(start + 1n).toString(16)}`);
    // The jmp is written at old_addr: the first byte of the window, not of xen_extra_version.
    await expect(page.getByLabel("xen_extra_version+0x1 bytes now")).toHaveText(/^e9 /);
  });
});

test("playback animates an action to its end without blocking the console", async ({ page }) => {
  // The player keeps to the page's clock, and a typed command plays out within 800 ms: on a busy
  // machine it had ended before the test looked for it playing. The clock stops before the command
  // and goes on only once the test has seen it part way, so "while it plays" is always true.
  await page.clock.install();
  await openSimulator(page);
  await page.getByRole("combobox", { name: "Playback speed" }).selectOption("16");
  const box = page.getByRole("textbox", { name: "Console" });
  await box.fill("load xen_hello_world.livepatch");
  await freeze(page);
  await box.press("Enter");
  // The worker has answered and the timeline plays the command, part way along it (the console
  // shows the command, as every view, only once the cursor passes it).
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible({ timeout: 20_000 });
  const scrub = page.getByRole("slider", { name: "Timeline position" });
  const at = Number(await scrub.inputValue());
  const total = Number(await scrub.getAttribute("max"));
  expect(at).toBeLessThan(total);
  await expect(page.getByRole("radio", { name: /^xen_hello_world/ })).not.toContainText("APPLIED");
  // Typing while it plays is fine: the command runs at once (its items join the timeline) and the
  // timeline plays on from where it was.
  await box.fill("upload xen_bye_world xen_bye_world.livepatch");
  await box.press("Enter");
  await expect.poll(async () => Number(await scrub.getAttribute("max")), { timeout: 20_000 }).toBeGreaterThan(total);
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
  expect(Number(await scrub.inputValue())).toBe(at);
  await page.clock.resume();
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible({ timeout: 30_000 });
  await expect(scrub).toHaveValue(String(await scrub.getAttribute("max")));
  await expect(page.getByTestId("console-output")).toContainText("# load xen_hello_world.livepatch");
  await expect(page.getByTestId("console-output")).toContainText("# upload xen_bye_world xen_bye_world.livepatch");
  await expect(page.getByRole("radio", { name: /^xen_hello_world/ })).toContainText("APPLIED");
  await page.getByRole("radio", { name: /^xen_hello_world/ }).click();
  await expect(current(page, "xen_hello_world")).toHaveAccessibleName("APPLIED");
  await expect(page.getByTestId("console-output")).toContainText("Uploading xen_bye_world.livepatch... completed");
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
]) {
  test(`layout holds at ${size.width}×${size.height}`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.emulateMedia({ reducedMotion: "reduce" });
    await openSimulator(page);
    await type(page, "load xen_hello_world.livepatch");
    await type(page, "load xen_bye_world.livepatch");
    const names = ["State diagram", "Memory", "CPUs at the rendezvous", "Console panel", "Timeline"];
    const boxes = [];
    for (const n of names) {
      const b = await page.getByRole("region", { name: n }).boundingBox();
      expect(b, n).not.toBeNull();
      expect(b!.x + b!.width, `${n} right edge`).toBeLessThanOrEqual(size.width + 1);
      expect(b!.y + b!.height, `${n} bottom edge`).toBeLessThanOrEqual(size.height + 1);
      boxes.push({ n, ...b! });
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;
        expect(overlap, `${a.n} overlaps ${b.n}`).toBe(false);
      }
    await page.screenshot({ path: test.info().outputPath(`simulator-${size.width}x${size.height}.png`) });
  });
}

// A trainer on a narrow or short window reads the current step's whole explanation and both byte
// rows of the memory card: the page stacks its cards, each as tall as its content, and scrolls as a
// page (at 1024×768 the explanation was one line of a 566 px text, the NOW row hidden; QA s27-b
// defect 3).
for (const size of [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1280, height: 720 },
]) {
  test(`a scenario step reads whole at ${size.width}×${size.height}: explanation, pills and memory card are not cut`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.emulateMedia({ reducedMotion: "reduce" });
    await openApp(page, "#scenario=hello-world&step=3");
    await expect(page.locator('.scn-panel .scn-explain[data-step="3"]')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByLabel("xen_extra_version bytes now")).toHaveText(/^e9 /);
    const cut = (sel: string) =>
      page.locator(sel).first().evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight, sideways: el.scrollWidth - el.clientWidth }));
    for (const sel of [".scn-explain", ".scn-steps", ".sim-memory"]) {
      const c = await cut(sel);
      expect(c.scroll, `${sel}: content height vs its box`).toBeLessThanOrEqual(c.client + 1);
    }
    // The page scrolls down, never sideways; the page scrolls, not the window (the header stays).
    expect((await cut(".simulator")).sideways, "simulator scrolls sideways").toBeLessThanOrEqual(1);
    const win = await cut("html");
    expect(win.scroll, "the window itself scrolls").toBeLessThanOrEqual(win.client + 1);
    const names = ["State diagram", "Memory", "CPUs at the rendezvous", "Console panel", "Timeline"];
    const boxes = [{ n: "scenario", ...(await page.locator(".scn-panel").boundingBox())! }];
    for (const n of names) boxes.push({ n, ...(await page.getByRole("region", { name: n }).boundingBox())! });
    for (const b of boxes) expect(b.x + b.width, `${b.n} right edge`).toBeLessThanOrEqual(size.width + 1);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const overlap = a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;
        expect(overlap, `${a.n} overlaps ${b.n}`).toBe(false);
      }
    // Both byte rows sit inside the memory card's box, and the page scrolls them into the window.
    for (const label of ["xen_extra_version original bytes", "xen_extra_version bytes now"]) {
      const row = page.getByLabel(label);
      const card = await page.getByRole("region", { name: "Memory" }).boundingBox();
      const r = (await row.boundingBox())!;
      expect(r.y >= card!.y && r.y + r.height <= card!.y + card!.height + 1, `${label} inside the memory card`).toBe(true);
      await row.scrollIntoViewIfNeeded();
      await expect(row).toBeInViewport({ ratio: 1 });
    }
    await page.screenshot({ path: test.info().outputPath(`scenario-${size.width}x${size.height}.png`), fullPage: true });
  });
}
