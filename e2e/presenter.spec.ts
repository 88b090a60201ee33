// Presenter mode: clicker and keyboard control, the help and blank screens, scenario number keys,
// exports whose content matches the screen, reduced motion, embeds, and screenshots at 1280×720
// and 1920×1080 for a look at the design.
import { readFile } from "node:fs/promises";
import { test, expect } from "./support/guards.ts";
import type { Page } from "@playwright/test";

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
  await expect(presenter(page)).toHaveAttribute("data-step", "6");
  await expect(currentNode(page)).toHaveAttribute("aria-label", "unloaded");
  await page.keyboard.press("Home");
  await expect(presenter(page)).toHaveAttribute("data-step", "0");
  expect(await step()).toBe("0");
  await expect.poll(() => page.evaluate(() => location.hash)).toBe("#present&scenario=hello-world&step=0");

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Presenter keys" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("blank the screen");
  await page.keyboard.press("?");
  await expect(help).toBeHidden();

  await page.keyboard.press(".");
  await expect(page.getByTestId("presenter-blank")).toBeVisible();
  // While blank, the clicker does not move the talk on behind the speaker's back.
  await page.keyboard.press("ArrowRight");
  await expect(presenter(page)).toHaveAttribute("data-step", "0");
  await page.keyboard.press(".");
  await expect(page.getByTestId("presenter-blank")).toBeHidden();

  // 2 is the second scenario of the catalogue.
  await page.keyboard.press("2");
  await expect(presenter(page)).toHaveAttribute("aria-label", "Presenting Stacking two payloads, and reverting out of order", { timeout: 30_000 });
  await expect(presenter(page).locator(".scn-explain")).toHaveAttribute("data-step", "0");

  await page.keyboard.press("Escape");
  await expect(presenter(page)).toHaveCount(0);
  await expect(page.locator(".scn-panel .scn-explain[data-step='0']")).toContainText("Stacking two payloads");
  expect(await page.evaluate(() => location.hash)).toBe("#scenario=stacking&step=0");
});

test("SVG and PNG exports match the diagram on screen", async ({ page }) => {
  await present(page, "replace", 4);
  await settled(page);
  const onScreen = await page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>(".presenter svg.state-diagram")!;
    const r = svg.getBoundingClientRect();
    const cur = svg.querySelector(".sd-node[aria-current='true']")!;
    return { w: Math.round(r.width), h: Math.round(r.height), label: cur.getAttribute("aria-label"), payload: svg.querySelector(".sd-title")?.textContent };
  });
  expect(onScreen).toMatchObject({ label: "APPLIED", payload: "xen_replace_world" });

  const svgDl = page.waitForEvent("download");
  await presenter(page).getByRole("button", { name: "SVG" }).click();
  const svgFile = await svgDl;
  expect(svgFile.suggestedFilename()).toBe("replace-step4.svg");
  const svg = await readFile((await svgFile.path())!, "utf8");
  expect(svg).toMatch(/^<\?xml/);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(svg).toContain(`width="${onScreen.w}"`);
  // The current node, with the same label and payload as on screen, and styles inlined.
  const current = /<g[^>]*aria-current="true"[^>]*>([\s\S]*?)<\/g>/.exec(svg);
  expect(current?.[1]).toContain(">APPLIED</text>");
  expect(svg).toContain(">xen_replace_world</text>");
  expect(svg).not.toContain("class=");
  expect(svg).toMatch(/style="[^"]*fill:rgb\(/);
  expect(svg).toContain("REPLACE");

  const pngDl = page.waitForEvent("download");
  await presenter(page).getByRole("button", { name: "PNG" }).click();
  const png = await readFile((await (await pngDl).path())!);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const decoded = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext("2d")!;
    ctx.drawImage(bmp, 0, 0);
    const data = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const colours = new Set<number>();
    let notBg = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (data[i] + data[i + 1] + data[i + 2] > 60) notBg++;
    }
    return { w: bmp.width, h: bmp.height, colours: colours.size, notBg };
  }, png.toString("base64"));
  // The diagram kept its size while exporting (the PNG is 2× what was on screen).
  const after = await page.evaluate(() => {
    const r = document.querySelector(".presenter svg.state-diagram")!.getBoundingClientRect();
    return { w: Math.round(r.width), h: Math.round(r.height) };
  });
  expect(after).toEqual({ w: onScreen.w, h: onScreen.h });
  expect(decoded.w).toBe(onScreen.w * 2);
  expect(decoded.h).toBe(onScreen.h * 2);
  // Not blank: the nodes and labels are there in several colours.
  expect(decoded.colours).toBeGreaterThan(20);
  expect(decoded.notBg).toBeGreaterThan(decoded.w * decoded.h * 0.02);
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
  expect(await page.evaluate(() => document.getAnimations().length)).toBeGreaterThan(0);
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

test("the whole scenario exports as a WebM video", async ({ page }) => {
  test.setTimeout(90_000);
  await present(page, "hello-world", 0);
  const dl = page.waitForEvent("download", { timeout: 60_000 });
  await presenter(page).getByRole("button", { name: "Video" }).click();
  const file = await dl;
  expect(file.suggestedFilename()).toBe("hello-world.webm");
  const bytes = await readFile((await file.path())!);
  expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  expect(bytes.byteLength).toBeGreaterThan(5_000);
  // The presenter is back where it was.
  await expect(presenter(page)).toHaveAttribute("data-step", "0");
});

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
