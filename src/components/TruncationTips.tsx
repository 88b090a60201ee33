// Text cut short with an ellipsis (CSS text-overflow) shows in full in a tooltip, on hover and on
// keyboard focus, wherever it is: file names, table cells, step pills, timeline lines. One listener
// set for the whole page finds the cut element from the event, so no view has to opt in. A grid
// keeps focus itself while its rows are walked (aria-activedescendant): the active row speaks.
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";

const TIP_ID = "truncation-tip";
/** How far up from the hovered node to look for the cut element (text nodes sit in spans). */
const HOVER_DEPTH = 4;
/** A focused element with more descendants than this is a big view, not a name: no tip. */
const FOCUS_SCAN_LIMIT = 200;

export function isTruncated(el: Element): el is HTMLElement {
  if (!(el instanceof HTMLElement) || el.scrollWidth <= el.clientWidth + 1) return false;
  return getComputedStyle(el).textOverflow === "ellipsis";
}

function truncatedAround(target: EventTarget | null): HTMLElement | null {
  let el = target instanceof Element ? target : null;
  for (let i = 0; el && i <= HOVER_DEPTH; i++, el = el.parentElement) if (isTruncated(el)) return el;
  return null;
}

/** The cut elements a focused element stands for: itself, its content, or its grid's active row. */
function truncatedIn(focused: Element): HTMLElement[] {
  const active = focused.getAttribute("aria-activedescendant");
  const root = active ? document.getElementById(active) : focused;
  if (!root) return [];
  const all = root.getElementsByTagName("*");
  if (all.length > FOCUS_SCAN_LIMIT) return isTruncated(root) ? [root] : [];
  return [root, ...all].filter(isTruncated);
}

interface Tip {
  texts: string[];
  anchor: DOMRect;
  host: Element;
}

export function TruncationTips({ large }: { large: boolean }) {
  const [tip, setTip] = useState<Tip | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let hovered: HTMLElement | null = null;
    let focused: HTMLElement | null = null;
    let describedBefore: string | null = null;

    const tipFor = (els: HTMLElement[], anchor: HTMLElement): Tip | null => {
      const texts = els.map((e) => e.textContent?.trim() ?? "").filter(Boolean);
      // In a modal dialog (the presenter) the tip goes into the dialog's top layer with it.
      return texts.length ? { texts, anchor: anchor.getBoundingClientRect(), host: anchor.closest("dialog[open]") ?? document.body } : null;
    };
    const describe = (el: HTMLElement | null) => {
      if (focused && focused !== el) {
        if (describedBefore === null) focused.removeAttribute("aria-describedby");
        else focused.setAttribute("aria-describedby", describedBefore);
      }
      if (el && el !== focused) {
        describedBefore = el.getAttribute("aria-describedby");
        el.setAttribute("aria-describedby", [describedBefore, TIP_ID].filter(Boolean).join(" "));
      }
      focused = el;
    };
    const refresh = () => {
      if (hovered?.isConnected) return setTip(tipFor([hovered], hovered));
      hovered = null;
      const el = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      const cut = el && el !== document.body ? truncatedIn(el) : [];
      const t = el && cut.length ? tipFor(cut, cut.length === 1 ? cut[0] : el) : null;
      describe(t ? el : null);
      setTip(t);
    };
    const onOver = (e: PointerEvent) => {
      const cut = truncatedAround(e.target);
      if (cut === hovered) return;
      hovered = cut;
      refresh();
    };
    const onLeave = () => {
      hovered = null;
      refresh();
    };
    // After a click, a key or a scroll the view re-renders (a grid's active row moves, a virtual
    // row shows another one): look again once it has. The browser reports a new element under a
    // still pointer after a scroll itself.
    const later = () => setTimeout(refresh, 0);
    // A scroll moves or swaps only what is inside the scrolled box: a box apart from both the
    // hovered and the focused element (neither inside it, nor the focus around it, as a grid's is
    // around its rows) changes no tip (the simulator's log following a playing cursor while the
    // console keeps focus), and looking again would lay the page out at every frame.
    const onScroll = (e: Event) => {
      const box = e.target;
      // The body holding the focus is no focus (refresh() looks at no element then).
      const focus = document.activeElement === document.body ? null : document.activeElement;
      if (box instanceof Element && !box.contains(hovered) && !box.contains(focus) && !focus?.contains(box)) return;
      later();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return later();
      hovered = null;
      describe(null);
      setTip(null);
    };
    document.addEventListener("pointerover", onOver, true);
    document.documentElement.addEventListener("pointerleave", onLeave);
    document.addEventListener("focusin", later, true);
    document.addEventListener("focusout", later, true);
    document.addEventListener("click", later, true);
    document.addEventListener("keyup", onKey, true);
    document.addEventListener("scroll", onScroll, true);
    return () => {
      describe(null);
      document.removeEventListener("pointerover", onOver, true);
      document.documentElement.removeEventListener("pointerleave", onLeave);
      document.removeEventListener("focusin", later, true);
      document.removeEventListener("focusout", later, true);
      document.removeEventListener("click", later, true);
      document.removeEventListener("keyup", onKey, true);
      document.removeEventListener("scroll", onScroll, true);
    };
  }, []);

  // Below the cut text (above it near the bottom), kept inside the window.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !tip) return;
    const { anchor } = tip;
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    el.style.left = `${Math.max(4, Math.min(anchor.left, innerWidth - w - 4))}px`;
    el.style.top = `${anchor.bottom + 4 + h <= innerHeight ? anchor.bottom + 4 : Math.max(4, anchor.top - h - 4)}px`;
  }, [tip]);

  if (!tip) return null;
  return createPortal(
    <div ref={box} id={TIP_ID} role="tooltip" className={`truncation-tip ${large ? "large" : ""}`}>
      {tip.texts.map((t, i) => (
        <div key={i}>{t}</div>
      ))}
    </div>,
    tip.host,
  );
}
