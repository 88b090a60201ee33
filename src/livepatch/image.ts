// What a target image (xen-syms) contributes to the analysis: symbol addresses, the bytes of old
// functions, its build-id, and where Xen would put payloads next to it.
import { SHF_ALLOC, buildId, findSymbol, readVirtual, type ElfFile } from "../elf/index.ts";
import { toHex } from "./bytes.ts";
import { archOf } from "./context.ts";
import { DEFAULT_TEXT_BASE } from "./regions.ts";
import type { AnalyzeOptions } from "./types.ts";

const TWO_MIB = 2n << 20n;

/**
 * x86 payloads live in a vmap area that starts after Xen's 2 MiB-aligned data (facts §2); the
 * image's highest allocated byte stands in for that end. ARM uses a fixed window.
 */
export function payloadBaseFor(image: ElfFile): bigint | undefined {
  const arch = archOf(image.header.machine);
  if (!arch) return undefined;
  if (arch !== "x86_64") return DEFAULT_TEXT_BASE[arch];
  let end = 0n;
  for (const s of image.sections) if ((s.flags & BigInt(SHF_ALLOC)) !== 0n && s.addr + s.size > end) end = s.addr + s.size;
  return end === 0n ? undefined : ((end + TWO_MIB - 1n) / TWO_MIB) * TWO_MIB;
}

export function imageOptions(image: ElfFile): AnalyzeOptions {
  const id = buildId(image);
  return {
    textBase: payloadBaseFor(image),
    textBaseReason:
      archOf(image.header.machine) === "x86_64" ? "the image's end rounded up to 2 MiB, where Xen's vmap area starts" : "LIVEPATCH_VMAP_START, 16 MiB above the Xen mapping base",
    resolveSymbol: (name) => findSymbol(image, name)?.value ?? null,
    readMemory: (address, length) => readVirtual(image, address, length),
    xenBuildId: id ? toHex(id) : undefined,
  };
}
