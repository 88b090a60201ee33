// The committed samples, for tests. They are part of the repository, so a missing one means a broken
// checkout: every accessor throws with the path instead of letting a suite skip itself into green.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const SAMPLES_DIR = join(REPO, "public", "samples");
export const GOLDENS_DIR = join(REPO, "fixtures", "goldens");

export class MissingSampleError extends Error {
  override readonly name = "MissingSampleError";
}

function need(path: string, what: string): string {
  if (!existsSync(path)) throw new MissingSampleError(`${what} is missing: ${path} (committed with the repository; run \`npm run fixtures\` to rebuild samples)`);
  return path;
}

/** Absolute path of a committed sample, e.g. `x86_64/xen-syms`. */
export function samplePath(rel: string): string {
  return need(join(SAMPLES_DIR, rel), `sample ${rel}`);
}

export function readSample(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(samplePath(rel)));
}

/** Every sample file as `arch/name`, sorted; throws when the folder is absent or empty. */
export function listSamples(filter: (rel: string) => boolean = () => true): string[] {
  need(SAMPLES_DIR, "the samples folder");
  const out = readdirSync(SAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(SAMPLES_DIR, d.name)).map((f) => `${d.name}/${f}`))
    .filter((rel) => statSync(join(SAMPLES_DIR, rel)).isFile())
    .filter(filter)
    .sort();
  if (out.length === 0) throw new MissingSampleError(`no samples under ${SAMPLES_DIR}`);
  return out;
}

/** Absolute path of a committed readelf golden (`fixtures/goldens/<rel>.readelf`). */
export function goldenPath(rel: string): string {
  return need(join(GOLDENS_DIR, `${rel}.readelf`), `readelf golden for ${rel}`);
}
