// The URL hash remembers which samples are open, which file is selected and which view, so a
// link reopens the same place. A user's own file is never named in it: only the view is kept.
import { isScenarioHash } from "../scenarios/hash.ts";
import { useLens, VIEWS, type LensState, type LoadedFile, type ViewId } from "./store.ts";

export interface HashState {
  samples: string[];
  file: string | null;
  view: ViewId | null;
}

// Sample paths are plain relative paths inside public/samples; anything else is ignored.
const SAFE_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

export function parseHash(hash: string): HashState {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const samples = (params.get("samples") ?? "").split(",").filter((p) => SAFE_PATH.test(p) && !p.includes(".."));
  const file = params.get("file");
  const view = params.get("view");
  return {
    samples,
    file: file && samples.includes(file) ? file : null,
    view: (VIEWS as readonly string[]).includes(view ?? "") ? (view as ViewId) : null,
  };
}

export function formatHash(s: { files: LoadedFile[]; selectedFileId: string | null; view: ViewId }): string {
  const samples = s.files.flatMap((f) => (f.origin.kind === "sample" && f.status !== "error" ? [f.origin.path] : []));
  const current = s.files.find((f) => f.id === s.selectedFileId);
  const params = new URLSearchParams();
  if (samples.length) params.set("samples", samples.join(","));
  if (current?.origin.kind === "sample") params.set("file", current.origin.path);
  params.set("view", s.view);
  return `#${params.toString().replace(/%2F/g, "/").replace(/%2C/g, ",")}`;
}

/** Open what the hash names, then keep the hash in step with the store. */
export async function startHashSync(): Promise<() => void> {
  const wanted = parseHash(location.hash);
  const { files, ui } = useLens.getState();
  if (wanted.view) ui.setView(wanted.view);
  const ids = await Promise.all(wanted.samples.map((p) => files.loadSample(p)));
  if (wanted.file) useLens.getState().ui.selectFile(ids[wanted.samples.indexOf(wanted.file)]);
  const write = (s: LensState, prev?: LensState) => {
    if (prev && s.files.list === prev.files.list && s.ui.selectedFileId === prev.ui.selectedFileId && s.ui.view === prev.ui.view) return;
    // A scenario link (#scenario=…) belongs to the scenario view, which keeps it up to date.
    if (isScenarioHash(location.hash)) return;
    const next = formatHash({ files: s.files.list, selectedFileId: s.ui.selectedFileId, view: s.ui.view });
    if (next !== location.hash) history.replaceState(null, "", next);
  };
  write(useLens.getState());
  return useLens.subscribe(write);
}
