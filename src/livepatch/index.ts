// Public surface of the livepatch payload model. Pure: imports only src/elf.
export { analyzePayload, isPayload } from "./analyze.ts";
export { computePatch, startsWithEndbr, x86Nops, BRANCH_RANGE, type LivepatchArch, type PatchInput, type PatchPreview } from "./trampoline.ts";
export { parseBuildIdNote, findAppendedSignature, parseXenSignatureNote, type AppendedSignature, type XenSignatureNote } from "./notes.ts";
export { parseModinfo, type Modinfo, type ModinfoEntry } from "./modinfo.ts";
export { decodeExpectation, type Expectation } from "./expectation.ts";
export { funcLayout, FUNC_LAYOUTS, HOOK_KINDS, type FuncLayoutId, type HookKind, type StructLayout } from "./layouts.ts";
export { DEFAULT_TEXT_BASE, PAGE_SIZE } from "./regions.ts";
export { imageOptions, payloadBaseFor } from "./image.ts";
export { livepatchJson, pointerJson } from "./json.ts";
export type * from "./types.ts";
export type { LpDiagnostic } from "./diagnostics.ts";
