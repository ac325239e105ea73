/**
 * One `npm run plan -- --json --markdown --diagram` of prod for the whole test run: test/global-setup.ts
 * starts it when the run starts (test/shared-plan-run.ts), every file that needs it waits for
 * that run and reads it.
 */
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { inject } from "vitest";
import type { PlanDocument } from "../tools/plan/model";
import { claimSharedPlan, runSharedPlan } from "./shared-plan-run";

export interface SharedRun {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
  json: string;
  document: PlanDocument;
}

let cached: Promise<SharedRun> | undefined;

/** The shared plan of prod, as test/global-setup.ts started it. */
export function sharedProdPlan(): Promise<SharedRun> {
  cached ??= (async () => {
    const dir = inject("prodPlanDir");
    // test/global-setup.ts started it; claimed here only if it could not.
    if (claimSharedPlan(dir)) await runSharedPlan(dir).done;
    const deadline = Date.now() + 170_000;
    while (!existsSync(join(dir, "done.json"))) {
      if (Date.now() > deadline) throw new Error("the shared prod plan did not finish");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { code } = JSON.parse(readFileSync(join(dir, "done.json"), "utf8")) as { code: number };
    const read = (name: string) => readFileSync(join(dir, name), "utf8");
    const json = existsSync(join(dir, "prod.json")) ? read("prod.json") : "null";
    return { code, stdout: read("stdout.txt"), stderr: read("stderr.txt"), dir, json, document: JSON.parse(json) as PlanDocument };
  })();
  return cached;
}
