// The CLI's `inspect --json` is the single source of truth the page is compared with.
import { execFileSync } from "node:child_process";

export interface InspectJson {
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
    funcs: { index: number; name: string | null; newSize: number; oldSize: number; version: number }[];
  } | null;
}

export function inspectJson(samplePath: string): InspectJson {
  const out = execFileSync(process.execPath, ["src/cli/livepatch-lens.mjs", "inspect", "--json", `public/samples/${samplePath}`], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as InspectJson;
}
