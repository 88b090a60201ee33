// Reproduces `LC_ALL=C readelf -hSsrnW` output byte for byte (GNU binutils 2.40).
import type { ElfFile } from "./types.ts";

/** Which blocks to print, in readelf's order (header, sections, symbols, relocs, notes). */
export interface ReadelfOptions {
  header?: boolean;
  sections?: boolean;
  symbols?: boolean;
  relocs?: boolean;
  notes?: boolean;
}

/** readelf's text for `file` as if run as `readelf -hSsrnW fileName` (all blocks by default). */
export function formatReadelf(file: ElfFile, fileName: string, options: ReadelfOptions = {}): string {
  void [file, fileName, options];
  throw new Error("not yet");
}
