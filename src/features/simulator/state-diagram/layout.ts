// Geometry of the LIVEPATCH state diagram, computed with d3-path: node boxes, one quadratic edge
// per action, and the point a given fraction along an edge (where the action's token sits).
// Pure numbers and strings; React draws them.
import { path } from "d3";
import type { ActionName } from "../model/types.ts";
import type { NodeState } from "../model/derive.ts";

export const VIEW = { width: 700, height: 300 };
export const NODE = { w: 128, h: 50 };

export interface NodeGeom {
  id: NodeState;
  label: string;
  x: number;
  y: number;
  ghost: boolean;
}

export const NODES: NodeGeom[] = [
  { id: "none", label: "not loaded", x: 80, y: 150, ghost: true },
  { id: "CHECKED", label: "CHECKED", x: 320, y: 150, ghost: false },
  { id: "APPLIED", label: "APPLIED", x: 600, y: 150, ghost: false },
  { id: "unloaded", label: "unloaded", x: 320, y: 268, ghost: true },
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
  edge("UPLOAD", "none", "CHECKED", [80 + NODE.w / 2, 150], [200, 150], [320 - NODE.w / 2 - 4, 150], [200, 140]),
  edge("APPLY", "CHECKED", "APPLIED", [360, 150 - half], [460, 72], [556, 150 - half - 3], [460, 100]),
  edge("REPLACE", "CHECKED", "APPLIED", [300, 150 - half], [460, -6], [620, 150 - half - 3], [460, 56]),
  edge("REVERT", "APPLIED", "CHECKED", [570, 150 + half], [460, 236], [352, 150 + half + 3], [460, 206]),
  edge("UNLOAD", "CHECKED", "unloaded", [320, 150 + half], [320, 209], [320, 268 - half - 4], [270, 214]),
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
