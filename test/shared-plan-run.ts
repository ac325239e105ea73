/**
 * The shared prod plan's run (test/shared-plan.ts): `npm run plan -- --json --markdown --diagram`
 * of prod into a directory, with its stdout, stderr and, last, done.json ({code}). Plain Node, no
 * Vitest: test/global-setup.ts starts it before the first test file loads.
 */
import { ChildProcess, execFile } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { planArgv, ROOT } from "./plan/run-cli";

/** Claims the directory for this caller; false when another caller runs (or ran) the plan there. */
export function claimSharedPlan(dir: string): boolean {
  try {
    mkdirSync(join(dir, "claimed"));
    return true;
  } catch {
    return false;
  }
}

export interface SharedPlanRun {
  done: Promise<void>;
  /** Stops the plan if it still runs (a run of files that never asked for it ends first). */
  stop(): void;
}

export function runSharedPlan(dir: string): SharedPlanRun {
  let child: ChildProcess | undefined;
  let finished = false;
  const done = new Promise<void>((resolve) => {
    const args = planArgv("--json", join(dir, "prod.json"), "--markdown", join(dir, "prod.md"), "--diagram", join(dir, "prod.svg"));
    child = execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      finished = true;
      try {
        writeFileSync(join(dir, "stdout.txt"), stdout);
        writeFileSync(join(dir, "stderr.txt"), stderr);
        writeFileSync(join(dir, "done.json"), JSON.stringify({ code: error ? Number(error.code ?? -1) : 0 }));
      } catch {
        // The run ended and removed the directory.
      }
      resolve();
    });
  });
  return { done, stop: () => void (finished || child?.kill()) };
}
