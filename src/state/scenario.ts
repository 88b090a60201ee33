// The scenario slice: which scenario is being walked, the step shown, how it is shown (the
// simulator page, presenter mode or an embed) and the presenter's screen states; and what a
// scenario does to the page: load its samples, boot the simulator from its image, run its steps
// as the session's inputs (the simulator then shows any step by moving the cursor), move between
// steps, notice when the user has typed their way off the path, and go back to it.
// The scenario format's parts are imported one by one, not through its index: the index also
// brings the validator and the catalogue reader, which the first screen does without (they load
// when a scenario, a file or a kept draft is read).
import type { CatalogueEntry } from "../scenarios/catalogue.ts";
import { stepPayload } from "../scenarios/focus.ts";
import { formatScenarioHash, type Panel, type ScenarioMode } from "../scenarios/hash.ts";
import { inputsThrough, pathStatus, stepInputs } from "../scenarios/inputs.ts";
import type { Scenario, ScenarioDraft } from "../scenarios/schema.ts";
import { cursorForStep, stepAtCursor } from "../scenarios/stepCursor.ts";
import { recordEnds, type SimInput } from "../simulator/types.ts";
import type { StoreApi } from "zustand";
import type { SliceApi } from "./slice.ts";
import type { LensState } from "./store.ts";
import { playbackStep } from "./playback.ts";
import { DEFAULT_IMAGE, prefersReducedMotion } from "./sim.ts";
import type { LoadedFile } from "./files.ts";
import { findUserScenario, keepUserScenario } from "./userScenarios.ts";
import { readStoredDraft, storeDraft } from "./scenarioDraft.ts";

export interface ActiveScenario {
  /** Catalogue id, or `user:<id>` for one written in this browser. */
  ref: string;
  scenario: Scenario;
  /** One per step: the input it runs, or null for a setting-only step. */
  inputs: (SimInput | null)[];
}

export interface ScenarioSlice {
  catalogue: CatalogueEntry[] | null;
  catalogueProblem: string | null;
  active: ActiveScenario | null;
  /** 0 = the start (nothing run yet); k = step k (1-based) has run. */
  step: number;
  mode: ScenarioMode | null;
  panels: Panel[];
  loading: boolean;
  problem: string | null;
  /** Presenter: the screen is blanked (the '.' key). */
  blank: boolean;
  /** Presenter: the key list is showing (the '?' key). */
  help: boolean;
  editorOpen: boolean;
  /**
   * The editor's unsaved work (null: none), kept as it is typed and in this browser across a
   * reload (scenarioDraft.ts), until Run it or Discard.
   */
  editorDraft: ScenarioDraft | null;
  /** Why the draft kept in this browser was dropped when the page started (null: it was not). */
  draftProblem: string | null;
  /** A step animation is running from one step's end to the next. */
  animating: boolean;
  /**
   * "What if": the run left the script (a command or knob of the user's) after step `from`, and
   * the steps after it ran on top of what the user did; `ends[k]` is how many records the session
   * had once step k had run so. Null while the run follows the script.
   */
  whatIf: { from: number; ends: Record<number, number> } | null;

  ensureCatalogue(): Promise<void>;
  /** Opens a scenario at `step`: samples, boot, every step run, then the cursor placed. */
  open(ref: string, step?: number, mode?: ScenarioMode, panels?: Panel[], given?: Scenario): Promise<boolean>;
  /** Runs a scenario the user wrote or loaded from a file (kept in this browser for its link). */
  openUser(s: Scenario, mode?: ScenarioMode): Promise<boolean>;
  /** Shows step `k`: played from the previous step's end when moving one forward, else at once. */
  goToStep(k: number, opts?: { animate?: boolean }): void;
  next(): void;
  prev(): void;
  /** Puts the simulator back on the scenario's path, at `step` (the current one by default). */
  returnTo(step?: number): Promise<void>;
  setMode(mode: ScenarioMode | null): void;
  close(): void;
  fail(problem: string): void;
  setBlank(blank: boolean): void;
  setHelp(help: boolean): void;
  setEditorOpen(open: boolean): void;
  /** Keeps the editor's work (null: none, after Run it or Discard), in this browser too. */
  keepEditorDraft(draft: ScenarioDraft | null): void;
  dismissDraftProblem(): void;
  /** The step follows the cursor when the user moves it with the timeline's own controls. */
  followCursor(): void;
}

