/**
 * Data stores: Aurora (instances by engine and class, Standard or I/O-Optimized storage, global
 * database replicated writes and replication traffic, backups, exported logs, reader autoscaling
 * up to its maximum at the ceiling), DynamoDB tables and their global-table replicas, ElastiCache
 * node-based and serverless caches and Global Datastore members.
 */
import type { PricingContext } from "../context";
import { bool, list, num, record, str } from "../lookup";
import type { Charge, CostResource, Pricing } from "../model";

export const AURORA_CLUSTER = "aws:rds/cluster:Cluster";
export const AURORA_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
export const SCALING_TARGET = "aws:appautoscaling/target:Target";
const hours = (count: number, ctx: PricingContext) => count * ctx.hoursPerMonth;

export type AuroraRole = "primary" | "secondary" | "standalone";

/** Secondaries join a global database without master credentials (they replicate the primary's). */
export function auroraRole(cluster: CostResource): AuroraRole {
  const inputs = cluster.inputs;
  if (str(inputs.replicationSourceIdentifier)) return "secondary";
  if (!str(inputs.globalClusterIdentifier)) return "standalone";
  return str(inputs.masterUsername) || bool(inputs.manageMasterUserPassword) === true || inputs.masterPassword ? "primary" : "secondary";
}

const isIoOptimized = (cluster: CostResource | null) => str(cluster?.inputs.storageType) === "aurora-iopt1";

export function clusterOfInstance(instance: CostResource, ctx: PricingContext): CostResource | null {
  return ctx.lookup.referenced(instance, "clusterIdentifier", instance.inputs.clusterIdentifier, [AURORA_CLUSTER])[0] ?? null;
}

export function instancesOfCluster(cluster: CostResource, ctx: PricingContext): CostResource[] {
  return ctx.lookup.referencing([AURORA_INSTANCE], "clusterIdentifier", cluster, (i) => i.inputs.clusterIdentifier);
}

/** The hourly price key and factor of an Aurora instance class in a cluster. */
function instanceItem(engine: string, instanceClass: string, cluster: CostResource | null, ctx: PricingContext): { item: string; factor: number } | { unpriced: string } {
  if (instanceClass === "db.serverless") return { unpriced: "Aurora Serverless v2 capacity (ACU-hours) is not priced" };
  if (!isIoOptimized(cluster)) return { item: `rds.${engine}.${instanceClass}`, factor: 1 };
  const uplift = ctx.ratio("rds.aurora.io-optimized.instance-uplift");
  return uplift === null ? { unpriced: "no Aurora I/O-Optimized uplift in the price table" } : { item: `rds.${engine}.${instanceClass}`, factor: uplift };
}

export function auroraInstance(r: CostResource, ctx: PricingContext): Pricing {
  const cluster = clusterOfInstance(r, ctx);
  const engine = str(r.inputs.engine) ?? str(cluster?.inputs.engine) ?? "aurora-postgresql";
  const instanceClass = str(r.inputs.instanceClass);
  if (!instanceClass) return { unpriced: "no instanceClass" };
  const priced = instanceItem(engine, instanceClass, cluster, ctx);
  if ("unpriced" in priced) return priced;
  const notes = (num(r.inputs.performanceInsightsRetentionPeriod) ?? 7) > 7 ? ["Performance Insights retention beyond the free 7 days is not priced"] : [];
  return { charges: [{ item: priced.item, what: `${instanceClass} ${engine}${priced.factor !== 1 ? " (I/O-Optimized)" : ""}`, kind: "fixed", quantity: hours(1, ctx), factor: priced.factor }], notes };
}

/** Readers Application Auto Scaling may add to the cluster, priced only at the ceiling. */
function readerAutoscalingCharges(cluster: CostResource, engine: string, ctx: PricingContext): Charge[] {
  const instances = instancesOfCluster(cluster, ctx);
  const target = ctx.lookup
    .ofType(SCALING_TARGET)
    .find((t) => str(t.inputs.scalableDimension) === "rds:cluster:ReadReplicaCount" && ctx.lookup.referenced(t, "resourceId", String(t.inputs.resourceId ?? "").replace(/^cluster:/, ""), [AURORA_CLUSTER]).some((c) => c.urn === cluster.urn));
  const maxReaders = num(target?.inputs.maxCapacity);
  const instanceClass = str(instances[0]?.inputs.instanceClass);
  if (!target || maxReaders === null || !instanceClass) return [];
  const readers = instances.length - (auroraRole(cluster) === "secondary" ? 0 : 1);
  const extra = Math.max(0, maxReaders - readers);
  const priced = instanceItem(engine, instanceClass, cluster, ctx);
  if (extra === 0 || "unpriced" in priced) return [];
  return [{ item: priced.item, what: `up to ${extra} autoscaled ${instanceClass} reader(s) (ceiling only)`, kind: "fixed", quantity: { baseline: 0, ceiling: hours(extra, ctx) }, factor: priced.factor }];
}

