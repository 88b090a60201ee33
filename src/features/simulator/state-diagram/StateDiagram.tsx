// The LIVEPATCH state diagram for one payload: (not loaded) → CHECKED ⇄ APPLIED → (unloaded), the
// actions on the edges, the action in flight animated along its edge by the timeline cursor, and a
// failure's rc on the edge with its reason in the caption area while the state stays. The drawing
// is laid out for the box it sits in (layout.ts, pixels), so it fills a panel or a projector
// screen with readable text; React renders it, so the picture is a pure function of the cursor.
import { useRef, type CSSProperties } from "react";
import { failureText, type ActionProgress, type NodeState } from "../../../simulator/derive.ts";
import { diagramLayout, HALO, PANEL_FIT, pointOn, rcText, TOKEN, wrapText, type EdgeGeom, type Fit } from "./layout.ts";
import { useElementSize } from "../../../components/useElementSize.ts";

function edgeClass(e: EdgeGeom, action: ActionProgress | null): string {
  if (!action || action.action !== e.id) return "edge";
  if (action.phase === "failed") return "edge failed";
  if (action.phase === "ok") return "edge done";
  return "edge active";
}

/** What goes on the edge itself: the rc, short enough to sit between two states (its <title> says which rc). */
function rcWords(a: ActionProgress): string {
  switch (a.phase) {
    case "checking":
      return "checks…";
    case "pending":
    case "rendezvous":
    case "patching":
      return `rc ${rcText(a.rc ?? -11)}`;
    case "ok":
      return "rc 0";
    case "failed":
      return a.rc === null ? "panic" : `rc ${rcText(a.rc)}`;
  }
}

/** What goes in the caption: the phase of an action under way, or why it failed. */
export function captionText(a: ActionProgress | null): string | null {
  if (!a) return null;
  switch (a.phase) {
    case "checking":
      return `${a.action}: checks running`;
    case "pending":
      return `${a.action}: scheduled`;
    case "rendezvous":
      return `${a.action}: CPUs gathering`;
    case "patching":
      return `${a.action}: patching`;
    case "ok":
      return a.by ? `${a.action} by REPLACE ${a.by}` : null;
    case "failed":
      return `${a.action}${a.rc === null ? ":" : ""} ${failureText(a)}`;
  }
}

/** The edge's rc in full: whether it is the hypercall's return or the payload's status rc. */
function rcTitle(a: ActionProgress): string {
  if (a.rc === null) return a.phase === "failed" ? failureText(a) : "the hypercall's checks are running";
  return a.rcKind === "hypercall" ? `hypercall return ${rcText(a.rc)}` : `status rc ${rcText(a.rc)}: what GET reports for the payload`;
}

const FALLBACK = { width: 600, height: 250 };

