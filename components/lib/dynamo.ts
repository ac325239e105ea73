/**
 * Decisions behind a DynamoDB global table, as pure functions: what AWS accepts for a table
 * definition (keys, billing, streams, multi-Region strong consistency), the attribute
 * definitions DynamoDB wants, and where the replicas and the witness go. `GlobalTable` declares
 * resources from these results; the environment validation reports the same problems per key.
 *
 * Sources (checked 2026):
 * - Multi-Region strong consistency (MRSC): exactly three Regions, as three replicas or two
 *   replicas and a witness, all in one Region set (US: us-east-1, us-east-2, us-west-2; EU:
 *   eu-west-1, eu-west-2, eu-west-3, eu-central-1; AP: ap-northeast-1, ap-northeast-2,
 *   ap-northeast-3); the witness is in a Region without a replica. [CloudFormation
 *   AWS::DynamoDB::GlobalTable GlobalTableWitness; CreateGlobalTableWitnessGroupMemberAction]
 * - The consistency mode cannot change after creation; MRSC is enabled on an empty table.
 *   [DynamoDB developer guide, Global tables: consistency modes; AWS SDK code examples, MRSC]
 * - TTL is not supported on MRSC tables. [DynamoDB developer guide, Throughput capacity
 *   planning for global tables]
 * - A global table is on-demand or provisioned with auto scaling; with auto scaling the write
 *   settings are replicated across Regions (read settings are per replica). [same page]
 * - Replica blocks (version 2019.11.21) turn streams on with NEW_AND_OLD_IMAGES; a config that
 *   leaves `streamEnabled` unset diffs forever trying to turn them off.
 *   [terraform-provider-aws#43625, #43678; aws-cdk global tables require NEW_AND_OLD_IMAGES]
 * - Application Auto Scaling target tracking for DynamoDB: 20 to 90 % utilization.
 * - A provisioned table can only get replicas once its writes are auto scaled (a scaling
 *   policy, not just a target): otherwise UpdateTable fails with "ValidationException: Table
 *   write capacity should either be Pay-Per-Request or AutoScaled". The provider's inline
 *   `replicas` are added in the table's own create, before any auto scaling exists, so provisioned
 *   tables get their replicas as separate `aws.dynamodb.TableReplica` resources that depend on
 *   the write scaling policies. [terraform-provider-aws#13097, #38401; aws-cdk#12159]
 * - `aws.dynamodb.TableReplica` has no consistency mode (@pulumi/aws 7.47, its
 *   tableReplica.d.ts; terraform-provider-aws#48672 asks for one): a STRONG table can only be
 *   built with inline replicas, so only on-demand.
 */

export type AttributeType = "S" | "N" | "B";
export const ATTRIBUTE_TYPES: readonly AttributeType[] = ["S", "N", "B"];

export interface KeyAttribute {
  readonly name: string;
  /** @default "S" */
  readonly type?: AttributeType;
}

export interface CapacityRange {
  readonly min: number;
  readonly max: number;
}

export interface GlobalSecondaryIndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** @default "ALL" */
  readonly projection?: "ALL" | "KEYS_ONLY";
}

export type BillingMode = "PAY_PER_REQUEST" | "PROVISIONED";
export type Consistency = "EVENTUAL" | "STRONG";
export type StreamViewType = "NEW_AND_OLD_IMAGES" | "NEW_IMAGE" | "OLD_IMAGE" | "KEYS_ONLY";
export const STREAM_VIEW_TYPES: readonly StreamViewType[] = ["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY"];

