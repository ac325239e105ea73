/** When the plan runs its previews in a second process (tools/plan/processes.ts). */
import { execFile } from "child_process";
import { describe, expect, it } from "vitest";
import { ProcessFacts, secondProcess } from "../../tools/plan/processes";
import { planArgv, ROOT } from "./run-cli";

const idle: ProcessFacts = { setting: undefined, bundled: true, cores: 2, runnable: 1, load: 0.2, regionalStacks: 3 };

describe("a second planning process", () => {
  it("is used for an environment when a core is free", () => {
    expect(secondProcess(idle)).toBe(true);
    expect(secondProcess({ ...idle, cores: 8, runnable: 5 })).toBe(true);
  });

  it("is not used when every core is busy, by the run queue or, where that is unknown, the load average", () => {
    expect(secondProcess({ ...idle, runnable: 2 })).toBe(false);
    expect(secondProcess({ ...idle, runnable: undefined, load: 1.6 })).toBe(false);
    expect(secondProcess({ ...idle, runnable: undefined, load: 0.4 })).toBe(true);
  });

  it("is not used on one core, for a single program, or without the bundle", () => {
    expect(secondProcess({ ...idle, cores: 1, runnable: 0 })).toBe(false);
    expect(secondProcess({ ...idle, regionalStacks: 0 })).toBe(false);
    expect(secondProcess({ ...idle, bundled: false })).toBe(false);
  });

  it("follows PLAN_PROCESSES when it says 1 or 2 (the bundle still needed)", () => {
    expect(secondProcess({ ...idle, setting: "1" })).toBe(false);
    expect(secondProcess({ ...idle, setting: "2", runnable: 4, regionalStacks: 0 })).toBe(true);
    expect(secondProcess({ ...idle, setting: "2", bundled: false })).toBe(false);
  });
});

describe("the second process started with the plan", () => {
  it("does not keep a plan that stops on bad input alive: it exits 2 with the message, at once", async () => {
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const env = { ...process.env, PLAN_PROCESSES: "2" };
      execFile(process.execPath, planArgv("--env", "nope"), { cwd: ROOT, env, timeout: 30_000 }, (error, _stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stderr }));
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^plan: Pulumi\.nope\.yaml not found/);
  }, 40_000);
});
