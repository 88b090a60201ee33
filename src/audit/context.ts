// Finding construction shared by the audit's modules, and the small naming helpers its reports use.
import { RULES, type RuleId } from "./rules.ts";
import type { Finding } from "./types.ts";
import { loadName } from "../console/loadName.ts";

export interface Where {
  section?: string;
  sectionIndex?: number;
  offset?: number;
  length?: number;
  func?: { index: number; name: string | null };
  rc?: number;
}

/** `dir/fix.v2.livepatch` → `fix.v2`, as `xen-livepatch load` names it (a bare `.livepatch`: `payload`). */
export function payloadName(file: string): string {
  return loadName(file) || "payload";
}

export function makeFinding(id: RuleId, message: string, where: Where, file?: { file: string; fileIndex: number }): Finding {
  const rule = RULES[id];
  const f: Finding = { id, severity: rule.severity, message, why: rule.why, stage: rule.stage };
  if (file) {
    f.file = file.file;
    f.fileIndex = file.fileIndex;
  }
  if (where.section !== undefined) f.section = where.section;
  if (where.sectionIndex !== undefined) f.sectionIndex = where.sectionIndex;
  if (where.offset !== undefined) {
    f.offset = where.offset;
    f.length = Math.max(1, where.length ?? 1);
  }
  if (where.func) f.func = where.func;
  const rc = where.rc ?? ("rc" in rule ? rule.rc : undefined);
  if (rc !== undefined && (rule.stage === "upload" || rule.stage === "apply")) f.rc = rc;
  return f;
}

export const hexAddr = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;
export const errnoName: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  22: "EINVAL",
  28: "ENOSPC",
  34: "ERANGE",
  38: "ENOSYS",
  61: "ENODATA",
  75: "EOVERFLOW",
  95: "EOPNOTSUPP",
};
export const rcText = (rc: number): string => (rc === 0 ? "0" : `−${errnoName[-rc] ?? String(-rc)}`);
