// `.livepatch.funcs` (or `.xsplice.funcs`): layout detection and symbolic decoding (xen/include/public/sysctl.h: struct livepatch_func; xen/common/livepatch.c: prepare_payload()).
import { SHF_EXECINSTR, SHT_NOBITS, STT_FUNC, type ElfSection } from "../elf/index.ts";
import { hexNum } from "./bytes.ts";
import type { Context } from "./context.ts";
import { decodeExpectation } from "./expectation.ts";
import { FUNC_LAYOUTS, funcLayout, type FuncLayoutId, type StructLayout } from "./layouts.ts";
import { fieldSource, readPointer, reportUnusedRelocs, type FieldSource } from "./pointers.ts";
import { sectionRelocs } from "./relocs.ts";
import { spellName } from "./label.ts";
import { stringAt } from "./strings.ts";
import type { LivepatchFunc, PointerField } from "./types.ts";

export interface FuncsResult {
  layout: FuncLayoutId | null;
  section: ElfSection | null;
  funcs: LivepatchFunc[];
}

/** The funcs section Xen would read, preferring the livepatch name over the xSplice one. */
export function findFuncsSection(ctx: Context): { section: ElfSection; xsplice: boolean } | null {
  const lp = ctx.section(".livepatch.funcs");
  const xs = ctx.section(".xsplice.funcs");
  if (lp && xs)
    ctx.diagnostics.push({
      severity: "warning",
      code: "LP_XSPLICE_IGNORED",
      offset: xs.header.offset,
      message: ".xsplice.funcs is ignored because .livepatch.funcs is present",
      section: xs.index,
    });
  if (lp) return { section: lp, xsplice: false };
  if (xs) return { section: xs, xsplice: true };
  return null;
}

function chooseLayout(ctx: Context, section: ElfSection, data: Uint8Array, xsplice: boolean): FuncLayoutId {
  const ptr = ctx.pointerSize;
  const v1 = funcLayout("v1", ptr).size;
  const v2 = funcLayout("v2", ptr).size;
  const versionAt = funcLayout("v1", ptr).field("version").offset;
  const at = section.dataOffset;
  if (xsplice) {
    ctx.diagnostics.push({ severity: "info", code: "LP_XSPLICE_LAYOUT", offset: section.header.offset, message: ".xsplice.funcs: only the Xen 4.7 release candidates read this section" });
    return "xsplice";
  }
  const version = data.length > versionAt ? data[versionAt] : -1;
  let id: FuncLayoutId;
  if (version === 2) id = "v2";
  else if (version === 1) id = "v1";
  else {
    id = data.length % v2 === 0 || data.length % v1 !== 0 ? "v2" : "v1";
    if (version >= 0)
      ctx.diagnostics.push({
        severity: "error",
        code: "LP_FUNC_UNKNOWN_VERSION",
        offset: at + versionAt,
        message: `.livepatch.funcs[0] has version ${version}; known versions are 1 (${v1}-byte records) and 2 (${v2}-byte records); decoding as version ${id === "v2" ? 2 : 1}`,
      });
  }
  const size = id === "v2" ? v2 : v1;
  const other = id === "v2" ? v1 : v2;
  if (data.length % size !== 0 && data.length % other === 0)
    ctx.diagnostics.push({
      severity: "warning",
      code: "LP_FUNC_SIZE_VERSION_MISMATCH",
      offset: section.header.offset,
      message: `.livepatch.funcs is ${data.length} bytes, a multiple of ${other} (the other layout) but not of ${size}, which version ${version} implies`,
    });
  return id;
}

/**
 * What a name that is not a C string costs, said the same way by the inspector and the audit
 * (func-name-not-string): Xen reads a record's name only to look it up when old_addr is NULL
 * (prepare_payload() → resolve_old_address()), and otherwise only prints it with %s
 * (livepatch_printall(), `xl debug-keys x`, and a failed expectation's message), up to the first NUL
 * in its memory. So it is an error when old_addr is NULL and a warning when old_addr is set.
 */
export function nameNotStringCost(oldAddrNull: boolean): { severity: "error" | "warning"; why: string } {
  return oldAddrNull
    ? { severity: "error", why: "old_addr is NULL, so Xen looks this name up (resolve_old_address()), reading it up to the first NUL in its memory; no symbol is named so, and UPLOAD fails (-ENOENT) unless that read first runs into unmapped memory" }
    : { severity: "warning", why: "Xen accepts it: old_addr is set, so it never looks the name up; it only prints it (xl debug-keys x, a failed expectation's message) with %s, up to the first NUL in its memory" };
}

/** How many bytes of a name that is not a C string a message quotes. */
const QUOTED = 64;

