// Getting files in: user files (drop, picker, paste) and bundled samples. Each file is read,
// transferred to the parse worker and tracked in the store; failures name the file, the problem
// and the byte offset, and never disturb what was loaded before.
import { parseClient, type ParseOutcome } from "../services/parseClient.ts";
import { sampleUrl } from "../services/samples.ts";
import { useLens, type FileOrigin, type FileProblem } from "./store.ts";

let seq = 0;

export function describeProblem(name: string, p: FileProblem): string {
  const at = p.offset === null || p.message.includes(`0x${p.offset.toString(16)}`) ? "" : ` at byte 0x${p.offset.toString(16)}`;
  const message = p.message.startsWith(`${name}: `) ? p.message : `${name}: ${p.message}`;
  return `${message}${at} (${p.code})`;
}

async function parseWithRetry(id: string, name: string, read: (id: string) => Promise<ArrayBuffer>): Promise<ParseOutcome> {
  const onProgress = (fraction: number) => useLens.getState().updateFile(id, { progress: fraction });
  let outcome = await parseClient.parse(id, () => read(id), name, onProgress);
  // The worker died under someone else's file (or a test hook): a fresh worker gets one more try.
  if (!outcome.ok && outcome.workerDied && outcome.problem.code !== "TIMEOUT" && useLens.getState().files.some((f) => f.id === id)) {
    outcome = await parseClient.parse(id, () => read(id), name, onProgress);
  }
  return outcome;
}

async function load(name: string, size: number, origin: FileOrigin, read: (id: string) => Promise<ArrayBuffer>): Promise<string> {
  const id = `f${++seq}`;
  const store = useLens.getState();
  const previous = store.selectedFileId;
  store.addFile({ id, name, size, origin, status: "parsing", progress: null, problem: null, parsed: null });
  const outcome = await parseWithRetry(id, name, read);
  // Receiving a big result (structured-clone deserialization) is one main-thread task; rendering
  // it starts in the next one, so neither blocks input for the sum of both.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const s = useLens.getState();
  if (!s.files.some((f) => f.id === id)) return id;
  if (outcome.ok) {
    s.updateFile(id, { status: "ready", progress: null, parsed: outcome.value });
    return id;
  }
  const cancelled = outcome.problem.code === "CANCELLED";
  s.updateFile(id, { status: cancelled ? "cancelled" : "error", progress: null, problem: outcome.problem });
  if (!cancelled) s.notify("error", describeProblem(name, outcome.problem));
  // Keep showing what the user was looking at before this file arrived.
  if (s.selectedFileId === id && previous && s.files.some((f) => f.id === previous && f.status === "ready")) s.selectFile(previous);
  return id;
}

export function loadUserFiles(files: Iterable<File>): Promise<string[]> {
  return Promise.all([...files].map((f) => load(f.name, f.size, { kind: "user" }, () => f.arrayBuffer())));
}

export function loadSample(path: string): Promise<string> {
  const existing = useLens.getState().files.find((f) => f.origin.kind === "sample" && f.origin.path === path && f.status !== "error");
  if (existing) {
    useLens.getState().selectFile(existing.id);
    return Promise.resolve(existing.id);
  }
  const name = path.split("/").pop() ?? path;
  return load(name, 0, { kind: "sample", path }, async (id) => {
    const r = await fetch(sampleUrl(path));
    if (!r.ok) throw new Error(`HTTP ${r.status} for sample ${path}`);
    const buf = await r.arrayBuffer();
    useLens.getState().updateFile(id, { size: buf.byteLength });
    return buf;
  });
}

export function cancelLoad(id: string): void {
  parseClient.cancel(id);
}

export function unloadFile(id: string): void {
  parseClient.cancel(id);
  useLens.getState().removeFile(id);
}

parseClient.onRestart((reason) => useLens.getState().notify("warning", `Parse worker restarted: ${reason}. Parsing works again.`));
