// Owns the parse worker: transfers file bytes to it, bounds every call in time, supports cancel,
// and replaces the worker when it dies (a throw that escapes the worker, a hang, or a crash).
// Callers get a settled outcome for every call, never an exception.
import * as Comlink from "comlink";
import type { ParsedFile, ParseWorkerApi } from "../protocol/parse.ts";
import { receiveParsed } from "../protocol/receive.ts";
import { nextTask } from "./nextTask.ts";

export interface ParseProblem {
  code: string;
  message: string;
  offset: number | null;
}

export type ParseOutcome =
  | { ok: true; value: ParsedFile }
  | { ok: false; problem: ParseProblem; workerDied: boolean };

interface Pending {
  settle(outcome: ParseOutcome): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Generous bound: a 60 MB relocatable parses in seconds; this only catches a stuck worker. */
export function timeoutFor(bytes: number): number {
  return 20_000 + Math.ceil(bytes / (1024 * 1024)) * 1_000;
}

type RestartListener = (reason: string) => void;

class ParseClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<ParseWorkerApi> | null = null;
  /** The current worker has answered `ready`: its module is fetched, compiled and running. */
  private booted = false;
  private pending = new Map<string, Pending>();
  private listeners = new Set<RestartListener>();
  restarts = 0;

  onRestart(listener: RestartListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Boots the worker ahead of the first file (fetch and compile take tens of ms). */
  warm(): void {
    this.ensure();
  }

  private ensure(): Comlink.Remote<ParseWorkerApi> {
    if (!this.remote) {
      const worker = new Worker(new URL("../../workers/parse.worker.ts", import.meta.url), { type: "module", name: "parse" });
      worker.addEventListener("error", (e) => {
        e.preventDefault();
        this.restart(`the parse worker failed (${e.message || "script error"})`);
      });
      const remote = Comlink.wrap<ParseWorkerApi>(worker);
      this.worker = worker;
      this.remote = remote;
      this.booted = false;
      remote.ready().then(
        () => {
          if (this.remote === remote) this.booted = true;
        },
        () => undefined,
      );
    }
    return this.remote;
  }

  /** Stop the current worker, fail every call in flight, and let the next call start a fresh one. */
  restart(reason: string): void {
    if (!this.worker) return;
    this.remote?.[Comlink.releaseProxy]();
    this.worker.terminate();
    this.worker = null;
    this.remote = null;
    this.restarts++;
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const p of failed) {
      clearTimeout(p.timer);
      p.settle({ ok: false, workerDied: true, problem: { code: "WORKER_DIED", message: reason, offset: null } });
    }
    for (const l of this.listeners) l(reason);
  }

  private queue: Promise<unknown> = Promise.resolve();
  private waiting = new Set<string>();
  /** Files being read (a 50 MB read takes a while); true once cancelled during the read. */
  private reading = new Map<string, boolean>();

  /**
   * Parses run one at a time: the worker gives up an older parse when a newer one arrives, and
   * one big file at a time also bounds memory. `read` runs when the file's turn comes.
   */
  /**
   * `read` gives the bytes, or a File/Blob that a booted worker reads itself (a 60 MB read then
   * never occupies this thread; while the worker boots, this thread reads it, see below).
   */
  parse(id: string, read: () => Promise<ArrayBuffer | Blob>, fileName: string, onProgress: (fraction: number) => void): Promise<ParseOutcome> {
    // The worker boots (fetches and compiles its module) while the file is being read.
    this.ensure();
    this.waiting.add(id);
    const run = this.queue.then(async (): Promise<ParseOutcome> => {
      const cancelled: ParseOutcome = { ok: false, workerDied: false, problem: { code: "CANCELLED", message: "cancelled", offset: null } };
      if (!this.waiting.delete(id)) return cancelled;
      let buffer: ArrayBuffer | Blob;
      this.reading.set(id, false);
      try {
        buffer = await read();
        // A file handed over with no warning (no drag over the page, no picker) finds the worker
        // still booting: read it here meanwhile rather than in the worker after its boot, and
        // transfer the bytes. A booted worker reads the File itself, off this thread.
        if (buffer instanceof Blob && !this.booted) buffer = await buffer.arrayBuffer();
      } catch (e) {
        this.reading.delete(id);
        return { ok: false, workerDied: false, problem: { code: "READ_FAILED", message: `could not read the file: ${(e as Error).message}`, offset: null } };
      }
      const cancelledWhileReading = this.reading.get(id) === true;
      this.reading.delete(id);
      if (cancelledWhileReading) return cancelled;
      return this.parseNow(id, buffer, fileName, onProgress);
    });
    this.queue = run;
    return run;
  }

  private parseNow(id: string, input: ArrayBuffer | Blob, fileName: string, onProgress: (fraction: number) => void): Promise<ParseOutcome> {
    const remote = this.ensure();
    const size = input instanceof ArrayBuffer ? input.byteLength : input.size;
    return new Promise<ParseOutcome>((resolve) => {
      let settled = false;
      const settle = (o: ParseOutcome) => {
        if (settled) return;
        settled = true;
        this.pending.delete(id);
        resolve(o);
      };
      const timer = setTimeout(() => {
        settle({ ok: false, workerDied: true, problem: { code: "TIMEOUT", message: `parsing took longer than ${timeoutFor(size) / 1000} s`, offset: null } });
        this.restart(`parsing ${fileName} did not finish in time`);
      }, timeoutFor(size));
      this.pending.set(id, { settle, timer });
      // Progress callbacks are throttled to ~10 Hz so they never flood the main thread.
      let last = 0;
      const progress = Comlink.proxy((done: number, total: number) => {
        const now = performance.now();
        if (now - last < 100 && done < total) return;
        last = now;
        onProgress(total > 0 ? done / total : 0);
      });
      remote
        .parse(id, input instanceof ArrayBuffer ? Comlink.transfer(input, [input]) : input, fileName, progress)
        // The head arrives in one message; the rest comes part by part and is rebuilt in slices,
        // so no single main-thread task deserialises or builds the whole result.
        .then((head) => (head.ok ? receiveParsed(remote, id, head.value, { pause: nextTask, stop: () => settled }) : head))
        .then(
        (r) => {
          clearTimeout(timer);
          if (r.ok) settle({ ok: true, value: r.value });
          else settle({ ok: false, workerDied: false, problem: { code: r.error.code, message: r.error.message, offset: r.error.offset ?? null } });
        },
        (e: unknown) => {
          // A throw crossing comlink is a bug in the worker: replace it so the next file starts clean.
          clearTimeout(timer);
          const message = e instanceof Error ? e.message : String(e);
          settle({ ok: false, workerDied: true, problem: { code: "WORKER_BUG", message, offset: null } });
          // Not a worker that already replaced this one (a retry's): that one did nothing wrong.
          if (this.remote === remote) this.restart(`the parse worker threw: ${message}`);
        },
      );
    });
  }

  /** Cancel a parse: settles it at once; a worker that does not let go within 1 s is replaced. */
  cancel(id: string): void {
    if (this.waiting.delete(id)) return;
    if (this.reading.has(id)) {
      this.reading.set(id, true);
      return;
    }
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    p.settle({ ok: false, workerDied: false, problem: { code: "CANCELLED", message: "cancelled", offset: null } });
    const remote = this.remote;
    const stillBusy = setTimeout(() => {
      if (this.pending.size === 0 && this.remote === remote) this.restart("a cancelled parse did not stop; the worker was replaced");
    }, 1_000);
    void remote
      ?.cancel(id)
      .then(() => undefined)
      .finally(() => clearTimeout(stillBusy));
  }
}

export const parseClient = new ParseClient();
