// Thin comlink adapter: the logic lives in workers/hypervisor/host/service.ts.
import * as Comlink from "comlink";
import wasmUrl from "./hypervisor/build/hypervisor.wasm?url";
import { createHypervisorService, type HypervisorService } from "./hypervisor/host/service.ts";
import { createTrappableService } from "./hypervisor/host/selfTestTrap.ts";

const module = WebAssembly.compileStreaming(fetch(wasmUrl));
// Only an e2e build (vite --mode e2e) can be told to trap; a production build has no such hook.
const service = import.meta.env.MODE === "e2e" ? createTrappableService(module) : createHypervisorService(module);

export type HypervisorWorkerApi = HypervisorService & { payloadVersion(): Promise<number> };
Comlink.expose({ ...service, payloadVersion: async () => 2 } satisfies HypervisorWorkerApi);
