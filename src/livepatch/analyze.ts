// analyzePayload: the livepatch view of a parsed ELF file, or null when it is no payload.
import type { ElfFile } from "../elf/index.ts";
import { hexNum, toHex } from "./bytes.ts";
import { createContext, type Context } from "./context.ts";
import { decodeFuncs } from "./funcs.ts";
import { decodeHooks, hookPresent } from "./hooks.ts";
import { VETO_HOOKS } from "./layouts.ts";
import { parseModinfo } from "./modinfo.ts";
import { findAppendedSignature, parseBuildIdNote, parseXenSignatureNote } from "./notes.ts";
import { addressOf, placeSections, safeToReapply } from "./regions.ts";
import { decodeAltCalls, decodeAlternatives, decodeBugFrames, decodeExTable } from "./tables.ts";
import { BRANCH_RANGE, computePatch, startsWithEndbr } from "./trampoline.ts";
import type { AnalyzeOptions, DependencyTarget, LivepatchFunc, LivepatchModel, NoteInfo, PointerTarget, Regions } from "./types.ts";

/** A file is a payload when it has any section Xen's livepatch code looks for by name. */
export function isPayload(elf: ElfFile): boolean {
  return elf.sections.some((s) => s.name.startsWith(".livepatch.") || s.name.startsWith(".xsplice."));
}

function note(ctx: Context, name: string, code: string, required: boolean): NoteInfo | null {
  const section = ctx.section(name);
  if (!section) {
    if (required)
      ctx.diagnostics.push({ severity: "error", code: `${code}_MISSING`, offset: 0, message: `${name} is missing; Xen refuses the payload (−EINVAL)` });
    return null;
  }
  const data = ctx.data(section);
  const r = parseBuildIdNote(name, data, section.dataOffset, ctx.elf.header.littleEndian, code);
  if (r.diagnostic) ctx.diagnostics.push({ ...r.diagnostic, section: section.index });
  return { section: name, sectionIndex: section.index, offset: section.dataOffset, size: data.length, buildId: r.buildId, rc: r.rc };
}

/** Run one decoder; a throw here is a bug, reported without losing the rest of the view. */
function guarded<T>(ctx: Context, what: string, fallback: T, run: () => T): T {
  try {
    return run();
  } catch (e) {
    ctx.diagnostics.push({ severity: "error", code: "LP_INTERNAL", offset: 0, message: `internal error while decoding ${what}: ${(e as Error).message}` });
    return fallback;
  }
}

function addressOfTarget(t: PointerTarget, regions: Regions, options: AnalyzeOptions, nameText: string | null): bigint | null {
  if (t.kind === "absolute") return t.value;
  if (t.kind === "null") return nameText && options.resolveSymbol ? options.resolveSymbol(nameText) : null;
  if (t.defined) return t.sectionIndex === undefined || t.sectionOffset === undefined ? null : addressOf(regions, t.sectionIndex, t.sectionOffset);
  const base = options.resolveSymbol?.(t.symbol) ?? null;
  return base === null ? null : BigInt.asUintN(64, base + t.addend);
}

