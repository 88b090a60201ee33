// The bundled samples a scenario may load, and the image each payload is built for, read from the
// samples catalogue (public/samples/index.json): the one list of them, which the page's sample
// menu fetches too. Only the fields needed here are bundled (vite.samples.ts). A test holds every
// entry's arch to its file's ELF machine.
import catalogue from "virtual:sample-catalogue";
import { baseName } from "./schema.ts";

export interface SampleInfo {
  path: string;
  kind: "image" | "payload";
  arch: string;
  /** The image a payload is built for; null for an image. */
  image: string | null;
}

export const SAMPLES: readonly SampleInfo[] = catalogue;

const byPath = new Map(SAMPLES.map((s) => [s.path, s]));

export function sampleInfo(path: string): SampleInfo | undefined {
  return byPath.get(path);
}

export const SAMPLE_IMAGES: readonly string[] = SAMPLES.filter((s) => s.kind === "image").map((s) => s.path);

/** The payloads built for `image`, in catalogue order. */
export function payloadsFor(image: string): SampleInfo[] {
  return SAMPLES.filter((s) => s.kind === "payload" && s.image === image);
}

export interface PayloadRemap {
  /** The payloads for the new image: each old one's build of the same file name, in the old order. */
  payloads: string[];
  /** Old path → new path, for those that have a build of that name for the new image. */
  mapped: [string, string][];
  /** Old paths with no payload of that file name for the new image. */
  dropped: string[];
}

/** Moves a payload list to another image by file name (x86_64/xen_nop.livepatch → aarch64/xen_nop.livepatch). */
export function remapPayloads(payloads: readonly string[], image: string): PayloadRemap {
  const target = payloadsFor(image);
  const out: PayloadRemap = { payloads: [], mapped: [], dropped: [] };
  for (const p of payloads) {
    const same = target.find((t) => t.path === p) ?? target.find((t) => baseName(t.path) === baseName(p));
    if (!same) out.dropped.push(p);
    else if (!out.payloads.includes(same.path)) {
      out.payloads.push(same.path);
      if (same.path !== p) out.mapped.push([p, same.path]);
    }
  }
  return out;
}
