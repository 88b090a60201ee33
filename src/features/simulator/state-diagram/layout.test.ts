import { describe, expect, it } from "vitest";
import { diagramLayout, FILL_FIT, FONT, HALO, pointOn, TOKEN, wrapText, type DiagramLayout, type EdgeGeom, type TextSpot } from "./layout.ts";

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

function nodeBoxes(L: DiagramLayout): Box[] {
  return L.nodes.map((n) => ({ x0: n.x - L.node.w / 2, y0: n.y - L.node.h / 2, x1: n.x + L.node.w / 2, y1: n.y + L.node.h / 2 }));
}

/** A generous box round a line of text (mono advance 0.62 of the size, sans a little wider). */
function textBox(at: TextSpot, chars: number, size: number, advance = 0.62): Box {
  const w = chars * size * advance;
  const x0 = at.anchor === "start" ? at.x : at.anchor === "end" ? at.x - w : at.x - w / 2;
  return { x0, y0: at.y - size, x1: x0 + w, y1: at.y + size * 0.25 };
}

const SIZES: [number, number][] = [
  [569, 150],
  [569, 236],
  [750, 300],
  [924, 361],
  [620, 430],
  [1100, 620],
];

describe("state diagram layout", () => {
  it.each(SIZES)("keeps every state inside a %i×%i box without overlaps", (w, h) => {
    const L = diagramLayout(w, h);
    const boxes = nodeBoxes(L);
    for (const b of boxes) {
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.y0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(w);
      expect(b.y1).toBeLessThanOrEqual(h);
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i], boxes[j])).toBe(false);
  });

  it.each([...SIZES, [1800, 1000], [1040, 520]] as [number, number][])("leaves room for the current state's halo round every state (%i×%i)", (w, h) => {
    const L = diagramLayout(w, h);
    const reach = HALO * L.f;
    for (const b of nodeBoxes(L)) {
      expect(b.x0 - reach).toBeGreaterThanOrEqual(0);
      expect(b.y0 - reach).toBeGreaterThanOrEqual(0);
      expect(b.x1 + reach).toBeLessThanOrEqual(w);
      expect(b.y1 + reach).toBeLessThanOrEqual(h);
    }
  });

  it("scales text with the box, so a wider panel draws larger labels", () => {
    const small = diagramLayout(569, 200).f;
    const mid = diagramLayout(750, 300).f;
    const big = diagramLayout(924, 400).f;
    expect(small).toBeLessThan(mid);
    expect(mid).toBeLessThan(big);
    // At 1600×900 the node labels are at least 18 px.
    expect(FONT.node * mid).toBeGreaterThanOrEqual(18);
  });

  it.each(SIZES)("puts the rc under a straight edge between its two states (%i×%i)", (w, h) => {
    const L = diagramLayout(w, h);
    const boxes = nodeBoxes(L);
    for (const e of L.edges.filter((x) => !x.rc.inline && x.id !== "UNLOAD")) {
      const rc = textBox(e.rc, "rc −EAGAIN (11)".length, FONT.rc * L.f);
      for (const b of boxes) expect(overlaps(rc, b), `${e.id} rc`).toBe(false);
    }
  });

  it.each(SIZES)("keeps the caption clear of every edge label and state (%i×%i)", (w, h) => {
    const L = diagramLayout(w, h, 90);
    const c = L.caption;
    const caption: Box = { x0: c.x, y0: c.y - FONT.caption * L.f, x1: w, y1: c.y + (c.maxLines - 1) * c.lineHeight + FONT.caption * L.f * 0.25 };
    for (const b of nodeBoxes(L)) expect(overlaps(caption, b)).toBe(false);
    for (const e of L.edges) {
      const label = e.rc.inline ? textBox(e.label, `${e.id} · rc −EBUSY (16)`.length, FONT.label * L.f, 0.7) : textBox(e.label, e.id.length, FONT.label * L.f, 0.75);
      expect(overlaps(caption, label), `${e.id} label`).toBe(false);
    }
    expect(c.maxLines).toBeGreaterThanOrEqual(1);
  });

  it.each(SIZES)("keeps the payload's name in the corner, clear of states and labels (%i×%i)", (w, h) => {
    const L = diagramLayout(w, h);
    const title = textBox({ x: L.title[0], y: L.title[1], anchor: "start" }, "xen_replace_world".length, FONT.title * L.f);
    expect(title.x0).toBeGreaterThanOrEqual(0);
    expect(title.y0).toBeGreaterThanOrEqual(0);
    for (const b of nodeBoxes(L)) expect(overlaps(title, b)).toBe(false);
    const replace = L.edges.find((e) => e.id === "REPLACE")!;
    expect(overlaps(title, textBox(replace.label, "REPLACE · rc −EBUSY (16)".length, FONT.label * L.f, 0.7))).toBe(false);
  });

  // The longest rc an edge shows: REPLACE refused with -EOPNOTSUPP (95) (common/livepatch.c,
  // "REPLACE action is not supported on livepatches with vetoing hooks!"); the others -EBUSY (16).
  const rcOf = (e: EdgeGeom) => (e.id === "REPLACE" ? "rc −EOPNOTSUPP (95)" : "rc −EBUSY (16)");
  const labelBoxes = (L: DiagramLayout, e: EdgeGeom): Box[] =>
    e.rc.inline
      ? [textBox(e.label, `${e.id} · ${rcOf(e)}`.length, FONT.label * L.f, 0.7)]
      : [textBox(e.label, e.id.length, FONT.label * L.f, 0.75), textBox(e.rc, rcOf(e).length, FONT.rc * L.f)];

  it.each(SIZES)("stops a failed action's ✖ beside its edge's label and rc, never on them (%i×%i)", (w, h) => {
    const L = diagramLayout(w, h, 60);
    const r = (TOKEN.failed + TOKEN.ring) * L.f;
    const hits: string[] = [];
    for (const e of L.edges) {
      // A failed action's marker stops where the action failed, at most at the edge's stop (half
      // way at most; the hypercall's own checks already move it a little), so from 0.08 on.
      expect(e.stop).toBeLessThanOrEqual(0.5);
      for (let t = 0.08; t <= e.stop + 1e-9; t += 0.02) {
        const [x, y] = pointOn(e, t);
        const marker: Box = { x0: x - r, y0: y - r, x1: x + r, y1: y + r };
        for (const other of L.edges) {
          const boxes = other === e ? labelBoxes(L, e) : [textBox(other.label, other.id.length, FONT.label * L.f, 0.75)];
          if (boxes.some((b) => overlaps(marker, b))) hits.push(`${e.id} ✖ at t=${t.toFixed(2)} on ${other.id}'s text`);
        }
      }
    }
    expect(hits).toEqual([]);
  });

  it("grows the drawing's height for a long caption instead of cutting it to two lines", () => {
    const short = diagramLayout(750, 400, 20);
    const long = diagramLayout(750, 400, 160);
    expect(long.caption.maxLines).toBeGreaterThan(2);
    // Every line the caption needs fits, down to a short panel at 1280×720.
    const panel = diagramLayout(569, 163, 76);
    expect(panel.caption.maxLines * panel.caption.chars).toBeGreaterThanOrEqual(76);
    expect(long.caption.maxLines * long.caption.chars).toBeGreaterThanOrEqual(160);
    expect(short.caption.maxLines).toBeGreaterThanOrEqual(1);
  });

  it("cuts the caption for the size it is drawn at when a slide holds it at a floor above 12·f", () => {
    // A 4:3 slide's diagram box (1024×768: 565×230 px), its caption held at 12.03 px (presenter.css).
    const free = diagramLayout(565, 230, 120);
    const floored = diagramLayout(565, 230, 120, undefined, 12.03);
    expect(free.f).toBeLessThan(1);
    expect(floored.f).toBe(free.f);
    // Monospace at ~0.61 of the type: a line of `chars` ends inside the drawing at 12.03 px.
    expect(floored.caption.x + floored.caption.chars * 12.03 * 0.61).toBeLessThanOrEqual(floored.width);
    expect(free.caption.x + free.caption.chars * 12.03 * 0.61).toBeGreaterThan(free.width - 2 * 6);
    expect(floored.caption.lineHeight).toBeCloseTo(12.03 * 1.3, 5);
    // And a floor under 12·f changes nothing.
    expect(diagramLayout(565, 230, 120, undefined, 5)).toEqual(free);
  });
});

