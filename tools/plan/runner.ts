/**
 * Where stacks run. By default every stack runs in this process, one after another, each in its
 * own Pulumi runtime store (tools/fake-cloud/run.ts): the SDKs load once, and a stack costs only
 * its own work. Running stacks side by side in one process gains nothing (one thread) and costs
 * memory, so they run in turn.
 *
 * `isolated: true` runs each stack in a child process of its own (tools/plan/worker.ts), as the
 * plan did before runtime stores: the tests compare both ways byte for byte, and
 * `PLAN_ISOLATE=1` selects it when a program is suspected of leaking state between stacks.
 */
import { ChildProcess, fork } from "child_process";
import { availableParallelism } from "os";
import { join } from "path";
import { PlanError } from "./args";
import { planStack, StackJobSpec, StackResult } from "./stack";
import type { FromWorker, ToWorker } from "./worker";
import { WORKER_FLAG } from "./worker";

export type { StackResult };

export interface StackRunner {
  /** Plans one stack; rejects with a PlanError naming the stack when its program fails. */
  run(job: StackJobSpec): Promise<StackResult>;
  /** Stacks worth running at once: 1 in process (one thread), a process per core when isolated. */
  readonly parallel: number;
  /** Releases what the runner holds (child processes). */
  close(): void;
}

export interface RunnerOptions {
  /** A child process per stack instead of a runtime store per stack. @default PLAN_ISOLATE=1 */
  isolated?: boolean;
  /** Longest a stack may take in a child process. @default 300 000 ms */
  timeoutMs?: number;
}

export function createRunner(options: RunnerOptions = {}): StackRunner {
  const isolated = options.isolated ?? process.env.PLAN_ISOLATE === "1";
  return isolated ? new IsolatedRunner(options.timeoutMs ?? 300_000) : { run: planStack, parallel: 1, close: () => undefined };
}

/**
 * The worker as a child process: through tools/plan/bin.js (the bundle, with the SDK's start-up
 * costs removed) when this process runs from the bundle, else the TypeScript source under tsx.
 */
function startWorker(): ChildProcess {
  // tools/plan/bin.js builds the bundle with PLAN_BUNDLED defined as "1".
  const bundled = process.env.PLAN_BUNDLED === "1";
  const [entry, execArgv] = bundled ? [join(__dirname, "bin.js"), []] : [join(__dirname, "worker.ts"), ["--import", "tsx"]];
  return fork(entry, [WORKER_FLAG], {
    execPath: process.execPath,
    execArgv,
    // The program's own console output goes to stderr: stdout belongs to the summary.
    stdio: ["ignore", 2, 2, "ipc"],
    serialization: "json",
  });
}

class IsolatedRunner implements StackRunner {
  private readonly children = new Set<ChildProcess>();
  readonly parallel = availableParallelism();

  constructor(private readonly timeoutMs: number) {}

  async run(job: StackJobSpec): Promise<StackResult> {
    const child = startWorker();
    this.children.add(child);
    try {
      const answer = await new Promise<FromWorker>((resolve) => {
        const timer = setTimeout(() => resolve({ kind: "failed", message: `did not finish within ${Math.round(this.timeoutMs / 1000)} s (a promise that never settles?)` }), this.timeoutMs);
        child.on("message", (message: FromWorker) => {
          if (message.kind === "ready") child.send({ kind: "run", job } satisfies ToWorker);
          else (clearTimeout(timer), resolve(message));
        });
        child.on("exit", (code, signal) => (clearTimeout(timer), resolve({ kind: "failed", message: `the planning process stopped (${signal ?? `exit code ${code}`}) before it reported a result` })));
        child.on("error", (err) => (clearTimeout(timer), resolve({ kind: "failed", message: `could not start the planning process: ${err.message}` })));
      });
      if (answer.kind === "done") return answer.result;
      // The worker's message is already the whole account ("stack X: ..."); a crash is not.
      throw new PlanError(answer.kind === "failed" && answer.message.startsWith("stack ") ? answer.message : `stack ${job.stack}: ${answer.kind === "failed" ? answer.message : "unexpected answer from the planning process"}`);
    } finally {
      if (child.exitCode === null) child.kill();
      this.children.delete(child);
    }
  }

  close(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill();
    this.children.clear();
  }
}
