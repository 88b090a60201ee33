// One slide of a scenario step: the state diagram with the payloads' states and the applied
// stack, the CPUs at the rendezvous, the step's explanation and the bytes at the patched
// addresses, on a fixed grid (16:9; a 4:3 frame is filled with a grid of its own, presenter.css).
// Every size is in slide units (container units), so the slide looks the same at 1280×720,
// 1920×1080 and in an export, 1024×768 has 1280×720's type, and nothing moves between steps. The slide is what the exports draw: nothing outside it (the controls) is in a file.
import { forwardRef, useLayoutEffect, useRef, useState } from "react";
import { firstPayload } from "../../scenarios/index.ts";
import type { ActiveScenario } from "../../state/scenario.ts";
import { Explanation } from "../scenarios/Explanation.tsx";
import { useSimViews } from "../scenarios/useSimViews.ts";
import { useStepHighlights, type Highlights } from "../scenarios/useHighlights.ts";
import { StateDiagram } from "../simulator/state-diagram/StateDiagram.tsx";
import { CpuLanes } from "../simulator/cpus/CpuLanes.tsx";
import { MemoryKey, MemoryView } from "../simulator/memory/MemoryView.tsx";
import { Halted } from "./Halted.tsx";
import type { WindowAtCursor } from "../../simulator/memory.ts";
import { fitWidth } from "./fit.ts";

/** The slide's type floor as a share of its base type (presenter.css: 0.94 and 1.15 slide units). */
const SLIDE_FLOOR_EM = 0.94 / 1.15;

/** The memory windows that fit on a slide: the step's own first, then those patched now. */
const SLIDE_WINDOWS = 2;

function slideWindows(windows: WindowAtCursor[], marks: Highlights): WindowAtCursor[] {
  if (windows.length <= SLIDE_WINDOWS) return windows;
  const hot = (w: WindowAtCursor) => marks.symbols.has(w.window.func) || marks.addrs.some((a) => a >= w.window.addr && a < w.window.addr + BigInt(w.window.base.length));
  const patched = (w: WindowAtCursor) => w.changed.some(Boolean);
  return [...windows].sort((a, b) => Number(hot(b)) - Number(hot(a)) || Number(patched(b)) - Number(patched(a))).slice(0, SLIDE_WINDOWS);
}

