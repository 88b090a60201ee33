// What users serve carries no test hook: `vite build` (the production build) is searched, page
// and worker chunks alike, for every hook the e2e build installs. The same search over an e2e
// build must find each of them, so the strings searched for are the real ones.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "vite";

const ROOT = new URL("..", import.meta.url).pathname;

// window.__livepatchLens and its methods, the hypervisor worker's trap arming, the render-fault injector.
const HOOKS: [string, RegExp][] = [
  ["window.__livepatchLens", /__livepatchLens\b/],
  ["crashParseWorker", /crashParseWorker/],
  ["trapSimulator", /trapSimulator/],
  ["armSelfTestTrap (hypervisor worker)", /armSelfTestTrap/],
  ["failNextRender", /failNextRender/],
  ["render fault injection", /test fault injected/],
  ["the wasm trap injector", /injected by the self-test/],
];

const dirs: string[] = [];

async function bundleText(mode: "production" | "e2e"): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), `lens-${mode}-`));
  dirs.push(outDir);
  await build({ root: ROOT, mode, logLevel: "error", build: { outDir, emptyOutDir: true, sourcemap: false } });
  const files = readdirSync(join(outDir, "assets")).filter((f) => f.endsWith(".js"));
  expect(files.some((f) => f.includes("hypervisor.worker")), "the hypervisor worker chunk is part of the bundle").toBe(true);
  return files.map((f) => readFileSync(join(outDir, "assets", f), "utf8")).join("\n");
}

describe("test hooks", { timeout: 300_000 }, () => {
  let production = "";
  let e2e = "";
  beforeAll(async () => {
    production = await bundleText("production");
    e2e = await bundleText("e2e");
  }, 300_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("the wasm the page loads exports nothing that traps on request", async () => {
    const wasm = readFileSync(join(ROOT, "workers/hypervisor/build/hypervisor.wasm"));
    const names = WebAssembly.Module.exports(await WebAssembly.compile(wasm)).map((e) => e.name);
    expect(names).toContain("upload");
    expect(names.filter((n) => /trap|selftest/i.test(n))).toEqual([]);
  });

  for (const [name, pattern] of HOOKS) {
    it(`${name}: in the e2e build, absent from the production build`, () => {
      expect(e2e).toMatch(pattern);
      expect(production).not.toMatch(pattern);
    });
  }
});
