// Scenario places in the URL hash: `#scenario=hello-world&step=3` (the simulator page),
// `#present&scenario=…&step=…` (presenter mode) and `#embed&scenario=…&step=…&panels=diagram,memory`
// (one scenario step with chosen panels and no chrome). Anything malformed is dropped, not trusted.
import { SCENARIO_ID } from "./schema.ts";

export const PANELS = ["diagram", "explain", "cpus", "memory", "console", "timeline"] as const;
export type Panel = (typeof PANELS)[number];
export const DEFAULT_EMBED_PANELS: Panel[] = ["diagram", "explain"];

export type ScenarioMode = "page" | "present" | "embed";

export interface ScenarioPlace {
  mode: ScenarioMode;
  /** A catalogue id, or `user:<id>` for one the user wrote in this browser. */
  scenario: string;
  step: number;
  panels: Panel[];
}

const USER_ID = /^user:[a-z0-9][a-z0-9-]{0,63}$/;

export function isScenarioRef(s: string): boolean {
  return SCENARIO_ID.test(s) || USER_ID.test(s);
}

export function parseScenarioHash(hash: string): ScenarioPlace | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const scenario = params.get("scenario");
  if (!scenario || !isScenarioRef(scenario)) return null;
  const stepText = params.get("step") ?? "0";
  const step = /^\d{1,4}$/.test(stepText) ? Number(stepText) : 0;
  const mode: ScenarioMode = params.has("embed") ? "embed" : params.has("present") ? "present" : "page";
  const asked = (params.get("panels") ?? "").split(",").filter((p): p is Panel => (PANELS as readonly string[]).includes(p));
  const panels = [...new Set(asked)];
  return { mode, scenario, step, panels: panels.length ? panels : mode === "embed" ? DEFAULT_EMBED_PANELS : [] };
}

export function formatScenarioHash(p: ScenarioPlace): string {
  const parts: string[] = [];
  if (p.mode === "embed") parts.push("embed");
  if (p.mode === "present") parts.push("present");
  parts.push(`scenario=${p.scenario}`, `step=${p.step}`);
  if (p.mode === "embed" && p.panels.length) parts.push(`panels=${p.panels.join(",")}`);
  return `#${parts.join("&")}`;
}

/** True when a hash names a scenario: the inspector's own hash handling leaves it alone. */
export function isScenarioHash(hash: string): boolean {
  return parseScenarioHash(hash) !== null;
}
