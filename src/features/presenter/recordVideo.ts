// A scenario as a video file for slides. The caller gives shots (bring the page to a picture,
// hold it so long); each picture is drawn once from the slide at one fixed size, so the scale never
// changes between frames. With WebCodecs the frames are encoded as fast as the machine allows
// (mediabunny muxes them, writing the duration and cues, so the file seeks); without it a
// MediaRecorder films the canvas in real time (paused while each picture is drawn) and mediabunny
// copies its packets into a new file that has its duration and cues.
import { BlobSource, BufferTarget, CanvasSource, type EncodedPacket, EncodedPacketSink, EncodedVideoPacketSource, getFirstEncodableVideoCodec, Input, Mp4OutputFormat, Output, QUALITY_HIGH, WEBM, WebMOutputFormat, ALL_FORMATS } from "mediabunny";

export const VIDEO_FPS = 30;
export const VIDEO_WIDTH = 1920;
export const VIDEO_HEIGHT = 1080;
/** A key frame at least this often, so a player seeks quickly. */
const KEY_EVERY_S = 2;

export interface Shot {
  /** Brings the page to this shot's picture (and waits until it is drawn). */
  show(): Promise<void>;
  /** Shots in a row with the same key show the same picture: it is drawn once. */
  key: string;
  /** How long the picture stays, in seconds (rounded to whole frames). */
  seconds: number;
}

export interface VideoResult {
  blob: Blob;
  extension: "webm" | "mp4";
  frames: number;
  /** The frames the shots asked for; the real-time recorder may write fewer (each then lasts longer). */
  planned: number;
  seconds: number;
  /** "webcodecs", or "mediarecorder" for the real-time fallback. */
  via: "webcodecs" | "mediarecorder";
}

export function framesOf(shots: readonly Pick<Shot, "seconds">[], fps = VIDEO_FPS): number[] {
  return shots.map((s) => Math.max(1, Math.round(s.seconds * fps)));
}

export function videoSupported(): boolean {
  return typeof VideoEncoder === "function" || (typeof MediaRecorder === "function" && typeof HTMLCanvasElement.prototype.captureStream === "function");
}

function stage(draw: (into: CanvasRenderingContext2D) => Promise<void>) {
  const canvas = document.createElement("canvas");
  canvas.width = VIDEO_WIDTH;
  canvas.height = VIDEO_HEIGHT;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  return { canvas, paint: () => draw(ctx) };
}

async function encodeWithWebCodecs(shots: readonly Shot[], paint: () => Promise<void>, canvas: HTMLCanvasElement, onProgress: (done: number) => void): Promise<VideoResult | null> {
  const size = { width: VIDEO_WIDTH, height: VIDEO_HEIGHT, bitrate: QUALITY_HIGH };
  let codec = await getFirstEncodableVideoCodec(["vp9", "vp8", "av1"], size);
  let extension: VideoResult["extension"] = "webm";
  if (!codec) {
    codec = await getFirstEncodableVideoCodec(["avc"], size);
    extension = "mp4";
  }
  if (!codec) return null;
  const target = new BufferTarget();
  const output = new Output({ format: extension === "webm" ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: "in-memory" }), target });
  const source = new CanvasSource(canvas, { codec, bitrate: QUALITY_HIGH, keyFrameInterval: KEY_EVERY_S, sizeChangeBehavior: "deny" });
  output.addVideoTrack(source, { frameRate: VIDEO_FPS });
  await output.start();
  const counts = framesOf(shots);
  let frame = 0;
  for (let i = 0; i < shots.length; i++) {
    if (shots[i].key !== shots[i - 1]?.key) {
      await shots[i].show();
      await paint();
    }
    for (let k = 0; k < counts[i]; k++, frame++) await source.add(frame / VIDEO_FPS, 1 / VIDEO_FPS);
    onProgress(i + 1);
  }
  await output.finalize();
  const type = extension === "webm" ? "video/webm" : "video/mp4";
  return { blob: new Blob([target.buffer!], { type }), extension, frames: frame, planned: frame, seconds: frame / VIDEO_FPS, via: "webcodecs" };
}

/**
 * Copies a MediaRecorder file's packets into a new WebM that has its duration and cues, so it seeks.
 * The recorder's timestamps say when each picture was on screen (time paused while a picture was
 * drawn is not in them), and a frame the recorder dropped only makes the one before it last longer.
 * On a busy machine the recorder's clock runs past the plan (a pause takes effect late, a frame is
 * captured late: 27.6 s for a 26 s plan was seen), so a longer timeline is scaled down to `seconds`,
 * the length the shots asked for; the last frame lasts to it.
 */
