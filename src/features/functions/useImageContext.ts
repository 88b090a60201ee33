// Payload analysis against a loaded hypervisor image: old addresses resolved through the image's
// symbols, old bytes read from its text. Prefers the image whose build-id the payload targets.
import { useMemo } from "react";
import { readVirtual, symbolAt, type ElfFile } from "../../elf/index.ts";
import { analyzePayload, imageOptions, type LivepatchModel } from "../../livepatch/index.ts";
import { fileLinks } from "../../state/links.ts";
import type { ParsedFile } from "../../state/parsedFile.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { placeInSection } from "../inspector/symbolize.ts";

export interface ImageContext {
  image: LoadedFile | null;
  /** True when the image's build-id is the one the payload's xen_depends names. */
  matches: boolean;
  model: LivepatchModel | null;
  readOld(address: bigint, length: number): Uint8Array | null;
  nameAt(address: bigint): string | null;
}

// Re-analysis runs on the main thread, so only for payload-sized files.
const MAX_REANALYZE_BYTES = 4 * 1024 * 1024;
const cache = new WeakMap<ParsedFile, WeakMap<ElfFile, LivepatchModel>>();

function reanalyze(parsed: ParsedFile, image: ElfFile): LivepatchModel | null {
  let inner = cache.get(parsed);
  if (!inner) cache.set(parsed, (inner = new WeakMap()));
  let m = inner.get(image);
  if (!m) {
    // Same symbols, bytes and payload base the simulator and `inspect --xen` use.
    m = analyzePayload(parsed.elf, imageOptions(image)) ?? undefined;
    if (m) inner.set(image, m);
  }
  return m ?? null;
}

export function useImageContext(file: LoadedFile, parsed: ParsedFile): ImageContext {
  const files = useLens((s) => s.files);
  return useMemo(() => {
    const links = fileLinks(files);
    const t = links.target.get(file.id);
    const images = files.filter((f) => f.parsed && f.parsed.role === "image");
    const matched = t?.status === "match" ? images.find((f) => f.id === t.imageId) : undefined;
    const sameArch = images.find((f) => f.parsed!.elf.header.machine === parsed.elf.header.machine);
    const image = matched ?? sameArch ?? null;
    const imageElf = image?.parsed?.elf ?? null;
    const model = imageElf && parsed.elf.bytes.length <= MAX_REANALYZE_BYTES ? reanalyze(parsed, imageElf) : parsed.livepatch;
    return {
      image,
      matches: !!matched,
      model,
      readOld: (address, length) => (imageElf ? readVirtual(imageElf, address, length) : null),
      nameAt: (address) => {
        const local = model ? payloadNameAt(parsed.elf, model, address) : null;
        if (local) return local;
        if (!imageElf) return null;
        const s = symbolAt(imageElf, address);
        if (!s) return null;
        const d = address - s.value;
        return d === 0n ? s.name : `${s.name}+0x${d.toString(16)}`;
      },
    };
  }, [files, file.id, parsed]);
}

/** A name for an address inside the payload's assumed regions: function+offset or section+offset. */
export function payloadNameAt(elf: ElfFile, model: LivepatchModel, address: bigint): string | null {
  for (const p of model.regions.sections) {
    if (p.size === 0 || address < p.address || address >= p.address + BigInt(p.size)) continue;
    const off = address - p.address;
    return placeInSection(elf, p.sectionIndex, off) ?? `${p.name}+0x${off.toString(16)}`;
  }
  return null;
}
