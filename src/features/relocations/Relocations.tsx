// Every relocation of every REL/RELA section as one virtualized list (a million rows scroll like
// ten), filterable by section, type and symbol. Filtering scans the typed arrays once.
import { useDeferredValue, useMemo, useState } from "react";
import { VirtualTable, type Column } from "../../components/VirtualTable.tsx";
import { describe, printable, relocOffset, relocSymbol, relocType } from "../../elf/index.ts";
import { addr, counted, grouped } from "../format.ts";
import { FlatRows } from "../inspector/flat.ts";
import { relocLanding, relocSymbolName, relocText, symbolTableFor, type ImageNames } from "../inspector/symbolize.ts";
import { useSectionCode } from "./useSectionCode.ts";
import { useImageContext } from "../functions/useImageContext.ts";
import type { ElfFile, RelocationTable } from "../../elf/index.ts";
import type { ViewProps } from "../inspector/viewProps.ts";
import { useEntryList } from "../inspector/useEntryList.ts";
import { follow } from "../inspector/follow.ts";
import { ROWS_PER_STEP, useSliced } from "../inspector/useSliced.ts";

const NO_TYPES: number[] = [];
// 64-bit absolute relocations (x86-64 R_X86_64_64, AArch64 R_AARCH64_ABS64) patch 8 bytes; the rest here 4.
const FIELD_8 = new Set(["62:1", "183:257"]);

