// Writing a scenario in the page: a title, the samples it needs, and steps (a console command and
// its explanation). Knobs are console commands too (cpus, stall, hook), plus `timeout MS` for the
// ACTION timeout of later steps; a step loaded from a file keeps its highlights and expectations
// until its command is edited. The result is validated by the
// same code that reads files, and problems are listed by field.
// A changed draft is kept as it is typed, in the page and in this browser (a reload keeps it:
// src/state/scenarioDraft.ts), until Run it or Discard changes: closing (×, Close, Escape outside
// a text field) loses nothing, and Write… then reopens it.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { createFocusTrap } from "focus-trap";
import {
  baseName,
  knobLine,
  payloadsFor,
  remapPayloads,
  SAMPLE_IMAGES,
  sampleInfo,
  SCENARIO_FORMAT,
  SCENARIO_VERSION,
  ScenarioError,
  validateScenario,
  type DraftStep,
  type Scenario,
  type ScenarioDraft,
  type Step,
} from "../../scenarios/index.ts";
import { useLens } from "../../state/store.ts";
import { loadSampleCatalogue } from "../../services/samples.ts";
import { downloadScenario } from "./scenarioDownload.ts";

/** Each sample's summary, from the catalogue the sample menu fetches (a tooltip: none until it arrives). */
function useSampleSummaries(): ReadonlyMap<string, string> {
  const [summaries, setSummaries] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    loadSampleCatalogue().then(
      (all) => live && setSummaries(new Map(all.map((s) => [s.path, s.summary]))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return summaries;
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

/** The editor's content for a scenario (or a first step for none). */
function draftOf(start: Scenario | null): ScenarioDraft {
  return {
    title: start?.title ?? "",
    summary: start?.summary ?? "",
    image: start?.image ?? "x86_64/xen-syms",
    payloads: start?.payloads ?? ["x86_64/xen_hello_world.livepatch"],
    cpus: start?.cpus ?? 4,
    steps: start?.steps.map((s) => ({ title: s.title ?? "", command: commandOf(s), explain: s.explain, original: s })) ?? [
      { title: "", command: "upload xen_hello_world xen_hello_world.livepatch", explain: "", original: null },
    ],
  };
}

const sameDraft = (a: ScenarioDraft, b: ScenarioDraft) => JSON.stringify(a) === JSON.stringify(b);

/** Where Escape belongs to the field (a spelling or autofill popup, a select's list), not the dialog. */
function isTextField(t: EventTarget): boolean {
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  return t instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit", "reset", "file"].includes(t.type);
}

const names = (paths: string[]) => paths.map(baseName).join(", ");

/** What switching the image did to the ticked payloads, in words. */
function remapNote(from: string[], image: string): string {
  const r = remapPayloads(from, image);
  const arch = sampleInfo(image)?.arch ?? image;
  const parts = [];
  if (r.mapped.length) parts.push(`now ticks the ${arch} build of ${names(r.mapped.map(([, to]) => to))}`);
  if (r.dropped.length) parts.push(`dropped ${names(r.dropped)}: no ${arch} build (steps naming ${r.dropped.length === 1 ? "it" : "them"} show as problems)`);
  return `Image ${image}: ${parts.length ? parts.join("; ") : "no payloads were ticked"}.`;
}

export function ScenarioEditor({ start, onClose }: { start: Scenario | null; onClose(): void }) {
  const keepDraft = useLens((s) => s.scenario.keepEditorDraft);
  const [fresh] = useState(() => draftOf(start));
  const [kept] = useState(() => useLens.getState().scenario.editorDraft);
  const [d, setD] = useState<ScenarioDraft>(() => kept ?? fresh);
  const [resumed, setResumed] = useState(kept !== null);
  const [issues, setIssues] = useState<string[]>([]);
  const [note, setNote] = useState("");
  const dialog = useRef<HTMLFormElement>(null);
  const dirty = !sameDraft(d, fresh);
  const put = (patch: Partial<ScenarioDraft>) => setD((x) => ({ ...x, ...patch }));

  // Modal: the focus moves into the dialog (so Escape and Tab work at once), Tab cycles inside,
  // and it goes back to Write… when the editor closes.
  useLayoutEffect(() => {
    const el = dialog.current;
    if (!el) return;
    const trap = createFocusTrap(el, { initialFocus: el, fallbackFocus: el, escapeDeactivates: false, allowOutsideClick: true, returnFocusOnDeactivate: true });
    trap.activate();
    return () => void trap.deactivate();
  }, []);

  // Changed work is kept as it is typed (in this browser too), so a reload does not lose it.
  useEffect(() => keepDraft(dirty ? d : null), [d, dirty, keepDraft]);

  /** Closes; changed work stays for the next Write…, after a reload too. */
  const close = () => {
    keepDraft(dirty ? d : null);
    onClose();
  };
  const discard = () => {
    keepDraft(null);
    setD(fresh);
    setResumed(false);
    setIssues([]);
    setNote("");
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || isTextField(e.target)) return;
    e.preventDefault();
    close();
  };

  const forImage = payloadsFor(d.image);
  const summaries = useSampleSummaries();
  // Ticked payloads not built for the image (a draft from elsewhere) stay listed, so they can be unticked.
  const listed = [...forImage, ...d.payloads.filter((p) => !forImage.some((s) => s.path === p)).map((p) => sampleInfo(p) ?? { path: p })];
  const setImage = (image: string) => {
    if (image === d.image) return;
    setNote(remapNote(d.payloads, image));
    put({ image, payloads: remapPayloads(d.payloads, image).payloads });
  };

  const build = (): Scenario | null => {
    const raw = {
      format: SCENARIO_FORMAT,
      version: SCENARIO_VERSION,
      id: start?.id && start.title === d.title ? start.id : slug(d.title),
      title: d.title,
      summary: d.summary,
      image: d.image,
      payloads: d.payloads,
      cpus: d.cpus,
      steps: toSteps(d.steps),
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

  const setSteps = (f: (all: DraftStep[]) => DraftStep[]) => setD((x) => ({ ...x, steps: f(x.steps) }));
  const edit = (i: number, patch: Partial<DraftStep>) => setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, dir: number) =>
    setSteps((all) => {
      const j = i + dir;
      if (j < 0 || j >= all.length) return all;
      const next = [...all];
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });

  return (
    <div className="scn-editor-backdrop" role="presentation" onKeyDown={onKey}>
      <form ref={dialog} tabIndex={-1} className="scn-editor" role="dialog" aria-modal="true" aria-label="Write a scenario" onSubmit={(e) => e.preventDefault()}>
        <header>
          <h2>Write a scenario</h2>
          <button type="button" className="small ghost" onClick={close} aria-label="Close the editor" title={dirty ? "Close; your changes stay here for the next Write…" : "Close"}>
            ×
          </button>
        </header>
        {resumed && (
          <p className="scn-draft-note" role="status">
            Your draft from before: not run or discarded yet.
          </p>
        )}
        <div className="scn-form-grid">
          <label>
            Title
            <input value={d.title} onChange={(e) => put({ title: e.target.value })} aria-label="Scenario title" placeholder="What this scenario shows" />
          </label>
          <label>
            Image
            <select value={d.image} onChange={(e) => setImage(e.target.value)} aria-label="Image">
              {(SAMPLE_IMAGES.includes(d.image) ? SAMPLE_IMAGES : [d.image, ...SAMPLE_IMAGES]).map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
          <label>
            CPUs
            <input type="number" min={1} max={64} value={d.cpus} onChange={(e) => put({ cpus: Number(e.target.value) })} aria-label="CPUs" />
          </label>
          <label className="wide">
            Summary (state the expected outcome)
            <textarea rows={2} value={d.summary} onChange={(e) => put({ summary: e.target.value })} aria-label="Summary" />
          </label>
        </div>
        <fieldset className="scn-payloads">
          <legend>Payloads for {d.image} (commands name them by file name)</legend>
          {listed.map((p) => {
            const foreign = !forImage.some((s) => s.path === p.path);
            return (
              <label key={p.path} title={foreign ? `${p.path} is not built for ${d.image}` : summaries.get(p.path)} className={foreign ? "foreign" : undefined}>
                <input
                  type="checkbox"
                  checked={d.payloads.includes(p.path)}
                  onChange={(e) => put({ payloads: e.target.checked ? [...d.payloads, p.path] : d.payloads.filter((x) => x !== p.path) })}
                />
                {foreign ? `${p.path} (not for this image)` : baseName(p.path)}
              </label>
            );
          })}
        </fieldset>
        {note && (
          <p className="scn-image-note" role="status" aria-label="Payloads after the image change">
            {note}
          </p>
        )}
        <ol className="scn-edit-steps">
          {d.steps.map((s, i) => (
            <li key={i} aria-label={`Step ${i + 1}`}>
              <div className="scn-edit-row">
                <span className="mono">{i + 1}.</span>
                <input value={s.command} onChange={(e) => edit(i, { command: e.target.value })} aria-label={`Step ${i + 1} command`} className="mono" placeholder="apply xen_hello_world · stall 2 45 · timeout 100" />
                <input value={s.title} onChange={(e) => edit(i, { title: e.target.value })} aria-label={`Step ${i + 1} title`} placeholder="short title (optional)" />
                <button type="button" className="small ghost" onClick={() => move(i, -1)} aria-label={`Move step ${i + 1} up`} disabled={i === 0}>
                  ↑
                </button>
                <button type="button" className="small ghost" onClick={() => move(i, 1)} aria-label={`Move step ${i + 1} down`} disabled={i === d.steps.length - 1}>
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
                keepDraft(null);
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
          <button type="button" className="ghost" onClick={close} title={dirty ? "Your changes stay here for the next Write…" : undefined}>
            Close
          </button>
          {(dirty || resumed) && (
            <button type="button" className="ghost" onClick={discard} title={start ? `Back to “${start.title}” as it is` : "Back to an empty scenario"}>
              Discard changes
            </button>
          )}
          {dirty && <span className="scn-draft-hint">Closing keeps your changes until you run or discard them.</span>}
        </footer>
      </form>
    </div>
  );
}
