// Reproduces `LC_ALL=C readelf -hSsrnW` output byte for byte (GNU binutils 2.40), from the
// parsed model only. Block order follows readelf: header, sections, relocations, symbols, notes.
import { PN_XNUM, SHN_ABS, SHN_COMMON, SHN_XINDEX, SHT_DYNSYM, SHT_NOTE, SHT_REL, SHT_RELA, SHT_RELR, SHT_SYMTAB, STT_SECTION, stBind, stType } from "./constants.ts";
import {
  fileTypeName,
  flagKey,
  machineFlagsText,
  machineName,
  osabiName,
  relocationTypeName,
  sectionFlagLetters,
  sectionIndexName,
  sectionTypeName,
  symbolBindName,
  symbolOtherName,
  symbolTypeName,
  symbolVisibilityName,
  solarisVisibilityName,
} from "./describe.ts";
import { formatNote } from "./readelf-notes.ts";
import type { ElfFile, ElfNote, ElfSection, RelocationTable, SymbolTable } from "./types.ts";
import { relocAddend, relocOffset, relocSymbol, relocType } from "./relocations.ts";

/** Which blocks to print (all by default), always in readelf's order. */
export interface ReadelfOptions {
  header?: boolean;
  sections?: boolean;
  symbols?: boolean;
  relocs?: boolean;
  notes?: boolean;
}

const hx = (n: number | bigint, width = 0): string => n.toString(16).padStart(width, "0");
const is64 = (f: ElfFile): boolean => f.header.elfClass === 64;
/** print_vma LONG_HEX: the address width of the class. */
const vma = (f: ElfFile, n: bigint): string => hx(BigInt.asUintN(64, n), is64(f) ? 16 : 8);

/**
 * readelf's print_symbol: C0 controls and DEL as ^X, no truncation under -W. A C1 control
 * (U+0080–U+009F; U+009B is CSI, which some terminals act on) readelf 2.40 passes through as its
 * bytes; it is spelled here as `readelf -U escape` spells it (`\u009b`), so no name drives a terminal.
 * A byte that is not UTF-8 (decodeBytes() holds it as U+DC80 + byte) readelf also prints raw;
 * here it is `\xNN`, the one spelling of such a byte in every view (escapeName() in src/livepatch/label.ts).
 */
export function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f-\x9f\udc80-\udcff]/u.test(name) ? name.replace(/[\x00-\x1f\x7f-\x9f\udc80-\udcff]/gu, controlText) : name;
}

function controlText(c: string): string {
  const n = c.charCodeAt(0);
  if (n >= 0xdc80) return `\\x${(n - 0xdc00).toString(16)}`;
  return n < 0x80 ? `^${String.fromCharCode(n + 0x40)}` : `\\u00${n.toString(16)}`;
}

/** Section name as readelf prints it, with its `<no-strings>`/`<corrupt>` fallbacks. */
function sectionName(f: ElfFile, s: ElfSection): string {
  if (f.header.sectionNamesIndex === 0 || f.sections[f.header.sectionNamesIndex]?.dataSize === 0) return "<no-strings>";
  return s.nameValid ? printable(s.name) : "<corrupt>";
}

/** readelf -hSsrnW text for `file`, as if run on `fileName` alone. */
export function formatReadelf(file: ElfFile, fileName: string, options: ReadelfOptions = {}): string {
  void fileName; // readelf names the file only when given several.
  const all = Object.keys(options).length === 0;
  const want = (k: keyof ReadelfOptions): boolean => all || options[k] === true;
  let out = "";
  if (want("header")) out += formatHeader(file);
  if (want("sections")) out += formatSections(file, want("header"));
  if (want("relocs")) out += formatRelocations(file);
  if (want("symbols")) out += formatSymbols(file);
  if (want("notes")) out += formatNotes(file);
  return out;
}

function line(label: string, value: string): string {
  return `  ${label.padEnd(35)}${value}\n`;
}

