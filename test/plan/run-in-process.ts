/**
 * The plan's CLI in the test's own process: tools/plan/cli.ts's `run`, what `npm run plan` calls,
 * with its stdout and stderr collected and its exit code returned. For cases whose spawned run
 * would repeat another test's process start-up and SDK load (about a second of CPU each) to
 * check only what the CLI says: every behaviour keeps one spawned end-to-end test
 * (test/plan/run-cli.ts).
 */
import { Writable } from "stream";
import { run } from "../../tools/plan/cli";
import type { Run } from "./run-cli";

function collector(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

/** Stacks in this process, as test/plan/run-cli.ts's PLAN_ENV, whatever the test run's environment says. */
export async function planInProcess(...args: string[]): Promise<Run> {
  const out = collector();
  const err = collector();
  const isolate = process.env.PLAN_ISOLATE;
  process.env.PLAN_ISOLATE = "0";
  try {
    const code = await run(args, out.stream, err.stream);
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    if (isolate === undefined) delete process.env.PLAN_ISOLATE;
    else process.env.PLAN_ISOLATE = isolate;
  }
}
