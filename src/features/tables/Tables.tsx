// Alternatives, exception table, bug frames and alt_call sites, each entry's self-relative
// fields resolved to symbol+offset through their relocations.
import type { ReactNode } from "react";
import type { Diagnostic, ElfSection } from "../../elf/index.ts";
import type { LivepatchModel, SelfRelative } from "../../livepatch/index.ts";
import { targetText } from "../../livepatch/label.ts";
import { useLens } from "../../state/store.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { usePick, useReveal } from "../inspector/usePick.ts";
import { DiagnosticList } from "../overview/Diagnostics.tsx";
import { blockDiagnostics } from "./blockDiagnostics.ts";

const rel = (f: SelfRelative): string => targetText(f.target);

const BUG_KINDS = ["run_fn", "warn", "bug", "assert"];

function withText(pointer: string, text: string | null): ReactNode {
  return text === null ? pointer : (
    <>
      {pointer} <q>{text}</q>
    </>
  );
}

interface Block {
  id: "alt" | "ex" | "bug" | "altcall";
  title: string;
  headers: string[];
  rows: { offset: number; size: number; cells: ReactNode[] }[];
  empty: string;
  /** What reading the table found wrong (a size that leaves bytes over, entries pointing outside the code). */
  problems: Diagnostic[];
}

/** The four tables of a payload, each row with the bytes it was read from. */
function blocksOf(lp: LivepatchModel, sections: readonly ElfSection[], diagnostics: readonly Diagnostic[]): Block[] {
  const altSize = lp.arch === "x86_64" ? 14 : 12;
  const problems = (is: (name: string) => boolean) => blockDiagnostics(sections, is, diagnostics);
  return [
    {
      id: "alt",
      title: ".altinstructions",
      headers: ["#", "orig", "repl", "feature", "orig_len", "repl_len", "pad_len"],
      rows: lp.alternatives.map((a) => ({
        offset: a.offset,
        size: altSize,
        cells: [a.index, rel(a.orig), rel(a.repl), `${a.feature & 0x7fff}${a.feature & 0x8000 ? " (NOT)" : ""}`, a.origLen, a.replLen, a.padLen ?? "—"],
      })),
      empty: "No alternatives.",
      problems: problems((n) => n === ".altinstructions"),
    },
    {
      id: "ex",
      title: ".ex_table",
      headers: ["#", "faulting insn", "continue at"],
      rows: lp.exTable.map((e) => ({ offset: e.offset, size: 8, cells: [e.index, rel(e.addr), rel(e.cont)] })),
      empty: "No exception-table entries.",
      problems: problems((n) => n === ".ex_table"),
    },
    {
      id: "bug",
      title: ".bug_frames.*",
      headers: ["#", "kind", "location", "file (run_fn: function)", "line", "message"],
      rows: lp.bugFrames.map((b) => ({
        offset: b.offset,
        size: b.size,
        cells: [b.index, BUG_KINDS[b.frameType] ?? b.frameType, rel(b.loc), withText(rel(b.ptr), b.file), b.line ?? "—", b.msg ? withText(rel(b.msg), b.message) : "—"],
      })),
      empty: "No bug frames.",
      problems: problems((n) => n.startsWith(".bug_frames.")),
    },
    {
      id: "altcall",
      title: ".alt_call_sites",
      headers: ["#", "call site"],
      rows: lp.altCalls.map((c) => ({ offset: c.offset, size: 4, cells: [c.index, rel(c.site)] })),
      empty: "No alt_call sites.",
      problems: problems((n) => n === ".alt_call_sites"),
    },
  ];
}

export function Tables({ file, parsed }: ViewProps) {
  const lp = parsed.livepatch;
  const selectBytes = useLens((s) => s.ui.selectBytes);
  const setPick = useLens((s) => s.ui.pick);
  const pick = usePick(file.id, parsed, "tables");
  const selected = pick ? `${pick.kind}:${pick.index}` : null;
  const blocks = lp ? blocksOf(lp, parsed.elf.sections, [...parsed.elf.diagnostics, ...lp.diagnostics]) : [];
  const selectEntry = (b: Block, i: number) => {
    const r = b.rows[i];
    if (r) selectBytes({ fileId: file.id, offset: r.offset, size: r.size, label: `${b.title} entry ${i}` });
  };
  const choose = (b: Block, i: number) => {
    setPick(file.id, { view: "tables", kind: b.id, index: i });
    selectEntry(b, i);
  };
  // A link (an audit finding, Enter on a reference) selects its entry as soon as the view shows.
  useReveal(file.id, parsed, "tables", (t) => {
    const b = blocks.find((x) => x.id === t.kind);
    if (b) selectEntry(b, t.index);
  });
  if (!lp) return <p className="view">Not a livepatch payload.</p>;
  return (
    <div className="view tables">
      {blocks.map((b) => (
        <section key={b.id} aria-label={b.title}>
          <h3>
            <code>{b.title}</code> <span className="count">{b.rows.length}</span>
          </h3>
          {b.problems.length > 0 && <DiagnosticList fileId={file.id} items={b.problems} label={`${b.title}: problems`} />}
          {b.rows.length === 0 ? (
            <p className="muted">{b.problems.length > 0 ? "No whole entries." : b.empty}</p>
          ) : (
            <table className="plain" aria-label={b.title}>
              <thead>
                <tr>
                  {b.headers.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.rows.map((r, i) => (
                  <tr
                    key={i}
                    tabIndex={0}
                    className={selected === `${b.id}:${i}` ? "selected" : undefined}
                    onClick={() => choose(b, i)}
                    onKeyDown={(e) => e.key === "Enter" && choose(b, i)}
                  >
                    {r.cells.map((c, j) => (
                      <td key={j} className="mono">
                        {c}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </div>
  );
}
