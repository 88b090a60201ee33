// The audit of what is loaded: every payload in rail order with the role the reviewer gave it
// (on the host, apply, upload only, replace), against the image its xen_depends names (else the
// first image), run through the simulated hypervisor in the audit worker, so a big payload never
// blocks the page on it.
import { useEffect, useMemo, useState } from "react";
import type { AuditResult, PlanRole } from "../../audit/index.ts";
import { auditInWorker } from "../../services/auditClient.ts";
import { roleOf } from "../../state/links.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { buildIdHex } from "../../elf/index.ts";
import { selectFiles } from "../../state/selectors.ts";

export interface AuditView {
  /** Null while the first audit of this set of files is still running. */
  result: AuditResult | null;
  /** Audit file name → loaded file id, so findings can link to the file's views. */
  fileIds: Map<string, string>;
  /** The audit failed to run (the worker broke); the message says why. */
  error: string | null;
}

function chooseImage(payloads: LoadedFile[], images: LoadedFile[]): LoadedFile | null {
  const want = payloads.map((p) => p.parsed!.livepatch?.xenDepends?.buildId).find(Boolean);
  return images.find((i) => want && buildIdHex(i.parsed!.elf) === want) ?? images[0] ?? null;
}

type Outcome = { for: unknown; result: AuditResult } | { for: unknown; error: string };

const roleOf_ = (roles: Readonly<Record<string, PlanRole>>, id: string): PlanRole => roles[id] ?? "apply";

export function useAudit(): AuditView | null {
  const files = useLens(selectFiles);
  const roles = useLens((s) => s.files.roles);
  const computed = useMemo(() => {
    const ready = files.filter((f) => f.parsed);
    // A file that failed to load is still in the plan: the audit fails closed on it.
    const broken = files.filter((f) => f.status === "error");
    const payloads = [...ready.filter((f) => roleOf(f.parsed!) === "payload"), ...broken];
    if (payloads.length === 0) return null;
    const image = chooseImage(
      payloads.filter((f) => f.parsed),
      ready.filter((f) => roleOf(f.parsed!) === "image"),
    );
    const inputs = payloads.map((f) => ({
      file: f.name,
      bytes: f.parsed?.elf.bytes ?? new Uint8Array(0),
      role: roleOf_(roles, f.id),
      ...(f.parsed ? {} : { problem: f.problem?.message ?? "it could not be loaded" }),
    }));
    const pending = files.some((f) => f.status === "parsing");
    // Same inputs (by identity) and roles as the previous set: the same audit.
    const key = [...payloads.map((f) => `${f.id}:${f.status}:${roleOf_(roles, f.id)}`), ...(image ? [image.id] : []), pending ? "pending" : ""].join(",");
    return { key, inputs, image, pending, fileIds: new Map(payloads.map((f) => [f.name, f.id])) };
  }, [files, roles]);
  const key = computed?.key ?? null;
  const stable = useMemo(() => computed, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by file ids: a rename or progress update is the same audit
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    // While a file is still loading the plan is not known yet: no verdict rather than a partial one.
    if (!stable || stable.pending) return;
    let live = true;
    const image = stable.image ? { file: stable.image.name, key: stable.image.id, bytes: stable.image.parsed!.elf.bytes } : null;
    auditInWorker(stable.inputs, image, () => live).then(
      (result) => {
        if (live && result) setOutcome({ for: stable, result });
      },
      (e: unknown) => {
        if (live) setOutcome({ for: stable, error: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [stable]);

  const result = outcome?.for === stable && outcome && "result" in outcome ? outcome.result : null;
  if (!stable) return null;
  const error = outcome?.for === stable && outcome && "error" in outcome ? outcome.error : null;
  return { result, fileIds: stable.fileIds, error };
}
