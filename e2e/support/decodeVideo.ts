// Decodes a video file frame by frame in Chromium (WebCodecs, through mediabunny's demuxer) on a
// page of its own, so the app's page and its Content-Security-Policy stay as they are.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "@playwright/test";

export interface DecodedVideo {
  /** What Chromium's own player makes of the file: its duration, and where a seek to the middle lands. */
  player: { duration: number; seekedTo: number; width: number; height: number };
  frames: number;
  /** Every frame follows the one before by exactly 1/fps. */
  steady: boolean;
  sizes: string[];
  duration: number;
  codec: string | null;
}

const LIB = fileURLToPath(new URL("../../node_modules/mediabunny/dist/bundles/mediabunny.min.mjs", import.meta.url));

/**
 * Runs `check` on a page of this origin that has mediabunny loaded, in a context of its own with
 * service workers blocked: the app's worker (installed by the test's visit) would answer this
 * origin's navigations itself, and routes never see them.
 */
async function onDecodePage<T>(context: BrowserContext, baseURL: string, check: (page: Page) => Promise<T>): Promise<T> {
  const own = await context.browser()!.newContext({ serviceWorkers: "block" });
  const page = await own.newPage();
  const lib = await readFile(LIB, "utf8");
  await page.route("**/__decode-check/mediabunny.mjs", (r) => r.fulfill({ body: lib, contentType: "text/javascript" }));
  await page.route("**/__decode-check/", (r) =>
    r.fulfill({ contentType: "text/html", body: '<!doctype html><script type="module">import * as M from "./mediabunny.mjs"; globalThis.mediabunny = M;</script>' }),
  );
  try {
    await page.goto(new URL("__decode-check/", baseURL).href);
    await page.waitForFunction(() => "mediabunny" in globalThis);
    return await check(page);
  } finally {
    await own.close();
  }
}

export async function decodeVideo(context: BrowserContext, baseURL: string, bytes: Buffer, fps: number): Promise<DecodedVideo> {
  return onDecodePage(context, baseURL, (page) =>
    page.evaluate(
      async ({ b64, fps }) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const v = document.createElement("video");
        v.muted = true;
        v.src = URL.createObjectURL(new Blob([bytes]));
        await new Promise((ok, bad) => ((v.onloadedmetadata = ok), (v.onerror = () => bad(new Error("the player could not load the video")))));
        const duration = v.duration;
        v.currentTime = duration / 2;
        await new Promise((ok) => (v.onseeked = ok));
        const player = { duration, seekedTo: v.currentTime, width: v.videoWidth, height: v.videoHeight };
        const { Input, BufferSource, ALL_FORMATS, VideoSampleSink } = (globalThis as unknown as { mediabunny: typeof import("mediabunny") }).mediabunny;
        const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
        const track = await input.getPrimaryVideoTrack();
        if (!track) throw new Error("no video track");
        let frames = 0;
        let last = -1;
        let steady = true;
        const sizes = new Set<string>();
        for await (const s of new VideoSampleSink(track).samples()) {
          if (last >= 0 && Math.abs(s.timestamp - last - 1 / fps) > 1e-3) steady = false;
          last = s.timestamp;
          sizes.add(`${s.displayWidth}x${s.displayHeight}`);
          frames++;
          s.close();
        }
        return { player, frames, steady, sizes: [...sizes], duration: await input.computeDuration(), codec: track.codec };
      },
      { b64: bytes.toString("base64"), fps },
    ),
  );
}

/** A box in pixels: where it starts and its size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A box of pixels, edges included: x0..x1, y0..y1. */
export interface InkBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface FrameAgainstPicture {
  /** The decoded frame's size. */
  width: number;
  height: number;
  /** The picture's size. */
  picture: { width: number; height: number };
  /** Where each has anything but its top-left pixel's colour (the slide's own background). */
  frameInk: InkBox | null;
  pictureInk: InkBox | null;
  /** The frame's top-left colour against the picture's, summed over R, G and B. */
  backgroundDelta: number;
  /**
   * Mean difference per channel (0..255) between the frame and the picture drawn into a canvas of
   * the frame's size on its background: `fitted` as large as fits, centred, at its own shape;
   * `stretched` over the whole frame. Over the whole frame, and over where `region` of the picture
   * lands when fitted.
   */
  diff: { fitted: number; stretched: number };
  regionDiff: { fitted: number; stretched: number };
  /** Pixels with ink in `blank`, a box of the picture, in the picture and where it lands in the frame when fitted. */
  blankInk: { picture: number; frame: number };
}

/**
 * The frame `seconds` into a video against a picture (a PNG of what that frame should show), on a
 * page of its own as decodeVideo() does: where each one's content is, and how near the frame is to
 * the picture placed as large as fits and centred, or stretched to the frame (over the whole frame
 * and over `region`, a box of the picture in its pixels), and what is drawn in `blank`.
 */