function formatHeader(f: ElfFile): string {
  const h = f.header;
  let s = "ELF Header:\n";
  s += `  Magic:   ${Array.from(h.ident, (b) => `${hx(b, 2)} `).join("")}\n`;
  s += line("Class:", h.elfClass === 64 ? "ELF64" : "ELF32");
  s += line("Data:", h.littleEndian ? "2's complement, little endian" : "2's complement, big endian");
  s += line("Version:", `${h.identVersion}${h.identVersion === 1 ? " (current)" : h.identVersion !== 0 ? " <unknown>" : ""}`);
  s += line("OS/ABI:", osabiName(h.osabi, h.machine));
  s += line("ABI Version:", String(h.abiVersion));
  s += line("Type:", fileTypeName(h.type));
  s += line("Machine:", machineName(h.machine));
  s += line("Version:", `0x${hx(h.version)}`);
  s += line("Entry point address:", `0x${hx(h.entry)}`);
  s += line("Start of program headers:", `${h.phoff} (bytes into file)`);
  s += line("Start of section headers:", `${h.shoff} (bytes into file)`);
  s += line("Flags:", `0x${hx(h.flags)}${machineFlagsText(h.machine, h.flags)}`);
  s += line("Size of this header:", `${h.ehsize} (bytes)`);
  s += line("Size of program headers:", `${h.phentsize} (bytes)`);
  const zero = f.sections[0];
  s += line("Number of program headers:", `${h.phnum}${h.phnum === PN_XNUM && zero && zero.info !== 0 ? ` (${zero.info})` : ""}`);
  s += line("Size of section headers:", `${h.shentsize} (bytes)`);
  s += line("Number of section headers:", `${h.shnum}${h.shnum === 0 && zero ? ` (${zero.size})` : ""}`);
  let strndx = `${h.shstrndx}`;
  if (h.shstrndx === SHN_XINDEX && zero) strndx += ` (${zero.link})`;
  const effective = h.shstrndx === SHN_XINDEX && zero ? zero.link : h.shstrndx;
  if (effective !== 0 && effective >= f.sections.length && f.sections.length > 0) strndx += " <corrupt: out of range>";
  s += line("Section header string table index:", strndx);
  return s;
}

function formatSections(f: ElfFile, afterHeader: boolean): string {
  const h = f.header;
  if (f.sections.length === 0) return "\nThere are no sections in this file.\n";
  let s = "";
  if (!afterHeader) {
    const n = f.sections.length;
    s += `There ${n === 1 ? "is" : "are"} ${n} section header${n === 1 ? "" : "s"}, starting at offset 0x${hx(h.shoff)}:\n`;
  }
  s += `\nSection Header${f.sections.length === 1 ? "" : "s"}:\n`;
  s += is64(f)
    ? "  [Nr] Name              Type            Address          Off    Size   ES Flg Lk Inf Al\n"
    : "  [Nr] Name              Type            Addr     Off    Size   ES Flg Lk Inf Al\n";
  const rows: string[] = [];
  for (const sec of f.sections) {
    rows.push(
      `  [${String(sec.index).padStart(2)}] ${sectionName(f, sec).padEnd(17)} ${sectionTypeName(sec.type, h.machine, h.osabi).padEnd(15)} ` +
        `${vma(f, sec.addr)} ${hx(sec.offset, 6)} ${hx(sec.size, 6)} ${hx(shownEntsize(f, sec), 2)} ` +
        `${sectionFlagLetters(sec.flags, h.machine, h.osabi).padStart(3)} ${String(sec.link).padStart(2)} ${String(sec.info).padStart(3)} ${String(sec.addralign).padStart(2)}\n`,
    );
  }
  return s + rows.join("") + flagKey(h.machine, h.osabi);
}

/** readelf fills in the entry size of an SHT_RELR section that leaves it 0 (one address word). */
function shownEntsize(f: ElfFile, sec: ElfSection): bigint {
  return sec.type === SHT_RELR && sec.entsize === 0n ? (is64(f) ? 8n : 4n) : sec.entsize;
}

