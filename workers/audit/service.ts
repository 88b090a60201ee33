// The page's audit worker: runs a reviewer's plan through its own simulated hypervisor (the same
// wasm and adapter as `livepatch-lens audit`). The image is sent once per key and kept, since it
// is the big one (a xen-syms is tens of MB).
import { runAudit, type AuditResult, type Decode, type PlanRole } from "../../src/audit/index.ts";
import { readBlob } from "../../src/protocol/readBlob.ts";
import { err, ok, type Result } from "../../src/protocol/result.ts";
import { createHypervisor } from "../hypervisor/host/api.ts";
import { auditHostOver } from "../hypervisor/host/auditHost.ts";

export interface AuditImageInput {
  file: string;
  /** Identifies the image's bytes (the page uses its file id); bytes are needed the first time only. */
  key: string;
  bytes?: Bytes;
}

/**
 * A file's bytes, or the File/Blob the page was given: a Blob crosses to the worker as a
 * reference and is read here, so a 60 MB file is never copied on the page's thread.
 */
export type Bytes = Uint8Array | Blob;

export interface AuditPlanInput {
  image: AuditImageInput | null;
  /** `problem`: why the page could not load the file (it is then reported unreadable). */
  files: { file: string; bytes: Bytes; role: PlanRole; problem?: string }[];
}

export interface AuditWorkerApi {
  /** `NEED_IMAGE` when `image.bytes` is absent and the key is not cached: send the bytes again. */
  audit(plan: AuditPlanInput): Promise<Result<AuditResult>>;
}

/** Images kept, most recent last. */
const KEEP_IMAGES = 2;

/** Loads the instruction decoder for an image's ELF machine (the host's engines); undefined when none. */
export type DecoderLoader = (machine: number) => Promise<Decode | undefined>;

async function read(bytes: Bytes): Promise<Result<Uint8Array>> {
  if (bytes instanceof Uint8Array) return ok(bytes);
  const r = await readBlob(bytes);
  return r.ok ? ok(new Uint8Array(r.value)) : r;
}

export function createAuditService(module: WebAssembly.Module | Promise<WebAssembly.Module>, decoder?: DecoderLoader): AuditWorkerApi {
  const images = new Map<string, Uint8Array>();
  const hv = Promise.resolve(module).then(createHypervisor);

  async function imageFor(input: AuditImageInput): Promise<Result<Uint8Array>> {
    const hit = images.get(input.key);
    if (hit && !input.bytes) return ok(hit);
    if (!input.bytes) return err("NEED_IMAGE", `image ${input.file} is not cached here`);
    const bytes = await read(input.bytes);
    if (!bytes.ok) return err(bytes.error.code, `image ${input.file}: ${bytes.error.message}`);
    images.delete(input.key);
    images.set(input.key, bytes.value);
    while (images.size > KEEP_IMAGES) images.delete(images.keys().next().value as string);
    return bytes;
  }

  // One plan at a time: a run boots, uploads and applies on the one simulator.
  let queue: Promise<unknown> = Promise.resolve();
  function exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    audit(plan) {
      return exclusive(async () => {
        try {
          let image: { file: string; bytes: Uint8Array } | null = null;
          if (plan.image) {
            const r = await imageFor(plan.image);
            if (!r.ok) return r;
            image = { file: plan.image.file, bytes: r.value };
          }
          const host = auditHostOver(await hv);
          const unreadable = new Map(plan.files.flatMap((f) => (f.problem ? [[f.file, f.problem] as const] : [])));
          const files = [];
          for (const { file, bytes, role } of plan.files) {
            const r = await read(bytes);
            // Fails closed: a file that cannot be read again is in the plan, unreadable.
            if (!r.ok && !unreadable.has(file)) unreadable.set(file, r.error.message);
            files.push({ file, bytes: r.ok ? r.value : new Uint8Array(0), role });
          }
          return ok(await runAudit({ image, files }, host, { unreadable, decoder }));
        } catch (e) {
          return err("INTERNAL", `audit failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
    },
  };
}
