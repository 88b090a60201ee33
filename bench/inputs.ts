// The large inputs the benchmarks run on: the generated ones (written on first use) and, when
// XEN_TEST_PAYLOADS is set, a real prelink.o from a Xen x86_64 build.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
export const OUT = join(root, "fixtures", "out");
export const LARGE_RELOC = join(OUT, "large-reloc.o");
export const LARGE_PAYLOAD = join(OUT, "large-2000funcs.livepatch");
export const LARGE_IMAGE = join(OUT, "xen-syms-large");

interface Generator {
  writeLargeReloc(p: string): void;
  writeLargePayload(p: string): void;
  writeLargeImage(p: string): void;
}

/**
 * What the generated inputs are made from: the generator, and the sample image whose build-id and
 * symbols the 2,000-function payload is built against (a rebuilt image makes an older payload
 * fail UPLOAD with -EINVAL: its xen_depends no longer matches).
 */
const SOURCES = [join(root, "fixtures", "gen-large.ts"), join(root, "public", "samples", "x86_64", "xen-syms")];

/** Writes whichever generated inputs are missing or older than what they are made from. */
export async function ensureGenerated(): Promise<void> {
  const newest = Math.max(...SOURCES.map((p) => statSync(p).mtimeMs));
  const stale = (p: string) => !existsSync(p) || statSync(p).mtimeMs < newest;
  if (![LARGE_RELOC, LARGE_PAYLOAD, LARGE_IMAGE].some(stale)) return;
  const gen = (await import("../fixtures/gen-large.ts")) as Generator;
  if (stale(LARGE_RELOC)) gen.writeLargeReloc(LARGE_RELOC);
  if (stale(LARGE_PAYLOAD)) gen.writeLargePayload(LARGE_PAYLOAD);
  if (stale(LARGE_IMAGE)) gen.writeLargeImage(LARGE_IMAGE);
}

/**
 * `$XEN_TEST_PAYLOADS/x86_64/prelink.o`, or null when the variable is unset (said once, in
 * `note`). A set variable with the file missing is an error, as in the optional test suites.
 */
export function realPrelink(): { path: string | null; note: string | null } {
  const dir = process.env.XEN_TEST_PAYLOADS;
  if (!dir) return { path: null, note: "XEN_TEST_PAYLOADS is not set: figures on the generated prelink-shaped object only" };
  const path = join(dir, "x86_64", "prelink.o");
  if (!existsSync(path)) throw new Error(`XEN_TEST_PAYLOADS is set but ${path} does not exist`);
  return { path, note: null };
}

/** The prelink-shaped inputs to measure: the generated one, then the real one when given. */
export async function prelinkInputs(): Promise<{ label: string; path: string }[]> {
  await ensureGenerated();
  const real = realPrelink();
  return [{ label: "generated large-reloc.o", path: LARGE_RELOC }, ...(real.path ? [{ label: "real prelink.o", path: real.path }] : [])];
}
