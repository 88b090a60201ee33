// Presenter mode, text that fits: every step of every scenario, opened as a speaker does (number
// keys, then the clicker), has its whole explanation inside its card at 1280×720 and 1920×1080,
// with and without Larger text, in type still readable from the back of a room, and no output line
// wrapped without a mark. A text longer
// than the card at its smallest type shows a cue and the clicker scrolls it before moving on.
// Leaving presenter mode gives the focus back to the Present button.
import type { Page } from "@playwright/test";
import { test, expect } from "./support/guards.ts";

const presenter = (page: Page) => page.locator(".presenter");

interface Step {
  command?: string;
}
interface ScenarioFile {
  id: string;
  title: string;
  summary: string;
  steps: Step[];
}

async function catalogue(page: Page): Promise<ScenarioFile[]> {
  const index = (await (await page.request.get("./scenarios/index.json")).json()) as { scenarios: string[] };
  return Promise.all(index.scenarios.map(async (id) => (await (await page.request.get(`./scenarios/${id}.json`)).json()) as ScenarioFile));
}

/** The explanation card as it is drawn now: cut off or not, its type size, the scroll cue. */
function explanation(page: Page) {
  return page.evaluate(() => {
    const card = document.querySelector<HTMLElement>(".presenter .sl-explain")!;
    const text = card.querySelector(".scn-text")!;
    return {
      scrollHeight: card.scrollHeight,
      clientHeight: card.clientHeight,
      textPx: parseFloat(getComputedStyle(text).fontSize),
      cue: document.querySelector(".presenter .sl-more") !== null,
      output: card.querySelector(".scn-output") !== null,
    };
  });
}

/**
 * A command's output lines as drawn: a line drawn on more than one row must say so, wrapping only
 * with the ↪ mark at the head of each row after its first.
 */
function unmarkedWraps(page: Page) {
  return page.evaluate(() => {
    const unmarked: string[] = [];
    for (const line of document.querySelectorAll<HTMLElement>(".presenter .sl-explain .scn-output .scn-line")) {
      if (line.dataset.hide !== undefined) continue;
      const r = document.createRange();
      r.selectNodeContents(line);
      const rows = new Set([...r.getClientRects()].filter((x) => x.width > 0.5).map((x) => Math.round(x.top))).size;
      if (rows <= 1) continue;
      const mark = getComputedStyle(line, "::after");
      const marked = Math.round(parseFloat(mark.height) / parseFloat(getComputedStyle(line).lineHeight));
      if (!mark.content.includes("↪") || marked !== rows - 1) unmarked.push(`"${line.textContent!.trim().slice(0, 60)}" on ${rows} rows, ${mark.content === "none" ? "no" : marked} marks`);
    }
    return unmarked;
  });
}

/** Two frames: a layout change made in answer to the last one (the type fitted) is drawn. */
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function typeNumber(page: Page, n: number) {
  for (const d of String(n)) await page.keyboard.press(d);
  await page.keyboard.press("Enter");
}

test.describe.configure({ timeout: 300_000 });

for (const [w, h] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  for (const larger of [false, true]) {
    test(`${w}×${h}${larger ? ", Larger text" : ""}: every step of every scenario fits its card, no silent wrap`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      // The end of each step at once: what is measured is what the step leaves on the slide.
      await page.emulateMedia({ reducedMotion: "reduce" });
      const all = await catalogue(page);
      expect(all.length).toBe(12);
      await page.goto(`./#scenario=${all[0].id}&step=0`);
      await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toBeVisible({ timeout: 30_000 });
      if (larger) {
        await page.getByRole("button", { name: "Larger text" }).click();
        await expect(page.getByRole("button", { name: "Larger text" })).toHaveAttribute("aria-pressed", "true");
      }
      await page.getByRole("button", { name: "Present", exact: true }).click();
      await expect(presenter(page)).toHaveAttribute("data-step", "0", { timeout: 30_000 });
      // The slide fills the window whatever the page's zoom.
      expect(await page.locator(".presenter .sl").boundingBox()).toMatchObject({ x: 0, y: 0, width: w, height: h });
      const cut: string[] = [];
      for (const [i, s] of all.entries()) {
        if (i > 0) await typeNumber(page, i + 1);
        await expect(presenter(page)).toHaveAttribute("aria-label", `Presenting ${s.title}`, { timeout: 30_000 });
        for (let k = 0; k <= s.steps.length; k++) {
          if (k > 0) await page.keyboard.press("ArrowRight");
          await expect(presenter(page)).toHaveAttribute("data-step", String(k), { timeout: 20_000 });
          const card = presenter(page).locator(".sl-explain");
          await expect(card.locator(`.scn-explain[data-step="${k}"]`)).toBeVisible();
          if (k === 0) await expect(card.locator(".scn-text")).toHaveText(s.summary);
          // A command's step ends with what it printed: measure once that is on the slide.
          if (k > 0 && s.steps[k - 1].command !== undefined) await expect(card.locator(".scn-output")).toBeVisible({ timeout: 20_000 });
          await frames(page);
          const m = await explanation(page);
          const where = `${s.id} step ${k}`;
          if (m.scrollHeight > m.clientHeight + 1 || m.cue) cut.push(`${where}: ${m.scrollHeight} px of text in a ${m.clientHeight} px card${m.cue ? " (cue shown)" : ""}`);
          // Shrunk to fit, never below 1/45 of the frame's height (16 px at 720, 24 px at 1080).
          expect.soft(m.textPx, where).toBeGreaterThanOrEqual(h / 45);
          // No output line wrapped without its mark.
          expect.soft(await unmarkedWraps(page), `${where}: output lines wrapped with no mark`).toEqual([]);
        }
      }
      expect(cut).toEqual([]);
    });
  }
}

