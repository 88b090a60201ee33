// The hex dock under every view: bytes of the selected file, the selected structure lit up, and
// a line naming what the byte under the cursor belongs to, with a link to it.
import { useCallback, useEffect, useState } from "react";
import { HexView, type HexSpan } from "../../components/HexView.tsx";
import { useLens } from "../../state/store.ts";
import { selectFileView } from "../../state/selectors.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { hex } from "../format.ts";
import { byteIndexIfReady, byteIndexLater } from "./buildByteIndex.ts";
import { nextTask } from "../../services/nextTask.ts";
import type { IntervalIndex } from "./intervalIndex.ts";
import type { ParsedFile } from "../../state/parsedFile.ts";

/** The file's byte index, built after the first paint; null until then. */
function useByteIndex(parsed: ParsedFile): IntervalIndex | null {
  const [built, setBuilt] = useState<{ for: ParsedFile; index: IntervalIndex } | null>(null);
  const ready = byteIndexIfReady(parsed);
  useEffect(() => {
    if (ready) return;
    let live = true;
    void byteIndexLater(parsed).then((index) => {
      if (live) setBuilt({ for: parsed, index });
    });
    return () => {
      live = false;
    };
  }, [parsed, ready]);
  return ready ?? (built?.for === parsed ? built.index : null);
}

/**
 * True once a frame has been painted with these bytes' view above the pane. The grid is over half
 * of the inspector's elements, so drawing it in the next frame halves the frame that first shows
 * a file (on Xen's 62 MB prelink.o, about 20-30 ms of style, layout and paint in one task).
 */
function useDrawnAfterPaint(bytes: Uint8Array): boolean {
  const [drawn, setDrawn] = useState<Uint8Array | null>(null);
  useEffect(() => {
    if (drawn === bytes) return;
    let live = true;
    // The rAF callback runs in the frame about to be painted; the task it posts runs after that paint.
    const frame = requestAnimationFrame(() => void nextTask().then(() => live && setDrawn(bytes)));
    return () => {
      live = false;
      cancelAnimationFrame(frame);
    };
  }, [bytes, drawn]);
  return drawn === bytes;
}

export function HexPane({ file, parsed }: ViewProps) {
  const selection = useLens((s) => selectFileView(s, file.id).selection);
  const cursor = useLens((s) => selectFileView(s, file.id).hexCursor);
  const setHexCursor = useLens((s) => s.ui.setHexCursor);
  const navigate = useLens((s) => s.ui.navigate);
  const selectBytes = useLens((s) => s.ui.selectBytes);
  const setCursor = useCallback((offset: number | null) => setHexCursor(file.id, offset), [setHexCursor, file.id]);
  const index = useByteIndex(parsed);
  const bytes = parsed.elf.bytes;
  const drawn = useDrawnAfterPaint(bytes);

  const kindsIn = useCallback(
    (start: number, end: number): HexSpan[] =>
      index ? index.recordsIn(start, end).map((h) => ({ start: h.offset, end: h.offset + h.size, kind: h.interval.kind + (h.interval.count > 1 && h.record % 2 ? " alt" : "") })) : [],
    [index],
  );
  const at = cursor ?? selection?.offset ?? null;
  const hit = at !== null && index ? index.at(at) : null;
  const target = hit?.interval.target(hit.record) ?? null;
  const hitRange = hit ? { offset: hit.offset, size: hit.size } : null;

  return (
    <section className="hex-pane" aria-label="Bytes">
      <div className="hex-info" aria-live="polite">
        {selection && (
          <span className="hex-sel">
            Selected: <b>{selection.label}</b> <code>{hex(selection.offset)}</code>–<code>{hex(selection.offset + selection.size)}</code> ({selection.size} byte{selection.size === 1 ? "" : "s"})
          </span>
        )}
        {at !== null && (
          <span className="hex-at">
            Byte <code>{hex(at)}</code>
            {hit ? (
              <>
                {" "}
                belongs to <b>{hit.interval.label(hit.record)}</b>
                {target && (
                  <button
                    type="button"
                    className="small"
                    onClick={() => {
                      if (hitRange) selectBytes({ fileId: file.id, ...hitRange, label: hit.interval.label(hit.record) });
                      navigate(file.id, target);
                    }}
                  >
                    Show in {target.view}
                  </button>
                )}
              </>
            ) : index ? (
              " is not part of any parsed structure (padding or unreferenced bytes)"
            ) : (
              " (indexing the file's structures…)"
            )}
          </span>
        )}
        {at === null && !selection && <span className="hint">Select an item in a view, or click a byte.</span>}
      </div>
      {drawn ? <HexView bytes={bytes} selection={selection} cursor={cursor} onPick={setCursor} kindsIn={kindsIn} revealToken={selection?.token} /> : <div className="hx" />}
    </section>
  );
}
