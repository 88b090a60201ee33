// Builds the AssemblyScript hypervisor to wasm. Runs on every install, dev, build and test so a
// fresh clone never needs a manual step. Skips the compile when the output is newer than every source.
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { wasmIsFresh } from "./fresh.mjs";

const here = dirname(fileURLToPath(import.meta.url));

if (wasmIsFresh() && !process.argv.includes("--force")) process.exit(0);

// asconfig.json keeps shrinkLevel 0: at 1, asc's Array<string>#join falls back to joining by
// repeated concatenation, quadratic in the result, and a 2,000-function payload's details took 1.2 s.
const asc = await import("assemblyscript/asc");
const { error, stderr } = await asc.main(["--config", join(here, "asconfig.json"), "--target", "release"], {
  stdout: process.stdout,
  stderr: process.stderr,
});
if (error) {
  console.error(`hypervisor wasm build failed: ${error.message}`);
  console.error(stderr.toString());
  process.exit(1);
}
