// The whole scenario as a WebM video for slides: each step's diagram (serialized like the SVG
// export) is drawn onto a canvas with a caption, and MediaRecorder records the canvas stream.
// Runs in real time (about 1.6 s per step); no network, no encoder of our own.
import { serializeSvg, svgImage } from "./exportDiagram.ts";

export interface VideoFrame {
  svg: string;
  caption: string;
}

const W = 1280;
const H = 720;
const HOLD_MS = 1600;

export function videoSupported(): boolean {
  return typeof MediaRecorder === "function" && typeof HTMLCanvasElement.prototype.captureStream === "function";
}

function pickType(): string {
  for (const t of ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm"]) if (MediaRecorder.isTypeSupported(t)) return t;
  return "";
}

/** Collects one frame per step by showing each step and serializing the live diagram. */
export async function collectFrames(steps: number, show: (k: number) => void, svg: () => SVGSVGElement | null, caption: (k: number) => string, background: string): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for (let k = 0; k <= steps; k++) {
    show(k);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const el = svg();
    if (el) frames.push({ svg: serializeSvg(el, background), caption: caption(k) });
  }
  return frames;
}

export async function recordWebm(frames: VideoFrame[], colors: { bg: string; fg: string }, onProgress?: (done: number) => void): Promise<Blob> {
  if (!videoSupported()) throw new Error("this browser cannot record video (no MediaRecorder)");
  const images = await Promise.all(frames.map((f) => svgImage(f.svg)));
  const canvas = document.createElement("canvas");
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext("2d")!;
  const draw = (i: number) => {
    ctx.fillStyle = colors.bg;
    ctx.fillRect(0, 0, W, H);
    const img = images[i];
    const box = { w: W - 80, h: H - 150 };
    const s = Math.min(box.w / img.width, box.h / img.height);
    ctx.drawImage(img, (W - img.width * s) / 2, 30, img.width * s, img.height * s);
    ctx.fillStyle = colors.fg;
    ctx.font = "600 34px 'DejaVu Sans', sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(frames[i].caption, W / 2, H - 50, W - 80);
  };
  draw(0);
  const stream = canvas.captureStream(30);
  const type = pickType();
  const rec = new MediaRecorder(stream, type ? { mimeType: type, videoBitsPerSecond: 2_500_000 } : undefined);
  const chunks: Blob[] = [];
  rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
  const done = new Promise<Blob>((resolve) => (rec.onstop = () => resolve(new Blob(chunks, { type: type || "video/webm" }))));
  rec.start(250);
  for (let i = 0; i < frames.length; i++) {
    const until = performance.now() + HOLD_MS;
    // Repaint while holding: captureStream sends a frame when the canvas changes.
    while (performance.now() < until) {
      draw(i);
      await new Promise((r) => setTimeout(r, 100));
    }
    onProgress?.(i + 1);
  }
  rec.stop();
  stream.getTracks().forEach((t) => t.stop());
  return done;
}
