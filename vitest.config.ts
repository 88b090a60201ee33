import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "workers/**/*.test.ts", "fixtures/**/*.test.ts", "bench/**/*.test.ts"],
    exclude: ["node_modules", "dist", "e2e", "workers/hypervisor/assembly"],
    environment: "node",
    testTimeout: 30_000,
    pool: "forks",
  },
});
