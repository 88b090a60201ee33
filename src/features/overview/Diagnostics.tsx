// Every problem found while parsing, worst first, each linked to its byte offset.
import { printable, type Diagnostic } from "../../elf/index.ts";
import { useLens } from "../../state/store.ts";
import { hex } from "../format.ts";

const RANK = { error: 0, warning: 1, info: 2 } as const;

export function Diagnostics({ fileId, items }: { fileId: string; items: Diagnostic[] }) {
  return (
    <section className="diagnostics" aria-label="Diagnostics">
      <h3>
        Diagnostics <span className="count">{items.length}</span>
      </h3>
      {items.length === 0 ? (
        // Only what reading the file found: shown in green under a refused upload it read as a pass.
        <p className="muted">Nothing to report from reading the file. Whether Xen takes it is the audit&apos;s verdict.</p>
      ) : (
        <DiagnosticList fileId={fileId} items={items} />
      )}
    </section>
  );
}

/** Diagnostics worst first, each with a link to its byte: the Overview's list, and a table's own in its view. */
export function DiagnosticList({ fileId, items, label }: { fileId: string; items: readonly Diagnostic[]; label?: string }) {
  const selectBytes = useLens((s) => s.ui.selectBytes);
  const sorted = [...items].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.offset - b.offset);
  return (
    <ul className="diagnostics" aria-label={label}>
      {sorted.slice(0, 500).map((d, i) => (
        <li key={i} className={d.severity}>
          <span className={`sev ${d.severity}`}>{d.severity}</span>
          <code className="code">{d.code}</code>
          <button
            type="button"
            className="linkish mono"
            onClick={() => selectBytes({ fileId, offset: d.offset, size: 1, label: d.code })}
          >
            {hex(d.offset)}
          </button>
          <span>{printable(d.message)}</span>
        </li>
      ))}
      {sorted.length > 500 && <li className="muted">… and {sorted.length - 500} more</li>}
    </ul>
  );
}
