// Presenter mode: a modal dialog (focus trapped, clicker keys always drive it), clicker and
// keyboard control, the help and blank screens, scenario number keys, the 16:9 slide filling the
// frame at 1280×720 and 1920×1080 (readable type, nothing clipped), reduced motion, embeds that
// take the same keys and size their text to their frame. Exports: presenter-export.spec.ts.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test, expect } from "./support/guards.ts";
import type { Locator, Page } from "@playwright/test";

const presenter = (page: Page) => page.locator(".presenter");
const currentNode = (page: Page) => page.locator(".presenter svg.state-diagram .sd-node[aria-current='true']");

async function present(page: Page, scenario: string, step: number) {
  await page.goto(`./#present&scenario=${scenario}&step=${step}`);
  await expect(presenter(page)).toHaveAttribute("data-step", String(step), { timeout: 30_000 });
  await expect(presenter(page).locator(`.scn-explain[data-step="${step}"]`)).toBeVisible();
}

async function settled(page: Page) {
  // The step animation has played out when the cursor rests at the step's end.
  await expect.poll(() => page.evaluate(() => document.querySelector(".presenter .sd-token.pending, .presenter .sd-token.rendezvous, .presenter .sd-token.patching, .presenter .sd-token.checking") === null), { timeout: 20_000 }).toBe(true);
}

test("keys move through a scenario: Right, Space, PageDown, Left, PageUp, End, Home, a number, ?, ., Escape", async ({ page }) => {
  await present(page, "hello-world", 0);
  const step = () => presenter(page).getAttribute("data-step");
  await page.keyboard.press("ArrowRight");
  await expect(presenter(page)).toHaveAttribute("data-step", "1");
  await expect(presenter(page).locator(".scn-step-title")).toHaveText("Upload");
  await expect(currentNode(page)).toHaveAttribute("aria-label", "CHECKED", { timeout: 20_000 });
  await page.keyboard.press("Space");
  await expect(presenter(page)).toHaveAttribute("data-step", "2");
  await page.keyboard.press("PageDown");
  await expect(presenter(page)).toHaveAttribute("data-step", "3");
  await expect(currentNode(page)).toHaveAttribute("aria-label", "APPLIED", { timeout: 20_000 });
  await page.keyboard.press("ArrowLeft");
  await expect(presenter(page)).toHaveAttribute("data-step", "2");
  await expect(currentNode(page)).toHaveAttribute("aria-label", "CHECKED");
  await page.keyboard.press("PageUp");
  await expect(presenter(page)).toHaveAttribute("data-step", "1");
  await page.keyboard.press("End");
  await expect(presenter(page)).toHaveAttribute("data-step", "8");
  await expect(currentNode(page)).toHaveAttribute("aria-label", "unloaded");
  await page.keyboard.press("Home");
  await expect(presenter(page)).toHaveAttribute("data-step", "0");
  expect(await step()).toBe("0");
  await expect.poll(() => page.evaluate(() => location.hash)).toBe("#present&scenario=hello-world&step=0");

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Presenter keys" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("blank the screen");
  // Every scenario of the catalogue (public/scenarios/index.json lists twelve), each reachable by its number.
  await expect(help.locator(".pr-help-list li")).toHaveCount(12);
  await expect(help.locator(".pr-help-list li").last()).toContainText("NMI mid-write");
  await page.keyboard.press("?");
  await expect(help).toBeHidden();

  await page.keyboard.press(".");
  await expect(page.getByTestId("presenter-blank")).toBeVisible();
  // While blank, the clicker does not move the talk on behind the speaker's back.
  await page.keyboard.press("ArrowRight");
  await expect(presenter(page)).toHaveAttribute("data-step", "0");
  await page.keyboard.press(".");
  await expect(page.getByTestId("presenter-blank")).toBeHidden();
  // A clicker's blank button sends b.
  await page.keyboard.press("b");
  await expect(page.getByTestId("presenter-blank")).toBeVisible();
  await page.keyboard.press("b");
  await expect(page.getByTestId("presenter-blank")).toBeHidden();

  // 2 is the second scenario of the catalogue.
  await page.keyboard.press("2");
  await expect(presenter(page)).toHaveAttribute("aria-label", "Presenting Stacking two payloads, and reverting out of order", { timeout: 30_000 });
  await expect(presenter(page).locator(".scn-explain")).toHaveAttribute("data-step", "0");
  // Twelve scenarios: "1" waits for a second digit (1 2 is the twelfth), or for Enter.
  await page.keyboard.press("1");
  await page.keyboard.press("2");
  await expect(presenter(page)).toHaveAttribute("aria-label", /^Presenting NMI mid-write/, { timeout: 30_000 });
  await page.keyboard.press("1");
  await page.keyboard.press("Enter");
  await expect(presenter(page)).toHaveAttribute("aria-label", /^Presenting Hello world/, { timeout: 30_000 });
  await page.keyboard.press("2");
  await expect(presenter(page)).toHaveAttribute("aria-label", /^Presenting Stacking two payloads/, { timeout: 30_000 });
  // A clicker's next key right after a number moves the scenario that number opens, not the old one.
  await page.keyboard.press("1");
  await page.keyboard.press("ArrowRight");
  await expect(presenter(page)).toHaveAttribute("aria-label", /^Presenting Hello world/, { timeout: 30_000 });
  await expect(presenter(page)).toHaveAttribute("data-step", "1");
  await page.keyboard.press("3");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(presenter(page)).toHaveAttribute("aria-label", /^Presenting REPLACE/, { timeout: 30_000 });
  await expect(presenter(page)).toHaveAttribute("data-step", "2");
  await page.keyboard.press("2");
  await expect(presenter(page)).toHaveAttribute("aria-label", /^Presenting Stacking two payloads/, { timeout: 30_000 });

  await page.keyboard.press("Escape");
  await expect(presenter(page)).toHaveCount(0);
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText("Stacking two payloads");
  expect(await page.evaluate(() => location.hash)).toBe("#scenario=stacking&step=0");
});

