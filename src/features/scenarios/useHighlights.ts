// What the current scenario step is about, as sets the simulator's views take as props (CPU lanes,
// memory windows, payload chips, the presenter's stack), so a mark is part of each render and no
// re-render can drop it.
import { useMemo } from "react";
import type { Highlight } from "../../scenarios/index.ts";
import { useLens } from "../../state/store.ts";

export interface Highlights {
  cpus: ReadonlySet<number>;
  /** Memory windows by function name (or 0x address when the window has no name). */
  symbols: ReadonlySet<string>;
  /** Addresses (0x… lower case) whose window, or whose jump target, to mark. */
  addrs: readonly bigint[];
  payloads: ReadonlySet<string>;
}

export const NO_HIGHLIGHTS: Highlights = { cpus: new Set(), symbols: new Set(), addrs: [], payloads: new Set() };

export function highlightSets(list: readonly Highlight[]): Highlights {
  if (!list.length) return NO_HIGHLIGHTS;
  const cpus = new Set<number>();
  const symbols = new Set<string>();
  const addrs: bigint[] = [];
  const payloads = new Set<string>();
  for (const h of list) {
    if (h.kind === "cpu") cpus.add(h.cpu);
    else if (h.kind === "symbol") symbols.add(h.name);
    else if (h.kind === "addr") addrs.push(BigInt(h.addr));
    else if (h.kind === "payload") payloads.add(h.name);
  }
  return { cpus, symbols, addrs, payloads };
}

/** The highlights of the open scenario's current step (none at the start or with no scenario). */
export function useStepHighlights(): Highlights {
  const list = useLens(({ scenario: s }) => (s.active && s.step > 0 ? s.active.scenario.steps[s.step - 1]?.highlight : undefined));
  return useMemo(() => highlightSets(list ?? []), [list]);
}
