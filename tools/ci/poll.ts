/**
 * Waiting with a deadline, for the rollout's gates (tools/ci/wait-for-zone.ts,
 * tools/ci/wait-healthy.ts): ask until the answer is yes or the time is up, saying what was seen
 * last. Clock and sleep are parameters so tests run without waiting.
 */
import { readFileSync } from "fs";
export interface Observation {
  readonly done: boolean;
  /** What was seen, for the log and the final message. */
  readonly detail: string;
}

export interface PollOptions {
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  /** Consecutive "done" answers needed (a flapping check must settle). @default 1 */
  readonly consecutive?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface PollResult {
  readonly done: boolean;
  readonly attempts: number;
  readonly last: string;
}

export async function pollUntil(check: () => Promise<Observation>, options: PollOptions): Promise<PollResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = options.log ?? ((line: string) => console.error(line));
  const needed = options.consecutive ?? 1;
  const deadline = now() + options.timeoutSeconds * 1000;
  let attempts = 0;
  let streak = 0;
  let last = "nothing observed";
  for (;;) {
    attempts++;
    let observation: Observation;
    try {
      observation = await check();
    } catch (err) {
      observation = { done: false, detail: `check failed: ${(err as Error).message}` };
    }
    last = observation.detail;
    streak = observation.done ? streak + 1 : 0;
    log(`[${attempts}] ${observation.done ? "yes" : "not yet"}: ${last}`);
    if (streak >= needed) return { done: true, attempts, last };
    if (now() + options.intervalSeconds * 1000 > deadline) return { done: false, attempts, last };
    await sleep(options.intervalSeconds * 1000);
  }
}

/** `--name value` options of a small CLI. */
export function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export interface GateArgs {
  /** A stack's `pulumi stack output --json`. */
  readonly outputs: Record<string, unknown>;
  readonly timeoutMinutes: number;
  readonly intervalSeconds: number;
}

/**
 * The arguments every gate takes (`--outputs FILE [--timeout-minutes N] [--interval-seconds N]`),
 * or a message for exit 2.
 */
export function gateArgs(argv: readonly string[], defaultTimeoutMinutes: number, usage: string): GateArgs | string {
  const file = option(argv, "--outputs");
  const timeoutMinutes = Number(option(argv, "--timeout-minutes") ?? defaultTimeoutMinutes);
  const intervalSeconds = Number(option(argv, "--interval-seconds") ?? 20);
  if (!file || !(timeoutMinutes > 0) || !(intervalSeconds > 0)) return `usage: ${usage} --outputs <pulumi stack output --json> [--timeout-minutes ${defaultTimeoutMinutes}] [--interval-seconds 20]`;
  try {
    return { outputs: JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>, timeoutMinutes, intervalSeconds };
  } catch (err) {
    return `${usage}: cannot read ${file}: ${(err as Error).message}`;
  }
}
