// The audit, one click from anywhere: a verdict button in the top bar (with the first error's
// reason) that opens the plan (each payload's role: on the host, apply, upload only, replace),
// what the simulated hypervisor answered at each step, the findings per payload (filter by
// severity), and Markdown/JSON exports. Each finding links to its view and highlights its bytes.
// With payloads for two images loaded there is one host per image, each with its own report.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { NO_RETURN, PLAN_ROLES, ROLE_LABEL, rcText, rollbackText, toJson, toMarkdown, type AuditResult, type Finding, type FindingSeverity, type PlanRole } from "../../audit/index.ts";
import { shortBuildId } from "../../livepatch/index.ts";
import { selectFiles } from "../../state/selectors.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import type { NavTarget } from "../../state/nav.ts";
import { hex } from "../format.ts";
import { useAudit } from "./useAudit.ts";
import type { AuditRun } from "../../state/files.ts";
import { hostArch } from "../../state/auditHosts.ts";

type AuditView = AuditRun;
import "./audit.css";

const SEVERITIES: FindingSeverity[] = ["error", "warning", "info"];

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function targetOf(f: Finding): NavTarget {
  if (f.func) return { view: "functions", index: f.func.index };
  if (f.sectionIndex !== undefined) return { view: "sections", section: f.sectionIndex };
  return { view: "overview" };
}

function useFollow() {
  return (fileId: string, f: Finding) => {
    const { ui } = useLens.getState();
    // The finding's own bytes travel with the link: the view it opens (Overview, Functions,
    // Sections) selects them when it reveals its item (useReveal), after any bytes of the item's own.
    const bytes = f.offset === undefined ? undefined : { offset: f.offset, size: f.length ?? 1, label: f.id };
    ui.navigate(fileId, targetOf(f), bytes);
    ui.showHex();
  };
}

function Plan({ view }: { view: AuditView & { result: AuditResult } }) {
  const setRole = useLens((st) => st.files.setRole);
  return (
    <section className="audit-plan" aria-label="Plan">
      <h3>Plan</h3>
      <ol>
        {view.result.files.map((f, i) => {
          const id = view.ids[i];
          return (
            <li key={`${i}:${f.file}`}>
              <code>{f.name}</code>{" "}
              <label>
                <span className="sr-only">Role of {f.name}</span>
                <select value={f.role} disabled={!id} onChange={(e) => id && setRole(id, e.target.value as PlanRole)}>
                  {PLAN_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABEL[r]}
                    </option>
                  ))}
                </select>
              </label>
              {f.placement && <span className="mono muted"> text at {f.placement.payload.regions.text.addr}</span>}
            </li>
          );
        })}
      </ol>
      <ul className="audit-steps" data-testid="audit-steps">
        {[...view.result.steps, ...view.result.rollback.steps].map((st, i) => (
          <li key={i} className={st.ret !== 0 || (st.op !== "upload" && st.state !== (st.op === "revert" ? 1 : 2)) ? "bad" : "ok"}>
            {st.op.toUpperCase()} <code>{st.name}</code>: {st.ret === null ? NO_RETURN : <>hypercall returned {rcText(st.ret)}</>}
            {st.op !== "upload" && st.ret === 0 && st.state !== undefined && (
              <>
                {" "}
                · then {st.state === 2 ? "APPLIED" : st.state === 1 ? "CHECKED" : "gone"}, status rc {rcText(st.statusRc ?? 0)}
              </>
            )}
            {st.panic !== undefined && st.ret !== null && <> · the host panicked</>}
          </li>
        ))}
        <li className={view.result.rollback.ok ? "ok" : "bad"} data-testid="audit-rollback">
          {rollbackText(view.result.rollback)}
        </li>
      </ul>
    </section>
  );
}

