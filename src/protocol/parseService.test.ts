// The parse service over a real MessageChannel: structured cloning, transfer, cancellation and
// Result errors exactly as the page's worker sees them.
import * as Comlink from "comlink";
import { afterEach, describe, expect, it } from "vitest";
import { buildElf, buildIdNote, funcRecord } from "../livepatch/testing/elfBuilder.ts";
import type { ParseWorkerApi } from "./parse.ts";
import { createParseService } from "./parseService.ts";
import { receiveParsed } from "./receive.ts";

function samplePayload(extraRelocs = 0, funcs = 1): ArrayBuffer {
  const filler = Array.from({ length: extraRelocs }, (_, i) => ({ offset: (i % 2) * 8, type: 1, symbol: "new_fn" }));
  const funcRelocs = Array.from({ length: funcs }, (_, i) => [
    { offset: i * 104, type: 1, symbol: ".rodata.str" },
    { offset: i * 104 + 8, type: 1, symbol: "new_fn" },
    { offset: i * 104 + 16, type: 1, symbol: "old_fn" },
  ]).flat();
  const built = buildElf({
    sections: [
      { name: ".text.new", flags: 6, data: new Uint8Array(16), align: 16 },
      { name: ".rodata.str", flags: 0x32, data: new TextEncoder().encode("old_fn\0") },
      { name: ".livepatch.funcs", data: Uint8Array.from(Array.from({ length: funcs }, () => funcRecord({ newSize: 16, oldSize: 32 })).flat()), align: 8 },
      { name: ".data.big", flags: 3, data: new Uint8Array(16), align: 8 },
      { name: ".note.gnu.build-id", type: 7, data: buildIdNote([1, 2, 3, 4]), align: 4 },
    ],
    symbols: [{ name: "new_fn", section: ".text.new", size: 16 }, { name: "old_fn", section: "UND" }],
    relocs: {
      ".livepatch.funcs": funcRelocs,
      ...(extraRelocs ? { ".data.big": filler } : {}),
    },
  });
  return built.bytes.slice().buffer;
}

const open: MessagePort[] = [];
function connect(): Comlink.Remote<ParseWorkerApi> {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  Comlink.expose(createParseService(), port2);
  return Comlink.wrap<ParseWorkerApi>(port1);
}
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