/** `fit`: how the drawing grows in a box larger than it needs (layout.ts; an embed fills its panel). `floorEm`: see below. */
export function StateDiagram({ payload, state, action, fit = PANEL_FIT, floorEm = 0 }: { payload: string; state: NodeState; action: ActionProgress | null; fit?: Fit; floorEm?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const size = useElementSize(box, FALLBACK);
  const caption = captionText(action);
  // `floorEm`: a slide's type floor as a share of the box's type (its CSS holds the caption there);
  // read again with each size change, as the slide's type follows its frame.
  const floorPx = floorEm > 0 && box.current ? floorEm * parseFloat(getComputedStyle(box.current).fontSize) : 0;
  const L = diagramLayout(size.width, size.height, caption?.length ?? 0, fit, floorPx);
  const { f } = L;
  const active = action ? (L.edges.find((e) => e.id === action.action) ?? null) : null;
  const token = active && action ? pointOn(active, action.phase === "failed" ? Math.min(action.progress, active.stop) : action.progress) : null;
  const captionLines = caption ? wrapText(caption, L.caption.chars, L.caption.maxLines) : [];
  const style = { "--sd-f": f.toFixed(3) } as CSSProperties;
  return (
    <div className="sd-box" ref={box}>
      <svg
        className="state-diagram"
        width={L.width}
        height={L.height}
        viewBox={`0 0 ${L.width} ${L.height}`}
        style={style}
        role="group"
        aria-label={`LIVEPATCH states of ${payload}`}
      >
        <defs>
          <marker id="sd-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="sd-arrowhead" />
          </marker>
          <marker id="sd-arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="sd-arrowhead hot" />
          </marker>
          <marker id="sd-arrow-ok" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="sd-arrowhead ok" />
          </marker>
          <marker id="sd-arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="sd-arrowhead bad" />
          </marker>
        </defs>
        <text x={L.title[0]} y={L.title[1]} className="sd-title">
          {payload}
        </text>
        {L.edges.map((e) => {
          const cls = edgeClass(e, action);
          const mine = action && action.action === e.id ? action : null;
          const marker = cls === "edge" ? "url(#sd-arrow)" : cls === "edge failed" ? "url(#sd-arrow-bad)" : cls === "edge done" ? "url(#sd-arrow-ok)" : "url(#sd-arrow-hot)";
          return (
            <g key={e.id} className={cls} data-edge={e.id}>
              <path d={e.d} className="sd-edge-line" markerEnd={marker} />
              <text x={e.label.x} y={e.label.y} className="sd-edge-label" textAnchor={e.label.anchor}>
                {e.id}
                {mine && e.rc.inline && (
                  <tspan className="sd-edge-rc">
                    {" · "}
                    {rcWords(mine)}
                    <title>{rcTitle(mine)}</title>
                  </tspan>
                )}
              </text>
              {mine && !e.rc.inline && (
                <text x={e.rc.x} y={e.rc.y} className="sd-edge-label sd-edge-rc" textAnchor={e.rc.anchor}>
                  {rcWords(mine)}
                  <title>{rcTitle(mine)}</title>
                </text>
              )}
              {mine && caption && (
                <text x={L.caption.x} y={L.caption.y} className={`sd-caption ${mine.phase === "failed" ? "sd-edge-reason" : ""}`}>
                  <title>{caption}</title>
                  {captionLines.map((line, i) => (
                    <tspan key={i} x={L.caption.x} dy={i === 0 ? 0 : L.caption.lineHeight}>
                      {line}
                    </tspan>
                  ))}
                </text>
              )}
            </g>
          );
        })}
        {token && action && (
          <g className={`sd-token ${action.phase}`} style={{ transform: `translate(${token[0]}px, ${token[1]}px)` }} aria-hidden="true">
            <circle r={(action.phase === "failed" ? TOKEN.failed : TOKEN.moving) * f} />
            {action.phase === "failed" && <path d={`M${-4 * f},${-4 * f} L${4 * f},${4 * f} M${4 * f},${-4 * f} L${-4 * f},${4 * f}`} className="sd-token-x" />}
          </g>
        )}
        {L.nodes.map((n) => {
          const current = n.id === state;
          const r = n.ghost ? L.node.h / 2 : 10 * f;
          // The halo's outer edge (its centre line plus half its 3·f stroke) is HALO·f out.
          const halo = (HALO - 1.5) * f;
          return (
            <g
              key={n.id}
              className={`sd-node ${n.ghost ? "ghost" : ""} ${current ? "current" : ""} n-${n.id}`}
              role="img"
              aria-label={n.label}
              aria-current={current ? "true" : undefined}
              transform={`translate(${n.x - L.node.w / 2}, ${n.y - L.node.h / 2})`}
            >
              {current && <rect className="sd-halo" x={-halo} y={-halo} width={L.node.w + 2 * halo} height={L.node.h + 2 * halo} rx={r + halo} />}
              <rect width={L.node.w} height={L.node.h} rx={r} />
              <text x={L.node.w / 2} y={L.node.h / 2} dy="0.35em" textAnchor="middle">
                {n.label}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
