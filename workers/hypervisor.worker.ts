// Thin comlink adapter: the logic lives in workers/hypervisor/host/service.ts.
import * as Comlink from "comlink";
import wasmUrl from "./hypervisor/build/hypervisor.wasm?url";
import { createHypervisorService, type HypervisorService } from "./hypervisor/host/service.ts";

const service = createHypervisorService(WebAssembly.compileStreaming(fetch(wasmUrl)));

export type HypervisorWorkerApi = HypervisorService & { payloadVersion(): Promise<number> };
Comlink.expose({ ...service, payloadVersion: async () => 2 } satisfies HypervisorWorkerApi);
