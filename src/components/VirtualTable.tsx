// A grid over any number of rows, drawing only the visible ones. Cells come from a per-row
// callback, so callers read straight from columnar typed arrays and never build row objects.
import { useCallback, useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import { useVirtualWindow } from "./useVirtualWindow.ts";

export interface Column {
  id: string;
  header: string;
  /** CSS grid track, e.g. "8ch" or "minmax(12ch, 1fr)". */
  width: string;
  align?: "right";
  cell(row: number): ReactNode;
}

export interface VirtualTableProps {
  label: string;
  columns: Column[];
  rowCount: number;
  selected: number | null;
  onSelect(row: number): void;
  /** Enter or double-click on a row. */
  onActivate?(row: number): void;
  rowHeight?: number;
  rowClass?(row: number): string | undefined;
  empty?: ReactNode;
}

/**
 * The narrowest the columns go: each track's minimum (a fixed width, or minmax's first
 * argument; an fr track alone has none) plus the gaps and the row's padding, as CSS. Narrower
 * than this, the grid scrolls sideways and the header moves with it.
 */
export function columnsMinWidth(columns: readonly Pick<Column, "width">[]): string {
  const mins = columns.map((c) => /^minmax\(\s*([^,]+),/.exec(c.width)?.[1].trim() ?? (/fr$/.test(c.width) ? "0px" : c.width));
  return `calc(${[...mins, `${Math.max(0, columns.length - 1) * GAP_PX + 2 * PAD_PX}px`].join(" + ")})`;
}
/** .vt-row's column gap and side padding (styles.css). */
const GAP_PX = 10;
const PAD_PX = 8;

export function VirtualTable(props: VirtualTableProps) {
  const { columns, rowCount, selected, onSelect, onActivate, rowHeight = 24 } = props;
  const win = useVirtualWindow(rowCount, rowHeight);
  const idBase = useId();
  const template = columns.map((c) => c.width).join(" ");
  const minWidth = columnsMinWidth(columns);
  const { reveal, onScroll: onScrollRows, scrollerRef } = win;
  const head = useRef<HTMLDivElement>(null);
  const onScroll = useCallback(() => {
    const h = head.current;
    if (h && scrollerRef.current) h.style.transform = `translateX(${-scrollerRef.current.scrollLeft}px)`;
    onScrollRows();
  }, [onScrollRows, scrollerRef]);

  useEffect(() => {
    if (selected !== null) reveal(selected);
  }, [selected, reveal]);

  const page = Math.max(1, Math.floor(win.viewportHeight / rowHeight) - 1);
  const onKeyDown = (e: KeyboardEvent) => {
    if (rowCount === 0) return;
    const at = selected ?? -1;
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: rowCount - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      onSelect(Math.max(0, Math.min(rowCount - 1, moves[e.key])));
    } else if (e.key === "Enter" && selected !== null && onActivate) {
      e.preventDefault();
      onActivate(selected);
    }
  };

  const rows: ReactNode[] = [];
  for (let i = 0; i < win.count; i++) {
    const row = win.first + i;
    const cls = ["vt-row", row === selected ? "selected" : "", props.rowClass?.(row) ?? ""].join(" ");
    rows.push(
      <div
        key={i}
        id={`${idBase}-r${row}`}
        role="row"
        aria-rowindex={row + 2}
        aria-selected={row === selected}
        className={cls}
        style={{ gridTemplateColumns: template, height: rowHeight }}
        onClick={() => onSelect(row)}
        onDoubleClick={() => onActivate?.(row)}
      >
        {columns.map((c) => (
          <div key={c.id} role="gridcell" className={c.align === "right" ? "num" : undefined}>
            {c.cell(row)}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div className="vt">
      {/* The grid is the scrolling element (keyboard focus reaches what scrolls); the header row,
          drawn above it, belongs to it through aria-owns. */}
      <div className="vt-head-clip">
        <div role="row" id={`${idBase}-head`} aria-rowindex={1} className="vt-head" ref={head} style={{ gridTemplateColumns: template, minWidth }}>
          {columns.map((c) => (
            <div key={c.id} role="columnheader" className={c.align === "right" ? "num" : undefined}>
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div
        className="vt-scroller"
        ref={win.scrollerRef}
        onScroll={onScroll}
        role="grid"
        aria-label={props.label}
        aria-owns={`${idBase}-head`}
        aria-rowcount={rowCount + 1}
        aria-colcount={columns.length}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-activedescendant={selected !== null && selected >= win.first && selected < win.first + win.count ? `${idBase}-r${selected}` : undefined}
      >
        <div style={{ height: win.spacer, position: "relative", minWidth }}>
          <div className="vt-window" style={{ height: win.viewportHeight }}>
            <div role="rowgroup" style={{ transform: `translateY(${-win.shift}px)` }}>
              {rows}
            </div>
          </div>
        </div>
        {rowCount === 0 && <div className="vt-empty">{props.empty ?? "Nothing to show."}</div>}
      </div>
    </div>
  );
}