/** Whether the embed console's last occurrence of `text` is where it can be seen (not scrolled away). */
function consoleShows(page: Page, text: string) {
  return page.locator(".embed-console [data-testid='console-output']").evaluate((log, wanted) => {
    const walk = document.createTreeWalker(log, NodeFilter.SHOW_TEXT);
    let hit: Text | null = null;
    for (let n = walk.nextNode(); n; n = walk.nextNode()) if (n.textContent?.includes(wanted)) hit = n as Text;
    if (!hit) return "not in the log";
    const range = document.createRange();
    const at = hit.textContent!.lastIndexOf(wanted);
    range.setStart(hit, at);
    range.setEnd(hit, at + wanted.length);
    const line = range.getBoundingClientRect();
    // What shows of the log: its box, clipped by every ancestor that scrolls or clips (the card).
    let top = log.getBoundingClientRect().top;
    let bottom = log.getBoundingClientRect().bottom;
    for (let el = log.parentElement; el; el = el.parentElement) {
      if (getComputedStyle(el).overflowY === "visible") continue;
      const r = el.getBoundingClientRect();
      top = Math.max(top, r.top);
      bottom = Math.min(bottom, r.bottom);
    }
    return line.top >= top - 1 && line.bottom <= bottom + 1 ? "visible" : `scrolled away (line ${Math.round(line.top)}–${Math.round(line.bottom)}, shown ${Math.round(top)}–${Math.round(bottom)})`;
  }, text);
}

test("an embed's console shows the step's command and output, as the page's console does, also after stepping", async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  // Step 6 of replace is `revert xen_replace_world`: xen-livepatch prints "Reverting <id>... completed"
  // (tools/misc/xen-livepatch.c: action_options' verb, then "completed"), the transcript's last line.
  await page.goto("./#embed&scenario=replace&step=6&panels=diagram,memory,cpus,console");
  const embed = page.locator(".embed");
  await expect(embed).toHaveAttribute("data-step", "6", { timeout: 30_000 });
  await expect.poll(() => consoleShows(page, "Reverting xen_replace_world... completed"), { timeout: 20_000 }).toBe("visible");
  await expect(embed.locator(".embed-console .con-input")).toBeInViewport();

  // Stepping with the slide keys keeps the newest lines in view: step 4 is the replace, 5 the list.
  // (A fresh load: the embed reads its hash once, when it opens.)
  await page.goto("about:blank");
  await page.goto("./#embed&scenario=replace&step=4&panels=diagram,memory,cpus,console");
  await expect(embed).toHaveAttribute("data-step", "4", { timeout: 30_000 });
  await expect.poll(() => consoleShows(page, "Replacing all live patches with xen_replace_world... completed"), { timeout: 20_000 }).toBe("visible");
  await embed.focus();
  await page.keyboard.press("PageDown");
  await page.keyboard.press("PageDown");
  await expect(embed).toHaveAttribute("data-step", "6");
  await expect.poll(() => consoleShows(page, "Reverting xen_replace_world... completed"), { timeout: 20_000 }).toBe("visible");
  await expect(embed.locator(".embed-console .con-input")).toBeInViewport();
});

for (const [w, h] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  test(`${w}×${h}: a step about lines in the middle of a long log shows those lines, not the log's end`, async ({ page }) => {
    // hooks-for-real step 13 runs dmesg after the WARN: what its text quotes, in the log
    // `livepatch-lens sim` prints for the same commands (the last dmesg of the script).
    const steps = (JSON.parse(readFileSync("public/scenarios/hooks-for-real.json", "utf8")) as { steps: { command?: string }[] }).steps;
    const script = steps.slice(0, 13).map((st) => st.command!).join("\n") + "\n";
    // Step 4's refused revert makes the script's exit status 1; its output is what counts here.
    let out: string;
    try {
      out = execFileSync(process.execPath, ["../../../src/cli/livepatch-lens.mjs", "sim", "--xen", "xen-syms"], { cwd: "public/samples/x86_64", input: script, encoding: "utf8", stdio: ["pipe", "pipe", "ignore"] });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    const log = out.slice(out.lastIndexOf("# dmesg")).split("\n").slice(1);
    const quoted = ["Xen WARN at payloads/warn_bug.c:36", "warn_bug_pre_apply+0x31", "<d6> 89 de", "pre-apply hook call 1 carries on"].map((q) => log.find((l) => l.includes(q))!);
    expect(quoted.every(Boolean)).toBe(true);
    // Each of them comes after the first 20 lines of the log: the slide has to look past its start.
    expect(log.indexOf(quoted[0])).toBeGreaterThan(20);

    await page.setViewportSize({ width: w, height: h });
    await page.emulateMedia({ reducedMotion: "reduce" });
    await present(page, "hooks-for-real", 13);
    const output = presenter(page).locator(".sl-explain .scn-output");
    await expect(output).toBeVisible({ timeout: 20_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // Every quoted line is drawn inside the output's box, not under a cue or scrolled away.
    const seen = await output.evaluate((pre, lines) => {
      const box = pre.getBoundingClientRect();
      const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      const nodes: Text[] = [];
      while (walker.nextNode()) nodes.push(walker.currentNode as Text);
      return lines.map((line) => {
        const node = nodes.find((n) => n.data.includes(line));
        if (!node) return `${line}: not in the output`;
        const range = document.createRange();
        const at = node.data.indexOf(line);
        range.setStart(node, at);
        range.setEnd(node, at + line.length);
        const r = range.getClientRects()[0];
        if (!r || r.height === 0) return `${line}: not drawn`;
        if (r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) return `${line}: outside the output's box`;
        // The cues ("▲ N earlier lines" and the like) stick to the box's top and bottom edges.
        const cue = (pseudo: string, on: string | undefined) => (on ? parseFloat(getComputedStyle(pre, pseudo).height) || 0 : 0);
        if (r.top < box.top + cue("::before", pre.dataset.above) - 0.5 || r.bottom > box.bottom - cue("::after", pre.dataset.below) + 0.5) return `${line}: under a cue`;
        return "seen";
      });
    }, quoted);
    expect(seen).toEqual(quoted.map(() => "seen"));
    // The clicker's next key moves on: nothing on the slide waits to be scrolled.
    await expect(presenter(page).locator(".sl-more")).toHaveCount(0);
    await page.keyboard.press("ArrowRight");
    await expect(presenter(page)).toHaveAttribute("data-step", "14");
  });
}

// hooks-for-real step 15 calls warn_bug_check(1), which reaches BUG() (fixtures/payloads/warn_bug.c
// line 45) and Xen panics; step 14's deadlocked call leaves the host up (its text says so).
test("the BUG step's slide shows Xen halted on every panel, as the simulator page's header does; a step back takes it away", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ reducedMotion: "reduce" });
  await present(page, "hooks-for-real", 15);
  const slide = presenter(page).locator(".sl");
  await expect(presenter(page).locator(".scn-output")).toContainText("Xen crashed: Xen BUG at payloads/warn_bug.c:45", { timeout: 20_000 });
  await expect(slide).toHaveAttribute("data-halted", "true");
  for (const where of [".sl-diagram", ".sl-lanes", ".sl-memory"]) await expect(slide.locator(`${where} .sl-halted`)).toHaveText("Xen halted (panic)");
  // What the panels still show (the last state before the panic) is dimmed, the mark is not.
  expect(await slide.locator(".sl-diagram .sl-chip").first().evaluate((e) => getComputedStyle(e).opacity)).toBe("0.4");
  expect(await slide.locator(".sl-diagram .sl-halted").evaluate((e) => getComputedStyle(e).opacity)).toBe("1");
  await page.keyboard.press("ArrowLeft");
  await expect(presenter(page)).toHaveAttribute("data-step", "14");
  await expect(presenter(page).locator(".scn-output")).toContainText("spin here forever", { timeout: 20_000 });
  await expect(slide).not.toHaveAttribute("data-halted", /.*/);
  await expect(slide.locator(".sl-halted")).toHaveCount(0);
  await page.keyboard.press("ArrowRight");
  await expect(slide.locator(".sl-halted")).toHaveCount(3, { timeout: 20_000 });
});

