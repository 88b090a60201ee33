// Writing a scenario in the page: a title, the samples it needs, and steps (a console command and
// its explanation). Knobs are console commands too (cpus, stall, hook), plus `timeout MS` for the
// ACTION timeout of later steps; a step loaded from a file keeps its highlights and expectations
// until its command is edited. The result is validated by the
// same code that reads files, and problems are listed by field.
import { useEffect, useMemo, useState } from "react";
import { loadSampleCatalogue, type SampleEntry } from "../../services/samples.ts";
import { knobLine, SCENARIO_FORMAT, SCENARIO_VERSION, ScenarioError, validateScenario, type Scenario, type Step } from "../../scenarios/index.ts";
import { useLens } from "../../state/store.ts";
import { downloadScenario } from "./scenarioFile.ts";

interface DraftStep {
  title: string;
  command: string;
  explain: string;
  /** The loaded step, kept whole while its command is not edited (knobs, highlights, expectations). */
  original: Step | null;
}

function commandOf(st: Step): string {
  if (st.command !== undefined) return st.command;
  return knobLine(st.knob) ?? `timeout ${"timeout" in st.knob ? st.knob.timeout.ms : 30}`;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48) || "my-scenario";
}

function toSteps(d: DraftStep[]): unknown[] {
  return d.map((s) => {
    const keep = s.original && commandOf(s.original) === s.command ? s.original : null;
    const base = { ...(s.title.trim() ? { title: s.title.trim() } : {}), explain: s.explain };
    if (keep) return { ...keep, ...base };
    // Not a console command: the ACTION timeout later apply/revert/replace/unload steps ask for.
    const t = /^timeout\s+(\d+(?:\.\d+)?)$/.exec(s.command.trim());
    if (t) return { ...base, knob: { timeout: { ms: Number(t[1]) } } };
    return { ...base, command: s.command.trim() };
  });
}

export function ScenarioEditor({ start, onClose }: { start: Scenario | null; onClose(): void }) {
  const [samples, setSamples] = useState<SampleEntry[]>([]);
  const [title, setTitle] = useState(start?.title ?? "");
  const [summary, setSummary] = useState(start?.summary ?? "");
  const [image, setImage] = useState(start?.image ?? "x86_64/xen-syms");
  const [payloads, setPayloads] = useState<string[]>(start?.payloads ?? ["x86_64/xen_hello_world.livepatch"]);
  const [cpus, setCpus] = useState(start?.cpus ?? 4);
  const [steps, setSteps] = useState<DraftStep[]>(
    start?.steps.map((s) => ({ title: s.title ?? "", command: commandOf(s), explain: s.explain, original: s })) ?? [
      { title: "", command: "upload xen_hello_world xen_hello_world.livepatch", explain: "", original: null },
    ],
  );
  const [issues, setIssues] = useState<string[]>([]);

  useEffect(() => {
    loadSampleCatalogue().then(setSamples, () => setSamples([]));
  }, []);
  const images = samples.filter((s) => s.kind === "image");
  const forImage = useMemo(() => samples.filter((s) => s.kind === "payload" && s.image === image), [samples, image]);

  const build = (): Scenario | null => {
    const raw = {
      format: SCENARIO_FORMAT,
      version: SCENARIO_VERSION,
      id: start?.id && start.title === title ? start.id : slug(title),
      title,
      summary,
      image,
      payloads,
      cpus,
      steps: toSteps(steps),
    };
    try {
      const s = validateScenario(raw);
      setIssues([]);
      return s;
    } catch (e) {
      setIssues(e instanceof ScenarioError ? e.issues.map((i) => `${i.path || "(file)"}: ${i.message}`) : [String(e)]);
      return null;
    }
  };

  const edit = (i: number, patch: Partial<DraftStep>) => setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, d: number) =>
    setSteps((all) => {
      const j = i + d;
      if (j < 0 || j >= all.length) return all;
      const next = [...all];
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });

  return (
    <div className="scn-editor-backdrop" role="presentation" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <form className="scn-editor" role="dialog" aria-modal="true" aria-label="Write a scenario" onSubmit={(e) => e.preventDefault()}>
        <header>
          <h2>Write a scenario</h2>
          <button type="button" className="small ghost" onClick={onClose} aria-label="Close the editor">
            ×
          </button>
        </header>
        <div className="scn-form-grid">
          <label>
            Title
            <input value={title} onChange={(e) => setTitle(e.target.value)} aria-label="Scenario title" placeholder="What this scenario shows" />
          </label>
          <label>
            Image
            <select value={image} onChange={(e) => setImage(e.target.value)} aria-label="Image">
              {(images.length ? images.map((s) => s.path) : [image]).map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
          <label>
            CPUs
            <input type="number" min={1} max={64} value={cpus} onChange={(e) => setCpus(Number(e.target.value))} aria-label="CPUs" />
          </label>
          <label className="wide">
            Summary (state the expected outcome)
            <textarea rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} aria-label="Summary" />
          </label>
        </div>
        <fieldset className="scn-payloads">
          <legend>Payloads (commands name them by file name)</legend>
          {forImage.map((p) => (
            <label key={p.path} title={p.summary}>
              <input
                type="checkbox"
                checked={payloads.includes(p.path)}
                onChange={(e) => setPayloads((all) => (e.target.checked ? [...all, p.path] : all.filter((x) => x !== p.path)))}
              />
              {p.path.split("/").pop()}
            </label>
          ))}
        </fieldset>
        <ol className="scn-edit-steps">
          {steps.map((s, i) => (
            <li key={i} aria-label={`Step ${i + 1}`}>
              <div className="scn-edit-row">
                <span className="mono">{i + 1}.</span>
                <input value={s.command} onChange={(e) => edit(i, { command: e.target.value })} aria-label={`Step ${i + 1} command`} className="mono" placeholder="apply xen_hello_world · stall 2 45 · timeout 100" />
                <input value={s.title} onChange={(e) => edit(i, { title: e.target.value })} aria-label={`Step ${i + 1} title`} placeholder="short title (optional)" />
                <button type="button" className="small ghost" onClick={() => move(i, -1)} aria-label={`Move step ${i + 1} up`} disabled={i === 0}>
                  ↑
                </button>
                <button type="button" className="small ghost" onClick={() => move(i, 1)} aria-label={`Move step ${i + 1} down`} disabled={i === steps.length - 1}>
                  ↓
                </button>
                <button type="button" className="small ghost" onClick={() => setSteps((all) => all.filter((_, j) => j !== i))} aria-label={`Remove step ${i + 1}`}>
                  ✕
                </button>
              </div>
              <textarea rows={2} value={s.explain} onChange={(e) => edit(i, { explain: e.target.value })} aria-label={`Step ${i + 1} explanation`} placeholder="What Xen does now, and why" />
            </li>
          ))}
        </ol>
        <button type="button" className="small" onClick={() => setSteps((all) => [...all, { title: "", command: "", explain: "", original: null }])}>
          + Add step
        </button>
        {issues.length > 0 && (
          <ul className="scn-issues" role="alert" aria-label="Problems">
            {issues.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        )}
        <footer>
          <button
            type="button"
            className="primary"
            onClick={() => {
              const s = build();
              if (s) {
                onClose();
                void useLens.getState().scenario.openUser(s);
              }
            }}
          >
            Run it
          </button>
          <button
            type="button"
            onClick={() => {
              const s = build();
              if (s) downloadScenario(s);
            }}
          >
            Save file
          </button>
          <button type="button" className="ghost" onClick={onClose}>
            Cancel
          </button>
        </footer>
      </form>
    </div>
  );
}
