// Where a replacement function's code is in the payload: its section, offset and size (from the
// symbol new_addr names), the address it runs at where the simulated hypervisor placed it, and its
// bytes: relocated, from the simulator's memory after UPLOAD, when the audit placed the payload;
// the file's own otherwise. When the audit found that Xen skips a relocation section meant for the
// function's section, the bytes that run are left unrelocated there, and the listing says so.
import { unappliedRelocs, type Finding, type PlacedCode, type UnappliedRelocs } from "../../audit/index.ts";
import type { ElfFile, ElfSection } from "../../elf/index.ts";
import type { LivepatchFunc } from "../../livepatch/index.ts";
import type { PlacedSection } from "../../protocol/hypervisor.ts";

/** More than any real replacement function; a hostile size is cut here. */
export const MAX_CODE_BYTES = 16 * 1024;

export interface NewCodeLocation {
  section: ElfSection;
  /** Offset of the function in its section, and its size. */
  start: number;
  size: number;
  /** Address of section offset 0 where the simulator placed it (0 when it is not placed). */
  base: bigint;
  placed: boolean;
  /** True when `bytes` are the simulator's, after relocation; false for the file's, before it. */
  relocated: boolean;
  bytes: Uint8Array;
  /** Relocation sections meant for `section` that Xen skips (from the audit's findings): their relocations are never applied. */
  unapplied: UnappliedRelocs[];
}

/** `findings`: the audit's findings about this file (where Xen skips relocation sections). */
export function newCodeLocation(fn: LivepatchFunc, sections: readonly PlacedSection[], elf: ElfFile, code: readonly PlacedCode[] = [], findings: readonly Finding[] = []): NewCodeLocation | null {
  const t = fn.newAddr.target;
  if (t.kind !== "symbol" || !t.defined || t.sectionIndex === undefined || t.sectionOffset === undefined) return null;
  const section = elf.sections[t.sectionIndex];
  if (!section || section.dataSize === 0) return null;
  const start = Number(t.sectionOffset);
  const size = Math.min(Number(t.symbolSize ?? BigInt(fn.newSize)) || fn.newSize, section.dataSize - start, MAX_CODE_BYTES);
  if (start < 0 || size <= 0) return null;
  const placed = sections.find((p) => p.index === t.sectionIndex);
  const run = placed ? code.find((c) => c.index === t.sectionIndex && c.bytes.length >= start + size) : undefined;
  const bytes = run ? run.bytes.subarray(start, start + size) : elf.bytes.subarray(section.dataOffset + start, section.dataOffset + start + size);
  return { section, start, size, base: placed ? BigInt(placed.addr) : 0n, placed: !!placed, relocated: !!run, bytes, unapplied: unappliedRelocs(findings, section.name) };
}

/** Where a listing's bytes came from, in the words the new-code listing and old/new both show. */
export function bytesOrigin(loc: NewCodeLocation, standIn: boolean): string {
  if (!loc.relocated) return "the file's bytes, before relocation";
  if (loc.unapplied.length > 0) {
    const skipped = loc.unapplied.map((u) => `${u.relocSection}: ${u.id}`).join("; ");
    return `placed by its UPLOAD${standIn ? " on a stand-in Xen (addresses assumed)" : ""}: the bytes that run, with the relocations Xen skipped left unapplied (${skipped})`;
  }
  return standIn ? "relocated by its UPLOAD on a stand-in Xen: addresses assumed" : "relocated by its UPLOAD: the bytes that run";
}
