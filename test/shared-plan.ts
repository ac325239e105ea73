/**
 * The plan runs the test files share (test/shared-runs.ts): one `npm run plan` each for the
 * whole test run, read by every file that needs it. A file waits for the run (starting it if
 * nobody has: a run of some files only) and reads its outputs.
 */
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { inject } from "vitest";
import type { PlanDocument } from "../tools/plan/model";
import { claimSharedRun, runDirectory, SharedRunName, startSharedRun } from "./shared-runs";

export interface SharedRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The run's directory: plan.json, and plan.md and plan.svg where the run writes them. */
  dir: string;
  /** plan.json as the run wrote it ("null" when it wrote none). */
  json: string;
  /** plan.json parsed anew for each caller: a file that changes it changes nothing for the others. */
  document: PlanDocument;
}

type Finished = Omit<SharedRun, "document">;

// Per worker: the files of a worker read each run's files once.
const finished = new Map<SharedRunName, Promise<Finished>>();

async function waitFor(name: SharedRunName): Promise<Finished> {
  const root = inject("sharedRunsDir");
  const dir = runDirectory(root, name);
  if (claimSharedRun(root, name)) await startSharedRun(root, name).done;
  // Started by the global setup or another worker: test and hook timeouts bound the wait.
  while (!existsSync(join(dir, "done.json"))) await new Promise((resolve) => setTimeout(resolve, 100));
  const { code } = JSON.parse(readFileSync(join(dir, "done.json"), "utf8")) as { code: number };
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  return { code, stdout: read("stdout.txt"), stderr: read("stderr.txt"), dir, json: existsSync(join(dir, "plan.json")) ? read("plan.json") : "null" };
}

/** A shared run, once it has ended. */
export async function sharedRun(name: SharedRunName): Promise<SharedRun> {
  if (!finished.has(name)) finished.set(name, waitFor(name));
  const run = await finished.get(name)!;
  return { ...run, document: JSON.parse(run.json) as PlanDocument };
}

/** `npm run plan -- --json --markdown --diagram` of prod (plan.json, plan.md, plan.svg in its directory). */
export function sharedProdPlan(): Promise<SharedRun> {
  return sharedRun("prod");
}
