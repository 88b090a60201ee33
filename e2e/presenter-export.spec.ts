// Presenter exports: the whole 16:9 slide as SVG and PNG, and the whole scenario as a video that
// has its duration, seeks, and holds the frame count and size its plan says (decoded here, by
// Chromium's own player and frame by frame through WebCodecs).
import { readFile } from "node:fs/promises";
import { test, expect } from "./support/guards.ts";
import type { Page } from "@playwright/test";
import { decodeVideo, frameAgainstPicture, type Box } from "./support/decodeVideo.ts";

const presenter = (page: Page) => page.locator(".presenter");

async function present(page: Page, scenario: string, step: number) {
  await page.goto(`./#present&scenario=${scenario}&step=${step}`);
  await expect(presenter(page)).toHaveAttribute("data-step", String(step), { timeout: 30_000 });
  await expect(presenter(page).locator(`.scn-explain[data-step="${step}"]`)).toBeVisible();
  await expect.poll(() => page.evaluate(() => document.querySelector(".presenter .sd-token.pending, .presenter .sd-token.rendezvous, .presenter .sd-token.patching, .presenter .sd-token.checking") === null), { timeout: 20_000 }).toBe(true);
}

/** Steps in a catalogue scenario, read from its file (not from the page). */
async function stepsOf(id: string): Promise<number> {
  return (JSON.parse(await readFile(`public/scenarios/${id}.json`, "utf8")) as { steps: unknown[] }).steps.length;
}

async function decodePng(page: Page, png: Buffer) {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext("2d")!;
    ctx.drawImage(bmp, 0, 0);
    const data = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const colours = new Set<number>();
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (data[i] + data[i + 1] + data[i + 2] > 60) lit++;
    }
    return { w: bmp.width, h: bmp.height, colours: colours.size, lit };
  }, png.toString("base64"));
}

/**
 * In each box (CSS pixels of the slide, times `scale` for the picture), the pixels with anything
 * on them (R+G+B over 60) and the bright ones (each channel over 200: white text, not text at 20 %).
 */
async function inkIn(page: Page, png: Buffer, boxes: Box[], scale: number) {
  return page.evaluate(
    async ({ b64, boxes, scale }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
      const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext("2d")!;
      ctx.drawImage(bmp, 0, 0);
      return boxes.map((b) => {
        const [x, y, w, h] = [b.x, b.y, b.width, b.height].map((v) => Math.round(v * scale));
        const d = ctx.getImageData(x, y, w, h).data;
        let lit = 0;
        let bright = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i] + d[i + 1] + d[i + 2] > 60) lit++;
          if (d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200) bright++;
        }
        return { lit, bright };
      });
    },
    { b64: png.toString("base64"), boxes, scale },
  );
}

