/**
 * What a workload in one region needs to use the data tier: environment variables (table names,
 * cache endpoints, where the cache's AUTH token is) and the least-privilege IAM statements its
 * role needs (typically an EKS Pod Identity role). A plain value, so any service component can
 * take it: put `env` into the container and `policyStatements` into the role's policy
 * (`policyDocument(binding)` renders them).
 *
 * Everything points at this region's copies: DynamoDB is called at the local endpoint (global
 * tables have no global endpoint, and cross-region calls would fail with the region), the cache
 * endpoint is this region's cluster and the AUTH secret is this region's replica.
 *
 * The cache contract the workload must follow (an ElastiCache Global Datastore has one primary
 * cluster that takes writes; every other region's cluster takes reads only, replicated
 * asynchronously from it):
 * - `CACHE_HOST` is this region's cluster's primary endpoint in every region. It takes writes only
 *   while this region's cluster is the datastore's primary: anywhere else a write (SET, DEL,
 *   EXPIRE, INCR, ...) fails with `READONLY You can't write against a read only replica`. A
 *   promotion (FailoverGlobalReplicationGroup) swaps the roles without a deploy, a restart or a
 *   changed variable, so the workload cannot learn its role from its configuration.
 * - Treat `READONLY` on a cache write as "skip the cache write" (the source of truth, DynamoDB or
 *   Aurora, was written; the entry reaches this region when the primary region writes it), never
 *   as a failed request. Or ask at run time (`ROLE` / `INFO replication`; ElastiCache does not
 *   restrict them) and ask again after a `READONLY`, since the answer changes with a promotion.
 * - Give every key a TTL (`SET ... EX`, `EXPIRE` on the primary): a secondary region cannot delete
 *   or overwrite a stale entry, so expiry is the only invalidation that reaches every region.
 * - Data a region must read back after writing it (sessions, counters, locks, read-your-writes)
 *   does not belong in the global datastore: a secondary cannot write it, and the copy lags. Keep
 *   it in a DynamoDB global table (written locally in every region) or a cache of the region's own.
 *
 * No variable names the datastore's primary region: `cacheHomeRegion` says only where it was
 * created, and would be wrong after the first promotion.
 */
import * as pulumi from "@pulumi/pulumi";
import { arnInRegion } from "../lib/dynamo";

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: pulumi.Input<string>[];
  readonly Condition?: Record<string, Record<string, pulumi.Input<string>>>;
}

export interface DataTierBinding {
  /** Variables for the workload's containers. */
  readonly env: Record<string, pulumi.Input<string>>;
  /** Statements for the workload's IAM role (least privilege, this region's resources only). */
  readonly policyStatements: PolicyStatement[];
}

export interface TableBindingInput {
  /** The environment's short name of the table; the variable is `DYNAMODB_TABLE_<NAME>`. */
  readonly name: string;
  /** Physical table name (the same in every region). */
  readonly tableName: pulumi.Input<string>;
  /** ARN of the table in any region: the binding moves it to its own region. */
  readonly tableArn: pulumi.Input<string>;
  /** This region's KMS key of the table. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Whether the table streams (adds read access to its streams). */
  readonly stream: boolean;
}

/**
 * The variables a cache binding sets. Deliberately nothing that says which region writes: that
 * moves with a promotion while the variables stay (see the contract above).
 */
export const CACHE_ENV_KEYS = ["CACHE_HOST", "CACHE_READER_HOST", "CACHE_PORT", "CACHE_TLS", "CACHE_AUTH_SECRET_ARN"] as const;

export interface CacheBindingInput {
  /**
   * This region's cluster: its primary endpoint (`CACHE_HOST`: writable only while this region's
   * cluster is the datastore's primary, `READONLY` errors elsewhere) and its reader endpoint.
   */
  readonly endpoint: pulumi.Input<string>;
  readonly readerEndpoint: pulumi.Input<string>;
  readonly port: number;
  /** ARN of the AUTH token secret in any region; the binding points at this region's replica. */
  readonly authSecretArn: pulumi.Input<string>;
  /** This region's KMS key of that secret replica. */
  readonly authSecretKmsKeyArn: pulumi.Input<string>;
}

