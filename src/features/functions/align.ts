// Old and new code side by side: each instruction reduced to what it does (mnemonic, registers,
// and what it refers to by name, never by address or displacement, which always differ between an
// image and a payload), then aligned with a longest-common-subsequence diff.
import { diffArrays } from "diff";
import type { Insn } from "../../disasm/types.ts";

export interface Line {
  insn: Insn;
  /** What a data operand or relocation designates: a quoted string or a symbol, when known. */
  ref: string | null;
  /** Name of the branch target, when known. */
  targetName: string | null;
  /** Part of the bytes Xen overwrites (old side) or writes (new side of a NOP-out). */
  patched: boolean;
}

export type RowKind = "same" | "changed" | "old-only" | "new-only";

export interface Row {
  kind: RowKind;
  old: Line | null;
  new: Line | null;
}

const NUMBER = /(?<![\w.])(?:\$|#)?-?(?:0x[0-9a-f]+|\d+)\b/g;

/** The comparison key: text with addresses and immediates replaced by what they name. */
export function keyOf(line: Line): string {
  const t = line.insn.text;
  if (line.insn.invalid) return `(bad) ${line.insn.bytes}`;
  if (line.ref !== null) return `${t.replace(NUMBER, "∗")} → ${line.ref}`;
  if (line.insn.target !== null) return `${t.replace(/\s+\S+$/, "")} → ${line.targetName ?? "?"}`;
  return t;
}

export function alignListings(oldLines: readonly Line[], newLines: readonly Line[]): Row[] {
  const oldKeys = oldLines.map(keyOf);
  const newKeys = newLines.map(keyOf);
  const rows: Row[] = [];
  let o = 0;
  let n = 0;
  let removed: Line[] = [];
  let added: Line[] = [];
  const flush = () => {
    // A run of removals next to a run of additions reads as changed lines, paired in order.
    const pairs = Math.min(removed.length, added.length);
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      if (i < pairs) rows.push({ kind: "changed", old: removed[i], new: added[i] });
      else if (i < removed.length) rows.push({ kind: "old-only", old: removed[i], new: null });
      else rows.push({ kind: "new-only", old: null, new: added[i] });
    }
    removed = [];
    added = [];
  };
  for (const part of diffArrays(oldKeys, newKeys)) {
    const count = part.count ?? part.value.length;
    if (part.removed) for (let i = 0; i < count; i++) removed.push(oldLines[o++]);
    else if (part.added) for (let i = 0; i < count; i++) added.push(newLines[n++]);
    else {
      flush();
      for (let i = 0; i < count; i++) rows.push({ kind: "same", old: oldLines[o++], new: newLines[n++] });
    }
  }
  flush();
  return rows;
}
