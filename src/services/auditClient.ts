// The page's side of the audit worker. Runs one audit at a time; sends an image's bytes only
// when the worker does not have that image yet (a fresh worker, or evicted).
import * as Comlink from "comlink";
import type { AuditFile, AuditResult } from "../audit/index.ts";
import type { AuditImageInput, AuditWorkerApi } from "../protocol/auditService.ts";

let remote: Comlink.Remote<AuditWorkerApi> | null = null;
let queue: Promise<unknown> = Promise.resolve();

function worker(): Comlink.Remote<AuditWorkerApi> {
  if (!remote) remote = Comlink.wrap<AuditWorkerApi>(new Worker(new URL("../../workers/audit.worker.ts", import.meta.url), { type: "module", name: "audit" }));
  return remote;
}

export interface AuditImageSource {
  file: string;
  key: string;
  bytes: Uint8Array;
}

async function runOnce(payloads: AuditFile[], image: AuditImageSource | null): Promise<AuditResult> {
  const w = worker();
  // Structured clone copies each payload (and the image, when sent); the page keeps its own.
  const lean: AuditImageInput | null = image ? { file: image.file, key: image.key } : null;
  let r = await w.audit(payloads, lean);
  if (!r.ok && r.error.code === "NEED_IMAGE" && image) r = await w.audit(payloads, { ...lean!, bytes: image.bytes });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Audits off the main thread. `isCurrent` lets a queued run that went stale skip its turn. */
export function auditInWorker(payloads: AuditFile[], image: AuditImageSource | null, isCurrent: () => boolean = () => true): Promise<AuditResult | null> {
  const next = queue.then(() => (isCurrent() ? runOnce(payloads, image) : null));
  queue = next.catch(() => undefined);
  return next;
}
