// Geometry of the LIVEPATCH state diagram for the box it is drawn in (CSS pixels, so the SVG's
// user units are pixels and text sizes are real): one row of states (not loaded → CHECKED →
// APPLIED) with REPLACE arcing over and REVERT under, "unloaded" below, and a caption area at the
// bottom right that belongs to no edge, where a failure's reason or an action's phase is written
// without ever crossing a label. The drawing scales with the box (`f`) and stretches its gaps when
// the box is wider or taller than the drawing's natural shape. Pure numbers and strings (d3-path
// for the curves); React draws them.
import { path } from "d3";
import type { ActionName } from "../../../simulator/types.ts";
import type { NodeState } from "../../../simulator/derive.ts";

/** The drawing's natural size at f = 1, with room for one caption line. */
const BASE_W = 600;
const BASE_H = 170;
const NODE_W = 112;
const NODE_H = 46;
const MARGIN = 6;
/** The current state's halo reaches this far past its node (gap plus half its stroke), at f = 1. */
export const HALO = 8;
/** Font sizes at f = 1 (the CSS multiplies these by --sd-f, see simulator.css). */
export const FONT = { node: 16, label: 13, rc: 12, caption: 12, title: 13.5 };
/** Radius of the token riding an edge, and of the ✖ marker where a failed action stops (its
 * middle at most, see StateDiagram.tsx), at f = 1; the ring round it (its 2.5·f stroke, simulator.css) adds `ring`. */
export const TOKEN = { moving: 7, failed: 9, ring: 1.25 };
/** Monospace advance as a share of the font size (DejaVu Sans Mono and most others: ~0.6). */
const MONO_ADVANCE = 0.61;
const CAPTION_LINE = 1.3;

export interface NodeGeom {
  id: NodeState;
  label: string;
  x: number;
  y: number;
  ghost: boolean;
}

export interface TextSpot {
  x: number;
  y: number;
  anchor: "start" | "middle" | "end";
}

export interface EdgeGeom {
  id: ActionName;
  from: NodeState;
  to: NodeState;
  p0: [number, number];
  c: [number, number];
  p1: [number, number];
  d: string;
  /** The action's name. */
  label: TextSpot;
  /** Where the rc goes: after the name on the same line (arcs), or on its own line (straight edges). */
  rc: TextSpot & { inline: boolean };
  /** How far along the edge (0..1) a failed action's ✖ may stop: beside the label and rc, not on them. */
  stop: number;
}

export interface CaptionBox {
  x: number;
  /** Baseline of the first line. */
  y: number;
  lineHeight: number;
  /** Characters that fit on one line. */
  chars: number;
  maxLines: number;
}

