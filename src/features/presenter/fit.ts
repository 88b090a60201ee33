// Type fitted to a box's width: a command's output (xen-livepatch's `list` table) is shown as the
// tool prints it, one line per line, never wrapped, so its type is shrunk until its widest line
// fits. The slide fits its output through this (Slide.tsx, with the explanation's fit to its card).

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
