// The LIVEPATCH state diagram for one payload: (not loaded) → CHECKED ⇄ APPLIED → (unloaded), the
// actions on the edges, the action in flight animated along its edge by the timeline cursor, and a
// failure's rc and reason on the edge while the state stays. d3 computes the geometry (layout.ts);
// React renders it, so the picture is a pure function of the cursor.
import type { ActionProgress, NodeState } from "../model/derive.ts";
import { EDGES, NODE, NODES, VIEW, pointOn, rcText, type EdgeGeom } from "./layout.ts";

function edgeClass(e: EdgeGeom, action: ActionProgress | null): string {
  if (!action || action.action !== e.id) return "edge";
  if (action.phase === "failed") return "edge failed";
  if (action.phase === "ok") return "edge done";
  return "edge active";
}

/** Short edges: the rc goes on its own line under the action's name. */
const STACKED = new Set(["UPLOAD", "UNLOAD"]);

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function phaseWords(a: ActionProgress): string {
  switch (a.phase) {
    case "checking":
      return "checks";
    case "pending":
      return `rc ${rcText(a.rc ?? -11)}: scheduled`;
    case "rendezvous":
      return `rc ${rcText(a.rc ?? -11)}: CPUs gathering`;
    case "patching":
      return `rc ${rcText(a.rc ?? -11)}: patching`;
    case "ok":
      return `rc 0${a.by ? ` (by REPLACE ${a.by})` : ""}`;
    case "failed":
      return `rc ${rcText(a.rc ?? 0)}`;
  }
}

export function StateDiagram({ payload, state, action }: { payload: string; state: NodeState; action: ActionProgress | null }) {
  const active = action ? EDGES.find((e) => e.id === action.action) ?? null : null;
  const token = active && action ? pointOn(active, action.phase === "failed" ? Math.min(action.progress, 0.5) : action.progress) : null;
  return (
    <svg className="state-diagram" viewBox={`${VIEW.x} ${VIEW.y} ${VIEW.width} ${VIEW.height}`} role="group" aria-label={`LIVEPATCH states of ${payload}`}>
      <defs>
        <marker id="sd-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="sd-arrowhead" />
        </marker>
        <marker id="sd-arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="sd-arrowhead hot" />
        </marker>
        <marker id="sd-arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="sd-arrowhead bad" />
        </marker>
      </defs>
      {EDGES.map((e) => {
        const cls = edgeClass(e, action);
        const mine = action && action.action === e.id ? action : null;
        const marker = cls.includes("failed") ? "url(#sd-arrow-bad)" : cls === "edge" ? "url(#sd-arrow)" : "url(#sd-arrow-hot)";
        return (
          <g key={e.id} className={cls} data-edge={e.id}>
            <path d={e.d} className="sd-edge-line" markerEnd={marker} />
            <text x={e.label[0]} y={e.label[1]} className="sd-edge-label" textAnchor="middle">
              {e.id}
              {mine && !STACKED.has(e.id) && <tspan className="sd-edge-rc"> · {phaseWords(mine)}</tspan>}
            </text>
            {mine && STACKED.has(e.id) && (
              <text x={e.label[0]} y={e.label[1] + 26} className="sd-edge-label sd-edge-rc" textAnchor="middle">
                {phaseWords(mine)}
              </text>
            )}
            {mine?.phase === "failed" && mine.reason && (
              <text x={e.label[0]} y={e.label[1] + (STACKED.has(e.id) ? 40 : 15)} className="sd-edge-reason" textAnchor="middle">
                <title>{mine.reason}</title>
                {clip(mine.reason, 58)}
              </text>
            )}
          </g>
        );
      })}
      {token && action && (
        <g className={`sd-token ${action.phase}`} style={{ transform: `translate(${token[0]}px, ${token[1]}px)` }} aria-hidden="true">
          <circle r={action.phase === "failed" ? 9 : 7} />
          {action.phase === "failed" && <path d="M-4,-4 L4,4 M4,-4 L-4,4" className="sd-token-x" />}
        </g>
      )}
      <text x={VIEW.x + 10} y={VIEW.y + 18} className="sd-title">
        {payload}
      </text>
      {NODES.map((n) => {
        const current = n.id === state;
        return (
          <g
            key={n.id}
            className={`sd-node ${n.ghost ? "ghost" : ""} ${current ? "current" : ""} n-${n.id}`}
            role="img"
            aria-label={n.label}
            aria-current={current ? "true" : undefined}
            transform={`translate(${n.x - NODE.w / 2}, ${n.y - NODE.h / 2})`}
          >
            <rect width={NODE.w} height={NODE.h} rx={n.ghost ? 25 : 10} />
            <text x={NODE.w / 2} y={NODE.h / 2 + 5} textAnchor="middle">
              {n.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