test("an embed of the BUG step marks its diagram, CPU and memory panels halted, not its explanation; the step before has no mark", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("./#embed&scenario=hooks-for-real&step=15&panels=diagram,explain,cpus,memory");
  const embed = page.locator(".embed");
  await expect(embed).toHaveAttribute("data-halted", "true", { timeout: 30_000 });
  for (const p of ["diagram", "cpus", "memory"]) await expect(embed.locator(`.embed-${p} > .sl-halted`)).toHaveText("Xen halted (panic)");
  await expect(embed.locator(".embed-explain .sl-halted")).toHaveCount(0);
  await embed.focus();
  await page.keyboard.press("ArrowLeft");
  await expect(embed).toHaveAttribute("data-step", "14");
  await expect(embed).not.toHaveAttribute("data-halted", /.*/, { timeout: 20_000 });
  await expect(embed.locator(".sl-halted")).toHaveCount(0);
});

// PowerPoint, Keynote and reveal.js go back on Shift+Space; a speaker's hands expect the same here.
test("Shift+Space goes back a step, Space on; the key help lists it with the other back keys", async ({ page }) => {
  await present(page, "hello-world", 0);
  await page.keyboard.press("Space");
  await expect(presenter(page)).toHaveAttribute("data-step", "1");
  await page.keyboard.press("Space");
  await expect(presenter(page)).toHaveAttribute("data-step", "2");
  await page.keyboard.press("Shift+Space");
  await expect(presenter(page)).toHaveAttribute("data-step", "1");
  await page.keyboard.press("Shift+Space");
  await expect(presenter(page)).toHaveAttribute("data-step", "0");
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Presenter keys" });
  await expect(help.locator("div").filter({ hasText: "previous step" }).locator("dt")).toHaveText(/Shift\+Space/);
  await expect(help.locator("div").filter({ hasText: "next step" }).locator("dt")).not.toHaveText(/Shift/);
});

test("the presenter is modal: the focus moves in off the console, Tab stays inside, clicker keys drive it", async ({ page }) => {
  await page.goto("./#scenario=hello-world&step=1");
  await expect(page.locator(".scn-panel .scn-explain[data-step='1']")).toBeVisible({ timeout: 30_000 });
  const con = page.getByRole("textbox", { name: "Console" });
  await con.click();
  await expect(con).toBeFocused();
  // Into presenter mode by its link while the console's input has the focus.
  await page.evaluate(() => (location.hash = "#present&scenario=hello-world&step=1"));
  const dialog = page.getByRole("dialog", { name: "Presenting Hello world: upload, apply, revert, unload" });
  await expect(dialog).toHaveAttribute("aria-modal", "true");
  await expect(presenter(page)).toHaveAttribute("data-step", "1");
  const focusInside = () => page.evaluate(() => !!document.activeElement && !!document.activeElement.closest(".presenter"));
  await expect.poll(focusInside).toBe(true);
  // Clicker keys move the slides; none of them is typed anywhere.
  await page.keyboard.press("ArrowRight");
  await expect(presenter(page)).toHaveAttribute("data-step", "2");
  await page.keyboard.press("PageDown");
  await expect(presenter(page)).toHaveAttribute("data-step", "3");
  await page.keyboard.press("PageUp");
  await expect(presenter(page)).toHaveAttribute("data-step", "2");
  // Tab and Shift+Tab walk the presenter's controls and never leave them.
  for (let i = 0; i < 24; i++) {
    await page.keyboard.press(i < 16 ? "Tab" : "Shift+Tab");
    expect(await focusInside(), `after ${i + 1} presses`).toBe(true);
  }
  // A control has the focus; Space still means "next step" (it does not press the control twice).
  await page.keyboard.press(" ");
  await expect(presenter(page)).toHaveAttribute("data-step", "3");
  // The page behind is inert: nothing in it can be focused.
  expect(await page.evaluate(() => { const el = document.querySelector<HTMLElement>(".topbar button"); el?.focus(); return document.activeElement === el; })).toBe(false);
  await page.keyboard.press("Escape");
  await expect(presenter(page)).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "Console" })).toHaveValue("");
  await expect(page.locator(".scn-panel .scn-explain")).toHaveAttribute("data-step", "3");
});

