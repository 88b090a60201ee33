// Every symbol table, readelf -sW columns, filterable by name (as the table spells it,
// symbolDisplayName(): a SECTION symbol by its section's name, as readelf prints it) and type. Rows are read from the columnar arrays; a filter builds one Uint32Array of matching rows.
import { useDeferredValue, useMemo, useState } from "react";
import { VirtualTable, type Column } from "../../components/VirtualTable.tsx";
import { describe, printable, symbolDisplayName, symbolNamingSection, type ElfFile, type SymbolTable } from "../../elf/index.ts";
import { addr, grouped } from "../format.ts";
import { FlatRows } from "../inspector/flat.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { useEntryList } from "../inspector/useEntryList.ts";
import { follow, symbolBytes } from "../inspector/follow.ts";

const NAMES_PER_STEP = 10_000;

export function Symbols({ file, parsed }: ViewProps) {
  const { elf } = parsed;
  const tables = elf.symbolTables;
  const flat = useMemo(() => new FlatRows(tables.map((t) => t.count)), [tables]);
  const [query, setQuery] = useState("");
  const [type, setType] = useState("");
  const deferredQuery = useDeferredValue(query);
  const { machine, osabi, elfClass } = elf.header;

  const scan = useMemo(() => {
    const q = deferredQuery.trim().toLowerCase();
    if (!q && !type) return null;
    return function* (): Generator<void, Uint32Array> {
      const out = new Uint32Array(flat.total);
      let n = 0;
      for (let ti = 0; ti < tables.length; ti++) {
        const t = tables[ti];
        for (let i = 0; i < t.count; i++) {
          // Names cost a lowercase copy each: a smaller step than integer-only row scans.
          if (i % NAMES_PER_STEP === NAMES_PER_STEP - 1) yield;
          if (type && describe.symbolTypeName(t.info[i] & 0xf, machine, osabi) !== type) continue;
          // The name as the table shows it (a byte that is not UTF-8 as \xff; a SECTION symbol by its
          // section's name), which is what a user types.
          if (q && !symbolDisplayName(elf, t, i).toLowerCase().includes(q)) continue;
          out[n++] = flat.rowOf(ti, i);
        }
      }
      return out.subarray(0, n);
    };
  }, [deferredQuery, type, tables, flat, machine, osabi, elf]);
  const list = useEntryList(
    file.id,
    parsed,
    "symbols",
    tables,
    flat,
    scan,
    (ti, i) => `symbol ${i}: ${symbolDisplayName(elf, tables[ti], i) || "(no name)"}`,
    () => {
      setQuery("");
      setType("");
    },
  );
  const { at, count } = list;

  const secName = (i: number) => printable(elf.sections[elf.symbolTables[i].sectionIndex]?.name ?? "");
  const columns: Column[] = [
    ...(tables.length > 1 ? [{ id: "tab", header: "Table", width: "9ch", cell: (r: number) => secName(at(r)[0]) }] : []),
    { id: "num", header: "Num", width: "8ch", align: "right", cell: (r) => at(r)[1] },
    { id: "value", header: "Value", width: `${elfClass / 4 + 1}ch`, cell: (r) => { const [t, i] = at(r); return addr(tables[t].value[i], elfClass); } },
    { id: "size", header: "Size", width: "7ch", align: "right", cell: (r) => { const [t, i] = at(r); return tables[t].size[i].toString(); } },
    { id: "type", header: "Type", width: "8ch", cell: (r) => { const [t, i] = at(r); return describe.symbolTypeName(tables[t].info[i] & 0xf, machine, osabi); } },
    { id: "bind", header: "Bind", width: "7ch", cell: (r) => { const [t, i] = at(r); return describe.symbolBindName(tables[t].info[i] >> 4, osabi); } },
    { id: "vis", header: "Vis", width: "9ch", cell: (r) => { const [t, i] = at(r); return describe.symbolVisibilityName(tables[t].other[i]); } },
    { id: "ndx", header: "Ndx", width: "5ch", align: "right", cell: (r) => { const [t, i] = at(r); return describe.sectionIndexName(tables[t].shndx[i], machine, elf.sections.length).trim(); } },
    { id: "name", header: "Name", width: "minmax(20ch, 1fr)", cell: (r) => { const [t, i] = at(r); return <SymbolName elf={elf} table={tables[t]} index={i} />; } },
  ];
  const types = ["NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE"];

  return (
    <div className="view view-table">
      <div className="filters" role="search">
        <input type="search" data-filter placeholder="Filter by name ( / )" aria-label="Filter symbols by name" value={query} onChange={(e) => setQuery(e.target.value)} />
        <select aria-label="Symbol type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">any type</option>
          {types.map((t) => <option key={t}>{t}</option>)}
        </select>
        <span className="view-note" aria-live="polite">
          {list.pending ? "filtering… " : ""}
          {grouped(count)} of {grouped(flat.total)} symbols
        </span>
      </div>
      <VirtualTable
        label="Symbols"
        columns={columns}
        {...list.table}
        onActivate={(r) => {
          // The symbol's section, and the bytes the symbol covers there.
          const [ti, i] = at(r);
          const t = tables[ti];
          const shndx = t.shndx[i];
          const bytes = symbolBytes(elf, shndx, t.value[i], t.size[i]);
          follow(file.id, shndx > 0 && shndx < elf.sections.length ? { view: "sections", section: shndx } : null, bytes && { ...bytes, label: `${symbolDisplayName(elf, t, i) || "symbol"} (${bytes.size} bytes)` });
        }}
        empty={flat.total === 0 ? "No symbol table." : "No symbol matches."} />
    </div>
  );
}

/**
 * The Name cell: readelf's name for the symbol (symbolDisplayName()). A SECTION symbol has none of
 * its own (st_name 0) and is named by its section, so that name is muted and says so.
 */
function SymbolName({ elf, table, index }: { elf: ElfFile; table: SymbolTable; index: number }) {
  const name = symbolDisplayName(elf, table, index);
  const section = symbolNamingSection(elf, table, index);
  if (section < 0) return name;
  return (
    <span className="muted section-named" title={`section symbol: named by section ${section}`}>
      {name}
    </span>
  );
}
