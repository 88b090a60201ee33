// The audit of what is loaded, run once for the whole page: every payload in rail order with the
// role the reviewer gave it (on the host, apply, upload only, replace), against the image its
// xen_depends names (else the first image), through the simulated hypervisor in the audit worker
// (so a big payload never blocks the page). The result lands in the store, where the drawer reads
// the verdict and the views read where each payload was placed.
import { useEffect, useMemo } from "react";
import type { PlanRole } from "../../audit/index.ts";
import { auditInWorker } from "../../services/auditClient.ts";
import { roleOf } from "../../state/links.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { buildIdHex } from "../../elf/index.ts";
import { selectFiles } from "../../state/selectors.ts";
import type { AuditState } from "../../state/files.ts";

function chooseImage(payloads: LoadedFile[], images: LoadedFile[]): LoadedFile | null {
  const want = payloads.map((p) => p.parsed!.livepatch?.xenDepends?.buildId).find(Boolean);
  return images.find((i) => want && buildIdHex(i.parsed!.elf) === want) ?? images[0] ?? null;
}

const roleIn = (roles: Readonly<Record<string, PlanRole>>, id: string): PlanRole => roles[id] ?? "apply";

/** Mounted once (App): keeps the store's audit in step with the loaded files and their roles. */
export function useAuditRunner(): void {
  const files = useLens(selectFiles);
  const roles = useLens((s) => s.files.roles);
  const setAudit = useLens((s) => s.files.setAudit);
  const plan = useMemo(() => {
    const ready = files.filter((f) => f.parsed);
    // Everything loaded that is not a hypervisor image is in the plan: a damaged payload often
    // parses only as a plain object, and a file that failed to load is still there; the audit
    // fails closed on both rather than leave them out.
    const payloads = files.filter((f) => (f.parsed ? roleOf(f.parsed) !== "image" : f.status === "error"));
    if (payloads.length === 0) return null;
    const image = chooseImage(
      payloads.filter((f) => f.parsed),
      ready.filter((f) => roleOf(f.parsed!) === "image"),
    );
    const inputs = payloads.map((f) => ({
      file: f.name,
      bytes: f.source ?? f.parsed?.elf.bytes ?? new Uint8Array(0),
      role: roleIn(roles, f.id),
      ...(f.parsed ? {} : { problem: f.problem?.message ?? "it could not be loaded" }),
    }));
    // While a file is still loading the plan is not known yet: no verdict rather than a partial one.
    const pending = files.some((f) => f.status === "parsing");
    const key = [...payloads.map((f) => `${f.id}:${f.status}:${roleIn(roles, f.id)}`), image?.id ?? "", pending ? "pending" : ""].join(",");
    return { key, inputs, image, pending, ids: payloads.map((f) => f.id) };
  }, [files, roles]);
  const key = plan?.key ?? null;

  useEffect(() => {
    if (!plan) {
      setAudit({ result: null, ids: [], imageId: null, error: null, running: false });
      return;
    }
    const imageId = plan.image?.id ?? null;
    setAudit({ result: null, ids: plan.ids, imageId, error: null, running: true });
    if (plan.pending) return;
    let live = true;
    const image = plan.image ? { file: plan.image.name, key: plan.image.id, bytes: plan.image.source ?? plan.image.parsed!.elf.bytes } : null;
    auditInWorker(plan.inputs, image, () => live).then(
      (result) => {
        if (live && result) setAudit({ result, ids: plan.ids, imageId, error: null, running: false });
      },
      (e: unknown) => {
        if (live) setAudit({ result: null, ids: plan.ids, imageId, error: e instanceof Error ? e.message : String(e), running: false });
      },
    );
    return () => {
      live = false;
    };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by file ids, statuses and roles: a progress update is the same plan
}

/** The audit as the drawer shows it; null when no payload is loaded. */
export function useAudit(): AuditState | null {
  const audit = useLens((s) => s.files.audit);
  return audit.ids.length === 0 && !audit.result ? null : audit;
}
