// What a scenario does to the page: load its samples, boot the simulator from its image, run its
// steps as the session's inputs (the simulator can then show any step by moving the cursor),
// move between steps, notice when the user has typed their way off the path, and go back to it.
import { loadCatalogue, formatScenarioHash, pathStatus, stepInputs, type Panel, type Scenario, type ScenarioMode } from "../../scenarios/index.ts";
import type { SimInput } from "../../simulator/types.ts";
import { loadSample } from "../../state/loadFiles.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { useSim } from "../../state/simulator.ts";
import { bootFrom, prefersReducedMotion, runInputs, selectPayload } from "../../state/simulatorActions.ts";
import { useScenario, type ActiveScenario } from "./scenarioStore.ts";
import { cursorForStep, stepAtCursor } from "./stepCursor.ts";
import { animateTo, stopAnimation } from "./player.ts";
import { findUserScenario, keepUserScenario } from "./userScenarios.ts";
import { firstPayload } from "./useSimViews.ts";

export function scenarioUrl(rel: string): string {
  return new URL(`scenarios/${rel}`, document.baseURI).href;
}

async function fetchText(rel: string): Promise<string> {
  const r = await fetch(scenarioUrl(rel));
  if (!r.ok) throw new Error(`HTTP ${r.status} for scenarios/${rel}`);
  return r.text();
}

let cataloguePromise: Promise<void> | null = null;
export function ensureCatalogue(): Promise<void> {
  cataloguePromise ??= loadCatalogue(fetchText).then(
    (catalogue) => useScenario.setState({ catalogue, catalogueProblem: null }),
    (e: unknown) => {
      cataloguePromise = null;
      useScenario.setState({ catalogueProblem: `Scenario catalogue: ${e instanceof Error ? e.message : String(e)}` });
    },
  );
  return cataloguePromise;
}

async function resolve(ref: string): Promise<Scenario> {
  if (ref.startsWith("user:")) {
    const s = findUserScenario(ref.slice(5));
    if (!s) throw new Error(`No scenario "${ref.slice(5)}" was saved in this browser. Load its file instead.`);
    return s;
  }
  await ensureCatalogue();
  const { catalogue, catalogueProblem } = useScenario.getState();
  const entry = catalogue?.find((e) => e.id === ref);
  if (!entry) throw new Error(catalogueProblem ?? `There is no scenario "${ref}" in the catalogue.`);
  if (!entry.scenario) throw new Error(entry.problem ?? `Scenario "${ref}" could not be read.`);
  return entry.scenario;
}

function settled(id: string): Promise<LoadedFile | null> {
  return new Promise((done) => {
    const check = () => {
      const f = useLens.getState().files.find((x) => x.id === id);
      if (!f || f.status !== "parsing") {
        done(f ?? null);
        return true;
      }
      return false;
    };
    if (check()) return;
    const stop = useLens.subscribe(() => {
      if (check()) stop();
    });
  });
}

/** Loads the scenario's samples into the page (the console finds payloads by their file names). */
async function loadSamples(s: Scenario): Promise<string> {
  const previous = useLens.getState().selectedFileId;
  const paths = [s.image, ...s.payloads];
  const ids = await Promise.all(paths.map((p) => loadSample(p)));
  if (previous) useLens.getState().selectFile(previous);
  const files = await Promise.all(ids.map(settled));
  files.forEach((f, i) => {
    if (!f || f.status !== "ready") throw new Error(`The sample ${paths[i]} could not be loaded${f?.problem ? `: ${f.problem.message}` : ""}.`);
  });
  if (files[0]!.parsed?.role !== "image") throw new Error(`${s.image} is not a hypervisor image.`);
  return ids[0];
}

const onPath = (inputs: (SimInput | null)[]) => inputs.filter((i): i is SimInput => i !== null);

let opening = 0;

/** Opens a scenario at `step`: samples, boot, every step run, then the cursor placed. */
export async function openScenario(ref: string, step = 0, mode: ScenarioMode = "page", panels: Panel[] = [], given?: Scenario): Promise<boolean> {
  const token = ++opening;
  stopAnimation();
  useScenario.setState({ loading: true, problem: null, mode, panels, blank: false, help: false });
  // Open the simulator page without its default boot: the scenario boots its own image.
  if (mode !== "embed") useSim.setState({ open: true });
  try {
    const scenario = given ?? (await resolve(ref));
    const imageId = await loadSamples(scenario);
    if (token !== opening) return false;
    await bootFrom(imageId, scenario.cpus);
    if (token !== opening) return false;
    if (useSim.getState().status !== "ready") throw new Error(useSim.getState().message?.text ?? "The simulator did not boot.");
    const inputs = stepInputs(scenario);
    if (!(await runInputs(onPath(inputs), 0))) throw new Error(useSim.getState().message?.text ?? "The steps did not run.");
    if (token !== opening) return false;
    const active: ActiveScenario = { ref, scenario, inputs };
    useScenario.setState({ active, loading: false, step: 0 });
    goToStep(Math.min(step, scenario.steps.length), { animate: false });
    return true;
  } catch (e) {
    if (token === opening) useScenario.setState({ loading: false, problem: e instanceof Error ? e.message : String(e) });
    return false;
  }
}

