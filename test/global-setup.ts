/**
 * Plans prod once for the whole test run, as a user runs it (`npm run plan -- --json --markdown
 * --diagram`, one process), and shares the result: the end-to-end CLI tests, the stack tests
 * and the one-process-versus-isolated comparison read the same run instead of each planning
 * prod again. The plan starts here and runs while the first test files do; test/shared-plan.ts
 * waits for it.
 */
import { spawn } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
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
  const root = join(__dirname, "..");
  const dir = mkdtempSync(join(tmpdir(), "shared-prod-plan-"));
  const child = spawn(process.execPath, [join(root, "tools/plan/bin.js"), "--json", join(dir, "prod.json"), "--markdown", join(dir, "prod.md"), "--diagram", join(dir, "prod.svg")], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  child.on("close", (code) => {
    writeFileSync(join(dir, "stdout.txt"), stdout);
    writeFileSync(join(dir, "stderr.txt"), stderr);
    writeFileSync(join(dir, "done.json"), JSON.stringify({ code }));
  });
  project.provide("prodPlanDir", dir);
  return () => {
    if (child.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
}
