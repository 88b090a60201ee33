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
  const { summary } = r;
  const differing = summary.kind === "differs" ? summary.rows : [];
  // A field that would crash is said once, in the crash's words; the fields xl never gets after it are not listed one by one.
  const listed = differing.filter((x) => x.changed);
  const other = differing.filter((x) => !x.changed && !x.crashes);
  return (
    <p className="rx-summary" aria-label="xl info now">
      <span className="rx-text" title={differing.map((x) => `${x.key}: ${x.before} → ${x.now}`).join("; ") || undefined}>
        <span className="rx-label">xl info{r.during ? "" : ":"}</span>
        {r.during && (
          <span className="rx-during" title={`xl info is asked when an input is done; ${r.during.text} is under way at the cursor, so this is the answer from before it`}>
            {" "}
            before <code>{r.during.text}</code>:
          </span>
        )}{" "}
        {summary.kind === "down" ? (
          <span>no answer, the host is down</span>
        ) : summary.kind === "as-at-boot" ? (
          <span className="muted">as at boot</span>
        ) : (
          <>
            {summary.crash && (
              <span className="rx-crash">
                would crash Xen at <code>{summary.crash.key}</code> ({summary.crash.detail}){listed.length > 0 && "; "}
              </span>
            )}
            {listed.map((x, i) => (
              <span key={x.key}>
                {i > 0 && "; "}
                <code>{x.key}</code> <span className="muted">{x.before}</span> → <mark className="rx-now">{x.now}</mark>
              </span>
            ))}
            {!summary.crash && other.length > 0 && (
              <span>
                {listed.length > 0 && "; "}
                no answer now for {other.map((x) => x.key).join(", ")}
              </span>
            )}
          </>
        )}
      </span>
      <button type="button" className="linkish" onClick={onShow}>
        Running Xen ↓
      </button>
    </p>
  );
}

/** After the input's name: what the rows say, in the summary's words. */
function whenText(r: RunningXenRows): string {
  const { summary } = r;
  if (summary.kind === "down") return " · the host is down";
  if (summary.kind === "as-at-boot") return " · as at boot";
  const changed = summary.rows.filter((x) => x.changed).map((x) => x.key);
  const parts = [];
  if (summary.crash) parts.push(`xl info would crash Xen at ${summary.crash.key}`);
  if (changed.length) parts.push(`changed: ${changed.join(", ")}`);
  const lost = summary.rows.filter((x) => !x.changed && !x.crashes && !summary.crash).map((x) => x.key);
  if (lost.length) parts.push(`no answer for ${lost.join(", ")}`);
  return ` · ${parts.join(" · ")}`;
}

/** The whole table; `r` is computed once by the page for this and the summary. */
export function RunningXen({ r, records }: { r: RunningXenRows | null; records: readonly InputRecord[] }) {
  if (!r) return <p className="muted">xl info appears once the simulator has booted.</p>;
  return (
    <div className="running-xen">
      <p className="rx-when">
        {r.after < 0 ? "At boot" : <>After <code>{inputText(records[r.after].input)}</code></>}
        {r.during && (
          <>
            , before <code>{r.during.text}</code>, which is under way at the cursor
          </>
        )}
        {whenText(r)}
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
            <tr key={x.key} className={x.changed ? "rx-changed" : x.crashes ? "rx-crashes" : undefined} aria-label={x.changed ? `${x.key} changed` : x.crashes ? `${x.key} would crash Xen` : undefined}>
              <th scope="row">{x.key}</th>
              <td className={x.before.startsWith("(") ? "muted" : undefined}>{x.before}</td>
              <td className={x.crashes ? "bad" : x.noValue ? "muted" : undefined}>{x.now}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
