/**
 * Stacks in one process (each in its own Pulumi runtime store, the default), or with their
 * previews in a second process (PLAN_PROCESSES=2), plan exactly what stacks in processes of their
 * own (PLAN_ISOLATE=1) plan: the plan JSON is byte-identical for prod (the shared plan, one
 * process) and for an 11-region environment (split). Through the CLI, as users run it.
 */
import { execFile } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { benchEnvironment } from "../../tools/plan/bench";
import { sharedProdPlan } from "../shared-plan";
import { planArgv } from "./run-cli";
import { temporaryDirectories } from "./temp-dirs";

const root = join(__dirname, "..", "..");
const tempDir = temporaryDirectories();

/** `isolated`: a process per stack; `split`: previews in a second process (tools/plan/runner.ts); `single`: one process. */
function planJson(args: string[], out: string, mode: "isolated" | "split" | "single"): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PLAN_ISOLATE: mode === "isolated" ? "1" : "0", PLAN_PROCESSES: mode === "split" ? "2" : "1" };
    execFile(process.execPath, planArgv(...args, "--json", out), { cwd: root, env, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error && error.code !== 1) return reject(new Error(`plan ${args.join(" ")} failed: ${stderr}`));
      resolve(readFileSync(out, "utf8"));
    });
  });
}

describe("one process versus a process per stack", () => {
  it("gives byte-identical plan JSON for prod", async () => {
    const dir = tempDir("isolation-prod-");
    const [shared, isolated] = await Promise.all([sharedProdPlan(), planJson([], join(dir, "isolated.json"), "isolated")]);
    expect(shared.code).toBe(0);
    expect(isolated).toBe(shared.json);
  }, 600_000);

  // The in-process side splits its passes over two processes here: the three ways agree.
  it("gives byte-identical plan JSON for an 11-region environment, previews in a second process or not", async () => {
    const dir = tempDir("isolation-11-");
    const file = join(dir, "eleven.yaml");
    writeFileSync(file, stringify({ config: benchEnvironment(11) }));
    const args = ["--env", "eleven", "--config-file", file];
    const [inProcess, isolated] = await Promise.all([planJson(args, join(dir, "split.json"), "split"), planJson(args, join(dir, "isolated.json"), "isolated")]);
    const plan = JSON.parse(inProcess) as { stacks: unknown[] };
    expect(plan.stacks).toHaveLength(12);
    expect(isolated).toBe(inProcess);
  }, 600_000);
});
