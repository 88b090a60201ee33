// The audit worker's service over a real MessageChannel: the same result as the CLI's runner, the
// image cached by key, and a page-side load failure reported unreadable.
import * as Comlink from "comlink";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runAudit } from "../../src/audit/index.ts";
import { readSample } from "../../src/test-support/samples.ts";
import { nodeAuditHost } from "../../src/cli/auditHost.ts";
import { compileHypervisorModule } from "../hypervisor/host/node.ts";
import { createAuditService, type AuditWorkerApi } from "./service.ts";
import { planInput } from "../../src/state/auditHosts.ts";
import type { LoadedFile } from "../../src/state/files.ts";

const read = (name: string) => readSample(`x86_64/${name}`);
let module: WebAssembly.Module;
beforeAll(async () => {
  module = await compileHypervisorModule();
});

const open: MessagePort[] = [];
function connect(): Comlink.Remote<AuditWorkerApi> {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  Comlink.expose(createAuditService(module), port2);
  return Comlink.wrap<AuditWorkerApi>(port1);
}
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

describe("audit service over a MessageChannel", () => {
  it("gives the CLI runner's result, with and without an image, and caches the image by key", async () => {
    const remote = connect();
    const files = ["xen_hello_world.livepatch", "xen_expectations_fail.livepatch"].map((file) => ({ file, bytes: read(file), role: "apply" as const }));
    const image = read("xen-syms");
    const host = await nodeAuditHost();
    expect(await remote.audit({ image: null, files })).toEqual({ ok: true, value: await runAudit({ image: null, files }, host) });
    const expected = await runAudit({ image: { file: "xen-syms", bytes: image }, files }, host);
    expect(expected.verdict).toBe("reject");
    expect(await remote.audit({ image: { file: "xen-syms", key: "img1", bytes: image }, files })).toEqual({ ok: true, value: expected });
    // Cached by key: no bytes needed the second time; an unknown key asks for them.
    expect(await remote.audit({ image: { file: "xen-syms", key: "img1" }, files })).toEqual({ ok: true, value: expected });
    expect(await remote.audit({ image: { file: "xen-syms", key: "other" }, files })).toMatchObject({ ok: false, error: { code: "NEED_IMAGE" } });
  });

  it("a file the page could not load is in the plan, unreadable, and the verdict is reject", async () => {
    const remote = connect();
    const r = await remote.audit({
      image: null,
      files: [
        { file: "xen_hello_world.livepatch", bytes: read("xen_hello_world.livepatch"), role: "apply" },
        { file: "cut.livepatch", bytes: new Uint8Array(0), role: "apply", problem: "section header offset 0xa80 is past the end of the file" },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.verdict).toBe("reject");
    expect(r.value.findings.find((f) => f.id === "file-unreadable")).toMatchObject({ file: "cut.livepatch", message: expect.stringMatching(/cut\.livepatch cannot be read as a payload: section header offset/) });
  });

  it("reports an image that is not ELF as unreadable (reject), not as a broken service", async () => {
    const remote = connect();
    const r = await remote.audit({ image: { file: "junk", key: "j", bytes: new TextEncoder().encode("not elf") }, files: [{ file: "p.livepatch", bytes: read("xen_hello_world.livepatch"), role: "apply" }] });
    expect(r).toMatchObject({ ok: true, value: { verdict: "reject", findings: [{ id: "file-unreadable", message: expect.stringMatching(/^junk cannot be read as a hypervisor image/) }] } });
  });

  it("reads a File or Blob itself (passed by reference) and gives the same result as the bytes", async () => {
    const remote = connect();
    const bytes = read("xen_hello_world.livepatch");
    const image = read("xen-syms");
    const asBytes = await remote.audit({ image: { file: "xen-syms", key: "b1", bytes: image }, files: [{ file: "h.livepatch", bytes, role: "apply" }] });
    const asBlob = await remote.audit({ image: { file: "xen-syms", key: "b2", bytes: new Blob([image]) }, files: [{ file: "h.livepatch", bytes: new Blob([bytes]), role: "apply" }] });
    expect(asBytes.ok).toBe(true);
    expect(asBlob).toEqual(asBytes);
  });

  it("a File that can no longer be read is unreadable (reject), and an image that cannot be read is an error", async () => {
    const service = createAuditService(module);
    const gone = new Blob([read("xen_hello_world.livepatch")]);
    gone.arrayBuffer = () => Promise.reject(new Error("the file changed on disk"));
    const r = await service.audit({ image: null, files: [{ file: "gone.livepatch", bytes: gone, role: "apply" }] });
    expect(r).toMatchObject({ ok: true, value: { verdict: "reject", findings: [{ id: "file-unreadable", file: "gone.livepatch", message: expect.stringMatching(/could not read the file: the file changed on disk/) }] } });
    const noImage = await service.audit({ image: { file: "xen-syms", key: "k", bytes: gone }, files: [{ file: "p.livepatch", bytes: read("xen_hello_world.livepatch"), role: "apply" }] });
    expect(noImage).toMatchObject({ ok: false, error: { code: "READ_FAILED", message: expect.stringMatching(/^image xen-syms: could not read the file/) } });
  });

  it("files the page could not parse go with their bytes and are uploaded: the same steps and findings as the CLI's plan", async () => {
    const hello = read("xen_hello_world.livepatch");
    // readelf -h on the sample: section headers start at byte 2688, so a cut at 2000 leaves e_shoff
    // (the Elf64_Ehdr field at 0x28) past the end.
    const cut = hello.slice(0, 2000);
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0);
    const user = (name: string, bytes: Uint8Array, problem: LoadedFile["problem"]): LoadedFile => ({ id: name, name, size: bytes.length, origin: { kind: "user" }, status: problem ? "error" : "ready", progress: null, problem, parsed: null, source: new Blob([bytes]) });
    const loadedFiles = [
      user("xen_hello_world.livepatch", hello, null),
      user("cut.livepatch", cut, { code: "SHOFF_PAST_END", message: "cut.livepatch: section header offset 0xa80 is past the end of the file", offset: 0x28 }),
      user("empty.livepatch", new Uint8Array(0), { code: "TRUNCATED_HEADER", message: "empty.livepatch: file is 0 bytes, too short for the ELF magic", offset: 0 }),
      user("image.livepatch", png, { code: "NOT_ELF", message: "image.livepatch: not an ELF file: bad magic byte 0x89", offset: 0 }),
    ];
    const inputs = loadedFiles.map((f) => planInput(f, "apply"));
    expect(inputs.every((i) => i.problem === undefined && i.bytes instanceof Blob)).toBe(true);
    const image = read("xen-syms");
    const page = await connect().audit({ image: { file: "xen-syms", key: "p1", bytes: new Blob([image]) }, files: inputs });
    // The CLI's plan: the same files' bytes, in the order given.
    const bytes = [hello, cut, new Uint8Array(0), png];
    const cli = await runAudit({ image: { file: "xen-syms", bytes: image }, files: loadedFiles.map((f, i) => ({ file: f.name, bytes: bytes[i], role: "apply" as const })) }, await nodeAuditHost());
    expect(page).toEqual({ ok: true, value: cli });
    // xen/common/livepatch.c verify_payload(): a zero size is -EINVAL; livepatch_elf.c
    // livepatch_header_check(): "Not an ELF payload" and "Bogus e_shoff" are -EINVAL (-22).
    expect(cli.steps.map((s) => `${s.op} ${s.name} ${s.ret}`)).toEqual(["upload xen_hello_world 0", "apply xen_hello_world 0", "upload cut -22", "upload empty -22", "upload image -22"]);
    const errors = (file: string) => cli.findings.filter((f) => f.file === file && f.severity === "error").map((f) => `${f.id}@${f.offset}`);
    expect(errors("cut.livepatch")).toEqual(["file-unreadable@40", "elf-section-table-bad@40"]);
    expect(errors("empty.livepatch")).toEqual(["file-unreadable@0", "payload-empty@undefined"]);
    expect(errors("image.livepatch")).toEqual(["file-unreadable@0", "elf-unparsable@0"]);
    expect(cli.findings.find((f) => f.file === "empty.livepatch")!.message).toBe("empty.livepatch cannot be read as a payload: file is 0 bytes, too short for the ELF magic at byte 0x0 (TRUNCATED_HEADER)");
    expect(cli.verdict).toBe("reject");
  });
});
