// Which payload a scenario is about before any step has run: the first one a step highlights,
// else the first payload it loads (named as the console names it: the file's stem).
import { baseName, type Scenario } from "./schema.ts";

export function firstPayload(s: Scenario): string | null {
  for (const st of s.steps) for (const h of st.highlight) if (h.kind === "payload" || h.kind === "field") return h.kind === "payload" ? h.name : h.payload;
  const p = s.payloads[0];
  return p ? baseName(p).replace(/\.[^.]*$/, "") : null;
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
