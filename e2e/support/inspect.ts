// The CLI's `inspect --json` is the single source of truth the page is compared with.
import { execFileSync } from "node:child_process";

/** Where a pointer field of a livepatch_func comes from (`provenance` in inspect --json). */
export interface FieldProvenance {
  fileOffset: number;
  relocation: { section: string; index: number; type: string; symbol: string; recordOffset: number } | null;
}

export interface InspectJson {
  size: number;
  sections: { name: string }[];
  symbols: { name: string }[];
  relocations: { section: string; entries: unknown[] }[];
  notes: unknown[];
  livepatch: {
    layout: string | null;
    arch: string | null;
    buildId: string | null;
    depends: string | null;
    xenDepends: string | null;
    funcs: {
      index: number;
      name: string | null;
      newSize: number;
      oldSize: number;
      version: number;
      provenance: { name: FieldProvenance; newAddr: FieldProvenance; oldAddr: FieldProvenance };
    }[];
    trampolines: { func: number; kind: string; oldAddr: string | null; bytes: string; description: string }[];
  } | null;
}

/** `inspect --json` of a sample, against a sample image (`--xen`) when `imagePath` is given. */
export function inspectJson(samplePath: string, imagePath?: string): InspectJson {
  const xen = imagePath ? ["--xen", `public/samples/${imagePath}`] : [];
  const out = execFileSync(process.execPath, ["src/cli/livepatch-lens.mjs", "inspect", "--json", ...xen, `public/samples/${samplePath}`], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as InspectJson;
}
