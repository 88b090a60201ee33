import { describe, expect, it } from "vitest";
import { ALT_CALL_SITE, ARM_ALT_INSTR, EX_TABLE_ENTRY, funcLayout, X86_ALT_INSTR } from "./layouts.ts";

describe("record layouts (xen/include/public/sysctl.h: struct livepatch_func; xen/include/xen/livepatch_payload.h)", () => {
  it.each([
    ["v2", 8, 104, { name: 0, new_addr: 8, old_addr: 16, new_size: 24, old_size: 28, version: 32, applied: 64, patch_offset: 65, expect: 72 }],
    ["v2", 4, 92, { name: 0, new_addr: 4, old_addr: 8, new_size: 12, old_size: 16, version: 20, applied: 52, patch_offset: 53, expect: 60 }],
    ["v1", 8, 64, { name: 0, new_addr: 8, old_addr: 16, new_size: 24, old_size: 28, version: 32, opaque: 33 }],
    ["v1", 4, 52, { name: 0, new_addr: 4, old_addr: 8, new_size: 12, old_size: 16, version: 20, opaque: 21 }],
    ["xsplice", 8, 64, { version: 32 }],
  ] as const)("%s with %d-byte pointers", (id, ptr, size, offsets) => {
    const l = funcLayout(id, ptr);
    expect(l.size).toBe(size);
    for (const [name, off] of Object.entries(offsets)) expect(l.field(name).offset).toBe(off);
  });

  it("alternatives, exception table and alt-call entries", () => {
    expect(X86_ALT_INSTR.size).toBe(14);
    expect(X86_ALT_INSTR.field("priv").offset).toBe(13);
    expect(ARM_ALT_INSTR.size).toBe(12);
    expect(ARM_ALT_INSTR.field("repl_len").offset).toBe(11);
    expect(EX_TABLE_ENTRY.size).toBe(8);
    expect(ALT_CALL_SITE.size).toBe(4);
  });
});
