// The audit of a set of payloads in upload order: each file through Xen's UPLOAD checks in
// Xen's order, then an APPLY in order (dependency chain, expectations), against a target image
// when one is given. Findings are emitted in Xen's order, so the first upload/apply error of a
// file is the return code Xen would give.
import { ElfFormatError, parseElf, type ElfFile } from "../elf/index.ts";
import { analyzePayload, computePatch, DEFAULT_TEXT_BASE, PAGE_SIZE, type LivepatchModel } from "../livepatch/index.ts";
import { reviewBoundaries, type Decode } from "./checks/boundaries.ts";
import { checkElf, checkWriteExec } from "./checks/elf.ts";
import { checkExpectations, checkFuncs, checkFuncsArray, checkHookSizes, checkPatchingSections, reviewTargets, type PatchTarget } from "./checks/funcs.ts";
import { checkNotesParse, checkNotesPresent, checkXenDepends } from "./checks/notes.ts";
import { checkOptionalSections } from "./checks/optional.ts";
import { reviewHooks, reviewReapply, reviewReplace } from "./checks/review.ts";
import { checkExports, checkRelocations, resolveSymbols, undefinedNames } from "./checks/symbols.ts";
import { createFileContext, hexAddr, makeFinding, payloadName, type FileContext, type LoadedPayload, type MemoryOverlay } from "./context.ts";
import { archOfMachine, xenImage, type XenImage } from "./image.ts";
import { EINVAL, EOPNOTSUPP } from "./rules.ts";
import type { AuditFile, AuditResult, FileSummary, Finding, Prediction } from "./types.ts";

export interface AuditImage {
  file: string;
  elf: ElfFile;
}

interface Applied {
  file: string;
  buildId: string | null;
  vetoing: boolean;
}

function firstRc(findings: Finding[], stage: "upload" | "apply"): number | null {
  return findings.find((f) => f.stage === stage && f.severity === "error")?.rc ?? null;
}

/** UPLOAD checks in Xen's order. Returns the exports when the upload is predicted to succeed. */
function upload(ctx: FileContext): { ok: boolean; targets: PatchTarget[]; exports: Map<string, bigint> } {
  const fail = { ok: false, targets: [] as PatchTarget[], exports: new Map<string, bigint>() };
  if (!checkElf(ctx)) return fail;
  let ok = checkXenDepends(ctx);
  checkWriteExec(ctx);
  const values = resolveSymbols(ctx);
  if (!values) return fail;
  ok = checkRelocations(ctx, values) && ok;
  ok = checkNotesPresent(ctx) && ok;
  ok = checkPatchingSections(ctx) && ok;
  const arrayOk = checkFuncsArray(ctx);
  const targets = arrayOk ? checkFuncs(ctx, values) : [];
  ok = arrayOk && targets !== null && ok;
  ok = checkHookSizes(ctx) && ok;
  ok = checkNotesParse(ctx) && ok;
  ok = checkOptionalSections(ctx) && ok;
  const exports = checkExports(ctx, values);
  ok = exports !== null && ok;
  return { ok: ok && !ctx.findings.some((f) => f.stage === "upload" && f.severity === "error"), targets: targets ?? [], exports: exports ?? new Map() };
}

/** APPLY in order: the dependency chain (§9.3), then expectations (§3.3). Returns rc or null. */
function apply(ctx: FileContext, applied: Applied[], targets: PatchTarget[]): number | null {
  const depends = ctx.model.depends?.buildId ?? null;
  const top = applied[applied.length - 1];
  // Without an image, an upload that passes means Xen's build-id equals .livepatch.xen_depends.
  const xenId = ctx.image?.buildId ?? ctx.model.xenDepends?.buildId ?? null;
  const want = top ? top.buildId : xenId;
  const d = ctx.model.depends;
  const where = d ? { section: d.section, sectionIndex: d.sectionIndex, offset: d.offset, length: Math.max(1, d.size) } : {};
  if (depends && want && depends !== want) {
    const named = depends === xenId ? "Xen's own build-id: it applies only when nothing is applied, or through REPLACE / --nodeps" : "a build-id no payload before it in this set has";
    ctx.emit("depends-chain-mismatch", `.livepatch.depends is ${depends} (${named}), but APPLY in this order checks it against ${top ? `${top.file}, the last applied payload` : "Xen's build-id"} ${want} (−EINVAL)`, where);
    return -EINVAL;
  }
  if (depends && want) ctx.emit("depends-target", `depends on ${top ? top.file : "Xen itself"} (${depends})`, where);
  return checkExpectations(ctx, targets);
}

