// Where a file's bytes are read: by this thread while the parse worker still boots (so the read
// and the boot overlap), by the worker itself once it has answered. The worker here is the real
// parse service behind a MessageChannel that holds messages until the test lets it "boot".
import * as Comlink from "comlink";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildElf } from "../livepatch/testing/elfBuilder.ts";
import type { ParseWorkerApi } from "../protocol/parse.ts";
import { createParseService } from "../protocol/parseService.ts";

const received: string[] = [];
const workers: FakeWorker[] = [];

class FakeWorker {
  private readonly ports = new MessageChannel();
  private held: [unknown, Transferable[]][] = [];
  private booted = false;
  constructor() {
    workers.push(this);
  }
  /** The worker's module has been fetched and compiled: it starts answering. */
  boot(): void {
    const inner = createParseService({ transferResult: false });
    const service: ParseWorkerApi = {
      ...inner,
      parse: (id, input, fileName, onProgress) => {
        received.push(input instanceof Blob ? "Blob" : input instanceof ArrayBuffer ? "ArrayBuffer" : typeof input);
        return inner.parse(id, input, fileName, onProgress);
      },
    };
    Comlink.expose(service, this.ports.port2);
    this.booted = true;
    for (const [m, t] of this.held.splice(0)) this.ports.port1.postMessage(m, t);
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (this.booted) this.ports.port1.postMessage(message, transfer);
    else this.held.push([message, transfer]);
  }
  addEventListener(type: string, listener: (e: Event) => void): void {
    if (type !== "message") return;
    this.ports.port1.addEventListener("message", listener as (e: MessageEvent) => void);
    this.ports.port1.start();
  }
  removeEventListener(type: string, listener: (e: Event) => void): void {
    if (type === "message") this.ports.port1.removeEventListener("message", listener as (e: MessageEvent) => void);
  }
  terminate(): void {
    this.ports.port1.close();
    this.ports.port2.close();
  }
}

const elf = buildElf({ sections: [{ name: ".text", flags: 6, data: new Uint8Array(32), align: 16 }], symbols: [] }).bytes;
const file = () => new Blob([elf.slice()], { type: "application/octet-stream" });

beforeEach(() => {
  received.length = 0;
  vi.stubGlobal("Worker", FakeWorker);
});
afterEach(() => {
  for (const w of workers.splice(0)) w.terminate();
  vi.unstubAllGlobals();
  vi.resetModules();
});

async function client() {
  return (await import("./parseClient.ts")).parseClient;
}

describe("parse client: who reads the file", () => {
  it("reads the file on this thread while the worker boots, then hands it the bytes", async () => {
    const parseClient = await client();
    const outcome = parseClient.parse("a", () => Promise.resolve(file()), "a.o", () => undefined);
    // The worker boots only after the read could have started: the file arrived with no warning.
    await new Promise((r) => setTimeout(r, 20));
    workers[0].boot();
    const r = await outcome;
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.size).toBe(elf.length);
    expect(received).toEqual(["ArrayBuffer"]);
  });

  it("hands a booted worker the File itself, which it reads off this thread", async () => {
    const parseClient = await client();
    parseClient.warm();
    workers[0].boot();
    // The worker's answer to `ready` arrives as a message: let it.
    await new Promise((r) => setTimeout(r, 20));
    const r = await parseClient.parse("b", () => Promise.resolve(file()), "b.o", () => undefined);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.size).toBe(elf.length);
    expect(received).toEqual(["Blob"]);
  });

  it("a worker replaced after a crash is booting again: its first file is read here", async () => {
    const parseClient = await client();
    parseClient.warm();
    workers[0].boot();
    await new Promise((r) => setTimeout(r, 20));
    parseClient.restart("test: the worker crashed");
    const outcome = parseClient.parse("c", () => Promise.resolve(file()), "c.o", () => undefined);
    await new Promise((r) => setTimeout(r, 20));
    expect(workers).toHaveLength(2);
    workers[1].boot();
    const r = await outcome;
    expect(r.ok).toBe(true);
    expect(received).toEqual(["ArrayBuffer"]);
  });
});