/** A table as an environment (or a program) defines it. */
export interface TableDefinition {
  /** Physical table name, the same in every Region. Fixed at creation (a new name is a new table). */
  readonly name: string;
  /** Fixed at creation. */
  readonly partitionKey: KeyAttribute;
  /** Fixed at creation. */
  readonly sortKey?: KeyAttribute;
  /** @default [] */
  readonly globalSecondaryIndexes?: readonly GlobalSecondaryIndexDefinition[];
  /** @default "PAY_PER_REQUEST" (on-demand) */
  readonly billingMode?: BillingMode;
  /** Provisioned only: read capacity units per replica (auto scaled between min and max in every Region). */
  readonly readCapacity?: CapacityRange;
  /** Provisioned only: write capacity units (DynamoDB replicates the write auto scaling settings to every replica). */
  readonly writeCapacity?: CapacityRange;
  /** Provisioned only: target utilization of the auto scaling policies, 20 to 90. @default 70 */
  readonly targetUtilizationPercent?: number;
  /**
   * `EVENTUAL` (MREC: asynchronous replication, last writer wins) or `STRONG` (MRSC:
   * strongly consistent reads in every Region, zero RPO; three Regions of one Region set).
   * Fixed at creation.
   * @default "EVENTUAL"
   */
  readonly consistency?: Consistency;
  /** STRONG with two replica Regions only: the third Region of the set, holding a witness. */
  readonly witnessRegion?: string;
  /**
   * Stream view. EVENTUAL tables always stream NEW_AND_OLD_IMAGES (replication turns streams on);
   * on STRONG tables streams are off unless asked for.
   * @default none
   */
  readonly streamViewType?: StreamViewType;
  /** Attribute holding an expiry time (epoch seconds). Not supported with STRONG. @default none */
  readonly ttlAttribute?: string;
  /** Point-in-time recovery window, 1 to 35 days. @default 35 */
  readonly pointInTimeRecoveryDays?: number;
}

/** One thing wrong with a table definition: the field (relative to the table), its value, the fix. */
export interface TableProblem {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

/** The Regions multi-Region strong consistency is offered in, by set (all three Regions of a table from one set). */
export const MRSC_REGION_SETS: Readonly<Record<string, readonly string[]>> = {
  US: ["us-east-1", "us-east-2", "us-west-2"],
  EU: ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"],
  AP: ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3"],
};

/** The Region set holding every one of `regions`, or undefined when they span sets (or one is in none). */
export function mrscRegionSet(regions: readonly string[]): string | undefined {
  return Object.entries(MRSC_REGION_SETS).find(([, set]) => regions.every((r) => set.includes(r)))?.[0];
}

/** Table names: 3 to 255 of a-z, A-Z, 0-9, _, -, . (CreateTable). */
export const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/**
 * The alias of a table's KMS keys (one key per replica region, each aliased in its region). KMS
 * and the provider take alias names of a-z, A-Z, 0-9, `/`, `_` and `-` only, at most 256
 * characters (pulumi-aws validates `^alias/[0-9A-Za-z_/-]+$` before it calls AWS): a table name
 * DynamoDB accepts, with a `.`, would fail the deploy at its alias in every region.
 */
export function tableKeyAlias(tableName: string): string {
  return `alias/dynamodb/${tableName}`;
}
const KMS_ALIAS = /^alias\/[0-9A-Za-z_/-]+$/;
const KMS_ALIAS_MAX = 256;
/** Index names: 3 to 255 of the same characters. */
export const INDEX_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** A table holds at most 20 global secondary indexes (default quota). */
export const MAX_GLOBAL_SECONDARY_INDEXES = 20;

const typeOf = (key: KeyAttribute): AttributeType => key.type ?? "S";

/**
 * Attribute definitions for CreateTable: every attribute used as a key of the table or of an
 * index, once. Only these: an attribute defined but used in no key schema makes DynamoDB refuse
 * the table (and the provider diff forever).
 */
export function attributeDefinitions(def: Pick<TableDefinition, "partitionKey" | "sortKey" | "globalSecondaryIndexes">): { name: string; type: AttributeType }[] {
  const seen = new Map<string, AttributeType>();
  const keys = [def.partitionKey, def.sortKey, ...(def.globalSecondaryIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])];
  for (const key of keys) if (key && !seen.has(key.name)) seen.set(key.name, typeOf(key));
  return [...seen].map(([name, type]) => ({ name, type }));
}

/** Where the table lives: the table resource's own Region, the other replicas, and the witness (MRSC with two replicas). */
export interface ReplicaLayout {
  readonly home: string;
  readonly replicaRegions: string[];
  readonly witnessRegion: string | undefined;
}

export function replicaLayout(homeRegion: string, regions: readonly string[], def: Pick<TableDefinition, "witnessRegion">): ReplicaLayout {
  return { home: homeRegion, replicaRegions: regions.filter((r) => r !== homeRegion), witnessRegion: def.witnessRegion };
}

