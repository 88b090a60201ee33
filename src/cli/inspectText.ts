// `inspect` without --json: readable text, ELF first, then the livepatch view.
import { SHT_SYMTAB, describe, stVisibility, type ElfFile } from "../elf/index.ts";
import { pointerJson, type PointerJson } from "../livepatch/json.ts";
import type { LivepatchModel, PointerField, PointerTarget } from "../livepatch/index.ts";
import { s64Hex, swords32, u64Hex, words32, type StreamOut } from "./output.ts";
import { createView, symbolBind, symbolType } from "./inspectView.ts";

const hex = (v: bigint | number) => (v < 0 ? `-0x${(-BigInt(v)).toString(16)}` : `0x${v.toString(16)}`);
const pad = (s: string | number, w: number) => String(s).padEnd(w);
const lpad = (s: string | number, w: number) => String(s).padStart(w);

function target(t: PointerTarget): string {
  const p: PointerJson = pointerJson(t);
  if (p === null) return "0";
  if ("value" in p) return `${p.value} (absolute)`;
  const addend = typeof p.addend === "number" ? (p.addend === 0 ? "" : p.addend > 0 ? `+${hex(p.addend)}` : hex(p.addend)) : `+${p.addend}`;
  return `${p.symbol}${addend}${t.kind === "symbol" && !t.defined ? " (undefined: resolved by the hypervisor)" : ""}`;
}

function provenance(f: PointerField): string {
  if (!f.reloc) return f.raw === 0n ? "no relocation, 0 in the file" : `no relocation, ${hex(f.raw)} in the file`;
  const r = f.reloc;
  const addend = r.addend === 0n ? "" : r.addend > 0n ? `+${hex(r.addend)}` : hex(r.addend);
  return `filled by ${r.typeName} against ${r.symbol}${addend} (${r.section}[${r.index}], record at ${hex(r.recordOffset)})`;
}

export async function writeText(out: StreamOut, fileName: string, elf: ElfFile, model: LivepatchModel | null): Promise<void> {
  const view = createView(elf);
  const h = elf.header;
  out.w(`File: ${fileName} (${elf.bytes.length} bytes)\n`);
  out.w(`ELF${h.elfClass} ${h.littleEndian ? "little" : "big"} endian, ${describe.fileTypeName(h.type)}, ${describe.machineName(h.machine)}, flags ${hex(h.flags)}\n`);

  out.w(`\nSections (${elf.sections.length}):\n  [Nr] ${pad("Name", 28)} ${pad("Type", 14)} ${pad("Flags", 5)} ${pad("Offset", 10)} ${pad("Size", 10)} Lk  Inf Al\n`);
  for (const s of elf.sections) {
    out.w(
      `  [${lpad(s.index, 2)}] ${pad(s.name, 28)} ${pad(describe.sectionTypeName(s.type, view.machine), 14)} ${pad(describe.sectionFlagLetters(s.flags, view.machine, view.osabi), 5)} ${pad(hex(s.offset), 10)} ${pad(hex(s.size), 10)} ${pad(s.link, 3)} ${pad(s.info, 3)} ${s.addralign}\n`,
    );
  }
  await out.maybeFlush();

  const symtab = elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB);
  if (symtab) {
    out.w(`\nSymbols (.symtab, ${symtab.count}):\n   Num: ${pad("Value", 18)} ${lpad("Size", 6)} ${pad("Type", 7)} ${pad("Bind", 6)} ${pad("Vis", 9)} ${lpad("Ndx", 4)} Name\n`);
    const values = words32(symtab.value);
    for (let i = 0; i < symtab.count; i++) {
      out.w(
        `${lpad(i, 6)}: ${pad(u64Hex(values, i, symtab.value), 18)} ${lpad(String(symtab.size[i]), 6)} ${pad(symbolType(view, symtab.info[i]), 7)} ${pad(symbolBind(view, symtab.info[i]), 6)} ${pad(describe.symbolVisibilityName(stVisibility(symtab.other[i])), 9)} ${lpad(view.symbolSection(symtab.shndx[i]), 4)} ${view.symbolDisplay(symtab, i)}\n`,
      );
      if ((i & 1023) === 0) await out.maybeFlush();
    }
  } else out.w("\nNo .symtab.\n");

  for (const t of elf.relocationTables) {
    const table = elf.symbolTables.find((s) => s.sectionIndex === t.symbolTableSection);
    out.w(`\nRelocations in ${view.sectionName(t.sectionIndex)} for ${view.sectionName(t.targetSection)} (${t.count}):\n`);
    const offsets = words32(t.offset);
    const addends = swords32(t.addend);
    for (let i = 0; i < t.count; i++) {
      const addend = t.isRela ? ` ${s64Hex(addends, i, t.addend).replace(/^0x/, "+ 0x").replace(/^-0x/, "- 0x")}` : "";
      out.w(`  ${pad(u64Hex(offsets, i, t.offset), 18)} ${pad(view.relocType(t.type[i]), 24)} ${view.symbolDisplay(table, t.symbolIndex[i])}${addend}\n`);
      if ((i & 4095) === 0) await out.maybeFlush();
    }
  }

  if (elf.notes.length) {
    out.w("\nNotes:\n");
    for (const note of elf.notes) {
      const desc = elf.bytes.subarray(note.desc.offset, note.desc.offset + Math.min(note.desc.size, 64));
      out.w(`  ${pad(view.sectionName(note.sectionIndex), 24)} ${pad(note.name, 6)} ${describe.noteTypeName(note.name, note.type)}: ${Array.from(desc, (b) => b.toString(16).padStart(2, "0")).join("")}\n`);
    }
  }

  if (model) writeLivepatch(out, model);
  else out.w("\nNot a livepatch payload (no .livepatch.* or .xsplice.* sections).\n");

  const diagnostics = [...elf.diagnostics, ...(model?.diagnostics ?? [])];
  if (diagnostics.length) {
    out.w(`\nDiagnostics (${diagnostics.length}):\n`);
    for (const d of diagnostics) out.w(`  ${pad(d.severity, 7)} ${pad(d.code, 28)} at ${pad(hex(d.offset), 8)} ${d.message}\n`);
  }
  await out.flush();
}

