/**
 * The gate after each regional wave: the region's Route 53 HTTPS health check of its ALB must
 * report healthy (the whole serving path answers the health path) before the rollout goes on.
 * A change that breaks serving then stops in the region it broke.
 *
 *   npx tsx tools/ci/wait-healthy.ts --outputs region-outputs.json [--timeout-minutes 15] [--interval-seconds 20]
 *
 * `--outputs` is `pulumi stack output --json` of the regional stack (endpointHealthCheckId).
 * It waits on the endpoint check, not the one the records follow: with Route 53 ARC that one is
 * calculated (GetHealthCheckStatus does not answer for calculated checks) and includes the
 * routing control, which starts Off on a new region. Status comes from
 * `aws route53 get-health-check-status` (the AWS CLI, present on GitHub's runners; install it on
 * self-hosted ones). Exit 0 healthy, 1 not healthy by the deadline, 2 bad input or a read no wait
 * mends (no permission, an expired session, an unknown id, no `aws`: tools/ci/poll.ts, awsCliFailure).
 */
import { execFile } from "child_process";
import { promisify } from "util";
import { awsCliFailure, gateArgs, pollUntil, type Observation, type PollOptions } from "./poll";

/** Route 53 considers an endpoint healthy when more than 18 % of its checkers do. */
export const HEALTHY_SHARE = 0.18;

export interface CheckerObservation {
  Region?: string;
  IPAddress?: string;
  StatusReport?: { Status?: string; CheckedTime?: string };
}

/** Route 53's verdict from the checkers' last reports ("Success: HTTP Status Code 200, OK" ...). */
export function judgeObservations(observations: readonly CheckerObservation[]): Observation {
  const total = observations.length;
  const healthy = observations.filter((o) => (o.StatusReport?.Status ?? "").startsWith("Success")).length;
  const failure = observations.map((o) => o.StatusReport?.Status ?? "").find((s) => s && !s.startsWith("Success"));
  const done = total > 0 && healthy / total > HEALTHY_SHARE;
  return { done, detail: `${healthy}/${total} checkers report success${failure && !done ? ` (e.g. "${failure}")` : ""}` };
}

export function healthCheckIdOf(outputs: Record<string, unknown>): string {
  const id = outputs.endpointHealthCheckId;
  if (typeof id !== "string" || id === "") throw new Error("the regional stack's outputs have no endpointHealthCheckId; was `pulumi up` of this stack successful?");
  return id;
}

export type StatusReader = (healthCheckId: string) => Promise<CheckerObservation[]>;

/** Reads the checkers' reports through the AWS CLI. */
export const awsCliStatus: StatusReader = async (healthCheckId) => {
  const { stdout } = await promisify(execFile)("aws", ["route53", "get-health-check-status", "--health-check-id", healthCheckId, "--output", "json"]);
  return (JSON.parse(stdout) as { HealthCheckObservations?: CheckerObservation[] }).HealthCheckObservations ?? [];
};

/** Waits until the check is healthy twice in a row (one good round can be luck). */
export async function waitHealthy(healthCheckId: string, read: StatusReader, options: PollOptions): Promise<{ done: boolean; last: string; failed?: boolean }> {
  return pollUntil(async () => judgeObservations(await read(healthCheckId)), { consecutive: 2, classifyError: (err) => awsCliFailure(err, "route53:GetHealthCheckStatus"), ...options });
}

async function main(argv: string[]): Promise<number> {
  const args = gateArgs(argv, 15, "wait-healthy.ts");
  let id: string;
  try {
    if (typeof args === "string") throw new Error(args);
    id = healthCheckIdOf(args.outputs);
  } catch (err) {
    console.error(`wait-healthy: ${(err as Error).message}`);
    return 2;
  }
  const { outputs, timeoutMinutes, intervalSeconds } = args as Exclude<typeof args, string>;
  const region = typeof outputs.region === "string" ? outputs.region : "the region";
  console.error(`waiting up to ${timeoutMinutes} min for ${region}'s health check ${id} to report healthy`);
  const result = await waitHealthy(id, awsCliStatus, { timeoutSeconds: timeoutMinutes * 60, intervalSeconds });
  if (result.done) {
    console.log(`${region} serves: Route 53 reports health check ${id} healthy (${result.last})`);
    return 0;
  }
  if (result.failed) {
    console.error(`::error::wait-healthy: cannot read health check ${id}'s status: ${result.last}. The rollout stops here; fix this, then re-run this job.`);
    return 2;
  }
  console.error(`::error::${region} is not healthy after ${timeoutMinutes} minute(s): ${result.last}. The rollout stops here; the other regions keep the previous version. Look at the ALB's target health and the service's pods (kubectl -n app get pods), fix or revert, and re-run.`);
  return 1;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
