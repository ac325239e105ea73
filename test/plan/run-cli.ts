/** `npm run plan` as a spawned process, the way CI and reviewers run it (shared by the plan tests). */
import { execFile } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";

export const ROOT = join(__dirname, "..", "..");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Node's arguments for `npm run plan -- ...args`: the script in package.json (`node [flags]
 * tools/plan/bin.js`), so the tests run the plan with the same V8 flags users get.
 */
export function planArgv(...args: string[]): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { plan: string } }).scripts.plan;
  const [node, ...rest] = script.split(/\s+/);
  if (node !== "node") throw new Error(`package.json's plan script does not start with node: ${script}`);
  return [...rest.map((arg) => (arg.endsWith(".js") ? join(ROOT, arg) : arg)), ...args];
}

/** Stacks in one process (the default), whatever the caller's environment says. */
export const PLAN_ENV: NodeJS.ProcessEnv = { ...process.env, PLAN_ISOLATE: "0" };

export function plan(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    // What `npm run plan` runs.
    execFile(process.execPath, planArgv(...args), { cwd: ROOT, env: PLAN_ENV, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}
