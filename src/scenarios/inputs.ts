// A scenario's steps as the simulator session's inputs: a command is the console line itself; the
// cpus/stall/hook knobs are the console commands the knob panel types; the timeout knob makes no
// input of its own, but turns later apply/revert/replace/unload lines into raw ACTION hypercalls
// with that timeout (xen-livepatch always asks for 30 ms, as the simulator's buttons do too).
import { tokenize } from "../console/index.ts";
import type { Knob, Scenario, Step } from "./schema.ts";

/** A simulator session input (the simulator's SimInput has this shape; kept here so this module stays pure). */
export type SimInput =
  | { kind: "console"; line: string; via: "console" | "button" | "knob" }
  | { kind: "action"; name: string; cmd: "APPLY" | "REVERT" | "REPLACE" | "UNLOAD"; timeoutNs: number };

const TOOL_DEFAULT_MS = 30;
const ACTIONS = { apply: "APPLY", revert: "REVERT", replace: "REPLACE", unload: "UNLOAD" } as const;

export function knobLine(k: Knob): string | null {
  if ("cpus" in k) return `cpus ${k.cpus}`;
  if ("stall" in k) return `stall ${k.stall.cpu} ${k.stall.ms}`;
  if ("hook" in k) return `hook ${k.hook.payload} ${k.hook.kind} ${k.hook.rc}`;
  return null;
}

function actionWithTimeout(line: string, timeoutMs: number): SimInput | null {
  if (timeoutMs === TOOL_DEFAULT_MS) return null;
  let w = tokenize(line) ?? [];
  if (w[0] === "xen-livepatch") w = w.slice(1);
  const cmd = ACTIONS[w[0] as keyof typeof ACTIONS];
  if (!cmd || w.length !== 2) return null;
  // 0 asks Xen for its default, which is also 30 ms.
  return { kind: "action", name: w[1], cmd, timeoutNs: Math.round(timeoutMs * 1e6) };
}

/** One entry per step: the input it runs, or null for a step that only changes a setting. */
export function stepInputs(s: Pick<Scenario, "steps">): (SimInput | null)[] {
  let timeoutMs = TOOL_DEFAULT_MS;
  return s.steps.map((st: Step) => {
    if (st.command !== undefined) return actionWithTimeout(st.command, timeoutMs) ?? { kind: "console", line: st.command, via: "console" };
    if ("timeout" in st.knob) {
      timeoutMs = st.knob.timeout.ms === 0 ? TOOL_DEFAULT_MS : st.knob.timeout.ms;
      return null;
    }
    return { kind: "console", line: knobLine(st.knob)!, via: "knob" };
  });
}

/** How many inputs have run once step `step` (1-based; 0 = the start) is done. */
export function inputsThrough(inputs: readonly (SimInput | null)[], step: number): number {
  let n = 0;
  for (let i = 0; i < Math.min(step, inputs.length); i++) if (inputs[i]) n++;
  return n;
}

export function sameInput(a: SimInput, b: SimInput): boolean {
  if (a.kind === "console" && b.kind === "console") return a.line.trim() === b.line.trim();
  if (a.kind === "action" && b.kind === "action") return a.name === b.name && a.cmd === b.cmd && a.timeoutNs === b.timeoutNs;
  return false;
}

/**
 * Where a session's inputs stand against the scenario's: the number of leading inputs they share,
 * and whether the session went somewhere the scenario does not (a different or an extra input).
 */
export function pathStatus(scenario: readonly SimInput[], session: readonly SimInput[]): { shared: number; off: boolean } {
  let shared = 0;
  while (shared < session.length && shared < scenario.length && sameInput(scenario[shared], session[shared])) shared++;
  return { shared, off: shared < session.length };
}

/** A short text for a step in lists and the editor. */
export function stepLabel(st: Step): string {
  if (st.title) return st.title;
  if (st.command !== undefined) return st.command;
  const k = st.knob;
  if ("timeout" in k) return `ACTION timeout ${k.timeout.ms} ms`;
  return knobLine(k)!;
}
