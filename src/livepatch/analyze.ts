// analyzePayload: the livepatch view of a parsed ELF file, or null when it is no payload. It says
// what the file contains and where it is structurally broken; whether Xen takes it, where it lands
// and what APPLY writes are the simulated hypervisor's answers (src/audit runs it).
import type { ElfFile } from "../elf/index.ts";
import { createContext, type Context } from "./context.ts";
import { decodeFuncs } from "./funcs.ts";
import { decodeHooks } from "./hooks.ts";
import { parseModinfo } from "./modinfo.ts";
import { findAppendedSignature, parseBuildIdNote, parseXenSignatureNote } from "./notes.ts";
import { decodeBugFrames } from "./bugframes.ts";
import { decodeAltCalls, decodeAlternatives, decodeExTable } from "./tables.ts";
import type { AnalyzeOptions, DependencyTarget, LivepatchModel, NoteInfo } from "./types.ts";

/** A file is a payload when it has any section Xen's livepatch code looks for by name. */
export function isPayload(elf: ElfFile): boolean {
  return elf.sections.some((s) => s.name.startsWith(".livepatch.") || s.name.startsWith(".xsplice."));
}

function note(ctx: Context, name: string, code: string, required: boolean): NoteInfo | null {
  const section = ctx.section(name);
  if (!section) {
    // Xen refuses the upload without it (check_special_sections(), check_xen_buildid(): -EINVAL).
    if (required) ctx.diagnostics.push({ severity: "error", code: `${code}_MISSING`, offset: 0, message: `${name} is missing` });
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

export function analyzePayload(elf: ElfFile, options: AnalyzeOptions = {}): LivepatchModel | null {
  if (!isPayload(elf)) return null;
  const ctx = createContext(elf);
  if (!ctx.arch)
    ctx.diagnostics.push({ severity: "error", code: "LP_UNSUPPORTED_MACHINE", offset: 18, message: `e_machine ${elf.header.machine} is not x86-64, AArch64 or ARM: its livepatch structures cannot be decoded` });
  if (!ctx.symtab) ctx.diagnostics.push({ severity: "error", code: "LP_NO_SYMTAB", offset: 0, message: "no .symtab: no pointer can be traced to its symbol" });

  const funcs = guarded(ctx, "the funcs section", { layout: null, section: null, funcs: [] }, () => decodeFuncs(ctx));
  const hooks = guarded(ctx, "hooks", [], () => decodeHooks(ctx));
  if (!funcs.section && hooks.length === 0) ctx.diagnostics.push({ severity: "warning", code: "LP_NOTHING_TO_PATCH", offset: 0, message: "no .livepatch.funcs and no hook section" });

  const buildId = note(ctx, ".note.gnu.build-id", "LP_BAD_BUILD_ID", true);
  const depends = ctx.section(".livepatch.depends") || !ctx.section(".xsplice.depends") ? note(ctx, ".livepatch.depends", "LP_BAD_DEPENDS", true) : note(ctx, ".xsplice.depends", "LP_BAD_DEPENDS", true);
  const xenDepends = note(ctx, ".livepatch.xen_depends", "LP_BAD_XEN_DEPENDS", funcs.layout !== "xsplice" && funcs.layout !== "v1");
  let dependsOn: DependencyTarget = null;
  if (depends?.buildId) {
    const xenIds = [xenDepends?.buildId, options.xenBuildId].filter((x): x is string => !!x);
    const kind = xenIds.includes(depends.buildId) ? "xen" : xenIds.length ? "payload" : "unknown";
    dependsOn = { kind, buildId: depends.buildId };
  }
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
  for (const [reason, fields] of ctx.unresolved)
    ctx.diagnostics.push({
      severity: "warning",
      code: "LP_UNRESOLVED",
      offset: 0,
      message:
        fields.length === 1
          ? `1 field (${fields[0]}) is filled by a relocation whose symbol cannot be resolved: ${reason}; its value is unknown`
          : `${fields.length} fields (${fields[0]}, …) are filled by relocations whose symbols cannot be resolved: ${reason}; their values are unknown`,
    });

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
    diagnostics: ctx.diagnostics,
  };
}
