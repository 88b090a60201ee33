// The view switcher, as an ARIA tablist: arrows move between tabs, Home/End jump to the ends.
import { useRef, type KeyboardEvent } from "react";
import type { ViewId } from "../../state/store.ts";
import { grouped } from "../format.ts";

export interface TabDef {
  id: ViewId;
  label: string;
  count?: number | null;
}

export function Tabs({ tabs, current, onSelect }: { tabs: TabDef[]; current: ViewId; onSelect(id: ViewId): void }) {
  const refs = useRef(new Map<ViewId, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent) => {
    const at = tabs.findIndex((t) => t.id === current);
    const next =
      e.key === "ArrowRight" ? (at + 1) % tabs.length : e.key === "ArrowLeft" ? (at - 1 + tabs.length) % tabs.length : e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    onSelect(tabs[next].id);
    refs.current.get(tabs[next].id)?.focus();
  };
  return (
    <div role="tablist" aria-label="Views" className="tabs" onKeyDown={onKeyDown}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
          }}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={t.id === current}
          aria-controls={`panel-${t.id}`}
          tabIndex={t.id === current ? 0 : -1}
          title={`${t.label} (${i + 1})`}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
          {t.count !== undefined && t.count !== null && (
            <>
              {" "}
              <span className="count">{grouped(t.count)}</span>
            </>
          )}
        </button>
      ))}
    </div>
  );
}
