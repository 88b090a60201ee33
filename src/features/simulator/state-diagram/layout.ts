// Geometry of the LIVEPATCH state diagram, computed with d3-path: node boxes, one quadratic edge
// per action, and the point a given fraction along an edge (where the action's token sits).
// Pure numbers and strings; React draws them.
import { path } from "d3";
import type { ActionName } from "../model/types.ts";
import type { NodeState } from "../model/derive.ts";

export const VIEW = { x: 0, y: 28, width: 600, height: 252 };
export const NODE = { w: 116, h: 46 };

export interface NodeGeom {
  id: NodeState;
  label: string;
  x: number;
  y: number;
  ghost: boolean;
}

const ROW = 130;
export const NODES: NodeGeom[] = [
  { id: "none", label: "not loaded", x: 68, y: ROW, ghost: true },
  { id: "CHECKED", label: "CHECKED", x: 265, y: ROW, ghost: false },
  { id: "APPLIED", label: "APPLIED", x: 500, y: ROW, ghost: false },
  { id: "unloaded", label: "unloaded", x: 110, y: 232, ghost: true },
];

export interface EdgeGeom {
  id: ActionName;
  from: NodeState;
  to: NodeState;
  p0: [number, number];
  c: [number, number];
  p1: [number, number];
  /** Where the edge's label sits. */
  label: [number, number];
  d: string;
}

function edge(id: ActionName, from: NodeState, to: NodeState, p0: [number, number], c: [number, number], p1: [number, number], label: [number, number]): EdgeGeom {
  const p = path();
  p.moveTo(p0[0], p0[1]);
  p.quadraticCurveTo(c[0], c[1], p1[0], p1[1]);
  return { id, from, to, p0, c, p1, label, d: p.toString() };
}

const half = NODE.h / 2;
export const EDGES: EdgeGeom[] = [
  edge("UPLOAD", "none", "CHECKED", [68 + NODE.w / 2, ROW], [167, ROW], [265 - NODE.w / 2 - 3, ROW], [167, ROW - 9]),
  edge("APPLY", "CHECKED", "APPLIED", [300, ROW - half], [382, 58], [462, ROW - half - 3], [382, 75]),
  edge("REPLACE", "CHECKED", "APPLIED", [245, ROW - half], [385, -12], [522, ROW - half - 3], [385, 41]),
  edge("REVERT", "APPLIED", "CHECKED", [470, ROW + half], [385, 207], [300, ROW + half + 3], [385, 197]),
  edge("UNLOAD", "CHECKED", "unloaded", [240, ROW + half], [225, 226], [110 + NODE.w / 2 + 4, 232], [222, 186]),
];

/** The point `t` (0..1) along an edge. */
export function pointOn(e: EdgeGeom, t: number): [number, number] {
  const u = 1 - t;
  return [u * u * e.p0[0] + 2 * u * t * e.c[0] + t * t * e.p1[0], u * u * e.p0[1] + 2 * u * t * e.c[1] + t * t * e.p1[1]];
}

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM", 2: "ENOENT", 7: "E2BIG", 11: "EAGAIN", 12: "ENOMEM", 14: "EFAULT", 16: "EBUSY", 17: "EEXIST",
  22: "EINVAL", 28: "ENOSPC", 34: "ERANGE", 38: "ENOSYS", 61: "ENODATA", 75: "EOVERFLOW", 95: "EOPNOTSUPP", 105: "ENOBUFS",
};

/** −EBUSY (16), or the plain number for an rc that is not an errno (a hook's −1). */
export function rcText(rc: number): string {
  if (rc === 0) return "0";
  const name = ERRNO_NAMES[-rc];
  return name ? `−${name} (${-rc})` : `${rc}`.replace("-", "−");
}
