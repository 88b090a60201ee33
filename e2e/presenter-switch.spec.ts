// A slide reached any way (the URL hash changed by a link in the speaker's notes, back/forward,
// the presenter's number keys and step buttons, the slide keys, an embed's keys) is the slide a
// fresh load of its link shows: every panel's text, the state diagram's payload and its current
// node. Nothing of the scenario or step shown before stays on it (s29: the state diagram went on
// showing hooks-for-real's xen_warn_bug, "not loaded", on altcall's step 10).
import { test, expect } from "./support/guards.ts";
import type { Page } from "@playwright/test";

/** What a slide (or an embed) says: each panel's text, its diagrams' labels and current nodes. */
async function slideText(page: Page, root: string): Promise<Record<string, string> | null> {
  return page.evaluate((sel) => {
    const box = document.querySelector<HTMLElement>(sel);
    if (!box) return null;
    const flat = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();
    const out: Record<string, string> = { step: box.dataset.step ?? "", halted: box.dataset.halted ?? "" };
    for (const panel of box.querySelectorAll<HTMLElement>("header, section")) {
      const name = panel.getAttribute("aria-label") ?? panel.className;
      out[name] = flat(panel.innerText);
      panel.querySelectorAll("svg").forEach((svg, i) => {
        const current = [...svg.querySelectorAll("[aria-current='true']")].map((n) => n.getAttribute("aria-label")).join(",");
        out[`${name} svg ${i}`] = `${svg.getAttribute("aria-label") ?? ""} | current: ${current} | ${flat(svg.textContent)}`;
      });
    }
    return out;
  }, root);
}

/** The slide's text once it has stopped changing (the step's animation played out, the output fitted). */
async function settledText(page: Page, root: string): Promise<Record<string, string>> {
  let last = "";
  let same = 0;
  await expect
    .poll(
      async () => {
        const now = JSON.stringify(await slideText(page, root));
        same = now === last && !(await page.evaluate(() => document.querySelector("[data-pending], .sd-token.pending, .sd-token.rendezvous, .sd-token.patching, .sd-token.checking"))) ? same + 1 : 0;
        last = now;
        return same >= 3;
      },
      { timeout: 30_000, intervals: [300] },
    )
    .toBe(true);
  return JSON.parse(last) as Record<string, string>;
}

const SLIDE = ".presenter .sl";

/** A fresh load of `hash` in a page of its own: the slide as its link shows it. */
async function fresh(page: Page, hash: string, step: number, root = SLIDE): Promise<Record<string, string>> {
  const other = await page.context().newPage();
  await other.goto(`./${hash}`);
  await expect(other.locator(`${root}[data-step="${step}"] .scn-explain[data-step="${step}"]`)).toBeVisible({ timeout: 30_000 });
  const text = await settledText(other, root);
  await other.close();
  return text;
}

async function present(page: Page, scenario: string, step: number) {
  await page.goto(`./#present&scenario=${scenario}&step=${step}`);
  await expect(page.locator(`${SLIDE}[data-step="${step}"] .scn-explain[data-step="${step}"]`)).toBeVisible({ timeout: 30_000 });
  await settledText(page, SLIDE);
}

/** Waits for the slide of `scenario` at `step`, then for it to say what `want` says. */
async function shows(page: Page, title: string, step: number, want: Record<string, string>, root = SLIDE) {
  await expect(page.locator(`${root}[data-step="${step}"] .scn-explain[data-step="${step}"]`)).toBeVisible({ timeout: 30_000 });
  if (root === SLIDE) await expect(page.locator(".presenter")).toHaveAttribute("aria-label", `Presenting ${title}`);
  await expect.poll(() => slideText(page, root), { timeout: 20_000 }).toEqual(want);
}

const ALTCALL = "Patch-site invariants: an altcall site devirtualised at upload";
const HOOKS = "Hooks for real: a veto from the code, an action hook that takes over, a WARN and a BUG";

