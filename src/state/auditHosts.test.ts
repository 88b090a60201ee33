// One simulated host per target image. The samples' build-ids (readelf -n): each x86_64 payload's
// .livepatch.xen_depends names the x86_64 sample xen-syms, each aarch64 payload's the aarch64 one;
// xen_no_xen_buildid has no .livepatch.xen_depends and xen_wrong_xen_buildid names neither.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseElf } from "../elf/index.ts";
import { analyzePayload } from "../livepatch/index.ts";
import { auditHosts, fileArch, hostArch, planInput } from "./auditHosts.ts";
import type { LoadedFile } from "./files.ts";
import { loadedSample } from "./test-support/loaded.ts";

const SAMPLES = new URL("../../public/samples/", import.meta.url);

const loaded = (path: string): LoadedFile => loadedSample(path, path);

const broken: LoadedFile = { id: "junk", name: "junk.livepatch", size: 3, origin: { kind: "user" }, status: "error", progress: null, problem: { message: "not an ELF file" } as LoadedFile["problem"], parsed: null, source: null };

const shape = (files: LoadedFile[]) => auditHosts(files).map((h) => [h.image?.id ?? null, h.files.map((f) => f.id)]);

describe("audit hosts", () => {
  it("nothing to audit: no host", () => {
    expect(shape([loaded("x86_64/xen-syms")])).toEqual([]);
  });

  it("one image: one host for every payload, whatever it names", () => {
    expect(shape([loaded("x86_64/xen-syms"), loaded("x86_64/xen_hello_world.livepatch"), loaded("x86_64/xen_wrong_xen_buildid.livepatch")])).toEqual([
      ["x86_64/xen-syms", ["x86_64/xen_hello_world.livepatch", "x86_64/xen_wrong_xen_buildid.livepatch"]],
    ]);
  });

  it("two images: each payload on the host of the image it names, in rail order", () => {
    const files = ["x86_64/xen-syms", "aarch64/xen_hello_world.livepatch", "x86_64/xen_hello_world.livepatch", "aarch64/xen-syms", "x86_64/xen_bye_world.livepatch"].map(loaded);
    expect(shape(files)).toEqual([
      ["aarch64/xen-syms", ["aarch64/xen_hello_world.livepatch"]],
      ["x86_64/xen-syms", ["x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch"]],
    ]);
  });

  it("a payload that names no loaded image goes to an image of its machine; a file that could not be parsed, to the first host at its place in the rail", () => {
    const files = [loaded("x86_64/xen_no_xen_buildid.livepatch"), broken, loaded("aarch64/xen-syms"), loaded("x86_64/xen-syms"), loaded("aarch64/xen_nop.livepatch"), loaded("x86_64/xen_nop.livepatch")];
    expect(shape(files)).toEqual([
      ["x86_64/xen-syms", ["x86_64/xen_no_xen_buildid.livepatch", "junk", "x86_64/xen_nop.livepatch"]],
      ["aarch64/xen-syms", ["aarch64/xen_nop.livepatch"]],
    ]);
  });

  it("a payload for a machine no loaded image has runs on the first loaded image, as `audit --xen` runs it: that Xen refuses it", () => {
    const files = [loaded("x86_64/xen-syms"), loaded("x86_64/xen_hello_world.livepatch"), loaded("arm32/xen_hello_world.livepatch")];
    expect(shape(files)).toEqual([["x86_64/xen-syms", ["x86_64/xen_hello_world.livepatch", "arm32/xen_hello_world.livepatch"]]]);
    // Only an AArch64 image, an x86-64 payload (QA s27-a defect 1: the page said accept on a stand-in).
    expect(shape([loaded("aarch64/xen-syms"), loaded("x86_64/xen_hello_world.livepatch")])).toEqual([["aarch64/xen-syms", ["x86_64/xen_hello_world.livepatch"]]]);
    // Two images: a third machine's payload goes to the first.
    expect(shape([loaded("aarch64/xen-syms"), loaded("x86_64/xen-syms"), loaded("arm32/xen_hello_world.livepatch")])).toEqual([["aarch64/xen-syms", ["arm32/xen_hello_world.livepatch"]]]);
  });

  it("only a file nobody could read: one host for it to fail closed in", () => {
    expect(shape([broken])).toEqual([[null, ["junk"]]]);
    expect(shape([loaded("x86_64/xen-syms"), broken])).toEqual([["x86_64/xen-syms", ["junk"]]]);
  });

  it("no image: a stand-in Xen per machine", () => {
    expect(shape([loaded("x86_64/xen_hello_world.livepatch"), loaded("aarch64/xen_hello_world.livepatch"), loaded("x86_64/xen_bye_world.livepatch")])).toEqual([
      [null, ["x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch"]],
      [null, ["aarch64/xen_hello_world.livepatch"]],
    ]);
  });
});