export function Relocations({ file, parsed }: ViewProps) {
  const { elf } = parsed;
  const tables = elf.relocationTables;
  const flat = useMemo(() => new FlatRows(tables.map((t) => t.count)), [tables]);
  const [section, setSection] = useState("");
  const [type, setType] = useState("");
  const [symbol, setSymbol] = useState("");
  const q = useDeferredValue(symbol.trim().toLowerCase());
  const sec = useDeferredValue(section.trim().toLowerCase());
  const machine = elf.header.machine;
  const elfClass = elf.header.elfClass;
  const image = useImageContext(file, parsed).names;

  // A bitmap, not a Set: this runs over every relocation (1.8M in the large fixture), in slices.
  const scanTypes = useMemo(
    () =>
      function* (): Generator<void, number[]> {
        const seen = new Uint8Array(65536);
        const rare = new Set<number>();
        for (const t of tables) {
          for (let i = 0; i < t.count; i++) {
            if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
            const v = relocType(t, i);
            if (v < 65536) seen[v] = 1;
            else rare.add(v);
          }
          if (t.count > 1000) yield;
        }
        const out: number[] = [];
        for (let v = 0; v < 65536; v++) if (seen[v]) out.push(v);
        return [...out, ...[...rare].sort((a, b) => a - b)];
      },
    [tables],
  );
  const typesPresent = useSliced(scanTypes, NO_TYPES).value;

  const scan = useMemo(() => {
    if (!q && !sec && type === "") return null;
    const wantType = type === "" ? -1 : Number(type);
    return function* (): Generator<void, Uint32Array> {
      const out = new Uint32Array(flat.total);
      let n = 0;
      let budget = 0;
      const matchBySymtab = new Map<object, Uint8Array>();
      // The quick filter also matches type names and section names (the REL/RELA section or the one it patches).
      const typeHit = new Map<number, boolean>();
      const typeMatches = (v: number) => {
        let hit = typeHit.get(v);
        if (hit === undefined) typeHit.set(v, (hit = (describe.relocationTypeName(machine, v) ?? "").toLowerCase().includes(q)));
        return hit;
      };
      // Names as the table spells them (printable(): a byte that is not UTF-8 as \xff), which is what a user types.
      const secName = (i: number) => printable(elf.sections[i]?.name ?? "").toLowerCase();
      for (let ti = 0; ti < tables.length; ti++) {
        const t = tables[ti];
        if (sec && !secName(t.sectionIndex).includes(sec)) continue;
        const wholeTable = q !== "" && (secName(t.sectionIndex).includes(q) || secName(t.targetSection).includes(q));
        const symtab = symbolTableFor(elf, t);
        // Decide per symbol once, not per relocation: a million relocations share a few thousand
        // symbols, and thousands of relocation sections share one symbol table.
        let symMatch = q && symtab ? (matchBySymtab.get(symtab) ?? null) : null;
        if (q && symtab && !symMatch) {
          symMatch = new Uint8Array(symtab.count);
          matchBySymtab.set(symtab, symMatch);
          for (let s = 0; s < symtab.count; s++) {
            if (++budget >= ROWS_PER_STEP) {
              budget = 0;
              yield;
            }
            budget += 4; // a name costs a lowercase copy: several integer rows' worth
            symMatch[s] = relocSymbolName(elf, symtab, s).toLowerCase().includes(q) ? 1 : 0;
          }
        }
        for (let i = 0; i < t.count; i++) {
          if (++budget >= ROWS_PER_STEP) {
            budget = 0;
            yield;
          }
          if (wantType >= 0 && relocType(t, i) !== wantType) continue;
          if (q && !wholeTable && !(symMatch && symMatch[relocSymbol(t, i)]) && !typeMatches(relocType(t, i))) continue;
          out[n++] = flat.starts[ti] + i;
        }
        budget += 20; // a table's own overhead, so thousands of small tables still yield
      }
      return out.subarray(0, n);
    };
  }, [q, sec, type, tables, flat, elf, machine]);
  const label = (ti: number, i: number) => {
    const t = tables[ti];
    const txt = relocText(elf, t, i);
    return `relocation ${i} in ${printable(elf.sections[t.sectionIndex]?.name ?? "")}: ${txt.type} → ${txt.target}`;
  };
  const list = useEntryList(file.id, parsed, "relocations", tables, flat, scan, label, () => {
    setSection("");
    setType("");
    setSymbol("");
  });
  const { at, count } = list;

  const columns: Column[] = [
    { id: "sec", header: "Section", width: "minmax(14ch, 1fr)", cell: (r) => printable(elf.sections[tables[at(r)[0]].sectionIndex]?.name ?? "") },
    { id: "idx", header: "#", width: "8ch", align: "right", cell: (r) => at(r)[1] },
    { id: "off", header: "Offset", width: `${elfClass / 4 + 1}ch`, cell: (r) => { const [t, i] = at(r); return addr(relocOffset(tables[t], i), elfClass); } },
    { id: "type", header: "Type", width: "minmax(16ch, 0.8fr)", cell: (r) => { const [t, i] = at(r); return describe.relocationTypeName(machine, relocType(tables[t], i)) ?? `unknown (${relocType(tables[t], i)})`; } },
    { id: "target", header: "Symbol + addend", width: "minmax(18ch, 1.2fr)", cell: (r) => { const [t, i] = at(r); return relocText(elf, tables[t], i).target; } },
    { id: "resolved", header: "Resolves to", width: "minmax(18ch, 1.2fr)", cell: (r) => { const [t, i] = at(r); return <Resolved elf={elf} table={tables[t]} index={i} image={image} />; } },
  ];

  return (
    <div className="view view-table">
      <div className="filters" role="search">
        <input type="search" data-filter placeholder="Symbol, type or section ( / )" aria-label="Filter relocations by symbol, type or section" value={symbol} onChange={(e) => setSymbol(e.target.value)} />
        <input type="search" placeholder="Section" aria-label="Filter relocations by section" value={section} onChange={(e) => setSection(e.target.value)} />
        <select aria-label="Relocation type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">any type</option>
          {typesPresent.map((t) => (
            <option key={t} value={t}>
              {describe.relocationTypeName(machine, t) ?? `unknown (${t})`}
            </option>
          ))}
        </select>
        <span className="view-note" aria-live="polite">
          {list.pending ? "filtering… " : ""}
          {grouped(count)} of {grouped(flat.total)} relocations · {counted(tables.length, "relocation section")} in the file
        </span>
      </div>
      <VirtualTable
        label="Relocations"
        columns={columns}
        {...list.table}
        onActivate={(r) => {
          // The symbol it refers to, and the bytes it will patch.
          const [ti, i] = at(r);
          const t = tables[ti];
          const symtab = elf.symbolTables.findIndex((x) => x.sectionIndex === t.symbolTableSection);
          const target = elf.sections[t.targetSection];
          const width = FIELD_8.has(`${machine}:${relocType(t, i)}`) ? 8 : 4;
          const inTarget = target && target.dataSize > 0 && relocOffset(t, i) < BigInt(target.dataSize);
          follow(
            file.id,
            symtab >= 0 && relocSymbol(t, i) !== 0 ? { view: "symbols", table: symtab, index: relocSymbol(t, i) } : null,
            inTarget ? { offset: target.dataOffset + Number(relocOffset(t, i)), size: Math.min(width, target.dataSize - Number(relocOffset(t, i))), label: `patched by ${label(ti, i)}` } : null,
          );
        }}
        empty={flat.total === 0 ? "No relocation sections." : "No relocation matches."} />
    </div>
  );
}

/** "Resolves to": a PC-relative field in code waits for its section to be decoded. */
function Resolved({ elf, table, index, image }: { elf: ElfFile; table: RelocationTable; index: number; image: ImageNames | null }) {
  const inCode = relocLanding(elf, table, index, null)?.counted === "unknown";
  return <span className="muted">{inCode ? <ResolvedInCode elf={elf} table={table} index={index} image={image} /> : relocText(elf, table, index, image).resolved}</span>;
}

function ResolvedInCode({ elf, table, index, image }: { elf: ElfFile; table: RelocationTable; index: number; image: ImageNames | null }) {
  const code = useSectionCode(elf, table.targetSection, relocOffset(table, index));
  return code === undefined ? "decoding…" : relocText(elf, table, index, image, code).resolved;
}
