// The timeline: every input and every event in order, with the cursor. Step back/forward, play,
// speed and a scrubber; every other view derives from `items[0..cursor)`, so moving the cursor is
// all it takes to show an earlier moment.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type UIEvent } from "react";
import { SPEEDS } from "../../../state/sim.ts";
import { inputText, type InputRecord, type TimelineItem } from "../../../simulator/types.ts";
import { describeEvent, type RecordTarget } from "../../../simulator/describe.ts";
import { imageNameAt } from "../../../elf/index.ts";
import { useLens } from "../../../state/store.ts";
import { useBootedImage } from "../useBootedImage.ts";
import { useElementSize } from "../../../components/useElementSize.ts";

function describe(it: TimelineItem, records: readonly InputRecord[], recordTarget: RecordTarget): { who: string; text: string; kind: string } {
  if (it.type === "input") return { who: "you", text: inputText(records[it.record].input), kind: "input" };
  const e = it.event;
  const who = e.cpu >= 0 ? `CPU${e.cpu}` : "xen";
  return { who, text: `${e.kind}${e.payload ? ` ${e.payload}` : ""}: ${describeEvent(e, recordTarget)}`, kind: e.kind };
}

type Described = ReturnType<typeof describe>;

/**
 * Each row's words, worked out once per item while the records and the names they use stay the
 * same: a playback step redraws about 130 rows, and describing them again took tens of ms a step
 * in a 2,000-function APPLY. A nameless funcs record is called by the image's name for its resolved
 * old address, as every view calls it.
 */
function useDescribe(records: readonly InputRecord[]): (it: TimelineItem) => Described {
  const image = useBootedImage();
  const payloads = useLens((s) => s.sim.payloads);
  return useMemo(() => {
    const recordTarget: RecordTarget = (payload, index) => {
      const f = payloads[payload]?.funcs[index];
      return f && image ? imageNameAt(image, BigInt(f.oldAddr)) : null;
    };
    const seen = new WeakMap<TimelineItem, Described>();
    return (it) => {
      let d = seen.get(it);
      if (!d) seen.set(it, (d = describe(it, records, recordTarget)));
      return d;
    };
  }, [image, payloads, records]);
}

function tText(it: TimelineItem): string {
  if (it.type !== "event") return "";
  return `${(it.event.t / 1e6).toFixed(3)} ms`;
}

export interface TimelineProps {
  items: readonly TimelineItem[];
  records: readonly InputRecord[];
  cursor: number;
  playing: boolean;
  speed: number;
  onCursor(c: number): void;
  onStep(d: number): void;
  onPlay(): void;
  onSpeed(s: number): void;
}

/** Height of one log row in px; .tl-item in simulator.css has the same. */
export const ROW_PX = 18;
/** Above this many entries only the rows near the visible ones are in the document. */
const WINDOW_FROM = 400;
const OVERSCAN = 60;
/**
 * The rows drawn beyond the visible ones while playing: each step scrolls the log to the cursor
 * (a scroll of the user's lasts until the next step), and every row drawn has its words changed
 * when a step passes the window, so a 2,000-function APPLY redrew about 130 rows per step.
 */
const PLAYING_OVERSCAN = 12;

