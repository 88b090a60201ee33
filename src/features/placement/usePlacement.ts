// A file's placement from the store's audit, derived once per audit result (a selector that built
// a new object on every store read would re-render forever).
import { useMemo } from "react";
import { useLens } from "../../state/store.ts";
import { auditRunOf, placementIn } from "../../state/selectors.ts";
import type { FilePlacement } from "../../state/files.ts";

export function usePlacement(fileId: string): { at: FilePlacement | null; running: boolean } {
  const audit = useLens((s) => s.files.audit);
  const at = useMemo(() => placementIn(audit, fileId), [audit, fileId]);
  return { at, running: auditRunOf(audit, fileId)?.run.running ?? false };
}
