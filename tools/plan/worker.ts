/**
 * Stacks in a child process (tools/plan/runner.ts): one per process for isolated runs, or a
 * warm second process that runs every stack's preview pass next to the planning process.
 *
 * Protocol (IPC messages): the worker loads the heavy modules, sends {kind:"ready"}, then for
 * each {kind:"run", job} plans the stack (tools/plan/stack.ts) and answers {kind:"done", result}
 * or {kind:"failed", message}; for each {kind:"preview", job} runs the preview pass alone and
 * answers {kind:"previewed", outcome} (a program that fails its preview is an outcome, not a
 * failure of the worker). It exits after a failure, or when the parent disconnects. Anything
 * thrown or left unhandled becomes "failed" with a message and no stack trace.
 */
import { WORKER_FLAG } from "./processes";
import type { PreviewOutcome, StackJobSpec, StackResult } from "./stack";

export type ToWorker = { kind: "run" | "preview"; job: StackJobSpec };

export type FromWorker =
  | { kind: "ready" }
  | { kind: "done"; result: StackResult }
  | { kind: "previewed"; outcome: PreviewOutcome }
  | { kind: "failed"; message: string };

/** Argument the runner passes so that importing this module elsewhere (tests, the bundle) starts nothing. */
export { WORKER_FLAG };

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Serves jobs one after another: the runner forks this module (or the bundle) with WORKER_FLAG. */
export function serveWorker(): void {
  let finished = false;
  const fail = async (message: string) => {
    if (finished) return;
    finished = true;
    await send({ kind: "failed", message });
    process.exit(1);
  };
  // Loaded here, not at the top: importing this module must not load the SDKs.
  const { planStack, previewStack } = require("./stack") as typeof import("./stack");
  require("@pulumi/aws");
  const { describeError } = require("./errors") as typeof import("./errors");
  process.on("uncaughtException", (err) => void fail(describeError(err)));
  process.on("disconnect", () => process.exit(0));
  // Requests may arrive while one is running: they are taken in turn, answered in order.
  let turn: Promise<unknown> = Promise.resolve();
  process.on("message", (message: ToWorker) => {
    if (message?.kind === "preview") {
      turn = turn.then(() =>
        previewStack(message.job).then(
          (outcome) => send({ kind: "previewed", outcome }),
          (err: unknown) => fail(describeError(err)),
        ),
      );
    } else if (message?.kind === "run") {
      turn = turn.then(() =>
        planStack(message.job).then(
          (result) => send({ kind: "done", result }),
          (err: unknown) => fail(err instanceof Error && err.name === "PlanError" ? err.message : describeError(err)),
        ),
      );
    }
  });
  void send({ kind: "ready" });
}

if (process.argv.includes(WORKER_FLAG) && require.main === module) serveWorker();