export function Timeline({ items, records, cursor, playing, speed, onCursor, onStep, onPlay, onSpeed }: TimelineProps) {
  const list = useRef<HTMLOListElement>(null);
  const described = useDescribe(records);
  // The list's height from a ResizeObserver, never read while rendering: a read there, after a
  // playback step changed the page, laid the whole page out in the middle of the step.
  const height = useElementSize(list, { width: 0, height: ROW_PX * 6 }).height;
  // Keep the current row in view, scrolled by whole rows so no row is ever cut at the top: the log
  // is where it was last scrolled (by the user, or ours arriving) while the cursor, the length and
  // the height stay what they were then; once one changes, it is where the current row is in view.
  // The position is worked out while rendering, from props and state alone, so the rows there are
  // drawn in the same commit the list scrolls in: a long list scrolled to rows not drawn yet (the
  // cursor jumped to the end, or a playback step passed more than OVERSCAN rows) snapped back
  // (scroll-snap) to the last row drawn, and the log stopped following the cursor. Set from an
  // effect instead, the position took a second render and a second layout of the page per step.
  // It is never stored by a state update made while rendering: React 19 drops such an update at
  // the component's next render when the same state has an update of lower priority waiting (a
  // scroll event that changed nothing), so a re-render before the list's scroll event (another
  // view measuring itself in a layout effect, the CPU lanes appearing at a jump to the end) drew
  // the rows of the old position under the new one, and scroll-snap took the list back there.
  const follow = `${cursor}/${items.length}/${height}`;
  const [scrolled, setScrolled] = useState({ top: 0, follow: "" });
  const visible = Math.max(1, Math.floor(height / ROW_PX));
  const scrollTop = scrolled.follow === follow ? scrolled.top : Math.max(0, Math.min(items.length - visible, cursor - 1 - Math.floor((visible - 1) / 2))) * ROW_PX;
  /** What a scroll event arriving now belongs to: the follow key of the last commit. */
  const committed = useRef(follow);
  /** The list's scroll position as last set here or seen in a scroll event. */
  const seen = useRef(0);
  /** The frame that sets the list's position (see below). */
  const frame = useRef(0);
  useLayoutEffect(() => {
    committed.current = follow;
    if (seen.current === scrollTop) return;
    seen.current = scrollTop;
    // Set in the next frame, before it is drawn: a scrollTop written here, in the commit, laid the
    // page out at once, so a playback step's task did the step's layout on top of its script (over
    // 50 ms a step in a 2,000-function APPLY); the frame lays the page out anyway. Nothing is drawn
    // in between, so the rows of the new position are never seen at the old one.
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (list.current) list.current.scrollTop = scrollTop;
    });
  }, [follow, scrollTop]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  // A scroll event comes before the frame's callbacks: while a position waits to be set, the event
  // is the list arriving where an earlier one put it (or a scroll this one overrides), not where
  // the current follow key is.
  const onScroll = (e: UIEvent<HTMLOListElement>) => {
    if (frame.current) return;
    setScrolled({ top: (seen.current = e.currentTarget.scrollTop), follow: committed.current });
  };
  const windowed = items.length > WINDOW_FROM;
  const overscan = playing ? PLAYING_OVERSCAN : OVERSCAN;
  const from = windowed ? Math.max(0, Math.floor(scrollTop / ROW_PX) - overscan) : 0;
  const to = windowed ? Math.min(items.length, Math.ceil((scrollTop + height) / ROW_PX) + overscan) : items.length;
  const current = cursor > 0 ? items[cursor - 1] : null;
  return (
    <section className="sim-timeline" aria-label="Timeline">
      <div className="tl-controls">
        <button type="button" onClick={() => onStep(-1)} disabled={cursor <= 0} aria-label="Step back" title="Step back (←)">
          ◀
        </button>
        <button type="button" onClick={onPlay} aria-label={playing ? "Pause" : "Play"} aria-pressed={playing} disabled={!items.length}>
          {playing ? "❚❚" : "▶"}
        </button>
        <button type="button" onClick={() => onStep(1)} disabled={cursor >= items.length} aria-label="Step forward" title="Step forward (→)">
          ▶▎
        </button>
        <label className="tl-speed">
          <span>speed</span>
          <select value={speed} onChange={(e) => onSpeed(Number(e.target.value))} aria-label="Playback speed">
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <input
          type="range"
          className="tl-scrub"
          min={0}
          max={items.length}
          value={cursor}
          onChange={(e) => onCursor(Number(e.target.value))}
          aria-label="Timeline position"
          aria-valuetext={`step ${cursor} of ${items.length}`}
        />
        <span className="tl-pos mono" aria-live="off">
          {cursor}/{items.length}
        </span>
      </div>
      <p className="tl-now" aria-live="polite">
        {current ? (
          <>
            <span className="mono muted">{tText(current)}</span> {described(current).text}
          </>
        ) : (
          <span className="muted">The start: the simulator has just booted.</span>
        )}
      </p>
      <ol
        className="tl-list"
        ref={list}
        aria-label="Event log"
        onScroll={onScroll}
      >
        {from > 0 && <li className="tl-spacer" aria-hidden="true" style={{ height: from * ROW_PX }} />}
        {items.slice(from, to).map((it, j) => {
          const i = from + j;
          const d = described(it);
          const state = i < cursor - 1 ? "past" : i === cursor - 1 ? "current" : "future";
          // Keyed by place among the rows drawn, not by item: when the rows drawn move on (a playback
          // step passes them all), each row keeps its element and only its words and classes change,
          // instead of every row being removed and created (and laid out) again.
          return (
            <li key={j} className={`tl-item ${state} k-${d.kind}`} aria-current={state === "current" ? "step" : undefined}>
              <button type="button" className="tl-jump" onClick={() => onCursor(i + 1)} tabIndex={-1}>
                <span className="tl-t mono">{tText(it)}</span>
                <span className="tl-who">{d.who}</span>
                <span className="tl-text">{d.text}</span>
              </button>
            </li>
          );
        })}
        {to < items.length && <li className="tl-spacer" aria-hidden="true" style={{ height: (items.length - to) * ROW_PX }} />}
      </ol>
    </section>
  );
}
