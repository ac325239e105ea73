import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { CANARY_HANDLER, CANARY_HANDLER_FILE, CANARY_SOURCE, probeTargets, watchTargets } from "./canary-script";
import { canaryName } from "./names";

/** Minutes between probe runs unless told otherwise. */
export const DEFAULT_CANARY_INTERVAL_MINUTES = 5;

import { CANARY_RUNTIME_PATTERN } from "./limits";

export { CANARY_RUNTIME_PATTERN };

export interface SyntheticProbeArgs {
  /** `<environment>-<region>`: the canary's name is derived from it. */
  namePrefix: string;
  /** The public (latency-routed) name, e.g. app.prod.example.com. */
  publicName: string;
  /** This region's ALB, probed directly with the public name as SNI and Host. */
  loadBalancerDnsName: pulumi.Input<string>;
  /** @default "/healthz" */
  path?: string;
  /** Minutes between runs, 1 to 60. @default 5 */
  intervalMinutes?: number;
  /** Pinned Synthetics runtime (a Node.js one); a deprecated runtime refuses new canaries, so upgrades are a config change. */
  runtimeVersion: string;
  /** Days run artifacts (logs, results) are kept, in Synthetics and in the bucket. @default 31 */
  artifactRetentionDays?: number;
  /** Customer-managed KMS key for the artifacts. */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * Probe these other regions instead (each by its own name, `regionalAppLabel`, with the public
   * name as SNI and Host): a watch from this region, apart from this region's own probe.
   * @default this region: the public name and its own load balancer
   */
  watchedRegions?: { region: string; name: string }[];
  /**
   * Another probe's bucket and code (its `artifacts`): this probe writes its artifacts there
   * (Synthetics keeps each canary's under its own name) instead of a bucket of its own.
   * @default a bucket of its own
   */
  artifacts?: ProbeArtifacts;
  /** Started only after these (what it probes: the service), or its first runs fail and page. @default nothing */
  startAfter?: pulumi.Resource[];
  tags?: Record<string, string>;
}

/** Where a probe's code and artifacts live, for another probe of the region to share. */
export interface ProbeArtifacts {
  bucketId: pulumi.Output<string>;
  bucketArn: pulumi.Output<string>;
  /** The code object's key: an output of the object, so a canary using it waits for it. */
  codeKey: pulumi.Output<string>;
}

/** `rate(...)` expression for a run every `minutes` (Synthetics wants "minute" for one). */
export function canarySchedule(minutes: number): string {
  if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= 60)) throw new RangeError(`a canary runs every 1 to 60 minutes (got ${minutes})`);
  return minutes === 1 ? "rate(1 minute)" : `rate(${minutes} minutes)`;
}

/**
 * A CloudWatch Synthetics canary for one region: from AWS's network in this region it requests
 * the public name (what this region's users resolve) and this region's ALB directly, so a
 * regional problem shows from outside before DNS fails over. Artifacts go to a private,
 * KMS-encrypted bucket that expires them; the canary's role may write only there, its own logs
 * and its own metrics namespace.
 */
export class SyntheticProbe extends pulumi.ComponentResource {
  readonly canaryName: string;
  readonly intervalMinutes: number;
  readonly bucketName: pulumi.Output<string>;
  /** Its bucket and code, for another probe of the region (`artifacts`). */
  readonly artifacts: ProbeArtifacts;

