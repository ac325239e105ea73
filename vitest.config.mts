import { availableParallelism } from "os";
import { fileURLToPath } from "url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Vitest's order (failed, then slowest first, or largest first on a clean clone), but the files
 * that only wait for the shared plan runs (test/shared-runs.ts, started when the run starts) go
 * last: a worker that waits runs no other file meanwhile.
 */
const ONLY_WAITS = ["test/plan/isolation.test.ts", "test/typecheck.test.ts"];

class SharedRunReadersLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const waits = (file: TestSpecification) => ONLY_WAITS.some((path) => file.moduleId.endsWith(path));
    return [...sorted.filter((file) => !waits(file)), ...sorted.filter(waits)];
  }
}

// The plan finds an AWS region where the provider would: AWS_REGION, AWS_DEFAULT_REGION, the
// profile in the shared credentials and config files (tools/fake-cloud/aws-region.ts). The tests see none from the
// machine they run on, only what a test gives; workers and spawned plans inherit this.
for (const key of ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"]) delete process.env[key];
process.env.AWS_CONFIG_FILE = fileURLToPath(new URL("test/fixtures/no-aws-config-file", import.meta.url));
process.env.AWS_SHARED_CREDENTIALS_FILE = fileURLToPath(new URL("test/fixtures/no-aws-credentials-file", import.meta.url));

// EKS support windows are judged on a fixed day (components/lib/eks-versions.ts
// supportJudgementDay), not the clock's: no test may start failing when a support date passes.
// A test about a day passes its own.
process.env.PLAN_TODAY = "2026-12-03";

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
    sequence: { sequencer: SharedRunReadersLast },
    // The plan runs the files share (test/shared-runs.ts), started when the run starts.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
