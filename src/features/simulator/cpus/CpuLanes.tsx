// CPUs at the rendezvous: one lane per simulated CPU on the virtual clock, through reaching the
// idle loop, the CPU phase, the IRQ phase, patching on the master and release, against the shared
// deadline. One time axis (laneScale.ts) places everything: an instant has one x, for the ticks,
// the bars and the deadline alike; the stretches it squeezes are drawn as cuts through the bars.
// A phase the simulator spends no time in (the master's patching, an IRQ phase entered at the
// very end) is a narrow mark on its instant. React renders.
import { useRef, type ReactElement } from "react";
import { laneScale } from "./laneScale.ts";

import { laneRows, spacedTicks } from "./laneRows.ts";
import { useElementSize } from "../../../components/useElementSize.ts";
import { STATUS_EAGAIN, type Lane, type LaneSegment, type LaneSegmentKind, type RendezvousView } from "../../../simulator/rendezvous.ts";
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
  const label = (t: number) => `+${msText(t - rv.start)}`;
  const widest = rv.moments.reduce((m, t) => Math.max(m, label(t).length), 0);
  const scale = laneScale(rv.moments, LEFT, WIDTH - 14, { minGap: widest * TICK_CHAR + TICK_AIR });
  // Drawn at px / WIDTH per unit: in a box of fixed height, the rows that fit at that scale.
  const maxRows = fitPx !== null && fitPx > 0 ? Math.floor((fitPx / (px / WIDTH) - TOP - 22) / LANE_H) : Infinity;
  const rows = laneRows(rv.lanes, maxRows, rankOf(rv, hotCpus));
  const height = TOP + rows.length * LANE_H + 22;
  // The deadline is drawn once the clock has reached it, at its own time's x.
  const deadlineIn = rv.deadline !== null && rv.now >= rv.deadline;
  const tickAnchor = (x: number, label: string): "start" | "middle" | "end" => {
    const half = (label.length * TICK_CHAR) / 2;
    return x + half > WIDTH - 2 ? "end" : x - half < LEFT - 30 ? "start" : "middle";
  };
  // Spaced as they are drawn: a right-aligned last label reaches further left than a centred one.
  const tickAt = (i: number) => scale.x(scale.ticks[i]);
  const ticks = spacedTicks(
    scale.ticks.map((_, i) => i),
    tickAt,
    (i) => label(scale.ticks[i]).length * TICK_CHAR,
    (i) => tickAnchor(tickAt(i), label(scale.ticks[i])),
    TICK_AIR,
  ).map((i) => scale.ticks[i]);
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
          {ticks.map((t) => (
            <g key={t} className="lane-tick">
              <line x1={scale.x(t)} x2={scale.x(t)} y1={TOP - 6} y2={height - 20} />
              <text x={scale.x(t)} y={height - 6} textAnchor={tickAnchor(scale.x(t), label(t))}>
                {label(t)}
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
                {row.lanes.map((l, j) => (
                  <LaneBars key={l.cpu} lane={l} x={scale.x} y={one ? 3 : 3 + j * strip} h={one ? LANE_H - 6 : strip} rounded={one !== null} start={rv.start} />
                ))}
                {scale.breaks.map((b) => (
                  <Cut key={b.from} x={(b.x0 + b.x1) / 2} y0={1} y1={LANE_H - 1} />
                ))}
              </g>
            );
          })}
          {scale.breaks.map((b) => (
            <g key={b.from} className="lane-break">
              <title>{`The axis is broken here: the ${msText(b.to - b.from)} from ${label(b.from)} to ${label(b.to)} are not drawn to scale`}</title>
              <Cut x={(b.x0 + b.x1) / 2} y0={height - 24} y1={height - 18} />
            </g>
          ))}
          {deadlineIn ? (
            <g className="deadline">
              <line x1={scale.x(rv.deadline!)} x2={scale.x(rv.deadline!)} y1={TOP - 14} y2={height - 20} />
              <text x={scale.x(rv.deadline!) - 4} y={TOP - 10} textAnchor="end">
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
          <line className={rv.panic ? "now-line panic" : "now-line"} x1={scale.x(rv.now)} x2={scale.x(rv.now)} y1={TOP - 4} y2={height - 20} />
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

/** A phase the simulator spent no time in is drawn this wide, centred on its instant. */
const MARK = 4;

/**
 * One CPU's segments at their times' x. Segments of no duration at one instant share one narrow
 * mark, split top to bottom in their order; a release at the lane's end is where its bar stops.
 */
function LaneBars({ lane, x, y, h, rounded, start }: { lane: Lane; x: (t: number) => number; y: number; h: number; rounded: boolean; start: number }) {
  const tip = (s: LaneSegment) => `CPU${lane.cpu}: ${KIND_TEXT[s.kind]} from +${msText(s.from - start)} to +${msText(s.to - start)}`;
  const out: ReactElement[] = [];
  const segs = lane.segments;
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k];
    if (s.to > s.from) {
      out.push(
        <rect key={k} className={`seg seg-${s.kind}`} x={x(s.from)} y={y} width={Math.max(2, x(s.to) - x(s.from))} height={h} rx={rounded ? 3 : 0}>
          <title>{tip(s)}</title>
        </rect>,
      );
      continue;
    }
    // The run of segments of no duration at this instant, less a release that ends the lane.
    let end = k;
    while (end + 1 < segs.length && segs[end + 1].to === s.from && segs[end + 1].from === s.from) end++;
    const run = segs.slice(k, end + 1).filter((r, i) => !(r.kind === "released" && k + i === segs.length - 1));
    run.forEach((r, i) =>
      out.push(
        <rect key={`${k}.${i}`} className={`seg seg-${r.kind} seg-instant`} x={x(r.from) - MARK / 2} y={y + (i * h) / run.length} width={MARK} height={h / run.length}>
          <title>{`${tip(r)} (no time on the simulated clock)`}</title>
        </rect>,
      ),
    );
    k = end;
  }
  return <>{out}</>;
}

/** The mark of a broken axis: two slanted strokes across a lane (or the axis) at x, the bars cut between them. */
function Cut({ x, y0, y1 }: { x: number; y0: number; y1: number }) {
  const w = 2.5;
  const s = 1.5;
  return (
    <g className="lane-cut" aria-hidden="true">
      <polygon points={`${x - w - s},${y1} ${x + w - s},${y1} ${x + w + s},${y0} ${x - w + s},${y0}`} />
      <line x1={x - w - s} y1={y1} x2={x - w + s} y2={y0} />
      <line x1={x + w - s} y1={y1} x2={x + w + s} y2={y0} />
    </g>
  );
}
