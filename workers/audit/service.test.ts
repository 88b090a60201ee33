// The audit service gives the same result as the in-process audit, and caches the image by key.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as Comlink from "comlink";
import { afterEach, describe, expect, it } from "vitest";
import { auditPayloads } from "../audit/index.ts";
import { parseElf } from "../elf/index.ts";
import { analyzePayload, imageOptions } from "../livepatch/index.ts";
import { createAuditService, type AuditWorkerApi } from "./auditService.ts";

const samples = join(import.meta.dirname, "../../public/samples/x86_64");
const read = (name: string) => new Uint8Array(readFileSync(join(samples, name)));

const open: MessagePort[] = [];
function connect(): Comlink.Remote<AuditWorkerApi> {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  Comlink.expose(createAuditService(), port2);
  return Comlink.wrap<AuditWorkerApi>(port1);
}
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

describe("audit service over a MessageChannel", () => {
  it("matches the in-process audit, with and without an image", async () => {
    const remote = connect();
    const payloads = ["xen_hello_world.livepatch", "xen_expectations_fail.livepatch"].map((file) => ({ file, bytes: read(file) }));
    const image = read("xen-syms");
    const alone = await remote.audit(payloads, null);
    expect(alone).toEqual({ ok: true, value: auditPayloads(payloads, null) });
    const withImage = await remote.audit(payloads, { file: "xen-syms", key: "img1", bytes: image });
    const expected = auditPayloads(payloads, { file: "xen-syms", elf: parseElf(image) });
    expect(withImage).toEqual({ ok: true, value: expected });
    expect(expected.verdict).toBe("reject");
    // Cached by key: no bytes needed the second time; an unknown key asks for them.
    expect(await remote.audit(payloads, { file: "xen-syms", key: "img1" })).toEqual({ ok: true, value: expected });
    expect(await remote.audit(payloads, { file: "xen-syms", key: "other" })).toMatchObject({ ok: false, error: { code: "NEED_IMAGE" } });
  });

  it("analyses a payload against an image as the page would in process", async () => {
    const remote = connect();
    const image = read("xen-syms");
    const payload = read("xen_expectations.livepatch");
    const expected = analyzePayload(parseElf(payload), imageOptions(parseElf(image)));
    expect(expected?.funcs[0].patch?.assumed).toMatch(/old bytes read from the image/);
    expect(await remote.analyzeAgainst(payload, { file: "xen-syms", key: "i" })).toMatchObject({ ok: false, error: { code: "NEED_IMAGE" } });
    expect(await remote.analyzeAgainst(payload, { file: "xen-syms", key: "i", bytes: image })).toEqual({ ok: true, value: expected });
    expect(await remote.analyzeAgainst(read("xen-syms"), { file: "xen-syms", key: "i" })).toEqual({ ok: true, value: null });
    expect(await remote.analyzeAgainst(new Uint8Array(3), { file: "xen-syms", key: "i" })).toMatchObject({ ok: false, error: { code: "NOT_ELF" } });
  });

  it("reports an unreadable image as a Result error", async () => {
    const remote = connect();
    const r = await remote.audit([{ file: "p.livepatch", bytes: read("xen_hello_world.livepatch") }], { file: "junk", key: "j", bytes: new TextEncoder().encode("not elf") });
    expect(r).toMatchObject({ ok: false, error: { code: "NOT_ELF" } });
  });
});
