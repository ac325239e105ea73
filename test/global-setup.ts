/**
 * The prod plan the test files share (test/shared-plan.ts): started here, as a user runs it,
 * when the run starts, so that it plans while the first files load; the files that need it read
 * that run instead of planning prod again. Its directory is removed after the run.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { TestProject } from "vitest/node";
import { claimSharedPlan, runSharedPlan } from "./shared-plan-run";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory of the shared prod run: prod.json, prod.md, prod.svg, stdout.txt, stderr.txt, then done.json ({code}). */
    prodPlanDir: string;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "shared-prod-plan-"));
  project.provide("prodPlanDir", dir);
  const run = claimSharedPlan(dir) ? runSharedPlan(dir) : undefined;
  return async () => {
    run?.stop();
    await run?.done;
    rmSync(dir, { recursive: true, force: true });
  };
}
