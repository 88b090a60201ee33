// Leaving presenter mode puts the keyboard focus back on the control that opened it (the Present
// button, most often), as a dialog should. That control is gone while the presenter shows (the
// simulator page is not drawn under it), so it is remembered by what it is and found again once
// the page is back; when it cannot be, the Present button takes the focus.
import { useLens } from "../../state/store.ts";

interface Opener {
  el: HTMLElement;
  tag: string;
  className: string;
  text: string;
}

const PRESENT_BUTTON = ".scn-present";
/** Frames to wait for the page to be drawn again after the presenter closes. */
const WAIT_FRAMES = 60;

function remember(active: Element | null): Opener | null {
  if (!(active instanceof HTMLElement) || active === document.body || active.closest(".presenter")) return null;
  return { el: active, tag: active.tagName, className: active.className, text: active.textContent?.trim() ?? "" };
}

function findAgain(o: Opener | null): HTMLElement | null {
  if (o?.el.isConnected) return o.el;
  if (o) {
    for (const el of document.querySelectorAll<HTMLElement>(o.tag.toLowerCase())) {
      if (el.className === o.className && (el.textContent?.trim() ?? "") === o.text && !el.closest(".presenter")) return el;
    }
  }
  return document.querySelector<HTMLElement>(PRESENT_BUTTON);
}

function giveBack(o: Opener | null): void {
  let frames = 0;
  const tryOnce = () => {
    // The speaker (or a test) already put the focus somewhere: leave it there.
    const now = document.activeElement;
    if (now && now !== document.body && !now.closest(".presenter")) return;
    const el = findAgain(o);
    if (el && !el.closest("[inert]")) {
      el.focus({ preventScroll: false });
      if (document.activeElement === el) return;
    }
    if (++frames < WAIT_FRAMES) requestAnimationFrame(tryOnce);
  };
  requestAnimationFrame(tryOnce);
}

/** Watches presenter mode open and close; returns the unsubscribe. */
export function returnFocusFromPresenter(): () => void {
  let opener: Opener | null = null;
  // Zustand calls this inside set(), before React draws: the opener still has the focus.
  return useLens.subscribe((s, prev) => {
    const was = prev.scenario.mode === "present";
    const is = s.scenario.mode === "present";
    if (is && !was) opener = remember(document.activeElement);
    else if (was && !is) {
      giveBack(opener);
      opener = null;
    }
  });
}