function writeLivepatch(out: StreamOut, m: LivepatchModel): void {
  out.w(`\nLivepatch payload (${m.arch ?? "unknown arch"}, layout ${m.layout ?? "none"}${m.funcsSection ? ` in ${m.funcsSection}` : ""}):\n`);
  out.w(`  build-id       ${m.buildId?.buildId ?? "(none)"}\n  depends        ${m.depends?.buildId ?? "(none)"}\n  xen_depends    ${m.xenDepends?.buildId ?? "(none)"}\n`);
  out.w(`  depends on     ${m.dependsOn === null ? "(unknown)" : m.dependsOn.kind === "xen" ? "Xen itself" : m.dependsOn.kind === "payload" ? `the payload with build-id ${m.dependsOn.buildId}` : "unknown (no .livepatch.xen_depends to compare with; pass --xen IMAGE)"}\n`);
  if (m.modinfo) out.w(`  modinfo        ${m.modinfo.display}\n`);
  out.w(`  safe to re-apply after revert: ${m.safeToReapply ? "yes" : "no (writable data)"}; REPLACE possible: ${m.replacePossible ? "yes" : "no (pre/post hooks)"}\n`);

  out.w(`\nFunctions (${m.funcs.length}):\n`);
  for (const fn of m.funcs) {
    out.w(`  [${fn.index}] ${fn.name.text ?? "(no name)"}  version ${fn.version}, old_size ${fn.oldSize}, new_size ${fn.newSize}  (record at ${hex(fn.offset)})\n`);
    out.w(`      name     ${fn.name.text === null ? target(fn.name.target) : JSON.stringify(fn.name.text)}; ${provenance(fn.name)}\n`);
    out.w(`      new_addr ${fn.newAddr.target.kind === "null" ? "0 (NOP-out)" : target(fn.newAddr.target)}; ${provenance(fn.newAddr)}\n`);
    out.w(`      old_addr ${fn.oldAddr.target.kind === "null" ? "0 (Xen resolves the name)" : target(fn.oldAddr.target)}; ${provenance(fn.oldAddr)}\n`);
    if (fn.expect) out.w(`      expect   ${fn.expect.enabled ? `enabled, ${fn.expect.len} bytes: ${fn.expect.dataHex.slice(0, fn.expect.len * 2) || "(none)"}` : "disabled"}${fn.expect.rsv ? `, rsv ${fn.expect.rsv}` : ""}\n`);
  }

  if (m.hooks.length) {
    out.w("\nHooks:\n");
    for (const h of m.hooks) out.w(`  ${pad(h.kind, 11)} ${h.entries.map((e) => target(e.pointer.target)).join(", ") || "(empty)"}\n`);
  }

  const r = m.regions;
  out.w(`\nRegions (${r.assumption}; ${r.pages} pages):\n`);
  for (const name of ["text", "rw", "ro"] as const) out.w(`  ${pad(name, 5)} ${hex(r[name].address)}  ${r[name].size} bytes\n`);
  const order = { text: 0, rw: 1, ro: 2 };
  const placed = [...r.sections].sort((a, b) => order[a.region] - order[b.region] || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (const s of placed) out.w(`    ${pad(s.region, 5)} ${hex(s.address)}  ${pad(s.name, 28)} ${s.size} bytes\n`);

  out.w("\nTrampolines:\n");
  for (const fn of m.funcs) {
    if (!fn.patch) {
      out.w(`  [${fn.index}] old address unknown without the target image\n`);
      continue;
    }
    const bytes = Array.from(fn.patch.bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
    out.w(`  [${fn.index}] at ${hex(fn.patch.oldAddr + BigInt(fn.patch.patchOffset))}: ${bytes || "(nothing)"}\n      ${fn.patch.description}\n      assumed: ${fn.patch.assumed}\n`);
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
    out.w(`\nBug frames (${m.bugFrames.length}; base words only):\n`);
    for (const b of m.bugFrames) out.w(`  .bug_frames.${b.frameType}[${b.index}] loc ${target(b.loc.target)}, ptr ${target(b.ptr.target)}\n`);
  }
  if (m.altCalls.length) {
    out.w(`\nAlt-call sites (${m.altCalls.length}):\n`);
    for (const c of m.altCalls) out.w(`  [${c.index}] ${target(c.site.target)}\n`);
  }
  if (m.appendedSignature) out.w(`\nAppended signature: ${m.appendedSignature.signatureLength} bytes, id type ${m.appendedSignature.idType} (not verified by Xen)\n`);
  if (m.xenSignature) out.w(`\n.note.Xen.signature: version ${m.xenSignature.version}, algorithm ${m.xenSignature.algorithm}, hash ${m.xenSignature.hash}, ${m.xenSignature.signatureLength} bytes\n`);
}