export async function frameAgainstPicture(context: BrowserContext, baseURL: string, bytes: Buffer, seconds: number, png: Buffer, region: Box, blank: Box): Promise<FrameAgainstPicture> {
  return onDecodePage(context, baseURL, (page) =>
    page.evaluate(
      async ({ video, picture, seconds, region, blank }) => {
        const decode = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const { Input, BufferSource, ALL_FORMATS, VideoSampleSink } = (globalThis as unknown as { mediabunny: typeof import("mediabunny") }).mediabunny;
        const input = new Input({ source: new BufferSource(decode(video)), formats: ALL_FORMATS });
        const track = await input.getPrimaryVideoTrack();
        if (!track) throw new Error("no video track");
        const sample = await new VideoSampleSink(track).getSample(seconds);
        if (!sample) throw new Error(`no frame at ${seconds} s`);
        const [W, H] = [sample.displayWidth, sample.displayHeight];
        const canvas = (w: number, h: number) => {
          const c = new OffscreenCanvas(w, h).getContext("2d", { willReadFrequently: true });
          if (!c) throw new Error("no 2D canvas");
          return c;
        };
        const frame = canvas(W, H);
        sample.draw(frame, 0, 0, W, H);
        sample.close();
        const bmp = await createImageBitmap(new Blob([decode(picture)], { type: "image/png" }));
        const pic = canvas(bmp.width, bmp.height);
        pic.drawImage(bmp, 0, 0);
        const f = frame.getImageData(0, 0, W, H).data;
        const p = pic.getImageData(0, 0, bmp.width, bmp.height).data;
        const ink = (d: Uint8ClampedArray, w: number, h: number) => {
          let box: { x0: number; y0: number; x1: number; y1: number } | null = null;
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++) {
              const i = (y * w + x) * 4;
              if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) <= 96) continue;
              if (!box) box = { x0: x, y0: y, x1: x, y1: y };
              else {
                box.x0 = Math.min(box.x0, x);
                box.x1 = Math.max(box.x1, x);
                box.y0 = Math.min(box.y0, y);
                box.y1 = Math.max(box.y1, y);
              }
            }
          return box;
        };
        const k = Math.min(W / bmp.width, H / bmp.height);
        const [ox, oy] = [(W - bmp.width * k) / 2, (H - bmp.height * k) / 2];
        const [rx0, ry0] = [Math.round(ox + region.x * k), Math.round(oy + region.y * k)];
        const [rx1, ry1] = [Math.round(ox + (region.x + region.width) * k), Math.round(oy + (region.y + region.height) * k)];
        const placed = (fit: boolean) => {
          const c = canvas(W, H);
          c.fillStyle = `rgb(${p[0]}, ${p[1]}, ${p[2]})`;
          c.fillRect(0, 0, W, H);
          if (fit) c.drawImage(bmp, ox, oy, bmp.width * k, bmp.height * k);
          else c.drawImage(bmp, 0, 0, W, H);
          const d = c.getImageData(0, 0, W, H).data;
          let sum = 0;
          let inRegion = 0;
          for (let i = 0; i < d.length; i += 4) {
            const e = Math.abs(d[i] - f[i]) + Math.abs(d[i + 1] - f[i + 1]) + Math.abs(d[i + 2] - f[i + 2]);
            sum += e;
            const [x, y] = [(i / 4) % W, Math.floor(i / 4 / W)];
            if (x >= rx0 && x < rx1 && y >= ry0 && y < ry1) inRegion += e;
          }
          return { all: sum / (W * H * 3), region: inRegion / ((rx1 - rx0) * (ry1 - ry0) * 3) };
        };
        const [fitted, stretched] = [placed(true), placed(false)];
        const inked = (d: Uint8ClampedArray, w: number, b: { x: number; y: number; width: number; height: number }) => {
          let n = 0;
          for (let y = Math.round(b.y); y < Math.round(b.y + b.height); y++)
            for (let x = Math.round(b.x); x < Math.round(b.x + b.width); x++) {
              const i = (y * w + x) * 4;
              if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 96) n++;
            }
          return n;
        };
        const blankInk = { picture: inked(p, bmp.width, blank), frame: inked(f, W, { x: ox + blank.x * k, y: oy + blank.y * k, width: blank.width * k, height: blank.height * k }) };
        return {
          width: W,
          height: H,
          picture: { width: bmp.width, height: bmp.height },
          frameInk: ink(f, W, H),
          pictureInk: ink(p, bmp.width, bmp.height),
          backgroundDelta: Math.abs(f[0] - p[0]) + Math.abs(f[1] - p[1]) + Math.abs(f[2] - p[2]),
          diff: { fitted: fitted.all, stretched: stretched.all },
          regionDiff: { fitted: fitted.region, stretched: stretched.region },
          blankInk,
        };
      },
      { video: bytes.toString("base64"), picture: png.toString("base64"), seconds, region, blank },
    ),
  );
}
