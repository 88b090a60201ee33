// Fields filled by relocations whose symbols the reader cannot resolve (unresolvedSymbol() in
// src/livepatch/symbols.ts): nothing is derived from them, in the model, the audit or inspect.
// Both files are ones Xen refuses before it applies a relocation (livepatch_elf.c:
// elf_resolve_sections(): "Unsupported multiple symbol tables" −EOPNOTSUPP, "String table section
// is corrupted" −EINVAL), so a NULL hook or a hook that is not a function is never the reason.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { writeText } from "../cli/inspectText.ts";
import { HEADROOM, StreamOut } from "../cli/output.ts";
import { parseElf } from "../elf/index.ts";
import { hookPresent } from "../livepatch/hooks.ts";
import { analyzePayload, funcLabel } from "../livepatch/index.ts";
import { targetText } from "../livepatch/label.ts";
import { runAudit, type AuditHost } from "./index.ts";
import { Patch, sample } from "./test-support/samples.ts";
import { collectingSink } from "../cli/test-support/sink.ts";

const HELLO = "x86_64/xen_hello_world.livepatch";

// readelf -SW / -rW on the sample: .symtab is section 31 (sh_link 32, .strtab), .note.GNU-stack is
// section 30 (empty), and 8 fields are filled by relocations: 3 in .livepatch.funcs (name,
// new_addr, old_addr), 3 in .livepatch.hooks.unload, 2 in .livepatch.hooks.load.
const CASES = [
  {
    what: ".symtab links to a section that is not a string table (section 1, the build-id note)",
    edit: (p: Patch) => p.shdr(".symtab", "link", 1),
    reason: "the symbol table links to section 1, which is not a string table, so no symbol has a name",
  },
  {
    what: "a second SHT_SYMTAB (.note.GNU-stack retyped), read before .symtab",
    edit: (p: Patch) => p.shdr(".note.GNU-stack", "type", 2),
    reason: "the file has 2 symbol tables (sections 30, 31), so which one names a relocation's symbol is not known",
  },
];

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

async function inspectText(bytes: Uint8Array): Promise<string> {
  const { sink, text } = collectingSink();
  const elf = parseElf(bytes);
  await writeText(new StreamOut(sink, HEADROOM * 2), "t.livepatch", elf, analyzePayload(elf));
  return text();
}

describe.each(CASES)("$what", ({ edit, reason }) => {
  const bytes = () => {
    const p = new Patch(sample(HELLO));
    edit(p);
    return p.bytes;
  };

  it("the model marks every relocated field unresolved and says why once", () => {
    const m = analyzePayload(parseElf(bytes()))!;
    const fn = m.funcs[0];
    expect([fn.name, fn.newAddr, fn.oldAddr].map((f) => f.target.kind)).toEqual(["unresolved", "unresolved", "unresolved"]);
    expect(fn.name.text).toBeNull();
    const hooks = Object.fromEntries(m.hooks.map((h) => [h.kind, h.entries.map((e) => e.pointer.target.kind)]));
    expect(hooks).toEqual({ load: ["unresolved", "unresolved"], unload: ["unresolved", "unresolved", "unresolved"] });
    // A relocation fills them: they are not NULL, so the hooks are present.
    expect(m.hooks.every(hookPresent)).toBe(true);
    const codes = m.diagnostics.map((d) => d.code);
    for (const derived of ["LP_HOOK_NULL", "LP_HOOK_NOT_FUNC", "LP_NEW_ADDR_NOT_FUNC", "LP_FUNC_NO_TARGET"]) expect(codes).not.toContain(derived);
    const unresolved = m.diagnostics.filter((d) => d.code === "LP_UNRESOLVED");
    expect(unresolved.map((d) => d.message)).toEqual([`8 fields (.livepatch.funcs[0].name, …) are filled by relocations whose symbols cannot be resolved: ${reason}; their values are unknown`]);
    expect(targetText(fn.newAddr.target)).toBe("(unresolved)");
    expect(funcLabel(fn)).toBe("name unresolved");
  });

  it("the audit reports no NULL hook and no hook that is not a function, and the reason once", async () => {
    const r = await runAudit({ image: { file: "xen-syms", bytes: sample("x86_64/xen-syms") }, files: [{ file: "p.livepatch", bytes: bytes(), role: "apply" }] }, host);
    expect(r.verdict).toBe("reject");
    const ids = r.findings.map((f) => f.id);
    expect(ids).not.toContain("hook-null-entry");
    expect(ids).not.toContain("hook-not-function");
    expect(r.findings.filter((f) => f.id === "fields-unresolved").map((f) => f.message)).toEqual([expect.stringContaining(reason)]);
    const runs = r.findings.filter((f) => f.id === "hook-runs").map((f) => f.message);
    expect(runs.find((t) => t.startsWith("load hooks"))).toMatch(/^load hooks \(unresolved\), \(unresolved\) run /);
    expect(r.findings.find((f) => f.id === "func-no-expectation")?.message).toMatch(/^funcs\[0\] \(name unresolved\):/);
  });

  it("inspect prints the fields as unresolved, not as 0, NULL or a NOP-out", async () => {
    const text = await inspectText(bytes());
    expect(text).toContain("  [0] (name unresolved)  version 2");
    expect(text).toMatch(/\n {6}new_addr \(unresolved\); filled by R_X86_64_64 against #\d+ \(\.rela\.livepatch\.funcs\[1\]/);
    expect(text).toContain("\n  load        (unresolved), (unresolved)\n");
    expect(text).toContain("\n  unload      (unresolved), (unresolved), (unresolved)\n");
    expect(text).not.toContain("NOP-out");
  });
});
