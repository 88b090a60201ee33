// The files slice: every loaded file (user files from drop, picker or paste, and bundled samples)
// with its parse status. Each file is read, transferred to the parse worker and tracked here;
// failures name the file, the problem and the byte offset, and never disturb what was loaded before.
import { locatedMessage } from "../elf/errors.ts";
import { parseClient, type ParseOutcome } from "../services/parseClient.ts";
import { sampleUrl } from "../services/samples.ts";
import type { ParsedFile } from "./parsedFile.ts";
import type { SliceApi } from "./slice.ts";
import type { AuditResult, Finding, Placement, PlanRole } from "../audit/index.ts";

export type FileOrigin = { kind: "sample"; path: string } | { kind: "user" };

export interface FileProblem {
  code: string;
  message: string;
  /** Byte offset in the file, when the problem is tied to one. */
  offset: number | null;
}

export type FileStatus = "parsing" | "ready" | "error" | "cancelled";

export interface LoadedFile {
  id: string;
  name: string;
  size: number;
  origin: FileOrigin;
  status: FileStatus;
  /** 0..1 while parsing a large file. */
  progress: number | null;
  problem: FileProblem | null;
  parsed: ParsedFile | null;
  /**
   * The file's bytes as the page holds them: the File the user gave, or a sample once fetched (null
   * before); workers read it themselves rather than take a copy.
   */
  source: Blob | null;
}

/** One simulated host's audit: the payloads that target one loaded image (or the stand-in Xen). */
export interface AuditRun {
  /** Null while the audit of this host's plan runs (or when it failed). */
  result: AuditResult | null;
  /** The loaded file id of each plan file, in plan order (result.files[i] is ids[i]). */
  ids: string[];
  /** The loaded image the simulated hypervisor booted from (null: a stand-in Xen). */
  imageId: string | null;
  error: string | null;
  running: boolean;
}

/**
 * The latest audit of the loaded payloads (features/audit runs it; everyone reads it here): one run
 * per target image (state/auditHosts.ts), so payloads for two Xen builds are each judged by their own.
 */
export interface AuditState {
  runs: AuditRun[];
}

export interface FilesSlice {
  list: LoadedFile[];
  /** Reads, parses and selects each file; resolves to their ids once each has settled. */
  loadUser(files: Iterable<File>): Promise<string[]>;
  /** A bundled sample (already loaded: selected again); resolves to its id once settled. */
  loadSample(path: string): Promise<string>;
  cancel(id: string): void;
  unload(id: string): void;
  /** The file once it is no longer parsing (null if it was closed). */
  settled(id: string): Promise<LoadedFile | null>;
  update(id: string, patch: Partial<LoadedFile>): void;
  /** Each payload's role in the audit plan, by file id (absent: "apply"). */
  roles: Readonly<Record<string, PlanRole>>;
  /** One REPLACE per plan: choosing it for a file turns an earlier REPLACE back into "apply". */
  setRole(id: string, role: PlanRole): void;
  audit: AuditState;
  setAudit(audit: AuditState): void;
}

/** Where the simulated hypervisor placed a loaded payload, with what its upload said. */
export interface FilePlacement {
  placement: Placement | null;
  /** The simulator booted a stand-in Xen (no image loaded): addresses are assumed. */
  assumed: boolean;
  imageFile: string | null;
  /** Why there is no placement: the first error finding about this file. */
  reason: string | null;
  /** The audit's findings about this file. */
  findings: Finding[];
}

/** The problem in the house form (`... at byte 0x0 (TRUNCATED_HEADER)`), without the file's name. */
export function problemText(name: string, p: FileProblem): string {
  const message = p.message.startsWith(`${name}: `) ? p.message.slice(name.length + 2) : p.message;
  return locatedMessage(message, p.code, p.offset);
}

export function describeProblem(name: string, p: FileProblem): string {
  return `${name}: ${problemText(name, p)}`;
}

let seq = 0;

