// The shape of a relocatable object, as figures: what `gen:large` has to mimic for the benchmark
// to say anything about a real prelink.o. `node --import tsx bench/shape.ts FILE...` prints one
// column per file; bench/parse.bench.ts prints the same rows for the generated file beside the
// real one.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, type ElfFile, parseElf, relocSymbol, relocType, SHT_PROGBITS, SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB } from "../src/elf/index.ts";

export interface ShapeRow {
  name: string;
  value: string;
}

function quantiles(xs: number[]): string {
  if (xs.length === 0) return "-";
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `mean ${mean.toFixed(1)}, p50 ${q(0.5)}, p95 ${q(0.95)}, max ${s[s.length - 1]}`;
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;

function top(counts: Map<string, number>, total: number, k: number): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, n]) => `${name} ${pct(n, total)}`)
    .join(", ");
}

function bump(m: Map<string, number>, key: string, by = 1): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

export function shapeOf(elf: ElfFile): ShapeRow[] {
  const machine = elf.header.machine;
  const rows: ShapeRow[] = [];
  const add = (name: string, value: string | number) => rows.push({ name, value: String(value) });
  add("size (MB)", (elf.bytes.length / 1e6).toFixed(1));
  add("sections", elf.sections.length);
  const byType = new Map<string, number>();
  for (const s of elf.sections) bump(byType, describe.sectionTypeName(s.type, machine));
  add("section types", top(byType, elf.sections.length, 4));
  add("section name length", quantiles(elf.sections.slice(1).map((s) => s.name.length)));
  const shstr = elf.sections[elf.header.sectionNamesIndex];
  add(".shstrtab bytes", shstr ? shstr.dataSize : 0);
  const progbits = elf.sections.filter((s) => s.type === SHT_PROGBITS);
  const text = progbits.filter((s) => s.name.startsWith(".text"));
  add(".text* sections", `${text.length}, bytes ${quantiles(text.map((s) => s.dataSize))}`);
  const debug = progbits.filter((s) => s.name.startsWith(".debug_"));
  add(".debug_* bytes (MB)", (debug.reduce((a, s) => a + s.dataSize, 0) / 1e6).toFixed(1));

  const symtab = elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB);
  if (symtab) {
    add("symbols", symtab.count);
    const types = new Map<string, number>();
    let undef = 0;
    let global = 0;
    for (let i = 0; i < symtab.count; i++) {
      bump(types, describe.symbolTypeName(symtab.info[i] & 15, machine, elf.header.osabi));
      if (symtab.shndx[i] === 0 && i > 0) undef++;
      if (symtab.info[i] >> 4 !== 0) global++;
    }
    add("symbol types", top(types, symtab.count, 5));
    add("symbols undefined / global", `${pct(undef, symtab.count)} / ${pct(global, symtab.count)}`);
    add("symbol name length", quantiles(symtab.name.slice(1).map((n) => n.length)));
    const strtab = elf.sections[symtab.stringTableIndex];
    add(".strtab bytes", strtab && strtab.type === SHT_STRTAB ? strtab.dataSize : 0);
  }

  const tables = elf.relocationTables;
  const total = tables.reduce((a, t) => a + t.count, 0);
  add("relocations", total);
  add("relocation sections", `${tables.length} (${tables.filter((t) => elf.sections[t.sectionIndex].type === SHT_RELA).length} RELA, ${tables.filter((t) => elf.sections[t.sectionIndex].type === SHT_REL).length} REL)`);
  add("relocations per section", quantiles(tables.map((t) => t.count)));
  const biggest = [...tables].sort((a, b) => b.count - a.count).slice(0, 3);
  add("largest relocation sections", biggest.map((t) => `${elf.sections[t.sectionIndex].name} ${pct(t.count, total)}`).join(", "));
  const relTypes = new Map<string, number>();
  let againstSection = 0;
  let pairChanges = 0;
  let codeRefs = 0;
  let codeNearby = 0;
  for (const t of tables) {
    const syms = elf.symbolTables.find((s) => s.sectionIndex === t.symbolTableSection);
    const names = new Map<number, string>();
    let previousCode = -1;
    for (let i = 0; i < t.count; i++) {
      if (i === 0 || relocType(t, i) !== relocType(t, i - 1) || relocSymbol(t, i) !== relocSymbol(t, i - 1)) pairChanges++;
      const ty = relocType(t, i);
      let name = names.get(ty);
      if (name === undefined) {
        name = describe.relocationTypeName(machine, ty) ?? String(ty);
        names.set(ty, name);
      }
      bump(relTypes, name);
      const si = relocSymbol(t, i);
      if (syms && si < syms.count && (syms.info[si] & 15) === 3) {
        againstSection++;
        const target = elf.sections[syms.shndx[si]];
        if (target && target.name.startsWith(".text.")) {
          if (previousCode >= 0) {
            codeRefs++;
            if (si >= previousCode && si - previousCode <= 2) codeNearby++;
          }
          previousCode = si;
        }
      }
    }
  }
  add("relocation types", top(relTypes, total, 6));
  add("relocations against SECTION symbols", pct(againstSection, total));
  add("relocations with another (type, symbol) than the entry before", pct(pairChanges, total));
  add("code references to the .text.* section before or the next two", pct(codeNearby, codeRefs));
  return rows;
}

/** Rows of several files side by side: one name column, one value column per file. */
export function sideBySide(files: { label: string; rows: ShapeRow[] }[]): string {
  const names = files[0].rows.map((r) => r.name);
  const width = Math.max(...names.map((n) => n.length), ...files.map((f) => f.label.length));
  const lines: string[] = [];
  for (const name of names) {
    lines.push(name);
    for (const f of files) lines.push(`  ${f.label.padEnd(width)}  ${f.rows.find((r) => r.name === name)?.value ?? "-"}`);
  }
  return lines.join("\n");
}

if (/shape\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  const files = process.argv.slice(2).map((path) => ({ label: basename(path), rows: shapeOf(parseElf(new Uint8Array(readFileSync(path)))) }));
  if (files.length === 0) {
    console.error("usage: node --import tsx bench/shape.ts FILE...");
    process.exit(2);
  }
  console.log(sideBySide(files));
}
