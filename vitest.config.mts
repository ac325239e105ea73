import { availableParallelism } from "os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Files share their worker, and the SDKs it loaded once (a process per file loaded them for
    // every file: most of the suite's CPU). Not the Pulumi runtime: test/setup-sdk.ts gives each
    // file a runtime store of its own, and test/runtime-isolation.test.ts shows nothing leaks.
    isolate: false,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: on a 2-core machine that is one, and
    // every file would wait for the one before it while the slow files mostly wait on the plans
    // they spawn. A worker per core (at least two) keeps both cores busy.
    maxWorkers: Math.max(2, availableParallelism()),
    // What npm run plan gives V8 (package.json): the files that plan in-process collect less garbage.
    execArgv: ["--max-semi-space-size=64"],
    setupFiles: ["test/setup-sdk.ts"],
    // The plan runs the files share (test/shared-runs.ts), started when the run starts.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
