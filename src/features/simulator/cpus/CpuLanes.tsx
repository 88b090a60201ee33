// CPUs at the rendezvous: one lane per simulated CPU on the virtual clock, through reaching the
// idle loop, the CPU phase, the IRQ phase, patching on the master and release, against the shared
// deadline. The time axis is piecewise (laneScale.ts) so the sub-microsecond phases show; d3's
// scale computes positions, React renders.
import { useRef, type ReactElement } from "react";
import { laneScale } from "./laneScale.ts";
import { laneRows, spacedTicks } from "./laneRows.ts";
import { useElementSize } from "../../../components/useElementSize.ts";
import { STATUS_EAGAIN, type Lane, type LaneSegmentKind, type RendezvousView } from "../../../simulator/rendezvous.ts";
import { rcText } from "../state-diagram/layout.ts";

const KIND_TEXT: Record<LaneSegmentKind, string> = {
  reaching: "reaching idle",
  cpu: "CPU phase",
  irq: "IRQ phase (IRQs off)",
  patching: "patching (master)",
  released: "released",
  stalled: "stalled",
};

export function msText(ns: number): string {
  const ms = ns / 1e6;
  if (ns % 10_000 !== 0 && ms < 100) return `${ms.toFixed(4)} ms`;
  return `${ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3)} ms`;
}

const LANE_H = 22;
const LEFT = 92;
const TOP = 22;
/** Width in drawing units at which text is drawn at its CSS size; wider boxes scale it up. */
const NATURAL_WIDTH = 620;
/** Advance of the tick labels' monospace digits (10.5 px) in drawing units, and the air between. */
const TICK_CHAR = 6.5;
/** The tick labels' size (simulator.css .lane-tick text), the drawing's smallest text. */
const TICK_PX = 10.5;
const TICK_AIR = 14;

/**
 * `natural`: the box width at which text is drawn at its CSS size (a slide asks for a smaller one,
 * so its text is larger); `maxScale`: how far text may grow with a wide box; `floorEm`: the
 * smallest the drawing's text may be drawn, as a share of the box's font size (a slide's floor,
 * which a narrow box, a 4:3 slide's column, would otherwise take it under); `fitHeight`: the box
 * has a fixed height (a slide's card): the drawing gets the height left under the caption and
 * above the legend and draws as many rows as fit there at its type's size (CPUs past that share
 * rows, laneRows.ts), never smaller type. Without it (the page's panel, an embed) the drawing is
 * as tall as its lanes, one per CPU, and nothing but the box's width is measured.
 */
