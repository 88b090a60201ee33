// Messages about files and workers. Errors are announced assertively, the rest politely.
// The notices take their own row between the workspace and the status bar (styles.css: .notices),
// so they never cover a control: the workspace gets shorter while one is up. A notice whose message
// also stays on screen elsewhere (a file's error in the file list) goes away on its own after
// NOTICE_TIMEOUT_MS, not while the pointer or focus is on it; any notice closes with × or Esc.
import { useEffect, useState } from "react";
import { useLens } from "../../state/store.ts";
import type { Notice } from "../../state/ui.ts";

/** How long a notice whose message is also shown elsewhere stays up. */
export const NOTICE_TIMEOUT_MS = 8000;

export function Notices() {
  const notices = useLens((s) => s.ui.notices);
  const dismiss = useLens((s) => s.ui.dismiss);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <NoticeItem key={n.id} notice={n} dismiss={dismiss} />
      ))}
    </div>
  );
}

function NoticeItem({ notice: n, dismiss }: { notice: Notice; dismiss(id: number): void }) {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!n.shownElsewhere || held) return;
    const t = setTimeout(() => dismiss(n.id), NOTICE_TIMEOUT_MS);
    return () => clearTimeout(t);
  }, [n.id, n.shownElsewhere, held, dismiss]);
  return (
    <div
      className={`notice ${n.level}`}
      role={n.level === "error" ? "alert" : "status"}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setHeld(false);
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          dismiss(n.id);
          // Focus was on its × button, which is gone: back to the workspace, not to the page's top.
          document.getElementById("workspace")?.focus();
        }
      }}
    >
      <span>{n.text}</span>
      <button type="button" aria-label="Dismiss message" title="Dismiss (Esc)" onClick={() => dismiss(n.id)}>
        ×
      </button>
    </div>
  );
}