function StackList({ stack, hot }: { stack: string[]; hot: ReadonlySet<string> }) {
  return (
    <div className="sl-stack" aria-label="Applied stack">
      <span className="sl-label">applied stack</span>
      {stack.length === 0 ? (
        <span className="sl-muted">empty</span>
      ) : (
        <ol reversed>
          {[...stack].reverse().map((n, i) => (
            <li key={n} className={hot.has(n) ? "scn-hot" : undefined}>
              {n}
              {i === 0 ? " ← top" : ""}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/**
 * The smallest share of its full size the explanation's type shrinks to. The output and the field
 * table are 0.6 of it, but never under the slide's floor (presenter.css --sl-floor, 12 px at 720).
 */
export const FIT_FLOOR = 0.78;
const FIT_STEP = 0.02;

const lines = (n: number, what: string) => `${n} ${what} line${n === 1 ? "" : "s"}`;

/** Every line of a command's output shown again, without the cues focusOutput() put there. */
function unfocus(out: HTMLElement): void {
  delete out.dataset.above;
  delete out.dataset.below;
  for (const l of out.querySelectorAll<HTMLElement>(".scn-line")) {
    delete l.dataset.hide;
    delete l.dataset.gap;
  }
}

/**
 * Fits a command's output that is longer than its room around the lines the step's text talks
 * about (marked data-ref by Explanation): the lines before the first go ("▲ N earlier lines"), then
 * as many as it takes of those after the last ("▼ N later lines"), then the middle of the longest
 * stretch between two of them that the text does not talk about ("⋯ N lines ⋯", e.g. a register
 * dump between a WARN line and its code bytes), so no key press is needed to see what the speaker
 * is talking about. "none" when the step singles out no line, "whole" when the output is not
 * what overflows (it fits the room it has when trimmed, so nothing is left out).
 */
function focusOutput(out: HTMLElement): "none" | "whole" | "focused" {
  const all = [...out.querySelectorAll<HTMLElement>(".scn-line")];
  const refs = all.flatMap((l, i) => (l.dataset.ref !== undefined ? [i] : []));
  if (refs.length === 0) return "none";
  const first = refs[0];
  const last = refs[refs.length - 1];
  const fits = () => out.scrollHeight <= out.clientHeight + 1;
  out.scrollTop = 0;
  if (fits()) return "whole";
  for (let i = 0; i < first; i++) all[i].dataset.hide = "";
  if (first > 0) out.dataset.above = `▲ ${lines(first, "earlier")}`;
  for (let i = all.length - 1, later = 1; i > last && !fits(); i--, later++) {
    all[i].dataset.hide = "";
    out.dataset.below = `▼ ${lines(later, "later")}`;
  }
  // The stretches between referred lines, longest first; each elided stretch costs a line for its cue.
  const gaps: [number, number][] = [];
  for (let k = 1; k < refs.length; k++) if (refs[k] - refs[k - 1] > 1) gaps.push([refs[k - 1] + 1, refs[k]]);
  gaps.sort((a, b) => b[1] - b[0] - (a[1] - a[0]));
  for (const [from, to] of gaps) {
    const size = to - from;
    for (let n = 2; n <= size && !fits(); n++) {
      const start = from + Math.floor((size - n) / 2);
      for (let i = from; i < to; i++) {
        if (i >= start && i < start + n) all[i].dataset.hide = "";
        else delete all[i].dataset.hide;
        delete all[i].dataset.gap;
      }
      delete all[to].dataset.gap;
      all[start + n < to ? start + n : to].dataset.gap = `⋯ ${n} lines ⋯`;
    }
    if (fits()) break;
  }
  return "focused";
}

/**
 * Shrinks the explanation's type (down to FIT_FLOOR) until it fits its card, again whenever the
 * card or its content changes size (a scenario opened at the same step, the command's output
 * arriving). A command's output too long for what is left shows the lines the step talks about
 * (focusOutput), else its end; what still does not
 * fit scrolls, with a cue, and the clicker's next key scrolls it
 * (usePresenterKeys) before it moves on. Returns whether there is more below.
 */
function useFitText(ref: React.RefObject<HTMLElement | null>, place: string): boolean {
  const [more, setMore] = useState(false);
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    box.scrollTop = 0;
    const below = () => setMore(box.scrollHeight - box.scrollTop > box.clientHeight + 1);
    let busy = false;
    const fit = () => {
      if (busy) return;
      busy = true;
      let scale = 1;
      const over = () => box.scrollHeight > box.clientHeight + 1;
      const out = box.querySelector<HTMLElement>(".scn-output");
      box.dataset.scrolls = "false";
      box.dataset.trim = "false";
      box.style.setProperty("--fit", "1");
      // The output's lines as the tool printed them, one a line (a `list` row is one row): its type
      // shrinks until the widest fits the card's width (fitWidth), to no less than the
      // explanation's floor; only a line too wide even then wraps, each row after its first under a
      // ↪ mark (presenter.css data-wrap), never silently. `outW` is that share at full
      // size; as the explanation shrinks the output keeps the smaller of the two.
      let outW = 1;
      if (out) {
        unfocus(out);
        delete out.dataset.wrap;
        delete out.dataset.tight;
        const w = fitWidth(out, FIT_FLOOR);
        outW = w.scale;
        if (!w.fits) out.dataset.wrap = "true";
      }
      const setScale = (s: number) => {
        box.style.setProperty("--fit", String(s));
        out?.style.setProperty("--fit-w", String(Math.min(1, outW / s)));
      };
      while (over() && scale > FIT_FLOOR) {
        scale = Math.max(FIT_FLOOR, Math.round((scale - FIT_STEP) * 100) / 100);
        setScale(scale);
      }
      // The type's sizes round to the pixel: the output's width checked again at the final scale.
      if (out && out.dataset.wrap === undefined && scale < 1) fitWidth(out, FIT_FLOOR / scale, Math.min(1, outW / scale));
      // A long log (dmesg) keeps the lines the step talks about in view (focusOutput); with none
      // singled out it shows its last lines, as a terminal would. Either says how many are above.
      if (over() && out) {
        box.dataset.trim = "true";
        let focused = focusOutput(out);
        // The lines the step talks about do not fit even alone at the slide's type floor (a WARN
        // with its registers and code bytes on a 1280×720 slide): the output alone may go a size
        // smaller (data-tight, presenter.css) rather than hide one of them under a cue.
        if (focused === "focused" && out.scrollHeight > out.clientHeight) {
          unfocus(out);
          out.dataset.tight = "";
          focused = focusOutput(out);
        }
        if (focused === "whole") box.dataset.trim = "false";
        else if (focused === "none") {
          out.scrollTop = out.scrollHeight;
          if (out.scrollTop > 0) {
            const line = parseFloat(getComputedStyle(out).lineHeight) || 1;
            out.dataset.above = `▲ ${Math.ceil(out.scrollTop / line) + 1} earlier lines`;
          } else box.dataset.trim = "false";
        }
      }
      box.dataset.scrolls = String(over());
      below();
      busy = false;
    };
    fit();
    box.addEventListener("scroll", below, { passive: true });
    if (typeof ResizeObserver === "undefined") return () => box.removeEventListener("scroll", below);
    // The card's width, and the content's height at the current scale: a change of either refits.
    let sizes = "";
    const ro = new ResizeObserver(() => {
      const now = `${box.clientWidth}x${box.clientHeight}:${box.firstElementChild?.scrollHeight ?? 0}`;
      if (now !== sizes) fit();
      sizes = `${box.clientWidth}x${box.clientHeight}:${box.firstElementChild?.scrollHeight ?? 0}`;
    });
    ro.observe(box);
    if (box.firstElementChild) ro.observe(box.firstElementChild);
    return () => {
      ro.disconnect();
      box.removeEventListener("scroll", below);
    };
  }, [ref, place]);
  return more;
}

export const Slide = forwardRef<HTMLDivElement, { active: ActiveScenario; step: number }>(function Slide({ active, step }, ref) {
  const { sim, snap, rv, windows, memory, focus: seen } = useSimViews();
  const marks = useStepHighlights();
  const explain = useRef<HTMLElement>(null);
  const n = active.scenario.steps.length;
  const focus = seen ?? firstPayload(active.scenario);
  const more = useFitText(explain, `${active.scenario.id}:${step}`);
  // The same fact the simulator page's header shows ("host halted (panic)"): deriveSnapshot's
  // halted at the cursor, so stepping back before the panic takes the mark away again.
  const halted = snap.halted;
  const down = halted ? <Halted /> : null;
  return (
    <div className="sl" ref={ref} data-step={step} data-halted={halted ? "true" : undefined}>
      <div className="sl-in">
        <header className="sl-head">
          <p className="sl-scenario">{active.scenario.title}</p>
          <p className="sl-count">{step === 0 ? `${n} steps` : `Step ${step} of ${n}`}</p>
        </header>
        <section className="sl-card sl-diagram" aria-label="Diagram">
          <div className="sl-states">
            {down}
            {[...snap.states.entries()].map(([name, state]) => (
              <span key={name} className={`sl-chip s-${state} ${marks.payloads.has(name) ? "scn-hot" : ""}`}>
                {name} <b>{state === "none" ? "—" : state}</b>
              </span>
            ))}
            <StackList stack={snap.stack} hot={marks.payloads} />
          </div>
          <div className="sl-drawing">
            {focus ? <StateDiagram payload={focus} state={snap.states.get(focus) ?? "none"} action={snap.actions.get(focus) ?? null} floorEm={SLIDE_FLOOR_EM} /> : <p className="sl-muted">Nothing loaded yet.</p>}
          </div>
        </section>
        <section className="sl-card sl-explain" aria-label="Explanation" ref={explain}>
          <Explanation key={`${active.scenario.id}:${step}`} active={active} step={step} />
        </section>
        {more && (
          <p className="sl-more" aria-hidden="true">
            ▼ more: → scrolls
          </p>
        )}
        <section className="sl-card sl-lanes" aria-label="CPUs at the rendezvous">
          <h3 className="sl-label">CPUs at the rendezvous {down}</h3>
          <CpuLanes rv={rv} hotCpus={marks.cpus} natural={470} maxScale={3} floorEm={SLIDE_FLOOR_EM} fitHeight />
        </section>
        <section className="sl-card sl-memory" aria-label="Memory">
          <h3 className="sl-label sl-memory-title">
            <span>Memory at the patched addresses {down}</span>
            {windows.length > 0 && <MemoryKey />}
          </h3>
          <MemoryView windows={slideWindows(windows, marks)} memory={memory} arch={sim.image?.arch ?? null} payloads={sim.payloads} marks={marks} />
        </section>
      </div>
    </div>
  );
});
