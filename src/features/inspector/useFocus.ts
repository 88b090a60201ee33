// Follow links from other views: when the store's focus names this view, run `apply` once.
import { useEffect } from "react";
import type { NavTarget } from "../../state/nav.ts";
import { useLens } from "../../state/store.ts";

export function useFocus<V extends NavTarget["view"]>(view: V, apply: (target: Extract<NavTarget, { view: V }>) => void): void {
  const focus = useLens((s) => s.focus);
  useEffect(() => {
    if (focus && focus.view === view) apply(focus as unknown as Extract<NavTarget, { view: V }>);
    // Only a new focus token should move the selection, not a new `apply` closure.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.token]);
}
