// Builds the AssemblyScript hypervisor to wasm. Runs on every install, dev, build and test so a
// fresh clone never needs a manual step. Skips the compile when the output is newer than every source.
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "build", "hypervisor.wasm");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sourcesTime = Math.max(newestSource(join(here, "assembly")), statSync(join(here, "asconfig.json")).mtimeMs);
if (existsSync(out) && statSync(out).mtimeMs >= sourcesTime && !process.argv.includes("--force")) {
  process.exit(0);
}

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