function checkKey(key: KeyAttribute | undefined, path: string, out: TableProblem[]): void {
  if (!key) return;
  if (typeof key.name !== "string" || key.name.length === 0 || key.name.length > 255) {
    out.push({ path: `${path}.name`, value: key.name, message: "must be an attribute name of 1 to 255 characters" });
  }
  if (key.type !== undefined && !ATTRIBUTE_TYPES.includes(key.type)) {
    out.push({ path: `${path}.type`, value: key.type, message: "must be S (string), N (number) or B (binary)" });
  }
}

function checkCapacity(range: CapacityRange | undefined, path: string, out: TableProblem[]): void {
  if (!range) return;
  if (!Number.isInteger(range.min) || range.min < 1) out.push({ path: `${path}.min`, value: range.min, message: "must be a whole number of capacity units, at least 1" });
  if (!Number.isInteger(range.max) || range.max < range.min) out.push({ path: `${path}.max`, value: range.max, message: `must be a whole number at least min (${range.min})` });
}

/**
 * Everything AWS (or the provider) would refuse about a table spread over `regions`, checked
 * before anything is created. `regions` are the Regions holding a replica (the table's own
 * Region included).
 */
export function tableProblems(def: TableDefinition, regions: readonly string[]): TableProblem[] {
  const out: TableProblem[] = [];
  if (!TABLE_NAME.test(def.name)) out.push({ path: "name", value: def.name, message: "the table name must be 3 to 255 characters of a-z, A-Z, 0-9, _, - and ." });
  else {
    const alias = tableKeyAlias(def.name);
    if (!KMS_ALIAS.test(alias) || alias.length > KMS_ALIAS_MAX) {
      out.push({ path: "name", value: def.name, message: `names the table's KMS key alias ${alias}, which KMS takes only of a-z, A-Z, 0-9, /, _ and - and at most ${KMS_ALIAS_MAX} characters: use - or _ instead of ., and at most ${KMS_ALIAS_MAX - tableKeyAlias("").length} characters` });
    }
  }
  checkKey(def.partitionKey, "partitionKey", out);
  checkKey(def.sortKey, "sortKey", out);
  if (def.sortKey && def.sortKey.name === def.partitionKey.name) out.push({ path: "sortKey.name", value: def.sortKey.name, message: "must differ from the partition key" });

  const indexes = def.globalSecondaryIndexes ?? [];
  if (indexes.length > MAX_GLOBAL_SECONDARY_INDEXES) out.push({ path: "globalSecondaryIndexes", value: indexes.length, message: `a table holds at most ${MAX_GLOBAL_SECONDARY_INDEXES} global secondary indexes` });
  const indexNames = new Set<string>();
  indexes.forEach((index, i) => {
    if (!INDEX_NAME.test(index.name)) out.push({ path: `globalSecondaryIndexes[${i}].name`, value: index.name, message: "must be 3 to 255 characters of a-z, A-Z, 0-9, _, - and ." });
    else if (indexNames.has(index.name)) out.push({ path: `globalSecondaryIndexes[${i}].name`, value: index.name, message: "repeats another index name" });
    indexNames.add(index.name);
    checkKey(index.partitionKey, `globalSecondaryIndexes[${i}].partitionKey`, out);
    checkKey(index.sortKey, `globalSecondaryIndexes[${i}].sortKey`, out);
  });
  // One attribute, one type: DynamoDB has a single AttributeDefinitions list per table.
  const types = new Map<string, AttributeType>();
  const keyed: [KeyAttribute | undefined, string][] = [[def.partitionKey, "partitionKey"], [def.sortKey, "sortKey"], ...indexes.flatMap((x, i) => [[x.partitionKey, `globalSecondaryIndexes[${i}].partitionKey`], [x.sortKey, `globalSecondaryIndexes[${i}].sortKey`]] as [KeyAttribute | undefined, string][])];
  for (const [key, path] of keyed) {
    if (!key) continue;
    const known = types.get(key.name);
    if (known && known !== typeOf(key)) out.push({ path: `${path}.type`, value: typeOf(key), message: `attribute ${key.name} is already a key of type ${known}; one attribute has one type` });
    else types.set(key.name, typeOf(key));
  }

  const billing = def.billingMode ?? "PAY_PER_REQUEST";
  if (billing === "PROVISIONED") {
    if (!def.readCapacity) out.push({ path: "readCapacity", value: undefined, message: "provisioned tables need {min, max} read capacity units (auto scaled in every Region); or use billingMode PAY_PER_REQUEST" });
    if (!def.writeCapacity) out.push({ path: "writeCapacity", value: undefined, message: "provisioned tables need {min, max} write capacity units (a global table must auto scale its writes); or use billingMode PAY_PER_REQUEST" });
    checkCapacity(def.readCapacity, "readCapacity", out);
    checkCapacity(def.writeCapacity, "writeCapacity", out);
    const target = def.targetUtilizationPercent ?? 70;
    if (!Number.isInteger(target) || target < 20 || target > 90) out.push({ path: "targetUtilizationPercent", value: target, message: "must be 20 to 90 (Application Auto Scaling's range for DynamoDB)" });
  } else if (billing === "PAY_PER_REQUEST") {
    for (const field of ["readCapacity", "writeCapacity"] as const) {
      if (def[field]) out.push({ path: field, value: def[field], message: "is for billingMode PROVISIONED; on-demand tables have no capacity to set" });
    }
  } else {
    out.push({ path: "billingMode", value: billing, message: "must be PAY_PER_REQUEST (on-demand) or PROVISIONED" });
  }

  const days = def.pointInTimeRecoveryDays ?? 35;
  if (!Number.isInteger(days) || days < 1 || days > 35) out.push({ path: "pointInTimeRecoveryDays", value: days, message: "must be 1 to 35 days" });
  if (def.streamViewType !== undefined && !STREAM_VIEW_TYPES.includes(def.streamViewType)) {
    out.push({ path: "streamViewType", value: def.streamViewType, message: `must be one of ${STREAM_VIEW_TYPES.join(", ")}` });
  }

  const consistency = def.consistency ?? "EVENTUAL";
  if (consistency === "STRONG" && billing === "PROVISIONED") {
    out.push({
      path: "billingMode",
      value: billing,
      message: "consistency STRONG needs billingMode PAY_PER_REQUEST: the replicas of a provisioned table must be separate aws.dynamodb.TableReplica resources created after its write auto scaling, and TableReplica cannot set a consistency mode; use PAY_PER_REQUEST (and drop readCapacity/writeCapacity) or consistency EVENTUAL",
    });
  }
  if (consistency === "EVENTUAL") {
    if (def.witnessRegion !== undefined) out.push({ path: "witnessRegion", value: def.witnessRegion, message: "a witness exists only for consistency STRONG; remove it" });
    if (def.streamViewType !== undefined && def.streamViewType !== "NEW_AND_OLD_IMAGES") {
      out.push({ path: "streamViewType", value: def.streamViewType, message: "replicas of an EVENTUAL global table stream NEW_AND_OLD_IMAGES (replication turns the stream on); use NEW_AND_OLD_IMAGES or leave it unset" });
    }
    if (regions.length < 2) out.push({ path: "regions", value: regions, message: "a global table needs replicas in at least two Regions" });
  } else if (consistency === "STRONG") {
    if (def.ttlAttribute !== undefined) out.push({ path: "ttlAttribute", value: def.ttlAttribute, message: "TTL is not supported on multi-Region strongly consistent tables; remove it or use consistency EVENTUAL" });
    const sets = Object.entries(MRSC_REGION_SETS).map(([name, set]) => `${name}: ${set.join(", ")}`).join("; ");
    const all = def.witnessRegion !== undefined ? [...regions, def.witnessRegion] : [...regions];
    if (def.witnessRegion !== undefined && regions.includes(def.witnessRegion)) {
      out.push({ path: "witnessRegion", value: def.witnessRegion, message: "holds a replica already; the witness must be the third Region, without a replica" });
    } else if (all.length !== 3) {
      const how = regions.length === 2 ? "add witnessRegion (a third Region of the same set, without a replica)" : "use three Regions of one set, or two plus a witnessRegion";
      out.push({ path: "consistency", value: consistency, message: `multi-Region strong consistency needs exactly three Regions (three replicas, or two and a witness); these are ${all.join(", ")}: ${how}` });
    } else if (!mrscRegionSet(all)) {
      out.push({ path: "consistency", value: consistency, message: `multi-Region strong consistency needs all three Regions in one Region set (${sets}); ${all.join(", ")} are not` });
    }
  } else {
    out.push({ path: "consistency", value: consistency, message: "must be EVENTUAL or STRONG" });
  }
  return out;
}