for (const [w, h] of [
  [1280, 720],
  [1920, 1080],
  [1024, 768],
] as const) {
  test(`Export SVG and Export PNG hold the whole slide (${w}×${h})`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await present(page, "replace", 4);
    // The slide as Chromium draws it on the screen, and where its drawings and explanation are.
    const slide = presenter(page).locator(".sl");
    const screen = await slide.screenshot({ animations: "disabled" });
    const parts = ["svg.state-diagram", "svg.lanes-svg", ".scn-explain"];
    const boxes: Box[] = [];
    for (const sel of parts) boxes.push((await slide.locator(sel).boundingBox())!);
    const svgDl = page.waitForEvent("download");
    await presenter(page).getByRole("button", { name: "Export SVG", exact: true }).click();
    const svgFile = await svgDl;
    expect(svgFile.suggestedFilename()).toBe("replace-step4.svg");
    const svg = await readFile((await svgFile.path())!, "utf8");
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    // The slide's size, 16:9, as on screen.
    expect(svg).toMatch(new RegExp(`<svg[^>]* width="${w}"`));
    expect(svg).toMatch(new RegExp(`<svg[^>]* height="${h}"`));
    // Every panel: the diagram at APPLIED, the explanation, the CPU lanes and the memory card.
    expect(svg).toMatch(/aria-current="true"[^>]*>|aria-label="APPLIED"/);
    expect(svg).toContain(">xen_replace_world</text>");
    expect(svg).toContain("Replacing all live patches with xen_replace_world... completed");
    expect(svg).toContain("CPUs at the rendezvous");
    expect(svg).toContain("CPU3");
    expect(svg).toContain("Memory at xen_extra_version");
    expect(svg).toContain("jumps to");
    // Styles inlined: the file renders without the page's stylesheets.
    expect(svg).toMatch(/style="[^"]*color: rgb\(/);
    // Type at its size on the screen, so text wraps where it does there: html-to-image writes
    // floor(size) − 0.1 px (the explanation's 14.72 px at 1280×720 came out 13.9 px).
    const sizes = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      const slide = document.querySelector(".presenter .sl")!;
      const onScreen = new Set([slide, ...slide.querySelectorAll("*")].map((el) => getComputedStyle(el).fontSize));
      const inFile = [...doc.querySelectorAll("[style]")].map((el) => (el as HTMLElement).style?.fontSize).filter(Boolean);
      const named = [".scn-step-title", ".scn-text", ".scn-output", ".sim-caption", ".sl-count"].map((sel) => ({
        sel,
        screen: getComputedStyle(slide.querySelector(sel)!).fontSize,
        file: (doc.querySelector(sel) as HTMLElement | null)?.style.fontSize ?? null,
      }));
      return { named, elements: inFile.length, strays: [...new Set(inFile.filter((f) => !onScreen.has(f)))] };
    }, svg);
    for (const n of sizes.named) expect(n.file, n.sel).toBe(n.screen);
    expect(sizes.elements).toBeGreaterThan(100);
    expect(sizes.strays, "font sizes in the file that no element of the slide has on the screen").toEqual([]);

    const pngDl = page.waitForEvent("download");
    await presenter(page).getByRole("button", { name: "Export PNG", exact: true }).click();
    const pngFile = await pngDl;
    expect(pngFile.suggestedFilename()).toBe("replace-step4.png");
    const png = await readFile((await pngFile.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const d = await decodePng(page, png);
    expect(d.w).toBeGreaterThanOrEqual(1920);
    expect(d.w / d.h).toBeCloseTo(w / h, 2);
    expect(d.colours).toBeGreaterThan(50);
    expect(d.lit).toBeGreaterThan(d.w * d.h * 0.03);
    // The drawings are drawn (their parts are styled by class: unstyled, they were black on the
    // black slide, an empty panel) and the explanation is at full strength (not caught in its
    // fade-in): about as much ink and white in each as on the screen.
    const onScreen = await inkIn(page, screen, boxes, 1);
    const inFile = await inkIn(page, png, boxes, d.w / w);
    const area = (d.w / w) ** 2;
    parts.forEach((part, i) => {
      expect(onScreen[i].lit, `${part} on the screen`).toBeGreaterThan(500);
      expect(inFile[i].lit / area, `${part} in the PNG, against the screen's ${onScreen[i].lit} px with ink`).toBeGreaterThan(onScreen[i].lit * 0.6);
      expect(inFile[i].bright / area, `${part} in the PNG, against the screen's ${onScreen[i].bright} bright px`).toBeGreaterThan(onScreen[i].bright * 0.6);
    });
    // The slide on screen did not move or change size while it was drawn.
    const box = await presenter(page).locator(".sl").boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: w, height: h });
  });
}

/**
 * Clicks Export video at step 2 of hello-world; the WebM's bytes (checked to be EBML) and the note.
 * `shown`: run on the slide as presented, before the export draws it.
 */
async function exportVideo(page: Page, shown?: () => Promise<void>) {
  await present(page, "hello-world", 2);
  await shown?.();
  const dl = page.waitForEvent("download", { timeout: 200_000 });
  await presenter(page).getByRole("button", { name: "Export video", exact: true }).click();
  const file = await dl;
  expect(file.suggestedFilename()).toBe("hello-world.webm");
  const bytes = await readFile((await file.path())!);
  expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  return { bytes, note: presenter(page).getByRole("status") };
}

