/**
 * The plan runs the test files share (test/shared-plan.ts reads them): each one `npm run plan`,
 * spawned as users run it, once per test run, however many files read it. A run of the whole
 * suite starts them all when it starts (test/global-setup.ts), so that the longest begin first
 * and plan while the first files load; a run of some files starts a run when a file first asks
 * for it. Plain Node, no Vitest: the global setup runs outside the test workers.
 *
 * Each run has a directory of its own under the test run's: its output files (plan.json, and
 * plan.md and plan.svg where asked), stdout.txt, stderr.txt, then, last, done.json ({code}).
 */
import { execFile } from "child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import { getPriority, setPriority } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { benchEnvironment } from "../tools/plan/bench";
import { PLAN_ENV, planArgv, ROOT } from "./plan/run-cli";

interface SharedRunSpec {
  /** What follows `npm run plan --`: `dir` is the run's own directory, `inputs` one the runs share. */
  args(dir: string, inputs: string): string[];
  /** Node's arguments when the run is not `npm run plan` (the type check). */
  argv?: string[];
  /** Environment variables of the run, over the test run's. */
  env?: Record<string, string>;
  /**
   * Runs only the isolation test reads give way to the runs other files wait on: they start at
   * once, at a lower priority, and take the CPU the others leave.
   */
  background?: boolean;
}

/** Prod grown to eleven regions, as the benchmark plans it (tools/plan/bench.ts). */
function elevenRegions(inputs: string): string {
  const file = join(inputs, "eleven.yaml");
  writeAtomically(file, stringify({ config: benchEnvironment(11) }));
  return file;
}

const eleven = (inputs: string) => ["--env", "eleven", "--config-file", elevenRegions(inputs)];

/** The stack config of the fixture programs: their default AWS provider's region (us-east-1). */
export const PROGRAM_CONFIG = "test/plan/fixtures/us-east-1.yaml";

/** The compliant two-region program the policy, monitoring and experiment tests vary by config. */
export const COMPLIANT_PROGRAM = "test/fixtures/policy/compliant.ts";

export const SHARED_RUNS = {
  /** Prod with every report, in one process (test/plan/run-cli.ts's PLAN_ENV, as every run unless it says otherwise). */
  prod: { args: (dir: string) => ["--json", join(dir, "plan.json"), "--markdown", join(dir, "plan.md"), "--diagram", join(dir, "plan.svg")] },
  /** Prod with a process per stack (PLAN_ISOLATE=1). */
  "prod-isolated": { args: (dir: string) => ["--json", join(dir, "plan.json")], env: { PLAN_ISOLATE: "1" }, background: true },
  /** Eleven regions, in one process. */
  eleven: { args: (dir: string, inputs: string) => [...eleven(inputs), "--json", join(dir, "plan.json")] },
  /** Eleven regions with a process per stack. */
  "eleven-isolated": { args: (dir: string, inputs: string) => [...eleven(inputs), "--json", join(dir, "plan.json")], env: { PLAN_ISOLATE: "1" }, background: true },
  /** The data-tier example (examples/data-tier: tables, cache and edge in three regions). */
  staging: { args: (dir: string) => ["--config-file", "examples/data-tier/Pulumi.staging.yaml", "--json", join(dir, "plan.json")] },
  /** The compliant program with its own config. */
  compliant: { args: (dir: string) => ["--program", COMPLIANT_PROGRAM, "--config-file", PROGRAM_CONFIG, "--json", join(dir, "plan.json")] },
  /**
   * The type check (`npm run typecheck`, test/typecheck.test.ts reads it): tsc uses one core, so
   * it runs beside the first files instead of before them all, the second core busy meanwhile.
   */
  typecheck: { args: () => [], argv: [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"] },
} satisfies Record<string, SharedRunSpec>;

export type SharedRunName = keyof typeof SHARED_RUNS;

export const SHARED_RUN_NAMES = Object.keys(SHARED_RUNS) as SharedRunName[];

function writeAtomically(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, file);
}

/** A run's directory under the test run's directory. */
export function runDirectory(root: string, name: SharedRunName): string {
  return join(root, name);
}

/**
 * Claims a run for this caller by creating its directory; false when another caller runs (or
 * ran) it: only one process of the test run starts each.
 */
export function claimSharedRun(root: string, name: SharedRunName): boolean {
  try {
    mkdirSync(runDirectory(root, name));
    return true;
  } catch {
    return false;
  }
}

export interface StartedRun {
  done: Promise<void>;
}

/**
 * Starts a claimed run; its directory gets done.json when it ends, whatever the exit code, and
 * its process id meanwhile (pid), so that the end of the test run can stop it, whoever started it.
 */
export function startSharedRun(root: string, name: SharedRunName): StartedRun {
  const spec: SharedRunSpec = SHARED_RUNS[name];
  const dir = runDirectory(root, name);
  const inputs = join(root, "inputs");
  mkdirSync(inputs, { recursive: true });
  const done = new Promise<void>((resolve) => {
    const env = { ...PLAN_ENV, ...spec.env };
    // Longer than any file waits for it: a run that hangs ends with its own account on stderr.
    const child = execFile(process.execPath, spec.argv ?? planArgv(...spec.args(dir, inputs)), { cwd: ROOT, env, timeout: 540_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      try {
        writeFileSync(join(dir, "stdout.txt"), stdout);
        writeFileSync(join(dir, "stderr.txt"), stderr);
        writeAtomically(join(dir, "done.json"), JSON.stringify({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }));
      } catch {
        // The test run ended and removed the directory.
      }
      resolve();
    });
    if (child.pid !== undefined) writeFileSync(join(dir, "pid"), String(child.pid));
    // Before it starts its own processes (process-per-stack runs fork theirs), which inherit it.
    if (spec.background && child.pid !== undefined) {
      try {
        setPriority(child.pid, Math.min(19, getPriority() + 5));
      } catch {
        // Not allowed here: it runs at the test run's priority.
      }
    }
  });
  return { done };
}

/** Stops every run of the test run that has not ended (their files failed or never read them). */
export function stopUnfinishedRuns(root: string): void {
  for (const name of SHARED_RUN_NAMES) {
    const dir = runDirectory(root, name);
    if (!existsSync(join(dir, "pid")) || existsSync(join(dir, "done.json"))) continue;
    try {
      process.kill(Number(readFileSync(join(dir, "pid"), "utf8")));
    } catch {
      // It ended meanwhile.
    }
  }
}
