// Buffers to hand to postMessage's transfer list so a parsed file crosses a worker for free.
import type { ElfFile } from "./types.ts";

/** Every distinct ArrayBuffer an `ElfFile` holds (file bytes and all table columns). */
export function transferablesOf(file: ElfFile): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView): void => {
    if (a.buffer instanceof ArrayBuffer) seen.add(a.buffer);
  };
  add(file.bytes);
  add(file.header.ident);
  for (const t of file.symbolTables) {
    for (const a of [t.nameOffset, t.nameValid, t.value, t.size, t.info, t.other, t.shndx, t.rawShndx]) add(a);
  }
  for (const r of file.relocationTables) add(r.words.u64);
  return [...seen];
}
