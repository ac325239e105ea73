/**
 * Where stacks run. By default every stack runs in this process, one after another, each in its
 * own Pulumi runtime store (tools/fake-cloud/run.ts): the SDKs load once, and a stack costs only
 * its own work. Running stacks side by side in one process gains nothing (one thread) and costs
 * memory, so they run in turn.
 *
 * A second planning process does not pay either (measured, issue 15): one planning process keeps
 * both cores of a 2-core machine busy already (V8's garbage collector and compiler threads), and
 * a second one loads the SDKs and warms their code paths again. Splitting each stack's preview
 * pass into a warm second process made prod 0.5 s slower and 11 regions 3 s slower.
 *
 * `isolated: true` runs each stack in a child process of its own (tools/plan/worker.ts), as the
 * plan did before runtime stores: the tests compare the two ways byte for byte, and
 * `PLAN_ISOLATE=1` selects it when a program is suspected of leaking state between stacks.
 */
import type { ChildProcess } from "child_process";
import { availableParallelism } from "os";
import { PlanError } from "./args";
import { planStack, StackJobSpec, StackResult } from "./stack";
import { forkWorker, FromWorker, restorePlainSecrets, ToWorker } from "./worker";

export type { StackResult };

export interface RunHooks {
  /** Its work starts: stacks handed over together wait for their turn. */
  begins?(): void;
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

export function createRunner(options: RunnerOptions = {}): StackRunner {
  const isolated = options.isolated ?? process.env.PLAN_ISOLATE === "1";
  if (isolated) return new IsolatedRunner(options.timeoutMs ?? 300_000);
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

/** A worker's failure as the plan reports it: its message is already the whole account ("stack X: ..."); a crash is not. */
function failure(job: StackJobSpec, answer: FromWorker): PlanError {
  return new PlanError(answer.kind === "failed" && answer.message.startsWith("stack ") ? answer.message : `stack ${job.stack}: ${answer.kind === "failed" ? answer.message : "unexpected answer from the planning process"}`);
}

/** A started worker: send it jobs, read its answers in order. */
class WorkerProcess {
  readonly child: ChildProcess;
  private isReady = false;
  private readonly ready: Promise<void>;
  /** Answers still due, in the order the requests were sent (the worker answers in turn). */
  private readonly due: ((answer: FromWorker) => void)[] = [];
  private ended: FromWorker | undefined;

  constructor() {
    this.child = forkWorker();
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = () => ((this.isReady = true), resolve())));
    const end = (answer: FromWorker) => {
      this.ended ??= answer;
      markReady();
      for (const answerWith of this.due.splice(0)) answerWith(this.ended);
    };
    this.child.on("message", (message: FromWorker) => {
      if (message.kind === "ready") markReady();
      else this.due.shift()?.(message);
    });
    this.child.on("exit", (code, signal) => end({ kind: "failed", message: `the planning process stopped (${signal ?? `exit code ${code}`}) before it reported a result` }));
    this.child.on("error", (err) => end({ kind: "failed", message: `could not start the planning process: ${err.message}` }));
  }

  /** Sends a request as soon as the worker is ready; the worker takes requests in turn. */
  private ask(request: ToWorker, timeoutMs: number): Promise<FromWorker> {
    return new Promise<FromWorker>((resolve) => {
      if (this.ended) return resolve(this.ended);
      const timer = setTimeout(() => resolve({ kind: "failed", message: `did not finish within ${Math.round(timeoutMs / 1000)} s (a promise that never settles?)` }), timeoutMs);
      this.due.push((message) => (clearTimeout(timer), resolve(message)));
      const send = () => (this.ended ? undefined : this.child.send(request));
      if (this.isReady) send();
      else void this.ready.then(send);
    });
  }

  async run(job: StackJobSpec, timeoutMs: number): Promise<StackResult> {
    const answer = await this.ask({ kind: "run", job }, timeoutMs);
    if (answer.kind === "done") return restorePlainSecrets(answer.result, answer.secrets);
    throw failure(job, answer);
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
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
