// The scenario strip of the simulator page: pick a scenario, walk its steps (each explained),
// see when the console has taken you off its path and go back, present it, write your own,
// save and load scenario files.
import { useEffect, useRef, type ChangeEvent } from "react";
import { useShallow } from "zustand/react/shallow";
import { useLens } from "../../state/store.ts";
import { inputsThrough, stepLabel, pathStatus } from "../../scenarios/index.ts";
import type { SimInput } from "../../simulator/types.ts";
import { Explanation } from "./Explanation.tsx";
import { downloadScenario } from "./scenarioDownload.ts";
import { readScenarioFile } from "./scenarioFile.ts";
import { ScenarioEditor } from "./ScenarioEditor.tsx";
import "./scenarios.css";

function useOffPath(): { off: boolean; shared: number } {
  const active = useLens((s) => s.scenario.active);
  const records = useLens((s) => s.sim.records);
  if (!active) return { off: false, shared: 0 };
  return pathStatus(
    active.inputs.filter((i): i is SimInput => i !== null),
    records.map((r) => r.input),
  );
}

export function ScenarioPanel() {
  const { close: closeScenario, ensureCatalogue, goToStep, next: nextStep, prev: prevStep, open: openScenario, openUser: openUserScenario, returnTo: returnToScenario, setMode, setEditorOpen, fail, dismissDraftProblem } =
    useLens.getState().scenario;
  const sc = useLens(
    useShallow(({ scenario: s }) => ({ catalogue: s.catalogue, active: s.active, step: s.step, loading: s.loading, problem: s.problem, editorOpen: s.editorOpen, problemCat: s.catalogueProblem })),
  );
  const path = useOffPath();
  const whatIf = useLens((s) => s.scenario.whatIf);
  const draft = useLens((s) => s.scenario.editorDraft !== null);
  const draftProblem = useLens((s) => s.scenario.draftProblem);
  const root = useRef<HTMLElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const stepList = useRef<HTMLOListElement>(null);
  useEffect(() => {
    void ensureCatalogue();
  }, [ensureCatalogue]);
  // The steps wrap in a box of two lines that scrolls: keep the current one in view (scrolling
  // only that box).
  useEffect(() => {
    const ol = stepList.current;
    const cur = ol?.querySelector<HTMLElement>("button.current");
    if (!ol || !cur) return;
    const o = ol.getBoundingClientRect();
    const c = cur.getBoundingClientRect();
    if (c.top < o.top || c.bottom > o.bottom) ol.scrollTop += c.top - o.top - (o.height - c.height) / 2;
  }, [sc.step, sc.active]);

  const onPick = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = "";
    if (!f) return;
    try {
      await openUserScenario(await readScenarioFile(f));
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  };

  const a = sc.active;
  const n = a?.scenario.steps.length ?? 0;
  let branchStep = 0;
  if (a) while (branchStep < n && inputsThrough(a.inputs, branchStep + 1) <= path.shared) branchStep++;
  return (
    <section className={`sim-card scn-panel ${a ? "active" : ""}`} aria-label="Scenario" ref={root}>
      <div className="scn-bar">
        <label className="scn-pick">
          <span>Scenario</span>
          <select
            aria-label="Scenario"
            value={a && !a.ref.startsWith("user:") ? a.ref : ""}
            onChange={(e) => (e.target.value ? void openScenario(e.target.value) : closeScenario())}
          >
            <option value="">{a?.ref.startsWith("user:") ? `yours: ${a.scenario.title}` : "— choose a guided scenario —"}</option>
            {(sc.catalogue ?? []).map((c, i) => (
              <option key={c.id} value={c.id} disabled={!c.scenario}>
                {i + 1}. {c.scenario?.title ?? `${c.id} (unreadable)`}
              </option>
            ))}
          </select>
        </label>
        {a && (
          <nav className="scn-nav" aria-label="Scenario steps">
            <button type="button" className="small" onClick={() => goToStep(0)} disabled={sc.step === 0 || sc.loading} aria-label="First step" title="Back to the start">
              Start
            </button>
            <button type="button" className="small" onClick={prevStep} disabled={sc.step === 0 || sc.loading} aria-label="Previous step">
              ◀ Back
            </button>
            <span className="scn-count mono" aria-live="polite">
              {sc.step}/{n}
            </span>
            <button type="button" className="small primary" onClick={nextStep} disabled={sc.step >= n || sc.loading} aria-label="Next step">
              Next ▶
            </button>
            <button type="button" className="small" onClick={() => goToStep(n)} disabled={sc.step >= n || sc.loading} aria-label="Last step" title="Run to the last step">
              End
            </button>
          </nav>
        )}
        <span className="spacer" />
        {a && (
          <button type="button" className="small scn-present" onClick={() => setMode("present")} title="Full screen, large type, keyboard and clicker control">
            Present
          </button>
        )}
        <button
          type="button"
          className="small ghost scn-file"
          onClick={() => setEditorOpen(true)}
          title={draft ? "Go on with the scenario you were writing (kept until you run or discard it)" : "Write a scenario (starts from the open one)"}
          aria-label={draft ? "Write a scenario (your draft is kept)" : "Write a scenario"}
        >
          {draft ? "Write… (draft)" : "Write…"}
        </button>
        <button type="button" className="small ghost scn-file" onClick={() => picker.current?.click()} title="Load a scenario file (.json); dropping one on the page works too">
          Load…
        </button>
        <input ref={picker} type="file" accept=".json,application/json" hidden onChange={(e) => void onPick(e)} aria-label="Scenario file" />
        {a && (
          <button type="button" className="small ghost scn-file" onClick={() => downloadScenario(a.scenario)} title="Save this scenario as a file">
            Save
          </button>
        )}
        {a && (
          <button type="button" className="small ghost scn-file" onClick={closeScenario} aria-label="Close the scenario">
            ×
          </button>
        )}
      </div>
      {sc.loading && <p className="scn-status" role="status">Loading the scenario: samples, boot, steps…</p>}
      {(sc.problem || sc.problemCat) && (
        <p className="scn-problem" role="alert">
          {sc.problem ?? sc.problemCat}
        </p>
      )}
      {draftProblem && (
        <div className="scn-draft-dropped" role="status">
          <span>{draftProblem}</span>
          <button type="button" className="small ghost" onClick={dismissDraftProblem} aria-label="Dismiss the note on the dropped draft" title="Dismiss">
            ×
          </button>
        </div>
      )}
      {a && path.off && (
        <div className="scn-offpath" role="status">
          <span>
            <b>Off the scenario's path</b> — what if: the run left the script after step {branchStep}
            {whatIf && sc.step > whatIf.from ? `, and steps ${whatIf.from + 1}–${sc.step} ran on top of what you did` : "; Next runs the following steps on top of what you did"}. The
            explanations are the script's; the views show this run.
          </span>
          <button type="button" className="small primary" onClick={() => void returnToScenario()}>
            Return to the scenario
          </button>
        </div>
      )}
      {a && (
        <div className="scn-body">
          <ol className="scn-steps" aria-label="Steps" ref={stepList}>
            <li>
              <button type="button" className={sc.step === 0 ? "current" : ""} aria-current={sc.step === 0 ? "step" : undefined} onClick={() => goToStep(0)}>
                start
              </button>
            </li>
            {a.scenario.steps.map((s, i) => (
              <li key={i}>
                <button
                  type="button"
                  className={`${sc.step === i + 1 ? "current" : ""} ${i + 1 < sc.step ? "past" : ""}`}
                  aria-current={sc.step === i + 1 ? "step" : undefined}
                  onClick={() => goToStep(i + 1, { animate: i + 1 === sc.step + 1 })}
                  title={stepLabel(s)}
                >
                  {i + 1}. {stepLabel(s)}
                </button>
              </li>
            ))}
          </ol>
          <Explanation active={a} step={sc.step} />
        </div>
      )}
      {sc.editorOpen && <ScenarioEditor start={a?.scenario ?? null} onClose={() => setEditorOpen(false)} />}
    </section>
  );
}
