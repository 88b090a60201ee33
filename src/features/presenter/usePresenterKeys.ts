// Presenter keys. Clickers send Right/PageDown and Left/PageUp. Listened for in the capture phase
// and stopped there, so the simulator page underneath does not also step its timeline.
import { useEffect } from "react";
import { useLens } from "../../state/store.ts";

export const PRESENTER_KEYS: [string, string][] = [
  ["→  Space  PageDown", "next step"],
  ["←  PageUp", "previous step"],
  ["Home / End", "first / last step"],
  ["1 – 9", "scenario 1–9 of the catalogue"],
  ["?", "show or hide these keys"],
  [".", "blank the screen (again to come back)"],
  ["f", "full screen"],
  ["Esc", "leave presenter mode"],
];

function typing(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

export function usePresenterKeys(onFullscreen?: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const s = useLens.getState().scenario;
      let handled = true;
      if (s.blank && e.key !== ".") {
        // A blank screen swallows every key but the one that brings it back (and Escape).
        if (e.key === "Escape") s.setBlank(false);
      } else if (e.key === "ArrowRight" || e.key === " " || e.key === "PageDown") s.next();
      else if (e.key === "ArrowLeft" || e.key === "PageUp") s.prev();
      else if (e.key === "Home") s.goToStep(0);
      else if (e.key === "End") s.goToStep(s.active?.scenario.steps.length ?? 0);
      else if (e.key === "?") s.setHelp(!s.help);
      else if (e.key === ".") s.setBlank(!s.blank);
      else if (e.key === "f") onFullscreen?.();
      else if (e.key === "Escape") {
        if (s.help) s.setHelp(false);
        else {
          if (document.fullscreenElement) void document.exitFullscreen?.();
          s.setMode("page");
        }
      } else if (/^[1-9]$/.test(e.key)) {
        const entry = s.catalogue?.[Number(e.key) - 1];
        if (entry?.scenario) void s.open(entry.id, 0, "present");
      } else handled = false;
      if (handled) {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [onFullscreen]);
}