export function createFilesSlice({ set, get, setStore, subscribe }: SliceApi<"files">): FilesSlice {
  const has = (id: string) => get().files.list.some((f) => f.id === id);

  async function parseWithRetry(id: string, name: string, read: (id: string) => Promise<ArrayBuffer | Blob>): Promise<ParseOutcome> {
    const onProgress = (fraction: number) => get().files.update(id, { progress: fraction });
    let outcome = await parseClient.parse(id, () => read(id), name, onProgress);
    // The worker died under someone else's file: a fresh worker gets one more try.
    if (!outcome.ok && outcome.workerDied && outcome.problem.code !== "TIMEOUT" && has(id)) {
      outcome = await parseClient.parse(id, () => read(id), name, onProgress);
    }
    return outcome;
  }

  async function load(name: string, size: number, origin: FileOrigin, read: (id: string) => Promise<ArrayBuffer | Blob>, source: Blob | null = null): Promise<string> {
    const id = `f${++seq}`;
    const previous = get().ui.selectedFileId;
    const file: LoadedFile = { id, name, size, origin, status: "parsing", progress: null, problem: null, parsed: null, source };
    setStore((s) => ({ files: { ...s.files, list: [...s.files.list, file] }, ui: { ...s.ui, selectedFileId: id } }));
    const outcome = await parseWithRetry(id, name, read);
    // Receiving a big result (structured-clone deserialization) is one main-thread task; rendering
    // it starts in the next one, so neither blocks input for the sum of both.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (!has(id)) return id;
    const { files, ui } = get();
    if (outcome.ok) {
      files.update(id, { status: "ready", progress: null, parsed: outcome.value });
      return id;
    }
    const cancelled = outcome.problem.code === "CANCELLED";
    files.update(id, { status: cancelled ? "cancelled" : "error", progress: null, problem: outcome.problem });
    // The file list keeps showing this problem under the file's name (FileRail), so the notice times out.
    if (!cancelled) ui.notify("error", describeProblem(name, outcome.problem), true);
    // Keep showing what the user was looking at before this file arrived.
    if (get().ui.selectedFileId === id && previous && get().files.list.some((f) => f.id === previous && f.status === "ready")) ui.selectFile(previous);
    return id;
  }

  // One restart notice per user action (a load of files or of a sample, or several at once): a
  // worker that crashes at boot or on every parse dies again on the retry and under each file, and
  // each of those restarts said the same thing again. A crash while nothing loads is told on its own.
  let loading = 0;
  let told = false;
  parseClient.onRestart((reason) => {
    if (loading > 0 && told) return;
    if (loading > 0) told = true;
    get().ui.notify("warning", `Parse worker restarted: ${reason}. Parsing works again.`);
  });
  async function action<T>(run: () => Promise<T>): Promise<T> {
    if (loading++ === 0) told = false;
    try {
      return await run();
    } finally {
      loading--;
    }
  }

  return {
    list: [],
    // A booted parse worker reads each File itself (services/parseClient.ts).
    loadUser: (files) => action(() => Promise.all([...files].map((f) => load(f.name, f.size, { kind: "user" }, () => Promise.resolve(f), f)))),
    loadSample(path) {
      const existing = get().files.list.find((f) => f.origin.kind === "sample" && f.origin.path === path && f.status !== "error");
      if (existing) {
        get().ui.selectFile(existing.id);
        return Promise.resolve(existing.id);
      }
      const name = path.split("/").pop() ?? path;
      // Kept as a Blob once fetched, as a user's File is: the parse worker reads it itself, and the
      // audit still has the bytes to upload when parsing fails (a crashed or stuck worker).
      return action(() =>
        load(name, 0, { kind: "sample", path }, async (id) => {
          const r = await fetch(sampleUrl(path));
          if (!r.ok) throw new Error(`HTTP ${r.status} for sample ${path}`);
          const blob = await r.blob();
          get().files.update(id, { size: blob.size, source: blob });
          return blob;
        }),
      );
    },
    cancel: (id) => parseClient.cancel(id),
    unload(id) {
      parseClient.cancel(id);
      setStore((s) => {
        const list = s.files.list.filter((f) => f.id !== id);
        const selectedFileId = s.ui.selectedFileId === id ? (list.at(-1)?.id ?? null) : s.ui.selectedFileId;
        const byFile = { ...s.ui.byFile };
        delete byFile[id];
        const roles = { ...s.files.roles };
        delete roles[id];
        return { files: { ...s.files, list, roles }, ui: { ...s.ui, selectedFileId, byFile } };
      });
    },
    settled(id) {
      return new Promise((done) => {
        const check = () => {
          const f = get().files.list.find((x) => x.id === id);
          if (f?.status === "parsing") return false;
          done(f ?? null);
          return true;
        };
        if (check()) return;
        const stop = subscribe(() => {
          if (check()) stop();
        });
      });
    },
    update: (id, patch) => set((s) => ({ list: s.list.map((f) => (f.id === id ? { ...f, ...patch } : f)) })),
    audit: { runs: [] },
    setAudit: (audit) => set({ audit }),
    roles: {},
    setRole: (id, role) =>
      set((s) => {
        const roles: Record<string, PlanRole> = {};
        for (const [k, v] of Object.entries(s.roles)) roles[k] = role === "replace" && v === "replace" ? "apply" : v;
        roles[id] = role;
        return { roles };
      }),
  };
}
