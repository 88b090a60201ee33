// Owns the hypervisor worker: the UI reaches the simulated hypervisor only through here.
import * as Comlink from "comlink";
import type { HypervisorWorkerApi } from "../../workers/hypervisor.worker.ts";

let worker: Worker | null = null;
let remote: Comlink.Remote<HypervisorWorkerApi> | null = null;

/** The engine starts on first use (the simulator, a scenario, an audit with an image), not with the page. */
export type HypervisorStatus = { state: "idle" } | { state: "starting" } | { state: "ready"; payloadVersion: number } | { state: "failed"; message: string };

let status: HypervisorStatus = { state: "idle" };
const listeners = new Set<(s: HypervisorStatus) => void>();

function setStatus(next: HypervisorStatus): void {
  status = next;
  for (const l of listeners) l(next);
}

export function hypervisorStatus(): HypervisorStatus {
  return status;
}

export function onHypervisorStatus(listener: (s: HypervisorStatus) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function hypervisor(): Comlink.Remote<HypervisorWorkerApi> {
  if (!remote) {
    worker = new Worker(new URL("../../workers/hypervisor.worker.ts", import.meta.url), { type: "module" });
    const started = Comlink.wrap<HypervisorWorkerApi>(worker);
    remote = started;
    setStatus({ state: "starting" });
    started.payloadVersion().then(
      (v) => remote === started && setStatus({ state: "ready", payloadVersion: v }),
      (e: Error) => remote === started && setStatus({ state: "failed", message: e.message }),
    );
  }
  return remote;
}

export function terminateHypervisor(): void {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
  setStatus({ state: "idle" });
}
