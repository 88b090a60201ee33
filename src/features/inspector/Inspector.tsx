// The main area for one file: tabs of views above, the hex dock below.
import { useDeferredValue, useEffect, useRef, type ReactNode } from "react";
import { useLens, type ViewId } from "../../state/store.ts";
import type { LoadedFile } from "../../state/store.ts";
import { HexPane } from "../hex/HexPane.tsx";
import { Overview } from "../overview/Overview.tsx";
import { Functions } from "../functions/Functions.tsx";
import { Relocations } from "../relocations/Relocations.tsx";
import { Symbols } from "../symbols/Symbols.tsx";
import { Sections } from "../sections/Sections.tsx";
import { Notes } from "../notes/Notes.tsx";
import { Tables } from "../tables/Tables.tsx";
import { Graph } from "../graph/Graph.tsx";
import { Tabs, type TabDef } from "./Tabs.tsx";
import { Guard } from "../../components/Guard.tsx";
import type { ViewProps } from "./viewProps.ts";
import { sizeText } from "../format.ts";
import { describeProblem } from "../../state/files.ts";

const VIEW_COMPONENTS: Record<ViewId, (p: ViewProps) => ReactNode> = {
  overview: Overview,
  functions: Functions,
  relocations: Relocations,
  symbols: Symbols,
  sections: Sections,
  notes: Notes,
  tables: Tables,
  graph: Graph,
};

function tabsFor(p: ViewProps): TabDef[] {
  const { elf, livepatch: lp } = p.parsed;
  const sum = (xs: { count: number }[]) => xs.reduce((n, x) => n + x.count, 0);
  return [
    { id: "overview", label: "Overview" },
    { id: "functions", label: "Functions", count: lp ? lp.funcs.length : null },
    { id: "relocations", label: "Relocations", count: sum(elf.relocationTables) },
    { id: "symbols", label: "Symbols", count: sum(elf.symbolTables) },
    { id: "sections", label: "Sections", count: elf.sections.length },
    { id: "notes", label: "Notes", count: elf.notes.length },
    { id: "tables", label: "Alternatives & tables", count: lp ? lp.alternatives.length + lp.exTable.length + lp.bugFrames.length + lp.altCalls.length : null },
    { id: "graph", label: "Map" },
  ];
}

export function FileStatusPanel({ file }: { file: LoadedFile }) {
  if (file.status === "parsing")
    return (
      <div className="status-panel" role="status">
        <p>
          Parsing <b>{file.name}</b> {file.size ? `(${sizeText(file.size)})` : ""}…
        </p>
        <progress value={file.progress ?? undefined} max={1} aria-label={`Parsing ${file.name}`} />
        <p>
          <button type="button" onClick={() => useLens.getState().files.cancel(file.id)}>
            Cancel
          </button>
        </p>
      </div>
    );
  return (
    <div className="status-panel" role="alert">
      <p className="bad">{file.problem ? describeProblem(file.name, file.problem) : `${file.name}: ${file.status}`}</p>
    </div>
  );
}

function focusFilter(): boolean {
  const filter = document.querySelector<HTMLInputElement>(".panel [data-filter]");
  if (!filter) return false;
  filter.focus();
  filter.select();
  return true;
}

export function Inspector({ file: current }: { file: LoadedFile }) {
  // A newly parsed file, another file or another view renders in the background (React time-
  // slices it) while the previous screen stays up, so building a big view never blocks input.
  // File and parse result are deferred together: a view never sees one file's id with another's data.
  const file = useDeferredValue(current);
  const viewNow = useLens((s) => s.ui.view);
  const view = useDeferredValue(viewNow);
  const setView = useLens((s) => s.ui.setView);
  const hexOpen = useLens((s) => s.ui.hexOpen);
  const toggleHex = useLens((s) => s.ui.toggleHex);
  const parsed = file.parsed;
  // `/` pressed while a new view is still being rendered in the background focuses that view's
  // filter once it is on screen, not whatever filter the previous view had.
  const shownView = useRef(view);
  const filterWanted = useRef(false);
  useEffect(() => {
    shownView.current = view;
    if (filterWanted.current) {
      filterWanted.current = false;
      focusFilter();
    }
  }, [view]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      const typing = el && (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA");
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "/") {
        if (useLens.getState().ui.view !== shownView.current) {
          e.preventDefault();
          filterWanted.current = true;
        } else if (focusFilter()) e.preventDefault();
      } else if (/^[1-8]$/.test(e.key) && parsed) {
        const tabs = tabsFor({ file, parsed });
        const t = tabs[Number(e.key) - 1];
        if (t) {
          setView(t.id);
          document.getElementById(`tab-${t.id}`)?.focus();
        }
      } else if (e.key === "x") toggleHex();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [file, parsed, setView, toggleHex]);

  if (!current.parsed) return <FileStatusPanel file={current} />;
  // The parse is done but its first render is still being prepared in the background.
  if (!parsed) return <FileStatusPanel file={file} />;
  const props = { file, parsed };
  const View = VIEW_COMPONENTS[view];
  const tabs = tabsFor(props);
  const label = tabs.find((t) => t.id === view)?.label ?? view;
  return (
    <div className={`inspector ${hexOpen ? "with-hex" : ""}`}>
      <div className="inspector-head">
        <Tabs tabs={tabs} current={viewNow} onSelect={setView} />
        <button type="button" className="small ghost" aria-pressed={hexOpen} onClick={toggleHex} title="Show or hide the bytes (x)">
          Hex
        </button>
      </div>
      <div className="panel" role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`}>
        <Guard what={`${label} view`} resetKeys={[file.id, view]}>
          <View key={`${file.id}:${view}`} {...props} />
        </Guard>
      </div>
      {hexOpen && (
        <Guard what="hex view" resetKeys={[file.id]}>
          <HexPane {...props} />
        </Guard>
      )}
    </div>
  );
}
