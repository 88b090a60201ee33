// The audit's simulator cross-check in the page: its own hypervisor worker, so checking a set of
// payloads never disturbs the simulator session the user is driving.
import * as Comlink from "comlink";
import type { HypervisorWorkerApi } from "../../workers/hypervisor.worker.ts";
import type { SimulatorPort } from "../audit/index.ts";
import type { Result } from "../protocol/result.ts";

let remote: Comlink.Remote<HypervisorWorkerApi> | null = null;

function worker(): Comlink.Remote<HypervisorWorkerApi> {
  if (!remote) remote = Comlink.wrap<HypervisorWorkerApi>(new Worker(new URL("../../workers/hypervisor.worker.ts", import.meta.url), { type: "module" }));
  return remote;
}

async function unwrap<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** A SimulatorPort over a dedicated hypervisor worker (structured clone copies the bytes). */
export function auditSimulator(): SimulatorPort {
  const w = worker();
  return {
    boot: async (image) => void (await unwrap(w.bootImage(image.slice(), 4))),
    upload: (name, payload) => unwrap(w.upload(name, payload.slice())),
    apply: (name) => unwrap(w.action(name, 3)),
    advance: async (ns) => void (await unwrap(w.advance(ns))),
    get: (name) => unwrap(w.get(name)),
    consoleLines: async () => (await unwrap(w.events(0))).flatMap((e) => (e.kind === "console" ? [e.line] : [])),
    halted: () => unwrap(w.halted()),
  };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs one cross-check at a time on the audit worker: a run boots, uploads and applies, so two
 * overlapping runs would upload into each other's hypervisor.
 */
export function exclusive<T>(run: () => Promise<T>): Promise<T> {
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}