/** What a slide looks like on screen: where its panels are, its smallest type, and what is cut off. */
async function measureSlide(page: Page) {
  return page.evaluate(() => {
    const r = (el: Element) => el.getBoundingClientRect();
    const slide = r(document.querySelector(".presenter .sl")!);
    const panels = [...document.querySelectorAll(".presenter .sl-card")].map((el) => ({ name: el.getAttribute("aria-label"), ...r(el).toJSON(), cut: el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2 }));
    // Rendered size of every piece of text: SVG text scaled by its drawing, HTML as computed.
    let smallest = { px: Infinity, text: "" };
    const walker = document.createTreeWalker(document.querySelector(".presenter .sl")!, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement as Element;
      if (!n.textContent!.trim() || el.closest("title") || r(el).width === 0) continue;
      let px = parseFloat(getComputedStyle(el).fontSize);
      if (el instanceof SVGGraphicsElement) px *= el.getScreenCTM()?.a ?? 1;
      if (px < smallest.px) smallest = { px, text: n.textContent!.trim().slice(0, 40) };
    }
    const text = parseFloat(getComputedStyle(document.querySelector(".presenter .sl .scn-text")!).fontSize);
    const halo = document.querySelector(".presenter .sd-halo");
    const drawing = r(document.querySelector(".presenter .sl-drawing")!);
    const h = halo ? r(halo) : null;
    const haloInside = !h || (h.left >= drawing.left - 0.5 && h.right <= drawing.right + 0.5 && h.top >= drawing.top - 0.5 && h.bottom <= drawing.bottom + 0.5);
    return { slide: slide.toJSON(), panels, smallest, text, haloInside };
  });
}

for (const [w, h] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  test(`the slide fills the ${w}×${h} frame on every step, type readable, nothing clipped`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: w, height: h });
    for (const [scenario, steps] of [
      ["stacking", 8],
      ["rendezvous-timeout", 7],
      ["altcall", 14],
      ["nmi-mid-write", 8],
    ] as const) {
      await present(page, scenario, 0);
      for (let k = 0; k <= steps; k++) {
        if (k > 0) {
          await page.keyboard.press("ArrowRight");
          await expect(presenter(page)).toHaveAttribute("data-step", String(k));
          await settled(page);
        }
        const where = `${scenario} step ${k}`;
        // The explanation's type is fitted again when its content changes size (a ResizeObserver,
        // a frame later): measure the slide once that has happened. Content still cut after it fails.
        let m = await measureSlide(page);
        await expect
          .poll(async () => (m = await measureSlide(page)).panels.filter((p) => p.cut).map((p) => p.name), { message: `${where}: panels cut off`, timeout: 3_000 })
          .toEqual([]);
        expect(m.slide, where).toMatchObject({ x: 0, y: 0, width: w, height: h });
        expect(m.panels.map((p) => p.name)).toEqual(["Diagram", "Explanation", "CPUs at the rendezvous", "Memory"]);
        // The four panels cover most of the frame, and none has content cut off.
        const area = m.panels.reduce((a, p) => a + p.width * p.height, 0);
        expect(area / (w * h), where).toBeGreaterThan(0.8);
        for (const p of m.panels) expect(p.cut, `${where}: ${p.name} cut off`).toBe(false);
        // Type from the back of a room: the explanation at 1/40 of the frame's height at least,
        // nothing on the slide under 1/72 of it (15 px at 1080, 10 px at 720).
        expect(m.text, where).toBeGreaterThanOrEqual(h / 40);
        expect(m.smallest.px, `${where}: "${m.smallest.text}"`).toBeGreaterThanOrEqual(h / 72);
        // The current state's glow is inside the drawing's box.
        expect(m.haloInside, where).toBe(true);
      }
    }
  });
}

/**
 * How each line of a command's output is drawn: on how many rows of the screen (a Range over its
 * text, one rect per row it takes), and whether the box shows all of its width.
 */
async function outputRows(out: Locator) {
  return out.evaluate((pre) => {
    const rows = [...pre.querySelectorAll(".scn-line")].map((l) => {
      const r = document.createRange();
      r.selectNodeContents(l);
      const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0.5).map((x) => Math.round(x.top)));
      return { text: l.textContent!.trimEnd(), rows: tops.size };
    });
    const box = pre.getBoundingClientRect();
    return { rows, scrollWidth: pre.scrollWidth, clientWidth: pre.clientWidth, px: parseFloat(getComputedStyle(pre).fontSize), right: box.right };
  });
}

/** Where a piece of text is drawn (its first occurrence under `root`). */
async function textBox(root: Locator, text: string) {
  return root.evaluate((el, t) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.textContent!.indexOf(t);
      if (at < 0) continue;
      const r = document.createRange();
      r.setStart(n, at);
      r.setEnd(n, at + t.length);
      const b = r.getBoundingClientRect();
      return { top: b.top, bottom: b.bottom, left: b.left, right: b.right };
    }
    return null;
  }, text);
}

for (const [w, h] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  test(`${w}×${h}: xen-livepatch's list table on a slide keeps each row on one line, as list_func() prints it`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.emulateMedia({ reducedMotion: "reduce" });
    // tools/misc/xen-livepatch.c list_func(): a 40-column `%-40.*s` ID, then `| status | metadata`.
    for (const [scenario, step, rows] of [
      ["hello-world", 2, ["xen_hello_world"]],
      ["replace", 5, ["xen_hello_world", "xen_bye_world", "xen_replace_world"]],
    ] as const) {
      const where = `${scenario} step ${step}`;
      await present(page, scenario, step);
      const out = presenter(page).locator(".sl-explain .scn-output");
      await expect(out).toContainText("LIVEPATCH_RULEZ", { timeout: 20_000 });
      await expect(out).toContainText("exit status 0");
      let m = await outputRows(out);
      // The type is fitted a frame after the output arrives: measure once nothing wraps, or fail.
      await expect
        .poll(async () => (m = await outputRows(out)).rows.filter((r) => r.rows !== 1).map((r) => `"${r.text}" on ${r.rows} rows`), { message: `${where}: lines wrapped`, timeout: 3_000 })
        .toEqual([]);
      expect(m.scrollWidth, `${where}: the widest line fits the box`).toBeLessThanOrEqual(m.clientWidth + 1);
      const card = await presenter(page).locator(".sl-explain").boundingBox();
      expect(m.right, `${where}: inside its card`).toBeLessThanOrEqual(card!.x + card!.width + 0.5);
      // Still readable from the back of the room: the slide's smallest type, 1/72 of its height.
      expect(m.px, where).toBeGreaterThanOrEqual(h / 72);
      // The metadata column is on its payload's row, not a row of its own under it.
      const id = await textBox(out, rows[0]);
      const meta = await textBox(out, "LIVEPATCH_RULEZ");
      expect(Math.abs(meta!.top - id!.top), `${where}: LIVEPATCH_RULEZ on ${rows[0]}'s row`).toBeLessThan(2);
      expect(meta!.left).toBeGreaterThan(id!.right);
      // One screen row per table row: the header, the ruler, each payload, the exit status.
      expect(m.rows.length, where).toBe(rows.length + 3);
      for (const name of rows) expect(m.rows.some((r) => r.text.startsWith(name) && r.rows === 1), `${where}: ${name}`).toBe(true);
    }
  });
}

