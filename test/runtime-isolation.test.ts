/**
 * Test files share their worker (vitest.config.mts: `isolate: false`), not the Pulumi runtime:
 * the suite's own configuration, run on two probe files in one worker, starts the second file
 * with the runtime of a fresh process although the first left config, the fake cloud's monitor,
 * a transform, a root stack and a plan run's process listeners in it (which would keep Vitest
 * from reporting the second file's unhandled errors) (test/fixtures/runtime-isolation/probe.ts).
 */
import { execFile } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { temporaryDirectories } from "./plan/temp-dirs";

const root = join(__dirname, "..");
const tempDir = temporaryDirectories();

describe("test files in one worker", () => {
  it("each start with the Pulumi runtime of a fresh process, whatever the file before left", async () => {
    const out = tempDir("runtime-probe-");
    // The worker's own Vitest variables would make the inner run think it is a worker.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
    const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
    const config = join(root, "test", "fixtures", "runtime-isolation", "vitest.config.mjs");
    const report = join(out, "report.json");
    const run = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [vitest, "run", "--config", config, "--reporter=json", `--outputFile=${report}`], { cwd: root, env: { ...env, RUNTIME_PROBE_OUT: out }, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? -1) : 0, output: stdout + stderr }),
      );
    });
    const results = JSON.parse(readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number; testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[] };
    const failures = results.testResults.flatMap((f) => f.assertionResults).filter((t) => t.status !== "passed");
    expect(failures.map((t) => `${t.fullName}: ${t.failureMessages.join("\n")}`)).toEqual([]);
    expect(run.code, run.output).toBe(0);
    expect(results.numPassedTests).toBe(4);
    // One process ran both files, one after the other: the second saw what the first left.
    const order = readFileSync(join(out, "order.txt"), "utf8").trim().split("\n").map((line) => line.split(" "));
    expect(order.map(([file]) => file).sort()).toEqual(["first", "second"]);
    expect(new Set(order.map(([, pid]) => pid)).size).toBe(1);
  }, 120_000);
});
