/**
 * Waiting with a deadline, for the rollout's gates (tools/ci/wait-for-zone.ts,
 * tools/ci/wait-healthy.ts, wait-node-refresh.ts, wait-subscribed.ts): ask until the answer is
 * yes or the time is up, saying what was seen last. Clock and sleep are parameters so tests run
 * without waiting. A check that throws is asked again, unless `classifyError` says no later
 * answer can differ (for the AWS CLI: `awsCliFailure`).
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
  /** How a thrown check is taken. @default every failure is asked again (until the deadline) */
  readonly classifyError?: (err: unknown) => CheckFailure;
}

export interface PollResult {
  readonly done: boolean;
  readonly attempts: number;
  readonly last: string;
  /** A check failed in a way no retry mends (`last` says why): the wait stopped there. */
  readonly failed?: boolean;
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
      const failure = (options.classifyError ?? retryEveryFailure)(err);
      if (!failure.retry) {
        log(`[${attempts}] failed, not retried: ${failure.detail}`);
        return { done: false, attempts, last: failure.detail, failed: true };
      }
      observation = { done: false, detail: `check failed: ${failure.detail}` };
    }
    last = observation.detail;
    streak = observation.done ? streak + 1 : 0;
    log(`[${attempts}] ${observation.done ? "yes" : "not yet"}: ${last}`);
    if (streak >= needed) return { done: true, attempts, last };
    if (now() + options.intervalSeconds * 1000 > deadline) return { done: false, attempts, last };
    await sleep(options.intervalSeconds * 1000);
  }
}

/** How a failed check is taken: asked again (a later answer may differ), or the end of the wait. */
export interface CheckFailure {
  readonly retry: boolean;
  /** The cause, for the log and the final message. */
  readonly detail: string;
}

const retryEveryFailure = (err: unknown): CheckFailure => ({ retry: true, detail: errorText(err) });

/** What a failed `execFile` (or any thrown value) says: its stderr when it has one, else its message. */
function errorText(err: unknown): string {
  const e = (err ?? {}) as { message?: unknown; stderr?: unknown };
  const text = typeof e.stderr === "string" && e.stderr.trim() !== "" ? e.stderr : typeof e.message === "string" ? e.message : String(err);
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => l.startsWith("An error occurred")) ?? lines[lines.length - 1] ?? "no message";
}

/**
 * AWS error codes a later call can answer differently: throttling (the CLI has already retried
 * it a few times) and AWS's own transient failures.
 */
const TRANSIENT_CODES = new Set([
  "Throttling", "ThrottlingException", "Throttled", "ThrottledException", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
  "RequestLimitExceeded", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
  "InternalFailure", "InternalError", "InternalServiceError", "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException",
]);

/** The CLI's words for a request that never got an answer (botocore's connection errors), or for throttling without a code. */
const RETRIED_WORDS = [/Could not connect to the endpoint URL/i, /Connect timeout on endpoint URL/i, /Read timeout on endpoint URL/i, /Connection was closed/i, /SSL validation failed/i, /Temporary failure in name resolution/i, /Connection reset by peer/i, /Rate exceeded/i, /throttl/i];

const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "UnauthorizedAccess", "Forbidden"]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"]);
const BAD_CREDENTIALS = new Set(["InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidSignatureException", "MissingAuthenticationToken"]);

/**
 * How a failed AWS CLI call (`aws …` through `execFile`) is taken by a gate: throttling, AWS's
 * transient errors and the network are asked again; anything else (no permission for `action`,
 * an expired or invalid session, a request AWS refuses such as a group name that does not exist,
 * no `aws` on the runner, an answer that is not JSON) would fail the same way until the deadline
 * and then pass for "not done yet", so it ends the wait at once, naming the cause.
 */
export function awsCliFailure(err: unknown, action: string): CheckFailure {
  const text = errorText(err);
  if ((err as { code?: unknown } | null)?.code === "ENOENT") return { retry: false, detail: `the AWS CLI is not installed on this runner (${text}): install it (the gates call \`aws\`), or put it on PATH` };
  const code = /An error occurred \(([A-Za-z0-9.]+)\)/.exec(text)?.[1];
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { retry: true, detail: text };
  if (code !== undefined && DENIED.has(code)) return { retry: false, detail: `AWS denies ${action} to this job's role (${text}): add ${action} to the deploy role's policy (docs/deploying.md, the deploy role)` };
  if (code !== undefined && EXPIRED.has(code)) return { retry: false, detail: `the AWS session has expired (${text}): the job outlived its role session (role-duration-seconds, and the role's maximum session duration)` };
  if (code !== undefined && BAD_CREDENTIALS.has(code)) return { retry: false, detail: `AWS does not accept this job's credentials (${text})` };
  if (code !== undefined) return { retry: false, detail: `AWS refuses ${action} (${text}): a name or id that does not exist, or a request the gate should not make; no retry would change it` };
  if (/Unable to locate credentials/i.test(text)) return { retry: false, detail: `no AWS credentials on this runner (${text})` };
  if (RETRIED_WORDS.some((pattern) => pattern.test(text))) return { retry: true, detail: text };
  return { retry: false, detail: `${action} failed (${text})` };
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