export function CpuLanes({ rv, hotCpus, natural = NATURAL_WIDTH, maxScale = 1.5, floorEm = 0, fitHeight = false }: { rv: RendezvousView | null; hotCpus?: ReadonlySet<number>; natural?: number; maxScale?: number; floorEm?: number; fitHeight?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const { width: px } = useElementSize(box, { width: NATURAL_WIDTH, height: 200 });
  // Read again with each size change (useElementSize renders anew): the slide's type follows its frame.
  const floorPx = floorEm > 0 && box.current ? floorEm * parseFloat(getComputedStyle(box.current).fontSize) : 0;
  return (
    <div className="cpu-lanes" ref={box}>
      {rv ? <Lanes key={fitHeight ? "fit" : "free"} rv={rv} px={px} hotCpus={hotCpus} natural={natural} maxScale={maxScale} floorPx={floorPx} fitHeight={fitHeight} /> : <p className="hint sim-empty">No action has run yet. Apply a payload and the CPUs gather here, lane by lane.</p>}
    </div>
  );
}

/** Who keeps a row of their own when the lanes share rows (lower first). */
function rankOf(rv: RendezvousView, hotCpus: ReadonlySet<number> | undefined) {
  return (l: Lane): number | null => (rv.panic?.cpu === l.cpu ? 0 : l.master ? 1 : l.missed ? 2 : hotCpus?.has(l.cpu) ? 3 : null);
}

function Lanes({ rv, px, hotCpus, natural, maxScale, floorPx, fitHeight }: { rv: RendezvousView; px: number; hotCpus?: ReadonlySet<number>; natural: number; maxScale: number; floorPx: number; fitHeight: boolean }) {
  // In a box of fixed height the drawing's area (.lanes-area, given the height left by
  // presenter.css) is measured: as many rows as fit there at the type's size. Elsewhere there is no
  // such area (the ref stays empty, so nothing is observed) and the drawing is as tall as its lanes.
  const area = useRef<HTMLDivElement>(null);
  const { height: areaPx } = useElementSize(area, { width: NATURAL_WIDTH, height: 0 });
  const fitPx = fitHeight ? areaPx : null;
  // The drawing is as wide as its box in units that keep text at its CSS size (never smaller than
  // smaller), its smallest text (the 10.5 px ticks) at floorPx at least; the tick labels are spaced
  // by their own width, so they cannot overlap.
  const k = Math.max(Math.min(maxScale, Math.max(1, px / natural)), floorPx / TICK_PX);
  // At least 360 units wide (the CPU names and a few ticks), unless that would take the text under
  // its floor: then as wide as the floor allows.
  const WIDTH = floorPx > 0 ? px / k : Math.max(360, px / k);
  const timedOut = rv.lanes.some((l) => l.missed);
  const labels = rv.moments.map((t) => `+${msText(t - rv.start)}`);
  const widest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  const scale = laneScale(rv.moments, LEFT, WIDTH - 14, { minGap: widest * TICK_CHAR + TICK_AIR });
  // Drawn at px / WIDTH per unit: in a box of fixed height, the rows that fit at that scale.
  const maxRows = fitPx !== null && fitPx > 0 ? Math.floor((fitPx / (px / WIDTH) - TOP - 22) / LANE_H) : Infinity;
  const rows = laneRows(rv.lanes, maxRows, rankOf(rv, hotCpus));
  const height = TOP + rows.length * LANE_H + 22;
  // Events at one instant are drawn one after another; the deadline line stands after the last
  // event at (or before) the deadline, so what happened at the deadline is on its left.
  const reached = rv.deadline !== null && rv.moments.some((t) => t >= rv.deadline!);
  let deadlineAt = -1;
  if (reached) for (let i = 0; i < rv.moments.length && rv.moments[i] <= rv.deadline!; i++) deadlineAt = i;
  if (reached && deadlineAt < 0) deadlineAt = 0;
  const deadlineIn = deadlineAt >= 0;
  const tickAnchor = (x: number, label: string): "start" | "middle" | "end" => {
    const half = (label.length * TICK_CHAR) / 2;
    return x + half > WIDTH - 2 ? "end" : x - half < LEFT - 30 ? "start" : "middle";
  };
  // Spaced as they are drawn: a right-aligned last label reaches further left than a centred one.
  const ticks = spacedTicks(
    scale.ticks,
    scale.at,
    (i) => labels[i].length * TICK_CHAR,
    (i) => tickAnchor(scale.at(i), labels[i]),
    TICK_AIR,
  );
  const wrapArea = (drawing: ReactElement) =>
    fitHeight ? (
      <div className="lanes-area" ref={area}>
        {drawing}
      </div>
    ) : (
      drawing
    );
  return (
    <>
      <p className="sim-caption">
        <b>{rv.action}</b> of <code>{rv.payload}</code>: {rv.lanes.length} CPU{rv.lanes.length === 1 ? "" : "s"}, deadline{" "}
        {rv.timeoutNs ? `+${msText(rv.timeoutNs)}` : "—"}
        {rv.panic ? (
          <span className="bad">
            {" "}
            → {rv.status.rc !== STATUS_EAGAIN && `status rc ${rcText(rv.status.rc)} at +${msText(rv.status.at - rv.start)}, then `}panic
            {rv.panic.cpu >= 0 && ` on CPU${rv.panic.cpu}`} at +{msText(rv.panic.at - rv.start)}: {rv.panic.reason}
          </span>
        ) : rv.outcome ? (
          <span className={rv.outcome.rc === 0 ? "ok" : "bad"}>
            {" "}
            → status rc {rcText(rv.outcome.rc)} at +{msText(rv.status.at - rv.start)}
            {timedOut && " (a CPU stalled)"}
          </span>
        ) : rv.status.rc === STATUS_EAGAIN ? (
          <span className="warn">
            {" "}
            → status rc {rcText(rv.status.rc)} (in progress, +{msText(rv.now - rv.start)})
          </span>
        ) : (
          <span className={rv.status.rc === 0 ? "ok" : "bad"}>
            {" "}
            → status rc {rcText(rv.status.rc)} at +{msText(rv.status.at - rv.start)} (releasing the CPUs)
          </span>
        )}
      </p>
      {wrapArea(
        <svg viewBox={`0 0 ${WIDTH} ${height}`} className="lanes-svg" role="img" aria-label={`CPU lanes: ${rv.lanes.map((l) => `CPU${l.cpu} ${l.status}`).join("; ")}`}>
          {ticks.map((i) => (
            <g key={i} className="lane-tick">
              <line x1={scale.at(i)} x2={scale.at(i)} y1={TOP - 6} y2={height - 20} />
              <text x={scale.at(i)} y={height - 6} textAnchor={tickAnchor(scale.at(i), labels[i])}>
                {labels[i]}
              </text>
            </g>
          ))}
          {rows.map((row, i) => {
            const one = row.lanes.length === 1 ? row.lanes[0] : null;
            const strip = (LANE_H - 6) / row.lanes.length;
            const missed = row.lanes.some((l) => l.missed);
            const panicked = row.lanes.some((l) => rv.panic?.cpu === l.cpu);
            const hot = row.lanes.some((l) => hotCpus?.has(l.cpu));
            return (
              <g key={row.lanes[0].cpu} transform={`translate(0, ${TOP + i * LANE_H})`} className={`lane ${missed ? "missed" : ""} ${panicked ? "panicked" : ""} ${hot ? "scn-hot" : ""} ${one ? "" : "lane-group"}`}>
                <title>{row.lanes.map((l) => `CPU${l.cpu}: ${l.status}`).join("\n")}</title>
                <text x={4} y={LANE_H / 2 + 4} className="lane-label">
                  {row.label}
                  {one?.master ? " ★" : ""}
                </text>
                {row.lanes.map((l, j) =>
                  l.segments.map((s, k) => (
                    <rect
                      key={`${j}.${k}`}
                      className={`seg seg-${s.kind}`}
                      x={scale.at(s.fromAt)}
                      y={one ? 3 : 3 + j * strip}
                      width={Math.max(2, scale.at(s.toAt) - scale.at(s.fromAt))}
                      height={one ? LANE_H - 6 : strip}
                      rx={one ? 3 : 0}
                    >
                      <title>{`CPU${l.cpu}: ${KIND_TEXT[s.kind]} from +${msText(s.from - rv.start)} to +${msText(s.to - rv.start)}`}</title>
                    </rect>
                  )),
                )}
              </g>
            );
          })}
          {deadlineIn ? (
            <g className="deadline">
              <line x1={scale.at(deadlineAt)} x2={scale.at(deadlineAt)} y1={TOP - 14} y2={height - 20} />
              <text x={scale.at(deadlineAt) - 4} y={TOP - 10} textAnchor="end">
                deadline
              </text>
            </g>
          ) : (
            rv.deadline !== null && (
              <text x={WIDTH - 10} y={TOP - 10} textAnchor="end" className="deadline-off">
                deadline at +{msText(rv.deadline - rv.start)} →
              </text>
            )
          )}
          <line className={rv.panic ? "now-line panic" : "now-line"} x1={scale.at(rv.moments.length - 1)} x2={scale.at(rv.moments.length - 1)} y1={TOP - 4} y2={height - 20} />
        </svg>,
      )}
      <ul className="lane-legend" aria-label="Legend">
        {(Object.keys(KIND_TEXT) as LaneSegmentKind[]).map((k) => (
          <li key={k}>
            <span className={`swatch seg-${k}`} />
            {KIND_TEXT[k]}
          </li>
        ))}
        <li>★ master</li>
      </ul>
    </>
  );
}
