// The page's side of the audit worker (a plan run through the simulated hypervisor). Runs one job at a time; sends an image's bytes only when the worker
// does not have that image yet (a fresh worker, or evicted).
import * as Comlink from "comlink";
import type { AuditResult, PlanRole } from "../audit/index.ts";
import type { Result } from "../protocol/result.ts";
import type { AuditImageInput, AuditWorkerApi, Bytes } from "../../workers/audit/service.ts";

let remote: Comlink.Remote<AuditWorkerApi> | null = null;
let queue: Promise<unknown> = Promise.resolve();

function worker(): Comlink.Remote<AuditWorkerApi> {
  if (!remote) remote = Comlink.wrap<AuditWorkerApi>(new Worker(new URL("../../workers/audit.worker.ts", import.meta.url), { type: "module", name: "audit" }));
  return remote;
}

export interface AuditImageSource {
  file: string;
  key: string;
  bytes: Bytes;
}

/** Calls `job` without the image's bytes first, and again with them if the worker asks. */
async function withImage<T>(image: AuditImageSource, job: (w: Comlink.Remote<AuditWorkerApi>, image: AuditImageInput) => Promise<Result<T>>): Promise<T> {
  const w = worker();
  const lean: AuditImageInput = { file: image.file, key: image.key };
  let r = await job(w, lean);
  if (!r.ok && r.error.code === "NEED_IMAGE") r = await job(w, { ...lean, bytes: image.bytes });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export interface PlanSource {
  file: string;
  /** The File or fetched sample the page holds (sent as a reference), else the bytes (copied). */
  bytes: Bytes;
  role: PlanRole;
  /** Why the file could not be loaded (the audit reports it unreadable). */
  problem?: string;
}

async function runOnce(files: PlanSource[], image: AuditImageSource | null): Promise<AuditResult> {
  // Structured clone copies Uint8Arrays (samples, small) and passes Files by reference.
  if (image) return withImage(image, (w, img) => w.audit({ image: img, files }));
  const r = await worker().audit({ image: null, files });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/**
 * Resolves when the page is next idle, or after `limit` ms. An audit starts the moment the files
 * are parsed, which is also when the page decodes and draws the first view; the audit worker
 * reading and parsing the same file then took one of the two cores from that first view.
 */
function pageIdle(limit = 500): Promise<void> {
  if (typeof requestIdleCallback !== "function") return Promise.resolve();
  return new Promise((resolve) => requestIdleCallback(() => resolve(), { timeout: limit }));
}

function queued<T>(job: () => Promise<T>, isCurrent: () => boolean): Promise<T | null> {
  const next = queue.then(() => pageIdle()).then(() => (isCurrent() ? job() : null));
  queue = next.catch(() => undefined);
  return next;
}

/** Runs a plan off the main thread. `isCurrent` lets a queued run that went stale skip its turn. */
export function auditInWorker(files: PlanSource[], image: AuditImageSource | null, isCurrent: () => boolean = () => true): Promise<AuditResult | null> {
  return queued(() => runOnce(files, image), isCurrent);
}