/** Throws a RangeError listing every problem, prefixed with `context` (e.g. the component name). */
export function assertTable(def: TableDefinition, regions: readonly string[], context: string): void {
  const problems = tableProblems(def, regions);
  if (problems.length) throw new RangeError(`${context}: ${problems.map((p) => `${p.path} ${JSON.stringify(p.value)}: ${p.message}`).join("; ")}`);
}

/** The stream a table has: always NEW_AND_OLD_IMAGES on EVENTUAL tables (replicas require it), else what was asked. */
export function effectiveStream(def: Pick<TableDefinition, "consistency" | "streamViewType">): StreamViewType | undefined {
  return (def.consistency ?? "EVENTUAL") === "EVENTUAL" ? "NEW_AND_OLD_IMAGES" : def.streamViewType;
}

/**
 * An ARN moved to another Region (ARNs of replicas differ from the table's only in their Region
 * field): `arn:aws:dynamodb:us-east-1:1:table/t` → `arn:aws:dynamodb:eu-west-1:1:table/t`.
 */
export function arnInRegion(arn: string, region: string): string {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") throw new RangeError(`"${arn}" is not an ARN`);
  parts[3] = region;
  return parts.join(":");
}

/**
 * How a global table's replicas are declared: inline `replicas` blocks of the table resource
 * (on-demand tables), or one `aws.dynamodb.TableReplica` per other Region (provisioned tables:
 * the replica must wait for the table's write auto scaling, which an inline block cannot).
 */