export function auroraCluster(r: CostResource, ctx: PricingContext): Pricing {
  const role = auroraRole(r);
  const engine = str(r.inputs.engine) ?? "aurora-postgresql";
  const storageGb = ctx.usage("auroraStorageGb");
  const charges: Charge[] = [];
  if (isIoOptimized(r)) {
    charges.push({ item: "rds.aurora.io-optimized.storage.gb-month", what: "I/O-Optimized storage (I/O included)", kind: "usage", quantity: storageGb, assumptions: ["auroraStorageGb"] });
  } else {
    charges.push({ item: "rds.aurora.storage.gb-month", what: "storage", kind: "usage", quantity: storageGb, assumptions: ["auroraStorageGb"] });
    const io = role === "secondary" ? "auroraSecondaryReadIoMillionsPerMonth" : "auroraIoMillionsPerMonth";
    charges.push({ item: "rds.aurora.io.million", what: role === "secondary" ? "local read I/O" : "read and write I/O", kind: "usage", quantity: ctx.usage(io), assumptions: [io] });
  }
  if (role === "secondary") {
    charges.push({ item: "rds.aurora.global.replicated-write.million", what: "replicated write I/O from the primary", kind: "usage", quantity: ctx.usage("auroraWriteIoMillionsPerMonth"), assumptions: ["auroraWriteIoMillionsPerMonth"] });
    charges.push({ item: "data-transfer.inter-region.gb", what: "replication traffic from the primary region", kind: "usage", quantity: ctx.usage("auroraReplicationGbPerMonth"), assumptions: ["auroraReplicationGbPerMonth"] });
  }
  charges.push({ item: "rds.aurora.backup.gb-month", what: "backup storage beyond the free allowance", kind: "usage", quantity: ctx.usage("auroraBackupBillableGb"), assumptions: ["auroraBackupBillableGb"] });
  const exports = list(r.inputs.enabledCloudwatchLogsExports).length;
  if (exports > 0) {
    const gb = ctx.usage("auroraLogExportGbPerMonth");
    charges.push({ item: "cloudwatch.logs.ingestion.gb", what: "exported database logs", kind: "usage", quantity: gb, assumptions: ["auroraLogExportGbPerMonth"] });
    // RDS creates /aws/rds/cluster/<id>/<log> itself, without retention.
    charges.push({
      item: "cloudwatch.logs.storage.gb-month",
      what: "stored database logs (RDS creates their log group without retention)",
      kind: "usage",
      quantity: gb * ctx.usage("logCompressionRatio") * ctx.usage("logNeverExpireMonths"),
      assumptions: ["auroraLogExportGbPerMonth", "logCompressionRatio", "logNeverExpireMonths"],
    });
  }
  charges.push(...readerAutoscalingCharges(r, engine, ctx));
  return { charges, notes: role === "secondary" ? ["replication traffic is billed by the primary region; it is shown with the secondary that causes it"] : [] };
}

// --- DynamoDB ------------------------------------------------------------------------------------

function dynamoRegionCharges(region: string, onDemand: boolean, replica: boolean, capacity: { read: number; write: number }, pitr: boolean, ctx: PricingContext): Charge[] {
  const where = replica ? ` in replica ${region}` : "";
  const storage = ctx.usage("dynamodbStorageGb", region);
  const charges: Charge[] = [];
  if (onDemand) {
    const writes = ctx.usage("dynamodbWritesMillionsPerMonth", region);
    charges.push({ item: replica ? "dynamodb.on-demand.replicated-write.million" : "dynamodb.on-demand.write.million", what: `${replica ? "replicated " : ""}writes${where}`, kind: "usage", quantity: writes, assumptions: ["dynamodbWritesMillionsPerMonth"], pricingRegion: region });
    charges.push({ item: "dynamodb.on-demand.read.million", what: `reads${where}`, kind: "usage", quantity: ctx.usage("dynamodbReadsMillionsPerMonth", region), assumptions: ["dynamodbReadsMillionsPerMonth"], pricingRegion: region });
  } else {
    charges.push({ item: replica ? "dynamodb.provisioned.replicated-wcu-hour" : "dynamodb.provisioned.wcu-hour", what: `${capacity.write} ${replica ? "replicated " : ""}WCU${where}`, kind: "fixed", quantity: hours(capacity.write, ctx), pricingRegion: region });
    charges.push({ item: "dynamodb.provisioned.rcu-hour", what: `${capacity.read} RCU${where}`, kind: "fixed", quantity: hours(capacity.read, ctx), pricingRegion: region });
  }
  charges.push({ item: "dynamodb.storage.gb-month", what: `storage${where}`, kind: "usage", quantity: storage, assumptions: ["dynamodbStorageGb"], pricingRegion: region });
  if (pitr) charges.push({ item: "dynamodb.pitr.gb-month", what: `point-in-time recovery${where}`, kind: "usage", quantity: storage, assumptions: ["dynamodbStorageGb"], pricingRegion: region });
  return charges;
}

export const DYNAMODB_TABLE = "aws:dynamodb/table:Table";

