// Where each SHF_ALLOC section would land: Xen's text / rw / ro regions (facts §2).
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE } from "../elf/index.ts";
import type { Context } from "./context.ts";
import type { LivepatchArch } from "./trampoline.ts";
import type { PlacedSection, RegionName, Regions } from "./types.ts";

export const PAGE_SIZE = 4096;

/**
 * Default payload bases. ARM: LIVEPATCH_VMAP_START = mapping base + 16 MiB. x86: a spot inside
 * Xen's 1 GiB slot past a typical image's data (the real place depends on the image's size).
 */
export const DEFAULT_TEXT_BASE: Record<LivepatchArch, bigint> = {
  x86_64: 0xffff82d040a00000n,
  aarch64: 0x00000a0001000000n,
  arm32: 0x01000000n,
};

const pageAlign = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

export function regionOf(flags: bigint): RegionName | "wx" {
  const exec = (flags & BigInt(SHF_EXECINSTR)) !== 0n;
  const write = (flags & BigInt(SHF_WRITE)) !== 0n;
  if (exec && write) return "wx";
  return exec ? "text" : write ? "rw" : "ro";
}

export function placeSections(ctx: Context, textBase?: bigint, reason?: string): Regions {
  const base = textBase ?? (ctx.arch ? DEFAULT_TEXT_BASE[ctx.arch] : 0n);
  const assumption =
    textBase !== undefined
      ? `text region at ${hexAddr(base)} (${reason ?? "given"})`
      : ctx.arch
        ? `text region assumed at ${hexAddr(base)} (${ctx.arch === "x86_64" ? "inside Xen's 1 GiB slot; the real address depends on the image" : "LIVEPATCH_VMAP_START, 16 MiB above the Xen mapping base"})`
        : "unknown architecture: addresses relative to 0";
  const running: Record<RegionName, number> = { text: 0, rw: 0, ro: 0 };
  const placed: { index: number; name: string; region: RegionName; offset: number; size: number }[] = [];
  for (const s of ctx.elf.sections) {
    if (s.index === 0 || (s.flags & BigInt(SHF_ALLOC)) === 0n) continue;
    const region = regionOf(s.flags);
    if (region === "wx") {
      ctx.diagnostics.push({
        severity: "error",
        code: "LP_SECTION_WX",
        offset: s.header.offset,
        message: `${s.name} is both writable and executable; Xen refuses the payload (−EOPNOTSUPP)`,
        section: s.index,
      });
      continue;
    }
    const size = Number(s.size > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : s.size);
    let offset: number;
    if (s.addralign === 0n) {
      // ROUNDUP(x, 0) is 0 in Xen: the section restarts the region and overlaps what came before.
      offset = 0;
      if (running[region] > 0)
        ctx.diagnostics.push({
          severity: "warning",
          code: "LP_ALIGN_ZERO",
          offset: s.header.offset,
          message: `${s.name} has sh_addralign 0, so Xen places it at offset 0 of the ${region} region, over earlier sections`,
          section: s.index,
        });
    } else {
      const align = s.addralign > 1n << 40n ? 1 << 30 : Number(s.addralign);
      offset = Math.ceil(running[region] / align) * align;
    }
    running[region] = offset + size;
    placed.push({ index: s.index, name: s.name, region, offset, size });
  }
  const textSize = running.text;
  const rwSize = running.rw;
  const roSize = running.ro;
  const rwAddr = base + BigInt(pageAlign(textSize));
  const roAddr = rwAddr + BigInt(pageAlign(rwSize));
  const start: Record<RegionName, bigint> = { text: base, rw: rwAddr, ro: roAddr };
  const sections: PlacedSection[] = placed.map((p) => ({
    sectionIndex: p.index,
    name: p.name,
    region: p.region,
    offset: p.offset,
    size: p.size,
    address: start[p.region] + BigInt(p.offset),
  }));
  return {
    base,
    pageSize: PAGE_SIZE,
    text: { address: base, size: textSize },
    rw: { address: rwAddr, size: rwSize },
    ro: { address: roAddr, size: roSize },
    pages: Math.ceil((pageAlign(textSize) + pageAlign(rwSize) + roSize) / PAGE_SIZE),
    sections,
    assumption,
  };
}

/** Facts §2: no rw section with non-zero size, or the only one is `.livepatch.funcs`. */
export function safeToReapply(regions: Regions): boolean {
  const rw = regions.sections.filter((s) => s.region === "rw" && s.size > 0);
  return rw.length === 0 || (rw.length === 1 && rw[0].name === ".livepatch.funcs");
}

const addressIndex = new WeakMap<Regions, Map<number, bigint>>();

export function addressOf(regions: Regions, sectionIndex: number, offset: bigint): bigint | null {
  let index = addressIndex.get(regions);
  if (!index) {
    index = new Map(regions.sections.map((p) => [p.sectionIndex, p.address]));
    addressIndex.set(regions, index);
  }
  const base = index.get(sectionIndex);
  return base === undefined ? null : base + offset;
}

function hexAddr(n: bigint): string {
  return `0x${n.toString(16)}`;
}