test("a focused embed walks the scenario with the slide keys, and its text grows with its frame", async ({ page, baseURL }) => {
  await page.route("**/embed-host.html", (r) =>
    r.fulfill({
      contentType: "text/html",
      body: `<!doctype html><body style="margin:0"><iframe id="small" title="small" src="${baseURL}#embed&scenario=hello-world&step=2&panels=diagram,explain" width="480" height="270"></iframe><iframe id="big" title="big" src="${baseURL}#embed&scenario=hello-world&step=2&panels=diagram,explain" width="1200" height="675"></iframe></body>`,
    }),
  );
  await page.setViewportSize({ width: 1700, height: 1000 });
  await page.goto("./embed-host.html");
  const small = page.frameLocator("#small");
  const big = page.frameLocator("#big");
  await expect(small.locator(".embed")).toHaveAttribute("data-step", "2", { timeout: 30_000 });
  await expect(big.locator(".embed")).toHaveAttribute("data-step", "2", { timeout: 30_000 });
  const size = (f: typeof small) => f.locator(".embed .scn-text").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const ratio = (await size(big)) / (await size(small));
  expect(ratio).toBeGreaterThan(2);
  expect(ratio).toBeLessThan(3);
  // Keys go to the frame that has the focus, and only to it.
  await small.locator(".embed").click();
  await page.keyboard.press("ArrowRight");
  await expect(small.locator(".embed")).toHaveAttribute("data-step", "3");
  await expect(small.locator(".embed-diagram .sd-node[aria-current='true']")).toHaveAttribute("aria-label", "APPLIED", { timeout: 20_000 });
  await page.keyboard.press("End");
  await expect(small.locator(".embed")).toHaveAttribute("data-step", "8");
  await page.keyboard.press("PageUp");
  await expect(small.locator(".embed")).toHaveAttribute("data-step", "7");
  await page.keyboard.press("Home");
  await expect(small.locator(".embed")).toHaveAttribute("data-step", "0");
  await expect(big.locator(".embed")).toHaveAttribute("data-step", "2");
  await big.locator(".embed").focus();
  await page.keyboard.press("Space");
  await expect(big.locator(".embed")).toHaveAttribute("data-step", "3");
});

// A speaker types into an embed's console: the slide keys that are also characters (Space, b, .,
// digits, ?) and the caret keys stay in its input, so the command runs as typed; PageDown and
// PageUp, which type nothing, still step (a clicker's keys).
test("an embed's console input keeps the keys typed into it; PageDown and PageUp still step", async ({ page }) => {
  await page.setViewportSize({ width: 1000, height: 600 });
  await page.goto("./#embed&scenario=hello-world&step=0&panels=console,explain");
  const embed = page.locator(".embed");
  await expect(embed).toHaveAttribute("data-step", "0", { timeout: 30_000 });
  const input = page.locator(".embed-console").getByRole("textbox", { name: "Console" });
  await input.click();
  await page.keyboard.type("upload b1 xen_hello_world.livepatch?", { delay: 10 });
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("End");
  await expect(input).toHaveValue("upload b1 xen_hello_world.livepatch");
  await expect(embed).toHaveAttribute("data-step", "0");
  await expect(page.getByTestId("embed-blank")).toHaveCount(0);
  await page.keyboard.press("Enter");
  // xen-livepatch's own line (tools/misc/xen-livepatch.c upload_func(): "Uploading %s... ", then "completed").
  await expect(page.locator(".embed-console [data-testid='console-output']")).toContainText("Uploading xen_hello_world.livepatch... completed");
  await input.click();
  await page.keyboard.press("PageDown");
  await expect(embed).toHaveAttribute("data-step", "1");
  await page.keyboard.press("PageUp");
  await expect(embed).toHaveAttribute("data-step", "0");
});

// Five or six panels were one column of strips (a 1920×1080 frame: six 163 px strips, four of
// them scrolling; at 960×540 the diagram too small to read). Two columns of three rows give each
// panel half the width and a third of the height: 1920×1080 less the 1.2vmin (13 px) padding and
// gaps, by hand (1920 − 3 × 13) / 2 ≈ 940 by (1080 − 4 × 13) / 3 ≈ 343.
for (const panels of ["diagram,explain,cpus,memory,console,timeline", "diagram,explain,cpus,memory,console"]) {
  test(`a 1920×1080 embed of ${panels.split(",").length} panels lays them out in two columns of three rows`, async ({ page }) => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`./#embed&scenario=replace&step=4&panels=${panels}`);
    await expect(page.locator(".embed")).toHaveAttribute("data-step", "4", { timeout: 30_000 });
    const boxes = await page.locator(".embed-panel").evaluateAll((all) => all.map((p) => p.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes).toHaveLength(panels.split(",").length);
    for (const b of boxes) {
      expect(b.width).toBeGreaterThan(925);
      expect(b.width).toBeLessThan(955);
      expect(b.height).toBeGreaterThan(330);
      expect(b.height).toBeLessThan(355);
    }
    await expect(page.locator(".embed-diagram[data-small]")).toHaveCount(0);
  });
}

// At 1920×1080 an embed's text is 3vmin, 32 px, but "STEP 4 OF 6", the step's title, its command,
// its highlight chip and the payload's name in the CPU lanes' caption stayed at the page's 11–17 px.
test("a 1920×1080 embed sizes the explanation's header, command and chips and the lanes' caption code with its text", async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("./#embed&scenario=replace&step=4&panels=explain,cpus");
  await expect(page.locator(".embed")).toHaveAttribute("data-step", "4", { timeout: 30_000 });
  await expect(page.locator(".embed-cpus .sim-caption code")).toBeVisible({ timeout: 20_000 });
  const px = (sel: string) => page.locator(sel).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const body = await px(".embed-explain .scn-text");
  expect(body).toBeCloseTo(32.4, 0); // 3vmin of 1080
  for (const sel of [".embed-explain .scn-where", ".embed-explain .scn-step-title", ".embed-explain .scn-typed code", ".embed-explain .scn-chip", ".embed-cpus .sim-caption code"]) {
    expect(await px(sel), sel).toBeGreaterThan(body * 0.55);
  }
});

