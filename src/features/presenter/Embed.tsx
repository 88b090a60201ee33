// An embed: one scenario at one step with the chosen panels and no chrome, for an iframe in
// slides or docs (`#embed&scenario=replace&step=4&panels=diagram,memory`). Focused, it takes the
// presenter's keys (next, back, first, last, blank), so one iframe walks a whole scenario; its text
// is sized to the frame.
import { useEffect, useRef } from "react";
import { useShallow } from "zustand/react/shallow";
import { firstPayload, parseScenarioHash, type Panel } from "../../scenarios/index.ts";
import { useLens } from "../../state/store.ts";
import { Guard } from "../../components/Guard.tsx";
import { Explanation } from "../scenarios/Explanation.tsx";
import { useSimViews } from "../scenarios/useSimViews.ts";
import { useStepHighlights } from "../scenarios/useHighlights.ts";
import { StateDiagram } from "../simulator/state-diagram/StateDiagram.tsx";
import { FILL_FIT } from "../simulator/state-diagram/layout.ts";
import { CpuLanes } from "../simulator/cpus/CpuLanes.tsx";
import { MemoryView } from "../simulator/memory/MemoryView.tsx";
import { ConsolePanel } from "../simulator/console/ConsolePanel.tsx";
import { Timeline } from "../simulator/timeline/Timeline.tsx";
import { usePlayback } from "../simulator/timeline/usePlayback.ts";
import { useTheme } from "../shell/useTheme.ts";
import { useSlideKeys } from "./usePresenterKeys.ts";
import { Halted } from "./Halted.tsx";
import { fitEmbed } from "./fit.ts";
import "../simulator/simulator.css";
import "../scenarios/scenarios.css";
import "./presenter.css";

/** The panels that show the host's state: marked and dimmed once it has panicked. */
const LIVE: ReadonlySet<Panel> = new Set(["diagram", "cpus", "memory"]);

const TITLES: Record<Panel, string> = { diagram: "State", explain: "Explanation", cpus: "CPUs at the rendezvous", memory: "Memory", console: "Console", timeline: "Timeline" };

/**
 * Fits the panels' type to the frame (fitEmbed) once drawn, and again in the next frame after the
 * frame's size or what a panel shows changes (a step, the console's next line).
 */
function useEmbedFit(root: React.RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    let frame = 0;
    let observed: HTMLElement | null = null;
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (root.current) fitEmbed(root.current);
      });
    };
    // The embed's root appears once the scenario is open; after that only a change in a fitted
    // panel refits (not the lanes' or the timeline's text while a step plays).
    const fitted = (n: Node) => (n instanceof Element ? n : n.parentElement)?.closest(".embed-console, .embed-explain, .embed-memory") != null;
    const mo = new MutationObserver((records) => {
      if (root.current && observed !== root.current) {
        observed = root.current;
        ro.disconnect();
        ro.observe(observed);
        later();
      } else if (records.some((r) => fitted(r.target))) later();
    });
    const ro = new ResizeObserver(later);
    mo.observe(document.body, { childList: true, subtree: true, characterData: true });
    later();
    return () => {
      cancelAnimationFrame(frame);
      mo.disconnect();
      ro.disconnect();
    };
  }, [root]);
}

export default function Embed() {
  useTheme();
  usePlayback();
  const { runConsole, setCursor, step: stepCursor, togglePlay, setSpeed } = useLens.getState().sim;
  const sc = useLens(useShallow(({ scenario: s }) => ({ active: s.active, step: s.step, panels: s.panels, problem: s.problem, loading: s.loading, blank: s.blank })));
  const { sim, snap, rv, windows, memory, entries, focus: seen } = useSimViews();
  const speed = useLens((s) => s.sim.speed);
  const playing = useLens((s) => s.sim.playing);
  const root = useRef<HTMLDivElement>(null);
  const marks = useStepHighlights();
  useSlideKeys("embed");
  useEmbedFit(root);

  useEffect(() => {
    const place = parseScenarioHash(location.hash);
    const { open, fail } = useLens.getState().scenario;
    if (place) void open(place.scenario, place.step, "embed", place.panels);
    else fail("This embed link names no scenario (#embed&scenario=ID&step=N&panels=…).");
  }, []);

  if (sc.problem) return <p className="embed-problem" role="alert">{sc.problem}</p>;
  if (!sc.active) return <p className="embed-loading">{sc.loading ? "Loading the scenario…" : ""}</p>;
  const focus = seen ?? firstPayload(sc.active.scenario);
  return (
    // Focusable, so a click into the frame (or Tab) gives it the slide keys.
    <div className={`embed simulator-embed n${sc.panels.length}`} ref={root} data-step={sc.step} data-halted={snap.halted ? "true" : undefined} tabIndex={0} aria-label={`${sc.active.scenario.title}, step ${sc.step} of ${sc.active.scenario.steps.length}: arrow keys step`}>
      {sc.blank && <div className="pr-blank" data-testid="embed-blank" aria-label="Blanked" role="img" />}
      {sc.panels.map((p) => (
        <section key={p} className={`sim-card embed-panel embed-${p}`} aria-label={TITLES[p]}>
          {snap.halted && LIVE.has(p) && <Halted />}
          <Guard what={`${TITLES[p]} panel`}>
            {p === "diagram" && (focus ? <StateDiagram payload={focus} state={snap.states.get(focus) ?? "none"} action={snap.actions.get(focus) ?? null} fit={FILL_FIT} /> : <p className="hint">Nothing loaded yet.</p>)}
            {p === "explain" && <Explanation active={sc.active!} step={sc.step} />}
            {p === "cpus" && <CpuLanes rv={rv} hotCpus={marks.cpus} />}
            {p === "memory" && <MemoryView windows={windows} memory={memory} arch={sim.image?.arch ?? null} payloads={sim.payloads} marks={marks} />}
            {p === "console" && <ConsolePanel entries={entries} history={sim.history} busy={sim.status === "busy"} states={snap.states} onRun={(l) => void runConsole(l)} />}
            {p === "timeline" && (
              <Timeline items={sim.items} records={sim.records} cursor={sim.cursor} playing={playing} speed={speed} onCursor={setCursor} onStep={stepCursor} onPlay={togglePlay} onSpeed={setSpeed} />
            )}
          </Guard>
        </section>
      ))}
    </div>
  );
}