export function scenarioUrl(rel: string): string {
  return new URL(`scenarios/${rel}`, document.baseURI).href;
}

async function fetchText(rel: string): Promise<string> {
  const r = await fetch(scenarioUrl(rel));
  if (!r.ok) throw new Error(`HTTP ${r.status} for scenarios/${rel}`);
  return r.text();
}

const onPath = (inputs: (SimInput | null)[]) => inputs.filter((i): i is SimInput => i !== null);

/** Whether the session has left the active scenario's path, and how many inputs it shares with it. */
export function offPath(s: Pick<LensState, "scenario" | "sim">): { off: boolean; shared: number } {
  const a = s.scenario.active;
  if (!a) return { off: false, shared: 0 };
  return pathStatus(onPath(a.inputs), s.sim.records.map((r) => r.input));
}

function writeHash(sc: ScenarioSlice): void {
  const { active, mode, step, panels } = sc;
  if (!active || !mode) return;
  const next = formatScenarioHash({ mode, scenario: active.ref, step, panels });
  if (next !== location.hash) history.replaceState(null, "", next);
}

export function createScenarioSlice({ set, get }: SliceApi<"scenario">): ScenarioSlice {
  const sc = () => get().scenario;
  let cataloguePromise: Promise<void> | null = null;
  let opening = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // A draft kept from an earlier visit is read once its validator has loaded; one the editor
  // has started meanwhile is not replaced.
  void readStoredDraft().then(({ draft, problem }) => {
    if (sc().editorDraft === null) set({ editorDraft: draft, draftProblem: problem });
  });

  const stopAnimation = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (sc().animating) set({ animating: false });
  };
  // Plays the timeline from one step's end to the next at the simulator's own pace, twice as
  // brisk: a scenario step is watched for its outcome. Each move shows what is due and holds it
  // for its beats, as the player does (playbackStep): a wave of many CPUs takes what three take
  // (WAVE_MS), beats shorter than a frame are shown together, and a page slow to draw catches up,
  // so a 64-CPU step plays in the seconds a 4-CPU one takes, every CPU still drawn in turn.
  const animateTo = (target: number) => {
    stopAnimation();
    set({ animating: true });
    /** When the move being made was due (null: the first). */
    let due: number | null = null;
    const tick = () => {
      const { cursor, items, speed, setCursor } = get().sim;
      if (cursor >= target || cursor >= items.length) {
        timer = null;
        set({ animating: false });
        return;
      }
      const now = performance.now();
      const { to, wait } = playbackStep(items.slice(0, target), cursor, speed * 2, null, due === null ? 0 : now - due);
      setCursor(to);
      due = now + wait;
      timer = setTimeout(tick, wait);
    };
    tick();
  };

  async function resolve(ref: string): Promise<Scenario> {
    if (ref.startsWith("user:")) {
      const s = await findUserScenario(ref.slice(5));
      if (!s) throw new Error(`No scenario "${ref.slice(5)}" was saved in this browser. Load its file instead.`);
      return s;
    }
    await sc().ensureCatalogue();
    const { catalogue, catalogueProblem } = sc();
    const entry = catalogue?.find((e) => e.id === ref);
    if (!entry) throw new Error(catalogueProblem ?? `There is no scenario "${ref}" in the catalogue.`);
    if (!entry.scenario) throw new Error(entry.problem ?? `Scenario "${ref}" could not be read.`);
    return entry.scenario;
  }

  /** The files the open scenario brought into the page (it owns them: the next one replaces them). */
  let owned = new Set<string>();

  /**
   * Clears the page for scenario `s`: files an earlier scenario brought go unless `s` uses them
   * too; files the user added go only if the user agrees (asked once, naming them).
   */
  function replaceFiles(s: Scenario): void {
    const wanted = new Set([s.image, ...s.payloads]);
    const keep = (f: LoadedFile) => f.origin.kind === "sample" && wanted.has(f.origin.path);
    const list = get().files.list.filter((f) => !keep(f));
    const theirs = list.filter((f) => owned.has(f.id));
    const users = list.filter((f) => !owned.has(f.id) && !(f.origin.kind === "sample" && f.origin.path === DEFAULT_IMAGE));
    const gone = [...theirs, ...list.filter((f) => f.origin.kind === "sample" && f.origin.path === DEFAULT_IMAGE)];
    if (users.length && typeof confirm === "function") {
      const names = users.map((f) => f.name).join(", ");
      if (confirm(`"${s.title}" brings its own files. Remove the ${users.length === 1 ? "file" : `${users.length} files`} you added too (${names})?\n\nOK removes them; Cancel keeps them beside the scenario's.`)) gone.push(...users);
    }
    for (const f of gone) get().files.unload(f.id);
  }

  /** Loads the scenario's samples into the page (the console finds payloads by their file names). */
  async function loadSamples(s: Scenario): Promise<string> {
    replaceFiles(s);
    const { files, ui } = get();
    const previous = ui.selectedFileId;
    const paths = [s.image, ...s.payloads];
    const ids = await Promise.all(paths.map((p) => files.loadSample(p)));
    if (previous && get().files.list.some((f) => f.id === previous)) get().ui.selectFile(previous);
    const loaded = await Promise.all(ids.map((id) => get().files.settled(id)));
    loaded.forEach((f, i) => {
      if (!f || f.status !== "ready") throw new Error(`The sample ${paths[i]} could not be loaded${f?.problem ? `: ${f.problem.message}` : ""}.`);
    });
    if (loaded[0]!.parsed?.role !== "image") throw new Error(`${s.image} is not a hypervisor image.`);
    owned = new Set(ids);
    return ids[0];
  }

  let branching = false;
  /**
   * Moves to step `k` of a run that has left the script: steps up to where it left show as they
   * were; later ones run their inputs on top of what the user did (once: going back and forth
   * moves the cursor), so a knob or command given mid-scenario carries into the following steps.
   */
  async function whatIfTo(k: number): Promise<void> {
    const a = sc().active;
    if (!a || branching) return;
    const sim = () => get().sim;
    const wi = sc().whatIf ?? { from: sc().step, ends: {} };
    stopAnimation();
    const show = (records: number, step: number) => {
      set({ step, whatIf: wi });
      sim().setCursor(records === 0 ? 0 : recordEnds(sim().records)[records - 1]);
      focusPayload(a, step);
      writeHash(sc());
    };
    if (k <= wi.from) return show(Math.min(inputsThrough(a.inputs, k), offPath(get()).shared), k);
    branching = true;
    try {
      for (let j = wi.from + 1; j <= k; j++) {
        if (wi.ends[j] !== undefined) continue;
        const input = a.inputs[j - 1];
        if (input) {
          sim().setCursor(sim().items.length);
          await sim().runInput(input, { teach: true });
        }
        wi.ends[j] = sim().records.length;
      }
    } finally {
      branching = false;
    }
    const end = wi.ends[k];
    set({ step: k, whatIf: wi });
    // Played from the step before when moving one forward, as on the script.
    if (!prefersReducedMotion() && sim().playing) return;
    show(end, k);
  }

  /** The diagram's payload is the step's own (stepPayload), whatever was chosen before. */
  function focusPayload(a: ActiveScenario, step: number): void {
    get().sim.selectPayload(stepPayload(a.scenario, step));
  }

  return {
    catalogue: null,
    catalogueProblem: null,
    active: null,
    step: 0,
    mode: null,
    panels: [],
    loading: false,
    problem: null,
    blank: false,
    help: false,
    editorOpen: false,
    editorDraft: null,
    draftProblem: null,
    animating: false,
    whatIf: null,

    ensureCatalogue() {
      cataloguePromise ??= import("../scenarios/catalogue.ts").then(({ loadCatalogue }) => loadCatalogue(fetchText)).then(
        (catalogue) => set({ catalogue, catalogueProblem: null }),
        (e: unknown) => {
          cataloguePromise = null;
          set({ catalogueProblem: `Scenario catalogue: ${e instanceof Error ? e.message : String(e)}` });
        },
      );
      return cataloguePromise;
    },

    async open(ref, step = 0, mode = "page", panels = [], given) {
      const token = ++opening;
      stopAnimation();
      set({ loading: true, problem: null, mode, panels, blank: false, help: false });
      const sim = () => get().sim;
      // Open the simulator page without its default boot: the scenario boots its own image.
      if (mode !== "embed") sim().setOpen(true, { boot: false });
      try {
        const scenario = given ?? (await resolve(ref));
        const imageId = await loadSamples(scenario);
        if (token !== opening) return false;
        await sim().bootFrom(imageId, scenario.cpus);
        if (token !== opening) return false;
        if (sim().status !== "ready") throw new Error(sim().message?.text ?? "The simulator did not boot.");
        const inputs = stepInputs(scenario);
        if (!(await sim().runInputs(onPath(inputs), 0))) throw new Error(sim().message?.text ?? "The steps did not run.");
        if (token !== opening) return false;
        set({ active: { ref, scenario, inputs }, loading: false, step: 0, whatIf: null });
        sc().goToStep(Math.min(step, scenario.steps.length), { animate: false });
        return true;
      } catch (e) {
        // The page no longer shows what was asked for: a scenario still open from before (another
        // ref) would go on showing its slides under the new link, so it is closed, and the problem says why.
        if (token === opening) set((cur) => ({ loading: false, problem: e instanceof Error ? e.message : String(e), ...(cur.active && cur.active.ref !== ref ? { active: null, step: 0, whatIf: null } : {}) }));
        return false;
      }
    },

    openUser: async (s, mode = "page") => sc().open(await keepUserScenario(s), 0, mode, [], s),

    goToStep(k, opts = {}) {
      const { active, step: was } = sc();
      if (!active) return;
      const step = Math.max(0, Math.min(active.scenario.steps.length, Math.round(k)));
      if (offPath(get()).off) {
        void whatIfTo(step);
        return;
      }
      const { records, setCursor } = get().sim;
      const target = cursorForStep(records, active.inputs, step);
      const from = cursorForStep(records, active.inputs, step - 1);
      stopAnimation();
      set({ step });
      if (opts.animate !== false && step === was + 1 && target > from && !prefersReducedMotion()) {
        setCursor(from);
        animateTo(target);
      } else {
        setCursor(target);
      }
      focusPayload(active, step);
      writeHash(sc());
    },

    next: () => sc().goToStep(sc().step + 1),
    prev: () => sc().goToStep(sc().step - 1, { animate: false }),

    async returnTo(step = sc().step) {
      const a = sc().active;
      if (!a) return;
      stopAnimation();
      set({ loading: true });
      const ok = await get().sim.runInputs(onPath(a.inputs), 0);
      set({ loading: false, whatIf: null, ...(ok ? {} : { problem: get().sim.message?.text ?? "Could not return to the scenario." }) });
      if (ok) sc().goToStep(step, { animate: false });
    },

    setMode(mode) {
      set({ mode, blank: false, help: false });
      if (mode) writeHash(sc());
    },

    close() {
      stopAnimation();
      set({ active: null, mode: null, step: 0, problem: null, blank: false, help: false, whatIf: null });
      history.replaceState(null, "", location.pathname + location.search);
    },

    fail: (problem) => set({ problem }),
    setBlank: (blank) => set({ blank }),
    setHelp: (help) => set({ help }),
    setEditorOpen: (editorOpen) => set({ editorOpen }),
    keepEditorDraft: (editorDraft) => {
      storeDraft(editorDraft);
      set({ editorDraft });
    },
    dismissDraftProblem: () => set({ draftProblem: null }),

    followCursor() {
      const { active, step, animating, loading } = sc();
      if (!active || animating || loading || offPath(get()).off) return;
      const { records, cursor } = get().sim;
      const lo = cursorForStep(records, active.inputs, step - 1);
      const hi = cursorForStep(records, active.inputs, step);
      if (cursor >= lo && cursor <= hi) return;
      set({ step: stepAtCursor(records, active.inputs, cursor) });
      writeHash(sc());
    },
  };
}

/**
 * Keeps the scenario in step with the simulator: the step follows the cursor, leaving the
 * simulator page hands the URL back to the inspector, and coming back restores the scenario's link.
 */
export function followSimulator(store: StoreApi<LensState>): void {
  store.subscribe((s, prev) => {
    const { sim, scenario: sc } = s;
    if (sim.open !== prev.sim.open && sc.active && sc.mode === "page") {
      if (!sim.open) history.replaceState(null, "", location.pathname + location.search);
      else writeHash(sc);
    }
    if (sim.cursor !== prev.sim.cursor || sim.records !== prev.sim.records) sc.followCursor();
  });
}
