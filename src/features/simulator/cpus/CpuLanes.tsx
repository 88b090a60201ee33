// CPUs at the rendezvous: one lane per simulated CPU on the virtual clock, through reaching the
// idle loop, the CPU phase, the IRQ phase, patching on the master and release, against the shared
// deadline. The time axis is piecewise (laneScale.ts) so the sub-microsecond phases show; d3's
// scale computes positions, React renders.
import { useRef } from "react";
import { laneScale } from "./laneScale.ts";
import { useElementSize } from "../../../components/useElementSize.ts";
import { STATUS_EAGAIN, type LaneSegmentKind, type RendezvousView } from "../../../simulator/rendezvous.ts";
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
 * which a narrow box, a 4:3 slide's column, would otherwise take it under).
 */
export function CpuLanes({ rv, hotCpus, natural = NATURAL_WIDTH, maxScale = 1.5, floorEm = 0 }: { rv: RendezvousView | null; hotCpus?: ReadonlySet<number>; natural?: number; maxScale?: number; floorEm?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const { width: px } = useElementSize(box, { width: NATURAL_WIDTH, height: 200 });
  // Read again with each size change (useElementSize renders anew): the slide's type follows its frame.
  const floorPx = floorEm > 0 && box.current ? floorEm * parseFloat(getComputedStyle(box.current).fontSize) : 0;
  return (
    <div className="cpu-lanes" ref={box}>
      {rv ? <Lanes rv={rv} px={px} hotCpus={hotCpus} natural={natural} maxScale={maxScale} floorPx={floorPx} /> : <p className="hint sim-empty">No action has run yet. Apply a payload and the CPUs gather here, lane by lane.</p>}
    </div>
  );
}

function Lanes({ rv, px, hotCpus, natural, maxScale, floorPx }: { rv: RendezvousView; px: number; hotCpus?: ReadonlySet<number>; natural: number; maxScale: number; floorPx: number }) {
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
  const height = TOP + rv.lanes.length * LANE_H + 22;
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
      <svg viewBox={`0 0 ${WIDTH} ${height}`} className="lanes-svg" role="img" aria-label={`CPU lanes: ${rv.lanes.map((l) => `CPU${l.cpu} ${l.status}`).join("; ")}`}>
        {scale.ticks.map((i) => (
          <g key={i} className="lane-tick">
            <line x1={scale.at(i)} x2={scale.at(i)} y1={TOP - 6} y2={height - 20} />
            <text x={scale.at(i)} y={height - 6} textAnchor={tickAnchor(scale.at(i), labels[i])}>
              {labels[i]}
            </text>
          </g>
        ))}
        {rv.lanes.map((l, i) => (
          <g key={l.cpu} transform={`translate(0, ${TOP + i * LANE_H})`} className={`lane ${l.missed ? "missed" : ""} ${rv.panic?.cpu === l.cpu ? "panicked" : ""} ${hotCpus?.has(l.cpu) ? "scn-hot" : ""}`}>
            <title>{`CPU${l.cpu}: ${l.status}`}</title>
            <text x={4} y={LANE_H / 2 + 4} className="lane-label">
              CPU{l.cpu}
              {l.master ? " ★" : ""}
            </text>
            {l.segments.map((s, j) => (
              <rect key={j} className={`seg seg-${s.kind}`} x={scale.at(s.fromAt)} y={3} width={Math.max(2, scale.at(s.toAt) - scale.at(s.fromAt))} height={LANE_H - 6} rx={3}>
                <title>{`CPU${l.cpu}: ${KIND_TEXT[s.kind]} from +${msText(s.from - rv.start)} to +${msText(s.to - rv.start)}`}</title>
              </rect>
            ))}
          </g>
        ))}
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
      </svg>
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