  constructor(name: string, args: SyntheticProbeArgs, opts?: pulumi.ComponentResourceOptions) {
    const intervalMinutes = args.intervalMinutes ?? DEFAULT_CANARY_INTERVAL_MINUTES;
    const schedule = canarySchedule(intervalMinutes);
    const retentionDays = args.artifactRetentionDays ?? 31;
    if (!(Number.isInteger(retentionDays) && retentionDays >= 1 && retentionDays <= 455)) throw new RangeError(`${name}: artifactRetentionDays must be 1 to 455 (got ${retentionDays})`);
    if (args.watchedRegions !== undefined && args.watchedRegions.length === 0) throw new RangeError(`${name}: watchedRegions is empty; leave it out to probe this region`);
    if (!CANARY_RUNTIME_PATTERN.test(args.runtimeVersion)) throw new RangeError(`${name}: runtimeVersion "${args.runtimeVersion}" is not a Node.js Synthetics runtime such as syn-nodejs-puppeteer-15.0`);
    super("platform:observability:SyntheticProbe", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags ?? {};
    const canary = canaryName(args.namePrefix);
    const partition = aws.getPartitionOutput({}, parent).partition;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    this.artifacts = args.artifacts ?? this.ownArtifacts(name, args, retentionDays, tags);
    const bucket = { id: this.artifacts.bucketId, arn: this.artifacts.bucketArn };

    // --- execution role (AWS's documented minimum for canaries) ---
    const role = new aws.iam.Role(`${name}-canary`, {
      description: `Synthetics canary ${canary}`,
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      tags,
    }, parent);
    const permissions = new aws.iam.RolePolicy(`${name}-canary`, {
      role: role.id,
      policy: pulumi.all([bucket.arn, partition, region, accountId, args.kmsKeyArn]).apply(([bucketArn, part, r, account, keyArn]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Artifacts", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `${bucketArn}/artifacts/*` },
          { Sid: "ArtifactsBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucketArn },
          { Sid: "ListBuckets", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
          { Sid: "ArtifactsKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArn },
          { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:${part}:logs:${r}:${account}:log-group:/aws/lambda/cwsyn-${canary}-*` },
          { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "CloudWatchSynthetics" } } },
        ],
      })),
    }, parent);

    const path = args.path ?? "/healthz";
    const targets = args.watchedRegions
      ? pulumi.output(JSON.stringify(watchTargets({ publicName: args.publicName, regions: args.watchedRegions, path })))
      : pulumi.output(args.loadBalancerDnsName).apply((dnsName) => JSON.stringify(probeTargets({ publicName: args.publicName, loadBalancerDnsName: dnsName, path })));
    new aws.synthetics.Canary(`${name}-canary`, {
      name: canary,
      runtimeVersion: args.runtimeVersion,
      handler: CANARY_HANDLER,
      s3Bucket: bucket.id,
      s3Key: this.artifacts.codeKey,
      executionRoleArn: role.arn,
      artifactS3Location: pulumi.interpolate`s3://${bucket.id}/artifacts/`,
      artifactConfig: { s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: args.kmsKeyArn } },
      schedule: { expression: schedule },
      runConfig: { timeoutInSeconds: 60, environmentVariables: { PROBE_TARGETS: targets } },
      successRetentionPeriod: retentionDays,
      failureRetentionPeriod: retentionDays,
      startCanary: true,
      // The canary's Lambda function and layer go with it instead of lingering in the account.
      deleteLambda: true,
      tags,
      // startCanary runs it at once: its first runs must find their permissions (else they fail, and page).
    }, { parent: this, dependsOn: [permissions, ...(args.startAfter ?? [])] });

    this.canaryName = canary;
    this.intervalMinutes = intervalMinutes;
    this.bucketName = bucket.id;
    this.registerOutputs({ canaryName: canary, bucketName: this.bucketName });
  }

  /** A private, KMS-encrypted bucket that expires what it keeps, and the probe's code in it. */
  private ownArtifacts(name: string, args: SyntheticProbeArgs, retentionDays: number, tags: Record<string, string>): ProbeArtifacts {
    const parent = { parent: this };
    // --- artifacts bucket ---
    const bucket = new aws.s3.Bucket(`${name}-canary`, { forceDestroy: true, tags: { ...tags, Name: `${args.namePrefix}-canary` } }, parent);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-canary`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, parent);
    // One configuration change of the bucket at a time (S3 answers OperationAborted to concurrent ones).
    const ownership = new aws.s3.BucketOwnershipControls(`${name}-canary`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this, dependsOn: [publicAccess] });
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-canary`, {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }],
    }, { parent: this, dependsOn: [ownership] });
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(`${name}-canary`, {
      bucket: bucket.id,
      rules: [{ id: "expire-artifacts", status: "Enabled", filter: { prefix: "artifacts/" }, expiration: { days: retentionDays }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
    }, { parent: this, dependsOn: [encryption] });
    new aws.s3.BucketPolicy(`${name}-canary`, {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
      })),
      // S3 answers OperationAborted to concurrent changes of one bucket's configuration.
    }, { parent: this, dependsOn: [lifecycle] });

    // The code, keyed by its content: a new version of the probe is a new object, which updates the canary.
    const codeKey = `code/probe-${createHash("sha256").update(CANARY_SOURCE).digest("hex").slice(0, 12)}.zip`;
    const code = new aws.s3.BucketObjectv2(`${name}-canary-code`, {
      bucket: bucket.id,
      key: codeKey,
      source: new pulumi.asset.AssetArchive({ [CANARY_HANDLER_FILE]: new pulumi.asset.StringAsset(CANARY_SOURCE) }),
    }, { parent: this, dependsOn: [encryption, ownership] });

    return { bucketId: bucket.id, bucketArn: bucket.arn, codeKey: code.key };
  }
}