describe("parse service over a MessageChannel", () => {
  it("transfers the buffer in and the parsed file back", async () => {
    const remote = connect();
    const buffer = samplePayload();
    const size = buffer.byteLength;
    const progress: [number, number][] = [];
    const head = await remote.parse(1, Comlink.transfer(buffer, [buffer]), "p.livepatch", Comlink.proxy((d: number, t: number) => void progress.push([d, t])));
    expect(buffer.byteLength).toBe(0); // the sender's copy is detached
    expect(head.ok).toBe(true);
    if (!head.ok) return;
    expect(head.value.parts).toBe(0);
    const r = await receiveParsed(remote, 1, head.value);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ fileName: "p.livepatch", size, role: "payload" });
    expect(r.value.elf.bytes).toBeInstanceOf(Uint8Array);
    expect(r.value.elf.bytes.length).toBe(size);
    expect(r.value.elf.symbolTables[0].value).toBeInstanceOf(BigUint64Array);
    expect(r.value.livepatch?.funcs[0].name.text).toBe("old_fn");
    expect(r.value.livepatch?.funcs[0].newAddr.target).toMatchObject({ symbol: "new_fn", addend: 0n });
    await new Promise((res) => setTimeout(res, 20));
    expect(progress.at(-1)).toEqual([size, size]);
  });

  it("hands a long function table over in parts, each its own message, then forgets them", async () => {
    const remote = connect();
    const buffer = samplePayload(0, 450);
    const head = await remote.parse(5, Comlink.transfer(buffer, [buffer]), "many.livepatch");
    if (!head.ok) throw new Error(head.error.message);
    expect(head.value.parts).toBe(3);
    expect(head.value.livepatch?.funcs).toEqual([]);
    expect(await remote.part(5, 3)).toMatchObject({ ok: false, error: { code: "GONE" } });
    expect(await remote.part(4, 0)).toMatchObject({ ok: false, error: { code: "GONE" } });
    const r = await receiveParsed(remote, 5, head.value);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.livepatch?.funcs).toHaveLength(450);
    expect(r.value.livepatch?.funcs.every((f, i) => f.index === i && f.name.text === "old_fn")).toBe(true);
    // Taking the last part released them: a second receive finds nothing.
    expect(await receiveParsed(remote, 5, head.value)).toMatchObject({ ok: false, error: { code: "GONE" } });
  });

  it("a receive told to stop gives CANCELLED", async () => {
    const remote = connect();
    const buffer = samplePayload(0, 450);
    const head = await remote.parse(6, Comlink.transfer(buffer, [buffer]), "many.livepatch");
    if (!head.ok) throw new Error(head.error.message);
    let taken = 0;
    const counting = { part: (id: number, k: number) => (taken++, remote.part(id, k)) };
    expect(await receiveParsed(counting, 6, head.value, { stop: () => taken > 0 })).toMatchObject({ ok: false, error: { code: "CANCELLED" } });
    expect(taken).toBe(1);
  });

  it("returns a Result error, never a rejection, for a file that is not ELF", async () => {
    const remote = connect();
    const junk = new TextEncoder().encode("#!/bin/sh\necho not an ELF file\n").buffer;
    const r = await remote.parse(2, Comlink.transfer(junk, [junk]), "script.sh");
    expect(r).toMatchObject({ ok: false, error: { code: "NOT_ELF", offset: 0 } });
    if (!r.ok) expect(r.error.message).toMatch(/^script\.sh: /);
    const empty = new ArrayBuffer(0);
    expect(await remote.parse(3, empty, "empty")).toMatchObject({ ok: false });
  });

  it("a newer parse cancels an older one still running", async () => {
    const remote = connect();
    const big = samplePayload(40_000);
    const small = samplePayload();
    const first = remote.parse("a", Comlink.transfer(big, [big]), "big.o");
    const second = remote.parse("b", Comlink.transfer(small, [small]), "small.o");
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ ok: false, error: { code: "CANCELLED" } });
    expect(b.ok).toBe(true);
  });

  it("cancel(id) stops a parse and ignores unknown ids", async () => {
    const remote = connect();
    const big = samplePayload(40_000);
    const pending = remote.parse(7, Comlink.transfer(big, [big]), "big.o");
    await remote.cancel(7);
    await remote.cancel(12345);
    expect(await pending).toMatchObject({ ok: false, error: { code: "CANCELLED" } });
  });
});

describe("parse service given a Blob (the page hands over the dropped File)", () => {
  it("reads it itself and gives the same result as for the bytes", async () => {
    const service = createParseService({ transferResult: false });
    const bytes = samplePayload();
    const fromBlob = await service.parse(1, new Blob([bytes]), "p.livepatch");
    const fromBytes = await service.parse(2, bytes.slice(0), "p.livepatch");
    expect(fromBlob.ok && fromBytes.ok).toBe(true);
    if (!fromBlob.ok || !fromBytes.ok) return;
    expect(fromBlob.value.size).toBe(bytes.byteLength);
    expect(fromBlob.value.livepatch).toEqual(fromBytes.value.livepatch);
    expect(fromBlob.value.elf.sections).toEqual(fromBytes.value.elf.sections);
  });

  it("says READ_FAILED, naming the file, when the Blob cannot be read", async () => {
    class Vanished extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(new Error("the file was removed"));
      }
    }
    const r = await createParseService({ transferResult: false }).parse(1, new Vanished(["x"]), "gone.livepatch");
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: "READ_FAILED", message: "gone.livepatch: could not read the file: the file was removed" }) });
  });
});

describe("parse service in process", () => {
  it("honours a cancel issued before the first phase", async () => {
    const service = createParseService({ transferResult: false });
    const pending = service.parse(1, samplePayload(), "p.o");
    service.cancel(1);
    expect(await pending).toMatchObject({ ok: false, error: { code: "CANCELLED" } });
  });

  it("throttles progress to one call per 100 ms plus the final one", async () => {
    let clock = 0;
    const calls: number[] = [];
    const service = createParseService({ transferResult: false, now: () => clock });
    const r = await service.parse(1, samplePayload(30_000), "p.o", (done) => {
      calls.push(done);
    });
    expect(r.ok).toBe(true);
    // With a frozen clock only the first report and the final one get through.
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls.at(-1)).toBeGreaterThan(0);
    clock = 0;
  });
});
