// Steps 13–15 of the upload (patching sections, `.livepatch.funcs`, hooks; facts §1.3, §6), the
// APPLY-time expectations (§3.3), and what the image says about each old function.
import type { LivepatchFunc, PointerField } from "../../livepatch/index.ts";
import { BRANCH_RANGE, computePatch, startsWithEndbr } from "../../livepatch/index.ts";
import type { FileContext } from "../context.ts";
import { hexAddr } from "../context.ts";
import { EFAULT, EINVAL, ERANGE } from "../rules.ts";
import type { SymValues } from "./symbols.ts";

const HOOK_SECTIONS = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"].map((k) => `.livepatch.hooks.${k}`);
const MULTI_HOOKS = new Set([".livepatch.hooks.load", ".livepatch.hooks.unload"]);

/** A function the payload patches, as resolved by the audit (for set-level checks and the summary). */
export interface PatchTarget {
  index: number;
  name: string | null;
  oldAddr: bigint | null;
  newAddr: bigint | null;
  offset: number;
  nop: boolean;
}

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

function funcWhere(fn: LivepatchFunc, extra: number, length: number) {
  return { section: ".livepatch.funcs", offset: fn.offset + extra, length, func: { index: fn.index, name: fn.name.text } };
}

/** Steps 13 and 14 (array size), then 15 (hook sizes). Returns false when the upload stops. */
export function checkPatchingSections(ctx: FileContext): boolean {
  const present = [".livepatch.funcs", ...HOOK_SECTIONS].map((n) => ctx.elf.sections.find((s) => s.nameValid && s.name === n)).filter((s) => s !== undefined);
  if (present.length === 0) {
    const legacy = ctx.elf.sections.find((s) => s.name === ".xsplice.funcs");
    ctx.emit("nothing-to-patch", `no .livepatch.funcs and no .livepatch.hooks.* section${legacy ? " (.xsplice.funcs is read only by the Xen 4.7 release candidates)" : ""} (−EINVAL)`, { offset: 0 });
    return false;
  }
  for (const s of present)
    if (s.size === 0n) {
      ctx.emit("patch-section-empty", `${s.name} is empty (−EINVAL)`, { section: s.name, sectionIndex: s.index, offset: s.header.offset, length: s.header.size });
      return false;
    }
  return true;
}

export function checkFuncsArray(ctx: FileContext): boolean {
  const s = ctx.elf.sections.find((x) => x.nameValid && x.name === ".livepatch.funcs");
  if (!s) return true;
  const record = ctx.ptr === 8 ? 104n : 92n;
  if (s.size % record !== 0n) {
    const legacy = ctx.model.layout === "v1" ? " (it looks like version-1 64-byte records, which only Xen 4.7–4.13 read)" : "";
    ctx.emit("funcs-size-not-multiple", `.livepatch.funcs is ${s.size} bytes, not a multiple of the ${record}-byte struct livepatch_func${legacy} (−EINVAL)`, {
      section: s.name,
      sectionIndex: s.index,
      offset: s.header.offset,
      length: s.header.size,
    });
    return false;
  }
  return true;
}

function addressOf(ctx: FileContext, field: PointerField, values: SymValues): bigint | null {
  const t = field.target;
  if (t.kind === "absolute") return t.value;
  if (t.kind === "null") return null;
  if (t.defined) {
    const s = ctx.model.regions.sections.find((p) => p.sectionIndex === t.sectionIndex);
    return s && t.sectionOffset !== undefined ? BigInt.asUintN(64, s.address + t.sectionOffset) : null;
  }
  const symIndex = field.reloc?.symbolIndex;
  const v = symIndex !== undefined ? values[symIndex] : null;
  if (typeof v === "bigint") return BigInt.asUintN(64, v + (field.reloc?.addend ?? 0n));
  const r = ctx.image ? ctx.resolve(t.symbol) : null;
  return r === null ? null : BigInt.asUintN(64, r + t.addend);
}