function symbolTableFor(f: ElfFile, sectionIndex: number): SymbolTable | null {
  return f.symbolTables.find((t) => t.sectionIndex === sectionIndex) ?? null;
}

/**
 * The section that names symbol `i` of `t`, or -1 when its name is its own. An STT_SECTION symbol
 * has no name of its own (st_name 0): readelf 2.40 prints the name of the section it stands for,
 * in `-s`'s Name column and in `-r`'s Symbol's Name, when its st_shndx is a section of the file.
 * The one rule for that: readelf's text here, the CLI's `inspect`, and every view of the page.
 */
export function symbolNamingSection(f: ElfFile, t: SymbolTable, i: number): number {
  return stType(t.info[i]) === STT_SECTION && t.nameOffset[i] === 0 && t.shndx[i] < f.sections.length ? t.shndx[i] : -1;
}

/**
 * Symbol `i`'s name as the CLI's `inspect` and the page show it: its section's name when
 * symbolNamingSection() says a section names it, else its own; spelt by printable().
 */
export function symbolDisplayName(f: ElfFile, t: SymbolTable, i: number): string {
  const named = symbolNamingSection(f, t, i);
  return printable(named >= 0 ? f.sections[named].name : t.name[i]);
}

/** Name of symbol `i` as readelf prints it in a relocation (section name for SECTION symbols). */
function relocSymbolName(f: ElfFile, t: SymbolTable, i: number): string {
  const named = symbolNamingSection(f, t, i);
  if (named >= 0) return sectionName(f, f.sections[named]);
  if (t.nameOffset[i] === 0) {
    if (stType(t.info[i]) !== STT_SECTION) return "<null>";
    const shndx = t.shndx[i];
    if (shndx === SHN_ABS) return "ABS";
    if (shndx === SHN_COMMON) return "COMMON";
    if (f.header.machine === 62 && shndx === 0xff02) return "LARGE_COMMON";
    return `<section 0x${hx(shndx)}>`;
  }
  if (t.stringTableIndex < 0) return `<string table index: ${String(t.nameOffset[i]).padStart(3)}>`;
  if (!t.nameValid[i]) return `<corrupt string table index: ${String(t.nameOffset[i]).padStart(3)}>`;
  return printable(t.name[i]);
}

function formatRelocations(f: ElfFile): string {
  let s = "";
  let found = false;
  const bySection = new Map(f.relocationTables.map((r) => [r.sectionIndex, r]));
  for (const sec of f.sections) {
    if (sec.type !== SHT_REL && sec.type !== SHT_RELA) continue;
    if (sec.size === 0n) continue;
    found = true;
    const t = bySection.get(sec.index);
    if (!t) continue;
    s += formatRelocationTable(f, sec, t);
  }
  if (!found) s += "\nThere are no relocations in this file.\n";
  return s;
}