/** Trampoline/NOP previews and the per-function upload checks that need addresses (facts §6). */
function previewPatches(ctx: Context, funcs: LivepatchFunc[], regions: Regions, options: AnalyzeOptions): void {
  const arch = ctx.arch;
  if (!arch) return;
  for (const fn of funcs) {
    const where = `funcs[${fn.index}]`;
    const nop = fn.newAddr.target.kind === "null";
    const oldAddr = addressOfTarget(fn.oldAddr.target, regions, options, null) ?? addressOfTarget({ kind: "null" }, regions, options, fn.name.text);
    const newAddr = nop ? 0n : addressOfTarget(fn.newAddr.target, regions, options, null);
    const oldBytes = oldAddr !== null ? (options.readMemory?.(oldAddr, 4) ?? undefined) : undefined;
    const endbr = startsWithEndbr(oldBytes) !== null;
    const check = (severity: "error" | "warning", code: string, message: string) => ctx.diagnostics.push({ severity, code, offset: fn.offset, message: `${where}: ${message}` });
    if (arch === "x86_64") {
      if (!nop && fn.oldSize < 5) check("error", "LP_FUNC_TOO_SMALL", `old_size ${fn.oldSize} is below the 5-byte jmp (Xen: −EINVAL)`);
      else if (!nop && endbr && fn.oldSize < 9) check("error", "LP_FUNC_TOO_SMALL", `old_size ${fn.oldSize} is below 9, needed after an ENDBR64 (Xen: −EINVAL)`);
      if (nop && fn.newSize > 31) check("error", "LP_NOP_TOO_LONG", `NOP-out of ${fn.newSize} bytes exceeds 31 (Xen: −EOPNOTSUPP)`);
      if (nop && fn.oldSize < fn.newSize) check("error", "LP_NOP_BEYOND_OLD", `NOP-out of ${fn.newSize} bytes is longer than old_size ${fn.oldSize} (Xen: −EINVAL)`);
    } else {
      if (fn.oldSize < 4) check("error", "LP_FUNC_TOO_SMALL", `old_size ${fn.oldSize} is below one 4-byte instruction (Xen: −EINVAL)`);
      if (nop && (fn.newSize > 31 || fn.newSize % 4 !== 0)) check("error", "LP_NOP_TOO_LONG", `NOP-out of ${fn.newSize} bytes must be a multiple of 4 and at most 28 (Xen: −EOPNOTSUPP)`);
    }
    if (!nop && oldAddr !== null && newAddr !== null) {
      const d = BigInt.asIntN(64, oldAddr - newAddr);
      const range = BRANCH_RANGE[arch];
      if (d < -range || d >= range) check("error", "LP_FUNC_DISTANCE", `old ${hexNum(oldAddr)} and new ${hexNum(newAddr)} are ${hexNum(d)} apart, beyond the branch range (Xen: −EOVERFLOW)`);
    }
    if (newAddr === null || (oldAddr === null && !nop)) continue;
    const preview = computePatch({ arch, oldAddr: oldAddr ?? 0n, newAddr, newSize: fn.newSize, oldBytes });
    const assumed = [
      nop ? "NOP-out" : `new_addr ${hexNum(newAddr)} (${fn.newAddr.target.kind === "symbol" && fn.newAddr.target.defined ? regions.assumption : "resolved from the image"})`,
      oldAddr === null ? "old address unknown" : `old_addr ${hexNum(oldAddr)}${fn.oldAddr.target.kind === "absolute" ? " (absolute in the file)" : " (resolved from the image)"}`,
      oldBytes ? "old bytes read from the image" : "old bytes unknown",
    ].join("; ");
    fn.patch = { ...preview, oldAddr: oldAddr ?? 0n, newAddr, assumed };
  }
}

/** With the image's bytes, an expectation can be evaluated now instead of at APPLY. */
function checkExpectations(ctx: Context, funcs: LivepatchFunc[], options: AnalyzeOptions): void {
  if (!options.readMemory) return;
  for (const fn of funcs) {
    const e = fn.expect;
    if (!e || !e.enabled || e.len === 0 || e.rsv !== 0 || e.len > fn.oldSize) continue;
    const at = fn.oldAddr.target.kind === "absolute" ? fn.oldAddr.target.value : fn.patch?.oldAddr ?? null;
    if (at === null) continue;
    const actual = options.readMemory(at, e.len);
    if (!actual) continue;
    if (actual.some((b, i) => b !== e.expected[i]))
      ctx.diagnostics.push({
        severity: "warning",
        code: "LP_EXPECT_MISMATCH",
        offset: fn.offset + (ctx.pointerSize === 8 ? 72 : 60),
        message: `funcs[${fn.index}]: expected ${toHex(e.expected)} at ${hexNum(at)} but the image has ${toHex(actual)}; APPLY would fail (−EINVAL)`,
      });
  }
}

