// `inspect --json`: one JSON document, written incrementally (see README "inspect --json schema").
import { SHT_SYMTAB, describe, stVisibility, type ElfFile } from "../elf/index.ts";
import { livepatchJson } from "../livepatch/json.ts";
import type { LivepatchModel } from "../livepatch/index.ts";
import { halvesOf, u64Text } from "./listingBytes.ts";
import type { StreamOut } from "./output.ts";
import { writeRelocations } from "./relocJson.ts";
import { createView, memoByte, symbolBind, symbolType } from "./inspectView.ts";
import { xenKeys, type XenView } from "./xenView.ts";

const q = JSON.stringify;
const hex = (n: bigint | number) => `0x${n.toString(16)}`;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** A 64-bit field as JSON: a number when it fits in 2^53, else a hex string. */
const num = (v: bigint) => (v <= MAX_SAFE ? String(Number(v)) : `"${hex(v)}"`);
/** The same for entry `i` of a column given as halves, without a BigInt. */
const numAt = (halves: Uint32Array, i: number) => {
  const hi = halves[2 * i + 1];
  return hi < 0x200000 ? String(hi * 4294967296 + halves[2 * i]) : `"${u64Text(halves, i)}"`;
};

export async function writeJson(out: StreamOut, fileName: string, elf: ElfFile, model: LivepatchModel | null, xen: XenView | null = null): Promise<void> {
  const view = createView(elf);
  const h = elf.header;
  out.w(`{"file":${q(fileName)},"size":${elf.bytes.length},"header":${q({
    class: `ELF${h.elfClass}`,
    data: h.littleEndian ? "little" : "big",
    type: describe.fileTypeName(h.type),
    machine: describe.machineName(h.machine),
    osabi: h.osabi,
    flags: hex(h.flags),
    sectionCount: h.sectionCount,
  })}`);

  out.w(`,"sections":[`);
  elf.sections.forEach((s, i) => {
    out.w(
      `${i ? "," : ""}{"index":${s.index},"name":${q(s.name)},"type":${q(describe.sectionTypeName(s.type, view.machine))},"flags":${q(view.sectionFlags(s.flags))},"address":"${hex(s.addr)}","offset":${num(s.offset)},"size":${num(s.size)},"link":${s.link},"info":${s.info},"align":${num(s.addralign)},"entsize":${num(s.entsize)}}`,
    );
  });
  out.w("]");
  await out.maybeFlush();

  out.w(`,"symbols":[`);
  const symtab = elf.symbolTables.find((t) => t.sectionType === SHT_SYMTAB);
  if (symtab) {
    const values = halvesOf(symtab.value);
    const sizes = halvesOf(symtab.size);
    // st_info and st_other are bytes: their JSON text is made once per value.
    const typeBind = memoByte((info) => `"type":${q(symbolType(view, info))},"bind":${q(symbolBind(view, info))}`);
    const visibility = memoByte((other) => `"visibility":${q(describe.symbolVisibilityName(stVisibility(other)))}`);
    for (let i = 0; i < symtab.count; i++) {
      const sec = view.symbolSection(symtab.shndx[i]);
      out.w(
        `${i ? "," : ""}{"index":${i},"name":${q(view.symbolDisplay(symtab, i))},"value":"${u64Text(values, i)}","size":${numAt(sizes, i)},${typeBind(symtab.info[i])},${visibility(symtab.other[i])},"section":${typeof sec === "number" ? sec : q(sec)}}`,
      );
      if ((i & 1023) === 0) await out.maybeFlush();
    }
  }
  out.w("]");

  out.w(",");
  await writeRelocations(out, view, elf);

  out.w(`,"notes":[`);
  elf.notes.forEach((note, i) => {
    const desc = elf.bytes.subarray(note.desc.offset, note.desc.offset + note.desc.size);
    out.w(`${i ? "," : ""}${q({ section: view.sectionName(note.sectionIndex), owner: note.name, type: note.type, typeName: describe.noteTypeName(note.name, note.type), desc: Array.from(desc.subarray(0, 4096), (b) => b.toString(16).padStart(2, "0")).join("") })}`);
  });
  out.w("]");

  out.w(`,"livepatch":${model ? q({ ...livepatchJson(model), ...(xen ? xenKeys(model, xen) : {}) }) : "null"}`);
  const diagnostics = [...elf.diagnostics, ...(model?.diagnostics ?? [])];
  out.w(`,"diagnostics":[${diagnostics.map((d) => q({ severity: d.severity, code: d.code, offset: d.offset, message: d.message })).join(",")}]}\n`);
  await out.flush();
}
