/**
 * Entry of the plan's bundle (tools/plan/bin.js builds it): the CLI, or, in a child process
 * started for an isolated run, the worker.
 */
import { run } from "./cli";
import { serveWorker, WORKER_FLAG } from "./worker";

if (process.argv.includes(WORKER_FLAG)) serveWorker();
else void run(process.argv.slice(2)).then((code) => (process.exitCode = code));
