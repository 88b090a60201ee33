// The content-box size of an element, kept current with a ResizeObserver and measured once before
// the first paint, so views drawn in pixels (the state diagram, the CPU lanes, the jump diagram) fit
// their box, and their text stays the size of the page's (Larger text included).
import { useLayoutEffect, useState, type RefObject } from "react";

export interface Size {
  width: number;
  height: number;
}

export function useElementSize(ref: RefObject<Element | null>, fallback: Size): Size {
  const [size, setSize] = useState<Size>(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const take = (width: number, height: number) => {
      const next = { width: Math.round(width), height: Math.round(height) };
      // Zero while hidden (display: none, a closed tab): keep the last real size.
      if (next.width <= 0 || next.height <= 0) return;
      setSize((s) => (s.width === next.width && s.height === next.height ? s : next));
    };
    const r = el.getBoundingClientRect();
    take(r.width, r.height);
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1].contentRect;
      take(box.width, box.height);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}