export function replicaStyle(def: Pick<TableDefinition, "billingMode">): "inline" | "separate" {
  return (def.billingMode ?? "PAY_PER_REQUEST") === "PROVISIONED" ? "separate" : "inline";
}

/** A table resource as a reader of a plan or a preview sees it. */
export interface TableRef {
  readonly urn: string;
  /** Its ARN when known. */
  readonly arn?: string | null;
}

/** An `aws.dynamodb.TableReplica` as a reader sees it (URNs of `globalTableArn`'s dependencies, when recorded). */
export interface TableReplicaRef {
  readonly region?: string | null;
  readonly globalTableArn?: string | null;
  readonly globalTableArnDependencies?: readonly string[];
}

/**
 * Whether a TableReplica replicates `table`: through the engine's recorded dependency of its
 * `globalTableArn` when there is one, else by the ARN it names (a literal ARN leaves no
 * dependency).
 */
export function replicatesTable(replica: TableReplicaRef, table: TableRef): boolean {
  const deps = replica.globalTableArnDependencies ?? [];
  if (deps.length > 0) return deps.includes(table.urn);
  return !!table.arn && replica.globalTableArn === table.arn;
}

/** The TableReplica resources among `replicas` that replicate `table`. */
export function replicasOfTable<R extends TableReplicaRef>(table: TableRef, replicas: readonly R[]): R[] {
  return replicas.filter((r) => replicatesTable(r, table));
}

/**
 * Every Region holding a copy of a table, its own first, counting both inline replica blocks and
 * separate TableReplica resources; `complete` is false when one of them is not known yet.
 */
export function globalTableRegions(
  home: string | null | undefined,
  inlineReplicaRegions: readonly (string | null | undefined)[],
  tableReplicas: readonly TableReplicaRef[],
): { regions: string[]; complete: boolean } {
  const all = [home, ...inlineReplicaRegions, ...tableReplicas.map((r) => r.region)];
  const regions = [...new Set(all.filter((r): r is string => typeof r === "string" && r.length > 0))];
  return { regions, complete: regions.length > 0 && all.every((r) => typeof r === "string" && r.length > 0) };
}