async function withDuration(recorded: Blob, seconds: number): Promise<{ blob: Blob; frames: number; seconds: number }> {
  const input = new Input({ source: new BlobSource(recorded), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  const codec = track?.codec;
  const config = await track?.getDecoderConfig();
  if (!track || !codec || !config) throw new Error("the recorded video has no video track this browser can read");
  const target = new BufferTarget();
  const output = new Output({ format: new WebMOutputFormat(), target });
  const source = new EncodedVideoPacketSource(codec);
  output.addVideoTrack(source, { frameRate: VIDEO_FPS });
  await output.start();
  const sink = new EncodedPacketSink(track);
  const span = await timelineOf(sink);
  const frame = 1 / VIDEO_FPS;
  const scale = span && span.last - span.first + frame > seconds ? (seconds - frame) / (span.last - span.first) : 1;
  const at = (p: EncodedPacket) => (p.timestamp - (span?.first ?? 0)) * scale;
  let frames = 0;
  let held: EncodedPacket | null = null;
  const put = async (p: EncodedPacket, until: number) => {
    const t = at(p);
    await source.add(p.clone({ timestamp: t, duration: Math.max(frame, until - t) }), frames === 0 ? { decoderConfig: config } : undefined);
    frames++;
  };
  for await (const packet of sink.packets()) {
    if (held) await put(held, at(packet));
    held = packet;
  }
  let end = seconds;
  if (held) {
    end = Math.max(seconds, at(held) + frame);
    await put(held, end);
  }
  await output.finalize();
  return { blob: new Blob([target.buffer!], { type: WEBM.mimeType }), frames, seconds: end };
}

/** The first and last packet timestamps, read without the packets' data; null for no packets. */
async function timelineOf(sink: EncodedPacketSink): Promise<{ first: number; last: number } | null> {
  let first: number | null = null;
  let last = 0;
  for await (const p of sink.packets(undefined, undefined, { metadataOnly: true })) {
    first ??= p.timestamp;
    last = p.timestamp;
  }
  return first === null ? null : { first, last };
}

/** Marks the canvas as drawn without changing a pixel, so the capture track takes a new frame. */
function touch(ctx: CanvasRenderingContext2D): void {
  ctx.drawImage(ctx.canvas, 0, 0, 1, 1, 0, 0, 1, 1);
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Films the canvas in real time, asking for a frame every 1/`VIDEO_FPS` s while a picture is held.
 * The recorder is paused while the next picture is drawn, so drawing time is not in the film; one
 * picture is in memory at a time, and the recording itself in the recorder's Blobs.
 */
async function recordInRealTime(shots: readonly Shot[], paint: () => Promise<void>, canvas: HTMLCanvasElement, onProgress: (done: number) => void): Promise<VideoResult> {
  if (typeof MediaRecorder !== "function") throw new Error("this browser can neither encode (WebCodecs) nor record (MediaRecorder) video");
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
  const type = ["video/webm;codecs=vp8", "video/webm;codecs=vp9", "video/webm"].find((t) => MediaRecorder.isTypeSupported(t)) ?? "";
  // videoKeyFrameIntervalCount is Chromium's; other browsers ignore it.
  const options = { videoBitsPerSecond: 4_000_000, videoKeyFrameIntervalCount: KEY_EVERY_S * VIDEO_FPS, ...(type ? { mimeType: type } : {}) };
  const rec = new MediaRecorder(stream, options);
  const chunks: Blob[] = [];
  rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
  const stopped = new Promise<void>((resolve) => (rec.onstop = () => resolve()));
  const ctx = canvas.getContext("2d")!;
  const counts = framesOf(shots);
  const planned = counts.reduce((a, b) => a + b, 0);
  const frameMs = 1000 / VIDEO_FPS;
  try {
    for (let i = 0; i < shots.length; i++) {
      if (shots[i].key !== shots[i - 1]?.key) {
        if (rec.state === "recording") rec.pause();
        await shots[i].show();
        await paint();
      }
      if (rec.state === "inactive") rec.start(1000);
      else if (rec.state === "paused") rec.resume();
      // Held for its time on the clock, however many frames a busy machine manages in it.
      const t0 = performance.now();
      const until = t0 + counts[i] * frameMs;
      for (let k = 1; performance.now() < until; k++) {
        touch(ctx);
        track.requestFrame();
        await tick(Math.min(until, t0 + k * frameMs) - performance.now());
      }
      onProgress(i + 1);
    }
  } finally {
    if (rec.state !== "inactive") rec.stop();
    stream.getTracks().forEach((t) => t.stop());
    await stopped;
  }
  const r = await withDuration(new Blob(chunks, { type: type || "video/webm" }), planned / VIDEO_FPS);
  return { blob: r.blob, extension: "webm", frames: r.frames, planned, seconds: r.seconds, via: "mediarecorder" };
}

/**
 * Renders `shots` as a video of `VIDEO_WIDTH`×`VIDEO_HEIGHT` at `VIDEO_FPS`. `picture` draws the
 * page's current picture into a canvas of that size.
 */
export async function recordVideo(shots: readonly Shot[], picture: (into: CanvasRenderingContext2D) => Promise<void>, onProgress: (done: number) => void = () => {}): Promise<VideoResult> {
  const { canvas, paint } = stage(picture);
  if (typeof VideoEncoder === "function") {
    const r = await encodeWithWebCodecs(shots, paint, canvas, onProgress);
    if (r) return r;
  }
  return recordInRealTime(shots, paint, canvas, onProgress);
}
