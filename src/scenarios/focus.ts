// Which payload a scenario is about before any step has run: the first one a step highlights,
// else the first payload it loads (named as the console names it: the file's stem); which one a
// step shows (stepPayload); and the output lines a step talks about.
import { baseName, type Scenario } from "./schema.ts";

export function firstPayload(s: Scenario): string | null {
  for (const st of s.steps) for (const h of st.highlight) if (h.kind === "payload" || h.kind === "field") return h.kind === "payload" ? h.name : h.payload;
  const p = s.payloads[0];
  return p ? baseName(p).replace(/\.[^.]*$/, "") : null;
}

/**
 * The payload the state diagram shows at `step` (0 = the start), chosen by the scenario and the
 * step alone, never by the way there, so a step reached by a link, back/forward, a key or from
 * another scenario shows what a fresh load of its link shows: the start shows the first payload;
 * a step that highlights a payload (or one of its fields) shows that one; any other step chooses
 * none (null), and the views show the payload the run last acted on at the cursor. (Keeping the
 * choice of the step before there showed, after a switch, a payload of the scenario before as
 * "not loaded".)
 */
export function stepPayload(s: Scenario, step: number): string | null {
  if (step === 0) return firstPayload(s);
  const hl = s.steps[step - 1]?.highlight.find((h) => h.kind === "payload" || h.kind === "field");
  return hl?.kind === "payload" ? hl.name : hl?.kind === "field" ? hl.payload : null;
}

/**
 * The lines of a command's output that its step talks about: each line the step's `expect.output`
 * texts touch, found each after the one before (as the catalogue test checks them), 0-based.
 * Empty when the step expects no output or one of its texts is not there (a what-if run printed
 * something else): then nothing in the output is singled out.
 */
export function referredLines(output: string, expected: readonly string[] | undefined): number[] {
  const lines = new Set<number>();
  let from = 0;
  const lineAt = (offset: number) => output.slice(0, offset).split("\n").length - 1;
  for (const text of expected ?? []) {
    const at = output.indexOf(text, from);
    if (at < 0 || text.length === 0) return [];
    for (let l = lineAt(at), end = lineAt(at + text.length - 1); l <= end; l++) lines.add(l);
    from = at + text.length;
  }
  return [...lines].sort((a, b) => a - b);
}
