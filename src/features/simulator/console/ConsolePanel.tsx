// The console: the same commands as `livepatch-lens sim` (the same interpreter, in the hypervisor
// worker), FILE being a file loaded into the page. The transcript reads like the CLI run as a
// script ("# command", then exactly its output), up to the timeline cursor; while an action is
// still playing, only the part the real tool has printed so far ("Applying x... ") shows.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useShallow } from "zustand/react/shallow";
import { escapeText } from "../../../livepatch/label.ts";
import { suggestedCommand } from "../../../console/suggest.ts";
import { deriveSnapshot, type NodeState } from "../../../simulator/derive.ts";
import { dependsTargetAt, inputText, type InputRecord } from "../../../simulator/types.ts";
import { consolePayloadFiles } from "../../../state/selectors.ts";
import { commandCursor } from "../../../state/sim.ts";
import { useLens } from "../../../state/store.ts";

export interface ConsoleEntry {
  record: InputRecord;
  /** Every event of the record has happened at the cursor. */
  complete: boolean;
}

/** What the console shows of an entry; a payload's name bytes in Xen's lines spelt as the CLI spells them (escapeText()). */
function shown(e: ConsoleEntry): string {
  if (e.complete) return escapeText(e.record.output);
  const at = e.record.output.lastIndexOf("... ");
  return at >= 0 ? escapeText(e.record.output.slice(0, at + 4)) : "";
}

/** Xen holds the payload (CHECKED or APPLIED) at the cursor: `load` of its file would fail (-EEXIST). */
const holds = (states: ReadonlyMap<string, NodeState>) => (payload: string) => {
  const s = states.get(payload);
  return s === "CHECKED" || s === "APPLIED";
};

/**
 * The console's hint and placeholder: a command that works with the files loaded (the FILE names
 * the console opens), what Xen holds where a typed command runs (commandCursor(): the end of the
 * timeline while it plays, else the end of the record the cursor is in) and whom APPLY checks
 * .livepatch.depends against there, or how to get a payload. `states` are the cursor's, used when
 * the command runs at the cursor.
 */
function useSuggestion(states: ReadonlyMap<string, NodeState>): string | null {
  const { list, imageId, bootDepends, records, cursor, items, playing, bootCpus } = useLens(
    useShallow((s) => ({
      list: s.files.list,
      imageId: s.sim.image?.fileId ?? null,
      bootDepends: s.sim.bootDepends,
      records: s.sim.records,
      cursor: s.sim.cursor,
      items: s.sim.items,
      playing: s.sim.playing,
      bootCpus: s.sim.bootCpus,
    })),
  );
  const files = useMemo(() => consolePayloadFiles(list, imageId), [list, imageId]);
  const runAt = commandCursor({ records, items, cursor, playing });
  const target = useMemo(() => dependsTargetAt(bootDepends, records, runAt), [bootDepends, records, runAt]);
  const elsewhere = runAt !== cursor;
  const there = useMemo(() => (elsewhere ? deriveSnapshot(items, runAt, bootCpus).states : null), [items, runAt, elsewhere, bootCpus]);
  return suggestedCommand(files, holds(there ?? states), target);
}

export function ConsolePanel({
  entries,
  history,
  busy,
  states,
  onRun,
}: {
  entries: ConsoleEntry[];
  history: string[];
  busy: boolean;
  /** Each payload's state at the cursor (the snapshot's). */
  states: ReadonlyMap<string, NodeState>;
  onRun(line: string): void;
}) {
  const suggestion = useSuggestion(states);
  const [line, setLine] = useState("");
  const [back, setBack] = useState(-1);
  const log = useRef<HTMLPreElement>(null);
  const last = entries.length ? shown(entries[entries.length - 1]) : "";
  // To the latest line in the next frame, where the page is laid out anyway: here, in the commit,
  // reading the log's height laid out a page a playback step had just changed, a second time.
  useEffect(() => {
    const el = log.current;
    if (!el) return;
    const frame = requestAnimationFrame(() => {
      el.scrollTop = el.scrollHeight;
    });
    return () => cancelAnimationFrame(frame);
  }, [entries.length, last]);

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const text = line.trim();
      if (!text) return;
      onRun(text);
      setLine("");
      setBack(-1);
    } else if (e.key === "ArrowUp" && history.length) {
      e.preventDefault();
      const i = back < 0 ? history.length - 1 : Math.max(0, back - 1);
      setBack(i);
      setLine(history[i]);
    } else if (e.key === "ArrowDown" && back >= 0) {
      e.preventDefault();
      const i = back + 1;
      if (i >= history.length) {
        setBack(-1);
        setLine("");
      } else {
        setBack(i);
        setLine(history[i]);
      }
    }
  };

  return (
    <div className="sim-console">
      <pre className="con-log" ref={log} aria-label="Console output" aria-live="polite" tabIndex={0} data-testid="console-output">
        {entries.length === 0 && (
          <span className="muted" data-testid="console-hint">
            {suggestion
              ? `Type a command, e.g. ${suggestion}, or help.`
              : "No payload for this Xen is loaded yet: drop a .livepatch file on the page, open one with Open files…, or pick one under Samples; then load FILE. help lists the commands."}
            {"\n"}
          </span>
        )}
        {entries.map((e, i) => (
          <span key={i} className={`con-entry ${e.record.status !== 0 && e.complete ? "failed" : ""}`}>
            <span className="con-echo">
              # {inputText(e.record.input)}
              {e.record.input.kind === "action" ? " (raw hypercall)" : ""}
              {"\n"}
            </span>
            {shown(e)}
            {!e.complete && <span className="con-wait" aria-hidden="true">▍</span>}
            {!e.complete && "\n"}
          </span>
        ))}
      </pre>
      <label className="con-input">
        <span aria-hidden="true">xen-livepatch&gt;</span>
        <input
          aria-label="Console"
          value={line}
          spellCheck={false}
          autoComplete="off"
          placeholder={busy ? "running…" : (suggestion ?? "help")}
          onChange={(e) => setLine(e.target.value)}
          onKeyDown={onKey}
        />
      </label>
    </div>
  );
}
