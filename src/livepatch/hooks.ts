// `.livepatch.hooks.*`: arrays of function pointers, one pointer per entry (4 bytes on ARM32).
import { SHT_NOBITS, STT_FUNC } from "../elf/index.ts";
import { hexNum } from "./bytes.ts";
import type { Context } from "./context.ts";
import { HOOK_KINDS, SINGLE_HOOKS } from "./layouts.ts";
import { fieldSource, readPointer, reportUnusedRelocs } from "./pointers.ts";
import { sectionRelocs } from "./relocs.ts";
import type { HookSection } from "./types.ts";

export function decodeHooks(ctx: Context): HookSection[] {
  const out: HookSection[] = [];
  const ptr = ctx.pointerSize;
  for (const kind of HOOK_KINDS) {
    const name = `.livepatch.hooks.${kind}`;
    const section = ctx.section(name);
    if (!section) continue;
    const data = ctx.data(section);
    const hook: HookSection = { kind, sectionIndex: section.index, offset: section.dataOffset, size: data.length, entries: [] };
    out.push(hook);
    const headerAt = section.header.offset;
    if (section.type === SHT_NOBITS || data.length === 0) {
      ctx.diagnostics.push({ severity: "error", code: "LP_HOOK_EMPTY", offset: headerAt, message: `${name} is empty`, section: section.index });
      continue;
    }
    if (SINGLE_HOOKS.has(kind) && data.length !== ptr)
      ctx.diagnostics.push({
        severity: "error",
        code: "LP_HOOK_NOT_SINGLE",
        offset: headerAt,
        message: `${name} is ${data.length} bytes; it must hold exactly one ${ptr}-byte pointer`,
        section: section.index,
      });
    else if (data.length % ptr !== 0)
      ctx.diagnostics.push({
        severity: "error",
        code: "LP_HOOK_SIZE",
        offset: section.dataOffset + data.length - (data.length % ptr),
        message: `${name} is ${data.length} bytes, not a multiple of the ${ptr}-byte pointer size`,
        section: section.index,
      });
    const src = fieldSource(ctx, section.index, data, section.dataOffset, sectionRelocs(ctx, section.index, name, data));
    for (let at = 0; at + ptr <= data.length; at += ptr) {
      const where = `${name}[${at / ptr}]`;
      const pointer = readPointer(ctx, src, at, where);
      hook.entries.push({ offset: section.dataOffset + at, pointer });
      const t = pointer.target;
      if (t.kind === "null")
        ctx.diagnostics.push({
          severity: SINGLE_HOOKS.has(kind) ? "info" : "error",
          code: "LP_HOOK_NULL",
          offset: pointer.offset,
          message: SINGLE_HOOKS.has(kind) ? `${where} is NULL, so Xen treats the hook as absent` : `${where} is NULL; Xen would call address 0`,
        });
      else if (t.kind === "symbol" && t.defined && t.symbolType !== STT_FUNC)
        ctx.diagnostics.push({ severity: "warning", code: "LP_HOOK_NOT_FUNC", offset: pointer.reloc?.recordOffset ?? pointer.offset, message: `${where} points at ${t.symbol}+${hexNum(t.addend)}, not at a function` });
    }
    reportUnusedRelocs(ctx, src, name);
  }
  return out;
}

/** A hook "counts" only when its section exists and holds a non-NULL pointer (xen/common/livepatch.c: prepare_payload(), LIVEPATCH_ASSIGN_SINGLE_HOOK). */
export function hookPresent(hook: HookSection): boolean {
  return hook.entries.some((e) => e.pointer.target.kind !== "null");
}
