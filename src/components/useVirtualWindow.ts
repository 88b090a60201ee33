// Shared scrolling state for virtualized views: tracks the viewport height and scrollTop of a
// scroller element and turns them into the window of rows to draw.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { rowAtScroll, scrollGeometry, scrollToReveal } from "./scrollGeometry.ts";

export interface VirtualWindow {
  scrollerRef: React.RefObject<HTMLDivElement | null>;
  onScroll: () => void;
  first: number;
  shift: number;
  count: number;
  spacer: number;
  viewportHeight: number;
  /** Scroll rows `row`..`lastRow` (default: `row` alone) into view (scrollToReveal). */
  reveal: (row: number, lastRow?: number) => void;
}

export function useVirtualWindow(rowCount: number, rowHeight: number): VirtualWindow {
  const scrollerRef = useRef<HTMLDivElement | null>(null);
  const [viewportHeight, setViewportHeight] = useState(400);
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    // No clientHeight read here: on a fresh page that forces a full layout inside the commit
    // (20+ ms for a big view). The observer's first report comes after the frame's own layout,
    // still before paint.
    const ro = new ResizeObserver(() => setViewportHeight(el.clientHeight || 400));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // One state update per animation frame, however many scroll events arrive.
  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const el = scrollerRef.current;
      if (el) setScrollTop(el.scrollTop);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const reveal = useCallback(
    (row: number, lastRow = row) => {
      const el = scrollerRef.current;
      if (!el) return;
      const top = scrollToReveal(row, lastRow, el.scrollTop, rowCount, rowHeight, el.clientHeight || viewportHeight);
      if (top !== null) {
        el.scrollTop = top;
        setScrollTop(el.scrollTop);
      }
    },
    [rowCount, rowHeight, viewportHeight],
  );

  const g = scrollGeometry(rowCount, rowHeight, viewportHeight);
  const { first, shift } = rowAtScroll(scrollTop, rowCount, rowHeight, viewportHeight);
  const count = Math.max(0, Math.min(rowCount - first, g.visibleRows + 1));
  return { scrollerRef, onScroll, first, shift, count, spacer: g.spacer, viewportHeight, reveal };
}
