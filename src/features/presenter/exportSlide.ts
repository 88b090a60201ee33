// The slide as files: SVG (the slide's own markup with every computed style inlined, inside a
// foreignObject, so it renders alone at any size), PNG (that SVG drawn onto a canvas at least
// 1920 px wide), and canvases for the video. html-to-image does the cloning and inlining, except
// inside an <svg>: it copies a drawing (the state diagram, the CPU lanes, the memory card's arrow)
// whole and styles only its root, so every part drawn by a class (fill, stroke, font) came out
// unstyled: black on the black slide, an empty panel, in every build. drawingStyles() inlines
// those parts' computed styles too. The page's fonts are system fonts, so nothing is fetched.
import { toSvg } from "html-to-image";

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

/**
 * What the parts of a drawing take from the page's stylesheets (the state diagram's nodes, edges
 * and labels, the CPU lanes' bars and ticks): copied onto each part, as the slide's own elements
 * get SLIDE_PROPERTIES.
 */
const DRAWING_PROPERTIES = [
  ...["display", "visibility", "opacity", "color", "filter", "transform", "transform-origin", "transform-box"],
  ...["fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "paint-order", "vector-effect"],
  ...["font-family", "font-size", "font-weight", "font-style", "letter-spacing", "word-spacing", "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift", "text-decoration-line", "white-space"],
  ...["marker-start", "marker-mid", "marker-end", "stop-color", "stop-opacity"],
];

/** The outermost drawings in `slide`, in document order (as html-to-image's copy has them). */
function drawingsIn(slide: HTMLElement): SVGSVGElement[] {
  return [...slide.querySelectorAll("svg")].filter((svg) => !svg.parentElement?.closest("svg"));
}

/** Each drawing's parts (its root excluded: html-to-image styles that) and their computed styles, as inline style text. */
function drawingStyles(slide: HTMLElement): { tags: string[]; styles: string[] }[] {
  return drawingsIn(slide).map((svg) => {
    const parts = [...svg.querySelectorAll("*")];
    return {
      tags: parts.map((el) => el.localName),
      styles: parts.map((el) => {
        const cs = getComputedStyle(el);
        return DRAWING_PROPERTIES.map((p) => `${p}: ${cs.getPropertyValue(p)};`).join(" ");
      }),
    };
  });
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * html-to-image writes each element's font size as floor(size) − 0.1 px (its cloneCSSStyle(), to
 * keep text in foreign renderers from overflowing): the slide's 14.72 px explanation came out at
 * 13.9 px, so text in a file was narrower and could wrap elsewhere than on the screen. The file is
 * drawn by the same browser, so each element's own size is carried through the copy on this
 * attribute and put back (sizeFonts()). A drawing's parts are not marked: drawingStyles() copies
 * their exact sizes.
 */
const FONT_SIZE = "data-export-font-size";

/** Marks the slide's elements with their computed font size; the returned function takes the marks off. */
function markFontSizes(slide: HTMLElement): () => void {
  const marked = [slide, ...slide.querySelectorAll("*")].filter((el) => !el.parentElement?.closest("svg"));
  for (const el of marked) el.setAttribute(FONT_SIZE, getComputedStyle(el).fontSize);
  return () => marked.forEach((el) => el.removeAttribute(FONT_SIZE));
}

/** Each marked element of the copy gets its own font size back, and loses the mark. */
function sizeFonts(root: Element): void {
  for (const el of root.querySelectorAll(`[${FONT_SIZE}]`)) {
    const size = el.getAttribute(FONT_SIZE)!;
    el.removeAttribute(FONT_SIZE);
    if ("style" in el && el.style instanceof CSSStyleDeclaration) el.style.setProperty("font-size", size);
    // An element the parser gave no style object: a later declaration wins.
    else el.setAttribute("style", `${el.getAttribute("style") ?? ""}; font-size: ${size}`);
  }
}

/**
 * html-to-image's SVG document of the slide with each drawing's parts styled as on the screen
 * (`styles`, read before the copy was made) and every element's own font size. A drawing whose parts no longer match (the page
 * changed it meanwhile) is an error: a file with an empty panel is not a picture of the slide.
 */
function withDrawingStyles(svgText: string, styles: { tags: string[]; styles: string[] }[]): string {
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const root: Element = doc.documentElement;
  if (root.localName !== "svg" || doc.getElementsByTagName("parsererror").length) throw new Error("the slide's SVG did not parse");
  // The drawings inside the foreignObject, outermost only (the document's own root is not one).
  const drawings = [...root.getElementsByTagNameNS(SVG_NS, "svg")].filter((svg) => svg !== root && svg.parentElement?.closest("svg") === root);
  if (drawings.length !== styles.length) throw new Error(`the slide's drawings changed while it was copied (${styles.length} drawn, ${drawings.length} copied)`);
  drawings.forEach((svg, i) => {
    const parts = [...svg.querySelectorAll("*")];
    const want = styles[i];
    if (parts.length !== want.tags.length || parts.some((el, k) => el.localName !== want.tags[k])) throw new Error("a drawing on the slide changed while it was copied");
    parts.forEach((el, k) => el.setAttribute("style", want.styles[k]));
  });
  sizeFonts(root);
  return new XMLSerializer().serializeToString(root);
}

function options(slide: HTMLElement, extra: Options = {}): Options {
  const { width, height } = slide.getBoundingClientRect();
  return { width: Math.round(width), height: Math.round(height), backgroundColor: backgroundOf(slide), skipFonts: true, includeStyleProperties: SLIDE_PROPERTIES, ...extra };
}

/** The slide as it looks now: a standalone SVG document's text, and its size and colour. */
async function slideDocument(slide: HTMLElement): Promise<{ svg: string; width: number; height: number; background: string }> {
  const o = options(slide);
  const styles = drawingStyles(slide);
  const unmark = markFontSizes(slide);
  let url: string;
  try {
    url = await toSvg(slide, o);
  } finally {
    unmark();
  }
  const svg = withDrawingStyles(decodeURIComponent(url.slice(url.indexOf(",") + 1)), styles);
  return { svg, width: o.width!, height: o.height!, background: o.backgroundColor! };
}

/** A standalone SVG document of the slide as it looks now. */
export async function slideSvg(slide: HTMLElement): Promise<string> {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${(await slideDocument(slide)).svg}\n`;
}

/**
 * Draws the slide into `ctx` as large as its canvas allows, centred on the slide's own colour: a
 * 16:9 slide fills a 16:9 video, a 4:3 one is not stretched (a video's frames), and a canvas of the
 * slide's own shape is filled (a PNG).
 */
export async function drawSlide(slide: HTMLElement, ctx: CanvasRenderingContext2D): Promise<void> {
  const d = await slideDocument(slide);
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(d.svg)}`;
  await img.decode();
  const { width: cw, height: ch } = ctx.canvas;
  const k = Math.min(cw / d.width, ch / d.height);
  const [w, h] = [d.width * k, d.height * k];
  ctx.fillStyle = d.background;
  ctx.fillRect(0, 0, cw, ch);
  ctx.drawImage(img, (cw - w) / 2, (ch - h) / 2, w, h);
}

export async function slidePng(slide: HTMLElement): Promise<Blob> {
  const box = slide.getBoundingClientRect();
  const width = Math.max(PNG_MIN_WIDTH, Math.round(box.width * (window.devicePixelRatio || 1)));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = Math.round((width * Math.round(box.height)) / Math.round(box.width));
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  await drawSlide(slide, ctx);
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
