// Bundles the CLI into one ES module at install time, so `livepatch-lens` starts without
// transpiling TypeScript on every run (tsx costs ~0.25 s per start). The bundle sits beside the
// hypervisor wasm because host/node.ts finds the wasm relative to its own module URL.
// livepatch-lens.mjs uses it only while it is newer than every source it was built from.
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BUNDLE = join(root, "workers/hypervisor/build/cli.mjs");
export const INPUTS = join(root, "workers/hypervisor/build/cli.inputs.json");

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  console.warn("livepatch-lens: esbuild not available; the CLI will run from source through tsx");
  process.exit(0);
}

const result = await esbuild.build({
  entryPoints: [join(root, "src/cli/main.ts")],
  outfile: BUNDLE,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  metafile: true,
  logLevel: "warning",
});
const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
writeFileSync(INPUTS, JSON.stringify(inputs));
