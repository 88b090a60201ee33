// The livepatch view of a payload: plain, structured-clone-friendly data. Addresses stay bigint;
// every item carries the file offset it was read from so views can link to the hex dump.
import type { Expectation } from "./expectation.ts";
import type { FuncLayoutId, HookKind } from "./layouts.ts";
import type { LpDiagnostic } from "./diagnostics.ts";
import type { Modinfo } from "./modinfo.ts";
import type { AppendedSignature, XenSignatureNote } from "./notes.ts";

/** The architectures Xen livepatches, by the payload's e_machine. */
export type LivepatchArch = "x86_64" | "aarch64" | "arm32";

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
  /** As readelf prints it: the section name for SECTION symbols; `#<index>` when the symbol is unresolved. */
  symbol: string;
  /** Why the reader cannot resolve the symbol (unresolvedSymbol()), or null when it can. */
  unresolved: string | null;
  /** RELA addend, or for REL the implicit addend read from the patched word. */
  addend: bigint;
  /** `r_offset`: offset inside the target section. */
  offset: bigint;
}

/** Where a pointer field points, symbolically. */
export type PointerTarget =
  | { kind: "null" }
  | { kind: "absolute"; value: bigint }
  /**
   * A relocation fills the field, but the reader could not resolve its symbol (unresolvedSymbol()):
   * its value is not known, so nothing is derived from it. `reason` is said once, in LP_UNRESOLVED.
   */
  | { kind: "unresolved"; reason: string }
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
  /** Bytes of the record: 8 on x86 (16 for an ASSERT, with its message half), 16 on Arm. */
  size: number;
  /** The trapping instruction (bug_loc()). */
  loc: SelfRelative;
  /** WARN/BUG/ASSERT: the file name (bug_ptr(), Arm's file_disp); x86 run_fn: the function to run. */
  ptr: SelfRelative;
  /** ASSERT: the predicate's text (bug_msg()); null for the other kinds. */
  msg: SelfRelative | null;
  /** bug_line(): split out of the x86 words, Arm's 16-bit field; null for run_fn frames. */
  line: number | null;
  /** The strings `ptr` and `msg` reach inside the payload, when they do. */
  file: string | null;
  message: string | null;
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
  diagnostics: LpDiagnostic[];
}

/** What a target image (xen-syms) can tell the decoding: only its build-id, to name what `.livepatch.depends` points at. */
export interface AnalyzeOptions {
  /** The target Xen's build-id (lowercase hex). */
  xenBuildId?: string;
}
