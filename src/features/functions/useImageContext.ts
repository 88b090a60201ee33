// What the Functions and Overview views know about a payload against the hypervisor: the image the
// audit booted the simulated hypervisor from (its symbols and bytes, for the old functions), and
// what that hypervisor did with the payload: the old address it resolved for each function and the
// bytes APPLY writes (its own preview), where the payload's sections landed. Nothing here computes
// a Xen answer; it reads the audit's.
import { useMemo } from "react";
import { buildIdHex, findSymbol, imageNameAt, printable, readVirtual, symbolAt, symbolInSection, type ElfFile, type SymbolRef } from "../../elf/index.ts";
import type { LivepatchFunc, LivepatchModel } from "../../livepatch/index.ts";
import { funcLabel, heldOldAddr, recordName } from "../../livepatch/label.ts";
import type { PlacedSection } from "../../protocol/hypervisor.ts";
import type { ParsedFile } from "../../state/parsedFile.ts";
import { useLens, type LoadedFile } from "../../state/store.ts";
import { auditRunOf } from "../../state/selectors.ts";
import { hexToBytes } from "../../simulator/memory.ts";
import { describePatch } from "../../simulator/patchText.ts";
import { overlapOf, writeOverlaps, type WriteOverlap } from "../../audit/index.ts";
import { usePlacement } from "../placement/usePlacement.ts";
import { newCodeLocation, type NewCodeLocation } from "./newCodeLocation.ts";
import { imageNames } from "../inspector/imageNames.ts";
import type { ImageNames } from "../inspector/symbolize.ts";
import { imageString, quoted } from "./references.ts";

/** What APPLY writes for one function, as the simulated hypervisor previews it. */
export interface FuncPatch {
  kind: "trampoline" | "nop";
  oldAddr: bigint;
  /** Where the branch goes (trampolines). */
  newAddr: bigint;
  /** Bytes past old_addr where the write starts (4 after an x86 ENDBR64). */
  patchOffset: number;
  bytes: Uint8Array;
  /** An apply action hook replaces Xen's own routine: APPLY writes nothing itself. */
  viaHook: boolean;
  /** Writing would bring the host down instead (Xen's panic message). */
  fault: string | null;
  /**
   * The bytes are a trap, not the branch (AArch64 BRK #2 for a misaligned old_addr or new_addr):
   * the simulated Xen's words for it (PatchPreview.trapMessage), else null.
   */
  trap: string | null;
  description: string;
  assumed: string;
}

export interface ImageContext {
  image: LoadedFile | null;
  /** The image's symbols by name, as Xen looks them up: where an undefined symbol's relocation resolves. */
  names: ImageNames | null;
  /** True when the image's build-id is the one the payload's xen_depends names. */
  matches: boolean;
  model: LivepatchModel | null;
  /** The audit (and so the placement) is still running. */
  pending: boolean;
  /** Why the payload has no placement (its upload fails), once the audit has run. */
  notPlaced: string | null;
  patch(index: number): FuncPatch | null;
  /**
   * The earlier record of this payload whose written bytes record `index` overlaps (writeOverlaps(),
   * the audit's func-writes-overlap rule): what APPLY saves for it, and REVERT writes back, are that
   * record's, not the image's.
   */
  overlap(index: number): WriteOverlap | null;
  /**
   * What the views call `fn`: its name, else the image's function at the old address the
   * simulated Xen resolved (a NULL name patches by address) or, with no placement, at the
   * file's own non-zero old_addr, else funcLabel()'s answer.
   */
  label(fn: LivepatchFunc): string;
  /** Where the payload's ALLOC sections landed. */
  sections: readonly PlacedSection[];
  /** The placement is on the audit's stand-in Xen (no image loaded): its addresses are assumed. */
  standIn: boolean;
  /** Where `fn`'s replacement code is, and its bytes: relocated once the audit placed the payload. */
  newCode(fn: LivepatchFunc): NewCodeLocation | null;
  readOld(address: bigint, length: number): Uint8Array | null;
  nameAt(address: bigint): string | null;
  /**
   * The image's own symbol called `name`: what its symbol table says, for when the simulated Xen
   * refused the upload before it resolved the old address itself.
   */
  imageSymbol(name: string): { name: string; address: bigint; size: number } | null;
  /** The image's function containing `address` (its symbol's start and size). */
  oldFunction(address: bigint): { name: string; address: bigint; size: number } | null;
  /** The quoted string at `address` in the image's data, when there is one. */
  stringAt(address: bigint): string | null;
}

