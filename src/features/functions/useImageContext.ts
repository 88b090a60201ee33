// Payload analysis against a loaded hypervisor image: old addresses resolved through the image's
// symbols, old bytes read from its text. Prefers the image whose build-id the payload targets.
// Small payloads are re-analysed at once; bigger ones in the audit worker (2,000 functions against
// a 140k-symbol xen-syms is ~130 ms), showing the payload's own model until that arrives.
import { useEffect, useMemo, useState } from "react";
import { readVirtual, symbolAt, type ElfFile } from "../../elf/index.ts";
import { analyzePayload, imageOptions, type LivepatchModel } from "../../livepatch/index.ts";
import { fileLinks } from "../../state/links.ts";
import type { ParsedFile } from "../../state/parsedFile.ts";
import { selectFiles } from "../../state/selectors.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { placeInSection } from "../inspector/symbolize.ts";
import { analyzeInWorker } from "../../services/auditClient.ts";
import { imageString, quoted } from "./references.ts";

export interface ImageContext {
  image: LoadedFile | null;
  /** True when the image's build-id is the one the payload's xen_depends names. */
  matches: boolean;
  model: LivepatchModel | null;
  /** The model against the image is still being computed (`model` is the payload's own until then). */
  pending: boolean;
  readOld(address: bigint, length: number): Uint8Array | null;
  nameAt(address: bigint): string | null;
  /** The image's function containing `address` (its symbol's start and size). */
  oldFunction(address: bigint): { name: string; address: bigint; size: number } | null;
  /** The quoted string at `address` in the image's data, when there is one. */
  stringAt(address: bigint): string | null;
}

// Files bigger than this are not re-analysed (beyond any real payload; the worker copies the bytes).
const MAX_REANALYZE_BYTES = 4 * 1024 * 1024;
// Up to this many functions the analysis takes a millisecond or two: done at once, on the page.
const MAX_FUNCS_IN_PAGE = 64;
const cache = new WeakMap<ParsedFile, WeakMap<ElfFile, LivepatchModel>>();

function cached(parsed: ParsedFile, image: ElfFile): LivepatchModel | null {
  return cache.get(parsed)?.get(image) ?? null;
}

function remember(parsed: ParsedFile, image: ElfFile, m: LivepatchModel): void {
  let inner = cache.get(parsed);
  if (!inner) cache.set(parsed, (inner = new WeakMap()));
  inner.set(image, m);
}

function reanalyzeNow(parsed: ParsedFile, image: ElfFile): LivepatchModel | null {
  const hit = cached(parsed, image);
  if (hit) return hit;
  // Same symbols, bytes and payload base the simulator and `inspect --xen` use.
  const m = analyzePayload(parsed.elf, imageOptions(image));
  if (m) remember(parsed, image, m);
  return m;
}

/** The worker's model for (payload, image), once it arrives; re-renders the caller when it does. */
function useWorkerModel(parsed: ParsedFile, image: LoadedFile | null, wanted: boolean): LivepatchModel | null {
  const imageElf = image?.parsed?.elf ?? null;
  const [, setArrived] = useState(0);
  useEffect(() => {
    if (!wanted || !image || !imageElf || cached(parsed, imageElf)) return;
    let live = true;
    analyzeInWorker(parsed.elf.bytes, { file: image.name, key: image.id, bytes: imageElf.bytes }, () => live).then(
      (m) => {
        if (!m) return;
        remember(parsed, imageElf, m);
        if (live) setArrived((n) => n + 1);
      },
      () => undefined, // the payload's own model stays; the audit reports what is wrong with the file
    );
    return () => {
      live = false;
    };
  }, [parsed, image, imageElf, wanted]);
  return wanted && imageElf ? cached(parsed, imageElf) : null;
}

export function useImageContext(file: LoadedFile, parsed: ParsedFile): ImageContext {
  const files = useLens(selectFiles);
  const chosen = useMemo(() => {
    const links = fileLinks(files);
    const t = links.target.get(file.id);
    const images = files.filter((f) => f.parsed && f.parsed.role === "image");
    const matched = t?.status === "match" ? images.find((f) => f.id === t.imageId) : undefined;
    const sameArch = images.find((f) => f.parsed!.elf.header.machine === parsed.elf.header.machine);
    return { image: matched ?? sameArch ?? null, matches: !!matched };
  }, [files, file.id, parsed]);
  const imageElf = chosen.image?.parsed?.elf ?? null;
  const reanalyze = imageElf !== null && parsed.livepatch !== null && parsed.elf.bytes.length <= MAX_REANALYZE_BYTES;
  const inPage = reanalyze && parsed.livepatch!.funcs.length <= MAX_FUNCS_IN_PAGE;
  const fromWorker = useWorkerModel(parsed, chosen.image, reanalyze && !inPage);
  return useMemo(() => {
    const { image, matches } = chosen;
    const againstImage = !reanalyze ? null : inPage ? reanalyzeNow(parsed, imageElf!) : fromWorker;
    const model = againstImage ?? parsed.livepatch;
    return {
      image,
      matches,
      model,
      pending: reanalyze && !againstImage,
      readOld: (address, length) => (imageElf ? readVirtual(imageElf, address, length) : null),
      oldFunction: (address) => {
        const s = imageElf ? symbolAt(imageElf, address) : null;
        return s ? { name: s.name, address: s.value, size: Number(s.size) } : null;
      },
      stringAt: (address) => {
        const str = imageElf ? imageString(imageElf, address) : null;
        return str === null ? null : quoted(str);
      },
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
  }, [chosen, reanalyze, inPage, fromWorker, parsed, imageElf]);
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
