// The hypervisor API as the page and the CLI see it: a thin typed face over the wasm exports.
// Environment-neutral: the caller supplies a compiled WebAssembly.Module (fetched in the browser,
// read from disk in Node).
import { instantiate } from "../build/hypervisor.js";

export type HypervisorExports = Awaited<ReturnType<typeof instantiate>>;

export interface HypervisorApi {
  payloadVersion(): number;
}

export async function createHypervisor(module: WebAssembly.Module): Promise<HypervisorApi> {
  const wasm = await instantiate(module, { env: {} });
  return {
    payloadVersion: () => wasm.payloadVersion(),
  };
}
