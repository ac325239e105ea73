/**
 * Alarm thresholds derived from the environment's objectives: replication lag against the RPO,
 * capacity headroom against the loss of a region, database connections against the engine's
 * limit. Pure functions; the component declares alarms from their results.
 */
import type { AuroraEngine } from "../lib/aurora";
import { RDS } from "./metrics";
import { loosestObjectivePercent, percentileRankStatistic } from "./slo";

/** What the environment promises, and the saturation levels that warn before it breaks. */
export interface MonitoringObjectives {
  /** Percentage of requests that must not fail (5xx). */
  availabilityPercent: number;
  /** Percentage of requests that must be answered within `latencyThresholdMs`. */
  latencyPercent: number;
  latencyThresholdMs: number;
  /** Window the error budget is spent over. */
  sloWindowDays: number;
  /** Most data (in seconds of writes) a regional failover may lose. */
  rpoSeconds: number;
  /** Sustained node CPU that means scaling is not keeping up. */
  nodeCpuPercent: number;
  /** Node memory working set that pages (Prometheus alert). */
  nodeMemoryPercent: number;
  /** Sustained Aurora instance CPU that needs attention. */
  dbCpuPercent: number;
}

export const DEFAULT_OBJECTIVES: MonitoringObjectives = {
  availabilityPercent: 99.9,
  latencyPercent: 99,
  latencyThresholdMs: 300,
  sloWindowDays: 30,
  rpoSeconds: 60,
  nodeCpuPercent: 85,
  nodeMemoryPercent: 90,
  dbCpuPercent: 80,
};

/** One problem per field, worded for a config key or a component argument alike. */
export function objectiveProblems(o: MonitoringObjectives): { field: keyof MonitoringObjectives; message: string }[] {
  const problems: { field: keyof MonitoringObjectives; message: string }[] = [];
  const loosest = loosestObjectivePercent();
  for (const field of ["availabilityPercent", "latencyPercent"] as const) {
    const value = o[field];
    if (!(Number.isFinite(value) && value < 100 && value > loosest)) {
      problems.push({ field, message: `must be above ${loosest} and below 100 (a percentage of requests, e.g. 99.9): at ${loosest} % or less the fastest burn-rate alarm (14.4× the budget) could never fire` });
    }
  }
  try {
    percentileRankStatistic(o.latencyThresholdMs);
  } catch {
    problems.push({ field: "latencyThresholdMs", message: "must be a positive number of milliseconds, e.g. 300" });
  }
  if (!(Number.isInteger(o.sloWindowDays) && o.sloWindowDays >= 7 && o.sloWindowDays <= 90)) problems.push({ field: "sloWindowDays", message: "must be 7 to 90 days (28 or 30 are usual)" });
  if (!(Number.isInteger(o.rpoSeconds) && o.rpoSeconds >= 1)) problems.push({ field: "rpoSeconds", message: "must be a whole number of seconds ≥ 1" });
  for (const field of ["nodeCpuPercent", "nodeMemoryPercent", "dbCpuPercent"] as const) {
    if (!(Number.isInteger(o[field]) && o[field] >= 10 && o[field] <= 100)) problems.push({ field, message: "must be a whole percentage from 10 to 100" });
  }
  return problems;
}

/**
 * The cross-region lag that pages: half of the tighter of the RPO objective and
 * `rds.global_db_rpo` (at which Aurora PostgreSQL starts blocking commits), so there is time to
 * act before either is breached.
 */
export function replicationLagThresholdMs(rpoSeconds: number, globalRpoParameterSeconds?: number): number {
  const limits = [rpoSeconds, ...(globalRpoParameterSeconds && globalRpoParameterSeconds > 0 ? [globalRpoParameterSeconds] : [])];
  return Math.round((Math.min(...limits) * 1000) / 2);
}

/**
 * The lag metric that measures the RPO. AWS: for every Aurora PostgreSQL global database and for
 * Aurora MySQL from 3.04.0 (and 2.12.0) watch AuroraGlobalDBRPOLag; older Aurora MySQL publishes
 * only AuroraGlobalDBReplicationLag.
 */
export function globalLagMetric(engine: AuroraEngine, engineVersion: string): string {
  if (engine === "aurora-postgresql") return RDS.metrics.globalRpoLag;
  const match = /mysql_aurora\.(\d+)\.(\d+)/.exec(engineVersion);
  if (!match) return RDS.metrics.globalRpoLag;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const hasRpoLag = major >= 3 ? major > 3 || minor >= 4 : major === 2 && minor >= 12;
  return hasRpoLag ? RDS.metrics.globalRpoLag : RDS.metrics.globalReplicationLag;
}

/**
 * How much a region must grow when another region is lost: its traffic share goes from 1/R to
 * 1/(R−1), so its nodes from n to n × R/(R−1) (even spread, the latency routing's steady state).
 */
export function failoverGrowthFactor(regionCount: number): number {
  if (!(Number.isInteger(regionCount) && regionCount >= 2)) throw new RangeError(`a failover needs at least two regions (got ${regionCount})`);
  return regionCount / (regionCount - 1);
}

/** Nodes each surviving region needs at the environment's peak after one region is lost (N−1). */
export function nodesPerRegionAfterLoss(globalPeakNodes: number, regionCount: number): number {
  failoverGrowthFactor(regionCount);
  return Math.ceil(globalPeakNodes / (regionCount - 1));
}

/**
 * Memory (GiB) of Aurora's memory-optimized classes by size; every db.r family has 8 GiB per
 * vCPU (large = 2 vCPUs), db.x2g 16 GiB per vCPU.
 */
const SIZE_VCPUS: Record<string, number> = { large: 2, xlarge: 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48, "16xlarge": 64, "24xlarge": 96, "32xlarge": 128 };
/** Aurora MySQL's documented default max_connections per class size. */
const AURORA_MYSQL_MAX_CONNECTIONS: Record<string, number> = { large: 1000, xlarge: 2000, "2xlarge": 3000, "4xlarge": 4000, "8xlarge": 5000, "12xlarge": 6000, "16xlarge": 6000, "24xlarge": 7000, "32xlarge": 7000 };

export function instanceMemoryGiB(instanceClass: string): number | undefined {
  const match = /^db\.(r\d+[a-z]*|x2g)\.(\w+)$/.exec(instanceClass);
  const vcpus = match ? SIZE_VCPUS[match[2]] : undefined;
  if (!match || vcpus === undefined) return undefined;
  return vcpus * (match[1] === "x2g" ? 16 : 8);
}

/**
 * The engine's default max_connections for a class, or undefined when the class is not known.
 * Aurora PostgreSQL: LEAST(DBInstanceClassMemory / 9 531 392, 5000); DBInstanceClassMemory is the
 * memory left after the OS and RDS take theirs, so the real limit is somewhat lower than this
 * (which is why the alarm fires well below it). Aurora MySQL: AWS's per-class table.
 */
export function defaultMaxConnections(engine: AuroraEngine, instanceClass: string): number | undefined {
  const memory = instanceMemoryGiB(instanceClass);
  if (memory === undefined) return undefined;
  if (engine === "aurora-mysql") return AURORA_MYSQL_MAX_CONNECTIONS[instanceClass.split(".")[2]];
  return Math.min(Math.floor((memory * 1024 ** 3) / 9_531_392), 5000);
}

/** Connections that warn: 80 % of the default limit, or undefined when the limit is unknown. */
export function connectionsThreshold(engine: AuroraEngine, instanceClass: string, percent = 80): number | undefined {
  const max = defaultMaxConnections(engine, instanceClass);
  return max === undefined ? undefined : Math.floor((max * percent) / 100);
}
