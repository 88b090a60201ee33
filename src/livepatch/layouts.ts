// On-disk layouts of the records Xen reads from a payload, each described once as a field table
// and instantiated per pointer size (xen/include/public/sysctl.h: struct livepatch_func, struct livepatch_expectation). Offsets come from natural alignment, so the
// 64- and 32-bit variants fall out of one description.

export type FieldKind = "ptr" | "u8" | "u16" | "u32" | "s32" | "bytes";

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** Element count for "bytes". */
  count?: number;
}

export interface FieldLayout {
  name: string;
  kind: FieldKind;
  offset: number;
  size: number;
}

export interface StructLayout {
  name: string;
  size: number;
  fields: FieldLayout[];
  field(name: string): FieldLayout;
}

export type PointerSize = 4 | 8;

function kindSize(kind: FieldKind, ptr: PointerSize): number {
  switch (kind) {
    case "ptr":
      return ptr;
    case "u8":
    case "bytes":
      return 1;
    case "u16":
      return 2;
    case "u32":
    case "s32":
      return 4;
  }
}

/** Lays out fields as a C compiler would (natural alignment, tail padding), or packed. */
export function layoutStruct(name: string, specs: readonly FieldSpec[], ptr: PointerSize, packed = false): StructLayout {
  let at = 0;
  let maxAlign = 1;
  const fields: FieldLayout[] = [];
  for (const spec of specs) {
    const unit = kindSize(spec.kind, ptr);
    const align = packed ? 1 : unit;
    maxAlign = Math.max(maxAlign, align);
    at = Math.ceil(at / align) * align;
    const size = unit * (spec.kind === "bytes" ? (spec.count ?? 1) : 1);
    fields.push({ name: spec.name, kind: spec.kind, offset: at, size });
    at += size;
  }
  const size = Math.ceil(at / maxAlign) * maxAlign;
  const byName = new Map(fields.map((f) => [f.name, f]));
  return {
    name,
    size,
    fields,
    field(n: string): FieldLayout {
      const f = byName.get(n);
      if (!f) throw new Error(`layout ${name} has no field ${n}`);
      return f;
    },
  };
}

export const OPAQUE_SIZE = 31;

const FUNC_HEAD: FieldSpec[] = [
  { name: "name", kind: "ptr" },
  { name: "new_addr", kind: "ptr" },
  { name: "old_addr", kind: "ptr" },
  { name: "new_size", kind: "u32" },
  { name: "old_size", kind: "u32" },
  { name: "version", kind: "u8" },
];

/** xSplice (4.7 release candidates) and livepatch v1 (4.7–4.13) share these bytes. */
const FUNC_V1: FieldSpec[] = [...FUNC_HEAD, { name: "opaque", kind: "bytes", count: OPAQUE_SIZE }];

/**
 * v2 (4.14+). Bytes 33–71 were opaque/applied/patch_offset in older v2 releases and are padding
 * now; `applied` and `patch_offset` are named here because 4.14–4.18.0 read them from the file.
 */
const FUNC_V2: FieldSpec[] = [
  ...FUNC_HEAD,
  { name: "opaque", kind: "bytes", count: OPAQUE_SIZE },
  { name: "applied", kind: "u8" },
  { name: "patch_offset", kind: "u8" },
  { name: "_pad", kind: "bytes", count: 6 },
  { name: "expect", kind: "bytes", count: 1 + OPAQUE_SIZE },
];

export type FuncLayoutId = "xsplice" | "v1" | "v2";

export interface FuncLayoutInfo {
  id: FuncLayoutId;
  section: string;
  version: number;
  specs: FieldSpec[];
  description: string;
}

export const FUNC_LAYOUTS: Record<FuncLayoutId, FuncLayoutInfo> = {
  xsplice: { id: "xsplice", section: ".xsplice.funcs", version: 1, specs: FUNC_V1, description: "struct xsplice_patch_func (Xen 4.7 release candidates)" },
  v1: { id: "v1", section: ".livepatch.funcs", version: 1, specs: FUNC_V1, description: "struct livepatch_func version 1 (Xen 4.7–4.13)" },
  v2: { id: "v2", section: ".livepatch.funcs", version: 2, specs: FUNC_V2, description: "struct livepatch_func version 2 (Xen 4.14+)" },
};

