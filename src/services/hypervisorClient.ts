// Owns the hypervisor worker: the UI reaches the simulated hypervisor only through here.
import * as Comlink from "comlink";
import type { HypervisorWorkerApi } from "../../workers/hypervisor.worker.ts";

let worker: Worker | null = null;
let remote: Comlink.Remote<HypervisorWorkerApi> | null = null;

export function hypervisor(): Comlink.Remote<HypervisorWorkerApi> {
  if (!remote) {
    worker = new Worker(new URL("../../workers/hypervisor.worker.ts", import.meta.url), { type: "module" });
    remote = Comlink.wrap<HypervisorWorkerApi>(worker);
  }
  return remote;
}

export function terminateHypervisor(): void {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
}
