// The JSON form of the livepatch model used by `livepatch-lens inspect --json` and exported
// reports. Key names here are a published contract (README "inspect --json schema"). The keys that
// are Xen's answers (regions, trampolines, safeToReapply, replacePossible) are added by the CLI
// from the simulated hypervisor's placement.
import { hexNum } from "./bytes.ts";
import type { LivepatchFunc, LivepatchModel, PointerField, PointerTarget, RelocRef, SelfRelative } from "./types.ts";

export type PointerJson = null | { symbol: string; addend: number | string } | { value: string } | { unresolved: true };

const num = (n: bigint): number | string => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : hexNum(n));

export function pointerJson(t: PointerTarget): PointerJson {
  if (t.kind === "null") return null;
  if (t.kind === "absolute") return { value: hexNum(t.value) };
  // The reason is said once, in the LP_UNRESOLVED diagnostic.
  if (t.kind === "unresolved") return { unresolved: true };
  return { symbol: t.symbol, addend: num(t.addend) };
}

export function relocJson(r: RelocRef | null) {
  if (!r) return null;
  return { section: r.section, index: r.index, type: r.typeName, symbol: r.symbol, addend: hexNum(r.addend), offset: hexNum(r.offset), recordOffset: r.recordOffset };
}

function provenance(f: PointerField) {
  return { fileOffset: f.offset, raw: hexNum(f.raw), relocation: relocJson(f.reloc) };
}

function selfRelJson(f: SelfRelative) {
  return { target: pointerJson(f.target), relocation: relocJson(f.reloc), fileOffset: f.offset };
}

function funcJson(fn: LivepatchFunc) {
  return {
    index: fn.index,
    offset: fn.offset,
    name: fn.name.text,
    newAddr: pointerJson(fn.newAddr.target),
    oldAddr: pointerJson(fn.oldAddr.target),
    newSize: fn.newSize,
    oldSize: fn.oldSize,
    version: fn.version,
    expect: fn.expect ? { enabled: fn.expect.enabled, len: fn.expect.len, data: fn.expect.dataHex, rsv: fn.expect.rsv } : null,
    provenance: { name: provenance(fn.name), newAddr: provenance(fn.newAddr), oldAddr: provenance(fn.oldAddr) },
  };
}

export function livepatchJson(m: LivepatchModel) {
  const hooks: Record<string, { symbol: string | null; addend?: number | string; value?: string; unresolved?: true }[]> = {};
  for (const h of m.hooks) {
    hooks[h.kind] = h.entries.map((e) => {
      const p = pointerJson(e.pointer.target);
      if (p === null) return { symbol: null };
      if ("value" in p) return { symbol: null, value: p.value };
      if ("unresolved" in p) return { symbol: null, unresolved: p.unresolved };
      return p.addend === 0 ? { symbol: p.symbol } : { symbol: p.symbol, addend: p.addend };
    });
  }
  return {
    layout: m.layout,
    arch: m.arch,
    buildId: m.buildId?.buildId ?? null,
    depends: m.depends?.buildId ?? null,
    xenDepends: m.xenDepends?.buildId ?? null,
    dependsOn: m.dependsOn,
    funcs: m.funcs.map(funcJson),
    hooks,
    modinfo: m.modinfo ? m.modinfo.entries.map((e) => (e.value === "" && !e.key.includes("=") ? e.key : `${e.key}=${e.value}`)) : null,
    alternatives: m.alternatives.map((a) => ({ index: a.index, offset: a.offset, orig: selfRelJson(a.orig), repl: selfRelJson(a.repl), feature: a.feature, origLen: a.origLen, replLen: a.replLen, padLen: a.padLen })),
    exTable: m.exTable.map((e) => ({ index: e.index, offset: e.offset, addr: selfRelJson(e.addr), cont: selfRelJson(e.cont) })),
    bugFrames: m.bugFrames.map((b) => ({
      type: b.frameType,
      index: b.index,
      offset: b.offset,
      size: b.size,
      loc: selfRelJson(b.loc),
      ptr: selfRelJson(b.ptr),
      msg: b.msg ? selfRelJson(b.msg) : null,
      line: b.line,
      file: b.file,
      message: b.message,
    })),
    altCalls: m.altCalls.map((c) => ({ index: c.index, offset: c.offset, site: selfRelJson(c.site) })),
    signature: {
      appended: m.appendedSignature,
      note: m.xenSignature,
    },
  };
}
