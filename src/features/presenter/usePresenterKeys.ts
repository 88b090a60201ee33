// Slide keys, shared by presenter mode and embeds. Clickers send Right/PageDown and Left/PageUp;
// Space goes on and Shift+Space goes back, as in PowerPoint, Keynote and reveal.js.
// Listened for on the window in the capture phase and stopped there: whatever had the focus (the
// console's input under the presenter, a button in the footer), a clicker key moves the slides and
// is never typed anywhere nor pressed twice. An embed's console is the exception: its input is in
// view and meant to be typed into, so there only PageDown and PageUp (which type nothing) step.
import { useEffect } from "react";
import { useLens } from "../../state/store.ts";
import { commitTyped, typeDigit, type Typed } from "./scenarioNumber.ts";

/** How long a digit that could start a two-digit number waits for the next one. */
const NEXT_DIGIT_MS = 800;

export const PRESENTER_KEYS: [string, string][] = [
  ["→  Space  PageDown", "next step"],
  ["←  Shift+Space  PageUp", "previous step"],
  ["Home / End", "first / last step"],
  ["1 – 9, 10 …", "that scenario of the catalogue (two digits: type both; Enter opens at once)"],
  ["?", "show or hide these keys"],
  [".  b", "blank the screen (again to come back)"],
  ["f", "full screen"],
  ["Esc", "leave presenter mode"],
];

export type SlideCommand = "next" | "prev" | "first" | "last" | "help" | "blank" | "fullscreen" | "leave" | { digit: string };

/** What a key asks of the slides, or null when it is not a slide key. */
export function slideCommand(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">): SlideCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case " ":
      return e.shiftKey ? "prev" : "next";
    case "ArrowRight":
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
    // A clicker's blank button sends b or . (as PowerPoint and reveal.js take either).
    case ".":
    case "b":
    case "B":
      return "blank";
    case "f":
      return "fullscreen";
    case "Escape":
      return "leave";
  }
  return /^[0-9]$/.test(e.key) ? { digit: e.key } : null;
}

/**
 * A clicker cannot scroll: when the slide's explanation is longer than its card (it shrank to its
 * floor and still did not fit), next scrolls it down a card's height at a time before the step
 * moves on, and back scrolls it up first. True when it scrolled.
 */
function scrollExplanation(dir: 1 | -1): boolean {
  const card = document.querySelector<HTMLElement>(".presenter .sl-explain[data-scrolls='true']");
  if (!card) return false;
  const room = dir > 0 ? card.scrollHeight - card.clientHeight - card.scrollTop : card.scrollTop;
  if (room <= 1) return false;
  // Most of a card's height: the last lines seen stay on screen to read on from.
  card.scrollBy({ top: dir * Math.ceil(card.clientHeight * 0.85), behavior: "instant" });
  return true;
}

/** Carries out a slide command; false when this surface has no use for it. */
function perform(cmd: SlideCommand, surface: "present" | "embed", onFullscreen?: () => void): boolean {
  const s = useLens.getState().scenario;
  if (s.blank && cmd !== "blank") {
    // A blank screen swallows every key but the one that brings it back (and Escape).
    if (cmd === "leave") s.setBlank(false);
    return true;
  }
  if ((cmd === "next" || cmd === "prev") && surface === "present" && scrollExplanation(cmd === "next" ? 1 : -1)) return true;
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
  } else number.take(typeDigit(number.typed, cmd.digit, s.catalogue?.length ?? 0));
  return true;
}

/**
 * The digits of a scenario number typed so far, the pause that ends it, and the scenario being
 * opened: a clicker's next key waits for that open rather than move the scenario it replaces.
 */
const number = {
  typed: "",
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
  opening: null as Promise<unknown> | null,
  take(r: Typed): void {
    clearTimeout(this.timer);
    this.typed = r.typed;
    if (r.typed) this.timer = setTimeout(() => this.take(commitTyped(this.typed)), NEXT_DIGIT_MS);
    if (r.open === null) return;
    const s = useLens.getState().scenario;
    const entry = s.catalogue?.[r.open - 1];
    if (!entry?.scenario) return;
    const opening: Promise<unknown> = s.open(entry.id, 0, "present").finally(() => {
      if (this.opening === opening) this.opening = null;
    });
    this.opening = opening;
  },
};

/** A control that takes typed text (an embed's console input): its characters and caret keys are its own. */
function takesText(t: EventTarget | null): boolean {
  if (t instanceof HTMLTextAreaElement || (t instanceof HTMLElement && t.isContentEditable)) return true;
  return t instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].includes(t.type);
}

export function useSlideKeys(surface: "present" | "embed", onFullscreen?: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (surface === "embed" && takesText(e.target) && e.key !== "PageDown" && e.key !== "PageUp") return;
      // Enter ends a scenario number being typed; otherwise it is left to the focused control.
      if (e.key === "Enter" && number.typed && surface === "present") number.take(commitTyped(number.typed));
      else {
        const cmd = slideCommand(e);
        if (cmd === null) return;
        // Another key ends a number being typed (it opens now), and keys wait for a scenario opening:
        // "1" then Right on a clicker is scenario 1's first step, not a step of the one it replaces.
        if (typeof cmd === "string" && surface === "present" && number.typed) number.take(commitTyped(number.typed));
        if (typeof cmd === "string" && number.opening) {
          const after = number.opening;
          void after.then(() => perform(cmd, surface, onFullscreen));
        } else if (!perform(cmd, surface, onFullscreen)) return;
      }
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    window.addEventListener("keydown", onKey, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      number.take({ typed: "", open: null });
    };
  }, [surface, onFullscreen]);
}