/** Runs a scenario the user wrote or loaded from a file (kept in this browser for its link). */
export function openUserScenario(s: Scenario, mode: ScenarioMode = "page"): Promise<boolean> {
  return openScenario(keepUserScenario(s), 0, mode, [], s);
}

export function offPath(): { off: boolean; shared: number } {
  const a = useScenario.getState().active;
  if (!a) return { off: false, shared: 0 };
  return pathStatus(onPath(a.inputs), useSim.getState().records.map((r) => r.input));
}

function focusPayload(a: ActiveScenario, step: number): void {
  if (step === 0) {
    selectPayload(firstPayload(a.scenario));
    return;
  }
  const st = a.scenario.steps[step - 1];
  const hl = st?.highlight.find((h) => h.kind === "payload" || h.kind === "field");
  if (hl && (hl.kind === "payload" || hl.kind === "field")) selectPayload(hl.kind === "payload" ? hl.name : hl.payload);
}

export function writeScenarioHash(): void {
  const { active, mode, step, panels } = useScenario.getState();
  if (!active || !mode) return;
  const next = formatScenarioHash({ mode, scenario: active.ref, step, panels });
  if (next !== location.hash) history.replaceState(null, "", next);
}

/** Shows step `k`: played from the previous step's end when moving one forward, else at once. */
export function goToStep(k: number, opts: { animate?: boolean } = {}): void {
  const { active, step: was } = useScenario.getState();
  if (!active) return;
  const step = Math.max(0, Math.min(active.scenario.steps.length, Math.round(k)));
  if (offPath().off) {
    void returnToScenario(step);
    return;
  }
  const { records } = useSim.getState();
  const target = cursorForStep(records, active.inputs, step);
  const from = cursorForStep(records, active.inputs, step - 1);
  stopAnimation();
  useScenario.setState({ step });
  if (opts.animate !== false && step === was + 1 && target > from && !prefersReducedMotion()) {
    useSim.setState({ cursor: from, playing: false });
    animateTo(target);
  } else {
    useSim.setState({ cursor: target, playing: false });
  }
  focusPayload(active, step);
  writeScenarioHash();
}

export const nextStep = () => goToStep(useScenario.getState().step + 1);
export const prevStep = () => goToStep(useScenario.getState().step - 1, { animate: false });

/** Puts the simulator back on the scenario's path, at `step` (the current one by default). */
export async function returnToScenario(step = useScenario.getState().step): Promise<void> {
  const a = useScenario.getState().active;
  if (!a) return;
  stopAnimation();
  useScenario.setState({ loading: true });
  const ok = await runInputs(onPath(a.inputs), 0);
  useScenario.setState({ loading: false, ...(ok ? {} : { problem: useSim.getState().message?.text ?? "Could not return to the scenario." }) });
  if (ok) goToStep(step, { animate: false });
}

export function setMode(mode: ScenarioMode | null): void {
  useScenario.setState({ mode, blank: false, help: false });
  if (mode) writeScenarioHash();
}

export function closeScenario(): void {
  stopAnimation();
  useScenario.setState({ active: null, mode: null, step: 0, problem: null, blank: false, help: false });
  history.replaceState(null, "", location.pathname + location.search);
}

// Keep the step in line with the cursor when the user moves it with the timeline's own controls.
useSim.subscribe((s, prev) => {
  if (s.cursor === prev.cursor && s.records === prev.records) return;
  const { active, step, animating, loading } = useScenario.getState();
  if (!active || animating || loading || offPath().off) return;
  const lo = cursorForStep(s.records, active.inputs, step - 1);
  const hi = cursorForStep(s.records, active.inputs, step);
  if (s.cursor >= lo && s.cursor <= hi) return;
  useScenario.setState({ step: stepAtCursor(s.records, active.inputs, s.cursor) });
  writeScenarioHash();
});

// Leaving the simulator page hands the URL back to the inspector; coming back restores the link.
useSim.subscribe((s, prev) => {
  if (s.open === prev.open) return;
  const { active, mode } = useScenario.getState();
  if (!active || mode !== "page") return;
  if (!s.open) history.replaceState(null, "", location.pathname + location.search);
  else writeScenarioHash();
});
