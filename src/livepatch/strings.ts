// The NUL-terminated string a pointer target designates inside the payload, bounds-checked.
import { SHT_NOBITS, type ElfSection } from "../elf/index.ts";
import { hexNum, text } from "./bytes.ts";
import type { Context } from "./context.ts";
import type { PointerTarget } from "./types.ts";

/** Longest string we read; Xen's names and file paths are far shorter. */
export const MAX_STRING = 4096;

export type StringAt =
  | { ok: true; text: string; bytes: Uint8Array; section: ElfSection; start: bigint }
  /** `external`: the target is not defined in this payload (the hypervisor resolves it). */
  | { ok: false; external: boolean; why: string };

export function stringAt(ctx: Context, t: PointerTarget): StringAt {
  if (t.kind !== "symbol") return { ok: false, external: false, why: "not a symbol" };
  if (!t.defined || t.sectionIndex === undefined || t.sectionOffset === undefined) return { ok: false, external: true, why: `points at ${t.symbol}, outside the payload` };
  const section = ctx.elf.sections[t.sectionIndex];
  if (section.type === SHT_NOBITS) return { ok: false, external: false, why: `points into ${section.name}, which has no file contents` };
  const data = ctx.data(section);
  const start = t.sectionOffset;
  if (start < 0n || start >= BigInt(data.length)) return { ok: false, external: false, why: `points at ${section.name}+${hexNum(start)}, outside its ${data.length} bytes` };
  const from = Number(start);
  // Bounded, so many pointers into one huge unterminated section cannot make this quadratic.
  const window = data.subarray(from, Math.min(data.length, from + MAX_STRING));
  const end = window.indexOf(0);
  if (end < 0)
    return {
      ok: false,
      external: false,
      why: window.length < MAX_STRING ? `the string at ${section.name}+${hexNum(start)} has no NUL before the section ends` : `the string at ${section.name}+${hexNum(start)} is longer than ${MAX_STRING} bytes`,
    };
  const bytes = window.subarray(0, end);
  return { ok: true, text: text(bytes), bytes, section, start };
}
