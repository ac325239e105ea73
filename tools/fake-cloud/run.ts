/**
 * Runs a Pulumi program against the fake engine the way the Node.js language host would: config
 * set first, the program loaded inside a root `pulumi:pulumi:Stack`, its export (or the result of
 * calling it) awaited as the stack outputs, then every pending registration drained.
 *
 * Each run gets its own Pulumi runtime store, as the Automation API gives each inline program one:
 * its own monitor, config, root stack resource, transforms, RPC drain and promise-leak tracking.
 * Runs can therefore follow one another in one process without one stack seeing another's state.
 * Runs in one process take turns (a second waits for the first): the store is installed as the
 * SDK's global store for the run, not through the SDK's `withLocalStorage`, because an
 * AsyncLocalStorage context costs a promise hook on every promise the SDK creates (about a
 * tenth of a plan's CPU, on Node 20). A run fails, as the real program would, when the program
 * throws, leaves a rejection unhandled, stops making progress before it finishes (what a program
 * waiting on an unknown output does in a preview) or leaves SDK promises pending. As the host's
 * process, a run goes on after the program's main promise until its event loop is empty (timers,
 * I/O, `beforeExit` listeners): what the program registers meanwhile is its stack's, and no run
 * starts while an earlier program's work is still pending.
 *
 * As the host, the run changes to the program's directory (`--pwd`) while it lasts; and as the
 * engine, it reads there every file asset and archive a resource is registered with.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as state from "@pulumi/pulumi/runtime/state";
import { readFileSync } from "fs";
import { resolve } from "path";
import { yamlValue } from "./yaml-text";
import { FakeCloud, FakeCloudOptions, installFakeCloud } from "./index";
import { LATE_REPORTS_LISTENER } from "./late-reports";
import { escEnvironmentRefusal, StackConfigError, toRuntimeConfig, withSecretStandIns } from "./project-config";
import { hashAssetsOnRegistration } from "./file-assets";
import { moreWorkThan, nextTurn, pendingWork, trackProgramTimers, type WorkCounts } from "./program-timers";
import { freshStoreFrom } from "./store";

export type StackConfig = Record<string, unknown>;

/**
 * Reads the `config:` map of a Pulumi stack file (Pulumi.<stack>.yaml), as YAML values. A file
 * with an ESC `environment:` is refused: the CLI would add config to it that no file holds.
 */
export function readStackConfig(file: string): StackConfig {
  const document = yamlValue(readFileSync(file, "utf8")) as { config?: StackConfig; environment?: unknown } | null;
  const refusal = escEnvironmentRefusal(document?.environment);
  if (refusal !== null) throw new StackConfigError(`${file}: ${refusal}`, null);
  return document?.config ?? {};
}

export interface StackRun {
  cloud: FakeCloud;
  outputs: Record<string, unknown>;
}

export interface RunOptions extends FakeCloudOptions {
  stack: string;
  config: StackConfig;
  /**
   * Loads the program; its export is the outputs, a promise of them, or a function returning
   * either. What the host takes of a module (an ES module's default export) is the loader's to
   * say (tools/plan/stack.ts `hostProgramExport`).
   */
  load: () => unknown;
  /** Longest a run may take. @default 300 000 ms */
  timeoutMs?: number;
  /** Drop what the program writes to the console (the plan's second pass: the preview printed it). */
  quiet?: boolean;
  /**
   * The program's directory, where the language host runs it (`--pwd`; the engine's
   * `runinfo.Pwd`): the process's working directory while the run lasts, and where a FileAsset's or
   * FileArchive's relative path is read from. @default the process's working directory, unchanged
   */
  workingDirectory?: string;
}

/** Why a run failed: what the program did (its error) or what the runtime saw (hang, leak). */
export class StackRunError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = "StackRunError";
  }
}

interface Store {
  leakCandidates: Set<Promise<unknown> & { _debugCtx?: string }>;
}

const sdkState = state as unknown as { getGlobalStore(): Store };
const runtimeGlobals = globalThis as unknown as { globalStore?: Store; asyncLocalStorage?: { getStore(): unknown } };

/** Turns of the event loop with no engine operation, no timer and no I/O before a run counts as stuck. */
const IDLE_TURNS = 20;
/**
 * Turns with no engine operation, no timer and no I/O after which a finished program's event loop
 * counts as empty. Microtasks all run within a turn, and whatever else could still wake the
 * program is one of those three, watched every turn: two turns are enough, where IDLE_TURNS (a
 * margin for telling a stuck program from a slow one) cost every pass of every stack 40 turns.
 */
