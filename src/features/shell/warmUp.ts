// What a file's first view waits for, started as soon as the user shows a file is coming: a
// drag with files entering the page, or the file picker opening. Either takes the user a second
// or more, time in which the parse worker boots and the views' code loads, instead of after the
// drop. Nothing loads with the first screen itself.
import { parseClient } from "../../services/parseClient.ts";

// One place for each lazily loaded piece, so the warm-up and React.lazy share the module promise.
export const loadInspector = () => import("../inspector/Inspector.tsx");
export const loadAuditPanel = () => import("../audit/AuditPanel.tsx");
export const loadAuditRunner = () => import("../audit/useAudit.ts");

let warmed = false;

export function warmUpForFiles(): void {
  if (warmed) return;
  warmed = true;
  parseClient.warm();
  // A failed load is reported when the view itself loads; here it only means no head start.
  for (const load of [loadInspector, loadAuditPanel, loadAuditRunner]) load().catch(() => undefined);
}