// A timeline panel half a 960×540 frame wide (468 px) gave its controls all the width they asked
// for: the line saying where the timeline is was one character wide, a letter per row, and the
// event list had no room. In a narrow panel the line and the list go under the controls.
test("an embed's timeline in a half-width panel keeps its current event on one line and its list readable", async ({ page }) => {
  await page.setViewportSize({ width: 960, height: 540 });
  await page.goto("./#embed&scenario=replace&step=4&panels=diagram,timeline");
  await expect(page.locator(".embed")).toHaveAttribute("data-step", "4", { timeout: 30_000 });
  const m = await page.locator(".embed-timeline").evaluate((panel) => {
    const now = panel.querySelector(".tl-now")!.getBoundingClientRect();
    const list = panel.querySelector(".tl-list")!.getBoundingClientRect();
    return { panel: panel.getBoundingClientRect().width, now: now.width, list: list.width, listH: list.height };
  });
  expect(m.now).toBeGreaterThan(m.panel * 0.8);
  expect(m.list).toBeGreaterThan(m.panel * 0.8);
  expect(m.listH).toBeGreaterThan(40);
});

test("reduced motion: a step changes at once, with no animation or transition running", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await present(page, "hello-world", 2);
  await page.keyboard.press("ArrowRight");
  // No waiting: the step's end state is there immediately.
  expect(await page.evaluate(() => document.querySelector(".presenter")!.getAttribute("data-step"))).toBe("3");
  await expect(currentNode(page)).toHaveAttribute("aria-label", "APPLIED", { timeout: 1_000 });
  expect(await page.evaluate(() => document.getAnimations().length)).toBe(0);
  await page.keyboard.press("ArrowRight");
  expect(await page.evaluate(() => document.getAnimations().length)).toBe(0);
});

test("full motion: the same step plays (animations run), so the reduced-motion test can tell", async ({ page }) => {
  await present(page, "hello-world", 2);
  await page.keyboard.press("ArrowRight");
  // The step may start a frame or two after the key on a loaded machine: look until it does.
  await expect.poll(() => page.evaluate(() => document.getAnimations().length), { intervals: [0, 20, 50, 100] }).toBeGreaterThan(0);
  await expect(currentNode(page)).toHaveAttribute("aria-label", "APPLIED", { timeout: 20_000 });
});

test("an embed shows one step with the chosen panels and no chrome", async ({ page }) => {
  await page.goto("./#embed&scenario=replace&step=4&panels=diagram,memory");
  await expect(page.locator(".embed")).toHaveAttribute("data-step", "4", { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Livepatch Lens" })).toHaveCount(0);
  await expect(page.locator(".embed-panel")).toHaveCount(2);
  await expect(page.locator(".embed-diagram .sd-node[aria-current='true']")).toHaveAttribute("aria-label", "APPLIED");
  await expect(page.locator(".embed-diagram .sd-title")).toHaveText("xen_replace_world");
  await expect(page.getByRole("article", { name: "Memory at xen_extra_version" })).toHaveClass(/patched/);
  await expect(page.getByRole("article", { name: "Memory at xen_extra_version" })).toContainText("xen_replace_world");
});

/** The embedded diagram as drawn: its panel's inner box, and every state and word of the SVG. */
async function embedDiagram(page: Page) {
  return page.evaluate(() => {
    const panel = document.querySelector(".embed-diagram")!;
    const p = panel.getBoundingClientRect();
    const cs = getComputedStyle(panel);
    const inner = { left: p.left + parseFloat(cs.borderLeftWidth), top: p.top + parseFloat(cs.borderTopWidth), right: p.right - parseFloat(cs.borderRightWidth), bottom: p.bottom - parseFloat(cs.borderBottomWidth) };
    const parts = [...panel.querySelectorAll("svg .sd-node rect, svg text")].map((el) => {
      const b = el.getBoundingClientRect();
      return { what: el.textContent?.trim() || el.closest(".sd-node")?.getAttribute("aria-label") || el.tagName, left: b.left, top: b.top, right: b.right, bottom: b.bottom };
    });
    const out = parts.filter((b) => b.left < inner.left - 0.5 || b.top < inner.top - 0.5 || b.right > inner.right + 0.5 || b.bottom > inner.bottom + 0.5).map((b) => b.what);
    const drawn = { top: Math.min(...parts.map((b) => b.top)), bottom: Math.max(...parts.map((b) => b.bottom)), left: Math.min(...parts.map((b) => b.left)), right: Math.max(...parts.map((b) => b.right)) };
    return { out, across: (drawn.right - drawn.left) / (inner.right - inner.left), down: (drawn.bottom - drawn.top) / (inner.bottom - inner.top), states: panel.querySelectorAll("svg .sd-node").length };
  });
}

for (const [w, h, hash] of [
  [640, 360, "scenario=hello-world&step=3&panels=diagram,memory,cpus,console"],
  [400, 300, "scenario=stacking&step=6&panels=diagram,console"],
  [900, 600, "scenario=replace&step=4&panels=diagram,memory"],
  [1920, 1080, "scenario=replace&step=4&panels=diagram,memory"],
] as const) {
  test(`an embed's state diagram at ${w}×${h} fits its panel both ways: nothing cut, and the panel used`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto(`./#embed&${hash}`);
    const step = /step=(\d+)/.exec(hash)![1];
    await expect(page.locator(".embed")).toHaveAttribute("data-step", step, { timeout: 30_000 });
    await expect(page.locator(".embed-diagram .sd-node[aria-current='true']")).toBeVisible({ timeout: 20_000 });
    let m = await embedDiagram(page);
    // Every state and every word (labels, rc, a failure's reason) inside the panel, at any size.
    await expect.poll(async () => (m = await embedDiagram(page)).out, { message: `${w}×${h}: cut off at the panel's edge`, timeout: 5_000 }).toEqual([]);
    expect(m.states).toBe(4);
    // As large as the panel allows: bounded by one direction, it spans most of it; and a panel
    // taller than the drawing's shape is not left half empty.
    expect(Math.max(m.across, m.down), `${w}×${h}: across ${m.across.toFixed(2)}, down ${m.down.toFixed(2)}`).toBeGreaterThan(0.75);
    expect(m.down, `${w}×${h}: share of the panel's height drawn on`).toBeGreaterThan(0.38);
    // Its words at 8 px or more, else the panel says it is too small to read (the 400×300 and
    // 640×360 frames: their words would be about 3 and 6 px).
    const small = page.locator(".embed-diagram[data-small]");
    if (w < 900) {
      await expect(small).toHaveCount(1);
      expect(await small.evaluate((p) => getComputedStyle(p, "::before").content)).toContain("Too small to read here");
    } else await expect(small).toHaveCount(0);
  });
}

/** Every text of an embed as drawn (SVG at its drawn scale), per panel: the smallest, unless covered by a note. */
async function embedType(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".embed-panel")].map((p) => {
      let px = Infinity;
      let text = "";
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement!;
        if (!n.textContent!.trim() || el.closest("title") || el.getBoundingClientRect().width === 0) continue;
        let size = parseFloat(getComputedStyle(el).fontSize);
        if (el instanceof SVGGraphicsElement) size *= (el.closest("text") ?? el).getScreenCTM()?.a ?? 1;
        if (el.closest("tspan") && n.textContent!.trim() === "·") continue; // a separator, not a word
        if (size < px) [px, text] = [size, n.textContent!.trim().slice(0, 30)];
      }
      const note = p.dataset.small !== undefined ? getComputedStyle(p, "::before") : null;
      const over = p.scrollHeight > p.clientHeight + 1;
      const cue = p.dataset.more !== undefined && getComputedStyle(p, "::after").content.includes("more");
      return { panel: p.getAttribute("aria-label"), px, text, note: note ? { says: note.content.includes("Too small to read here"), px: parseFloat(note.fontSize), covers: note.position === "absolute" && [note.top, note.right, note.bottom, note.left].every((v) => v === "0px") && note.backgroundColor !== "rgba(0, 0, 0, 0)" } : null, over, cue };
    }),
  );
}

