// CPUs at the rendezvous: one lane per simulated CPU on the virtual clock, through reaching the
// idle loop, the CPU phase, the IRQ phase, patching on the master and release, against the shared
// deadline. The time axis is piecewise (laneScale.ts) so the sub-microsecond phases show; d3's
// scale computes positions, React renders.
import { laneScale } from "./laneScale.ts";
import type { LaneSegmentKind, RendezvousView } from "../model/rendezvous.ts";
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
const WIDTH = 640;
const TOP = 22;

export function CpuLanes({ rv }: { rv: RendezvousView | null }) {
  if (!rv) {
    return <p className="hint sim-empty">No action has run yet. Apply a payload and the CPUs gather here, lane by lane.</p>;
  }
  const timedOut = rv.lanes.some((l) => l.missed);
  const scale = laneScale(rv.moments, LEFT, WIDTH - 14);
  const height = TOP + rv.lanes.length * LANE_H + 22;
  const deadlineAt = rv.deadline === null ? -1 : rv.moments.findIndex((t) => t >= rv.deadline!);
  const deadlineIn = deadlineAt >= 0;
  return (
    <div className="cpu-lanes">
      <p className="sim-caption">
        <b>{rv.action}</b> of <code>{rv.payload}</code>: {rv.lanes.length} CPU{rv.lanes.length === 1 ? "" : "s"}, deadline{" "}
        {rv.timeoutNs ? `+${msText(rv.timeoutNs)}` : "—"}
        {rv.outcome ? (
          <span className={rv.outcome.rc === 0 ? "ok" : "bad"}>
            {" "}
            → rc {rcText(rv.outcome.rc)} at +{msText(rv.now - rv.start)}
            {timedOut && " (a CPU stalled)"}
          </span>
        ) : (
          <span className="warn"> → rc −EAGAIN (in progress, +{msText(rv.now - rv.start)})</span>
        )}
      </p>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} className="lanes-svg" role="img" aria-label={`CPU lanes: ${rv.lanes.map((l) => `CPU${l.cpu} ${l.status}`).join("; ")}`}>
        {scale.ticks.map((i) => (
          <g key={i} className="lane-tick">
            <line x1={scale.at(i)} x2={scale.at(i)} y1={TOP - 6} y2={height - 20} />
            <text x={scale.at(i)} y={height - 6} textAnchor="middle">
              +{msText(rv.moments[i] - rv.start)}
            </text>
          </g>
        ))}
        {rv.lanes.map((l, i) => (
          <g key={l.cpu} transform={`translate(0, ${TOP + i * LANE_H})`} className={`lane ${l.missed ? "missed" : ""}`}>
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
        <line className="now-line" x1={scale.at(rv.moments.length - 1)} x2={scale.at(rv.moments.length - 1)} y1={TOP - 4} y2={height - 20} />
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
    </div>
  );
}
