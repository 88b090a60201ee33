// Slide keys, shared by presenter mode and embeds. Clickers send Right/PageDown and Left/PageUp.
// Listened for on the window in the capture phase and stopped there: whatever had the focus (the
// console's input under the presenter, a button in the footer), a clicker key moves the slides and
// is never typed anywhere nor pressed twice.
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

export type SlideCommand = "next" | "prev" | "first" | "last" | "help" | "blank" | "fullscreen" | "leave" | { scenario: number };

/** What a key asks of the slides, or null when it is not a slide key. */
export function slideCommand(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">): SlideCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case "ArrowRight":
    case " ":
    case "PageDown":
      return "next";
    case "ArrowLeft":
    case "PageUp":
      return "prev";
    case "Home":
      return "first";
    case "End":
      return "last";
    case "?":
      return "help";
    case ".":
      return "blank";
    case "f":
      return "fullscreen";
    case "Escape":
      return "leave";
  }
  return /^[1-9]$/.test(e.key) ? { scenario: Number(e.key) } : null;
}

/** Carries out a slide command; false when this surface has no use for it. */
function perform(cmd: SlideCommand, surface: "present" | "embed", onFullscreen?: () => void): boolean {
  const s = useLens.getState().scenario;
  if (s.blank && cmd !== "blank") {
    // A blank screen swallows every key but the one that brings it back (and Escape).
    if (cmd === "leave") s.setBlank(false);
    return true;
  }
  if (cmd === "next") s.next();
  else if (cmd === "prev") s.prev();
  else if (cmd === "first") s.goToStep(0);
  else if (cmd === "last") s.goToStep(s.active?.scenario.steps.length ?? 0);
  else if (cmd === "blank") s.setBlank(!s.blank);
  else if (surface === "embed") return false;
  else if (cmd === "help") s.setHelp(!s.help);
  else if (cmd === "fullscreen") onFullscreen?.();
  else if (cmd === "leave") {
    if (s.help) s.setHelp(false);
    else {
      if (document.fullscreenElement) void document.exitFullscreen?.();
      s.setMode("page");
    }
  } else {
    const entry = s.catalogue?.[cmd.scenario - 1];
    if (entry?.scenario) void s.open(entry.id, 0, "present");
  }
  return true;
}

export function useSlideKeys(surface: "present" | "embed", onFullscreen?: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const cmd = slideCommand(e);
      if (cmd === null || !perform(cmd, surface, onFullscreen)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [surface, onFullscreen]);
}
