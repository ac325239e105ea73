/**
 * Whether the plan runs its preview passes in a second process (tools/plan/runner.ts), and that
 * process's start. The decision is a pure function of facts the caller reads from the machine.
 *
 * A second process costs its own SDK load (about 0.4–0.8 s of CPU and 200–300 MiB) and shortens
 * the plan only when a core is free for it: on a busy machine (the test suite's own workers, a
 * build) it makes the plan slower. It also needs the plan's bundle: a TypeScript loader in the
 * child costs more than it saves.
 *
 * Plain CommonJS (typed by processes.d.ts): tools/plan/bin.js starts the second process with it
 * before the plan's bundle loads, so that both processes load the SDKs at the same time.
 */
"use strict";
const { fork } = require("child_process");
const { readFileSync } = require("fs");
const { availableParallelism, loadavg } = require("os");
const { join } = require("path");

/** The flag that makes tools/plan/bin.js (or worker.ts) serve as the second process. */
const WORKER_FLAG = "--plan-worker";

function secondProcess(facts) {
  if (!facts.bundled || facts.setting === "1") return false;
  if (facts.setting === "2") return true;
  // A single program is one small stack: the second process's SDK load would cost more than its preview.
  if (facts.cores < 2 || facts.regionalStacks < 1) return false;
  // A free core: nothing else runnable beside this process on one of them.
  return facts.runnable !== undefined ? facts.runnable <= facts.cores - 1 : facts.load < facts.cores - 0.5;
}

/** Tasks runnable right now, this process included (Linux: /proc/loadavg's fourth field); undefined elsewhere. */
function runnableNow() {
  try {
    const match = /\s(\d+)\/\d+\s/.exec(readFileSync("/proc/loadavg", "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** What secondProcess needs to know about this machine and process. */
function machineFacts() {
  return {
    setting: process.env.PLAN_PROCESSES,
    bundled: process.env.PLAN_BUNDLED === "1",
    cores: availableParallelism(),
    runnable: runnableNow(),
    load: loadavg()[0],
  };
}

/**
 * Starts a planning worker: through tools/plan/bin.js (the bundle) when `bundled`, else the
 * TypeScript source under tsx. It gets the planning process's V8 flags (npm run plan's
 * --max-semi-space-size). The program's own console output goes to stderr: stdout belongs to the summary.
 */
function forkWorker(bundled) {
  const v8Flags = process.execArgv.filter((arg) => /^--max-(semi|old)-space-size=/.test(arg));
  const [entry, execArgv] = bundled ? [join(__dirname, "bin.js"), v8Flags] : [join(__dirname, "worker.ts"), ["--import", "tsx", ...v8Flags]];
  return fork(entry, [WORKER_FLAG], { execPath: process.execPath, execArgv, stdio: ["ignore", 2, 2, "ipc"], serialization: "json" });
}

// tools/plan/bin.js loads this file from disk; the bundle carries a copy of its own: the worker
// passes from one to the other through the global object.
const PRESTARTED = Symbol.for("platform-plan.prestarted-worker");

/**
 * Starts the second process early, for an environment plan that will want one (tools/plan/bin.js
 * calls it before loading the bundle). It does not keep this process alive: a plan that stops
 * before it runs a stack (bad input) exits as it would without it.
 */
function prestartWorker(argv) {
  if (globalThis[PRESTARTED] || argv.includes(WORKER_FLAG) || argv.includes("--program") || argv.includes("--help")) return;
  if (!secondProcess({ ...machineFacts(), bundled: true, regionalStacks: 1 })) return;
  const child = forkWorker(true);
  child.once("message", (message) => {
    if (message && message.kind === "ready") child.planReady = true;
  });
  child.on("error", () => undefined);
  child.unref();
  child.channel?.unref();
  globalThis[PRESTARTED] = child;
}

/** The worker prestartWorker started, once: the runner then uses it (and keeps this process alive for it). */
function takePrestartedWorker() {
  const child = globalThis[PRESTARTED];
  globalThis[PRESTARTED] = undefined;
  if (child) {
    child.ref();
    child.channel?.ref();
  }
  return child;
}

module.exports = { WORKER_FLAG, secondProcess, machineFacts, forkWorker, prestartWorker, takePrestartedWorker };