describe("state diagram layout filling its box (an embed's panel)", () => {
  // Embeds' diagram panels: 400×300 with a console beside it, 640×360 with four panels, 900×600
  // and 1920×1080 with two, and a panel narrower than the drawing's smallest page size.
  const EMBEDS: [number, number][] = [
    [182, 262],
    [296, 150],
    [120, 90],
    [426, 560],
    [926, 1030],
    [1880, 1040],
  ];

  it.each(EMBEDS)("keeps every state, its halo, the name and the labels inside a %i×%i box", (w, h) => {
    const L = diagramLayout(w, h, 60, FILL_FIT);
    const reach = HALO * L.f;
    const inside = (b: Box) => b.x0 >= -0.5 && b.y0 >= -0.5 && b.x1 <= w + 0.5 && b.y1 <= h + 0.5;
    for (const b of nodeBoxes(L)) expect(inside({ x0: b.x0 - reach, y0: b.y0 - reach, x1: b.x1 + reach, y1: b.y1 + reach })).toBe(true);
    expect(inside(textBox({ x: L.title[0], y: L.title[1], anchor: "start" }, "xen_replace_world".length, FONT.title * L.f))).toBe(true);
    for (const e of L.edges) expect(inside(textBox(e.label, e.id.length, FONT.label * L.f, 0.75)), e.id).toBe(true);
  });

  const extent = (L: DiagramLayout) => {
    const boxes = nodeBoxes(L);
    const top = L.title[1] - FONT.title * L.f;
    return { w: Math.max(...boxes.map((b) => b.x1)) - Math.min(...boxes.map((b) => b.x0)), h: Math.max(...boxes.map((b) => b.y1)) - top };
  };

  it.each(EMBEDS)("is as large as a %i×%i box allows, and stretches down into a tall one", (w, h) => {
    const fill = extent(diagramLayout(w, h, 0, FILL_FIT));
    const panel = extent(diagramLayout(w, h, 0));
    // Bounded by one direction, it spans most of it (what is left is margin and halo).
    expect(Math.max(fill.w / w, fill.h / h)).toBeGreaterThan(0.8);
    // A box taller than the drawing's shape: its gaps down stretch further than a page panel's.
    if (h / w > 170 / 600) expect(fill.h / h).toBeGreaterThanOrEqual(Math.min(0.75, 1.4 * (panel.h / h)));
  });
});

describe("wrapText", () => {
  it("breaks at spaces, and the lines joined are the text", () => {
    const text = "not the top of the applied stack (top is xen_bye_world)";
    const lines = wrapText(text, 20, 5);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.trimEnd().length).toBeLessThanOrEqual(20);
    expect(lines.join("")).toBe(text);
  });

  it("ends with an ellipsis when the text needs more lines than allowed", () => {
    const lines = wrapText("a b c d e f g h i j k l m n o p q r s t u v w x y z", 6, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith("…")).toBe(true);
    expect(lines[1].length).toBeLessThanOrEqual(6);
  });

  it("cuts a word longer than a line", () => {
    const lines = wrapText("x".repeat(25), 10, 3);
    expect(lines.map((l) => l.length)).toEqual([10, 10, 5]);
  });
});
