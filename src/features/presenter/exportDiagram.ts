// The live diagram as files for slides: SVG with every computed style inlined (so it renders on
// its own, without the page's stylesheets), and PNG drawn from that SVG onto a canvas at 2×.

// Presentation properties that matter for our SVGs; anything else keeps the SVG default.
const PROPS = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-dashoffset",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "letter-spacing",
  "text-anchor",
  "dominant-baseline",
  "paint-order",
  "visibility",
  "display",
  "transform",
  "transform-origin",
  "transform-box",
] as const;

/** The element's own size in CSS pixels, falling back to its viewBox. */
export function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const r = svg.getBoundingClientRect();
  if (r.width > 0 && r.height > 0) return { width: Math.round(r.width), height: Math.round(r.height) };
  const vb = svg.viewBox.baseVal;
  return { width: Math.round(vb?.width || 700), height: Math.round(vb?.height || 300) };
}

/** A standalone SVG document of `svg` as it looks now. */
export function serializeSvg(svg: SVGSVGElement, background?: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll("*")];
  const to = [clone, ...clone.querySelectorAll("*")];
  from.forEach((el, i) => {
    const target = to[i] as SVGElement | undefined;
    if (!target) return;
    const cs = getComputedStyle(el);
    const style: string[] = [];
    for (const p of PROPS) {
      const v = cs.getPropertyValue(p);
      if (v && !(p === "transform" && v === "none")) style.push(`${p}:${v}`);
    }
    // A still picture: no running animations or transitions in the file.
    style.push("animation:none", "transition:none");
    target.setAttribute("style", style.join(";"));
    target.removeAttribute("class");
  });
  const { width, height } = svgSize(svg);
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  if (background) {
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    const vb = svg.viewBox.baseVal;
    rect.setAttribute("x", String(vb?.x ?? 0));
    rect.setAttribute("y", String(vb?.y ?? 0));
    rect.setAttribute("width", String(vb?.width || width));
    rect.setAttribute("height", String(vb?.height || height));
    rect.setAttribute("fill", background);
    clone.insertBefore(rect, clone.firstChild);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

export function svgImage(svgText: string): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("the SVG could not be drawn"));
    };
    img.src = url;
  });
}

/** PNG of the standalone SVG at `scale`× its on-screen size. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const img = await svgImage(svgText);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"));
}

export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function pageBackground(el: Element): string {
  let node: Element | null = el;
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg && bg !== "transparent" && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
    node = node.parentElement;
  }
  return "#ffffff";
}
