// The samples catalogue as the scenario validator reads it: each entry's architecture is its
// file's (e_machine read straight from the ELF header), and a payload list moves to another image
// by file name.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { payloadsFor, remapPayloads, SAMPLE_IMAGES, SAMPLES, sampleInfo } from "./samples.ts";

const PUBLIC = fileURLToPath(new URL("../../public/", import.meta.url));

// e_machine values from the ELF gABI / the Linux <elf.h>: EM_ARM 40, EM_X86_64 62, EM_AARCH64 183.
const MACHINE: Record<number, string> = { 40: "arm32", 62: "x86_64", 183: "aarch64" };

describe("samples catalogue", () => {
  it("states each sample's architecture as its ELF header does, and payloads name an image of theirs", () => {
    expect(SAMPLES.length).toBeGreaterThan(30);
    for (const s of SAMPLES) {
      const b = readFileSync(`${PUBLIC}samples/${s.path}`);
      expect([...b.subarray(0, 4)], s.path).toEqual([0x7f, 0x45, 0x4c, 0x46]);
      expect(MACHINE[b.readUInt16LE(18)], s.path).toBe(s.arch);
      if (s.kind === "payload") expect(sampleInfo(s.image!)?.arch, `${s.path} is built for ${s.image}`).toBe(s.arch);
    }
    expect(SAMPLE_IMAGES).toEqual(["x86_64/xen-syms", "aarch64/xen-syms", "arm32/xen-syms"]);
  });

  it("a legacy payload's architecture comes from the catalogue, not its directory", () => {
    expect(sampleInfo("legacy/xen_hello_world_v1.livepatch")).toMatchObject({ kind: "payload", arch: "x86_64", image: "x86_64/xen-syms" });
    expect(payloadsFor("x86_64/xen-syms").map((s) => s.path)).toContain("legacy/xsplice_hello_world.xsplice");
    expect(payloadsFor("arm32/xen-syms").map((s) => s.path)).toEqual(["arm32/xen_hello_world.livepatch", "arm32/xen_hello_world_oddbranch.livepatch", "arm32/xen_nop.livepatch", "arm32/xen_payload_hooks.livepatch"]);
  });
});

describe("remapPayloads", () => {
  it("takes each payload to the new image's build of the same file name and drops the rest", () => {
    // public/samples/aarch64 has hello and bye but no altcall (an x86-only mechanism).
    expect(remapPayloads(["x86_64/xen_hello_world.livepatch", "x86_64/xen_altcall.livepatch", "x86_64/xen_bye_world.livepatch"], "aarch64/xen-syms")).toEqual({
      payloads: ["aarch64/xen_hello_world.livepatch", "aarch64/xen_bye_world.livepatch"],
      mapped: [
        ["x86_64/xen_hello_world.livepatch", "aarch64/xen_hello_world.livepatch"],
        ["x86_64/xen_bye_world.livepatch", "aarch64/xen_bye_world.livepatch"],
      ],
      dropped: ["x86_64/xen_altcall.livepatch"],
    });
    expect(remapPayloads(["aarch64/xen_nop.livepatch", "aarch64/xen_bye_world.livepatch"], "arm32/xen-syms")).toEqual({
      payloads: ["arm32/xen_nop.livepatch"],
      mapped: [["aarch64/xen_nop.livepatch", "arm32/xen_nop.livepatch"]],
      dropped: ["aarch64/xen_bye_world.livepatch"],
    });
  });

  it("keeps what is already built for the image, and a legacy x86 payload has no arm64 build", () => {
    expect(remapPayloads(["legacy/xen_hello_world_v1.livepatch", "x86_64/xen_nop.livepatch"], "x86_64/xen-syms")).toEqual({
      payloads: ["legacy/xen_hello_world_v1.livepatch", "x86_64/xen_nop.livepatch"],
      mapped: [],
      dropped: [],
    });
    expect(remapPayloads(["legacy/xen_hello_world_v1.livepatch"], "aarch64/xen-syms")).toEqual({ payloads: [], mapped: [], dropped: ["legacy/xen_hello_world_v1.livepatch"] });
    expect(remapPayloads(["x86_64/nosuch.livepatch"], "aarch64/xen-syms").dropped).toEqual(["x86_64/nosuch.livepatch"]);
  });
});
