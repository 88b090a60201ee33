// Which payload a scenario is about before any step has run: the first one a step highlights,
// else the first payload it loads (named as the console names it: the file's stem).
import { baseName, type Scenario } from "./schema.ts";

export function firstPayload(s: Scenario): string | null {
  for (const st of s.steps) for (const h of st.highlight) if (h.kind === "payload" || h.kind === "field") return h.kind === "payload" ? h.name : h.payload;
  const p = s.payloads[0];
  return p ? baseName(p).replace(/\.[^.]*$/, "") : null;
}