/** The NUL-terminated string a name pointer designates, bounds-checked; null with a diagnostic otherwise. */
function readName(ctx: Context, field: PointerField, where: string, oldAddrNull: boolean): string | null {
  const t = field.target;
  if (t.kind !== "symbol") return null;
  const at = field.reloc?.recordOffset ?? field.offset;
  const found = stringAt(ctx, t);
  const cost = nameNotStringCost(oldAddrNull);
  if (!found.ok) {
    if (found.external) ctx.diagnostics.push({ severity: "warning", code: "LP_NAME_EXTERNAL", offset: at, message: `${where}: name ${found.why}` });
    else {
      // The bytes the file holds there (to the section's end), as every view spells a name.
      const s = t.sectionIndex !== undefined ? ctx.elf.sections[t.sectionIndex] : undefined;
      const data = s ? ctx.data(s) : new Uint8Array(0);
      const from = t.sectionOffset !== undefined && t.sectionOffset >= 0n && t.sectionOffset < BigInt(data.length) ? Number(t.sectionOffset) : null;
      const held = from === null ? null : data.subarray(from, Math.min(data.length, from + QUOTED));
      const quoted = held && held.length > 0 ? ` ("${spellName(held)}"${data.length - (from ?? 0) > QUOTED ? "…" : ""})` : "";
      const what = found.why.startsWith("the string") ? `${found.why}${quoted}` : `name ${found.why}`;
      ctx.diagnostics.push({ severity: cost.severity, code: "LP_NAME_NOT_STRING", offset: at, message: `${where}: ${what}; ${cost.why}` });
    }
    return null;
  }
  const { section, bytes, start } = found;
  if (bytes.some((b) => b < 0x20 || b >= 0x7f)) {
    ctx.diagnostics.push({ severity: cost.severity, code: "LP_NAME_NOT_STRING", offset: at, message: `${where}: name points at ${section.name}+${hexNum(start)}, which holds "${spellName(bytes.subarray(0, QUOTED))}"${bytes.length > QUOTED ? "…" : ""}: bytes that are not printable ASCII, not a symbol name; ${cost.why}` });
    return null;
  }
  if ((section.flags & BigInt(SHF_EXECINSTR)) !== 0n)
    ctx.diagnostics.push({ severity: "warning", code: "LP_NAME_IN_CODE", offset: at, message: `${where}: name points into executable section ${section.name}` });
  if (found.text === "") ctx.diagnostics.push({ severity: "warning", code: "LP_NAME_EMPTY", offset: at, message: `${where}: name is the empty string` });
  return found.text;
}

function decodeOne(ctx: Context, src: FieldSource, layout: StructLayout, id: FuncLayoutId, index: number): LivepatchFunc {
  const base = index * layout.size;
  const where = `${id === "xsplice" ? ".xsplice.funcs" : ".livepatch.funcs"}[${index}]`;
  const f = (n: string) => base + layout.field(n).offset;
  const nameField = readPointer(ctx, src, f("name"), `${where}.name`);
  const newAddr = readPointer(ctx, src, f("new_addr"), `${where}.new_addr`);
  const oldAddr = readPointer(ctx, src, f("old_addr"), `${where}.old_addr`);
  const name = { ...nameField, text: readName(ctx, nameField, `${where}.name`, oldAddr.target.kind === "null") };
  const v2 = id === "v2";
  return {
    index,
    offset: src.fileOffset + base,
    size: layout.size,
    name,
    newAddr,
    oldAddr,
    newSize: src.data.u32(f("new_size")),
    oldSize: src.data.u32(f("old_size")),
    version: src.data.u8(f("version")),
    expect: v2 ? decodeExpectation(src.data.slice(f("expect"), 32)) : null,
    appliedByte: v2 ? src.data.u8(f("applied")) : null,
  };
}

export function decodeFuncs(ctx: Context): FuncsResult {
  const found = findFuncsSection(ctx);
  if (!found) return { layout: null, section: null, funcs: [] };
  const { section, xsplice } = found;
  const data = ctx.data(section);
  const at = section.dataOffset;
  if (section.type !== SHT_NOBITS && section.size > 0n && data.length === 0) {
    // The reader said why (SECTION_DATA_PAST_END); here, what it costs: no record can be read.
    ctx.diagnostics.push({ severity: "error", code: "LP_FUNCS_PAST_END", offset: section.header.offset, message: `${section.name}'s ${section.size} bytes (sh_size 0x${section.size.toString(16)}) at offset 0x${section.offset.toString(16)} run past the end of the file: no record can be read`, section: section.index });
    return { layout: null, section, funcs: [] };
  }
  if (section.type === SHT_NOBITS || data.length === 0) {
    ctx.diagnostics.push({ severity: "error", code: "LP_FUNCS_EMPTY", offset: section.header.offset, message: `${section.name} is empty`, section: section.index });
    return { layout: null, section, funcs: [] };
  }
  const id = chooseLayout(ctx, section, data, xsplice);
  const layout = funcLayout(id, ctx.pointerSize);
  if (data.length % layout.size !== 0)
    ctx.diagnostics.push({
      severity: "error",
      code: "LP_FUNCS_SIZE",
      offset: at + data.length - (data.length % layout.size),
      message: `${section.name} is ${data.length} bytes, not a multiple of the ${layout.size}-byte ${FUNC_LAYOUTS[id].description}; the last ${data.length % layout.size} bytes are no record`,
      section: section.index,
    });
  if (section.entsize !== 0n && section.entsize !== BigInt(layout.size))
    ctx.diagnostics.push({
      severity: "warning",
      code: "LP_FUNCS_ENTSIZE",
      offset: section.header.offset,
      message: `${section.name} has sh_entsize ${section.entsize}, but its records are ${layout.size} bytes`,
      section: section.index,
    });
  const src = fieldSource(ctx, section.index, data, at, sectionRelocs(ctx, section.index, section.name, data));
  const funcs: LivepatchFunc[] = [];
  const count = Math.floor(data.length / layout.size);
  for (let i = 0; i < count; i++) funcs.push(decodeOne(ctx, src, layout, id, i));
  reportUnusedRelocs(ctx, src, section.name);
  for (const fn of funcs) checkFuncFields(ctx, fn, FUNC_LAYOUTS[id].version, section.name);
  return { layout: id, section, funcs };
}

