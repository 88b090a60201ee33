// `.modinfo`: `key=value\0key=value\0…`, shown by Xen in LIST and on apply (xen/common/livepatch.c: prepare_payload(), .modinfo).
import { text } from "./bytes.ts";
import type { LpDiagnostic } from "./diagnostics.ts";

export interface ModinfoEntry {
  key: string;
  value: string;
  /** File offset of the entry's first byte. */
  offset: number;
}

export interface Modinfo {
  entries: ModinfoEntry[];
  /** As `xen-livepatch list` prints it: inner NULs become `;`. */
  display: string;
  /** Whether Xen would accept the section. */
  valid: boolean;
}

export function parseModinfo(data: Uint8Array, fileOffset: number, diagnostics: LpDiagnostic[]): Modinfo {
  if (data.length === 0) {
    // Xen reads byte len−1 without checking len (xen/common/livepatch.c: prepare_payload()), so empty can only be refused.
    diagnostics.push({ severity: "error", code: "LP_MODINFO_EMPTY", offset: fileOffset, message: ".modinfo is empty; Xen reads its last byte unchecked, treat as invalid" });
    return { entries: [], display: "", valid: false };
  }
  let valid = true;
  if (data[data.length - 1] !== 0) {
    diagnostics.push({
      severity: "error",
      code: "LP_MODINFO_NOT_TERMINATED",
      offset: fileOffset + data.length - 1,
      message: ".modinfo does not end with a NUL byte",
    });
    valid = false;
  }
  const entries: ModinfoEntry[] = [];
  let start = 0;
  for (let i = 0; i <= data.length; i++) {
    if (i < data.length && data[i] !== 0) continue;
    if (i > start) {
      const entry = text(data.subarray(start, i));
      const eq = entry.indexOf("=");
      if (eq < 0) {
        diagnostics.push({ severity: "info", code: "LP_MODINFO_NO_EQUALS", offset: fileOffset + start, message: `.modinfo entry ${JSON.stringify(entry)} has no '='` });
        entries.push({ key: entry, value: "", offset: fileOffset + start });
      } else {
        entries.push({ key: entry.slice(0, eq), value: entry.slice(eq + 1), offset: fileOffset + start });
      }
    }
    start = i + 1;
  }
  const body = data[data.length - 1] === 0 ? data.subarray(0, data.length - 1) : data;
  const display = text(body).replace(/\0/g, ";");
  return { entries, display, valid };
}