/** The bytes a successful native APPLY writes, so later payloads see patched memory (facts §7). */
function recordPatches(ctx: FileContext, targets: PatchTarget[], overlay: MemoryOverlay): void {
  if (!ctx.arch || ctx.model.hooks.some((h) => h.kind === "apply" && h.entries.some((e) => e.pointer.target.kind !== "null"))) return;
  for (const t of targets) {
    if (t.oldAddr === null || (!t.nop && t.newAddr === null)) continue;
    const fn = ctx.model.funcs[t.index];
    const p = computePatch({ arch: ctx.arch, oldAddr: t.oldAddr, newAddr: t.nop ? 0n : t.newAddr!, newSize: fn.newSize, oldBytes: ctx.read(t.oldAddr, 4) ?? undefined });
    p.bytes.forEach((b, i) => overlay.set(t.oldAddr! + BigInt(p.patchOffset + i), b));
  }
}

function summary(ctx: FileContext | null, file: string, size: number, targets: PatchTarget[]): FileSummary {
  const m = ctx?.model;
  const depends = m?.depends?.buildId ?? null;
  return {
    file,
    name: payloadName(file),
    size,
    arch: m?.arch ?? null,
    buildId: m?.buildId?.buildId ?? null,
    depends,
    dependsOn: !depends ? "unknown" : depends === (ctx?.image?.buildId ?? m?.xenDepends?.buildId) ? "xen" : "payload",
    functions: (m?.funcsSection === ".livepatch.funcs" ? m.funcs : []).map((fn) => {
      const t = targets.find((x) => x.index === fn.index);
      return { index: fn.index, name: fn.name.text, oldAddr: t?.oldAddr != null ? hexAddr(t.oldAddr) : null, oldSize: fn.oldSize, newSize: fn.newSize, kind: fn.newAddr.target.kind === "null" ? "nop" : "trampoline" };
    }),
    hooks: (m?.hooks ?? []).map((h) => ({ kind: h.kind, count: h.entries.length })),
    safeToReapply: m ? m.safeToReapply : null,
    replacePossible: m ? m.replacePossible : null,
  };
}

function uncheckedFamilies(ctx: FileContext): void {
  const undef = undefinedNames(ctx);
  ctx.emit("unchecked-symbols", `${undef.length} undefined symbol(s)${undef.length ? ` (${undef.slice(0, 4).join(", ")}${undef.length > 4 ? ", …" : ""})` : ""} and name lookups cannot be resolved, nor new symbols checked against Xen's`);
  if (ctx.model.funcs.length) {
    ctx.emit("unchecked-old-function", `old_size and ENDBR64 of ${ctx.model.funcs.length} old function(s) cannot be checked against the image`);
    ctx.emit("unchecked-displacement", `branch distances and relocation ranges assume the payload at ${hexAddr(ctx.model.regions.base)}; the old functions' addresses are unknown`);
  }
}

function patchedTwice(findings: Finding[], all: { file: string; fileIndex: number; targets: PatchTarget[] }[]): void {
  const seen = new Map<string, { file: string; index: number; name: string | null }>();
  for (const f of all)
    for (const t of f.targets) {
      const key = t.oldAddr !== null ? hexAddr(t.oldAddr) : t.name ? `name:${t.name}` : null;
      if (!key) continue;
      const prev = seen.get(key);
      if (prev) {
        const what = t.name ?? key;
        const msg =
          prev.file === f.file
            ? `${what} is patched twice by this payload (funcs[${prev.index}] and funcs[${t.index}]); the second branch overwrites the first`
            : `${what} is also patched by ${prev.file}; applied after it, this payload's branch wins, and ${prev.file} cannot be reverted before this one (−EBUSY)`;
        findings.push(makeFinding("func-patched-twice", msg, { section: ".livepatch.funcs", offset: t.offset, length: 1, func: { index: t.index, name: t.name } }, f));
      }
      seen.set(key, { file: f.file, index: t.index, name: t.name });
    }
}

export interface AuditOptions {
  /** Instruction decoder for the image's arch; without it the instruction-boundary review is skipped. */
  decode?: Decode;
}

