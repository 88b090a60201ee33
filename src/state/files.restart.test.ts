// "Parse worker restarted" is said once per user action. The worker here crashes the way an
// uncaught throw in a real one does (the Worker object fires "error"; comlink never answers),
// either on every parse or as soon as it boots; the real store and parse client run over it.
// Hand count: loading one sample over a worker that crashes on every parse kills it twice (the
// parse and its one retry); over one that crashes at boot, also the worker booted during the
// fetch. Each of those restarts used to add the same notice.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

type Crash = "parse" | "boot";
let crash: Crash = "parse";

class CrashingWorker extends EventTarget {
  static made = 0;
  private dead = false;
  constructor() {
    super();
    CrashingWorker.made++;
    if (crash === "boot") this.die();
  }
  private die(): void {
    setTimeout(() => {
      if (!this.dead) this.dispatchEvent(Object.assign(new Event("error"), { message: "Uncaught Error: boom" }));
    }, 1);
  }
  postMessage(msg: { type?: string }): void {
    if (crash === "parse" && msg?.type === "APPLY") this.die();
  }
  terminate(): void {
    this.dead = true;
  }
  start(): void {}
}

const ROOT = new URL("../../public/", import.meta.url);
const BASE = "http://lens.test/";

async function store(kind: Crash) {
  crash = kind;
  CrashingWorker.made = 0;
  vi.stubGlobal("Worker", CrashingWorker);
  vi.stubGlobal("document", { baseURI: BASE });
  vi.stubGlobal("fetch", async (url: string) => {
    await new Promise((r) => setTimeout(r, 10));
    return new Response(readFileSync(new URL(url.slice(BASE.length), ROOT)));
  });
  vi.resetModules();
  const { useLens } = await import("./store.ts");
  const { parseClient } = await import("../services/parseClient.ts");
  const restarted = () => useLens.getState().ui.notices.filter((n) => n.text.startsWith("Parse worker restarted")).length;
  const settle = () => new Promise((r) => setTimeout(r, 50));
  return { useLens, parseClient, restarted, settle };
}

afterEach(() => vi.unstubAllGlobals());

describe("a crashing parse worker", () => {
  for (const kind of ["parse", "boot"] as const) {
    it(`crashing at ${kind}: one notice per sample loaded, however often it died`, async () => {
      const { useLens, parseClient, restarted, settle } = await store(kind);
      const before = parseClient.restarts;
      const id = await useLens.getState().files.loadSample("x86_64/xen_hello_world.livepatch");
      await settle();
      expect(useLens.getState().files.list.find((f) => f.id === id)?.problem?.code).toBe("WORKER_DIED");
      expect(parseClient.restarts - before).toBeGreaterThanOrEqual(2);
      expect(restarted()).toBe(1);
      // A second user action is told again.
      await useLens.getState().files.loadSample("x86_64/xen_nop.livepatch");
      await settle();
      expect(restarted()).toBe(2);
    });
  }

  it("several samples loaded at once are one action; a crash while nothing loads is told on its own", async () => {
    const { useLens, parseClient, restarted, settle } = await store("parse");
    const files = useLens.getState().files;
    await Promise.all(["x86_64/xen_hello_world.livepatch", "x86_64/xen_nop.livepatch"].map((p) => files.loadSample(p)));
    await settle();
    expect(restarted()).toBe(1);
    parseClient.warm();
    parseClient.restart("the parse worker was terminated");
    expect(restarted()).toBe(2);
  });
});