function formatRelocationTable(f: ElfFile, sec: ElfSection, t: RelocationTable): string {
  const wide = is64(f);
  const n = t.count;
  let s = `\nRelocation section '${sectionName(f, sec)}' at offset ${sec.offset === 0n ? "0" : `0x${hx(sec.offset)}`} contains ${n} entr${n === 1 ? "y" : "ies"}:\n`;
  if (wide) {
    s += `    Offset             Info             Type               Symbol's Value  Symbol's Name${t.isRela ? " + Addend" : ""}\n`;
  } else {
    s += ` Offset     Info    Type                Sym. Value  Symbol's Name${t.isRela ? " + Addend" : ""}\n`;
  }
  const symbols = t.symbolTableSection >= 0 ? symbolTableFor(f, t.symbolTableSection) : null;
  const machine = f.header.machine;
  const rows: string[] = new Array(n);
  // Large objects repeat the same few symbols and types: format each once.
  const symbolText = new Map<number, string>();
  const typeText = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    const type = relocType(t, i);
    const sym = relocSymbol(t, i);
    const info = wide ? hx(sym, 8) + hx(type, 8) : hx(((sym << 8) | type) >>> 0, 8);
    let row = `${vma(f, relocOffset(t, i))}  ${info} `;
    let typeName = typeText.get(type);
    if (typeName === undefined) {
      const name = relocationTypeName(machine, type);
      typeName = name === null ? `unrecognized: ${hx(type).padEnd(7)}` : name.padEnd(22);
      typeText.set(type, typeName);
    }
    row += typeName;
    const addend = relocAddend(t, i);
    if (sym !== 0) {
      if (symbols && sym < symbols.count) {
        let text = symbolText.get(sym);
        if (text === undefined) {
          text = ` ${vma(f, symbols.value[sym])}${wide ? " " : "   "}${relocSymbolName(f, symbols, sym)}`;
          symbolText.set(sym, text);
        }
        row += text;
        if (t.isRela) row += addend < 0n ? ` - ${hx(-addend)}` : ` + ${hx(addend)}`;
      }
    } else if (t.isRela) {
      row += " ".repeat(wide ? 20 : 12) + (addend < 0n ? `-${hx(-addend)}` : hx(addend));
    }
    rows[i] = row + "\n";
  }
  return s + rows.join("");
}

function formatSymbols(f: ElfFile): string {
  let s = "";
  const h = f.header;
  for (const sec of f.sections) {
    if (sec.type !== SHT_SYMTAB && sec.type !== SHT_DYNSYM) continue;
    const t = symbolTableFor(f, sec.index);
    if (!t || t.count === 0) continue;
    const n = t.count;
    s += `\nSymbol table '${sectionName(f, sec)}' contains ${n} entr${n === 1 ? "y" : "ies"}:\n`;
    s += is64(f) ? "   Num:    Value          Size Type    Bind   Vis      Ndx Name\n" : "   Num:    Value  Size Type    Bind   Vis      Ndx Name\n";
    const rows: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const info = t.info[i];
      const other = t.other[i];
      const size = t.size[i];
      let row = `${String(i).padStart(6)}: ${vma(f, t.value[i])} ${size <= 99999n ? String(size).padStart(5) : `0x${hx(size)}`}`;
      row += ` ${symbolTypeName(stType(info), h.machine, h.osabi).padEnd(7)} ${symbolBindName(stBind(info), h.osabi).padEnd(6)}`;
      if (h.osabi === 6) {
        row += ` ${solarisVisibilityName(other).padEnd(7)}`;
      } else {
        row += ` ${symbolVisibilityName(other).padEnd(7)}`;
        const extra = symbolOtherName(other, h.machine);
        if (extra !== null) row += ` [${extra}] `;
      }
      row += ` ${sectionIndexName(t.shndx[i], h.machine, f.sections.length).padStart(4)} ${symbolName(f, t, i)}\n`;
      rows[i] = row;
    }
    s += rows.join("");
  }
  return s;
}

/** Name column of `readelf -s`: section symbols without a name show their section's name. */
function symbolName(f: ElfFile, t: SymbolTable, i: number): string {
  const named = symbolNamingSection(f, t, i);
  if (named >= 0) return sectionName(f, f.sections[named]);
  if (t.stringTableIndex < 0 || !t.nameValid[i]) return "<corrupt>";
  return printable(t.name[i]);
}

function formatNotes(f: ElfFile): string {
  let s = "";
  const bySection = new Map<number, ElfNote[]>();
  for (const note of f.notes) {
    const list = bySection.get(note.sectionIndex);
    if (list) list.push(note);
    else bySection.set(note.sectionIndex, [note]);
  }
  for (const sec of f.sections) {
    if (sec.type !== SHT_NOTE || sec.dataSize === 0) continue;
    s += `\nDisplaying notes found in: ${sectionName(f, sec)}\n`;
    s += "  Owner                Data size \tDescription\n";
    for (const note of bySection.get(sec.index) ?? []) s += formatNote(f, note);
  }
  return s;
}
