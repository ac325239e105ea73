/**
 * One stack, one process: Pulumi's runtime state (config, mocks, the root resource) is
 * module-global, so every stack runs in a fresh child process forked by tools/plan/runner.ts.
 *
 * Protocol (IPC messages): the worker loads the heavy modules, sends {kind:"ready"}, waits for
 * {kind:"run", job}, plans the stack through the fake cloud and answers {kind:"done"} or
 * {kind:"failed", message}; then it exits. Anything thrown, rejected or left unhandled becomes
 * "failed" with a message and no stack trace.
 */
import { relative } from "path";
import type { RecordedResource } from "../fake-cloud";
import type { StackConfig } from "../fake-cloud/run";

export interface WorkerJob {
  stack: string;
  config: StackConfig;
  /** Absolute path of the program; null for this project's own program (stacks/main.ts). */
  program: string | null;
  /** Outputs of stacks planned earlier, for StackReference, by stack name. */
  stackOutputs: Record<string, Record<string, unknown>>;
}

export type ToWorker = { kind: "run"; job: WorkerJob };

export type FromWorker =
  | { kind: "ready" }
  | {
      kind: "done";
      resources: RecordedResource[];
      /** Stack outputs as the plan shows them (secrets masked). */
      outputs: Record<string, unknown>;
      /** Stack outputs with their values, for later stacks' StackReferences. */
      exported: Record<string, unknown>;
      milliseconds: number;
    }
  | { kind: "failed"; message: string };

/** Argument the runner passes so that importing this module elsewhere (tests) starts nothing. */
export const WORKER_FLAG = "--plan-worker";

let finished = false;

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** The first frame of a stack trace that is the user's code (not node_modules, not the plan tool). */
function userFrame(stack: string | undefined): string | null {
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const match = /^at (?:.*? \()?(.+?):(\d+):\d+\)?$/.exec(line.trim());
    if (!match) continue;
    const file = match[1].replace(/^file:\/\//, "");
    if (file.startsWith("node:") || !file.startsWith("/") || /node_modules|[\\/]tools[\\/](plan|fake-cloud)[\\/]/.test(file)) continue;
    return `${relative(process.cwd(), file)}:${match[2]}`;
  }
  return null;
}

/** A one-paragraph account of an error: its message, and where in the program it came from. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return `the program failed with ${JSON.stringify(err) ?? String(err)}`;
  // Pulumi's RunError (what stacks/ throws for bad config) is a message for the user as it is.
  if (err.name === "RunError" || err.constructor?.name === "RunError" || err.name === "ConfigError") return err.message;
  const where = userFrame(err.stack);
  const kind = err.name && err.name !== "Error" ? `${err.name}: ` : "";
  return `${kind}${err.message}${where ? ` (at ${where})` : ""}`;
}

async function fail(err: unknown): Promise<void> {
  if (finished) return;
  finished = true;
  await send({ kind: "failed", message: describeError(err) });
  process.exit(1);
}

/** Loads a program the way Pulumi's Node.js language host does: require, else import (ESM). */
async function loadProgram(file: string): Promise<unknown> {
  try {
    return require(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_REQUIRE_ESM") throw err;
    return import(file);
  }
}

async function run(job: WorkerJob): Promise<void> {
  const started = Date.now();
  // require, not import(): an ESM namespace of a CommonJS module reads every export, and
  // @pulumi/aws's exports are lazy getters over hundreds of modules (seconds of loading).
  const { runStack } = require("../fake-cloud/run") as typeof import("../fake-cloud/run");
  const load = job.program
    ? () => loadProgram(job.program!)
    : () => (require("../../stacks/main") as typeof import("../../stacks/main")).main;
  const result = await runStack({ stack: job.stack, config: job.config, stackOutputs: job.stackOutputs, load });
  // Under mocks a whole run can finish inside one macrotask, before Node reports the program's
  // unhandled rejections; let it report them now, so they fail the stack instead of vanishing.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  if (finished) return;
  // Values go back over IPC as JSON; functions and resources have no place there.
  const exported = JSON.parse(JSON.stringify(result.outputs ?? {}, (_key, value) => (typeof value === "function" ? undefined : value))) as Record<string, unknown>;
  finished = true;
  await send({ kind: "done", resources: result.cloud.resources, outputs: result.cloud.stackOutputs, exported, milliseconds: Date.now() - started });
  process.exit(0);
}

if (process.argv.includes(WORKER_FLAG)) {
  process.on("unhandledRejection", (reason) => void fail(reason));
  process.on("uncaughtException", (err) => void fail(err));
  process.on("message", (message: ToWorker) => {
    if (message?.kind === "run") run(message.job).catch((err) => fail(err));
  });
  // Warm up while the parent is busy elsewhere: these loads are most of a stack's start-up time.
  try {
    require("../fake-cloud/run");
    require("@pulumi/aws");
    void send({ kind: "ready" });
  } catch (err) {
    void fail(err);
  }
}
