// Virtualized hex dump over any size of file. The view never copies the bytes; it reads the
// visible window only, and asks `kindsIn` for the structure kinds of that window to tint bytes.
import { useEffect, type KeyboardEvent, type ReactNode } from "react";
import { useVirtualWindow } from "./useVirtualWindow.ts";

export const HEX_ROW_BYTES = 16;
const ROW_HEIGHT = 18;

export interface HexSpan {
  start: number;
  end: number;
  /** CSS class suffix: the structure kind, e.g. "shdr", "code", "rel". */
  kind: string;
}

export interface HexViewProps {
  bytes: Uint8Array;
  /** Bytes lit up because a structure is selected elsewhere. */
  selection: { offset: number; size: number } | null;
  /** The byte under the keyboard/mouse cursor, picked after the selection (the store clears it on a new selection). */
  cursor: number | null;
  onPick(offset: number): void;
  kindsIn?(start: number, end: number): HexSpan[];
  /** Changing this number scrolls the selection into view. */
  revealToken?: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const ASCII = Array.from({ length: 256 }, (_, i) => (i >= 0x20 && i < 0x7f ? String.fromCharCode(i) : "."));

export function HexView(props: HexViewProps) {
  const { bytes, selection, cursor, onPick, kindsIn, revealToken } = props;
  const rowCount = Math.ceil(bytes.length / HEX_ROW_BYTES);
  const win = useVirtualWindow(rowCount, ROW_HEIGHT);
  const digits = Math.max(6, bytes.length.toString(16).length);
  const { reveal } = win;

  // The store keeps a cursor only while it is newer than the selection (selectBytes clears it), so
  // the pane shows the cursor's byte if there is one, else the whole selection.
  const showFrom = cursor ?? selection?.offset ?? null;
  const showTo = cursor ?? (selection ? selection.offset + Math.max(1, selection.size) - 1 : null);
  useEffect(() => {
    if (showFrom !== null && showTo !== null) reveal(Math.floor(showFrom / HEX_ROW_BYTES), Math.floor(showTo / HEX_ROW_BYTES));
  }, [showFrom, showTo, revealToken, reveal]);

  const start = win.first * HEX_ROW_BYTES;
  const end = Math.min(bytes.length, (win.first + win.count) * HEX_ROW_BYTES);
  const kinds = new Array<string>(end - start).fill("");
  for (const s of kindsIn?.(start, end) ?? []) {
    for (let o = Math.max(s.start, start); o < Math.min(s.end, end); o++) kinds[o - start] = s.kind;
  }
  const selStart = selection?.offset ?? -1;
  const selEnd = selection ? selection.offset + selection.size : -1;

  const cls = (o: number) => {
    let c = kinds[o - start] ? `k-${kinds[o - start]}` : "";
    if (o >= selStart && o < selEnd) c += " sel";
    if (o === cursor) c += " cur";
    return c;
  };

  const rows: ReactNode[] = [];
  for (let r = 0; r < win.count; r++) {
    const row = win.first + r;
    const base = row * HEX_ROW_BYTES;
    const hex: ReactNode[] = [];
    const ascii: ReactNode[] = [];
    for (let i = 0; i < HEX_ROW_BYTES; i++) {
      const o = base + i;
      if (o >= bytes.length) break;
      const c = cls(o);
      hex.push(
        <span key={i} className={c} data-off={o}>
          {HEX[bytes[o]]}
        </span>,
      );
      ascii.push(
        <span key={i} className={c} data-off={o}>
          {ASCII[bytes[o]]}
        </span>,
      );
    }
    rows.push(
      <div key={r} className="hx-row" role="row" aria-rowindex={row + 1} style={{ height: ROW_HEIGHT }}>
        <span className="hx-off" role="rowheader">
          {base.toString(16).padStart(digits, "0")}
        </span>
        <span className="hx-bytes" role="gridcell">
          {hex}
        </span>
        <span className="hx-ascii" role="gridcell" aria-hidden="true">
          {ascii}
        </span>
      </div>,
    );
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (bytes.length === 0) return;
    const at = cursor ?? selection?.offset ?? 0;
    const page = HEX_ROW_BYTES * Math.max(1, Math.floor(win.viewportHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowRight: at + 1,
      ArrowLeft: at - 1,
      ArrowDown: at + HEX_ROW_BYTES,
      ArrowUp: at - HEX_ROW_BYTES,
      PageDown: at + page,
      PageUp: at - page,
      Home: e.ctrlKey ? 0 : at - (at % HEX_ROW_BYTES),
      End: e.ctrlKey ? bytes.length - 1 : at - (at % HEX_ROW_BYTES) + HEX_ROW_BYTES - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      onPick(Math.max(0, Math.min(bytes.length - 1, moves[e.key])));
    }
  };

  const onClick = (e: React.MouseEvent) => {
    const off = (e.target as HTMLElement).dataset.off;
    if (off !== undefined) onPick(Number(off));
  };

  return (
    <div className="hx">
      {/* The grid is the scrolling element itself, so keyboard focus reaches what scrolls. */}
      <div
        className="hx-scroller"
        ref={win.scrollerRef}
        onScroll={win.onScroll}
        role="grid"
        aria-label="Hex view"
        aria-rowcount={rowCount}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onClick={onClick}
      >
        <div style={{ height: win.spacer, position: "relative" }}>
          <div className="vt-window" style={{ height: win.viewportHeight }}>
            <div role="rowgroup" style={{ transform: `translateY(${-win.shift}px)` }}>
              {rows}
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}
