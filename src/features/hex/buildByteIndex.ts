// Turns a parsed file's byte ranges into the interval index the hex view queries. Tables become
// one strided interval each; labels are computed only when a byte is looked at. A 12k-section
// file means tens of thousands of intervals, so the page builds the index in slices after the
// first paint (`byteIndexLater`).
import { printable, relocOffset, symbolDisplayName, SHT_DYNSYM, SHT_NOBITS, SHT_NOTE, SHT_REL, SHT_RELA, SHT_STRTAB, SHT_SYMTAB } from "../../elf/index.ts";
import type { ParsedFile } from "../../state/parsedFile.ts";
import { hex } from "../format.ts";
import { IntervalIndex, type Interval } from "./intervalIndex.ts";
import { drain, runSliced } from "../../protocol/wire.ts";
import { nextTask } from "../../services/nextTask.ts";
import { relocText } from "../inspector/symbolize.ts";
import { funcLabel } from "../../livepatch/label.ts";

const SHF_EXECINSTR = 0x4n;

function sectionKind(type: number, flags: bigint): string {
  if (type === SHT_REL || type === SHT_RELA) return "rel";
  if (type === SHT_SYMTAB || type === SHT_DYNSYM) return "sym";
  if (type === SHT_STRTAB) return "str";
  if (type === SHT_NOTE) return "note";
  if (flags & SHF_EXECINSTR) return "code";
  return "data";
}

const one = (start: number, size: number, level: number, kind: string, label: string, target: Interval["target"]): Interval => ({
  start,
  stride: size,
  count: 1,
  level,
  kind,
  label: () => label,
  target,
});

const cache = new WeakMap<ParsedFile, IntervalIndex>();
const building = new WeakMap<ParsedFile, Promise<IntervalIndex>>();

export function byteIndexOf(parsed: ParsedFile): IntervalIndex {
  let index = cache.get(parsed);
  if (!index) cache.set(parsed, (index = IntervalIndex.of(intervalsOf(parsed))));
  return index;
}

/** The index if it is built already, else null. */
export function byteIndexIfReady(parsed: ParsedFile): IntervalIndex | null {
  return cache.get(parsed) ?? null;
}

/** Builds the index in slices between macrotasks (once per file), so no task holds the page long. */
export function byteIndexLater(parsed: ParsedFile): Promise<IntervalIndex> {
  const hit = cache.get(parsed);
  if (hit) return Promise.resolve(hit);
  let p = building.get(parsed);
  if (!p) {
    p = runSliced(indexIn(parsed), nextTask).then((index) => {
      cache.set(parsed, index!);
      return index!;
    });
    building.set(parsed, p);
  }
  return p;
}

function* indexIn(parsed: ParsedFile): Generator<void, IntervalIndex> {
  const list = yield* intervalsIn(parsed);
  yield;
  return yield* IntervalIndex.build(list);
}

export function intervalsOf(parsed: ParsedFile): Interval[] {
  return drain(intervalsIn(parsed));
}

/** Yields every so many items so a caller can spread the work over several tasks. */
const STEP = 2000;

function* intervalsIn(parsed: ParsedFile): Generator<void, Interval[]> {
  const { elf, livepatch: lp } = parsed;
  const machine = elf.header.machine;
  const out: Interval[] = [one(elf.header.range.offset, elf.header.range.size, 0, "ehdr", "ELF file header", () => ({ view: "overview" }))];
  const secName = (i: number) => printable(elf.sections[i]?.name ?? "") || `[${i}]`;

  if (elf.sections.length > 0) {
    const first = elf.sections[0].header;
    out.push({
      start: first.offset,
      stride: first.size,
      count: elf.sections.length,
      level: 0,
      kind: "shdr",
      label: (i) => `section header [${i}] ${secName(i)}`,
      target: (i) => ({ view: "sections", section: i }),
    });
  }
  if (elf.segments.length > 0) {
    const first = elf.segments[0].header;
    out.push({ start: first.offset, stride: first.size, count: elf.segments.length, level: 0, kind: "phdr", label: (i) => `program header [${i}]`, target: () => ({ view: "sections", section: 0 }) });
  }
  for (const s of elf.sections) {
    if (s.index % STEP === STEP - 1) yield;
    if (s.dataSize <= 0 || s.type === SHT_NOBITS) continue;
    const i = s.index;
    out.push({
      start: s.dataOffset,
      stride: s.dataSize,
      count: 1,
      level: 0,
      kind: sectionKind(s.type, s.flags),
      label: () => `section [${i}] ${secName(i)}`,
      target: () => ({ view: "sections", section: i }),
    });
  }
  elf.symbolTables.forEach((t, ti) => {
    out.push({
      start: t.recordOffset,
      stride: t.entsize,
      count: t.count,
      level: 1,
      kind: "sym",
      label: (i) => `symbol ${i} in ${secName(t.sectionIndex)}: ${symbolDisplayName(elf, t, i) || "(no name)"}`,
      target: (i) => ({ view: "symbols", table: ti, index: i }),
    });
  });
  yield;
  elf.relocationTables.forEach((r, ri) => {
    out.push({
      start: r.recordOffset,
      stride: r.entsize,
      count: r.count,
      level: 1,
      kind: "rel",
      label: (i) => {
        const t = relocText(elf, r, i);
        return `relocation ${i} in ${secName(r.sectionIndex)}: ${t.type} at ${hex(relocOffset(r, i))} → ${t.target}`;
      },
      target: (i) => ({ view: "relocations", table: ri, index: i }),
    });
  });
  elf.notes.forEach((n, ni) => out.push(one(n.record.offset, n.record.size, 1, "note", `note ${n.name} type ${n.type} in ${secName(n.sectionIndex)}`, () => ({ view: "notes", index: ni }))));
  if (lp) {
    yield;
    for (const f of lp.funcs) {
      if (f.index % STEP === STEP - 1) yield;
      const name = funcLabel(f);
      out.push(one(f.offset, f.size, 1, "func", `livepatch_func ${f.index}: ${name}`, () => ({ view: "functions", index: f.index })));
      for (const [field, p] of [["name", f.name], ["new_addr", f.newAddr], ["old_addr", f.oldAddr]] as const)
        out.push(one(p.offset, lp.pointerSize, 2, "field", `livepatch_func ${f.index} (${name}) .${field}`, () => ({ view: "functions", index: f.index })));
    }
    yield;
    for (const h of lp.hooks)
      h.entries.forEach((e, i) => out.push(one(e.offset, lp.pointerSize, 1, "func", `hook ${h.kind}[${i}]`, () => ({ view: "overview" }))));
    const tables: [typeof lp.alternatives | typeof lp.exTable | typeof lp.bugFrames | typeof lp.altCalls, "alt" | "ex" | "bug" | "altcall", string][] = [
      [lp.alternatives, "alt", "alternative"],
      [lp.exTable, "ex", "exception table entry"],
      [lp.bugFrames, "bug", "bug frame"],
      [lp.altCalls, "altcall", "alt_call site"],
    ];
    for (const [items, kind, what] of tables) {
      const size = kind === "alt" ? (machine === 62 ? 14 : 12) : kind === "altcall" ? 4 : 8;
      items.forEach((e, i) => out.push(one(e.offset, "size" in e ? e.size : size, 1, "func", `${what} ${i}`, () => ({ view: "tables", kind, index: i }))));
    }
  }
  return out;
}
