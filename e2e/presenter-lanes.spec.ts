// Presenter mode, the CPU lanes of a scenario that boots many CPUs (public/scenarios/README.md allows
// 1–64; the built-in scenarios all use 4): at 1280×720 every word of the lanes card stays at the
// slide's 12 px floor (0.94% of the frame's width) and the tick labels do not touch. The lanes that
// do not fit share rows under one label; every CPU is still drawn, exactly once (QA s28 #12).
import { test, expect } from "./support/guards.ts";

for (const cpus of [8, 64]) {
  test(`${cpus} CPUs on a 1280×720 slide: lane labels and ticks at the floor, every CPU in a row`, async ({ page }) => {
    // The step's end state is what is measured: no playback (64 CPUs' events play for tens of seconds).
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto("./");
    await page.getByRole("button", { name: "Simulator" }).click();
    const scenario = {
      format: "livepatch-lens-scenario",
      version: 1,
      id: `lanes-${cpus}`,
      title: `${cpus} CPUs`,
      summary: "many CPUs at the rendezvous",
      image: "x86_64/xen-syms",
      payloads: ["x86_64/xen_hello_world.livepatch"],
      cpus,
      steps: [{ title: "Load hello", command: "load xen_hello_world.livepatch", explain: "Every CPU gathers for the APPLY." }],
    };
    await page.getByLabel("Scenario file").setInputFiles({ name: `lanes-${cpus}.scenario.json`, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(scenario)) });
    await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText(`${cpus} CPUs`, { timeout: 30_000 });
    await page.getByRole("button", { name: "Present", exact: true }).click();
    await expect(page.locator(".presenter")).toHaveAttribute("data-step", "0", { timeout: 30_000 });
    await page.keyboard.press("PageDown");
    await expect(page.locator(".presenter")).toHaveAttribute("data-step", "1", { timeout: 30_000 });
    const lanes = page.locator(".presenter .sl-lanes");
    await expect(lanes.locator(".sim-caption")).toContainText(`${cpus} CPUs`, { timeout: 30_000 });
    await expect(lanes.locator(".sim-caption")).toContainText("status rc 0", { timeout: 30_000 });
    await expect(lanes.getByRole("img", { name: /^CPU lanes: / })).toHaveAttribute("aria-label", new RegExp(`CPU${cpus - 1} `));

    const m = await lanes.evaluate((card) => {
      const slide = card.closest(".sl")!.getBoundingClientRect();
      const svg = card.querySelector("svg.lanes-svg") as SVGSVGElement;
      const scale = svg.getScreenCTM()!.a;
      const texts = [...svg.querySelectorAll("text")].map((t) => ({ text: t.textContent!.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale, box: t.getBoundingClientRect() }));
      return {
        floor: slide.width * 0.0094,
        texts: texts.map((t) => ({ text: t.text, px: t.px })),
        labels: [...svg.querySelectorAll(".lane-label")].map((t) => t.textContent!.replace(" ★", "").trim()),
        ticks: [...svg.querySelectorAll(".lane-tick text")].map((t) => t.getBoundingClientRect()).map((r) => [r.left, r.right]).sort((a, b) => a[0] - b[0]),
        svgBottom: svg.getBoundingClientRect().bottom,
        cardBottom: card.getBoundingClientRect().bottom,
      };
    });
    for (const t of m.texts) expect(t.px, `"${t.text}"`).toBeGreaterThanOrEqual(m.floor - 0.05);
    // Tick labels as drawn keep air between them (half a digit at least).
    for (let i = 1; i < m.ticks.length; i++) expect(m.ticks[i][0] - m.ticks[i - 1][1]).toBeGreaterThan(4);
    // Fewer rows than CPUs, and the rows' labels (CPU0, CPU1–21, 6 CPUs) count every CPU once.
    expect(m.labels.length).toBeLessThan(cpus);
    const counted = m.labels.map((l) => {
      const range = /^CPU(\d+)–(\d+)$/.exec(l);
      if (range) return Number(range[2]) - Number(range[1]) + 1;
      const many = /^(\d+) CPUs$/.exec(l);
      return many ? Number(many[1]) : /^CPU\d+$/.test(l) ? 1 : NaN;
    });
    expect(counted.reduce((a, b) => a + b, 0)).toBe(cpus);
    expect(m.labels[0]).toBe("CPU0");
    expect(m.svgBottom).toBeLessThanOrEqual(m.cardBottom);
  });
}
