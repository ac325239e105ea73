/**
 * The plan runs the test files share (test/shared-runs.ts): a directory for them, and, when the
 * whole suite runs, every run started at once, as users run the plan, so that they plan while
 * the first files load and the longest begin first. A run of some files starts only the runs its
 * files ask for. The directory is removed after the run, and any run still going is stopped.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { TestProject } from "vitest/node";
import { claimSharedRun, SHARED_RUN_NAMES, StartedRun, startSharedRun, stopUnfinishedRuns } from "./shared-runs";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory of the shared runs: one directory per run (test/shared-runs.ts). */
    sharedRunsDir: string;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "shared-plan-runs-"));
  project.provide("sharedRunsDir", root);
  const wholeSuite = (project.config.filters ?? []).length === 0 && !project.config.testNamePattern;
  const started: StartedRun[] = [];
  if (wholeSuite) for (const name of SHARED_RUN_NAMES) if (claimSharedRun(root, name)) started.push(startSharedRun(root, name));
  return async () => {
    stopUnfinishedRuns(root);
    await Promise.all(started.map((run) => run.done));
    rmSync(root, { recursive: true, force: true });
  };
}
