// A pointer field of a livepatch struct, with its provenance: the relocation that fills it.
import { printable, type ElfFile } from "../../elf/index.ts";
import type { PointerField } from "../../livepatch/index.ts";
import { signedAddend, targetText } from "../../livepatch/label.ts";
import { useLens } from "../../state/store.ts";
import { hex } from "../format.ts";

export function provenanceText(f: PointerField): string {
  const t = f.target;
  if (f.reloc) {
    const how = `filled by ${f.reloc.typeName} (${f.reloc.section} #${f.reloc.index}) against ${printable(f.reloc.symbol)}${f.reloc.addend === 0n ? "" : signedAddend(f.reloc.addend)}`;
    if (t.kind === "symbol" && !t.defined) return `${how}; undefined here, resolved by the hypervisor`;
    return how;
  }
  if (t.kind === "null") return "0 in the file, no relocation";
  return `absolute value in the file (${hex(f.raw)})`;
}

export function PointerText({ field, fileId, label, size, elf }: { field: PointerField; fileId: string; label: string; size: number; elf: ElfFile }) {
  const selectBytes = useLens((s) => s.ui.selectBytes);
  const navigate = useLens((s) => s.ui.navigate);
  return (
    <span className="ptr">
      <button type="button" className="linkish mono" title={provenanceText(field)} onClick={() => selectBytes({ fileId, offset: field.offset, size, label })}>
        {targetText(field.target)}
      </button>
      {field.reloc && (
        <button
          type="button"
          className="linkish small-link"
          title="Show the relocation"
          onClick={() => {
            const table = elf.relocationTables.findIndex((t) => t.sectionIndex === field.reloc!.sectionIndex);
            if (table >= 0) navigate(fileId, { view: "relocations", table, index: field.reloc!.index });
          }}
        >
          ↳ {field.reloc.typeName}
        </button>
      )}
    </span>
  );
}
