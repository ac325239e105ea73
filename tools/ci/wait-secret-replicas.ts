/**
 * The gate after the global stack's wave: every replica of the secrets the global stack replicates
 * (the Aurora master credentials, `databaseSecretArn`, and with a global cache its auth token,
 * `cacheAuthSecretArn`) must be `InSync` in every other region of the environment before the
 * regional waves start.
 *
 * Why a gate: the provider adds replicas (`ReplicateSecretToRegions`) without waiting for them and
 * records each in the state whatever its status. A replica that ends `Failed` (a secret of the
 * same name left in that region, a replica key the caller may not use) leaves `pulumi up`
 * successful, and running it again changes nothing, since the state already matches; meanwhile
 * `GetSecretValue` in that region answers `ResourceNotFoundException`, which pods of that region
 * reading the secret (`serviceDatabaseCredentials: master-secret`, the cache's auth token) hit the
 * next time they start. A replica whose key changed is removed and added again in the same update,
 * so even a good change has a window until the new copy is `InSync` (seconds, usually).
 *
 *   npx tsx tools/ci/wait-secret-replicas.ts --outputs global-outputs.json [--timeout-minutes 10] [--interval-seconds 20]
 *
 * Expected replicas: every region of the environment (`environment.regions` in the global stack's
 * outputs) but the secret's own. Statuses come from `aws secretsmanager describe-secret` in the
 * secret's region. Exit 0 all in sync; 1 a replica `Failed`, under the AWS managed key, or still
 * not in sync by the deadline (the message names the runbook's repair); 2 bad input or a read no
 * wait mends (no permission, an expired session, a secret AWS does not know, no `aws`:
 * tools/ci/poll.ts, awsCliFailure).
 */
import { execFile } from "child_process";
import { promisify } from "util";
import { awsCliFailure, gateArgs, pollUntil, type Observation, type PollOptions } from "./poll";

/** One entry of DescribeSecret's `ReplicationStatus`. */
export interface ReplicaStatus {
  Region?: string;
  KmsKeyId?: string;
  /** InSync | Failed | InProgress */
  Status?: string;
  StatusMessage?: string;
}

