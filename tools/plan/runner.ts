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
import type { ChildProcess } from "child_process";
import { availableParallelism } from "os";
import { PlanError } from "./args";
import { forkWorker, machineFacts, secondProcess, takePrestartedWorker } from "./processes";
import { combinePasses, exportable, knownStack, planStack, PreviewOutcome, StackJobSpec, StackResult } from "./stack";
import type { FromWorker, ToWorker } from "./worker";

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

export function createRunner(options: RunnerOptions & { regionalStacks?: number } = {}): StackRunner {
  const isolated = options.isolated ?? process.env.PLAN_ISOLATE === "1";
  if (isolated) return new IsolatedRunner(options.timeoutMs ?? 300_000);
  // Started by tools/plan/bin.js for an environment, when the machine had a core free then.
  const prestarted = takePrestartedWorker();
  if (prestarted || secondProcess({ ...machineFacts(), regionalStacks: options.regionalStacks ?? 0 })) {
    return new SplitRunner(options.timeoutMs ?? 300_000, prestarted);
  }
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

  /** `started`: a worker started before (tools/plan/bin.js), else one is started now. */
  constructor(started?: ChildProcess & { planReady?: boolean }) {
    // tools/plan/bin.js builds the bundle with PLAN_BUNDLED defined as "1".
    this.child = started ?? forkWorker(process.env.PLAN_BUNDLED === "1");
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = () => ((this.isReady = true), resolve())));
    if (started?.planReady) markReady();
    if (started && started.exitCode !== null) this.ended = { kind: "failed", message: `the planning process stopped (exit code ${started.exitCode}) before it reported a result` };
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

  /**
   * Sends a request at once when the worker is ready (so that it starts while this process is
   * busy with its own pass), else as soon as it is; the worker takes requests in turn.
   */
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
  private readonly worker: WorkerProcess;
  private readonly inTurn = queue(1);

  constructor(
    private readonly timeoutMs: number,
    started?: ChildProcess,
  ) {
    this.worker = new WorkerProcess(started);
  }

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