export interface DiagramLayout {
  width: number;
  height: number;
  /** Scale of everything drawn (text, nodes, strokes) against the natural size. */
  f: number;
  node: { w: number; h: number };
  nodes: NodeGeom[];
  edges: EdgeGeom[];
  title: [number, number];
  caption: CaptionBox;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function curve(id: ActionName, from: NodeState, to: NodeState, p0: [number, number], c: [number, number], p1: [number, number], label: TextSpot, rc: EdgeGeom["rc"], stop = 0.5): EdgeGeom {
  const p = path();
  p.moveTo(p0[0], p0[1]);
  p.quadraticCurveTo(c[0], c[1], p1[0], p1[1]);
  return { id, from, to, p0, c, p1, d: p.toString(), label, rc, stop };
}

/** Caption lines (at most) that fit without growing the drawing. */
const FREE_CAPTION_LINES = 1;

/** How the drawing uses a box unlike its own shape (wider or taller than 600:170). */
export interface Fit {
  /** Largest scale (text, nodes) against the natural size. */
  maxF: number;
  /** Largest stretch of the gaps across and down, past which the drawing is centred instead. */
  maxSx: number;
  maxSy: number;
}

/** In a page's panel: no larger than 2.2×, the gaps stretched a little, the rest centred. */
export const PANEL_FIT: Fit = { maxF: 2.2, maxSx: 1.6, maxSy: 1.45 };
/**
 * Filling its box (an embed's panel, a frame of its own): as large as the box allows either way,
 * and the gaps down stretched to its height, so a tall panel is not half empty.
 */
export const FILL_FIT: Fit = { maxF: 4, maxSx: 1.6, maxSy: 3 };

/**
 * The diagram laid out in a `width`×`height` box. `captionLength` (characters) lets the drawing
 * grow its caption area for a long reason instead of clipping it to two lines. Whatever the box,
 * the drawing is scaled to fit it both ways, so nothing is cut off, however small (an embed in a
 * 400×300 frame); `fit` says how it grows in a box larger than it needs. `minCaptionPx`: the
 * caption's type is never drawn smaller (a slide's floor), so its lines are cut for that size.
 */
export function diagramLayout(width: number, height: number, captionLength = 0, fit: Fit = PANEL_FIT, minCaptionPx = 0): DiagramLayout {
  const W = Math.max(width, 40);
  const H = Math.max(height, 20);
  // The margin grows with the drawing so a state's halo at the edge is never cut off: the scale
  // solves (W − 2·(MARGIN + HALO·f)) / BASE_W = f.
  const scaleFor = (baseH: number) => clamp(Math.min((W - 2 * MARGIN) / (BASE_W + 2 * HALO), (H - 2 * MARGIN) / (baseH + 2 * HALO)), 0.01, fit.maxF);
  // First pass at the natural height, then once more if the caption wants more lines.
  let baseH = BASE_H;
  let f = scaleFor(baseH);
  let pad = MARGIN + HALO * f;
  let w = W - 2 * pad;
  let h = H - 2 * pad;
  // The caption's type is FONT.caption·f, or minCaptionPx when that is larger (a slide's floor,
  // presenter.css): `grow` is how much larger, in natural units.
  const grow = (scale: number) => Math.max(1, minCaptionPx / (FONT.caption * scale));
  const capLine = FONT.caption * CAPTION_LINE;
  // The caption's width in natural units is 482·sx − 166 (see capX below), whatever f is.
  const charsAt = (scale: number) => Math.max(12, Math.floor((482 * clamp(w / (BASE_W * scale), 1, fit.maxSx) - 166) / (FONT.caption * grow(scale) * MONO_ADVANCE)));
  if (captionLength > 0) {
    const lines = Math.min(4, Math.ceil((captionLength * 1.08) / charsAt(f)));
    if (lines > FREE_CAPTION_LINES) {
      baseH = BASE_H + (lines - FREE_CAPTION_LINES) * capLine * grow(f);
      f = scaleFor(baseH);
      pad = MARGIN + HALO * f;
      w = W - 2 * pad;
      h = H - 2 * pad;
    }
  }
  const sx = clamp(w / (BASE_W * f), 1, fit.maxSx);
  const sy = clamp(h / (baseH * f), 1, fit.maxSy);
  const cw = BASE_W * f * sx;
  const ch = baseH * f * sy;
  const ox = pad + Math.max(0, (w - cw) / 2);
  const oy = pad + Math.max(0, (h - ch) / 2);
  const nw = NODE_W * f;
  const nh = NODE_H * f;
  const half = nh / 2;

  const row = oy + 68 * f * sy;
  const xNone = ox + nw / 2 + 2;
  const xApplied = ox + cw - nw / 2 - 2;
  // Gaps: 118 between not loaded and CHECKED, 142 between CHECKED and APPLIED (at f = 1), room
  // for an rc such as "rc −EAGAIN (11)" under each straight edge.
  const xChecked = xNone + nw + 118 * f * sx;
  const xUnloaded = xNone + 10 * f;
  const yUnloaded = row + 72 * f * sy;
  const nodes: NodeGeom[] = [
    { id: "none", label: "not loaded", x: xNone, y: row, ghost: true },
    { id: "CHECKED", label: "CHECKED", x: xChecked, y: row, ghost: false },
    { id: "APPLIED", label: "APPLIED", x: xApplied, y: row, ghost: false },
    { id: "unloaded", label: "unloaded", x: xUnloaded, y: yUnloaded, ghost: true },
  ];

  const gap = 3 * f;
  const mid = (a: number, b: number) => (a + b) / 2;
  const upX0 = xNone + nw / 2;
  const upX1 = xChecked - nw / 2 - gap;
  const apX0 = xChecked + nw / 2;
  const apX1 = xApplied - nw / 2 - gap;
  const arcL = xChecked + nw * 0.22;
  const arcR = xApplied - nw * 0.22;
  const top = row - half;
  const bottom = row + half;
  const replaceApex = oy + 23 * f * sy;
  const revertApex = bottom + 22 * f * sy;
  const unloadX = xChecked - nw * 0.3;
  const labelDy = FONT.label * f;
  // Every label and rc sits clear of the ✖ a failed action leaves on its edge (at most half way:
  // on an arc that is the apex, on a straight edge between its name above and its rc below), or
  // the ✖ covers the rc's minus sign and the audience reads a positive errno.
  const mark = (TOKEN.failed + TOKEN.ring) * f;
  const clear = mark + 5 * f;
  const over = row - mark - 4 * f;
  const under = row + mark + 4 * f + FONT.rc * f;
  // UNLOAD turns left under its label at once: its ✖ stops on the first, straight stretch.
  const unloadLabelX = unloadX - mark - 3 * f;
  const edges: EdgeGeom[] = [
    curve("UPLOAD", "none", "CHECKED", [upX0, row], [mid(upX0, upX1), row], [upX1, row], { x: mid(upX0, upX1), y: over, anchor: "middle" }, { x: mid(upX0, upX1), y: under, anchor: "middle", inline: false }),
    curve("APPLY", "CHECKED", "APPLIED", [apX0, row], [mid(apX0, apX1), row], [apX1, row], { x: mid(apX0, apX1), y: over, anchor: "middle" }, { x: mid(apX0, apX1), y: under, anchor: "middle", inline: false }),
    curve("REPLACE", "CHECKED", "APPLIED", [arcL, top], [mid(arcL, arcR), 2 * replaceApex - top], [arcR, top - gap], { x: mid(arcL, arcR), y: replaceApex - clear, anchor: "middle" }, { x: 0, y: 0, anchor: "middle", inline: true }),
    curve("REVERT", "APPLIED", "CHECKED", [arcR, bottom], [mid(arcL, arcR), 2 * revertApex - bottom], [arcL, bottom + gap], { x: mid(arcL, arcR), y: revertApex + clear + labelDy, anchor: "middle" }, { x: 0, y: 0, anchor: "middle", inline: true }),
    curve("UNLOAD", "CHECKED", "unloaded", [unloadX, bottom], [unloadX, yUnloaded], [xUnloaded + nw / 2 + gap + 1, yUnloaded], { x: unloadLabelX, y: bottom + 6 * f + labelDy, anchor: "end" }, { x: unloadLabelX, y: bottom + 8 * f + 2 * labelDy, anchor: "end", inline: false }, 0.12),
  ];

  // The caption: right of the UNLOAD curve, under REVERT's label, to the bottom of the drawing.
  const capTop = revertApex + clear + labelDy + 8 * f;
  const capX = xChecked - nw * 0.2;
  const capFont = Math.max(FONT.caption * f, minCaptionPx);
  const capChars = Math.max(12, Math.floor((ox + cw - capX) / (capFont * MONO_ADVANCE)));
  const capRoom = oy + ch - capTop;
  const caption: CaptionBox = {
    x: capX,
    y: capTop + capFont,
    lineHeight: capFont * CAPTION_LINE,
    chars: capChars,
    maxLines: Math.max(1, Math.min(4, Math.floor((capRoom - capFont * 0.25) / (capFont * CAPTION_LINE)))),
  };
  return { width: W, height: H, f, node: { w: nw, h: nh }, nodes, edges, title: [ox + 2, oy + FONT.title * f], caption };
}

/**
 * `text` cut into at most `maxLines` lines of `chars` characters, at spaces where it can be. Each
 * line keeps its trailing space, so the lines joined are the text again (what a reader or a search
 * of the SVG's text finds); the last line ends in "…" when the text does not fit.
 */
export function wrapText(text: string, chars: number, maxLines: number): string[] {
  const lines: string[] = [];
  let rest = text.trim();
  while (rest.length > 0 && lines.length < maxLines) {
    if (rest.length <= chars) {
      lines.push(rest);
      rest = "";
      break;
    }
    let cut = rest.lastIndexOf(" ", chars);
    if (cut < chars * 0.4) cut = chars - 1;
    lines.push(rest.slice(0, cut + 1));
    rest = rest.slice(cut + 1);
  }
  if (rest.length > 0 && lines.length) {
    const last = lines[lines.length - 1];
    lines[lines.length - 1] = `${last.slice(0, Math.max(1, chars - 1)).trimEnd()}…`;
  }
  return lines;
}

/** The point `t` (0..1) along an edge. */
export function pointOn(e: EdgeGeom, t: number): [number, number] {
  const u = 1 - t;
  return [u * u * e.p0[0] + 2 * u * t * e.c[0] + t * t * e.p1[0], u * u * e.p0[1] + 2 * u * t * e.c[1] + t * t * e.p1[1]];
}

export { rcText } from "../../../console/errno.ts";
