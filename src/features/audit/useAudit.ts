// The audit of what is loaded, run once for the whole page: every payload in rail order with the
// role the reviewer gave it (on the host, apply, upload only, replace), on a simulated host booted
// from the image its xen_depends names (state/auditHosts.ts: one host per target image), through
// the simulated hypervisor in the audit worker (so a big payload never blocks the page). The
// results land in the store, where the drawer reads the verdicts and the views read where each
// payload was placed.
import { useEffect, useMemo } from "react";
import type { PlanRole } from "../../audit/index.ts";
import { auditInWorker } from "../../services/auditClient.ts";
import { auditHosts, planInput } from "../../state/auditHosts.ts";
import { useLens } from "../../state/store.ts";
import { selectFiles } from "../../state/selectors.ts";
import type { AuditRun, AuditState } from "../../state/files.ts";

const roleIn = (roles: Readonly<Record<string, PlanRole>>, id: string): PlanRole => roles[id] ?? "apply";

/** Mounted once (App): keeps the store's audit in step with the loaded files and their roles. */
export function useAuditRunner(): void {
  const files = useLens(selectFiles);
  const roles = useLens((s) => s.files.roles);
  const setAudit = useLens((s) => s.files.setAudit);
  const plan = useMemo(() => {
    // A damaged payload often parses only as a plain object, and a file that failed to parse is
    // still there: both are in a plan with their bytes, uploaded as the CLI uploads them.
    const hosts = auditHosts(files).map(({ image, files: planned }) => ({
      image,
      planned,
      ids: planned.map((f) => f.id),
      inputs: planned.map((f) => planInput(f, roleIn(roles, f.id))),
    }));
    if (hosts.length === 0) return null;
    // While a file is still loading the plan is not known yet: no verdict rather than a partial one.
    const pending = files.some((f) => f.status === "parsing");
    const key = [...hosts.map((h) => `${h.image?.id ?? ""}:${h.planned.map((f) => `${f.id}:${f.status}:${roleIn(roles, f.id)}`).join(",")}`), pending ? "pending" : ""].join("|");
    return { key, hosts, pending };
  }, [files, roles]);
  const key = plan?.key ?? null;

  useEffect(() => {
    if (!plan) {
      setAudit({ runs: [] });
      return;
    }
    const runs: AuditRun[] = plan.hosts.map((h) => ({ result: null, ids: h.ids, imageId: h.image?.id ?? null, error: null, running: true }));
    setAudit({ runs: [...runs] });
    if (plan.pending) return;
    let live = true;
    const settle = (i: number, done: Partial<AuditRun>) => {
      if (!live) return;
      runs[i] = { ...runs[i], ...done, running: false };
      setAudit({ runs: [...runs] });
    };
    plan.hosts.forEach((h, i) => {
      const image = h.image ? { file: h.image.name, key: h.image.id, bytes: h.image.source ?? h.image.parsed!.elf.bytes } : null;
      auditInWorker(h.inputs, image, () => live).then(
        (result) => result && settle(i, { result }),
        (e: unknown) => settle(i, { error: e instanceof Error ? e.message : String(e) }),
      );
    });
    return () => {
      live = false;
    };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by hosts, file ids, statuses and roles: a progress update is the same plan
}

/** The audit as the drawer shows it; null when no payload is loaded. */
export function useAudit(): AuditState | null {
  const audit = useLens((s) => s.files.audit);
  return audit.runs.length === 0 ? null : audit;
}
