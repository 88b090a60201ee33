// `inspect` without --json: readable text, ELF first, then the livepatch view.
import { SHT_SYMTAB, describe, printable, stVisibility, type ElfFile, type SymbolTable } from "../elf/index.ts";
import { pointerJson, type PointerJson } from "../livepatch/json.ts";
import { xenKeys, type XenView } from "./xenView.ts";
import { UNRESOLVED, UNRESOLVED_NAME } from "../livepatch/label.ts";
import { escapeName, notPayload, type LivepatchModel, type PointerField, type PointerTarget } from "../livepatch/index.ts";
import { createView, memoByte, symbolBind, symbolType, type View } from "./inspectView.ts";
import { halvesOf, u64Text } from "./listingBytes.ts";
import type { StreamOut } from "./output.ts";
import { writeRelocationsText } from "./relocText.ts";
import { formatTable, type Column } from "./textTable.ts";

const hex = (v: bigint | number) => (v < 0 ? `-0x${(-BigInt(v)).toString(16)}` : `0x${v.toString(16)}`);
const pad = (s: string | number, w: number) => String(s).padEnd(w);
const lpad = (s: string | number, w: number) => String(s).padStart(w);

function target(t: PointerTarget): string {
  const p: PointerJson = pointerJson(t);
  if (p === null) return "0";
  if ("value" in p) return `${p.value} (absolute)`;
  if ("unresolved" in p) return UNRESOLVED;
  const addend = typeof p.addend === "number" ? (p.addend === 0 ? "" : p.addend > 0 ? `+${hex(p.addend)}` : hex(p.addend)) : `+${p.addend}`;
  return `${printable(p.symbol)}${addend}${t.kind === "symbol" && !t.defined ? " (undefined: resolved by the hypervisor)" : ""}`;
}

function provenance(f: PointerField): string {
  if (!f.reloc) return f.raw === 0n ? "no relocation, 0 in the file" : `no relocation, ${hex(f.raw)} in the file`;
  const r = f.reloc;
  const addend = r.addend === 0n ? "" : r.addend > 0n ? `+${hex(r.addend)}` : hex(r.addend);
  return `filled by ${r.typeName} against ${printable(r.symbol)}${addend} (${printable(r.section)}[${r.index}], record at ${hex(r.recordOffset)})`;
}

const SECTION_COLUMNS: Column[] = [
  { title: "[Nr]" },
  { title: "Name", min: 28 },
  { title: "Type", min: 14 },
  { title: "Flags", min: 5 },
  { title: "Offset", min: 10 },
  { title: "Size", min: 10 },
  { title: "Lk", min: 3 },
  { title: "Inf", min: 3 },
  { title: "Al" },
];

const SYMBOL_COLUMNS: Column[] = [
  { title: "Num:", right: true, min: 7 },
  { title: "Value", min: 18 },
  { title: "Size", right: true, min: 6 },
  { title: "Type", min: 7 },
  { title: "Bind", min: 6 },
  { title: "Vis", min: 9 },
  { title: "Ndx", right: true, min: 4 },
  { title: "Name" },
];

function sectionRows(elf: ElfFile, view: View): string[][] {
  const digits = String(Math.max(0, elf.sections.length - 1)).length;
  return elf.sections.map((s) => [
    `[${lpad(s.index, Math.max(2, digits))}]`,
    view.sectionName(s.index),
    describe.sectionTypeName(s.type, view.machine),
    view.sectionFlags(s.flags),
    hex(s.offset),
    hex(s.size),
    String(s.link),
    String(s.info),
    String(s.addralign),
  ]);
}

async function writeSymbols(out: StreamOut, view: View, symtab: SymbolTable): Promise<void> {
  const values = halvesOf(symtab.value);
  // st_info and st_other are bytes: their names are looked up once per value.
  const types = memoByte((info) => symbolType(view, info));
  const binds = memoByte((info) => symbolBind(view, info));
  const visibilities = memoByte((other) => describe.symbolVisibilityName(stVisibility(other)));
  const rows: string[][] = new Array(symtab.count);
  for (let i = 0; i < symtab.count; i++) {
    const info = symtab.info[i];
    rows[i] = [`${i}:`, u64Text(values, i), String(symtab.size[i]), types(info), binds(info), visibilities(symtab.other[i]), String(view.symbolSection(symtab.shndx[i])), view.symbolDisplay(symtab, i)];
  }
  out.w(`\nSymbols (.symtab, ${symtab.count}):\n`);
  const lines = formatTable(SYMBOL_COLUMNS, rows, { indent: "" });
  for (let i = 0; i < lines.length; i++) {
    out.w(lines[i]);
    if ((i & 1023) === 0) await out.maybeFlush();
  }
}

