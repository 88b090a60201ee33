// Where the Map draws its nodes and edges. Nodes stand in columns (images, payloads by stacking
// depth, functions); an edge that spans columns is routed through each column it crosses along a
// free lane (above, between or below that column's boxes), so it never passes under a node it
// does not connect: a replace_world edge to xen_extra_version no longer runs beneath bye world.
import { groups, max, scaleBand, scalePoint } from "d3";
import type { GraphData, GraphEdge, GraphNode } from "./buildGraph.ts";

export const NODE_W = 210;
export const NODE_H = 40;
const ROW_GAP = 12;
/** Space kept between a routed edge and a box it passes above or below (between two boxes of a
    column, it runs down the middle of their gap). */
const CLEAR = 14;

export interface NodeBox {
  x: number;
  y: number;
  node: GraphNode;
}

export interface EdgePath {
  e: GraphEdge;
  /** SVG path: M, then C (between columns) and L (through a column) commands. */
  d: string;
  /** Where the edge's label goes: the middle of its first stretch between columns. */
  mid: readonly [number, number];
}

export interface GraphLayout {
  width: number;
  height: number;
  pos: Map<string, NodeBox>;
  paths: EdgePath[];
}

type Pt = readonly [number, number];
const r = (v: number) => Math.round(v * 10) / 10;
const curve = (a: Pt, b: Pt) => {
  const mx = r((a[0] + b[0]) / 2);
  return `C${mx},${r(a[1])} ${mx},${r(b[1])} ${r(b[0])},${r(b[1])}`;
};

/** The y in a column's free space (outside its boxes) closest to `want`. */
function laneY(boxes: NodeBox[], height: number, want: number): number {
  const ys = boxes.map((b) => b.y).sort((p, q) => p - q);
  const free: [number, number][] = [];
  if (ys.length) free.push([0, ys[0] - CLEAR]);
  for (let i = 1; i < ys.length; i++) {
    const gap = (ys[i - 1] + NODE_H + ys[i]) / 2;
    free.push([gap, gap]);
  }
  free.push([ys.length ? ys[ys.length - 1] + NODE_H + CLEAR : 0, height]);
  let best = want;
  let bestDist = Infinity;
  for (const [lo, hi] of free) {
    if (hi < lo) continue;
    const y = Math.min(hi, Math.max(lo, want));
    if (Math.abs(y - want) < bestDist) {
      best = y;
      bestDist = Math.abs(y - want);
    }
  }
  return best;
}

export function layoutGraph(data: GraphData): GraphLayout {
  const columns = groups(data.nodes, (n) => n.column).sort((a, b) => a[0] - b[0]);
  const maxRows = max(columns, ([, ns]) => ns.length) ?? 1;
  const height = Math.max(160, maxRows * (NODE_H + ROW_GAP) + 40);
  const width = Math.max(640, columns.length * (NODE_W + 90) + 20);
  const x = scalePoint<number>().domain(columns.map(([c]) => c)).range([10, width - NODE_W - 10]).padding(0);
  const pos = new Map<string, NodeBox>();
  const byColumn = new Map<number, NodeBox[]>();
  for (const [col, ns] of columns) {
    const y = scaleBand<string>().domain(ns.map((n) => n.id)).range([20, 20 + ns.length * (NODE_H + ROW_GAP)]).paddingInner(ROW_GAP / (NODE_H + ROW_GAP));
    const offset = (height - ns.length * (NODE_H + ROW_GAP)) / 2 - 20;
    const boxes = ns.map((n) => ({ x: x(col) ?? 10, y: (y(n.id) ?? 0) + offset, node: n }));
    for (const b of boxes) pos.set(b.node.id, b);
    byColumn.set(col, boxes);
  }
  const paths = data.edges.flatMap((e): EdgePath[] => {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) return [];
    const ltr = b.x > a.x;
    const source: Pt = [ltr ? a.x + NODE_W : a.x, a.y + NODE_H / 2];
    const target: Pt = [ltr ? b.x : b.x + NODE_W, b.y + NODE_H / 2];
    // The columns strictly between the two ends, in the direction of travel.
    const between = columns
      .map(([c]) => c)
      .filter((c) => {
        const cx = x(c) ?? 0;
        return cx > Math.min(a.x, b.x) && cx < Math.max(a.x, b.x);
      })
      .sort((p, q) => (ltr ? p - q : q - p));
    let d = `M${r(source[0])},${r(source[1])}`;
    let at = source;
    let mid: Pt | null = null;
    for (const c of between) {
      const cx = x(c) ?? 0;
      const enter = ltr ? cx : cx + NODE_W;
      const leave = ltr ? cx + NODE_W : cx;
      // Where a straight line from source to target would cross the column's middle.
      const t = (cx + NODE_W / 2 - source[0]) / (target[0] - source[0]);
      const y = laneY(byColumn.get(c) ?? [], height, source[1] + t * (target[1] - source[1]));
      d += curve(at, [enter, y]) + `L${r(leave)},${r(y)}`;
      mid ??= [(at[0] + enter) / 2, (at[1] + y) / 2 - 4];
      at = [leave, y];
    }
    d += curve(at, target);
    mid ??= [(at[0] + target[0]) / 2, (at[1] + target[1]) / 2 - 4];
    return [{ e, d, mid }];
  });
  return { width, height, pos, paths };
}
