// A bundled sample keeps its bytes once fetched, as a user's File does: when the parse worker then
// dies under it (a crash, again on the retry, as the page's crashParseWorker() hook or a stuck
// parse does), the audit still gets those bytes to upload, as `livepatch-lens audit` uploads the
// file, rather than an unreadable file with no UPLOAD. The expected bytes are the file on disk.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("../services/parseClient.ts", () => ({
  parseClient: {
    parse: async (_id: string, read: () => Promise<ArrayBuffer | Blob>) => {
      await read();
      return { ok: false, workerDied: true, problem: { code: "WORKER_DIED", message: "the parse worker was terminated", offset: null } };
    },
    onRestart: () => () => {},
    cancel: () => {},
  },
}));

const { useLens } = await import("./store.ts");
const { planInput } = await import("./auditHosts.ts");

const ROOT = new URL("../../public/", import.meta.url);
const BASE = "http://lens.test/";

describe("a bundled sample whose parse failed", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("goes to the audit with the bytes it was fetched with", async () => {
    const fetched: string[] = [];
    vi.stubGlobal("document", { baseURI: BASE });
    vi.stubGlobal("fetch", async (url: string) => {
      fetched.push(url);
      return new Response(readFileSync(new URL(url.slice(BASE.length), ROOT)));
    });
    const path = "x86_64/xen_hello_world.livepatch";
    const id = await useLens.getState().files.loadSample(path);
    const f = useLens.getState().files.list.find((x) => x.id === id)!;
    expect(f.status).toBe("error");
    expect(f.problem?.code).toBe("WORKER_DIED");
    expect(fetched).toContain(`${BASE}samples/${path}`);
    const input = planInput(f, "apply");
    expect(input.problem).toBeUndefined();
    const disk = new Uint8Array(readFileSync(new URL(`samples/${path}`, ROOT)));
    // The Blob the sample was fetched as, kept for the audit as a user's File is.
    expect(input.bytes).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (input.bytes as Blob).arrayBuffer())).toEqual(disk);
  });
});
