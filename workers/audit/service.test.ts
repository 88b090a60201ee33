// The audit worker's service over a real MessageChannel: the same result as the CLI's runner, the
// image cached by key, and a page-side load failure reported unreadable.
import * as Comlink from "comlink";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runAudit } from "../../src/audit/index.ts";
import { readSample } from "../../src/test-support/samples.ts";
import { nodeAuditHost } from "../../src/cli/auditHost.ts";
import { compileHypervisorModule } from "../hypervisor/host/node.ts";
import { createAuditService, type AuditWorkerApi } from "./service.ts";

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
});