export async function writeText(out: StreamOut, fileName: string, elf: ElfFile, model: LivepatchModel | null, xen: XenView | null = null): Promise<void> {
  const view = createView(elf);
  const h = elf.header;
  out.w(`File: ${fileName} (${elf.bytes.length} bytes)\n`);
  out.w(`ELF${h.elfClass} ${h.littleEndian ? "little" : "big"} endian, ${describe.fileTypeName(h.type)}, ${describe.machineName(h.machine)}, flags ${hex(h.flags)}\n`);

  out.w(`\nSections (${elf.sections.length}):\n`);
  for (const line of formatTable(SECTION_COLUMNS, sectionRows(elf, view))) out.w(line);
  await out.maybeFlush();

  const symtab = elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB);
  if (symtab) await writeSymbols(out, view, symtab);
  else out.w("\nNo .symtab.\n");

  await writeRelocationsText(out, view, elf);

  if (elf.notes.length) {
    out.w("\nNotes:\n");
    const rows = elf.notes.map((note) => {
      const desc = elf.bytes.subarray(note.desc.offset, note.desc.offset + Math.min(note.desc.size, 64));
      return [view.sectionName(note.sectionIndex), printable(note.name), `${describe.noteTypeName(note.name, note.type)}: ${Array.from(desc, (b) => b.toString(16).padStart(2, "0")).join("")}`];
    });
    for (const line of formatTable(NOTE_COLUMNS, rows, { header: false })) out.w(line);
  }

  if (model) writeLivepatch(out, model, xen);
  else out.w(`\n${notPayload(elf).sentence}\n`);

  const diagnostics = [...elf.diagnostics, ...(model?.diagnostics ?? [])];
  if (diagnostics.length) {
    out.w(`\nDiagnostics (${diagnostics.length}):\n`);
    const rows = diagnostics.map((d) => [d.severity, d.code, "at", hex(d.offset), d.message]);
    for (const line of formatTable(DIAGNOSTIC_COLUMNS, rows, { header: false })) out.w(line);
  }
  await out.flush();
}

const NOTE_COLUMNS: Column[] = [{ title: "Section", min: 24 }, { title: "Owner", min: 6 }, { title: "Description" }];
const DIAGNOSTIC_COLUMNS: Column[] = [{ title: "Severity", min: 7 }, { title: "Code", min: 28 }, { title: "at" }, { title: "Offset", min: 8 }, { title: "Message" }];
const REGION_COLUMNS: Column[] = [{ title: "Region", min: 5 }, { title: "Address" }, { title: "Section", min: 28 }, { title: "Size" }];

