/**
 * A directory for the prod plan the test files share (test/shared-plan.ts): the first file
 * that needs it plans prod as a user does, the others read the same run instead of planning
 * prod again. Removed after the run.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory of the shared prod run: prod.json, prod.md, prod.svg, stdout.txt, stderr.txt, then done.json ({code}). */
    prodPlanDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "shared-prod-plan-"));
  project.provide("prodPlanDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
