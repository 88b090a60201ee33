// One loaded payload's share of the audit: its findings, and those about each livepatch_func.
import { useMemo } from "react";
import type { Finding, FindingSeverity } from "../../audit/index.ts";
import { useStaticAudit } from "./useAudit.ts";

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
  const { stable, result, error } = useStaticAudit();
  return useMemo(() => {
    const all = result && stable ? result.findings.filter((f) => f.file !== undefined && stable.fileIds.get(f.file) === fileId).sort(bySeverity) : [];
    const byFunc = new Map<number, Finding[]>();
    for (const f of all) if (f.func) byFunc.set(f.func.index, [...(byFunc.get(f.func.index) ?? []), f]);
    return { pending: !result && !error, error, all, byFunc };
  }, [result, stable, error, fileId]);
}
