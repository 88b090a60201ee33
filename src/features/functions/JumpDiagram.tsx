// The patch drawn: the old function in the hypervisor, the new one in the payload, and the jump
// Xen writes from one to the other (or the NOPs that blank the old code). Drawn at the width of
// its box, one user unit per CSS pixel, so its text is the page's size (Larger text too) rather
// than shrunk with a fixed drawing; only a box narrower than MIN_WIDTH scales it down.
import { useId, useRef } from "react";
import { useElementSize } from "../../components/useElementSize.ts";
import { hex } from "../format.ts";

const MIN_WIDTH = 260;
const MAX_WIDTH = 760;
/** Room between the boxes for the jump's arc and its arrowhead. */
const ARC_ROOM = 70;
/** A box fits a 64-bit address, its size and the margins at the text sizes in styles.css. */
const BOX_MIN = 200;
const BOX_MAX = 230;
const BOX_H = 64;

export interface JumpDiagramProps {
  oldName: string;
  oldAddr: bigint | null;
  oldSize: number;
  newName: string | null;
  newAddr: bigint | null;
  newSize: number;
  /**
   * patchKind(): a jump to the new function, NOPs, or not known (new_addr unresolved); `trap` when
   * the simulated Xen writes a trap in place of the jump it cannot encode (AArch64 BRK #2).
   */
  kind: "jump" | "nop" | "unknown" | "trap";
  /** Where the old and the new function live, under their boxes (oldCodeWhere(), newCodeWhere()). */
  oldWhere: string;
  newWhere: string;
  patchLabel: string;
  /** Said where the old address would be when there is none (placing, not placed). */
  noAddr: string;
}

export function JumpDiagram(p: JumpDiagramProps) {
  const holder = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(holder, { width: 640, height: 0 });
  const W = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width));
  const clip = `jd${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  // An unresolved new_addr is drawn like a jump to a box that says so, the arc dashed: it is not
  // known to be a jump (nor NOPs).
  const jump = p.kind !== "nop";
  // Side by side when both boxes and the arc fit, else one above the other (a narrow card, or
  // Larger text): the text keeps its size either way.
  const across = W >= 2 * BOX_MIN + ARC_ROOM + 20;
  const boxW = across ? Math.min(BOX_MAX, (W - 20 - ARC_ROOM) / 2) : Math.min(W - 20, BOX_MAX + 60);
  const oldAt = { x: 10, y: across ? 28 : 20 };
  const newAt = across ? { x: W - 10 - boxW, y: 28 } : { x: 10, y: 144 };
  const H = across ? 122 : jump ? 236 : 130;
  // A name longer than its box is clipped at the box's edge; the whole name is in the tooltip.
  const box = (at: { x: number; y: number }, title: string, sub: string, cls: string) => (
    <g className={`jd-box ${cls}`} transform={`translate(${at.x},${at.y})`}>
      <title>{`${title}\n${sub}`}</title>
      <clipPath id={`${clip}-${cls}`}>
        <rect width={boxW - 8} height={BOX_H} />
      </clipPath>
      <rect width={boxW} height={BOX_H} rx={6} />
      <g clipPath={`url(#${clip}-${cls})`}>
        <text x={12} y={24} className="jd-title">
          {title}
        </text>
        <text x={12} y={46} className="jd-mono">
          {sub}
        </text>
      </g>
    </g>
  );
  const note = (at: { x: number; y: number }, text: string) => (
    <text x={at.x + 10} y={across ? at.y + BOX_H + 18 : at.y - 6} className="jd-note">
      {text}
    </text>
  );
  return (
    <div ref={holder} className="jump-diagram-box">
      <svg className="jump-diagram" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={
          p.kind === "jump"
            ? `${p.oldName} jumps to ${p.newName}`
            : p.kind === "nop"
              ? `${p.oldName} is NOPed out`
              : p.kind === "trap"
                ? `${p.oldName}: Xen writes BRK #2, not a jump to ${p.newName}`
                : `${p.oldName}: new_addr is ${p.newName}, so what Xen writes is not known`
        }
      >
        <defs>
          <marker id={`${clip}-arrow`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="jd-arrowhead" />
          </marker>
        </defs>
        {box(oldAt, `old: ${p.oldName}`, `${p.oldAddr !== null ? hex(p.oldAddr) : p.noAddr} · ${p.oldSize} B`, "old")}
        {note(oldAt, p.oldWhere)}
        {jump ? (
          <>
            {box(newAt, `new: ${p.newName ?? "?"}`, `${p.newAddr !== null ? hex(p.newAddr) : "?"} · ${p.newSize} B`, "new")}
            {note(newAt, p.newWhere)}
            <path
              d={across ? `M${10 + boxW},54 C${W / 2 - 30},8 ${W / 2 + 30},8 ${newAt.x - 2},54` : `M40,${oldAt.y + BOX_H} L40,${newAt.y - 24}`}
              className={p.kind === "unknown" ? "jd-jump unknown" : p.kind === "trap" ? "jd-jump unknown trap" : "jd-jump"}
              markerEnd={`url(#${clip}-arrow)`}
            />
            <text x={across ? W / 2 : 56} y={across ? 18 : oldAt.y + BOX_H + 28} textAnchor={across ? "middle" : "start"} className="jd-label">
              {p.patchLabel}
            </text>
          </>
        ) : (
          <text x={across ? boxW + 30 : 20} y={across ? 64 : oldAt.y + BOX_H + 28} className="jd-label">
            {p.patchLabel}
          </text>
        )}
      </svg>
    </div>
  );
}
