import * as Comlink from "comlink";
import wasmUrl from "./hypervisor/build/hypervisor.wasm?url";
import { createHypervisor } from "./hypervisor/host/api.ts";

const hypervisor = createHypervisor(await WebAssembly.compileStreaming(fetch(wasmUrl)));

const api = {
  async payloadVersion(): Promise<number> {
    return (await hypervisor).payloadVersion();
  },
};

export type HypervisorWorkerApi = typeof api;
Comlink.expose(api);