export function auditPayloads(files: readonly AuditFile[], imageInput: AuditImage | null = null, options: AuditOptions = {}): AuditResult {
  const image: XenImage | null = imageInput ? xenImage(imageInput.file, imageInput.elf) : null;
  const findings: Finding[] = [];
  const loaded: LoadedPayload[] = [];
  const applied: Applied[] = [];
  const predictions: Prediction[] = [];
  const summaries: FileSummary[] = [];
  const targetsByFile: { file: string; fileIndex: number; targets: PatchTarget[] }[] = [];
  let nextBase: bigint | null = image?.payloadBase ?? null;
  const overlay: MemoryOverlay = new Map();

  files.forEach((input, fileIndex) => {
    const { file, bytes } = input;
    const name = payloadName(file);
    let elf: ElfFile;
    try {
      elf = parseElf(bytes);
    } catch (e) {
      const err = e instanceof ElfFormatError ? e : null;
      const rc = err && (err.code === "BAD_CLASS" || err.code === "BAD_DATA") ? -EOPNOTSUPP : -EINVAL;
      findings.push(makeFinding("elf-unparsable", `not a readable ELF file: ${(e as Error).message}`, { offset: err?.offset ?? 0, rc }, { file, fileIndex }));
      predictions.push({ file, name, upload: rc, apply: null });
      summaries.push(summary(null, file, bytes.length, []));
      return;
    }
    const arch = image?.arch ?? null;
    const textBase = nextBase ?? (arch ? DEFAULT_TEXT_BASE[arch] : undefined);
    const model = analyzePayload(elf, textBase !== undefined ? { textBase, textBaseReason: image ? "placed after the image and earlier payloads, as Xen's vmap would" : "assumed" } : {});
    if (!model) {
      // No .livepatch.* section at all: Xen reads the ELF, then stops at the missing xen_depends.
      const ctx = createFileContext({ file, fileIndex, elf, model: { arch: archOfMachine(elf.header.machine) } as LivepatchModel, image, loaded });
      if (checkElf(ctx)) ctx.emit("xen-depends-missing", "no .livepatch.* section at all: this is not a livepatch payload (.livepatch.xen_depends is missing, −EINVAL)", { offset: 0 });
      findings.push(...ctx.findings);
      predictions.push({ file, name, upload: firstRc(ctx.findings, "upload"), apply: null });
      summaries.push(summary(null, file, bytes.length, []));
      targetsByFile.push({ file, fileIndex, targets: [] });
      return;
    }
    const ctx = createFileContext({ file, fileIndex, elf, model, image, loaded, overlay });
    if (loaded.some((p) => p.name === name)) ctx.emit("payload-name-duplicate", `a payload named ${name} is already loaded (−EEXIST)`, {});
    const up = upload(ctx);
    const uploadRc = firstRc(ctx.findings, "upload");
    let applyRc: number | null = null;
    if (uploadRc === null) {
      const start = model.regions.base;
      loaded.push({ file, name, buildId: model.buildId?.buildId ?? null, exports: up.exports, start, end: start + BigInt(model.regions.pages * PAGE_SIZE) });
      if (nextBase !== null) nextBase += BigInt((model.regions.pages + 1) * PAGE_SIZE);
      applyRc = apply(ctx, applied, up.targets);
      if (applyRc === 0 || (applyRc === null && !ctx.findings.some((f) => f.stage === "apply" && f.severity === "error"))) {
        applied.push({ file, buildId: model.buildId?.buildId ?? null, vetoing: !model.replacePossible });
        recordPatches(ctx, up.targets, overlay);
      }
    }
    if (uploadRc === null || !ctx.findings.some((f) => f.stage === "upload" && f.severity === "error" && f.id.startsWith("elf"))) {
      reviewTargets(ctx, up.targets);
      reviewBoundaries(ctx, up.targets, options.decode);
      reviewHooks(ctx);
      reviewReapply(ctx);
      reviewReplace(
        ctx,
        applied.filter((a) => a.vetoing && a.file !== file).map((a) => a.file),
      );
      if (!image) uncheckedFamilies(ctx);
    }
    findings.push(...ctx.findings);
    targetsByFile.push({ file, fileIndex, targets: up.targets });
    const known = image !== null;
    predictions.push({ file, name, upload: uploadRc ?? (known ? 0 : null), apply: uploadRc !== null ? null : (firstRc(ctx.findings, "apply") ?? (known ? (applyRc ?? 0) : null)) });
    summaries.push(summary(ctx, file, bytes.length, up.targets));
  });
  patchedTwice(findings, targetsByFile);
  return {
    verdict: findings.some((f) => f.severity === "error") ? "reject" : "accept",
    findings,
    files: summaries,
    image: image ? { file: image.file, arch: image.arch, buildId: image.buildId } : null,
    predictions,
  };
}