test("a text longer than its card at its smallest type: a cue, and the clicker scrolls before it moves on", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("./#scenario=hello-world&step=0");
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toBeVisible({ timeout: 30_000 });
  // A scenario of the user's own, its opening text five times what a card holds.
  const own = (await (await page.request.get("./scenarios/hello-world.json")).json()) as ScenarioFile & Record<string, unknown>;
  const long = { ...own, id: "long-talk", title: "A long talk", summary: Array.from({ length: 5 }, () => own.summary).join(" ") + " The end." };
  await page.getByLabel("Scenario file").setInputFiles({ name: "long-talk.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(long)) });
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText("A long talk", { timeout: 30_000 });
  await page.getByRole("button", { name: "Present", exact: true }).click();
  await expect(presenter(page)).toHaveAttribute("aria-label", "Presenting A long talk", { timeout: 30_000 });
  const card = presenter(page).locator(".sl-explain");
  const cue = presenter(page).locator(".sl-more");
  await expect(cue).toBeVisible();
  await expect(cue).toContainText("more");
  const scrollTop = () => card.evaluate((el) => el.scrollTop);
  const atEnd = () => card.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1);
  expect(await scrollTop()).toBe(0);
  // Next scrolls the card, a page at a time, and the step stays until the end is in view.
  let presses = 0;
  while (!(await atEnd())) {
    const before = await scrollTop();
    await page.keyboard.press("PageDown");
    presses++;
    await expect(presenter(page)).toHaveAttribute("data-step", "0");
    expect(await scrollTop()).toBeGreaterThan(before);
    expect(presses).toBeLessThan(10);
  }
  expect(presses).toBeGreaterThan(0);
  await expect(cue).toBeHidden();
  await expect(card.getByText("The end.")).toBeInViewport();
  // Back scrolls up first, then next moves on once the end is in view again.
  await page.keyboard.press("ArrowLeft");
  await expect(cue).toBeVisible();
  await expect(presenter(page)).toHaveAttribute("data-step", "0");
  while (!(await atEnd())) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(presenter(page)).toHaveAttribute("data-step", "1");
  expect(await scrollTop()).toBe(0);
});

test("leaving presenter mode gives the focus back to the Present button that opened it", async ({ page }) => {
  await page.goto("./#scenario=hello-world&step=2");
  await expect(page.locator(".scn-panel .scn-explain[data-step='2']")).toBeVisible({ timeout: 30_000 });
  const present = page.getByRole("button", { name: "Present", exact: true });
  await present.focus();
  await page.keyboard.press("Enter");
  await expect(presenter(page)).toHaveAttribute("data-step", "2", { timeout: 30_000 });
  await page.keyboard.press("ArrowRight");
  await expect(presenter(page)).toHaveAttribute("data-step", "3");
  await page.keyboard.press("Escape");
  await expect(presenter(page)).toHaveCount(0);
  await expect(present).toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Present");
  // Twice in a row, and by the Exit button too.
  await present.click();
  await expect(presenter(page)).toHaveAttribute("data-step", "3", { timeout: 30_000 });
  await presenter(page).getByRole("button", { name: "Leave presenter mode" }).click();
  await expect(presenter(page)).toHaveCount(0);
  await expect(present).toBeFocused();
});
