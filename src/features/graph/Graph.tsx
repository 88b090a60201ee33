// The map: build-id dependency chain across loaded files, and which payload patches which
// hypervisor function. layout.ts places the nodes (d3 scales) and routes the edges; React renders the SVG.
import { useMemo } from "react";
import { fileLinks } from "../../state/links.ts";
import { selectFiles } from "../../state/selectors.ts";
import { useLens } from "../../state/store.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { buildGraph } from "./buildGraph.ts";
import { layoutGraph, NODE_H, NODE_W } from "./layout.ts";

export function Graph({ file }: ViewProps) {
  const files = useLens(selectFiles);
  const selectFile = useLens((s) => s.ui.selectFile);
  const data = useMemo(() => buildGraph(files, fileLinks(files)), [files]);

  const layout = useMemo(() => layoutGraph(data), [data]);

  if (data.nodes.length === 0) return <p className="view">Load payloads and a hypervisor image to see how they relate.</p>;
  const contested = data.nodes.filter((n) => n.patchedBy > 1);
  return (
    <div className="view graph">
      <p className="view-note">
        Images on the left, payloads by stacking order, the hypervisor functions they patch on the right.
        {contested.length > 0 && (
          <span className="bad">
            {" "}
            {contested.length} function{contested.length === 1 ? " is" : "s are"} patched by more than one loaded payload: {contested.map((n) => (n.host ? `${n.label} in ${n.host}` : n.label)).join(", ")}.
          </span>
        )}
        {data.hiddenFunctions > 0 && <span className="muted"> ({data.hiddenFunctions} more functions not drawn.)</span>}
      </p>
      <ul className="legend" aria-label="Legend">
        <li className="xen_depends">xen_depends matches the image</li>
        <li className="mismatch">xen_depends matches no loaded image</li>
        <li className="depends">depends (stacks on)</li>
        <li className="patches">patches a hypervisor function</li>
      </ul>
      <svg className="graph-svg" viewBox={`0 0 ${layout.width} ${layout.height}`} style={{ maxWidth: layout.width }} role="img" aria-label="Dependency and patch map">
        <defs>
          <marker id="g-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="g-arrowhead" />
          </marker>
        </defs>
        {layout.paths.map(({ e, d, mid }, i) => (
          <g key={i} className={`g-edge ${e.kind}`}>
            <path d={d} markerEnd="url(#g-arrow)" />
            {e.label && e.kind !== "xen_depends" && e.kind !== "patches" && (
              <text x={mid[0]} y={mid[1]} textAnchor="middle">
                {e.label}
              </text>
            )}
          </g>
        ))}
        {[...layout.pos.values()].map(({ x, y, node }) => (
          <g
            key={node.id}
            className={`g-node ${node.kind} ${node.patchedBy > 1 ? "contested" : ""} ${node.id === file.id ? "current" : ""}`}
            transform={`translate(${x},${y})`}
            onClick={() => node.kind !== "function" && selectFile(node.id)}
          >
            <title>{`${node.label}\n${node.detail}`}</title>
            <rect width={NODE_W} height={NODE_H} rx={6} />
            <text x={10} y={17} className="g-label">
              {node.label.length > 28 ? `${node.label.slice(0, 27)}…` : node.label}
            </text>
            <text x={10} y={32} className="g-sub">
              {node.kind === "function" ? node.sub : `${node.kind} · ${node.sub}`}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
