// Presenter mode, the CPU lanes of a scenario that boots many CPUs (public/scenarios/README.md allows
// 1–64; the built-in scenarios all use 4): every word of the lanes card stays at the slide's floor
// (0.94 slide units: 12 px at 1280×720 and at 1024×768) and the tick labels do not touch. The lanes
// that do not fit share rows under one label; every CPU is still drawn, exactly once (QA s28 #12).
import { test, expect } from "./support/guards.ts";
import { presentCpus } from "./support/presenter.ts";

// Each count is measured at 1024×768 (a 4:3 projector), 1280×720 and 1920×1080: rows that share
// CPUs hold two at least and differ by one at most (s29: CPU5 stood alone in a row at 1024×768).
const VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

for (const cpus of [1, 2, 5, 8, 13, 64]) {
  test(`${cpus} CPU${cpus === 1 ? "" : "s"} on a slide at 1024×768, 1280×720, 1920×1080: lane labels and ticks at the floor, every CPU in one row, shared rows even`, async ({ page }) => {
    // The step's end state is what is measured: no playback.
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.setViewportSize(VIEWPORTS[1]);
    await presentCpus(page, `lanes-${cpus}`, cpus);
    await page.keyboard.press("PageDown");
    await expect(page.locator(".presenter")).toHaveAttribute("data-step", "1", { timeout: 30_000 });
    const lanes = page.locator(".presenter .sl-lanes");
    await expect(lanes.locator(".sim-caption")).toContainText(`${cpus} CPU${cpus === 1 ? "" : "s"}`, { timeout: 30_000 });
    await expect(lanes.locator(".sim-caption")).toContainText("status rc 0", { timeout: 30_000 });
    await expect(lanes.getByRole("img", { name: /^CPU lanes: / })).toHaveAttribute("aria-label", new RegExp(`CPU${cpus - 1} `));

    for (const vp of VIEWPORTS) {
      await page.setViewportSize(vp);
      const where = `${cpus} CPUs at ${vp.width}×${vp.height}`;
      // The slide follows its frame (a resize observer): wait for the lanes to be drawn at it.
      await expect.poll(() => lanes.evaluate((card) => Math.round(card.closest(".sl")!.getBoundingClientRect().width)), { message: where }).toBe(vp.width * 9 > vp.height * 16 ? Math.round((vp.height * 16) / 9) : vp.width);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const m = await lanes.evaluate((card) => {
        const slide = card.closest(".sl")!.getBoundingClientRect();
        const svg = card.querySelector("svg.lanes-svg") as SVGSVGElement;
        const scale = svg.getScreenCTM()!.a;
        const texts = [...svg.querySelectorAll("text")].map((t) => ({ text: t.textContent!.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale, box: t.getBoundingClientRect() }));
        return {
          // presenter.css: --sl-floor is 0.94 --u, --u = min(1.25cqw, 1.7778cqh) (12.03 px at 1280×720 and 1024×768).
          floor: 0.94 * Math.min(0.0125 * slide.width, 0.017778 * slide.height),
          texts: texts.map((t) => ({ text: t.text, px: t.px })),
          labels: [...svg.querySelectorAll(".lane-label")].map((t) => t.textContent!.replace(" ★", "").trim()),
          ticks: [...svg.querySelectorAll(".lane-tick text")].map((t) => t.getBoundingClientRect()).map((r) => [r.left, r.right]).sort((a, b) => a[0] - b[0]),
          svgBottom: svg.getBoundingClientRect().bottom,
          cardBottom: card.getBoundingClientRect().bottom,
        };
      });
      console.log(`${where}: ${m.labels.join(", ")}; smallest text ${Math.min(...m.texts.map((t) => t.px)).toFixed(2)} px (floor ${m.floor.toFixed(2)})`);
      for (const t of m.texts) expect(t.px, `${where}: "${t.text}"`).toBeGreaterThanOrEqual(m.floor - 0.05);
      // Tick labels as drawn keep air between them (half a digit at least).
      for (let i = 1; i < m.ticks.length; i++) expect(m.ticks[i][0] - m.ticks[i - 1][1], where).toBeGreaterThan(4);
      // The rows' labels (CPU0, CPU1–21, 6 CPUs) count every CPU once.
      const counted = m.labels.map((l) => {
        const range = /^CPU(\d+)–(\d+)$/.exec(l);
        if (range) return Number(range[2]) - Number(range[1]) + 1;
        const many = /^(\d+) CPUs$/.exec(l);
        return many ? Number(many[1]) : /^CPU\d+$/.test(l) ? 1 : NaN;
      });
      expect(counted.reduce((a, b) => a + b, 0), where).toBe(cpus);
      expect(m.labels[0], where).toBe("CPU0");
      // The master (CPU0) has a row of its own; when CPUs share rows, every other row holds two
      // CPUs at least and the shared rows differ by one at most.
      const shared = counted.slice(1);
      if (shared.some((n) => n > 1)) {
        expect(Math.min(...shared), `${where}: ${m.labels.join(", ")}`).toBeGreaterThanOrEqual(2);
        expect(Math.max(...shared) - Math.min(...shared), `${where}: ${m.labels.join(", ")}`).toBeLessThanOrEqual(1);
      }
      if (cpus <= 2) expect(m.labels, where).toEqual(cpus === 1 ? ["CPU0"] : ["CPU0", "CPU1"]);
      if (cpus >= 8) expect(m.labels.length, where).toBeLessThan(cpus);
      expect(m.svgBottom, where).toBeLessThanOrEqual(m.cardBottom);
    }
  });
}
