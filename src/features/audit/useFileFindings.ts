// One loaded payload's share of the audit: its findings, and those about each livepatch_func.
import { useMemo } from "react";
import type { Finding, FindingSeverity } from "../../audit/index.ts";
import { auditRunOf } from "../../state/selectors.ts";
import { useLens } from "../../state/store.ts";

export interface FileFindings {
  /** The audit of this set of files is still running (or failed: `error`). */
  pending: boolean;
  error: string | null;
  all: Finding[];
  byFunc: Map<number, Finding[]>;
}

const RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };
export const bySeverity = (a: Finding, b: Finding) => RANK[a.severity] - RANK[b.severity];

export function useFileFindings(fileId: string): FileFindings {
  const audit = useLens((s) => s.files.audit);
  return useMemo(() => {
    const at = auditRunOf(audit, fileId);
    const result = at?.run.result ?? null;
    const error = at?.run.error ?? null;
    const index = at?.index ?? -1;
    const all = result && index >= 0 ? result.findings.filter((f) => f.fileIndex === index).sort(bySeverity) : [];
    const byFunc = new Map<number, Finding[]>();
    for (const f of all) if (f.func) byFunc.set(f.func.index, [...(byFunc.get(f.func.index) ?? []), f]);
    return { pending: at !== null && !result && !error, error, all, byFunc };
  }, [audit, fileId]);
}