// A 400×300 frame with four panels gave 3–5 px type: unreadable. Now no word is drawn under 8 px:
// text panels hold it and scroll, with a cue; a drawing that would be smaller says so instead.
for (const hash of ["scenario=hello-world&step=3&panels=diagram,memory,cpus,console", "scenario=replace&step=4&panels=diagram,explain"]) {
  test(`a 400×300 embed (${/panels=(.*)/.exec(hash)![1]}): no word under 8 px; a drawing too small for that says so; what is longer scrolls with a cue`, async ({ page }) => {
    await page.setViewportSize({ width: 400, height: 300 });
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto(`./#embed&${hash}`);
    await expect(page.locator(".embed")).toHaveAttribute("data-step", /^\d+$/, { timeout: 30_000 });
    await expect(page.locator(".embed-diagram .sd-node[aria-current='true']")).toHaveCount(1, { timeout: 20_000 });
    let m = await embedType(page);
    // Fitted a frame after the panels are drawn: measure once the diagram's note is up, or fail.
    await expect.poll(async () => (m = await embedType(page)).find((p) => p.panel === "State")?.note?.says, { timeout: 5_000 }).toBe(true);
    for (const p of m) {
      if (p.note) {
        // Covered whole by the note, in type that reads (11 px at least).
        expect(p.note.covers, `${p.panel}: note covers the panel`).toBe(true);
        expect(p.note.px, `${p.panel}: note type`).toBeGreaterThanOrEqual(11);
        expect(p.px, `${p.panel}: a drawing is covered only when its words would be under 8 px`).toBeLessThan(8);
      } else expect(p.px, `${p.panel}: "${p.text}"`).toBeGreaterThanOrEqual(7.95);
      // Longer than its panel: it scrolls and the cue says so (the console follows its last line).
      if (p.over && !p.note && p.panel !== "Console") expect(p.cue, `${p.panel}: scrolls with no cue`).toBe(true);
    }
  });
}

/** An embed's panels as drawn: what overflows its box, and whether it says so. */
async function embedPanels(page: Page) {
  return page.evaluate(() => {
    const cut = (el: Element) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
    const log = document.querySelector<HTMLElement>(".embed-console .con-log")!;
    const memory = document.querySelector<HTMLElement>(".embed-memory")!;
    const cue = memory.dataset.more !== undefined && getComputedStyle(memory, "::after").content.includes("more");
    // The transcript's lines as drawn: one screen row each (a Range's rects, one per row), and
    // how many reach past the log's inner right edge.
    const right = log.getBoundingClientRect().left + log.clientLeft + log.clientWidth;
    const r = document.createRange();
    r.selectNodeContents(log);
    const rects = [...r.getClientRects()].filter((b) => b.width > 0.5);
    const rows = new Set(rects.map((b) => Math.round(b.top))).size;
    const lines = log.textContent!.replace(/\n$/, "").split("\n").filter((l) => l.length > 0).length;
    const wide = rects.filter((b) => b.right > right + 0.5).length;
    const css = getComputedStyle(log);
    // A log wider than its box says so: it scrolls across, and its right edge glows.
    const says = css.overflowX === "scroll" && css.boxShadow.includes("inset") && log.dataset.wide !== undefined;
    return { logWide: log.scrollWidth > log.clientWidth + 1, wide, rows, lines, says, logPx: parseFloat(css.fontSize), memoryCut: cut(memory), cue };
  });
}

for (const [w, h, hash] of [
  [900, 600, "scenario=replace&step=6&panels=diagram,memory,cpus,console"],
  [640, 360, "scenario=hello-world&step=3&panels=diagram,memory,cpus,console"],
] as const) {
  test(`an embed at ${w}×${h} cuts nothing without a sign: the console's lines fit its width, the memory card fits or says it scrolls`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto(`./#embed&${hash}`);
    const step = /step=(\d+)/.exec(hash)![1];
    await expect(page.locator(".embed")).toHaveAttribute("data-step", step, { timeout: 30_000 });
    await expect(page.locator(".embed-console .con-log")).toContainText("completed", { timeout: 20_000 });
    await expect(page.locator(".embed-memory .mem-window")).toBeVisible();
    let m = await embedPanels(page);
    // Fitted a frame after the panels change: measure once that has happened, or fail.
    await expect.poll(async () => ((m = await embedPanels(page)), (m.logWide || m.wide > 0) && !m.says), { message: `${w}×${h}: console lines cut at the right, no sign`, timeout: 5_000 }).toBe(false);
    // Never wrapped (a `list` row stays one row), in type no smaller than 8 px.
    expect(m.rows, `${w}×${h}: screen rows of the transcript's ${m.lines} lines`).toBe(m.lines);
    expect(m.logPx, `${w}×${h}: console type`).toBeGreaterThanOrEqual(8);
    // At 900×600 every line fits: nothing to scroll across.
    if (w >= 900) expect(m.logWide, `${w}×${h}: console wider than its box`).toBe(false);
    expect(m.memoryCut && !m.cue, `${w}×${h}: memory card cut with no cue`).toBe(false);
  });
}

