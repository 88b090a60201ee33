// ELF notes: { namesz, descsz, type, name[namesz], desc[descsz] } with name and desc padded to
// the note alignment (4, or 8 for 8-aligned note sections as the GNU tools write them).
import { SHT_NOTE } from "./constants.ts";
import type { ParseContext } from "./context.ts";
import { hex, type ElfErrorCode } from "./errors.ts";
import { MAX_NOTES } from "./limits.ts";
import { ByteReader } from "./reader.ts";
import { decodeString } from "./strings.ts";
import type { Diagnostic, ElfNote, ElfSection } from "./types.ts";

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

/**
 * Parse a note blob: `bytes[offset, offset+size)` of the file. Records are returned with file
 * offsets; problems go to `diagnostics` and stop the walk (later records cannot be located).
 * `sectionIndex` is stored in each note (-1 if none). `align` is 4 or 8 (the section's
 * sh_addralign when that is 8).
 */
export function parseNotes(
  bytes: Uint8Array,
  offset: number,
  size: number,
  littleEndian: boolean,
  diagnostics: Diagnostic[],
  sectionIndex = -1,
  align: 4 | 8 = 4,
  limit = MAX_NOTES,
): ElfNote[] {
  const notes: ElfNote[] = [];
  if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(size) && offset >= 0 && size >= 0 && offset + size <= bytes.length)) {
    diagnostics.push({ severity: "error", code: "BAD_NOTE", offset: Math.max(0, Math.min(offset, bytes.length)), message: `note area [${hex(offset)}, +${hex(size)}) is outside the file` });
    return notes;
  }
  const r = new ByteReader(bytes, littleEndian);
  const end = offset + size;
  const bad = (at: number, message: string): void => {
    const d: Diagnostic = { severity: "error", code: "BAD_NOTE", offset: at, message };
    if (sectionIndex >= 0) d.section = sectionIndex;
    diagnostics.push(d);
  };
  let at = offset;
  while (at < end) {
    if (notes.length >= limit) {
      diagnostics.push({ severity: "error", code: "TOO_MANY_NOTES", offset: at, message: `more than ${limit} notes; the rest are not listed` });
      break;
    }
    if (end - at < 12) {
      bad(at, `note header at ${hex(at)} is cut short (${end - at} bytes left)`);
      break;
    }
    const namesz = r.u32(at);
    const descsz = r.u32(at + 4);
    const type = r.u32(at + 8);
    // All arithmetic stays below 2^34: safe in doubles, no wraparound.
    const descAt = at + alignUp(12 + namesz, align);
    const next = at + alignUp(descAt - at + descsz, align);
    if (12 + namesz > end - at || descAt + descsz > end) {
      bad(at, `note at ${hex(at)} has namesz ${namesz} / descsz ${descsz} running past its area (ends at ${hex(end)})`);
      break;
    }
    let nameEnd = at + 12;
    const nameLimit = at + 12 + namesz;
    while (nameEnd < nameLimit && bytes[nameEnd] !== 0) nameEnd++;
    notes.push({
      sectionIndex,
      record: { offset: at, size: Math.min(next, end) - at },
      namesz,
      descsz,
      type,
      name: decodeString(bytes, at + 12, nameEnd),
      desc: { offset: descAt, size: descsz },
    });
    at = next;
  }
  return notes;
}

/** All notes of all SHT_NOTE sections. */
export function parseNoteSections(ctx: ParseContext, sections: ElfSection[]): ElfNote[] {
  const out: ElfNote[] = [];
  for (const sec of sections) {
    if (sec.type !== SHT_NOTE || sec.dataSize === 0) continue;
    let align: 4 | 8 = 4;
    if (sec.addralign === 8n) align = 8;
    else if (sec.addralign > 4n) {
      ctx.diag("error", "BAD_NOTE", sec.header.offset, `note section ${sec.index} has alignment ${sec.addralign}, expected 4 or 8`, sec.index);
      continue;
    }
    const problems: Diagnostic[] = [];
    const found = parseNotes(ctx.r.bytes, sec.dataOffset, sec.dataSize, ctx.r.le, problems, sec.index, align, MAX_NOTES - out.length);
    for (const n of found) out.push(n);
    for (const d of problems) ctx.diag(d.severity, d.code as ElfErrorCode, d.offset, d.message, sec.index);
    // Counted as found (their number is not known beforehand), so done stays below the total
    // until the caller reports the end.
    ctx.total += found.length;
    ctx.tick(found.length, sec.dataOffset);
  }
  return out;
}
