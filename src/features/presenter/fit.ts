// Type fitted to a box's width: a command's output (xen-livepatch's `list` table, an embed's
// console) is shown as the tool prints it, one line per line, never wrapped, so its type is shrunk
// until its widest line fits. The slide fits its output through this (Slide.tsx, with the
// explanation's fit to its card), the embed its console, its output and its memory (useEmbedFit).

const STEP = 0.01;
const round = (s: number) => Math.round(s * 100) / 100;

/**
 * Sets `--fit-w` on `el` (a share of its type's size, 1 at most, `floor` at least) to the largest
 * at which its widest line fits its width, its type being `calc(<size> * var(--fit-w))` in the
 * CSS. Monospace lines, padding in em: the width scales with the type, so one division gets there
 * and a few steps of 0.01 make up for rounding. `cap` (≤ 1) is where it starts. Returns the share
 * set, and whether the lines fit at it (false: even at `floor` they are wider than the box).
 */
export function fitWidth(el: HTMLElement, floor: number, cap = 1): { scale: number; fits: boolean } {
  const wide = () => el.scrollWidth > el.clientWidth + 1;
  let scale = round(Math.max(floor, cap));
  el.style.setProperty("--fit-w", String(scale));
  if (!wide()) return { scale, fits: true };
  if (el.clientWidth <= 0) return { scale, fits: false };
  scale = Math.max(floor, Math.floor(scale * (el.clientWidth / el.scrollWidth) * 100) / 100);
  el.style.setProperty("--fit-w", String(scale));
  while (wide() && scale > floor) {
    scale = Math.max(floor, round(scale - STEP));
    el.style.setProperty("--fit-w", String(scale));
  }
  return { scale, fits: !wide() };
}

/** The share of its type's size at which `el`'s type is `px` (its type at --fit-w 1 being read). */
function shareFor(el: HTMLElement, px: number, prop: string): number {
  el.style.setProperty(prop, "1");
  const full = parseFloat(getComputedStyle(el).fontSize) || px;
  return Math.min(1, px / full);
}

/**
 * An embed's type floor (CSS px; presenter.css --embed-floor): nothing is fitted below it, the
 * shared views' small words are held at it, and a drawing that would put its words under it says
 * it is too small instead (fitEmbed).
 */
export const EMBED_FLOOR_PX = 8;
const MIN_PX = EMBED_FLOOR_PX;
const FLOOR = 0.6;

/**
 * Fits an embed's panels to its frame (Embed.tsx), again whenever the frame or what the panels
 * show changes: the console's transcript and a command's output fit their width (fitWidth; lines
 * too wide even at the floor still do not wrap, a `list` row stays a row: they scroll across, and
 * the box says so, data-wide), and the memory card's type shrinks (`--fit`) until
 * it fits its panel; what still does not fit scrolls, and says so (data-more, a cue at the
 * panel's foot), as do an explanation and CPU lanes longer than their panel. A drawing (the state diagram,
 * the CPU lanes) whose words its panel would draw under EMBED_FLOOR_PX is covered by a note that
 * says so (data-small: the size they would have had), never shown unreadably small. Nothing on an
 * embed is cut off without a sign.
 */
export function fitEmbed(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>(".embed-console .con-log, .embed-explain .scn-output")) {
    const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
    delete el.dataset.wide;
    const floor = Math.max(FLOOR, shareFor(el, MIN_PX, "--fit-w"));
    if (!fitWidth(el, floor).fits) el.dataset.wide = "true";
    // The console follows its latest line (ConsolePanel): a smaller type keeps it there.
    if (end) el.scrollTop = el.scrollHeight;
  }
  for (const panel of root.querySelectorAll<HTMLElement>(".embed-memory")) {
    const over = () => panel.scrollHeight > panel.clientHeight + 1 || panel.scrollWidth > panel.clientWidth + 1;
    delete panel.dataset.more;
    const floor = Math.max(FLOOR, shareFor(panel, MIN_PX, "--fit"));
    let scale = 1;
    while (over() && scale > floor) {
      scale = Math.max(floor, round(scale - 0.02));
      panel.style.setProperty("--fit", String(scale));
    }
    if (over()) panel.dataset.more = "true";
  }
  for (const panel of root.querySelectorAll<HTMLElement>(".embed-explain, .embed-cpus")) {
    if (panel.scrollHeight > panel.clientHeight + 1) panel.dataset.more = "true";
    else delete panel.dataset.more;
  }
  for (const panel of root.querySelectorAll<HTMLElement>(".embed-diagram, .embed-cpus")) {
    const px = smallestSvgText(panel);
    if (px < EMBED_FLOOR_PX - 0.05) panel.dataset.small = px.toFixed(1);
    else delete panel.dataset.small;
  }
}

/** The smallest type a panel's drawings put on screen (CSS px): each SVG text at its drawn scale. */
function smallestSvgText(panel: HTMLElement): number {
  let px = Infinity;
  for (const t of panel.querySelectorAll<SVGTextElement>("svg text")) {
    if (!t.textContent?.trim()) continue;
    const scale = t.getScreenCTM()?.a ?? 1;
    px = Math.min(px, parseFloat(getComputedStyle(t).fontSize) * scale);
  }
  return px;
}
