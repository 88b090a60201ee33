// The current step in words: where we are, what was typed (or which knob turned), what Xen does
// now and why, the payload function fields the step is about, and what the command printed.
import { stepLabel, type Highlight } from "../../scenarios/index.ts";
import { knobLine } from "../../scenarios/index.ts";
import type { ActiveScenario } from "../../state/scenario.ts";
import { FuncFields } from "./FuncFields.tsx";
import { useLens } from "../../state/store.ts";
import { inputsThrough, referredLines } from "../../scenarios/index.ts";

function typed(a: ActiveScenario, step: number): string {
  const st = a.scenario.steps[step - 1];
  if (st.command !== undefined) {
    const input = a.inputs[step - 1];
    return input?.kind === "action" ? `ACTION ${input.cmd} ${input.name} (timeout ${input.timeoutNs / 1e6} ms, raw hypercall)` : st.command;
  }
  const k = st.knob;
  return "timeout" in k ? `knob: ACTION timeout ${k.timeout.ms} ms` : `knob: ${knobLine(k)}`;
}

function chip(h: Highlight): string | null {
  if (h.kind === "cpu") return `CPU${h.cpu}`;
  if (h.kind === "symbol") return h.name;
  if (h.kind === "addr") return h.addr;
  return null;
}

export function Explanation({ active, step, showOutput = true }: { active: ActiveScenario; step: number; showOutput?: boolean }) {
  const n = active.scenario.steps.length;
  const st = step > 0 ? active.scenario.steps[step - 1] : null;
  const record = useLens(({ sim: s, scenario: { whatIf } }) => {
    if (!st || !active.inputs[step - 1]) return null;
    // Off the script, a later step's record is where the what-if run put it.
    const at = whatIf && step > whatIf.from ? whatIf.ends[step] : inputsThrough(active.inputs, step);
    return at === undefined ? null : (s.records[at - 1] ?? null);
  });
  const complete = useLens(({ sim: s }) => {
    if (!record) return false;
    const i = s.records.indexOf(record);
    let end = 0;
    for (let j = 0; j <= i; j++) end += 1 + (s.records[j].eventsTo - s.records[j].eventsFrom);
    return s.cursor >= end;
  });
  if (!st) {
    return (
      <div className="scn-explain" data-step="0">
        <p className="scn-where">
          {n} step{n === 1 ? "" : "s"} · start
        </p>
        <h3 className="scn-step-title">{active.scenario.title}</h3>
        <p className="scn-text">{active.scenario.summary}</p>
        <p className="scn-hint">Next (→) runs the first step.</p>
      </div>
    );
  }
  const chips = st.highlight.map(chip).filter((c): c is string => c !== null);
  return (
    <div className="scn-explain" data-step={step}>
      <p className="scn-where">
        Step {step} of {n}
      </p>
      <h3 className="scn-step-title">{stepLabel(st)}</h3>
      <p className="scn-typed">
        <code>{typed(active, step)}</code>
      </p>
      <p className="scn-text">{st.explain}</p>
      {chips.length > 0 && (
        <p className="scn-chips" aria-label="Highlighted">
          {chips.map((c) => (
            <span key={c} className="scn-chip">
              {c}
            </span>
          ))}
        </p>
      )}
      {st.highlight.map((h, i) => (h.kind === "field" ? <FuncFields key={i} payload={h.payload} func={h.func} field={h.field} /> : null))}
      {showOutput && record && complete && <Output output={record.output} status={record.status} expected={st.expect?.output} />}
    </div>
  );
}

/**
 * What the command printed, one element per line; the lines the step's text talks about (its
 * expected output, referredLines()) are marked, so a slide too small for the whole log keeps
 * those in view (Slide.tsx) instead of the log's last lines.
 */
function Output({ output, status, expected }: { output: string; status: number; expected: readonly string[] | undefined }) {
  const refs = new Set(referredLines(output, expected));
  const lines = [...(output.trimEnd() || "(no output)").split("\n"), `exit status ${status}`];
  return (
    <pre className={`scn-output ${status !== 0 ? "failed" : ""}`} aria-label="What the command printed">
      {lines.map((l, i) => (
        <span key={i} className="scn-line" data-ref={refs.has(i) ? "" : undefined}>
          {i < lines.length - 1 ? `${l}\n` : l}
        </span>
      ))}
    </pre>
  );
}