/** Step 14a, per function in order. Returns the targets, or null when the upload stops. */
export function checkFuncs(ctx: FileContext, values: SymValues): PatchTarget[] | null {
  const targets: PatchTarget[] = [];
  if (ctx.model.funcsSection !== ".livepatch.funcs") return targets;
  const arch = ctx.arch!;
  for (const fn of ctx.model.funcs) {
    const label = `funcs[${fn.index}] (${fn.name.text ?? "unnamed"})`;
    if (fn.version !== 2) {
      ctx.emit("func-version-mismatch", `${label}: version ${fn.version}; this Xen expects 2 (−EOPNOTSUPP)`, funcWhere(fn, ctx.ptr === 8 ? 32 : 20, 1));
      return null;
    }
    if (fn.oldSize === 0) {
      ctx.emit("func-old-size-zero", `${label}: old_size is 0 (−EINVAL)`, funcWhere(fn, ctx.ptr === 8 ? 28 : 16, 4));
      return null;
    }
    let oldAddr = addressOf(ctx, fn.oldAddr, values);
    if (oldAddr === 0n) oldAddr = null;
    if (oldAddr === null && fn.oldAddr.target.kind === "null" && ctx.image) {
      oldAddr = fn.name.text ? ctx.resolve(fn.name.text) : null;
      if (oldAddr === null) {
        ctx.emit("func-old-addr-unresolved", `${label}: old_addr is 0 and ${fn.name.text ? `the name "${fn.name.text}" is in neither ${ctx.image.file} nor an earlier payload` : "there is no name to look up"} (−ENOENT)`, funcWhere(fn, 0, ctx.ptr));
        return null;
      }
    }
    const nop = fn.newAddr.target.kind === "null";
    const oldBytes = oldAddr !== null && ctx.image ? (ctx.read(oldAddr, 4) ?? undefined) : undefined;
    const endbr = arch === "x86_64" && startsWithEndbr(oldBytes) !== null;
    const sizeAt = funcWhere(fn, ctx.ptr === 8 ? 28 : 16, 4);
    if (arch === "x86_64") {
      if (!nop && oldAddr !== null && ctx.image && !oldBytes && !ctx.loaded.some((p) => oldAddr >= p.start && oldAddr < p.end)) {
        ctx.emit("func-old-addr-unmapped", `${label}: old_addr ${hexAddr(oldAddr)} is not mapped in ${ctx.image.file} or any loaded payload (fatal page fault; −EFAULT in the simulator)`, funcWhere(fn, 2 * ctx.ptr, ctx.ptr));
        return null;
      }
      if (!nop && fn.oldSize < (endbr ? 9 : 5)) {
        ctx.emit("func-old-size-too-small", `${label}: old_size ${fn.oldSize} is below ${endbr ? "9, needed after the ENDBR64 at the start of the old function" : "5, the size of the jmp"} (−EINVAL)`, sizeAt);
        return null;
      }
      if (nop && fn.newSize > 31) {
        ctx.emit("func-nop-too-long", `${label}: NOP-out of ${fn.newSize} bytes exceeds 31 (−EOPNOTSUPP)`, funcWhere(fn, ctx.ptr === 8 ? 24 : 12, 4));
        return null;
      }
      if (nop && fn.oldSize < fn.newSize) {
        ctx.emit("func-nop-exceeds-old-size", `${label}: NOP-out of ${fn.newSize} bytes is longer than old_size ${fn.oldSize} (−EINVAL)`, sizeAt);
        return null;
      }
    } else {
      if (nop && (fn.newSize > 31 || fn.newSize % 4 !== 0)) {
        ctx.emit("func-nop-too-long", `${label}: NOP-out of ${fn.newSize} bytes must be a multiple of 4 and at most 28 (−EOPNOTSUPP)`, funcWhere(fn, ctx.ptr === 8 ? 24 : 12, 4));
        return null;
      }
      if (fn.oldSize < 4) {
        ctx.emit("func-old-size-too-small", `${label}: old_size ${fn.oldSize} is below one 4-byte instruction (−EINVAL)`, sizeAt);
        return null;
      }
    }
    const newAddr = nop ? 0n : addressOf(ctx, fn.newAddr, values);
    if (!nop && oldAddr !== null && newAddr !== null && ctx.image) {
      const d = BigInt.asIntN(64, oldAddr - newAddr);
      const range = BRANCH_RANGE[arch];
      if (d < -range || d >= range) {
        ctx.emit("func-distance-out-of-range", `${label}: old ${hexAddr(oldAddr)} and new ${hexAddr(newAddr)} are ${d} bytes apart, beyond ±${range} (−EOVERFLOW)`, funcWhere(fn, ctx.ptr, ctx.ptr));
        return null;
      }
    }
    targets.push({ index: fn.index, name: fn.name.text, oldAddr, newAddr, offset: fn.offset, nop });
  }
  return targets;
}

/** Step 15. */
export function checkHookSizes(ctx: FileContext): boolean {
  for (const name of HOOK_SECTIONS) {
    const s = ctx.elf.sections.find((x) => x.nameValid && x.name === name);
    if (!s) continue;
    const ptr = BigInt(ctx.ptr);
    const bad = MULTI_HOOKS.has(name) ? s.size % ptr !== 0n : s.size !== ptr;
    if (bad) {
      ctx.emit("hook-size-bad", `${name} is ${s.size} bytes; it must hold ${MULTI_HOOKS.has(name) ? "whole" : "exactly one"} ${ctx.ptr}-byte pointer${MULTI_HOOKS.has(name) ? "s" : ""} (−EINVAL)`, {
        section: name,
        sectionIndex: s.index,
        offset: s.header.offset,
        length: s.header.size,
      });
      return false;
    }
  }
  return true;
}

/**
 * APPLY step 2: expectations, per function in order, first failure only. Returns the rc (0 when
 * they pass, null when the image is needed to tell).
 */
