// The patch drawn: the old function in the hypervisor, the new one in the payload, and the jump
// Xen writes from one to the other (or the NOPs that blank the old code).
import { hex } from "../format.ts";

export interface JumpDiagramProps {
  oldName: string;
  oldAddr: bigint | null;
  oldSize: number;
  newName: string | null;
  newAddr: bigint | null;
  newSize: number;
  kind: "trampoline" | "nop";
  patchLabel: string;
}

export function JumpDiagram(p: JumpDiagramProps) {
  const W = 640;
  const H = 122;
  const box = (x: number, title: string, sub: string, cls: string) => (
    <g className={`jd-box ${cls}`} transform={`translate(${x},28)`}>
      <rect width={230} height={64} rx={6} />
      <text x={12} y={24} className="jd-title">
        {title}
      </text>
      <text x={12} y={46} className="jd-mono">
        {sub}
      </text>
    </g>
  );
  return (
    <svg className="jump-diagram" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${p.oldName} ${p.kind === "nop" ? "is NOPed out" : `jumps to ${p.newName}`}`}>
      <defs>
        <marker id="jd-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="jd-arrowhead" />
        </marker>
      </defs>
      {box(10, `old: ${p.oldName}`, `${p.oldAddr !== null ? hex(p.oldAddr) : "address unknown"} · ${p.oldSize} B`, "old")}
      <text x={20} y={110} className="jd-note">
        hypervisor text
      </text>
      {p.kind === "trampoline" ? (
        <>
          {box(W - 240, `new: ${p.newName ?? "?"}`, `${p.newAddr !== null ? hex(p.newAddr) : "?"} · ${p.newSize} B`, "new")}
          <text x={W - 230} y={110} className="jd-note">
            payload text
          </text>
          <path d={`M240,54 C${W / 2 - 40},8 ${W / 2 + 40},8 ${W - 242},54`} className="jd-jump" markerEnd="url(#jd-arrow)" />
          <text x={W / 2} y={18} textAnchor="middle" className="jd-label">
            {p.patchLabel}
          </text>
        </>
      ) : (
        <text x={260} y={64} className="jd-label">
          {p.patchLabel}
        </text>
      )}
    </svg>
  );
}