function Findings({ view, shown }: { view: AuditView & { result: AuditResult }; shown: Set<FindingSeverity> }) {
  const follow = useFollow();
  const groups: (number | undefined)[] = [...view.result.files.map((_, i) => i), undefined];
  return (
    <>
      {groups.map((index) => {
        const name = index === undefined ? undefined : view.result.files[index].file;
        const mine = (f: Finding) => (index === undefined ? f.fileIndex === undefined || f.fileIndex < 0 : f.fileIndex === index);
        const list = view.result.findings.filter((f) => mine(f) && shown.has(f.severity));
        const all = view.result.findings.filter(mine);
        if (all.length === 0) return null;
        const fileId = index === undefined ? undefined : view.ids[index];
        return (
          <section key={index ?? "(set)"} className="audit-file" aria-label={`Findings for ${name ?? "the set"}`}>
            <h3>
              {name ?? "Across the set"} <span className="count">{list.length}</span>
            </h3>
            <ul>
              {list.map((f, i) => (
                <li key={i} className={`audit-finding ${f.severity}`}>
                  <span className={`sev ${f.severity}`}>{f.severity}</span>
                  {fileId && f.offset !== undefined ? (
                    <button type="button" className="linkish mono" onClick={() => follow(fileId, f)} title={`Show ${f.section ?? "the bytes"} at ${hex(f.offset)}`}>
                      {f.id}
                    </button>
                  ) : (
                    <code>{f.id}</code>
                  )}
                  {f.offset !== undefined && <span className="mono muted"> {hex(f.offset)}</span>}
                  {f.rc !== undefined && <span className="mono muted"> {f.rcKind === "status" ? "status rc" : "hypercall returned"} {rcText(f.rc)}</span>}
                  <p>{f.message}</p>
                  {f.severity !== "info" && <p className="why">{f.why}</p>}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}

export function AuditPanel() {
  const view = useAudit();
  const files = useLens(selectFiles);
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    // Esc closes the drawer from anywhere on the page, and focus returns to the button that opened it.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      e.preventDefault();
      setOpen(false);
      toggle.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  const [shown, setShown] = useState<Set<FindingSeverity>>(new Set(["error", "warning", "info"]));
  if (!view) return null;
  const failed = view.runs.find((r) => !r.result && r.error);
  const done = view.runs.every((r) => r.result);
  if (!done)
    return (
      <button type="button" className="small audit-toggle" disabled title={failed?.error ?? "The audit runs in the background"}>
        {failed ? "Audit: failed" : "Audit: checking…"}
      </button>
    );
  const runs = view.runs as (AuditRun & { result: AuditResult })[];
  const rejected = runs.find((r) => r.result.verdict !== "accept");
  const verdict = rejected ? "reject" : "accept";
  const n = (s: FindingSeverity) => runs.reduce((sum, r) => sum + r.result.findings.filter((f) => f.severity === s).length, 0);
  const filter = (
    <fieldset>
      <legend>Show</legend>
      {SEVERITIES.map((s) => (
        <label key={s}>
          <input
            type="checkbox"
            checked={shown.has(s)}
            onChange={(e) => {
              const next = new Set(shown);
              if (e.target.checked) next.add(s);
              else next.delete(s);
              setShown(next);
            }}
          />
          {s} ({n(s)})
        </label>
      ))}
    </fieldset>
  );
  return (
    <>
      <button ref={toggle} type="button" className={`small audit-toggle ${verdict}`} aria-expanded={open} onClick={() => setOpen(!open)} title={rejected?.result.reason ?? "No error found"}>
        Audit: {verdict}
      </button>
      {open && (
        <aside className="audit-panel" aria-label="Audit findings">
          <header>
            <h2>
              Verdict: <span className={`verdict ${verdict}`}>{verdict.toUpperCase()}</span>
            </h2>
            <button type="button" className="small ghost" onClick={() => setOpen(false)} aria-label="Close the audit">
              ×
            </button>
          </header>
          {runs.length > 1 && (
            <p className="muted">
              The payloads run on {runs.length} simulated hosts, each with a report of its own: {hostsSentence(runs.filter((r) => r.imageId !== null).length, runs.filter((r) => r.imageId === null).length)}.
            </p>
          )}
          {runs.length > 1 && <div className="audit-tools">{filter}</div>}
          {runs.map((run, i) =>
            runs.length === 1 ? (
              <RunReport key={i} run={run} shown={shown} filter={filter} fileStem="livepatch-audit" />
            ) : (
              <section key={i} className="audit-host" aria-label={`Host ${i + 1}: ${hostName(run, files)}`}>
                <h3>
                  Host {i + 1}: <code title={run.result.image?.buildId ? `build-id ${run.result.image.buildId}` : undefined}>{hostName(run, files)}</code> <span className={`verdict ${run.result.verdict}`}>{run.result.verdict.toUpperCase()}</span>
                </h3>
                <RunReport run={run} shown={shown} fileStem={`livepatch-audit-host${i + 1}`} />
              </section>
            ),
          )}
        </aside>
      )}
    </>
  );
}

/** How the hosts came to be: one per loaded image the payloads target, one stand-in per machine without one. */
function hostsSentence(images: number, standIns: number): string {
  const parts = [
    images ? `${images === 1 ? "one" : "one per"} loaded image they target` : "",
    standIns ? `${standIns === 1 ? "a stand-in Xen" : "a stand-in Xen per machine"} for ${standIns === 1 ? "a machine" : "machines"} no loaded image has` : "",
  ];
  return parts.filter(Boolean).join(", and ");
}

/**
 * Two images are often both called xen-syms: a host is named by its image's file, machine (as the
 * rail names it) and build-id; a stand-in Xen by the machine the audit boots it as (hostArch():
 * x86-64 for files that are not ELF).
 */
function hostName(run: AuditRun & { result: AuditResult }, files: readonly LoadedFile[]): string {
  const img = run.result.image;
  const arch = hostArch({ image: files.find((f) => f.id === run.imageId) ?? null, files: files.filter((f) => run.ids.includes(f.id)) });
  if (!img) return `stand-in Xen (${arch})`;
  return `${img.file} (${[arch, img.buildId ? `build-id ${shortBuildId(img.buildId)}` : null].filter(Boolean).join(", ")})`;
}

/** One host's report: its reason, the image it booted, its plan and steps, exports, findings. */
function RunReport({ run, shown, filter, fileStem }: { run: AuditRun & { result: AuditResult }; shown: Set<FindingSeverity>; filter?: ReactNode; fileStem: string }) {
  const { result } = run;
  return (
    <>
      {result.reason && (
        <p className="audit-reason" data-testid="audit-reason">
          {result.reason}
        </p>
      )}
      <p className="muted">
        {result.image ? (
          <>
            Run through the simulated hypervisor booted from <code>{result.image.file}</code>
          </>
        ) : (
          "No hypervisor image loaded: the simulated hypervisor booted a stand-in Xen built from the payloads' own assumptions; checks that need the real image are listed as info."
        )}
      </p>
      <Plan view={run} />
      {filter && <div className="audit-tools">{filter}</div>}
      {/* A row of its own: beside the filter, the drawer's width left Export JSON alone on a second line. */}
      <div className="audit-tools audit-exports">
        <button type="button" className="small" onClick={() => download(`${fileStem}.md`, toMarkdown(result), "text/markdown")}>
          Export Markdown
        </button>
        <button type="button" className="small" onClick={() => download(`${fileStem}.json`, toJson(result), "application/json")}>
          Export JSON
        </button>
      </div>
      <Findings view={run} shown={shown} />
    </>
  );
}
