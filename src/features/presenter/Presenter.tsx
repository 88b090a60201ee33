// Presenter mode: the whole window (full screen on request), large type, high contrast, the state
// diagram and the step's explanation side by side. Driven by the keyboard and presentation
// clickers (which send Right/Left/PageDown/PageUp), with exports of the diagram for slides.
import { useCallback, useEffect, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { firstPayload } from "../../scenarios/index.ts";
import { useLens } from "../../state/store.ts";
import { Explanation } from "../scenarios/Explanation.tsx";
import { useSimViews } from "../scenarios/useSimViews.ts";
import { useStepHighlights } from "../scenarios/useHighlights.ts";
import { StateDiagram } from "../simulator/state-diagram/StateDiagram.tsx";
import { CpuLanes } from "../simulator/cpus/CpuLanes.tsx";
import { MemoryView } from "../simulator/memory/MemoryView.tsx";
import { usePresenterKeys, PRESENTER_KEYS } from "./usePresenterKeys.ts";
import { downloadBlob, pageBackground, serializeSvg, svgSize, svgToPng } from "./exportDiagram.ts";
import { collectFrames, recordWebm, videoSupported } from "./recordVideo.ts";
import "../simulator/simulator.css";
import "./presenter.css";

export async function enterFullscreen(): Promise<boolean> {
  const el = document.documentElement;
  if (!el.requestFullscreen || !document.fullscreenEnabled) return false;
  try {
    await el.requestFullscreen();
    return true;
  } catch {
    return false;
  }
}

function StackList({ stack, hot }: { stack: string[]; hot: ReadonlySet<string> }) {
  return (
    <div className="pr-stack scn-stack" aria-label="Applied stack">
      <span className="pr-stack-title">applied stack</span>
      {stack.length === 0 ? (
        <span className="pr-stack-empty">empty</span>
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

export default function Presenter() {
  const { goToStep, next: nextStep, prev: prevStep, setMode, setHelp } = useLens.getState().scenario;
  const sc = useLens(useShallow(({ scenario: s }) => ({ active: s.active, step: s.step, blank: s.blank, help: s.help, loading: s.loading, catalogue: s.catalogue })));
  const { sim, snap, rv, windows, focus: seen } = useSimViews();
  const root = useRef<HTMLDivElement>(null);
  const [note, setNote] = useState<string | null>(null);
  const fullscreen = useCallback(() => {
    void enterFullscreen().then((ok) => !ok && setNote("Full screen is not available here; the presenter already fills the window (F11 may help)."));
  }, []);
  usePresenterKeys(fullscreen);
  const st = sc.active && sc.step > 0 ? sc.active.scenario.steps[sc.step - 1] : null;
  const marks = useStepHighlights();

  useEffect(() => {
    const prev = document.title;
    document.title = `${sc.active?.scenario.title ?? "Scenario"} — presenting`;
    return () => {
      document.title = prev;
    };
  }, [sc.active]);

  if (!sc.active) {
    return (
      <div className="presenter" role="dialog" aria-label="Presenter">
        <p className="pr-loading">{sc.loading ? "Loading the scenario…" : "No scenario."}</p>
      </div>
    );
  }
  const a = sc.active;
  const n = a.scenario.steps.length;
  const focus = seen ?? firstPayload(a.scenario);
  const wantsCpus = st?.highlight.some((h) => h.kind === "cpu") ?? false;
  const wantsMemory = st?.highlight.some((h) => h.kind === "symbol" || h.kind === "addr") ?? false;
  const diagramSvg = () => root.current?.querySelector<SVGSVGElement>("svg.state-diagram") ?? null;
  const fileBase = `${a.scenario.id}-step${sc.step}`;

  const exportSvg = () => {
    const svg = diagramSvg();
    if (!svg) return setNote("No diagram to export yet.");
    downloadBlob(new Blob([serializeSvg(svg, pageBackground(svg))], { type: "image/svg+xml" }), `${fileBase}.svg`);
  };
  const exportPng = async () => {
    const svg = diagramSvg();
    if (!svg) return setNote("No diagram to export yet.");
    const { width, height } = svgSize(svg);
    downloadBlob(await svgToPng(serializeSvg(svg, pageBackground(svg)), width, height, 2), `${fileBase}.png`);
  };
  const exportVideo = async () => {
    if (!videoSupported()) return setNote("This browser cannot record video.");
    const at = sc.step;
    setNote("Recording: showing each step…");
    const svg = diagramSvg();
    const bg = svg ? pageBackground(svg) : "#000";
    const frames = await collectFrames(n, (k) => goToStep(k, { animate: false }), diagramSvg, (k) => (k === 0 ? a.scenario.title : `${k}/${n} · ${a.scenario.steps[k - 1].title ?? a.scenario.steps[k - 1].command ?? ""}`), bg);
    goToStep(at, { animate: false });
    const blob = await recordWebm(frames, { bg, fg: getComputedStyle(root.current!).color }, (d) => setNote(`Recording: ${d}/${frames.length} steps`));
    downloadBlob(blob, `${a.scenario.id}.webm`);
    setNote(`Saved ${a.scenario.id}.webm (${(blob.size / 1024).toFixed(0)} KiB, ${frames.length} steps).`);
  };

  return (
    <div className="presenter" role="dialog" aria-modal="true" aria-label={`Presenting ${a.scenario.title}`} ref={root} data-step={sc.step}>
      <div className="pr-stage">
        <section className="pr-left" aria-label="Diagram">
          <div className="pr-diagram">
            {focus ? <StateDiagram payload={focus} state={snap.states.get(focus) ?? "none"} action={snap.actions.get(focus) ?? null} /> : <p className="pr-loading">Nothing loaded yet.</p>}
          </div>
          <div className="pr-states">
            {[...snap.states.entries()].map(([name, state]) => (
              <span key={name} className={`chip pr-chip s-${state} ${marks.payloads.has(name) ? "scn-hot" : ""}`}>
                {name} <b>{state === "none" ? "—" : state}</b>
              </span>
            ))}
            <StackList stack={snap.stack} hot={marks.payloads} />
          </div>
          {wantsCpus && (
            <div className="pr-extra">
              <CpuLanes rv={rv} hotCpus={marks.cpus} />
            </div>
          )}
          {!wantsCpus && wantsMemory && (
            <div className="pr-extra">
              <MemoryView windows={windows} arch={sim.image?.arch ?? null} payloads={sim.payloads} marks={marks} />
            </div>
          )}
        </section>
        <section className="pr-right" aria-label="Explanation">
          <p className="pr-title">{a.scenario.title}</p>
          <Explanation key={sc.step} active={a} step={sc.step} />
        </section>
      </div>
      <footer className="pr-foot">
        <span className="pr-progress" aria-label={`Step ${sc.step} of ${n}`}>
          {Array.from({ length: n + 1 }, (_, k) => (
            <button key={k} type="button" className={k === sc.step ? "on" : k < sc.step ? "past" : ""} onClick={() => goToStep(k, { animate: k === sc.step + 1 })} aria-label={k === 0 ? "Start" : `Step ${k}`} />
          ))}
        </span>
        {note && <span className="pr-note" role="status">{note}</span>}
        <span className="spacer" />
        <button type="button" onClick={prevStep} aria-label="Back">
          ◀
        </button>
        <button type="button" onClick={nextStep} aria-label="Next">
          ▶
        </button>
        <button type="button" onClick={fullscreen}>
          Full screen
        </button>
        <button type="button" onClick={exportSvg}>
          SVG
        </button>
        <button type="button" onClick={() => void exportPng()}>
          PNG
        </button>
        <button type="button" onClick={() => void exportVideo()} disabled={!videoSupported()} title="The whole scenario as a WebM video (one step per 1.6 s)">
          Video
        </button>
        <button type="button" onClick={() => setHelp(!sc.help)} aria-label="Keys">
          ?
        </button>
        <button type="button" onClick={() => setMode("page")} aria-label="Leave presenter mode">
          Exit
        </button>
      </footer>
      {sc.help && (
        <div className="pr-help" role="dialog" aria-label="Presenter keys">
          <h2>Keys</h2>
          <dl>
            {PRESENTER_KEYS.map(([k, what]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
          {sc.catalogue && (
            <ol className="pr-help-list">
              {sc.catalogue.slice(0, 9).map((c) => (
                <li key={c.id}>{c.scenario?.title ?? c.id}</li>
              ))}
            </ol>
          )}
        </div>
      )}
      {sc.blank && <div className="pr-blank" data-testid="presenter-blank" aria-label="Screen blanked" role="img" />}
    </div>
  );
}
