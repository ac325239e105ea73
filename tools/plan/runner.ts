/**
 * Where stacks run. By default every stack runs in this process, one after another, each in its
 * own Pulumi runtime store (tools/fake-cloud/run.ts): the SDKs load once, and a stack costs only
 * its own work. Running stacks side by side in one process gains nothing (one thread) and costs
 * memory, so they run in turn. When the plan runs from its bundle, a core is idle and there are
 * more regional stacks than prod's three, one warm second process (started at once, loading the
 * SDKs while the global stack runs here) plans every other regional stack next to this one.
 *
 * `isolated: true` runs each stack in a child process of its own (tools/plan/worker.ts), as the
 * plan did before runtime stores: the tests compare both ways byte for byte, and
 * `PLAN_ISOLATE=1` selects it when a program is suspected of leaking state between stacks.
 */
import { ChildProcess, fork } from "child_process";
import { availableParallelism, loadavg } from "os";
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

export function createRunner(options: RunnerOptions & { regionalStacks?: number } = {}): StackRunner {
  const isolated = options.isolated ?? process.env.PLAN_ISOLATE === "1";
  if (isolated) return new IsolatedRunner(options.timeoutMs ?? 300_000);
  // A second process costs its own SDK load and memory (~0.8 s of CPU, ~200 MiB): it pays off
  // only with an idle core (the load average shows one) and more regional stacks than prod's
  // three; on a busy machine it makes the plan slower. Only from the bundle: under a test runner
  // the tests' own processes use the cores. PLAN_PROCESSES=1 or 2 decides instead.
  const cores = availableParallelism();
  const idleCore = cores >= 2 && loadavg()[0] < cores - 0.5;
  const wanted = process.env.PLAN_PROCESSES ?? (idleCore && (options.regionalStacks ?? 0) > 3 ? "2" : "1");
  const second = process.env.PLAN_BUNDLED === "1" && wanted === "2" && (options.regionalStacks ?? 0) >= 2;
  return second ? new SharedRunner(options.timeoutMs ?? 300_000) : { run: planStack, parallel: 1, close: () => undefined };
}

/**
 * The worker as a child process: through tools/plan/bin.js (the bundle, with the SDK's start-up
 * costs removed) when this process runs from the bundle, else the TypeScript source under tsx.
 */
function startWorker(): ChildProcess {
  // tools/plan/bin.js builds the bundle with PLAN_BUNDLED defined as "1".
  const bundled = process.env.PLAN_BUNDLED === "1";
  // The planning process's V8 flags (npm run plan's --max-semi-space-size) hold for its workers too.
  const v8Flags = process.execArgv.filter((arg) => /^--max-(semi|old)-space-size=/.test(arg));
  const [entry, execArgv] = bundled ? [join(__dirname, "bin.js"), v8Flags] : [join(__dirname, "worker.ts"), ["--import", "tsx", ...v8Flags]];
  return fork(entry, [WORKER_FLAG], {
    execPath: process.execPath,
    execArgv,
    // The program's own console output goes to stderr: stdout belongs to the summary.
    stdio: ["ignore", 2, 2, "ipc"],
    serialization: "json",
  });
}

/** A started worker: send it jobs one at a time, read its answers in order. */
class WorkerProcess {
  readonly child = startWorker();
  private readonly ready: Promise<void>;
  private waiting: ((answer: FromWorker) => void) | undefined;
  private ended: FromWorker | undefined;

  constructor() {
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    const end = (answer: FromWorker) => {
      this.ended ??= answer;
      markReady();
      this.waiting?.(this.ended);
      this.waiting = undefined;
    };
    this.child.on("message", (message: FromWorker) => {
      if (message.kind === "ready") markReady();
      else {
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting?.(message);
      }
    });
    this.child.on("exit", (code, signal) => end({ kind: "failed", message: `the planning process stopped (${signal ?? `exit code ${code}`}) before it reported a result` }));
    this.child.on("error", (err) => end({ kind: "failed", message: `could not start the planning process: ${err.message}` }));
  }

  async run(job: StackJobSpec, timeoutMs: number): Promise<StackResult> {
    await this.ready;
    const answer = await new Promise<FromWorker>((resolve) => {
      if (this.ended) return resolve(this.ended);
      const timer = setTimeout(() => resolve({ kind: "failed", message: `did not finish within ${Math.round(timeoutMs / 1000)} s (a promise that never settles?)` }), timeoutMs);
      this.waiting = (message) => (clearTimeout(timer), resolve(message));
      this.child.send({ kind: "run", job } satisfies ToWorker);
    });
    if (answer.kind === "done") return answer.result;
    // The worker's message is already the whole account ("stack X: ..."); a crash is not.
    throw new PlanError(answer.kind === "failed" && answer.message.startsWith("stack ") ? answer.message : `stack ${job.stack}: ${answer.kind === "failed" ? answer.message : "unexpected answer from the planning process"}`);
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** This process and one warm worker process, each planning one stack at a time. */
class SharedRunner implements StackRunner {
  readonly parallel = 2;
  private readonly worker = new WorkerProcess();
  private localBusy = false;

  constructor(private readonly timeoutMs: number) {}

  async run(job: StackJobSpec): Promise<StackResult> {
    if (this.localBusy) return this.worker.run(job, this.timeoutMs);
    this.localBusy = true;
    try {
      return await planStack(job);
    } finally {
      this.localBusy = false;
    }
  }

  close(): void {
    this.worker.stop();
  }
}

class IsolatedRunner implements StackRunner {
  private readonly children = new Set<ChildProcess>();
  readonly parallel = availableParallelism();

  constructor(private readonly timeoutMs: number) {}

  async run(job: StackJobSpec): Promise<StackResult> {
    const worker = new WorkerProcess();
    this.children.add(worker.child);
    try {
      return await worker.run(job, this.timeoutMs);
    } finally {
      worker.stop();
      this.children.delete(worker.child);
    }
  }

  close(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill();
    this.children.clear();
  }
}
