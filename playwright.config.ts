import { defineConfig } from "@playwright/test";

// Tests drive a system Chromium (Debian's package by default); never a browser download.
// Point LIVEPATCH_LENS_CHROMIUM at another Chromium/Chrome binary to use your own.
const executablePath = process.env.LIVEPATCH_LENS_CHROMIUM ?? "/usr/bin/chromium";

// Each checkout serves its own build on its own port (a reused server from another checkout
// would test someone else's build). LIVEPATCH_LENS_E2E_PORT overrides it.
function portFor(dir: string): number {
  let h = 0;
  for (const c of dir) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 4200 + (h % 700);
}
const port = Number(process.env.LIVEPATCH_LENS_E2E_PORT ?? portFor(process.cwd()));
const origin = `http://127.0.0.1:${port}/`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 10_000, toHaveScreenshot: { maxDiffPixelRatio: 0.02 } },
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: origin,
    viewport: { width: 1280, height: 720 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  // The tests drive an e2e build (vite --mode e2e, into dist-e2e): the production build with the
  // test hooks of src/testHooks.ts. `npm run build` (what users serve) has none of them.
  webServer: {
    command: `npm run build:e2e && npx vite preview --outDir dist-e2e --host 127.0.0.1 --port ${port} --strictPort`,
    url: origin,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
