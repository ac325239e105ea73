import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file gets its own Pulumi runtime: setMocks state is module-global.
    isolate: true,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
