/**
 * Runs stacks in child processes (tools/plan/worker.ts), one process per stack so no runtime
 * state leaks from one stack into the next, as many at once as there are cores. Workers are
 * started ahead of need and load the Pulumi SDK while earlier stacks run, which is most of a
 * stack's cost on a small machine.
 */
import { ChildProcess, fork } from "child_process";
import { availableParallelism } from "os";
import { join } from "path";
import { PlanError } from "./args";
import type { FromWorker, ToWorker, WorkerJob } from "./worker";
import { WORKER_FLAG } from "./worker";

export type StackResult = Extract<FromWorker, { kind: "done" }>;

export interface RunnerOptions {
  /** Stacks this runner will be asked for in total: no worker is started beyond that. */
  totalJobs: number;
  /** At most this many stacks at once. @default the machine's available parallelism */
  concurrency?: number;
  /** Longest a stack may take. @default 300 000 ms */
  timeoutMs?: number;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  /** Settles with the worker's answer, or a PlanError when it dies first. */
  answer: Promise<FromWorker>;
}

const WORKER = join(__dirname, "worker.ts");

function startWorker(): Worker {
  // `--import tsx` registers tsx's loader for require and import alike (Node >= 20.6).
  const child = fork(WORKER, [WORKER_FLAG], {
    execPath: process.execPath,
    execArgv: ["--import", "tsx"],
    // The program's own console output goes to stderr: stdout belongs to the summary.
    stdio: ["ignore", 2, 2, "ipc"],
    serialization: "json",
  });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const answer = new Promise<FromWorker>((resolve) => {
    child.on("message", (message: FromWorker) => {
      if (message.kind === "ready") markReady();
      else resolve(message);
    });
    child.on("exit", (code, signal) => {
      markReady();
      resolve({ kind: "failed", message: `the planning process stopped (${signal ?? `exit code ${code}`}) before it reported a result` });
    });
    child.on("error", (err) => {
      markReady();
      resolve({ kind: "failed", message: `could not start the planning process: ${err.message}` });
    });
  });
  return { child, ready, answer };
}

export class StackRunner {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private started = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: RunnerOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? availableParallelism());
    this.timeoutMs = options.timeoutMs ?? 300_000;
    // Warm as many workers as can run at once (and no more than there are stacks).
    for (let i = 0; i < Math.min(this.concurrency, options.totalJobs); i++) this.spawn();
  }

  private spawn(): void {
    const worker = startWorker();
    this.started += 1;
    this.all.add(worker);
    this.idle.push(worker);
    worker.child.on("exit", () => this.all.delete(worker));
  }

  private async slot(): Promise<Worker> {
    while (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    if (this.idle.length === 0) this.spawn();
    return this.idle.shift()!;
  }

  private release(): void {
    this.running -= 1;
    // Replace the finished worker ahead of need while stacks remain.
    if (this.started < this.options.totalJobs && this.idle.length + this.running < this.concurrency) this.spawn();
    this.waiting.shift()?.();
  }

  /** Plans one stack; rejects with a PlanError naming the stack when its program fails. */
  async run(job: WorkerJob): Promise<StackResult> {
    const worker = await this.slot();
    try {
      await worker.ready;
      if (worker.child.connected) worker.child.send({ kind: "run", job } satisfies ToWorker);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<FromWorker>((resolve) => {
        timer = setTimeout(() => resolve({ kind: "failed", message: `did not finish within ${Math.round(this.timeoutMs / 1000)} s (a promise that never settles?)` }), this.timeoutMs);
      });
      const answer = await Promise.race([worker.answer, timeout]);
      clearTimeout(timer);
      if (answer.kind !== "done") {
        worker.child.kill();
        throw new PlanError(`stack ${job.stack}: ${answer.kind === "failed" ? answer.message : "unexpected answer from the planning process"}`);
      }
      return answer;
    } finally {
      this.release();
    }
  }

  /** Stops every worker still alive (after a failure, or spare warm ones). */
  close(): void {
    for (const worker of this.all) if (worker.child.exitCode === null) worker.child.kill();
    this.all.clear();
    this.idle.length = 0;
  }
}
