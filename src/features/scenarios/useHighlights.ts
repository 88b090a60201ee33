// Marks what a step is about inside the simulator's views (CPU lanes, memory windows, payload
// chips) by adding a class to their elements after each render, so those views need no
// knowledge of scenarios.
import { useEffect, type RefObject } from "react";
import type { Highlight } from "../../scenarios/index.ts";

const HOT = "scn-hot";

function matches(el: Element, h: Highlight): boolean {
  if (h.kind === "cpu" && el.matches(".lane")) {
    const label = el.querySelector(".lane-label")?.textContent ?? "";
    return new RegExp(`^CPU${h.cpu}(\\D|$)`).test(label);
  }
  if (h.kind === "symbol" && el.matches(".mem-window")) return el.getAttribute("aria-label") === `Memory at ${h.name}`;
  if (h.kind === "addr" && el.matches(".mem-window")) return (el.textContent ?? "").includes(h.addr);
  if (h.kind === "payload" && el.matches(".chip, .scn-stack li")) return (el.textContent ?? "").startsWith(h.name);
  return false;
}

export function useHighlights(root: RefObject<HTMLElement | null>, highlights: readonly Highlight[]): void {
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    for (const node of el.querySelectorAll(".lane, .mem-window, .chip, .scn-stack li")) {
      node.classList.toggle(HOT, highlights.some((h) => matches(node, h)));
    }
  });
}