const funcLayouts = new Map<string, StructLayout>();

export function funcLayout(id: FuncLayoutId, ptr: PointerSize): StructLayout {
  const key = `${id}/${ptr}`;
  let layout = funcLayouts.get(key);
  if (!layout) {
    layout = layoutStruct(id === "v2" ? "livepatch_func v2" : id === "v1" ? "livepatch_func v1" : "xsplice_patch_func", FUNC_LAYOUTS[id].specs, ptr);
    funcLayouts.set(key, layout);
  }
  return layout;
}

/** x86 `struct alt_instr`, packed: 14 bytes. */
export const X86_ALT_INSTR = layoutStruct(
  "alt_instr (x86)",
  [
    { name: "orig_offset", kind: "s32" },
    { name: "repl_offset", kind: "s32" },
    { name: "cpuid", kind: "u16" },
    { name: "orig_len", kind: "u8" },
    { name: "repl_len", kind: "u8" },
    { name: "pad_len", kind: "u8" },
    { name: "priv", kind: "u8" },
  ],
  8,
  true,
);

/** ARM `struct alt_instr`: 12 bytes. */
export const ARM_ALT_INSTR = layoutStruct(
  "alt_instr (arm)",
  [
    { name: "orig_offset", kind: "s32" },
    { name: "repl_offset", kind: "s32" },
    { name: "cpufeature", kind: "u16" },
    { name: "orig_len", kind: "u8" },
    { name: "repl_len", kind: "u8" },
  ],
  8,
);

/** x86 `struct exception_table_entry`: both fields are relative to their own address. */
export const EX_TABLE_ENTRY = layoutStruct("exception_table_entry", [
  { name: "addr", kind: "s32" },
  { name: "cont", kind: "s32" },
], 8);

/**
 * x86 `struct bug_frame` (xen/include/xen/bug.h): two 32-bit words, each a 24-bit displacement
 * from the frame's start with 7 bits of the line number above it (bugframes.ts splits them).
 */
export const X86_BUG_FRAME = layoutStruct("bug_frame", [
  { name: "loc_disp", kind: "s32" },
  { name: "ptr_disp", kind: "s32" },
], 8);

/** An x86 ASSERT frame (xen/arch/x86/include/asm/bug.h): the base, then a second half `0, msg − frame`. */
export const X86_ASSERT_FRAME = layoutStruct("bug_frame (assert, with its message half)", [
  { name: "loc_disp", kind: "s32" },
  { name: "ptr_disp", kind: "s32" },
  { name: "msg_zero", kind: "s32" },
  { name: "msg_disp", kind: "s32" },
], 8);

/** Arm `struct bug_frame` (xen/arch/arm/include/asm/bug.h): three frame-relative offsets and a 16-bit line. */
export const ARM_BUG_FRAME = layoutStruct("bug_frame", [
  { name: "loc_disp", kind: "s32" },
  { name: "file_disp", kind: "s32" },
  { name: "msg_disp", kind: "s32" },
  { name: "line", kind: "u16" },
  { name: "pad0", kind: "u16" },
], 8);

/** `struct alt_call`: one self-relative offset to a 6-byte `call *disp32(%rip)` site. */
export const ALT_CALL_SITE = layoutStruct("alt_call", [{ name: "site", kind: "s32" }], 8);

export const HOOK_KINDS = ["load", "unload", "preapply", "apply", "postapply", "prerevert", "revert", "postrevert"] as const;
export type HookKind = (typeof HOOK_KINDS)[number];
/** Hooks that Xen allows only one of (exactly one pointer). */
export const SINGLE_HOOKS: ReadonlySet<HookKind> = new Set(["preapply", "apply", "postapply", "prerevert", "revert", "postrevert"]);
/** Hooks whose presence makes a payload "vetoing", so REPLACE is refused. */
export const VETO_HOOKS: ReadonlySet<HookKind> = new Set(["preapply", "postapply", "prerevert", "postrevert"]);
