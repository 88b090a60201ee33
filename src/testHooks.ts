// Hooks for end-to-end tests, on window.__livepatchLens: kill the parse worker the way a crash
// would; make the simulator's next call trap in its wasm.
import { hypervisor } from "./services/hypervisorClient.ts";
import { parseClient } from "./services/parseClient.ts";

async function trapSimulator(): Promise<void> {
  const r = await hypervisor().armSelfTestTrap();
  if (!r.ok) throw new Error(r.error.message);
}

export function installTestHooks(): void {
  (globalThis as { __livepatchLens?: unknown }).__livepatchLens = { crashParseWorker: () => parseClient.crash(), trapSimulator };
}