const EMPTY_TURNS = 2;


interface ActiveRun {
  failure: unknown;
  /** Console output is dropped while it runs. */
  quiet: boolean;
}

/** The run in progress (one at a time), whether one has ended, and the turn of the next. */
let current: ActiveRun | undefined;
let anyEnded = false;
let turn: Promise<unknown> = Promise.resolve();

/**
 * One listener for the whole process: an unhandled rejection or an uncaught exception while a
 * run is in progress is that run's (nothing else runs meanwhile) and fails it. Between runs, once
 * a run has ended, it is a late report of a program that already failed or finished, and is
 * dropped, as that program's process would have exited; before any run, it is left to the
 * process's other listeners, or, when there are none, reported as Node would and the exit code set.
 * The listeners carry LATE_REPORTS_LISTENER (tools/fake-cloud/late-reports.ts): a test runner that
 * plans in its own process takes them off between test files, and the next run puts them back.
 */
function dispatch(kind: "unhandledRejection" | "uncaughtException") {
  const listener = (reason: unknown) => {
    if (current) {
      current.failure ??= reason;
      return;
    }
    if (anyEnded) return;
    if (process.listenerCount(kind) === 1) {
      process.stderr.write(`${kind}: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}\n`);
      process.exitCode = 1;
    }
  };
  return Object.assign(listener, { [LATE_REPORTS_LISTENER]: true });
}

const listeners = { unhandledRejection: dispatch("unhandledRejection"), uncaughtException: dispatch("uncaughtException") };

let consoleQuieted = false;
function listen(): void {
  if (!consoleQuieted) {
    consoleQuieted = true;
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      const original = console[method].bind(console);
      console[method] = (...args: unknown[]) => {
        if (!current?.quiet) original(...args);
      };
    }
  }
  if (!process.listeners("unhandledRejection").includes(listeners.unhandledRejection)) process.on("unhandledRejection", listeners.unhandledRejection);
  if (!process.listeners("uncaughtException").includes(listeners.uncaughtException)) process.on("uncaughtException", listeners.uncaughtException);
}

/**
 * Global variables the SDK itself keeps across stores (the root stack of the latest run, the
 * store), and the test runner's: left as they are.
 */
const RUNTIME_GLOBALS = /^(stackResource|asyncLocalStorage|globalStore|__vitest.*|__VITEST.*)$/;

/**
 * The global object as a program found it: a program that sets a global (or replaces one) must
 * not change the next stack's plan, as it cannot when each stack has a process of its own.
 */
function snapshotGlobals(): () => void {
  const target = globalThis as unknown as Record<PropertyKey, unknown>;
  const before = new Map(Reflect.ownKeys(target).map((key) => [key, Reflect.getOwnPropertyDescriptor(target, key)!]));
  return () => {
    for (const key of Reflect.ownKeys(target)) {
      if (typeof key === "string" && RUNTIME_GLOBALS.test(key)) continue;
      const was = before.get(key);
      const now = Reflect.getOwnPropertyDescriptor(target, key)!;
      if (!was) {
        if (now.configurable) Reflect.deleteProperty(target, key);
      } else if (was.value !== now.value || was.get !== now.get || was.set !== now.set) {
        if (now.configurable) Reflect.defineProperty(target, key, was);
        else if (now.writable) target[key as string] = was.value;
      }
    }
  };
}

/**
 * Runs on like Node's event loop until it is empty, as the language host's process does after
 * the program's main promise: whatever a timer, an I/O callback or a `beforeExit` listener of the
 * program registers then is the stack's (cmd/run/index.js waits for `beforeExit` to signal the
 * engine; @pulumi/aws creates a bucket's BucketNotification in such a listener). Empty means no
 * engine operation in flight or new, and no timer or I/O of the program pending (`programWorks`),
 * for EMPTY_TURNS turns; Node then emits `beforeExit`, again whenever its listeners made more
 * work. False when the deadline passes first.
 */