test("Export video: a seekable file with its duration, every frame the same size, frame count as planned", async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const steps = await stepsOf("hello-world");
  // The plan: the start held 2 s, then each step 1 s of its action and 2 s held, at 30 fps.
  const seconds = 2 + steps * 3;
  const frames = seconds * 30;
  const { bytes, note } = await exportVideo(page);
  await expect(note).toContainText(`Saved hello-world.webm: ${seconds.toFixed(1)} s, ${frames} frames, 1920×1080`);
  await expect(note).not.toContainText("real time");
  console.log(`video export: ${await note.textContent()}`);
  // The presenter is back where it was.
  await expect(presenter(page)).toHaveAttribute("data-step", "2");

  // Every frame decoded (WebCodecs, through mediabunny's demuxer).
  const decoded = await decodeVideo(page.context(), baseURL!, bytes, 30);
  expect(decoded.frames).toBe(frames);
  expect(decoded.steady).toBe(true);
  expect(decoded.sizes).toEqual(["1920x1080"]);
  expect(decoded.duration).toBeCloseTo(seconds, 2);
  // Chromium's own player: a finite duration, and a seek lands where asked.
  expect(decoded.player.duration).toBeCloseTo(seconds, 1);
  expect(decoded.player.seekedTo).toBeCloseTo(seconds / 2, 1);
  expect(decoded.player).toMatchObject({ width: 1920, height: 1080 });
});

// A 4:3 projector's slide fills its 1024×768 window (bfefc2a); its video keeps the 1920×1080 frame
// and draws the slide in it as large as fits at its own shape: 1024×768 × 1080/768 = 1440×1080,
// centred, (1920 − 1440) / 2 = 240 px of the slide's colour either side, not stretched to 16:9.
test("Export video of a 4:3 slide: 1920×1080 frames, the slide in them at 1440×1080, centred, not stretched", async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  const steps = await stepsOf("hello-world");
  const seconds = 2 + steps * 3;
  const frames = seconds * 30;
  let slidePicture: Buffer | null = null;
  let diagram: Box | null = null;
  let gap: Box | null = null;
  const { bytes, note } = await exportVideo(page, async () => {
    const slide = presenter(page).locator(".sl");
    expect(await slide.boundingBox()).toMatchObject({ x: 0, y: 0, width: 1024, height: 768 });
    // The slide as Chromium draws it on the screen (not through the export's own drawing), and
    // where its state diagram is (the slide is at 0,0).
    slidePicture = await slide.screenshot({ animations: "disabled" });
    diagram = await slide.locator("svg.state-diagram").boundingBox();
    // Between the `list` table's card and the memory card, beside the table: nothing is there.
    const table = (await slide.locator(".scn-output").boundingBox())!;
    const memory = (await slide.locator(".sl-memory").boundingBox())!;
    gap = { x: table.x + table.width + 3, y: table.y, width: memory.x - 3 - (table.x + table.width + 3), height: table.height };
  });
  await expect(note).toContainText(`Saved hello-world.webm: ${seconds.toFixed(1)} s, ${frames} frames, 1920×1080`);
  await expect(presenter(page)).toHaveAttribute("data-step", "2");
  const decoded = await decodeVideo(page.context(), baseURL!, bytes, 30);
  expect(decoded.frames).toBe(frames);
  expect(decoded.sizes).toEqual(["1920x1080"]);
  expect(decoded.player).toMatchObject({ width: 1920, height: 1080 });

  // Step 2 as it ends is held from 2 + 3 + 0.8 s to 2 + 2 × 3 s; its middle is 7 s in.
  const m = await frameAgainstPicture(page.context(), baseURL!, bytes, 7, slidePicture!, diagram!, gap!);
  console.log(`4:3 frame at 7 s: ${JSON.stringify(m)}`);
  expect(m).toMatchObject({ width: 1920, height: 1080, picture: { width: 1024, height: 768 } });
  // The bars either side are the slide's own colour.
  expect(m.backgroundDelta).toBeLessThan(24);
  // What is on the slide is where the slide's own picture puts it, scaled by 1080/768 and moved 240
  // px right (the encoder's blur and the two drawings' anti-aliasing: a few pixels).
  const k = 1080 / 768;
  expect(m.pictureInk).not.toBeNull();
  expect(m.frameInk).not.toBeNull();
  const want = { x0: 240 + m.pictureInk!.x0 * k, x1: 240 + (m.pictureInk!.x1 + 1) * k - 1, y0: m.pictureInk!.y0 * k, y1: (m.pictureInk!.y1 + 1) * k - 1 };
  for (const edge of ["x0", "x1", "y0", "y1"] as const) expect(Math.abs(m.frameInk![edge] - want[edge]), `${edge}: ${m.frameInk![edge]} against ${want[edge].toFixed(1)}`).toBeLessThanOrEqual(6);
  expect(m.frameInk!.x0).toBeGreaterThanOrEqual(240);
  expect(m.frameInk!.x1).toBeLessThan(1920 - 240);
  // The frame agrees with the slide placed so, and not with it stretched over the frame: over the
  // whole frame (where the text's wrapping differs a little: the export draws type a little
  // smaller), and over the state diagram, drawn the same in both (the encoder's loss only). An
  // empty diagram panel (its parts unstyled, black on black) differs there by as much as the
  // drawing has ink.
  expect(m.diff.fitted).toBeLessThan(m.diff.stretched * 0.7);
  expect(m.regionDiff.fitted).toBeLessThan(m.regionDiff.stretched / 3);
  expect(m.regionDiff.fitted).toBeLessThan(4);
  // The table is fitted to its card before the picture is taken: nothing runs past the card into
  // the gap beside it (copied before its fit, its rows ran 12 px past the card at full size).
  expect(gap!.width).toBeGreaterThan(10);
  expect(m.blankInk.picture).toBe(0);
  expect(m.blankInk.frame).toBe(0);
});