export function checkExpectations(ctx: FileContext, targets: PatchTarget[]): number | null {
  let unknown = false;
  for (const fn of ctx.model.funcs) {
    const e = fn.expect;
    if (!e || !e.enabled) continue;
    const at = funcWhere(fn, ctx.ptr === 8 ? 72 : 60, 1 + e.len);
    const label = `funcs[${fn.index}] (${fn.name.text ?? "unnamed"})`;
    const oldAddr = targets.find((t) => t.index === fn.index)?.oldAddr ?? null;
    if (oldAddr === null && ctx.image) {
      ctx.emit("expect-mismatch", `${label}: the expectation cannot be checked because old_addr is 0 (−EFAULT)`, { ...at, rc: -EFAULT });
      return -EFAULT;
    }
    if (e.rsv !== 0) {
      ctx.emit("expect-reserved-bits", `${label}: the expectation's reserved bits are ${e.rsv} (−EINVAL)`, { ...at, length: 1 });
      return -EINVAL;
    }
    if (fn.oldSize < e.len) {
      ctx.emit("expect-len-exceeds-old-size", `${label}: the expectation covers ${e.len} bytes but old_size is ${fn.oldSize} (−ERANGE)`, { ...at, length: 1, rc: -ERANGE });
      return -ERANGE;
    }
    if (e.len === 0) continue;
    const actual = oldAddr !== null && ctx.image ? ctx.read(oldAddr, e.len) : null;
    if (!actual) {
      unknown = true;
      continue;
    }
    if (actual.some((b, i) => b !== e.expected[i])) {
      ctx.emit("expect-mismatch", `${label}: expects ${toHex(e.expected)} at ${hexAddr(oldAddr!)} but ${ctx.image!.file} has ${toHex(actual)} (−EINVAL)`, at);
      return -EINVAL;
    }
  }
  if (unknown) {
    if (!ctx.image) ctx.emit("unchecked-expectations", "expectation bytes are compared with the hypervisor only at APPLY; not checked without an image", {});
    return ctx.image ? 0 : null;
  }
  return 0;
}

/** With the image: what the old function really is, and what the write does to it. */
export function reviewTargets(ctx: FileContext, targets: PatchTarget[]): void {
  const image = ctx.image;
  const arch = ctx.arch!;
  for (const t of targets) {
    const fn = ctx.model.funcs[t.index];
    const label = `funcs[${t.index}] (${t.name ?? "unnamed"})`;
    if (fn.appliedByte) ctx.emit("func-applied-byte-set", `${label}: the 'applied' byte is ${fn.appliedByte}`, funcWhere(fn, ctx.ptr === 8 ? 64 : 52, 1));
    if (fn.expect && !fn.expect.enabled) ctx.emit("func-no-expectation", `${label}: no expectation guards the bytes at old_addr`, funcWhere(fn, ctx.ptr === 8 ? 72 : 60, 1));
    if (!image || t.oldAddr === null) continue;
    const sym = image.symbolAt(t.oldAddr);
    const oldBytes = image.read(t.oldAddr, 4) ?? undefined;
    const preview = computePatch({ arch, oldAddr: t.oldAddr, newAddr: t.nop ? 0n : (t.newAddr ?? 0n), newSize: fn.newSize, oldBytes });
    if (arch === "x86_64" && preview.patchOffset === 4)
      ctx.emit("func-endbr-skip", `${label}: ${hexAddr(t.oldAddr)} starts with ENDBR64; Xen writes ${toHex(preview.bytes)} at ${hexAddr(t.oldAddr + 4n)}`, funcWhere(fn, 2 * ctx.ptr, ctx.ptr));
    if (!sym) {
      ctx.emit("func-old-addr-not-function-start", `${label}: old_addr ${hexAddr(t.oldAddr)} is not inside any function of ${image.file}`, funcWhere(fn, 2 * ctx.ptr, ctx.ptr));
      continue;
    }
    if (sym.addr !== t.oldAddr) {
      ctx.emit("func-old-addr-not-function-start", `${label}: old_addr ${hexAddr(t.oldAddr)} is ${sym.name}+${hexAddr(t.oldAddr - sym.addr)}, not the start of a function`, funcWhere(fn, 2 * ctx.ptr, ctx.ptr));
      continue;
    }
    const bare = (n: string) => n.slice(n.indexOf("#") + 1);
    if (t.name && bare(t.name) !== bare(sym.name) && image.lookup(t.name)?.addr !== t.oldAddr)
      ctx.emit("func-name-mismatch", `${label}: the record names ${t.name}, but ${hexAddr(t.oldAddr)} is ${sym.name} in ${image.file}`, funcWhere(fn, 0, ctx.ptr));
    if (sym.size !== BigInt(fn.oldSize))
      ctx.emit("func-old-size-mismatch", `${label}: old_size is ${fn.oldSize} but ${sym.name} is ${sym.size} bytes in ${image.file}`, funcWhere(fn, ctx.ptr === 8 ? 28 : 16, 4));
    const written = preview.patchOffset + preview.bytes.length;
    if (sym.func && sym.size > 0n && BigInt(written) > sym.size)
      ctx.emit("func-patch-overruns-symbol", `${label}: Xen writes ${written} bytes at ${sym.name}, which is only ${sym.size} bytes long`, funcWhere(fn, ctx.ptr === 8 ? 28 : 16, 4));
  }
}
