// Which of a file's diagnostics belong to one of the tables view's blocks: those naming one of
// the block's sections, or pointing into its header or its data. A table whose size leaves bytes
// over, or whose entries point outside the payload's code, says so where its entries are listed.
import type { Diagnostic, ElfSection } from "../../elf/index.ts";

export function blockDiagnostics(sections: readonly ElfSection[], isBlockSection: (name: string) => boolean, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const mine = sections.filter((s) => isBlockSection(s.name));
  if (mine.length === 0) return [];
  const inside = (s: ElfSection, at: number) =>
    (at >= s.header.offset && at < s.header.offset + s.header.size) || (s.dataSize > 0 && at >= s.dataOffset && at < s.dataOffset + s.dataSize);
  return diagnostics.filter((d) => mine.some((s) => d.section === s.index || (d.section === undefined && inside(s, d.offset))));
}
