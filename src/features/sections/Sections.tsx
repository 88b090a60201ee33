// Section headers as readelf -SW prints them, plus the region (text/rw/ro) and load address each
// SHF_ALLOC section got in the audit's simulated hypervisor (the placement every view shares).
import { useMemo } from "react";
import { VirtualTable, type Column } from "../../components/VirtualTable.tsx";
import { describe, printable } from "../../elf/index.ts";
import { useLens } from "../../state/store.ts";
import type { PlacedSection } from "../../protocol/hypervisor.ts";
import { usePlacement } from "../placement/usePlacement.ts";
import { addr, counted, grouped } from "../format.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { usePick, useReveal } from "../inspector/usePick.ts";
import { follow } from "../inspector/follow.ts";

export function Sections({ file, parsed }: ViewProps) {
  const { elf, livepatch: lp } = parsed;
  const selected = usePick(file.id, parsed, "sections")?.section ?? null;
  const setPick = useLens((s) => s.ui.pick);
  const selectBytes = useLens((s) => s.ui.selectBytes);
  const { at } = usePlacement(file.id);
  const payload = at?.placement?.payload ?? null;
  const placed = useMemo(() => new Map<number, PlacedSection>((payload?.sections ?? []).map((p) => [p.index, p])), [payload]);
  const { machine, osabi, elfClass } = { ...elf.header };

  const selectRow = (row: number) => {
    const s = elf.sections[row];
    const range = s.dataSize > 0 ? { offset: s.dataOffset, size: s.dataSize } : s.header;
    selectBytes({ fileId: file.id, ...range, label: `section [${row}] ${printable(s.name)}${s.dataSize > 0 ? "" : " (header; no file data)"}` });
  };
  const select = (row: number) => {
    setPick(file.id, { view: "sections", section: row });
    selectRow(row);
  };
  useReveal(file.id, parsed, "sections", (t) => selectRow(t.section));

  const columns: Column[] = [
    { id: "nr", header: "Nr", width: "5ch", align: "right", cell: (r) => r },
    { id: "name", header: "Name", width: "minmax(16ch, 1.4fr)", cell: (r) => printable(elf.sections[r].name) },
    { id: "type", header: "Type", width: "12ch", cell: (r) => describe.sectionTypeName(elf.sections[r].type, machine) },
    { id: "addr", header: "Address", width: `${elfClass / 4 + 1}ch`, cell: (r) => addr(elf.sections[r].addr, elfClass) },
    { id: "off", header: "Off", width: "9ch", cell: (r) => elf.sections[r].offset.toString(16).padStart(6, "0") },
    { id: "size", header: "Size", width: "9ch", cell: (r) => elf.sections[r].size.toString(16).padStart(6, "0") },
    { id: "es", header: "ES", width: "4ch", cell: (r) => elf.sections[r].entsize.toString(16).padStart(2, "0") },
    { id: "flg", header: "Flg", width: "5ch", cell: (r) => describe.sectionFlagLetters(elf.sections[r].flags, machine, osabi) },
    { id: "lk", header: "Lk", width: "4ch", align: "right", cell: (r) => elf.sections[r].link },
    { id: "inf", header: "Inf", width: "5ch", align: "right", cell: (r) => elf.sections[r].info },
    { id: "al", header: "Al", width: "4ch", align: "right", cell: (r) => elf.sections[r].addralign.toString() },
  ];
  if (lp)
    columns.push({
      id: "region",
      header: "Loads into",
      width: "minmax(22ch, 1fr)",
      cell: (r) => {
        const p = placed.get(r);
        return p ? (
          <span className={`region ${p.region}`}>
            {p.region} {p.addr}
          </span>
        ) : (
          ""
        );
      },
    });

  return (
    <div className="view view-table">
      <p className="view-note">
        {grouped(elf.sections.length)} sections.
        {lp && payload && ` Placed by the simulated hypervisor booted from ${at!.assumed ? "a stand-in Xen (no image loaded: addresses assumed)" : at!.imageFile}: text ${payload.regions.text.size} B, rw ${payload.regions.rw.size} B, ro ${payload.regions.ro.size} B (${counted(payload.pages, "page")}).`}
        {lp && at && !payload && ` Not placed: ${at.reason ?? "the upload failed"}.`}
      </p>
      <VirtualTable
        label="Sections"
        columns={columns}
        rowCount={elf.sections.length}
        selected={selected}
        onSelect={select}
        onActivate={(row) => {
          const s = elf.sections[row];
          follow(file.id, null, { ...(s.dataSize > 0 ? { offset: s.dataOffset, size: s.dataSize } : s.header), label: `section [${row}] ${printable(s.name)}` });
        }}
      />
    </div>
  );
}
