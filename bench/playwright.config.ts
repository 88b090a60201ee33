import { defineConfig } from "@playwright/test";
import base from "../playwright.config.ts";

// The page benchmark (bench/page.spec.ts), run by `npm run bench`: the production build as
// `npm start` serves it (built first when stale), one worker so figures are not shared with a
// second browser. Not part of `npm test`.
const port = Number(process.env.LIVEPATCH_LENS_BENCH_PORT ?? 4900 + (Number(new URL(base.use!.baseURL!).port) % 97));
const origin = `http://127.0.0.1:${port}/`;

export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "page.spec.ts",
  workers: 1,
  retries: 0,
  use: { ...base.use, baseURL: origin, trace: "off" },
  webServer: {
    command: `node scripts/start.mjs --host 127.0.0.1 --port ${port}`,
    cwd: "..",
    url: origin,
    reuseExistingServer: false,
    timeout: 300_000,
  },
});