describe("what the audit is given for a loaded file", () => {
  // A user's file that the parse worker refused (0 bytes: no ELF magic) keeps its File.
  const empty = new Blob([]);
  const refused: LoadedFile = {
    ...broken,
    id: "empty",
    name: "empty.livepatch",
    size: 0,
    problem: { code: "TRUNCATED_HEADER", message: "empty.livepatch: file is 0 bytes, too short for the ELF magic", offset: 0 },
    source: empty,
  };

  it("a file that could not be parsed goes with its bytes and no problem: the audit reads and uploads it as the CLI does", () => {
    const input = planInput(refused, "apply");
    expect(input).toEqual({ file: "empty.livepatch", bytes: empty, role: "apply" });
    expect(input.bytes).toBe(empty);
  });

  it("a parsed sample goes with its bytes", () => {
    const hello = loaded("x86_64/xen_hello_world.livepatch");
    const input = planInput(hello, "replace");
    expect(input.problem).toBeUndefined();
    // readelf -h: 34 section headers of 64 bytes from byte 2688, the end of the file.
    expect(input.bytes).toHaveLength(2688 + 34 * 64);
  });

  it("only a file whose bytes never arrived is unreadable, its reason said once, in the house form", () => {
    const lost: LoadedFile = { ...refused, origin: { kind: "sample", path: "x86_64/gone.livepatch" }, name: "gone.livepatch", source: null, problem: { code: "READ_FAILED", message: "could not read the file: HTTP 404 for sample x86_64/gone.livepatch", offset: null } };
    expect(planInput(lost, "apply")).toEqual({ file: "gone.livepatch", bytes: new Uint8Array(0), role: "apply", problem: "could not read the file: HTTP 404 for sample x86_64/gone.livepatch (READ_FAILED)" });
    const named: LoadedFile = { ...lost, problem: { code: "TRUNCATED_HEADER", message: "gone.livepatch: file is 0 bytes, too short for the ELF magic", offset: 0 } };
    expect(planInput(named, "apply").problem).toBe("file is 0 bytes, too short for the ELF magic at byte 0x0 (TRUNCATED_HEADER)");
  });
});

/**
 * An x86_64 sample with e_machine (2 bytes at 18) set to 8, EM_MIPS: an ELF for a machine Xen does
 * not livepatch (readelf -h: MIPS R3000). Hello world by default; xen-syms gives an image.
 */
function mips(path = "x86_64/xen_hello_world.livepatch"): LoadedFile {
  const bytes = new Uint8Array(readFileSync(new URL(path, SAMPLES)));
  bytes[18] = 8;
  bytes[19] = 0;
  const elf = parseElf(bytes);
  const image = path.endsWith("xen-syms");
  const parsed = { fileName: "mips.livepatch", size: bytes.length, role: image ? ("image" as const) : ("payload" as const), elf, livepatch: image ? null : analyzePayload(elf) };
  return { id: "mips", name: "mips.livepatch", size: bytes.length, origin: { kind: "user" }, status: "ready", progress: null, problem: null, parsed, source: null };
}

// The machine the rail names a file by. readelf -h: Machine "Advanced Micro Devices X86-64"
// (e_machine 62), "AArch64" (183), "ARM" (40).
describe("the machine a file is", () => {
  it("a machine Xen livepatches by its short name, any other by its e_machine, an unparsed file by none", () => {
    expect(fileArch(loaded("x86_64/xen-syms"))).toBe("x86_64");
    expect(fileArch(loaded("aarch64/xen_hello_world.livepatch"))).toBe("aarch64");
    expect(fileArch(loaded("arm32/xen-syms"))).toBe("arm32");
    expect(fileArch(mips())).toBe("e_machine 8");
    expect(fileArch(broken)).toBeNull();
    expect(fileArch(null)).toBeNull();
  });
});

// Which machine each host's Xen is, as the drawer and the Map name it. The samples' e_machine
// (readelf -h): X86-64, AArch64, ARM. The stand-in's machine is the audit's rule (docs/architecture.md:
// its architecture from any readable ELF, x86-64 when none is one Xen livepatches or none is ELF at
// all); `livepatch-lens audit` says so in its assumptions for such a plan.
describe("the machine a host's Xen is", () => {
  it("an image host is its image's machine; a stand-in, its payloads'", () => {
    expect(auditHosts([loaded("aarch64/xen-syms"), loaded("arm32/xen_hello_world.livepatch")]).map(hostArch)).toEqual(["aarch64"]);
    expect(auditHosts([loaded("aarch64/xen_hello_world.livepatch"), loaded("arm32/xen_hello_world.livepatch")]).map(hostArch)).toEqual(["aarch64", "arm32"]);
  });

  it("an image host of a machine Xen does not livepatch is named as the rail names the image", () => {
    expect(hostArch({ image: mips("x86_64/xen-syms"), files: [loaded("x86_64/xen_hello_world.livepatch")] })).toBe("e_machine 8");
  });

  it("a stand-in for files that are not ELF is x86-64, the machine the audit boots it as", () => {
    expect(hostArch({ image: null, files: [broken] })).toBe("x86_64");
  });

  it("a stand-in for an ELF of a machine Xen does not livepatch is x86-64, beside hosts of other machines", () => {
    const hosts = auditHosts([loaded("arm32/xen_hello_world.livepatch"), mips()]);
    expect(hosts.map((h) => [h.image?.id ?? null, h.files.map((f) => f.id), hostArch(h)])).toEqual([
      [null, ["arm32/xen_hello_world.livepatch"], "arm32"],
      [null, ["mips"], "x86_64"],
    ]);
  });
});
