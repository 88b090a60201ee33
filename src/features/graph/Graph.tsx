// The map: build-id dependency chain across loaded files, and which payload patches which
// hypervisor function. d3 computes scales and link paths; React renders the SVG.
import { useMemo } from "react";
import { groups, linkHorizontal, max, scaleBand, scalePoint } from "d3";
import { fileLinks } from "../../state/links.ts";
import { selectFiles } from "../../state/selectors.ts";
import { useLens } from "../../state/store.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { buildGraph, type GraphNode } from "./buildGraph.ts";

const NODE_W = 210;
const NODE_H = 40;
const ROW_GAP = 12;

export function Graph({ file }: ViewProps) {
  const files = useLens(selectFiles);
  const selectFile = useLens((s) => s.ui.selectFile);
  const data = useMemo(() => buildGraph(files, fileLinks(files)), [files]);

  const layout = useMemo(() => {
    const columns = groups(data.nodes, (n) => n.column).sort((a, b) => a[0] - b[0]);
    const maxRows = max(columns, ([, ns]) => ns.length) ?? 1;
    const height = Math.max(160, maxRows * (NODE_H + ROW_GAP) + 40);
    const width = Math.max(640, columns.length * (NODE_W + 90) + 20);
    const x = scalePoint<number>().domain(columns.map(([c]) => c)).range([10, width - NODE_W - 10]).padding(0);
    const pos = new Map<string, { x: number; y: number; node: GraphNode }>();
    for (const [col, ns] of columns) {
      const y = scaleBand<string>().domain(ns.map((n) => n.id)).range([20, 20 + ns.length * (NODE_H + ROW_GAP)]).paddingInner(ROW_GAP / (NODE_H + ROW_GAP));
      const offset = (height - ns.length * (NODE_H + ROW_GAP)) / 2 - 20;
      for (const n of ns) pos.set(n.id, { x: x(col) ?? 10, y: (y(n.id) ?? 0) + offset, node: n });
    }
    const link = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();
    const paths = data.edges.flatMap((e) => {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (!a || !b) return [];
      const leftToRight = b.x > a.x;
      const source: [number, number] = [leftToRight ? a.x + NODE_W : a.x, a.y + NODE_H / 2];
      const target: [number, number] = [leftToRight ? b.x : b.x + NODE_W, b.y + NODE_H / 2];
      return [{ e, d: link({ source, target }) ?? "", mid: [(source[0] + target[0]) / 2, (source[1] + target[1]) / 2 - 4] as const }];
    });
    return { width, height, pos, paths };
  }, [data]);

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
