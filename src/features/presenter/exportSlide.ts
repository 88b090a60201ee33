// The slide as files: SVG (the slide's own markup with every computed style inlined, inside a
// foreignObject, so it renders alone at any size), PNG (that SVG drawn onto a canvas at least
// 1920 px wide), and canvases for the video. html-to-image does the cloning and inlining; the
// page's fonts are system fonts, so nothing is fetched.
import { toCanvas, toSvg } from "html-to-image";

type Options = NonNullable<Parameters<typeof toSvg>[1]>;

/** The smallest width a PNG of the slide is drawn at. */
export const PNG_MIN_WIDTH = 1920;

/** The slide's own colour under it, so a file has no transparent corners. */
export function backgroundOf(el: Element): string {
  let node: Element | null = el;
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && bg !== "transparent" && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
    node = node.parentElement;
  }
  return "#000000";
}

/**
 * The computed properties a slide's look depends on. Copying only these (not all ~350 of every
 * element) keeps a picture of the slide small and quick to draw, which a video drawing dozens of
 * them needs. Sizes come out in pixels, so the copy lays out exactly as the slide on screen.
 */
const SLIDE_PROPERTIES = [
  ...["display", "position", "top", "right", "bottom", "left", "z-index", "box-sizing", "width", "height", "min-width", "min-height", "max-width", "max-height"],
  ...["margin-top", "margin-right", "margin-bottom", "margin-left", "padding-top", "padding-right", "padding-bottom", "padding-left"],
  ...["flex-direction", "flex-wrap", "flex-grow", "flex-shrink", "flex-basis", "order", "align-items", "align-self", "align-content", "justify-content", "justify-items", "row-gap", "column-gap"],
  ...["grid-template-columns", "grid-template-rows", "grid-template-areas", "grid-area", "grid-column", "grid-row", "grid-auto-rows", "grid-auto-flow"],
  ...["overflow-x", "overflow-y", "visibility", "opacity", "transform", "transform-origin", "transform-box", "box-shadow", "outline-style", "outline-width", "outline-color", "outline-offset"],
  ...["border-top-width", "border-right-width", "border-bottom-width", "border-left-width", "border-top-style", "border-right-style", "border-bottom-style", "border-left-style"],
  ...["border-top-color", "border-right-color", "border-bottom-color", "border-left-color", "border-top-left-radius", "border-top-right-radius", "border-bottom-right-radius", "border-bottom-left-radius"],
  ...["background-color", "color", "font-family", "font-size", "font-weight", "font-style", "line-height", "letter-spacing", "text-align", "text-transform", "text-overflow", "text-decoration-line", "white-space", "word-break", "overflow-wrap", "vertical-align", "list-style-type", "columns", "text-indent"],
  // A pseudo-element is drawn only with its content: the output's cues (▲ N earlier lines, ⋯ N
  // lines ⋯) and a wrapped line's ↪ marks (presenter.css) are in a file as on the screen.
  "content",
  ...["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-opacity", "paint-order", "text-anchor", "dominant-baseline"],
];

function options(slide: HTMLElement, extra: Options = {}): Options {
  const { width, height } = slide.getBoundingClientRect();
  return { width: Math.round(width), height: Math.round(height), backgroundColor: backgroundOf(slide), skipFonts: true, includeStyleProperties: SLIDE_PROPERTIES, ...extra };
}

/** A standalone SVG document of the slide as it looks now. */
export async function slideSvg(slide: HTMLElement): Promise<string> {
  const url = await toSvg(slide, options(slide));
  const svg = decodeURIComponent(url.slice(url.indexOf(",") + 1));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}

/** The slide drawn onto a canvas `width` pixels wide (its height follows its shape). */
function slideCanvas(slide: HTMLElement, width: number): Promise<HTMLCanvasElement> {
  const o = options(slide);
  return toCanvas(slide, { ...o, pixelRatio: width / o.width! });
}

/**
 * Draws the slide into `ctx` (for a video's frames) as large as its canvas allows, centred on the
 * slide's own colour: a 16:9 slide fills a 16:9 video, a 4:3 one is not stretched.
 */
export async function drawSlide(slide: HTMLElement, ctx: CanvasRenderingContext2D): Promise<void> {
  const o = options(slide);
  const img = new Image();
  img.src = await toSvg(slide, o);
  await img.decode();
  const { width: cw, height: ch } = ctx.canvas;
  const k = Math.min(cw / o.width!, ch / o.height!);
  const [w, h] = [o.width! * k, o.height! * k];
  ctx.fillStyle = o.backgroundColor!;
  ctx.fillRect(0, 0, cw, ch);
  ctx.drawImage(img, (cw - w) / 2, (ch - h) / 2, w, h);
}

export async function slidePng(slide: HTMLElement): Promise<Blob> {
  const width = Math.max(PNG_MIN_WIDTH, Math.round(slide.getBoundingClientRect().width * (window.devicePixelRatio || 1)));
  const canvas = await slideCanvas(slide, width);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"));
}

/** Saves `blob`; `within` is where the link goes (inside a modal dialog, the rest is inert). */
export function downloadBlob(blob: Blob, name: string, within: Element = document.body): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  within.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
