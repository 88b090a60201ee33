// The Map's hypervisor functions belong to the hypervisor a payload runs on. The samples: every
// hello and bye world replaces xen_extra_version (fixtures/payloads/hello_world.c, bye_world.c),
// and each architecture's payloads name their own sample xen-syms in .livepatch.xen_depends.
import { describe, expect, it } from "vitest";
import { parseElf } from "../../elf/index.ts";
import { analyzePayload } from "../../livepatch/index.ts";
import { fileLinks } from "../../state/links.ts";
import type { LoadedFile } from "../../state/files.ts";
import { loadedSample } from "../../state/test-support/loaded.ts";
import { buildGraph } from "./buildGraph.ts";


const loaded = (path: string): LoadedFile => loadedSample(path);

const functions = (files: LoadedFile[]) =>
  buildGraph(files, fileLinks(files))
    .nodes.filter((n) => n.kind === "function")
    .map((n) => [n.label, n.sub, n.patchedBy]);

describe("the Map's hypervisor functions", () => {
  it("one hypervisor: hello and bye world patch the same xen_extra_version", () => {
    expect(functions(["x86_64/xen-syms", "x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch"].map(loaded))).toEqual([["xen_extra_version", "patched by 2 payloads", 2]]);
  });

  it("two hypervisors: each architecture's xen_extra_version is its own function, patched twice", () => {
    const files = ["x86_64/xen-syms", "aarch64/xen-syms", "x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch", "aarch64/xen_hello_world.livepatch", "aarch64/xen_bye_world.livepatch"].map(loaded);
    expect(functions(files)).toEqual([
      ["xen_extra_version", "x86_64 · patched by 2 payloads", 2],
      ["xen_extra_version", "aarch64 · patched by 2 payloads", 2],
    ]);
  });

  it("no image: one stand-in per machine keeps the architectures apart too", () => {
    const files = ["x86_64/xen_hello_world.livepatch", "aarch64/xen_hello_world.livepatch"].map(loaded);
    expect(functions(files)).toEqual([
      ["xen_extra_version", "x86_64 · hypervisor function", 1],
      ["xen_extra_version", "aarch64 · hypervisor function", 1],
    ]);
  });

  it("a stand-in for a payload of a machine Xen does not livepatch is named x86-64, the machine the audit boots it as; beside a loaded image it runs on that image", () => {
    // x86_64 hello world with e_machine (2 bytes at 18) set to 8: readelf -h says MIPS R3000, and
    // `livepatch-lens audit` on it assumes "the stand-in Xen is x86-64".
    const mips = loaded("x86_64/xen_hello_world.livepatch");
    const bytes = mips.parsed!.elf.bytes.slice();
    bytes[18] = 8;
    bytes[19] = 0;
    const elf = parseElf(bytes);
    const other: LoadedFile = { ...mips, id: "mips", name: "mips.livepatch", parsed: { ...mips.parsed!, elf, livepatch: analyzePayload(elf) } };
    const functions = (files: LoadedFile[]) => buildGraph(files, fileLinks(files)).nodes.filter((n) => n.kind === "function").map((n) => [n.sub, n.host]);
    // No image loaded: a stand-in per machine.
    expect(functions([loaded("aarch64/xen_hello_world.livepatch"), other])).toEqual([
      ["aarch64 · hypervisor function", "stand-in Xen (aarch64)"],
      ["x86_64 · hypervisor function", "stand-in Xen (x86_64)"],
    ]);
    // An AArch64 image loaded: the audit runs both on it, as `audit --xen` would (its Xen refuses
    // the MIPS one), so the Map has one host and both name its xen_extra_version.
    expect(functions([loaded("aarch64/xen-syms"), loaded("aarch64/xen_hello_world.livepatch"), other])).toEqual([["patched by 2 payloads", null]]);
  });

  it("a nameless record is named what the host's image calls its old address, as every other view names it", () => {
    // The sample xen_nop with its name taken away, as Xen's own xen_nop has it: old_addr is held
    // outright, 0xffff82d040200130, which `nm public/samples/x86_64/xen-syms` calls xen_minor_version.
    const nop = loaded("x86_64/xen_nop.livepatch");
    const lp = nop.parsed!.livepatch!;
    const fn = lp.funcs[0];
    expect(fn.oldAddr.target).toEqual({ kind: "absolute", value: 0xffff82d040200130n });
    const nameless: LoadedFile = { ...nop, parsed: { ...nop.parsed!, livepatch: { ...lp, funcs: [{ ...fn, name: { ...fn.name, text: null } }] } } };
    expect(functions([loaded("x86_64/xen-syms"), nameless])).toEqual([["xen_minor_version", "hypervisor function", 1]]);
    // No image to ask: the record's index, as the other views say then.
    expect(functions([nameless])).toEqual([["#0", "hypervisor function", 1]]);
  });
});