async function untilEventLoopEmpty(engine: { inFlight: number; operations: number }, programWorks: () => boolean, deadline: number): Promise<boolean> {
  for (let emitted = false; ; emitted = true) {
    let seen = engine.operations;
    let worked = false;
    for (let idle = 0; idle < EMPTY_TURNS; ) {
      if (Date.now() > deadline) return false;
      await nextTurn();
      const busy = engine.inFlight > 0 || engine.operations !== seen || programWorks();
      seen = engine.operations;
      worked ||= busy;
      idle = busy ? 0 : idle + 1;
    }
    if (emitted && !worked) return true;
    process.emit("beforeExit", typeof process.exitCode === "number" ? process.exitCode : 0);
  }
}

/**
 * A program whose timers or I/O were still pending when its run ended (it failed, or its time
 * ran out): they could register resources in whichever stack runs next in this process, through
 * the SDK's global store. No run starts while they are.
 */
let leftover: { stack: string; baseline: WorkCounts; why: string } | undefined;

/** Refuses to start a run while an earlier program's work is still pending (see `leftover`). */
function refuseWhileLeftoverRuns(stack: string): void {
  if (leftover && moreWorkThan(leftover.baseline)) {
    throw new StackRunError(
      `stack ${leftover.stack}'s program still has timers or I/O pending after its run ended (${leftover.why}); in this process what they register could land in stack ${stack}, so it is not planned here: fix that program, or plan with PLAN_ISOLATE=1 (a process per stack)`,
    );
  }
  leftover = undefined;
}


export function runStack(options: RunOptions): Promise<StackRun> {
  const run = turn.then(() => runAlone(options));
  turn = run.catch(() => undefined);
  return run;
}

async function runAlone(options: RunOptions): Promise<StackRun> {
  listen();
  refuseWhileLeftoverRuns(options.stack);
  if (runtimeGlobals.asyncLocalStorage?.getStore() !== undefined) {
    // Inside the SDK's own context (an Automation API inline program): its store would win over ours.
    throw new StackRunError("runStack cannot run inside a Pulumi runtime context of its own (withLocalStorage)");
  }
  const restoreGlobals = snapshotGlobals();
  const shared = sdkState.getGlobalStore();
  const store = freshStoreFrom(shared);
  runtimeGlobals.globalStore = store;
  try {
    return await runInStore(options, store);
  } finally {
    // The process's own global store comes back, as it was (a test file's mocks, say).
    runtimeGlobals.globalStore = shared;
    restoreGlobals();
  }
}

