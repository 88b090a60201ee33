// The livepatch view of a payload: plain, structured-clone-friendly data. Addresses stay bigint;
// every item carries the file offset it was read from so views can link to the hex dump.
import type { Expectation } from "./expectation.ts";
import type { FuncLayoutId, HookKind } from "./layouts.ts";
import type { LpDiagnostic } from "./diagnostics.ts";
import type { Modinfo } from "./modinfo.ts";
import type { AppendedSignature, XenSignatureNote } from "./notes.ts";
import type { LivepatchArch, PatchPreview } from "./trampoline.ts";

/** The relocation that fills a field: its provenance. */
export interface RelocRef {
  /** Relocation section name, e.g. `.rela.livepatch.funcs`. */
  section: string;
  sectionIndex: number;
  /** Entry index inside the relocation section. */
  index: number;
  /** File offset of the relocation record. */
  recordOffset: number;
  type: number;
  typeName: string;
  symbolIndex: number;
  /** As readelf prints it: the section name for SECTION symbols. */
  symbol: string;
  /** RELA addend, or for REL the implicit addend read from the patched word. */
  addend: bigint;
  /** `r_offset`: offset inside the target section. */
  offset: bigint;
}

/** Where a pointer field points, symbolically. */
export type PointerTarget =
  | { kind: "null" }
  | { kind: "absolute"; value: bigint }
  | {
      kind: "symbol";
      /** The symbol to report: for a section symbol, the function or object found at section+addend. */
      symbol: string;
      addend: bigint;
      /** Whether the symbol is defined in this payload (else the hypervisor resolves it). */
      defined: boolean;
      /** Section the target lies in, when defined. */
      sectionIndex?: number;
      /** Offset of the target inside that section, when defined. */
      sectionOffset?: bigint;
      /** st_type of the reported symbol (2 = FUNC). */
      symbolType?: number;
      /** st_size of the reported symbol. */
      symbolSize?: bigint;
    };

export interface PointerField {
  /** File offset of the field. */
  offset: number;
  /** The bytes in the file, as an unsigned word. */
  raw: bigint;
  reloc: RelocRef | null;
  target: PointerTarget;
}

export interface LivepatchFunc {
  index: number;
  /** File offset of the record. */
  offset: number;
  size: number;
  name: PointerField & { text: string | null };
  newAddr: PointerField;
  oldAddr: PointerField;
  newSize: number;
  oldSize: number;
  version: number;
  /** v2 only. */
  expect: Expectation | null;
  /** v2: the `applied` byte 4.14–4.18.0 trusted from the file. */
  appliedByte: number | null;
  /** Trampoline or NOP preview; null when the old address is unknown. */
  patch: (PatchPreview & { oldAddr: bigint; newAddr: bigint; assumed: string }) | null;
}

export interface HookEntry {
  offset: number;
  pointer: PointerField;
}

export interface HookSection {
  kind: HookKind;
  sectionIndex: number;
  offset: number;
  size: number;
  entries: HookEntry[];
}

export interface NoteInfo {
  section: string;
  sectionIndex: number;
  offset: number;
  size: number;
  buildId: string | null;
  rc: number;
}

export type RegionName = "text" | "rw" | "ro";

export interface PlacedSection {
  sectionIndex: number;
  name: string;
  region: RegionName;
  /** Offset inside the region. */
  offset: number;
  size: number;
  address: bigint;
}

export interface Regions {
  base: bigint;
  pageSize: number;
  text: { address: bigint; size: number };
  rw: { address: bigint; size: number };
  ro: { address: bigint; size: number };
  pages: number;
  sections: PlacedSection[];
  /** How `base` was chosen. */
  assumption: string;
}

export interface SelfRelative {
  /** File offset of the field. */
  offset: number;
  raw: number;
  reloc: RelocRef | null;
  /** The address the field designates, as symbol+addend (S+A of its PC-relative relocation). */
  target: PointerTarget;
}

export interface AltInstr {
  index: number;
  offset: number;
  orig: SelfRelative;
  repl: SelfRelative;
  feature: number;
  origLen: number;
  replLen: number;
  padLen: number | null;
}

export interface ExTableEntry {
  index: number;
  offset: number;
  addr: SelfRelative;
  cont: SelfRelative;
}

export interface BugFrame {
  /** 0 run_fn, 1 warn, 2 bug, 3 assert (from the section name). */
  frameType: number;
  index: number;
  offset: number;
  loc: SelfRelative;
  ptr: SelfRelative;
}

export interface AltCallSite {
  index: number;
  offset: number;
  site: SelfRelative;
}

/**
 * What `.livepatch.depends` names: Xen itself (it equals `.livepatch.xen_depends` or the given
 * image's build-id), another payload, or unknown (no xen_depends and no image to compare with).
 */
export type DependencyTarget = { kind: "xen" | "payload" | "unknown"; buildId: string } | null;

export interface LivepatchModel {
  arch: LivepatchArch | null;
  pointerSize: 4 | 8;
  littleEndian: boolean;
  layout: FuncLayoutId | null;
  funcsSection: string | null;
  funcs: LivepatchFunc[];
  hooks: HookSection[];
  buildId: NoteInfo | null;
  depends: NoteInfo | null;
  xenDepends: NoteInfo | null;
  dependsOn: DependencyTarget;
  modinfo: Modinfo | null;
  alternatives: AltInstr[];
  exTable: ExTableEntry[];
  bugFrames: BugFrame[];
  altCalls: AltCallSite[];
  appendedSignature: AppendedSignature | null;
  xenSignature: XenSignatureNote | null;
  regions: Regions;
  safeToReapply: boolean;
  replacePossible: boolean;
  diagnostics: LpDiagnostic[];
}

/** What the hypervisor side (an image such as xen-syms) can tell the analysis. Optional. */
export interface AnalyzeOptions {
  /** Where the payload's text region would start; defaults per arch (see regions.ts). */
  textBase?: bigint;
  /** Why `textBase` has that value, for the stated assumptions. */
  textBaseReason?: string;
  /** Resolve a Xen (or earlier payload) symbol name to its address. */
  resolveSymbol?(name: string): bigint | null;
  /** Read bytes at a hypervisor address (for ENDBR64 detection and expectations). */
  readMemory?(address: bigint, length: number): Uint8Array | null;
  /** The target Xen's build-id (lowercase hex), checked against `.livepatch.xen_depends`. */
  xenBuildId?: string;
}
