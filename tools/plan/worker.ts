/**
 * A stack in a child process of its own (isolated runs, tools/plan/runner.ts).
 *
 * Protocol (IPC messages): the worker loads the heavy modules, sends {kind:"ready"}, then for
 * each {kind:"run", job} plans the stack (tools/plan/stack.ts) and answers {kind:"done", result}
 * or {kind:"failed", message}. The plain values of secrets (secretInputs, secretOutputs), which
 * JSON leaves out of the records (tools/fake-cloud setPlainSecrets), travel beside them in
 * `secrets`, by position: the policies run in the planning process and must see what they see
 * for a stack planned there. It exits after a failure, or when the parent disconnects.
 * Anything thrown or left unhandled becomes "failed" with a message and no stack trace.
 */
import { ChildProcess, fork } from "child_process";
import { join } from "path";
import type { StackJobSpec, StackResult } from "./stack";
import { setPlainSecrets } from "../fake-cloud/plain-secrets";

export type ToWorker = { kind: "run"; job: StackJobSpec };

/** The plain values of secrets of the result's records, by record position (only records that have some). */
export type PlainSecrets = [index: number, inputs: Record<string, unknown> | null, outputs: Record<string, unknown> | null][];

export type FromWorker = { kind: "ready" } | { kind: "done"; result: StackResult; secrets: PlainSecrets } | { kind: "failed"; message: string };

/** What JSON would drop of a result: its records' plain values of secrets. */
function plainSecretsOf(result: StackResult): PlainSecrets {
  const out: PlainSecrets = [];
  result.resources.forEach((r, i) => {
    if (r.secretInputs || r.secretOutputs) out.push([i, r.secretInputs ?? null, r.secretOutputs ?? null]);
  });
  return out;
}

/** Puts the plain values of secrets back on the records of a result that came over JSON. */
export function restorePlainSecrets(result: StackResult, secrets: PlainSecrets): StackResult {
  for (const [i, inputs, outputs] of secrets) {
    setPlainSecrets(result.resources[i], "secretInputs", inputs ?? undefined);
    setPlainSecrets(result.resources[i], "secretOutputs", outputs ?? undefined);
  }
  return result;
}

/** Argument the runner passes so that importing this module elsewhere (tests, the bundle) starts nothing. */
export const WORKER_FLAG = "--plan-worker";

/**
 * Starts a worker, always through tools/plan/bin.js: the bundle `npm run plan` runs, also when
 * the planning process itself runs the TypeScript sources (the tests, under Vitest). A worker
 * under tsx would load every SDK through the TypeScript loader with source maps (measured: 3.5
 * CPU-s against about 1 for a stack of the test fixture), and would not be what users run.
 * It gets the planning process's upper heap limits (npm run plan's --max-semi-space-size; not its floors, which would give each one-stack child memory it never fills), and
 * `--no-opt`: a worker plans one stack and exits, too soon for V8's optimizing compiler to pay
 * back its compile threads (measured, 11 regions isolated: 41 -> 33 s of CPU, 22.6 -> 18.7 s
 * wall). A normal run's one planning process keeps the optimizing compiler: measured, it is
 * faster there.
 * The program's own console output goes to stderr: stdout belongs to the summary.
 */
export function forkWorker(): ChildProcess {
  const execArgv = [...process.execArgv.filter((arg) => /^--max-(semi|old)-space-size=/.test(arg)), "--no-opt"];
  return fork(join(__dirname, "bin.js"), [WORKER_FLAG], { execPath: process.execPath, execArgv, stdio: ["ignore", 2, 2, "ipc"], serialization: "json" });
}

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Serves jobs one after another: the bundle calls it when forked with WORKER_FLAG (tools/plan/entry.ts). */
export function serveWorker(): void {
  let finished = false;
  const fail = async (message: string) => {
    if (finished) return;
    finished = true;
    await send({ kind: "failed", message });
    process.exit(1);
  };
  // Loaded here, not at the top: importing this module must not load the SDKs.
  const { planStack } = require("./stack") as typeof import("./stack");
  require("@pulumi/aws");
  const { describeError } = require("./errors") as typeof import("./errors");
  process.on("uncaughtException", (err) => void fail(describeError(err)));
  process.on("disconnect", () => process.exit(0));
  // Requests may arrive while one is running: they are taken in turn, answered in order.
  let turn: Promise<unknown> = Promise.resolve();
  process.on("message", (message: ToWorker) => {
    if (message?.kind === "run") {
      turn = turn.then(() =>
        planStack(message.job).then(
          (result) => send({ kind: "done", result, secrets: plainSecretsOf(result) }),
          (err: unknown) => fail(err instanceof Error && err.name === "PlanError" ? err.message : describeError(err)),
        ),
      );
    }
  });
  void send({ kind: "ready" });
}

