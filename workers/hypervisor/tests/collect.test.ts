// The wasm's runtime never collects its own garbage ("minimal" in asconfig.json); the host does,
// between calls (host/api.ts). Without it, 30 upload/apply/revert/unload cycles of the generated
// 2,000-function payload grow the linear memory to 64 MB (the allocator doubles it whenever it
// runs out); without the idle collection, to 32 MB.
import { describe, expect, it } from "vitest";
import { parseElf } from "../../../src/elf/index.ts";
import { buildLargePayload } from "../../../fixtures/gen-large.ts";
import { createHypervisor } from "../host/api.ts";
import { compileHypervisorModule } from "../host/node.ts";
import { bootFromImage } from "../host/image.ts";
import { ACTION } from "../host/types.ts";
import { sample } from "./harness.ts";

const MB = 1 << 20;

async function cycles(n: number, yieldBetween: boolean): Promise<number> {
  let memory: WebAssembly.Memory | null = null;
  const hv = await createHypervisor(await compileHypervisorModule(), {
    wrapExports: (w) => {
      memory = w.memory;
      return w;
    },
  });
  const image = sample("x86_64/xen-syms");
  bootFromImage(hv, parseElf(image), { cpus: 4 });
  const payload = new Uint8Array(buildLargePayload(image));
  const idle = () => (yieldBetween ? new Promise((r) => setTimeout(r, 0)) : undefined);
  for (let i = 0; i < n; i++) {
    expect(hv.upload("large", payload)).toBe(0);
    await idle();
    expect(hv.action("large", ACTION.APPLY, 0, 0)).toBe(0);
    hv.advance(60_000_000);
    await idle();
    expect(hv.action("large", ACTION.REVERT, 0, 0)).toBe(0);
    hv.advance(60_000_000);
    expect(hv.action("large", ACTION.UNLOAD, 0, 0)).toBe(0);
    await idle();
  }
  return memory!.buffer.byteLength;
}

describe("the host collects the wasm's garbage", () => {
  it("in a loop that never yields, once enough has crossed the boundary", async () => {
    expect(await cycles(30, false)).toBeLessThanOrEqual(32 * MB);
  });

  it("when the event loop is idle between calls, as in the page's worker", async () => {
    expect(await cycles(30, true)).toBeLessThanOrEqual(16 * MB);
  });
});
