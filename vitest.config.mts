import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Component tests install the fake engine in the runtime's global store: one file per process.
    isolate: true,
    pool: "forks",
    setupFiles: ["test/setup-sdk.ts"],
    // A directory for the prod plan the files share (test/shared-plan.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
