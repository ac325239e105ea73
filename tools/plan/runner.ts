/**
 * Where stacks run. By default every stack runs in this process, one after another, each in its
 * own Pulumi runtime store (tools/fake-cloud/run.ts): the SDKs load once, and a stack costs only
 * its own work. Running stacks side by side in one process gains nothing (one thread) and costs
 * memory, so they run in turn.
 *
 * With a core to spare (tools/plan/processes.ts decides), the plan splits each stack's two passes
 * over two processes: a warm second process, started at once and loading the SDKs while this one
 * does, runs every stack's preview pass (tools/plan/worker.ts) while this process runs the passes
 * with known values, each process one stack after another. Only the preview's URNs (or its
 * failure) cross back; the plan is the same either way.
 *
 * `isolated: true` runs each stack in a child process of its own (tools/plan/worker.ts), as the
 * plan did before runtime stores: the tests compare the ways byte for byte, and
 * `PLAN_ISOLATE=1` selects it when a program is suspected of leaking state between stacks.
 */
import { ChildProcess, fork } from "child_process";
import { availableParallelism, loadavg } from "os";
import { readFileSync } from "fs";
import { join } from "path";
import { PlanError } from "./args";
import { secondProcess } from "./processes";
import { combinePasses, exportable, knownStack, planStack, PreviewOutcome, StackJobSpec, StackResult } from "./stack";
import type { FromWorker, ToWorker } from "./worker";
import { WORKER_FLAG } from "./worker";

export type { StackResult };

export interface RunHooks {
  /** Its work starts: stacks handed over together wait for their turn. */
  begins?(): void;
  /** Its outputs with known values, as soon as that pass has them (the preview may still run). */
  known?(exported: Record<string, unknown>): void;
  /** It is planned, before the runner takes the next stack. */
  ends?(result: StackResult): void;
}

export interface StackRunner {
  /**
   * Plans one stack; rejects with a PlanError naming the stack when its program fails. Stacks
   * may be handed over at once: the runner takes them in turn, in the order given, as many at a
   * time as it has processes for.
   */
  run(job: StackJobSpec, hooks?: RunHooks): Promise<StackResult>;
  /** Releases what the runner holds (child processes). */
  close(): void;
}

/** Runs tasks in the order given, at most `width` at a time. */
function queue(width: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export interface RunnerOptions {
  /** A child process per stack instead of a runtime store per stack. @default PLAN_ISOLATE=1 */
  isolated?: boolean;
  /** Longest a stack may take in a child process. @default 300 000 ms */
  timeoutMs?: number;
}

/** Tasks on this CPU's run queue now, this process included (Linux: /proc/loadavg's fourth field); undefined elsewhere. */
function runnableNow(): number | undefined {
  try {
    const match = /\s(\d+)\/\d+\s/.exec(readFileSync("/proc/loadavg", "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function createRunner(options: RunnerOptions & { regionalStacks?: number } = {}): StackRunner {
  const isolated = options.isolated ?? process.env.PLAN_ISOLATE === "1";
  if (isolated) return new IsolatedRunner(options.timeoutMs ?? 300_000);
  const split = secondProcess({
    setting: process.env.PLAN_PROCESSES,
    bundled: process.env.PLAN_BUNDLED === "1",
    cores: availableParallelism(),
    runnable: runnableNow(),
    load: loadavg()[0],
    regionalStacks: options.regionalStacks ?? 0,
  });
  if (split) return new SplitRunner(options.timeoutMs ?? 300_000);
  const inTurn = queue(1);
  return {
    run: (job, hooks) => inTurn(async () => {
      hooks?.begins?.();
      const result = await planStack(job);
      hooks?.ends?.(result);
      return result;
    }),
    close: () => undefined,
  };
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

/** A worker's failure as the plan reports it: its message is already the whole account ("stack X: ..."); a crash is not. */
function failure(job: StackJobSpec, answer: FromWorker): PlanError {
  return new PlanError(answer.kind === "failed" && answer.message.startsWith("stack ") ? answer.message : `stack ${job.stack}: ${answer.kind === "failed" ? answer.message : "unexpected answer from the planning process"}`);
}

/** A started worker: send it jobs, read its answers in order. */
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

  /** Requests are answered in turn: each waits for the one before it. */
  private queue: Promise<unknown> = Promise.resolve();

  private ask(request: ToWorker, timeoutMs: number): Promise<FromWorker> {
    const answer = this.queue.then(async () => {
      await this.ready;
      return new Promise<FromWorker>((resolve) => {
        if (this.ended) return resolve(this.ended);
        const timer = setTimeout(() => resolve({ kind: "failed", message: `did not finish within ${Math.round(timeoutMs / 1000)} s (a promise that never settles?)` }), timeoutMs);
        this.waiting = (message) => (clearTimeout(timer), resolve(message));
        this.child.send(request);
      });
    });
    this.queue = answer;
    return answer;
  }

  async run(job: StackJobSpec, timeoutMs: number): Promise<StackResult> {
    const answer = await this.ask({ kind: "run", job }, timeoutMs);
    if (answer.kind === "done") return answer.result;
    throw failure(job, answer);
  }

  async preview(job: StackJobSpec, timeoutMs: number): Promise<PreviewOutcome> {
    const answer = await this.ask({ kind: "preview", job }, timeoutMs);
    if (answer.kind === "previewed") return answer.outcome;
    throw failure(job, answer);
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/**
 * Previews in a warm worker process, passes with known values here: each side takes one stack at
 * a time, in the order the stacks were handed over, so the two run side by side on two cores.
 */
class SplitRunner implements StackRunner {
  private readonly worker = new WorkerProcess();
  private readonly inTurn = queue(1);

  constructor(private readonly timeoutMs: number) {}

  async run(job: StackJobSpec, hooks?: RunHooks): Promise<StackResult> {
    const preview = this.worker.preview(job, this.timeoutMs);
    // A worker that crashed rejects here; the known pass below still ends before the plan does.
    preview.catch(() => undefined);
    const known = await this.inTurn(async () => {
      hooks?.begins?.();
      const outcome = await knownStack(job);
      if (outcome.ok) hooks?.known?.(exportable(outcome.run.outputs));
      return outcome;
    });
    const result = combinePasses(job, await preview, known);
    hooks?.ends?.(result);
    return result;
  }

  close(): void {
    this.worker.stop();
  }
}

class IsolatedRunner implements StackRunner {
  private readonly children = new Set<ChildProcess>();
  private readonly perCore = queue(availableParallelism());

  constructor(private readonly timeoutMs: number) {}

  run(job: StackJobSpec, hooks?: RunHooks): Promise<StackResult> {
    return this.perCore(() => this.inChild(job, hooks));
  }

  private async inChild(job: StackJobSpec, hooks?: RunHooks): Promise<StackResult> {
    hooks?.begins?.();
    const worker = new WorkerProcess();
    this.children.add(worker.child);
    try {
      const result = await worker.run(job, this.timeoutMs);
      hooks?.ends?.(result);
      return result;
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