function tableBilling(table: CostResource): { onDemand: boolean; capacity: { read: number; write: number } } {
  return {
    onDemand: (str(table.inputs.billingMode) ?? "PROVISIONED") === "PAY_PER_REQUEST",
    capacity: { read: num(table.inputs.readCapacity) ?? 0, write: num(table.inputs.writeCapacity) ?? 0 },
  };
}

export function dynamodbTable(r: CostResource, ctx: PricingContext): Pricing {
  const { onDemand, capacity } = tableBilling(r);
  const pitr = bool(record(r.inputs.pointInTimeRecovery).enabled) === true;
  const charges = dynamoRegionCharges(ctx.region, onDemand, false, capacity, pitr, ctx);
  // Inline replicas; those declared as TableReplica resources are priced with them.
  for (const replica of list(r.inputs.replicas).map(record)) {
    const region = str(replica.regionName);
    if (region) charges.push(...dynamoRegionCharges(region, onDemand, true, capacity, bool(replica.pointInTimeRecovery) === true, ctx));
  }
  return { charges };
}

/** A replica declared apart from its table (provisioned global tables): billed like its table, with replicated writes. */
export function dynamodbTableReplica(r: CostResource, ctx: PricingContext): Pricing {
  const table = ctx.lookup.referenced(r, "globalTableArn", r.inputs.globalTableArn, [DYNAMODB_TABLE])[0];
  const pitr = bool(r.inputs.pointInTimeRecovery) === true;
  if (!table) {
    return {
      charges: dynamoRegionCharges(ctx.region, true, true, { read: 0, write: 0 }, pitr, ctx),
      notes: ["its table is not in the plan: priced as on-demand"],
    };
  }
  const { onDemand, capacity } = tableBilling(table);
  return { charges: dynamoRegionCharges(ctx.region, onDemand, true, capacity, pitr, ctx) };
}

// --- ElastiCache ---------------------------------------------------------------------------------

function nodeCharges(nodeType: string | null, nodes: number, engine: string, ctx: PricingContext): Charge[] | { unpriced: string } {
  if (!nodeType) return { unpriced: "no nodeType" };
  let factor = 1;
  if (engine === "valkey") {
    const ratio = ctx.ratio("elasticache.valkey.node-ratio");
    if (ratio === null) return { unpriced: "no Valkey node ratio in the price table" };
    factor = ratio;
  }
  return [{ item: `elasticache.node.${nodeType}`, what: `${nodes} × ${nodeType} ${engine}`, kind: "fixed", quantity: hours(nodes, ctx), factor }];
}

const GLOBAL_DATASTORE = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";

export function elasticacheReplicationGroup(r: CostResource, ctx: PricingContext): Pricing {
  const groups = num(r.inputs.numNodeGroups);
  const nodes = groups !== null ? groups * ((num(r.inputs.replicasPerNodeGroup) ?? 0) + 1) : num(r.inputs.numCacheClusters) ?? 1;
  // A secondary of a Global Datastore may not set its node type or engine: the datastore's apply.
  const datastore = str(r.inputs.nodeType) ? undefined : ctx.lookup.referenced(r, "globalReplicationGroupId", r.inputs.globalReplicationGroupId, [GLOBAL_DATASTORE])[0];
  const nodeType = str(r.inputs.nodeType) ?? str(datastore?.inputs.cacheNodeType);
  const engine = str(r.inputs.engine) ?? str(datastore?.inputs.engine) ?? "redis";
  const charges = nodeCharges(nodeType, nodes, engine, ctx);
  if ("unpriced" in charges) return charges;
  if (str(r.inputs.globalReplicationGroupId)) {
    charges.push({ item: "data-transfer.inter-region.gb", what: "Global Datastore replication from the primary region", kind: "usage", quantity: ctx.usage("elasticacheReplicationGbPerMonth"), assumptions: ["elasticacheReplicationGbPerMonth"] });
  }
  return { charges };
}

export function elasticacheCluster(r: CostResource, ctx: PricingContext): Pricing {
  if (str(r.inputs.replicationGroupId)) return { free: "a member of a replication group: its node is priced on the group" };
  const charges = nodeCharges(str(r.inputs.nodeType), num(r.inputs.numCacheNodes) ?? 1, str(r.inputs.engine) ?? "redis", ctx);
  return "unpriced" in charges ? charges : { charges };
}

export function elasticacheServerless(r: CostResource, ctx: PricingContext): Pricing {
  const engine = str(r.inputs.engine) === "valkey" ? "valkey" : "redis";
  const gb = ctx.usage("elasticacheServerlessGb");
  return {
    charges: [
      { item: `elasticache.serverless.${engine}.gb-hour`, what: `${gb} GB stored on average`, kind: "usage", quantity: hours(gb, ctx), assumptions: ["elasticacheServerlessGb"] },
      { item: `elasticache.serverless.${engine}.ecpu-million`, what: "ElastiCache Processing Units", kind: "usage", quantity: ctx.usage("elasticacheServerlessEcpuMillionsPerMonth"), assumptions: ["elasticacheServerlessEcpuMillionsPerMonth"] },
    ],
  };
}
