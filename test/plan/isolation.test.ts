/**
 * Stacks in one process (each in its own Pulumi runtime store, the default) plan exactly what
 * stacks in processes of their own (PLAN_ISOLATE=1) plan: the plan JSON is byte-identical for
 * prod and for an 11-region environment. Through the CLI, as users run it: the runs are the test
 * run's shared ones (test/shared-runs.ts), started when the run starts.
 */
import { describe, expect, it } from "vitest";
import { sharedRun } from "../shared-plan";

describe("one process versus a process per stack", () => {
  it("gives byte-identical plan JSON for prod", async () => {
    const [inProcess, isolated] = await Promise.all([sharedRun("prod"), sharedRun("prod-isolated")]);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect(isolated.code, isolated.stderr).toBe(0);
    expect(isolated.json).toBe(inProcess.json);
  }, 600_000);

  it("gives byte-identical plan JSON for an 11-region environment", async () => {
    const [inProcess, isolated] = await Promise.all([sharedRun("eleven"), sharedRun("eleven-isolated")]);
    expect([inProcess.code, isolated.code], inProcess.stderr + isolated.stderr).toEqual([0, 0]);
    expect(inProcess.document.stacks).toHaveLength(12);
    expect(isolated.json).toBe(inProcess.json);
  }, 600_000);
});
