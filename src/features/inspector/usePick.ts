// A view's selection in the file it shows: the item it has picked (kept per file in the store, so
// another file's pick is never read here, and checked against this file's tables), and links from
// other views that ask it to reveal that item.
import { useEffect } from "react";
import { targetIn, type NavView, type TargetOf } from "../../state/nav.ts";
import type { ParsedFile } from "../../state/parsedFile.ts";
import { selectFileView } from "../../state/selectors.ts";
import { useLens } from "../../state/store.ts";

/** The item `view` has picked in this file, or null (none yet, or it names nothing in this file). */
export function usePick<V extends NavView>(fileId: string, parsed: ParsedFile, view: V): TargetOf<V> | null {
  const pick = useLens((s) => selectFileView(s, fileId).picks[view]) as TargetOf<V> | undefined;
  return pick && targetIn(parsed, pick) ? pick : null;
}

/**
 * Runs `apply` once per link that asks `view` to reveal its pick in this file (a link that opened
 * the view included): clear filters that would hide it, select its bytes.
 */
export function useReveal<V extends NavView>(fileId: string, parsed: ParsedFile, view: V, apply: (target: TargetOf<V>) => void): void {
  const reveal = useLens((s) => selectFileView(s, fileId).reveal);
  const token = reveal?.view === view ? reveal.token : null;
  useEffect(() => {
    if (token === null) return;
    const { ui } = useLens.getState();
    const pick = selectFileView(useLens.getState(), fileId).picks[view] as TargetOf<V> | undefined;
    ui.revealed(fileId, token);
    if (pick && targetIn(parsed, pick)) apply(pick);
    // A link that names its bytes (an audit finding's offset and length) selects exactly those,
    // after the view's own choice (a section's data), whenever the view gets to run this.
    if (reveal?.bytes) ui.selectBytes({ fileId, ...reveal.bytes });
    // Only a new token should move the selection, not a new `apply` closure.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);
}