function writeLivepatch(out: StreamOut, m: LivepatchModel, xen: XenView | null): void {
  out.w(`\nLivepatch payload (${m.arch ?? "unknown arch"}, layout ${m.layout ?? "none"}${m.funcsSection ? `${m.layout ? " in" : ": could not read"} ${m.funcsSection}` : ""}):\n`);
  out.w(`  build-id       ${m.buildId?.buildId ?? "(none)"}\n  depends        ${m.depends?.buildId ?? "(none)"}\n  xen_depends    ${m.xenDepends?.buildId ?? "(none)"}\n`);
  out.w(`  depends on     ${m.dependsOn === null ? "(unknown)" : m.dependsOn.kind === "xen" ? "Xen itself" : m.dependsOn.kind === "payload" ? `the payload with build-id ${m.dependsOn.buildId}` : "unknown (no .livepatch.xen_depends to compare with; pass --xen IMAGE)"}\n`);
  if (m.modinfo) out.w(`  modinfo        ${printable(m.modinfo.display)}\n`);
  const keys = xen ? xenKeys(m, xen) : null;
  if (keys && keys.safeToReapply !== null) out.w(`  safe to re-apply after revert: ${keys.safeToReapply ? "yes" : "no (writable data)"}; REPLACE possible: ${keys.replacePossible ? "yes" : "no (pre/post hooks)"}\n`);

  out.w(`\nFunctions (${m.funcs.length}):\n`);
  for (const fn of m.funcs) {
    out.w(`  [${fn.index}] ${fn.name.text !== null ? escapeName(fn.name.text) : fn.name.target.kind === "unresolved" ? `(${UNRESOLVED_NAME})` : "(no name)"}  version ${fn.version}, old_size ${fn.oldSize}, new_size ${fn.newSize}  (record at ${hex(fn.offset)})\n`);
    out.w(`      name     ${fn.name.text === null ? target(fn.name.target) : JSON.stringify(fn.name.text)}; ${provenance(fn.name)}\n`);
    out.w(`      new_addr ${fn.newAddr.target.kind === "null" ? "0 (NOP-out)" : target(fn.newAddr.target)}; ${provenance(fn.newAddr)}\n`);
    out.w(`      old_addr ${fn.oldAddr.target.kind === "null" ? "0 (Xen resolves the name)" : target(fn.oldAddr.target)}; ${provenance(fn.oldAddr)}\n`);
    if (fn.expect) out.w(`      expect   ${fn.expect.enabled ? `enabled, ${fn.expect.len} bytes: ${fn.expect.dataHex.slice(0, fn.expect.len * 2) || "(none)"}` : "disabled"}${fn.expect.rsv ? `, rsv ${fn.expect.rsv}` : ""}\n`);
  }

  if (m.hooks.length) {
    out.w("\nHooks:\n");
    for (const h of m.hooks) out.w(`  ${pad(h.kind, 11)} ${h.entries.map((e) => target(e.pointer.target)).join(", ") || "(empty)"}\n`);
  }

  const r = keys?.regions ?? null;
  if (!r) out.w(`\nRegions: not placed (${xen?.reason ?? "not simulated"})\n`);
  else {
    out.w(`\nRegions (${r.assumption}; ${r.pages} pages):\n`);
    for (const name of ["text", "rw", "ro"] as const) out.w(`  ${pad(name, 5)} ${r[name].address}  ${r[name].size} bytes\n`);
    const order = { text: 0, rw: 1, ro: 2 };
    const placed = [...r.sections].sort((a, b) => order[a.region] - order[b.region] || (BigInt(a.address) < BigInt(b.address) ? -1 : BigInt(a.address) > BigInt(b.address) ? 1 : 0));
    const rows = placed.map((s) => [s.region, `${s.address} `, printable(s.section), `${s.size} bytes`]);
    for (const line of formatTable(REGION_COLUMNS, rows, { indent: "    ", header: false })) out.w(line);
  }

  out.w("\nTrampolines:\n");
  for (const t of keys?.trampolines ?? []) {
    if (t.kind === null) {
      out.w(`  [${t.func}] ${t.description}\n`);
      continue;
    }
    const at = BigInt(t.oldAddr!) + BigInt(t.patchOffset!);
    out.w(`  [${t.func}] at 0x${at.toString(16)}: ${t.bytes ? t.bytes.match(/../g)!.join(" ") : "(nothing)"}\n      ${t.description}\n      ${t.assumed}\n`);
  }

  if (m.alternatives.length) {
    out.w(`\nAlternatives (${m.alternatives.length}):\n`);
    for (const a of m.alternatives) out.w(`  [${a.index}] ${target(a.orig.target)} (${a.origLen} bytes${a.padLen !== null ? ` + ${a.padLen} pad` : ""}) <- ${target(a.repl.target)} (${a.replLen} bytes), feature ${a.feature}\n`);
  }
  if (m.exTable.length) {
    out.w(`\nException table (${m.exTable.length}):\n`);
    for (const e of m.exTable) out.w(`  [${e.index}] fault at ${target(e.addr.target)} continues at ${target(e.cont.target)}\n`);
  }
  if (m.bugFrames.length) {
    out.w(`\nBug frames (${m.bugFrames.length}):\n`);
    for (const b of m.bugFrames) {
      const where = b.line === null ? "" : ` ${b.file !== null ? JSON.stringify(b.file) : "file ?"}:${b.line}`;
      const msg = b.msg ? `, msg ${target(b.msg.target)}${b.message !== null ? ` ${JSON.stringify(b.message)}` : ""}` : "";
      out.w(`  .bug_frames.${b.frameType}[${b.index}] loc ${target(b.loc.target)}, ptr ${target(b.ptr.target)}${where}${msg}\n`);
    }
  }
  if (m.altCalls.length) {
    out.w(`\nAlt-call sites (${m.altCalls.length}):\n`);
    for (const c of m.altCalls) out.w(`  [${c.index}] ${target(c.site.target)}\n`);
  }
  if (m.appendedSignature) out.w(`\nAppended signature: ${m.appendedSignature.signatureLength} bytes, id type ${m.appendedSignature.idType} (not verified by Xen)\n`);
  if (m.xenSignature) out.w(`\n.note.Xen.signature: version ${m.xenSignature.version}, algorithm ${m.xenSignature.algorithm}, hash ${m.xenSignature.hash}, ${m.xenSignature.signatureLength} bytes\n`);
}