async function runInStore(options: RunOptions, store: Store): Promise<StackRun> {
  const { config: plainConfig, secretKeys } = withSecretStandIns(options.config);
  const runtimeConfig = toRuntimeConfig(plainConfig);
  pulumi.runtime.setAllConfig(runtimeConfig, secretKeys);
  const region = options.region ?? runtimeConfig["aws:region"];
  // Before the fake cloud becomes the SDK's monitor: a directory gone from under the process
  // fails here, with nothing to undo.
  const directoryBefore = process.cwd();
  const workingDirectory = resolve(options.workingDirectory ?? directoryBefore);
  const cloud = await installFakeCloud({ ...options, region });
  hashAssetsOnRegistration(cloud.engine, workingDirectory);

  const run: ActiveRun = { failure: undefined, quiet: options.quiet ?? false };
  const timers = trackProgramTimers();
  // The host's process starts with no exit code; what the program sets is its own (restored after).
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  try {
    current = run;
    if (options.workingDirectory) process.chdir(workingDirectory);
    let settled = false;
    // Loading the program may wait on a module loader outside this process's view (vitest's):
    // the idle watch starts once the program is loaded.
    let loaded = false;
    let outcome: { ok: true; outputs: unknown } | { ok: false; error: unknown } | undefined;
    const started = Date.now();
    const deadline = started + (options.timeoutMs ?? 300_000);
    // What was alive before the program started (a test runner's timers) does not count.
    const baseline = pendingWork();
    const programWorks = () => timers.pending() || moreWorkThan(baseline);
    const program = pulumi.runtime.runInPulumiStack(async () => {
      let exported = await options.load();
      loaded = true;
      // As the host: a function is called (an ES module's default export is unwrapped by the loader).
      if (typeof exported === "function") exported = await (exported as () => unknown)();
      return exported as pulumi.Inputs | undefined;
    });
    const drained = program.then(async (outputs) => {
      // Marked @internal in the SDK's typings, but it is the same drain `pulumi up` waits on.
      await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
      return outputs;
    });
    drained.then(
      (outputs) => ((outcome = { ok: true, outputs }), (settled = true)),
      (error: unknown) => ((outcome = { ok: false, error }), (settled = true)),
    );

    let idle = 0;
    let seen = -1;
    let stopped: StackRunError | undefined;
    while (!settled && run.failure === undefined && stopped === undefined) {
      await nextTurn();
      const engine = cloud.engine;
      const busy = !loaded || engine.inFlight > 0 || engine.operations !== seen || programWorks();
      seen = engine.operations;
      idle = busy ? 0 : idle + 1;
      if (idle >= IDLE_TURNS) {
        stopped = new StackRunError(
          "the program never finishes: it waits for something nothing will resolve. Under `pulumi preview` of a new stack that is usually a computed output (an id, ARN or endpoint) " +
            "awaited or unwrapped at the top level; it stays unknown until the resource exists, so the callback never runs. Pass the Output on (as an input or through apply) instead of awaiting it",
        );
      } else if (Date.now() > deadline) {
        stopped = new StackRunError(`did not finish within ${Math.round((deadline - started) / 1000)} s (a promise that never settles?)`);
      }
    }
    // Under the fake engine a whole run can finish inside one macrotask, before Node reports the
    // program's unhandled rejections; let it report them now, so they fail the run instead of vanishing.
    await nextTurn();
    await nextTurn();
    // Finished or failed, the program's process would run on until its event loop is empty: what
    // it registers meanwhile is this stack's (and fails it as it would fail the host's run).
    const failed = run.failure !== undefined || stopped !== undefined || !outcome?.ok;
    // Not the whole run's budget: a failed run has its verdict (what follows could only add a
    // late registration's error), and a finished one that still runs after half a minute is a
    // timer or socket that never ends (the host would wait for it forever).
    const settleBy = Math.min(deadline, Date.now() + (failed ? 2_000 : 30_000));
    const emptied = await untilEventLoopEmpty(cloud.engine, programWorks, settleBy);
    // Its timers left now would never run under the host; cleared, they cannot fire in another stack.
    timers.clear();
    if (!emptied) {
      const pending = `timers or I/O the program started were still pending ${Math.round((settleBy - started) / 1000)} s after it started`;
      // I/O (and timers made outside the global functions) cannot be cleared: no run starts while they go on.
      if (moreWorkThan(baseline)) leftover = { stack: options.stack, baseline, why: failed ? `it failed, and ${pending}` : pending };
      if (!failed) {
        throw new StackRunError(`the program finished, but ${pending}: Node keeps the language host's process running until they are done, so \`pulumi up\` would wait for them (for a setInterval, forever)`);
      }
    }
    if (run.failure !== undefined) throw run.failure;
    if (stopped) throw stopped;
    // The host signals the engine from beforeExit only with exit code 0 (cmd/run/index.js), and
    // the CLI then fails the update: "Program exited with non-zero exit code: N".
    const exitCode = Number(process.exitCode ?? 0);
    if (exitCode !== 0) throw new StackRunError(`the program set process.exitCode to ${exitCode}: the language host then never reports the run done, and \`pulumi up\` fails with "Program exited with non-zero exit code: ${exitCode}"`);
    const result = outcome!;
    if (!result.ok) throw result.error;
    const leaked = [...store.leakCandidates];
    if (leaked.length > 0) {
      // The language host fails the run the same way ("The Pulumi runtime detected that N promises were still active").
      const where = [...new Set(leaked.map((p) => p._debugCtx).filter(Boolean))].slice(0, 3).join("; ");
      throw new StackRunError(`the program finished with ${leaked.length} Pulumi promise(s) still pending${where ? ` (${where})` : ""}; the Pulumi runtime fails such a run`);
    }
    return { cloud, outputs: (result.outputs ?? {}) as Record<string, unknown> };
  } finally {
    timers.clear();
    timers.stop();
    process.exitCode = exitCodeBefore;
    current = undefined;
    anyEnded = true;
    // On its own: a directory that cannot be entered again must not leave the run current.
    try {
      if (process.cwd() !== directoryBefore) process.chdir(directoryBefore);
    } catch {
      // The directory the process came from is gone: nothing to go back to.
    }
    // The SDK keeps the latest root stack resource (and through it every resource of the stack)
    // and the latest monitor in module-level variables: let them go before the next stack runs.
    (settings as unknown as { resetOptions(...args: unknown[]): void }).resetOptions("", "", -1, "", "", false, "");
    (globalThis as { stackResource?: unknown }).stackResource = undefined;
  }
}
