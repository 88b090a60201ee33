// Display names, spelled as GNU readelf 2.40 prints them. The parser never formats text; this
// module only turns numbers into words, and unknown values still render.
import type { ElfFile } from "./types.ts";

/** Section type column of `readelf -S` (e.g. `PROGBITS`, `X86_64_UNWIND`, `LOOS+0x5`). */
export function sectionTypeName(type: number, machine: number): string {
  void [type, machine];
  throw new Error("not yet");
}

/** Flag letters of `readelf -SW` in readelf's order (`WAXMSILOGTCxoEpDl`, `R` for retain). */
export function sectionFlagLetters(flags: bigint, machine: number, osabi: number): string {
  void [flags, machine, osabi];
  throw new Error("not yet");
}

/** `readelf -r` relocation type name (`R_X86_64_PC32`), or readelf's unknown spelling. */
export function relocationTypeName(machine: number, type: number): string | null {
  void [machine, type];
  throw new Error("not yet");
}

/** Symbol type (`FUNC`), bind (`GLOBAL`), visibility (`DEFAULT`) as `readelf -s` prints them. */
export function symbolTypeName(type: number, machine: number, osabi: number): string {
  void [type, machine, osabi];
  throw new Error("not yet");
}
export function symbolBindName(bind: number, osabi: number): string {
  void [bind, osabi];
  throw new Error("not yet");
}
export function symbolVisibilityName(other: number, machine: number): string {
  void [other, machine];
  throw new Error("not yet");
}

/** `Ndx` column: `UND`, `ABS`, `COM`, or the number right-aligned to width 3. */
export function sectionIndexName(file: ElfFile, shndx: number): string {
  void [file, shndx];
  throw new Error("not yet");
}

/** Machine name as in readelf's `Machine:` line (`Advanced Micro Devices X86-64`). */
export function machineName(machine: number): string {
  void machine;
  throw new Error("not yet");
}

/** OS/ABI as in readelf's `OS/ABI:` line (`UNIX - System V`). */
export function osabiName(osabi: number, machine: number): string {
  void [osabi, machine];
  throw new Error("not yet");
}

/** e_type as in readelf's `Type:` line (`REL (Relocatable file)`). */
export function fileTypeName(type: number): string {
  void type;
  throw new Error("not yet");
}

/** Note type as in `readelf -n` (`NT_GNU_BUILD_ID (unique build ID bitstring)`). */
export function noteTypeName(owner: string, type: number, fileType: number): string {
  void [owner, type, fileType];
  throw new Error("not yet");
}
