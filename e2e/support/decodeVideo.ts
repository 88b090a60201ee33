// Decodes a video file frame by frame in Chromium (WebCodecs, through mediabunny's demuxer) on a
// page of its own, so the app's page and its Content-Security-Policy stay as they are.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "@playwright/test";

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

export async function decodeVideo(context: BrowserContext, baseURL: string, bytes: Buffer, fps: number): Promise<DecodedVideo> {
  // A context of its own with service workers blocked: the app's worker (installed by the test's
  // visit) would answer this origin's navigations itself, and routes never see them.
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
    return await page.evaluate(
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
    );
  } finally {
    await own.close();
  }
}