export interface DataTierBindingInput {
  readonly region: string;
  readonly tables?: readonly TableBindingInput[];
  readonly cache?: CacheBindingInput;
}

/** `orders-v2` → `ORDERS_V2`: environment variable suffixes. */
export function envSuffix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

const inRegion = (arn: pulumi.Input<string>, region: string) => pulumi.output(arn).apply((a) => arnInRegion(a, region));

/** Item reads and writes a service does; no table or backup administration. */
export const DYNAMODB_DATA_ACTIONS = [
  "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ConditionCheckItem",
  "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:DescribeTable",
];
export const DYNAMODB_STREAM_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"];
/** Callers of a table under a customer managed key use the key through DynamoDB (as aws-cdk's grantReadWriteData grants). */
export const DYNAMODB_KMS_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

export function dataTierBinding(input: DataTierBindingInput): DataTierBinding {
  const { region } = input;
  const env: Record<string, pulumi.Input<string>> = {};
  const statements: PolicyStatement[] = [];
  const tables = input.tables ?? [];
  const names = new Set<string>();
  for (const table of tables) {
    const suffix = envSuffix(table.name);
    if (names.has(suffix)) throw new RangeError(`tables ${table.name}: another table maps to DYNAMODB_TABLE_${suffix}; give the tables names that differ in letters or digits`);
    names.add(suffix);
    env[`DYNAMODB_TABLE_${suffix}`] = table.tableName;
  }
  if (tables.length > 0) {
    // The SDKs call the regional endpoint of AWS_REGION: the local replica.
    env.AWS_REGION = region;
    const arns = tables.map((t) => inRegion(t.tableArn, region));
    statements.push({ Sid: "DynamoDbItems", Effect: "Allow", Action: DYNAMODB_DATA_ACTIONS, Resource: [...arns, ...arns.map((a) => pulumi.interpolate`${a}/index/*`)] });
    const streaming = tables.map((t, i) => (t.stream ? arns[i] : undefined)).filter((a): a is pulumi.Output<string> => a !== undefined);
    if (streaming.length) statements.push({ Sid: "DynamoDbStreams", Effect: "Allow", Action: DYNAMODB_STREAM_ACTIONS, Resource: streaming.map((a) => pulumi.interpolate`${a}/stream/*`) });
    statements.push({
      Sid: "DynamoDbTableKeys",
      Effect: "Allow",
      Action: DYNAMODB_KMS_ACTIONS,
      Resource: tables.map((t) => t.kmsKeyArn),
      Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
    });
  }
  if (input.cache) {
    const cache = input.cache;
    const secretArn = inRegion(cache.authSecretArn, region);
    const cacheEnv: Record<(typeof CACHE_ENV_KEYS)[number], pulumi.Input<string>> = {
      // Read-only in a secondary region: the workload skips cache writes on READONLY (above).
      CACHE_HOST: cache.endpoint,
      CACHE_READER_HOST: cache.readerEndpoint,
      CACHE_PORT: String(cache.port),
      // In-transit encryption is on and required: clients must speak TLS.
      CACHE_TLS: "true",
      CACHE_AUTH_SECRET_ARN: secretArn,
    };
    Object.assign(env, cacheEnv);
    statements.push({ Sid: "CacheAuthToken", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] });
    statements.push({
      Sid: "CacheAuthTokenKey",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [cache.authSecretKmsKeyArn],
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    });
  }
  return { env, policyStatements: statements };
}

/** The statements as an IAM policy document (JSON), e.g. for `aws.iam.RolePolicy.policy`. */
export function policyDocument(binding: DataTierBinding): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: binding.policyStatements });
}

/** Two bindings as one (a service that uses the data tier and something else of the same shape). */
export function mergeBindings(...bindings: DataTierBinding[]): DataTierBinding {
  return { env: Object.assign({}, ...bindings.map((b) => b.env)), policyStatements: bindings.flatMap((b) => b.policyStatements) };
}
