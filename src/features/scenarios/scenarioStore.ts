// The scenario being walked: which one, the step shown, how it is shown (the simulator page,
// presenter mode or an embed), and the presenter's screen states. The simulator's own slice keeps
// the session, the timeline and the cursor; this store only says where in the scenario we are.
import { create } from "zustand";
import type { SimInput } from "../../simulator/types.ts";
import type { CatalogueEntry, Panel, Scenario, ScenarioMode } from "../../scenarios/index.ts";

export interface ActiveScenario {
  /** Catalogue id, or `user:<id>` for one written in this browser. */
  ref: string;
  scenario: Scenario;
  /** One per step: the input it runs, or null for a setting-only step. */
  inputs: (SimInput | null)[];
}

export interface ScenarioState {
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
  /** A step animation is running from one step's end to the next. */
  animating: boolean;
}

export const useScenario = create<ScenarioState>()(() => ({
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
  animating: false,
}));
