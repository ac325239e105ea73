/** `npm run plan` as a spawned process, the way CI and reviewers run it (shared by the plan tests). */
import { execFile } from "child_process";
import { join } from "path";

export const ROOT = join(__dirname, "..", "..");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function plan(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    // What `npm run plan` runs.
    execFile(process.execPath, [join(ROOT, "tools/plan/bin.js"), ...args], { cwd: ROOT, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}
