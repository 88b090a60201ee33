// Whether the simulator's wasm is newer than every AssemblyScript source it is built from: the
// build (build.mjs) skips when it is, and the CLI (src/cli/livepatch-lens.mjs) rebuilds first when
// it is not, so a checkout whose sources changed since (a git pull, an edit) never runs a stale
// simulated Xen.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const WASM = join(here, "build", "hypervisor.wasm");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function wasmIsFresh() {
  if (!existsSync(WASM)) return false;
  const sources = Math.max(newestSource(join(here, "assembly")), statSync(join(here, "asconfig.json")).mtimeMs);
  return statSync(WASM).mtimeMs >= sources;
}
