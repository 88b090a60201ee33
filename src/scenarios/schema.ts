// The scenario file format (version 1): which samples to load, then a list of steps, each a
// console command (as `livepatch-lens sim` accepts it) or a knob change, with an explanation and
// the things on screen it is about. Plain data; `validate.ts` turns untrusted JSON into this.

export const SCENARIO_FORMAT = "livepatch-lens-scenario";
export const SCENARIO_VERSION = 1;

/** Caps that keep a hostile file from making the page do unbounded work. */
export const LIMITS = {
  fileBytes: 1_000_000,
  steps: 200,
  payloads: 32,
  highlights: 16,
  title: 200,
  summary: 2_000,
  explain: 4_000,
  command: 500,
  errors: 25,
} as const;

export const HOOK_KINDS = ["preapply", "apply", "postapply", "prerevert", "revert", "postrevert"] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

/** A change the simulator's knobs make; cpus, stall and hook are console commands too. */
export type Knob =
  | { cpus: number }
  | { stall: { cpu: number; ms: number } }
  | { hook: { payload: string; kind: HookKind; rc: number } }
  /** The ACTION timeout later apply/revert/replace/unload steps ask for (xen-livepatch always asks 30 ms). */
  | { timeout: { ms: number } };

export const FUNC_FIELDS = ["name", "new_addr", "old_addr", "new_size", "old_size", "version", "expect"] as const;
export type FuncField = (typeof FUNC_FIELDS)[number];

/** Something on screen a step is about; the views mark it. */
export type Highlight =
  /** A field of one `struct livepatch_func` entry of a payload. */
  | { kind: "field"; payload: string; func: number; field: FuncField }
  /** A Xen (or payload) symbol: its memory window. */
  | { kind: "symbol"; name: string }
  /** An address: the memory window that holds it. */
  | { kind: "addr"; addr: string }
  /** A CPU lane at the rendezvous. */
  | { kind: "cpu"; cpu: number }
  /** The payload whose state diagram the step is about. */
  | { kind: "payload"; name: string };

/** What running the step must produce; the catalogue test holds every scenario to it. */
export interface StepExpect {
  /** The console command's exit status (xen-livepatch: 0 ok, 1 error, 2 retry/timeout). */
  status?: number;
  /** Text the command's output must contain, each in turn. */
  output?: string[];
  /** Payload states after the step: APPLIED, CHECKED, or "none" (not loaded). */
  states?: Record<string, "APPLIED" | "CHECKED" | "none">;
  /** Status rc of a payload as GET reports it after the step. */
  rc?: Record<string, number>;
}

export type Step = {
  title?: string;
  explain: string;
  highlight: Highlight[];
  expect?: StepExpect;
} & ({ command: string; knob?: undefined } | { knob: Knob; command?: undefined });

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  version: typeof SCENARIO_VERSION;
  id: string;
  title: string;
  summary: string;
  /** Sample path of the hypervisor image, e.g. "x86_64/xen-syms". */
  image: string;
  /** Sample paths of the payloads the commands name by their file names. */
  payloads: string[];
  cpus: number;
  steps: Step[];
}

export interface ScenarioIssue {
  /** Where in the file, e.g. `steps[2].command`. */
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  constructor(readonly issues: ScenarioIssue[]) {
    super(issues.map((i) => `${i.path || "(file)"}: ${i.message}`).join("\n"));
  }
}

/** Sample paths are plain relative paths inside public/samples. */
export const SAMPLE_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
export const SCENARIO_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** One step as the scenario editor holds it: the command line as typed, its title and explanation. */
export interface DraftStep {
  title: string;
  command: string;
  explain: string;
  /** The loaded step, kept whole while its command is not edited (knobs, highlights, expectations). */
  original: Step | null;
}

/**
 * What the scenario editor holds: a scenario being written, which need not be valid yet (an empty
 * title or explanation, a command naming a payload not ticked: Run it lists those). Kept when the
 * editor closes with changes, and in this browser across a reload, until Run it or Discard.
 */
export interface ScenarioDraft {
  title: string;
  summary: string;
  image: string;
  payloads: string[];
  cpus: number;
  steps: DraftStep[];
}
