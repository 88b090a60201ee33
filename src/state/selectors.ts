// Derived views of the store. Selectors return existing objects (stable identity) or primitives.
import type { LensState } from "./store.ts";
import type { AuditRun, AuditState, FilePlacement, LoadedFile } from "./files.ts";
import type { PayloadFile } from "../console/suggest.ts";
import type { ParsedFile } from "./parsedFile.ts";
import { EMPTY_FILE_VIEW, type FileView } from "./ui.ts";

export const selectFiles = (s: LensState): LoadedFile[] => s.files.list;

export const selectCurrentFile = (s: LensState): LoadedFile | null =>
  s.files.list.find((f) => f.id === s.ui.selectedFileId) ?? null;

/** The loaded files the simulator's console opens as FILE, each under its name (the session's setFiles). */
export const consoleFiles = (list: readonly LoadedFile[]): (LoadedFile & { parsed: ParsedFile })[] =>
  list.filter((f): f is LoadedFile & { parsed: ParsedFile } => f.status === "ready" && f.parsed !== null);

/**
 * The FILE names of the payloads the console could load on the image the simulator booted
 * (`imageFileId`): payloads for that image's machine (e_machine), in the rail's order.
 */
export function consolePayloadFiles(list: readonly LoadedFile[], imageFileId: string | null): PayloadFile[] {
  const files = consoleFiles(list);
  const machine = files.find((f) => f.id === imageFileId)?.parsed.elf.header.machine;
  if (machine === undefined) return [];
  return files
    .filter((f) => f.parsed.role === "payload" && f.parsed.elf.header.machine === machine)
    .map((f) => ({ name: f.name, depends: f.parsed.livepatch?.depends?.buildId ?? null, xenDepends: f.parsed.livepatch?.xenDepends?.buildId ?? null }));
}

/** What is selected in one file (an empty record for a file nothing was selected in yet). */
export const selectFileView = (s: LensState, fileId: string): FileView => s.ui.byFile[fileId] ?? EMPTY_FILE_VIEW;

/** The audit run a file is in, and its index in that run's plan. */
export function auditRunOf(audit: AuditState, fileId: string): { run: AuditRun; index: number } | null {
  for (const run of audit.runs) {
    const index = run.ids.indexOf(fileId);
    if (index >= 0) return { run, index };
  }
  return null;
}

/** Where the audit's simulated hypervisor placed a file (the one placement every view shows); null while no audit result covers the file. */
export function placementIn(audit: AuditState, fileId: string): FilePlacement | null {
  const at = auditRunOf(audit, fileId);
  const result = at?.run.result;
  const i = at?.index ?? -1;
  if (!result || i < 0 || !result.files[i]) return null;
  const f = result.files[i];
  const findings = result.findings.filter((x) => x.fileIndex === i);
  const reason = findings.find((x) => x.severity === "error")?.message ?? null;
  return { placement: f.placement, assumed: result.assumed, imageFile: result.image?.file ?? null, reason, findings };
}
