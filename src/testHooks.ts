// Hooks for end-to-end tests, on window.__livepatchLens, installed only in an e2e build (vite
// --mode e2e): kill the parse worker the way a crash would; make the simulator's next call trap in
// its wasm; make a guarded part of the page throw on its next render.
import { armTestFault } from "./components/testFault.ts";
import type { Result } from "./protocol/result.ts";
import { hypervisor } from "./services/hypervisorClient.ts";
import { parseClient } from "./services/parseClient.ts";

async function trapSimulator(): Promise<void> {
  // Only the e2e build's hypervisor worker has this method (workers/hypervisor/host/selfTestTrap.ts).
  const remote = hypervisor() as unknown as { armSelfTestTrap(): Promise<Result<true>> };
  const r = await remote.armSelfTestTrap();
  if (!r.ok) throw new Error(r.error.message);
}

export function installTestHooks(): void {
  (globalThis as { __livepatchLens?: unknown }).__livepatchLens = {
    crashParseWorker: () => parseClient.restart("the parse worker was terminated"),
    trapSimulator,
    failNextRender: armTestFault,
  };
}
