// Public surface of the livepatch payload model: what the file says, decoded, with structural
// problems as diagnostics. No Xen verdict is made here (the simulated hypervisor makes them). Pure:
// imports only src/elf.
export { analyzePayload, isPayload } from "./analyze.ts";
export { archOf, machineLabel, xenMachine } from "./context.ts";
export { decodeName, escapeName, escapeText, funcLabel, funcRecordLabel, heldOldAddr, nameNamelessRecord, recordName, recordTargetName, spellName } from "./label.ts";
export { shortBuildId } from "./shortBuildId.ts";
export { parseBuildIdNote, findAppendedSignature, parseXenSignatureNote, type AppendedSignature, type XenSignatureNote } from "./notes.ts";
export { parseModinfo, type Modinfo, type ModinfoEntry } from "./modinfo.ts";
export { decodeExpectation, type Expectation } from "./expectation.ts";
export { bugFrameText } from "./bugframes.ts";
export { funcLayout, FUNC_LAYOUTS, HOOK_KINDS, type FuncLayoutId, type HookKind, type StructLayout } from "./layouts.ts";
export { imageOptions } from "./image.ts";
export { livepatchJson, pointerJson } from "./json.ts";
export type * from "./types.ts";
export type { LpDiagnostic } from "./diagnostics.ts";
export { notPayload, type NotPayload } from "./notPayload.ts";
