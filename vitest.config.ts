import { defineConfig } from "vitest/config";
import { sampleCatalogue } from "./vite.samples.ts";

export default defineConfig({
  plugins: [sampleCatalogue()],
  test: {
    include: ["src/**/*.test.ts", "workers/**/*.test.ts", "fixtures/**/*.test.ts", "bench/**/*.test.ts"],
    exclude: ["node_modules", "dist", "e2e", "workers/hypervisor/assembly"],
    environment: "node",
    testTimeout: 30_000,
    pool: "forks",
  },
});
