// Messages about files and workers. Errors are announced assertively, the rest politely.
import { useLens } from "../../state/store.ts";

export function Notices() {
  const notices = useLens((s) => s.ui.notices);
  const dismiss = useLens((s) => s.ui.dismiss);
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.level}`} role={n.level === "error" ? "alert" : "status"}>
          <span>{n.text}</span>
          <button type="button" aria-label="Dismiss message" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