test("a hash change to another scenario's step shows what a fresh load of that link shows; back and forward too", async ({ page }) => {
  // altcall step 10 calls xen_minor_version after step 9 applied xen_altcall (public/scenarios/altcall.json:
  // its expect says APPLIED): the diagram is xen_altcall's, at APPLIED; hooks-for-real's
  // xen_warn_bug (step 12 highlights it) is no payload of altcall's.
  const altcall10 = await fresh(page, "#present&scenario=altcall&step=10", 10);
  expect(altcall10["Diagram svg 0"]).toMatch(/^LIVEPATCH states of xen_altcall \| current: APPLIED \|/);
  expect(JSON.stringify(altcall10)).not.toContain("xen_warn_bug");
  const hooks12 = await fresh(page, "#present&scenario=hooks-for-real&step=12", 12);
  expect(hooks12["Diagram svg 0"]).toMatch(/^LIVEPATCH states of xen_warn_bug \|/);

  await present(page, "hooks-for-real", 12);
  await page.evaluate(() => (location.hash = "#present&scenario=altcall&step=10"));
  await shows(page, ALTCALL, 10, altcall10);
  await page.goBack();
  await shows(page, HOOKS, 12, hooks12);
  await page.goForward();
  await shows(page, ALTCALL, 10, altcall10);
});

test("a step reached backwards in the same scenario (hash, key) shows what its link shows", async ({ page }) => {
  const altcall10 = await fresh(page, "#present&scenario=altcall&step=10", 10);
  // Step 11 highlights xen_altcall_bad (its upload fails: not loaded); step 10 is still xen_altcall's.
  await present(page, "altcall", 11);
  await expect(page.locator(SLIDE).getByRole("group", { name: "LIVEPATCH states of xen_altcall_bad" })).toBeVisible();
  await page.evaluate(() => (location.hash = "#present&scenario=altcall&step=10"));
  await shows(page, ALTCALL, 10, altcall10);
  await page.keyboard.press("ArrowRight");
  await expect(page.locator(SLIDE)).toHaveAttribute("data-step", "11");
  await settledText(page, SLIDE);
  await page.keyboard.press("ArrowLeft");
  await shows(page, ALTCALL, 10, altcall10);
});

test("switching scenario with the presenter's number keys, then its step buttons, shows what the link shows", async ({ page }) => {
  const altcall10 = await fresh(page, "#present&scenario=altcall&step=10", 10);
  await present(page, "hooks-for-real", 12);
  // altcall is the tenth scenario of public/scenarios/index.json.
  await page.keyboard.press("1");
  await page.keyboard.press("0");
  await expect(page.locator(".presenter")).toHaveAttribute("aria-label", `Presenting ${ALTCALL}`, { timeout: 30_000 });
  await expect(page.locator(`${SLIDE}[data-step="0"]`)).toBeVisible();
  // The step buttons show while the pointer moves.
  await page.mouse.move(300, 300);
  await page.mouse.move(320, 320);
  // Step 11 shows xen_altcall_bad; step 10, clicked next, shows what its link shows.
  await page.getByRole("button", { name: "Step 11", exact: true }).click();
  await expect(page.locator(SLIDE).getByRole("group", { name: "LIVEPATCH states of xen_altcall_bad" })).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Step 10", exact: true }).click();
  await shows(page, ALTCALL, 10, altcall10);
});

test("an embed stepped back with its keys shows what a fresh load of that step shows", async ({ page }) => {
  const EMBED = ".embed";
  const hash = (step: number) => `#embed&scenario=altcall&step=${step}&panels=diagram,explain,cpus,memory,console`;
  const want = await fresh(page, hash(10), 10, EMBED);
  expect(want["State svg 0"]).toMatch(/^LIVEPATCH states of xen_altcall \| current: APPLIED \|/);
  await page.goto(`./${hash(11)}`);
  await expect(page.locator(`${EMBED}[data-step="11"] .scn-explain[data-step="11"]`)).toBeVisible({ timeout: 30_000 });
  await settledText(page, EMBED);
  await page.locator(EMBED).focus();
  await page.keyboard.press("ArrowLeft");
  await shows(page, ALTCALL, 10, want, EMBED);
});