// Without WebCodecs' encoder the fallback films the slide in real time: the recorder may drop frames
// on a busy machine (each dropped one holds the picture before it), so the frame count is what the
// note says, not the plan; what must hold is a file with its duration, the planned length, that seeks.
test("Export video without WebCodecs: the MediaRecorder fallback's file has its duration and seeks", async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  // A browser without WebCodecs' encoder (the decoder stays: the check below decodes with it).
  await page.addInitScript(() => {
    delete (window as { VideoEncoder?: unknown }).VideoEncoder;
  });
  const steps = await stepsOf("hello-world");
  const seconds = 2 + steps * 3;
  const frames = seconds * 30;
  const { bytes, note } = await exportVideo(page);
  expect(await page.evaluate(() => typeof (window as { VideoEncoder?: unknown }).VideoEncoder)).toBe("undefined");
  await expect(note).toContainText("recorded in real time");
  const said = (await note.textContent())!;
  console.log(`video export (MediaRecorder): ${said}`);
  const decoded = await decodeVideo(page.context(), baseURL!, bytes, 30);
  console.log(JSON.stringify(decoded));
  expect(decoded.sizes).toEqual(["1920x1080"]);
  expect(said).toContain(`${decoded.frames} frames`);
  expect(decoded.frames).toBeGreaterThan(0);
  expect(decoded.frames).toBeLessThanOrEqual(frames);
  // MediaRecorder's own file says Infinity here; the rewritten one has the planned length, even when
  // the recorder's clock ran over on a busy machine (CI saw 27.6 s for 26 before it was scaled).
  expect(Number.isFinite(decoded.player.duration)).toBe(true);
  expect(decoded.duration).toBeCloseTo(seconds, 1);
  expect(decoded.player.duration).toBeCloseTo(seconds, 1);
  expect(said).toContain(`${seconds.toFixed(1)} s`);
  expect(decoded.player.seekedTo).toBeCloseTo(decoded.player.duration / 2, 1);
});