/** Checks that need nothing but the record itself. */
function checkFuncFields(ctx: Context, fn: LivepatchFunc, expected: number, sectionName: string): void {
  const where = `${sectionName}[${fn.index}]`;
  const versionAt = fn.offset + funcLayout("v1", ctx.pointerSize).field("version").offset;
  if (fn.version !== expected)
    ctx.diagnostics.push({
      severity: "error",
      code: "LP_FUNC_VERSION",
      offset: versionAt,
      message: `${where}: version ${fn.version} does not match the layout's ${expected}`,
    });
  if (fn.oldSize === 0)
    ctx.diagnostics.push({ severity: "error", code: "LP_FUNC_OLD_SIZE_ZERO", offset: fn.offset + funcLayout("v1", ctx.pointerSize).field("old_size").offset, message: `${where}: old_size is 0` });
  if (fn.oldAddr.target.kind === "null" && fn.name.target.kind === "null")
    ctx.diagnostics.push({ severity: "error", code: "LP_FUNC_NO_TARGET", offset: fn.offset, message: `${where}: old_addr and name are both 0, so Xen cannot find the function to patch` });
  else if (fn.oldAddr.target.kind === "null")
    ctx.diagnostics.push({ severity: "info", code: "LP_FUNC_OLD_BY_NAME", offset: fn.oldAddr.offset, message: `${where}: old_addr is 0; Xen looks up ${JSON.stringify(fn.name.text ?? "?")} at upload` });
  else if (fn.oldAddr.target.kind === "symbol" && fn.oldAddr.target.defined)
    ctx.diagnostics.push({ severity: "warning", code: "LP_FUNC_OLD_IN_PAYLOAD", offset: fn.oldAddr.reloc?.recordOffset ?? fn.oldAddr.offset, message: `${where}: old_addr points into this payload (${fn.oldAddr.target.symbol})` });
  const n = fn.newAddr.target;
  if (n.kind === "symbol" && n.defined && n.symbolType !== STT_FUNC)
    ctx.diagnostics.push({ severity: "warning", code: "LP_NEW_ADDR_NOT_FUNC", offset: fn.newAddr.reloc?.recordOffset ?? fn.newAddr.offset, message: `${where}: new_addr points at ${n.symbol}+${hexNum(n.addend)}, not at a function symbol` });
  if (n.kind === "symbol" && !n.defined)
    ctx.diagnostics.push({ severity: "warning", code: "LP_NEW_ADDR_EXTERNAL", offset: fn.newAddr.reloc?.recordOffset ?? fn.newAddr.offset, message: `${where}: new_addr points at ${n.symbol}, outside this payload` });
  if (n.kind === "absolute")
    ctx.diagnostics.push({ severity: "warning", code: "LP_NEW_ADDR_ABSOLUTE", offset: fn.newAddr.offset, message: `${where}: new_addr is the absolute value ${hexNum(n.value)} with no relocation` });
  if (n.kind === "symbol" && n.defined && n.symbolType === STT_FUNC && n.addend === 0n && n.symbolSize !== undefined && n.symbolSize !== BigInt(fn.newSize))
    ctx.diagnostics.push({ severity: "info", code: "LP_NEW_SIZE_DIFFERS", offset: fn.offset, message: `${where}: new_size ${fn.newSize} differs from ${n.symbol}'s symbol size ${n.symbolSize}` });
  if (fn.appliedByte)
    ctx.diagnostics.push({ severity: "warning", code: "LP_FUNC_APPLIED_BYTE", offset: fn.offset + funcLayout("v2", ctx.pointerSize).field("applied").offset, message: `${where}: the 'applied' byte is ${fn.appliedByte}; Xen 4.14–4.18.0 would skip this function as already applied` });
  const e = fn.expect;
  if (e) {
    const expectAt = fn.offset + (ctx.pointerSize === 8 ? 72 : 60);
    if (e.rsv !== 0) ctx.diagnostics.push({ severity: "error", code: "LP_EXPECT_RSV", offset: expectAt, message: `${where}: expectation rsv bits are ${e.rsv}; APPLY fails with −EINVAL` });
    if (e.enabled && e.len > fn.oldSize) ctx.diagnostics.push({ severity: "error", code: "LP_EXPECT_LEN", offset: expectAt, message: `${where}: expectation length ${e.len} exceeds old_size ${fn.oldSize}; APPLY fails with −ERANGE` });
  }
}