for (const [w, h] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  test(`presenter screenshot ${w}×${h}`, async ({ page }, info) => {
    await page.setViewportSize({ width: w, height: h });
    await present(page, "rendezvous-timeout", 3);
    await settled(page);
    await page.screenshot({ path: info.outputPath(`presenter-${w}x${h}.png`) });
    await present(page, "replace", 4);
    await settled(page);
    await page.screenshot({ path: info.outputPath(`presenter-replace-${w}x${h}.png`) });
    // Large type: the explanation is at least 18 px, more on the bigger screen.
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector(".presenter .scn-text")!).fontSize));
    expect(size).toBeGreaterThanOrEqual(w >= 1920 ? 26 : 18);
  });
}

test("full screen on request ('f'), Escape leaves it and presenter mode", async ({ page }) => {
  await present(page, "nop-out", 1);
  await page.keyboard.press("f");
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.tagName ?? null)).toBe("HTML");
  await page.keyboard.press("Escape");
  await expect(presenter(page)).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
});

test("without the Fullscreen API the presenter still fills the window and says so", async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(Document.prototype, "fullscreenEnabled", { get: () => false }));
  await present(page, "nop-out", 1);
  await presenter(page).getByRole("button", { name: "Full screen" }).click();
  await expect(presenter(page).getByRole("status")).toContainText("Full screen is not available");
  const box = await presenter(page).boundingBox();
  expect(box).toMatchObject({ x: 0, y: 0, width: 1280, height: 720 });
});

test("a link to a scenario the catalogue lacks says so on the slide, not the previous scenario's slides", async ({ page }) => {
  // A speaker's typo in the link while presenting: the deck that was open must not go on showing
  // under a link that names another scenario; the slide says what is wrong.
  await present(page, "hello-world", 2);
  await page.evaluate(() => (location.hash = "#present&scenario=hello-wrld&step=1"));
  await expect(presenter(page).getByRole("alert")).toHaveText('There is no scenario "hello-wrld" in the catalogue.');
  await expect(presenter(page).locator(".scn-explain")).toHaveCount(0);
  // Back to a real one: its slides return.
  await page.evaluate(() => (location.hash = "#present&scenario=hello-world&step=1"));
  await expect(presenter(page).locator('.scn-explain[data-step="1"]')).toBeVisible({ timeout: 30_000 });
  await expect(presenter(page).getByRole("alert")).toHaveCount(0);
});

// The memory card's marks explained on the card itself: a pointer's tooltip is nothing an audience
// sees. The key sits on the card's title row, so it costs the card no height.
test("a slide's memory card shows the key to its marked bytes on its title row, in type at the slide's floor", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ reducedMotion: "reduce" });
  await present(page, "hello-world", 3);
  await settled(page);
  const card = presenter(page).locator(".sl-memory");
  const key = card.locator(".mem-key");
  await expect(key).toBeVisible();
  await expect(key).toHaveText("e9 written by a live patch");
  // APPLY wrote the 5-byte jmp: its bytes are marked as the key's sample is.
  const marked = card.getByLabel("xen_extra_version bytes now").locator(".chg");
  await expect(marked).toHaveCount(5);
  const look = (el: Locator) => el.evaluate((e) => { const c = getComputedStyle(e); return [c.backgroundColor, c.color]; });
  expect(await look(key.locator(".chg"))).toEqual(await look(marked.first()));
  const m = await card.evaluate((c) => {
    const title = c.querySelector(".sl-label > span")!.getBoundingClientRect();
    const k = c.querySelector(".mem-key")!.getBoundingClientRect();
    return { sameRow: Math.abs(k.top + k.height / 2 - (title.top + title.height / 2)) < 3, inside: k.right <= c.getBoundingClientRect().right, px: parseFloat(getComputedStyle(c.querySelector(".mem-key")!).fontSize) };
  });
  expect(m).toEqual({ sameRow: true, inside: true, px: expect.any(Number) });
  expect(m.px).toBeGreaterThanOrEqual(720 / 60 - 0.05);
  // Before anything is patched there is nothing to explain: no key.
  await present(page, "hello-world", 1);
  await expect(card.locator(".mem-window")).toHaveCount(0);
  await expect(key).toHaveCount(0);
});

// A speaker's slides at 1280×720: no type under 12 px (1/60 of the frame, the same share at any
// size), the memory card's badge and the field table included, and no card cut, the memory card
// of a hooks payload (its long symbol wraps) included (QA s27-b defect 10).
test("1280×720: applied steps' slides have no type under 12 px and no card cut", async ({ page }) => {
  test.setTimeout(180_000);
  const [w, h] = [1280, 720];
  await page.setViewportSize({ width: w, height: h });
  await page.emulateMedia({ reducedMotion: "reduce" });
  for (const [scenario, step] of [
    ["hello-world", 3],
    ["hook-veto", 5],
    ["hook-veto", 6],
    ["hook-veto", 7],
    ["hooks-for-real", 2],
    ["hooks-for-real", 3],
    ["hooks-for-real", 4],
  ] as const) {
    const where = `${scenario} step ${step}`;
    await present(page, scenario, step);
    await settled(page);
    await expect(presenter(page).locator(".sl-memory .mem-window .badge").first()).toBeVisible();
    let m = await measureSlide(page);
    await expect
      .poll(async () => (m = await measureSlide(page)).panels.filter((p) => p.cut).map((p) => p.name), { message: `${where}: panels cut off`, timeout: 3_000 })
      .toEqual([]);
    expect(m.smallest.px, `${where}: "${m.smallest.text}"`).toBeGreaterThanOrEqual(h / 60 - 0.05);
    // The memory card's last line is inside its border.
    const inside = await presenter(page)
      .locator(".sl-memory")
      .evaluate((card) => {
        const c = card.getBoundingClientRect();
        const last = [...card.querySelectorAll(".mem-window *")].reduce((b, el) => Math.max(b, el.getBoundingClientRect().bottom), 0);
        return last <= c.bottom - parseFloat(getComputedStyle(card).borderBottomWidth) + 0.5;
      });
    expect(inside, `${where}: memory card's last line inside its border`).toBe(true);
  }
});
