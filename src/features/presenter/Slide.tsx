// One 16:9 slide of a scenario step: the state diagram with the payloads' states and the applied
// stack, the CPUs at the rendezvous, the step's explanation and the bytes at the patched
// addresses, on a fixed grid. Every size is a share of the slide's width (container units), so
// the slide looks the same at 1280×720, 1920×1080 and in an export, and nothing moves between
// steps. The slide is what the exports draw: nothing outside it (the controls) is in a file.
import { forwardRef, useLayoutEffect, useRef } from "react";
import { firstPayload } from "../../scenarios/index.ts";
import type { ActiveScenario } from "../../state/scenario.ts";
import { Explanation } from "../scenarios/Explanation.tsx";
import { useSimViews } from "../scenarios/useSimViews.ts";
import { useStepHighlights, type Highlights } from "../scenarios/useHighlights.ts";
import { StateDiagram } from "../simulator/state-diagram/StateDiagram.tsx";
import { CpuLanes } from "../simulator/cpus/CpuLanes.tsx";
import { MemoryView } from "../simulator/memory/MemoryView.tsx";
import type { WindowAtCursor } from "../../simulator/memory.ts";

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

/** Shrinks the explanation's type (down to 0.72 of its size) until it fits its panel. */
function useFitText(ref: React.RefObject<HTMLElement | null>, key: unknown): void {
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    const fit = () => {
      let scale = 1;
      box.style.setProperty("--fit", "1");
      while (box.scrollHeight > box.clientHeight + 1 && scale > 0.72) {
        scale = Math.round((scale - 0.04) * 100) / 100;
        box.style.setProperty("--fit", String(scale));
      }
    };
    fit();
    if (typeof ResizeObserver === "undefined") return;
    let last = box.clientWidth;
    const ro = new ResizeObserver(() => {
      if (box.clientWidth !== last) fit();
      last = box.clientWidth;
    });
    ro.observe(box);
    return () => ro.disconnect();
  }, [ref, key]);
}

export const Slide = forwardRef<HTMLDivElement, { active: ActiveScenario; step: number }>(function Slide({ active, step }, ref) {
  const { sim, snap, rv, windows, focus: seen } = useSimViews();
  const marks = useStepHighlights();
  const explain = useRef<HTMLElement>(null);
  const n = active.scenario.steps.length;
  const focus = seen ?? firstPayload(active.scenario);
  const outputs = sim.records.length;
  useFitText(explain, `${step}:${outputs}:${sim.cursor}`);
  return (
    <div className="sl" ref={ref} data-step={step}>
      <div className="sl-in">
        <header className="sl-head">
          <p className="sl-scenario">{active.scenario.title}</p>
          <p className="sl-count">{step === 0 ? `${n} steps` : `Step ${step} of ${n}`}</p>
        </header>
        <section className="sl-card sl-diagram" aria-label="Diagram">
          <div className="sl-states">
            {[...snap.states.entries()].map(([name, state]) => (
              <span key={name} className={`sl-chip s-${state} ${marks.payloads.has(name) ? "scn-hot" : ""}`}>
                {name} <b>{state === "none" ? "—" : state}</b>
              </span>
            ))}
            <StackList stack={snap.stack} hot={marks.payloads} />
          </div>
          <div className="sl-drawing">
            {focus ? <StateDiagram payload={focus} state={snap.states.get(focus) ?? "none"} action={snap.actions.get(focus) ?? null} /> : <p className="sl-muted">Nothing loaded yet.</p>}
          </div>
        </section>
        <section className="sl-card sl-explain" aria-label="Explanation" ref={explain}>
          <Explanation key={step} active={active} step={step} />
        </section>
        <section className="sl-card sl-lanes" aria-label="CPUs at the rendezvous">
          <h3 className="sl-label">CPUs at the rendezvous</h3>
          <CpuLanes rv={rv} hotCpus={marks.cpus} natural={470} maxScale={3} />
        </section>
        <section className="sl-card sl-memory" aria-label="Memory">
          <h3 className="sl-label">Memory at the patched addresses</h3>
          <MemoryView windows={slideWindows(windows, marks)} arch={sim.image?.arch ?? null} payloads={sim.payloads} marks={marks} />
        </section>
      </div>
    </div>
  );
});