export function analyzePayload(elf: ElfFile, options: AnalyzeOptions = {}): LivepatchModel | null {
  if (!isPayload(elf)) return null;
  const ctx = createContext(elf);
  if (!ctx.arch)
    ctx.diagnostics.push({ severity: "error", code: "LP_UNSUPPORTED_MACHINE", offset: 18, message: `e_machine ${elf.header.machine} is not x86-64, AArch64 or ARM; Xen refuses it (−EOPNOTSUPP)` });
  if (!ctx.symtab) ctx.diagnostics.push({ severity: "error", code: "LP_NO_SYMTAB", offset: 0, message: "no .symtab: Xen refuses the payload (−EINVAL) and no pointer can be traced" });

  const regions = placeSections(ctx, options.textBase, options.textBaseReason);
  const funcs = guarded(ctx, "the funcs section", { layout: null, section: null, funcs: [] }, () => decodeFuncs(ctx));
  const hooks = guarded(ctx, "hooks", [], () => decodeHooks(ctx));
  if (!funcs.section && hooks.length === 0)
    ctx.diagnostics.push({ severity: "error", code: "LP_NOTHING_TO_PATCH", offset: 0, message: "no .livepatch.funcs and no hook section: nothing to patch (Xen: −EINVAL)" });
  guarded(ctx, "trampolines", undefined, () => previewPatches(ctx, funcs.funcs, regions, options));

  const buildId = note(ctx, ".note.gnu.build-id", "LP_BAD_BUILD_ID", true);
  const depends = ctx.section(".livepatch.depends") || !ctx.section(".xsplice.depends") ? note(ctx, ".livepatch.depends", "LP_BAD_DEPENDS", true) : note(ctx, ".xsplice.depends", "LP_BAD_DEPENDS", true);
  const xenDepends = note(ctx, ".livepatch.xen_depends", "LP_BAD_XEN_DEPENDS", funcs.layout !== "xsplice" && funcs.layout !== "v1");
  let dependsOn: DependencyTarget = null;
  if (depends?.buildId) {
    const xenIds = [xenDepends?.buildId, options.xenBuildId].filter((x): x is string => !!x);
    const kind = xenIds.includes(depends.buildId) ? "xen" : xenIds.length ? "payload" : "unknown";
    dependsOn = { kind, buildId: depends.buildId };
  }
  if (options.xenBuildId && xenDepends?.buildId && xenDepends.buildId !== options.xenBuildId)
    ctx.diagnostics.push({
      severity: "error",
      code: "LP_XEN_BUILD_ID_MISMATCH",
      offset: xenDepends.offset,
      message: `.livepatch.xen_depends is ${xenDepends.buildId}, but the target Xen's build-id is ${options.xenBuildId} (Xen: −EINVAL at upload)`,
    });
  checkExpectations(ctx, funcs.funcs, options);
  if (buildId?.buildId && buildId.buildId === depends?.buildId)
    ctx.diagnostics.push({ severity: "warning", code: "LP_DEPENDS_ON_SELF", offset: depends.offset, message: ".livepatch.depends names this payload's own build-id" });

  const modinfoSection = ctx.section(".modinfo");
  const modinfo = modinfoSection ? parseModinfo(ctx.data(modinfoSection), modinfoSection.dataOffset, ctx.diagnostics) : null;
  const alternatives = guarded(ctx, ".altinstructions", [], () => decodeAlternatives(ctx));
  const exTable = guarded(ctx, ".ex_table", [], () => decodeExTable(ctx));
  const bugFrames = guarded(ctx, "bug frames", [], () => decodeBugFrames(ctx));
  const altCalls = guarded(ctx, ".alt_call_sites", [], () => decodeAltCalls(ctx));
  const appendedSignature = findAppendedSignature(elf.bytes, ctx.diagnostics);
  const sigSection = ctx.section(".note.Xen.signature");
  const xenSignature = sigSection ? parseXenSignatureNote(ctx.data(sigSection), sigSection.dataOffset, elf.header.littleEndian, ctx.diagnostics) : null;

  return {
    arch: ctx.arch,
    pointerSize: ctx.pointerSize,
    littleEndian: elf.header.littleEndian,
    layout: funcs.layout,
    funcsSection: funcs.section?.name ?? null,
    funcs: funcs.funcs,
    hooks,
    buildId,
    depends,
    xenDepends,
    dependsOn,
    modinfo,
    alternatives,
    exTable,
    bugFrames,
    altCalls,
    appendedSignature,
    xenSignature,
    regions,
    safeToReapply: safeToReapply(regions),
    replacePossible: !hooks.some((h) => VETO_HOOKS.has(h.kind) && hookPresent(h)),
    diagnostics: ctx.diagnostics,
  };
}
