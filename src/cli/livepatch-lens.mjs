#!/usr/bin/env node
// Runs the CLI bundle made at install time when it is up to date with its sources; otherwise the
// TypeScript sources straight through tsx, so an edited checkout never runs stale code.
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

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

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("./main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