export interface ReplicatedSecret {
  /** The stack output that names it. */
  readonly output: string;
  readonly arn: string;
  /** Where the secret itself lives (its ARN's region). */
  readonly region: string;
  /** Regions that must hold an in-sync replica. */
  readonly replicaRegions: readonly string[];
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:.+$/;
/** The replicated secrets the global stack exports, by output. */
const SECRET_OUTPUTS = ["databaseSecretArn", "cacheAuthSecretArn"] as const;
/** What a replica created without a key of its own shows: the AWS managed key, whose policy cannot be narrowed. */
const AWS_MANAGED_KEY = /^alias\/aws\/secretsmanager$/;

/** The replicated secrets a global stack's outputs name, and the regions each must reach. */
export function replicatedSecretsOf(outputs: Record<string, unknown>): ReplicatedSecret[] {
  const regions = (outputs.environment as { regions?: unknown } | undefined)?.regions;
  if (!Array.isArray(regions) || regions.length === 0 || regions.some((r) => typeof r !== "string")) {
    throw new Error(`the outputs have no environment.regions (found ${JSON.stringify(regions)}): give the global stack's \`pulumi stack output --json\``);
  }
  const secrets: ReplicatedSecret[] = [];
  for (const output of SECRET_OUTPUTS) {
    const arn = outputs[output];
    if (arn === undefined) continue;
    const match = typeof arn === "string" ? SECRET_ARN.exec(arn) : null;
    if (!match) throw new Error(`output ${output} is ${JSON.stringify(arn)}, not a Secrets Manager secret ARN`);
    secrets.push({ output, arn: arn as string, region: match[1], replicaRegions: (regions as string[]).filter((r) => r !== match[1]) });
  }
  return secrets;
}

/** What the gate saw: `broken` names the replicas no wait mends (the wait then ends at once). */
export interface ReplicaVerdict extends Observation {
  readonly broken: readonly string[];
}

/**
 * Whether every expected replica is InSync under a key of its own. `Failed` and the AWS managed key
 * are `broken` (waiting would not change them); InProgress or a replica not listed yet is "not
 * yet". A replica in a region the environment no longer has is reported, not waited for.
 */
export function judgeReplicas(bySecret: ReadonlyMap<ReplicatedSecret, readonly ReplicaStatus[]>): ReplicaVerdict {
  const parts: string[] = [];
  const broken: string[] = [];
  let done = true;
  for (const [secret, statuses] of bySecret) {
    const byRegion = new Map(statuses.map((s) => [s.Region ?? "", s]));
    const seen: string[] = [];
    for (const region of secret.replicaRegions) {
      const status = byRegion.get(region);
      if (status === undefined) {
        done = false;
        seen.push(`${region} no replica`);
      } else if (status.Status === "Failed") {
        broken.push(`${secret.output} ${region}: Failed (${status.StatusMessage ?? "no message"})`);
      } else if (status.KmsKeyId !== undefined && AWS_MANAGED_KEY.test(status.KmsKeyId)) {
        // Only a key named so: the field is optional in DescribeSecret's answer, and a replica
        // still being created may not carry it yet.
        broken.push(`${secret.output} ${region}: encrypted under the AWS managed key aws/secretsmanager, not the region's own key`);
      } else {
        if (status.Status !== "InSync") done = false;
        seen.push(`${region} ${status.Status ?? "no status"}`);
      }
    }
    const extra = statuses.map((s) => s.Region ?? "?").filter((r) => !secret.replicaRegions.includes(r));
    parts.push(`${secret.arn.split(":").pop()}: ${seen.join(", ") || "no replica expected"}${extra.length ? ` (also replicated to ${extra.join(", ")}, not a region of the environment)` : ""}`);
  }
  return broken.length ? { done: false, detail: broken.join("; "), broken } : { done, detail: parts.join("; "), broken };
}

export type ReplicaReader = (secret: ReplicatedSecret) => Promise<ReplicaStatus[]>;

export const awsCliReplicas: ReplicaReader = async (secret) => {
  const { stdout } = await promisify(execFile)("aws", ["secretsmanager", "describe-secret", "--secret-id", secret.arn, "--region", secret.region, "--output", "json"]);
  return (JSON.parse(stdout) as { ReplicationStatus?: ReplicaStatus[] }).ReplicationStatus ?? [];
};

export async function waitSecretReplicas(secrets: readonly ReplicatedSecret[], read: ReplicaReader, options: PollOptions): Promise<{ done: boolean; last: string; failed?: boolean; broken: boolean }> {
  let broken = false;
  const result = await pollUntil(async () => {
    const bySecret = new Map<ReplicatedSecret, ReplicaStatus[]>();
    for (const secret of secrets) bySecret.set(secret, await read(secret));
    const verdict = judgeReplicas(bySecret);
    broken = verdict.broken.length > 0;
    // A broken replica ends the wait: "done" here, told apart by `broken`.
    return { done: verdict.done || broken, detail: verdict.detail };
  }, { classifyError: (err) => awsCliFailure(err, "secretsmanager:DescribeSecret"), ...options });
  return { ...result, done: result.done && !broken, broken };
}

const REPAIR =
  "Repair it as docs/runbooks/aurora-global-database.md says (\"First deploy of the replica keys\", step 2): " +
  "`aws secretsmanager replicate-secret-to-regions --secret-id <arn> --add-replica-regions Region=<region>,KmsKeyId=<the region's key> --force-overwrite-replica-secret` " +
 "(AWS's \"retry replication\" with overwrite), then `pulumi refresh --target <the secret's URN>` of the global stack, then re-run this job. " +
  "Until then pods of that region that start cannot read the secret (ResourceNotFoundException).";

async function main(argv: string[]): Promise<number> {
  const args = gateArgs(argv, 10, "wait-secret-replicas.ts");
  let secrets: ReplicatedSecret[];
  try {
    if (typeof args === "string") throw new Error(args);
    secrets = replicatedSecretsOf(args.outputs);
  } catch (err) {
    console.error(`wait-secret-replicas: ${(err as Error).message}`);
    return 2;
  }
  const { timeoutMinutes, intervalSeconds } = args as Exclude<typeof args, string>;
  if (secrets.every((s) => s.replicaRegions.length === 0)) {
    console.log("wait-secret-replicas: a single-region environment replicates no secret: nothing to wait for");
    return 0;
  }
  console.error(`waiting up to ${timeoutMinutes} min for the replicas of ${secrets.map((s) => s.arn).join(", ")} to be InSync`);
  const result = await waitSecretReplicas(secrets, awsCliReplicas, { timeoutSeconds: timeoutMinutes * 60, intervalSeconds });
  if (result.done) {
    console.log(`every secret replica is in sync: ${result.last}`);
    return 0;
  }
  if (result.failed) {
    console.error(`::error::wait-secret-replicas: cannot read the secrets' replication status: ${result.last}. The rollout stops here; fix this, then re-run this job.`);
    return 2;
  }
  if (result.broken) {
    console.error(`::error::A secret replica is not usable: ${result.last}. The regional waves would deploy pods that cannot read it. ${REPAIR}`);
    return 1;
  }
  console.error(`::error::The secrets' replicas were not all in sync after ${timeoutMinutes} minute(s): ${result.last}. Replication usually takes seconds: check \`aws secretsmanager describe-secret --secret-id <arn>\`'s ReplicationStatus, and re-run this job once every replica is InSync; a replica that ends Failed needs the repair in docs/runbooks/aurora-global-database.md ("First deploy of the replica keys", step 2).`);
  return 1;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
