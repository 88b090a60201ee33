// Running Xen: what `xl info` answers at boot and at the cursor, from Xen's own version functions
// run on the simulated CPUs (a payload that patches one changes the answer).
import type { RunningXen as RunningXenRows } from "../../../simulator/runningXen.ts";
import { inputText, type InputRecord } from "../../../simulator/types.ts";

/**
 * One line at the top of the memory card, so what `xl info` now says differently is in view
 * with the patched bytes (the full table sits below the memory windows).
 */
export function RunningXenSummary({ r, onShow }: { r: RunningXenRows | null; onShow: () => void }) {
  if (!r) return null;
  const changed = r.rows.filter((x) => x.changed);
  return (
    <p className="rx-summary" aria-label="xl info now">
      <span className="rx-text" title={changed.map((x) => `${x.key}: ${x.before} → ${x.now}`).join("; ") || undefined}>
        <span className="rx-label">xl info:</span>{" "}
        {r.hostDown ? (
          <span>no answer, the host is down</span>
        ) : changed.length === 0 ? (
          <span className="muted">as at boot</span>
        ) : (
          changed.map((x, i) => (
            <span key={x.key}>
              {i > 0 && "; "}
              <code>{x.key}</code> <span className="muted">{x.before}</span> → <mark className="rx-now">{x.now}</mark>
            </span>
          ))
        )}
      </span>
      <button type="button" className="linkish" onClick={onShow}>
        Running Xen ↓
      </button>
    </p>
  );
}

/** The whole table; `r` is computed once by the page for this and the summary. */
export function RunningXen({ r, records }: { r: RunningXenRows | null; records: readonly InputRecord[] }) {
  if (!r) return <p className="muted">xl info appears once the simulator has booted.</p>;
  const changed = r.rows.filter((x) => x.changed).map((x) => x.key);
  return (
    <div className="running-xen">
      <p className="rx-when">
        {r.after < 0 ? "At boot" : <>After <code>{inputText(records[r.after].input)}</code></>}
        {changed.length ? <> · changed: {changed.join(", ")}</> : r.hostDown ? " · the host is down" : " · as at boot"}
      </p>
      <table className="rx-table" aria-label="xl info at boot and now">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">At boot</th>
            <th scope="col">Now</th>
          </tr>
        </thead>
        <tbody>
          {r.rows.map((x) => (
            <tr key={x.key} className={x.changed ? "rx-changed" : undefined} aria-label={x.changed ? `${x.key} changed` : undefined}>
              <th scope="row">{x.key}</th>
              <td className={x.before.startsWith("(") ? "muted" : undefined}>{x.before}</td>
              <td className={x.noValue ? "muted" : undefined}>{x.now}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
