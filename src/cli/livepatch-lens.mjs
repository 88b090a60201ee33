#!/usr/bin/env node
// Runs the CLI bundle made at install time when it is up to date with its sources; otherwise the
// TypeScript sources straight through tsx, so an edited checkout never runs stale code.
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { wasmIsFresh } from "../../workers/hypervisor/fresh.mjs";

const bundle = fileURLToPath(new URL("../../workers/hypervisor/build/cli.mjs", import.meta.url));
const inputs = fileURLToPath(new URL("../../workers/hypervisor/build/cli.inputs.json", import.meta.url));

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    for (const source of JSON.parse(readFileSync(inputs, "utf8"))) {
      if (statSync(source).mtimeMs > built) return false;
    }
    return true;
  } catch {
    return false;
  }
}

// A reader that stops early (`| head`) is not an error. Output that cannot be written (a full
// disk) is one line and exit 2: never a stack trace, and never 1, which from audit reads as a verdict.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  process.stderr.write(`livepatch-lens: cannot write output: ${error.code ?? error.message}\n`);
  process.exit(2);
});

// A bug must still not print a stack trace at a user: one line, and exit 70 (EX_SOFTWARE).
function internalError(error) {
  process.stderr.write(`livepatch-lens: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(70);
}
process.on("uncaughtException", internalError);
process.on("unhandledRejection", internalError);

// The simulated Xen is a wasm built from AssemblyScript sources: rebuilt first when they changed
// since (a git pull without npm install), as `npm start` rebuilds the page.
if (!wasmIsFresh()) {
  process.stderr.write("livepatch-lens: the simulator's sources changed since its wasm was built: rebuilding it (npm run build:wasm)…\n");
  const build = spawnSync(process.execPath, [fileURLToPath(new URL("../../workers/hypervisor/build.mjs", import.meta.url))], { encoding: "utf8" });
  if (build.status !== 0) {
    process.stderr.write(`${build.stderr ?? ""}livepatch-lens: the simulator's wasm could not be rebuilt (npm run build:wasm says why)\n`);
    process.exit(70);
  }
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("./main.ts"));
}
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  internalError(error);
}