function imageFunc(s: SymbolRef | null): { name: string; address: bigint; size: number } | null {
  return s ? { name: s.name, address: s.value, size: Number(s.size) } : null;
}

export function useImageContext(file: LoadedFile, parsed: ParsedFile): ImageContext {
  // The image of the host that audits this file: each payload's own, with two images loaded.
  const imageId = useLens((s) => auditRunOf(s.files.audit, file.id)?.run.imageId ?? null);
  const image = useLens((s) => (imageId ? (s.files.list.find((f) => f.id === imageId) ?? null) : null));
  const { at, running } = usePlacement(file.id);
  return useMemo(() => {
    const imageElf: ElfFile | null = image?.parsed?.elf ?? null;
    const model = parsed.livepatch;
    const p = at?.placement ?? null;
    const sections = p?.payload.sections ?? [];
    const code = p?.code ?? [];
    const assumed = at ? (at.assumed ? "a stand-in Xen (no image loaded: addresses assumed)" : `${at.imageFile}`) : "";
    const patches = new Map(
      (p?.patches ?? []).map((pt) => {
        const bytes = hexToBytes(pt.bytes);
        const kind = pt.insn === "nop" ? ("nop" as const) : ("trampoline" as const);
        const fp: FuncPatch = {
          kind,
          oldAddr: BigInt(pt.oldAddr),
          newAddr: pt.target ? BigInt(pt.target) : 0n,
          patchOffset: pt.patchOffset,
          bytes: pt.viaHook ? new Uint8Array(0) : bytes,
          viaHook: pt.viaHook,
          fault: pt.faultMessage,
          trap: pt.trapMessage,
          description: describePatch(pt, model?.arch ?? null),
          assumed: `placed and resolved by the simulated hypervisor booted from ${assumed}`,
        };
        return [pt.index, fp] as const;
      }),
    );
    const overlaps = writeOverlaps(p?.patches ?? []);
    const xenDepends = model?.xenDepends?.buildId ?? null;
    const nameInImage = (address: bigint): string | null => (imageElf ? imageNameAt(imageElf, address) : null);
    return {
      image,
      names: image && imageElf ? imageNames(image.name, imageElf) : null,
      matches: !!image && !!xenDepends && image.parsed?.role === "image" && !!imageElf && buildIdHex(imageElf) === xenDepends,
      model,
      pending: running && !at,
      notPlaced: at && !p ? (at.reason ?? "the upload failed") : null,
      patch: (index) => patches.get(index) ?? null,
      overlap: (index) => overlapOf(overlaps, index),
      label: (fn) => {
        const patch = patches.get(fn.index);
        // With no placement (a refused upload), an old_addr the file holds outright is still the
        // address Xen would patch: the image's function there names the record.
        const fileAddr = heldOldAddr(fn);
        return recordName(fn) ?? funcLabel(fn, patch ? nameInImage(patch.oldAddr) : fileAddr !== null ? nameInImage(fileAddr) : null);
      },
      sections,
      standIn: !!at?.assumed,
      newCode: (fn) => newCodeLocation(fn, sections, parsed.elf, code, at?.findings),
      readOld: (address, length) => (imageElf ? readVirtual(imageElf, address, length) : null),
      imageSymbol: (name) => imageFunc(imageElf ? findSymbol(imageElf, name) : null),
      oldFunction: (address) => imageFunc(imageElf ? symbolAt(imageElf, address) : null),
      stringAt: (address) => {
        const str = imageElf ? imageString(imageElf, address) : null;
        return str === null ? null : quoted(str);
      },
      nameAt: (address) => payloadNameAt(parsed.elf, sections, address) ?? nameInImage(address),
    };
  }, [image, at, running, parsed]);
}

/** A name for an address inside the payload's placed sections: function+offset or section+offset. */
export function payloadNameAt(elf: ElfFile, sections: readonly PlacedSection[], address: bigint): string | null {
  for (const p of sections) {
    const start = BigInt(p.addr);
    if (p.size === 0 || address < start || address >= start + BigInt(p.size)) continue;
    const off = address - start;
    return symbolInSection(elf, p.index, off)?.label ?? `${printable(p.name)}+0x${off.toString(16)}`;
  }
  return null;
}
