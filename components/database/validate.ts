/**
 * Argument checks and derived parameters of `RegionalDatabase`, kept apart from the resource
 * declarations so they read (and are tested) as plain rules. Every error names the argument
 * and the fix.
 */
import {
  type AuroraEngine,
  MAX_INSTANCES_PER_CLUSTER,
  assertAuroraEngine,
  assertGlobalDatabaseInstanceClass,
  globalWriteForwardingProblem,
  parameterGroupFamily,
  parseBackupWindow,
  parseMaintenanceWindow,
  planMajorUpgrade,
  windowsOverlap,
} from "../lib/aurora";
import type { RegionalDatabaseArgs } from "./regional-args";

export const DEFAULT_BACKUP_WINDOW = "03:00-04:00";
export const DEFAULT_MAINTENANCE_WINDOW = "sun:05:00-sun:06:00";
const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60];
/** Parameters set by `clusterParameters` by default; all dynamic, so applied immediately. */
export const DYNAMIC_DEFAULT_PARAMETERS = ["rds.force_ssl", "require_secure_transport", "server_audit_logging", "server_audit_events", "rds.global_db_rpo"];

export function validateRegionalDatabaseArgs(args: RegionalDatabaseArgs): void {
  const problems: string[] = [];
  const check = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      problems.push((err as Error).message);
    }
  };
  check(() => assertAuroraEngine(args.engine));
  check(() => parameterGroupFamily(args.engine, args.engineVersion));
  check(() => assertGlobalDatabaseInstanceClass(args.instanceClass));

  if (args.role !== "primary" && args.role !== "secondary") problems.push(`role "${String(args.role)}" must be "primary" or "secondary"`);
  const isPrimary = args.role === "primary";

  const count = args.instanceCount ?? 2;
  if (!Number.isInteger(count) || count < 1 || count > MAX_INSTANCES_PER_CLUSTER) {
    problems.push(`instanceCount ${count} must be an integer from 1 to ${MAX_INSTANCES_PER_CLUSTER}`);
  } else if (count < 2 && !args.allowSingleInstance) {
    problems.push("instanceCount 1 leaves no instance in another AZ; use 2 or more, or set allowSingleInstance: true (dev only)");
  }

  const retention = args.backupRetentionDays ?? 14;
  if (!Number.isInteger(retention) || retention < 7 || retention > 35) {
    problems.push(`backupRetentionDays ${retention} must be 7 to 35 days`);
  }
  const backup = args.preferredBackupWindow ?? DEFAULT_BACKUP_WINDOW;
  const maintenance = args.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;
  const before = problems.length;
  check(() => parseBackupWindow(backup));
  check(() => parseMaintenanceWindow(maintenance));
  if (problems.length === before && windowsOverlap(backup, maintenance)) {
    problems.push(`preferredBackupWindow "${backup}" overlaps preferredMaintenanceWindow "${maintenance}"; RDS refuses overlapping windows`);
  }
  (args.instanceMaintenanceWindows ?? []).forEach((window, i) => {
    const start = problems.length;
    check(() => parseMaintenanceWindow(window));
    if (problems.length === start && windowsOverlap(backup, window)) {
      problems.push(`instanceMaintenanceWindows[${i}] "${window}" overlaps preferredBackupWindow "${backup}"; RDS refuses overlapping windows`);
    }
  });

  if (isPrimary && !args.masterCredentials) {
    problems.push("a primary member needs masterCredentials (pass GlobalDatabase.masterCredentials)");
  }
  if (!isPrimary && args.masterCredentials) {
    problems.push("masterCredentials are for the primary only: a secondary takes its users and database from the global cluster, and creation fails with them");
  }
  // On the primary too: AWS keeps the setting there and applies it the moment a switchover or
  // failover demotes the cluster (EnableGlobalWriteForwarding), so the demoted region's readers
  // forward writes at once instead of after the next deploy.
  if (args.writeForwarding) {
    check(() => {
      const problem = globalWriteForwardingProblem(args.engine, args.engineVersion);
      if (problem) throw new Error(`writeForwarding: ${problem}`);
    });
  }
  if (isPrimary && args.dependsOnPrimary?.length) {
    problems.push("dependsOnPrimary is for secondaries");
  }

  if (args.upgradeTargetEngineVersion !== undefined) {
    check(() => {
      const upgrade = planMajorUpgrade(args.engine, args.engineVersion, args.upgradeTargetEngineVersion!);
      if (upgrade.pending && args.globalRpoSeconds !== undefined) {
        throw new Error(`globalRpoSeconds ${args.globalRpoSeconds} with upgradeTargetEngineVersion ${args.upgradeTargetEngineVersion}: a non-zero rds.global_db_rpo blocks major upgrades of a global database; leave globalRpoSeconds unset until the upgrade is done`);
      }
    });
  }

  if (args.globalRpoSeconds !== undefined) {
    if (args.engine !== "aurora-postgresql") problems.push("globalRpoSeconds (rds.global_db_rpo) exists for aurora-postgresql only");
    if (!Number.isInteger(args.globalRpoSeconds) || args.globalRpoSeconds < 20) {
      problems.push(`globalRpoSeconds ${args.globalRpoSeconds} must be a whole number of seconds, at least 20`);
    }
  }

  const interval = args.monitoringIntervalSeconds ?? 60;
  if (!MONITORING_INTERVALS.includes(interval)) {
    problems.push(`monitoringIntervalSeconds ${interval} must be one of ${MONITORING_INTERVALS.join(", ")}`);
  }
  const pi = args.performanceInsightsRetentionDays ?? 7;
  if (!(pi === 7 || (pi % 31 === 0 && pi >= 31 && pi <= 713) || pi === 731)) {
    problems.push(`performanceInsightsRetentionDays ${pi} must be 7, a multiple of 31 up to 713, or 731`);
  }

  check(() => assertTlsKept(args.engine, args.clusterParameters));

  if (args.clientSecurityGroupIds.length === 0) {
    problems.push("clientSecurityGroupIds is empty: nothing could reach the database; pass the node pool's security group");
  }
  if (args.subnetIds.length < 2) {
    problems.push("subnetIds needs the isolated subnets of at least two AZs (a DB subnet group requires two)");
  }

  if (args.readerAutoscaling && !isPrimary) {
    problems.push("readerAutoscaling is for the primary only: Aurora global databases do not support Auto Scaling on secondary clusters");
  } else if (args.readerAutoscaling) {
    const readers = isPrimary ? count - 1 : count;
    const limit = isPrimary ? MAX_INSTANCES_PER_CLUSTER - 1 : MAX_INSTANCES_PER_CLUSTER;
    const { maxCapacity, targetCpuPercent = 70 } = args.readerAutoscaling;
    if (!Number.isInteger(maxCapacity) || maxCapacity <= readers || maxCapacity > limit) {
      problems.push(`readerAutoscaling.maxCapacity ${maxCapacity} must be more than the ${readers} reader(s) created and at most ${limit}`);
    }
    if (!(targetCpuPercent > 0 && targetCpuPercent <= 100)) {
      problems.push(`readerAutoscaling.targetCpuPercent ${targetCpuPercent} must be between 0 and 100`);
    }
  }

  if (problems.length) {
    throw new Error(`RegionalDatabase (${args.role}): ${problems.join("; ")}`);
  }
}

/**
 * The parameter that makes an engine refuse connections without TLS, and the values that keep it
 * on. RDS takes `require_secure_transport` as ON/OFF or 1/0; `rds.force_ssl` as 1/0.
 */
const TLS_ONLY_PARAMETER: Record<AuroraEngine, { name: string; on: readonly string[] }> = {
  "aurora-postgresql": { name: "rds.force_ssl", on: ["1"] },
  "aurora-mysql": { name: "require_secure_transport", on: ["ON", "1"] },
};

/**
 * Refuses extra cluster parameters that would turn TLS-only connections off: they are merged over
 * the defaults, so `rds.force_ssl: "0"` would otherwise silently let clients (and the master
 * password) travel in clear text. Names are compared ignoring case, so another spelling cannot slip
 * past. Giving the TLS-on value is allowed.
 */
export function assertTlsKept(engine: AuroraEngine, extras: Record<string, string> | undefined): void {
  const tls = TLS_ONLY_PARAMETER[engine];
  if (!tls) return; // an unknown engine is reported by assertAuroraEngine
  for (const [name, value] of Object.entries(extras ?? {})) {
    if (name.toLowerCase() !== tls.name) continue;
    if (tls.on.includes(String(value).trim().toUpperCase())) continue;
    throw new Error(
      `clusterParameters["${name}"] "${value}" would allow connections without TLS, which this component refuses (TLS-only is always on for ${engine}); ` +
        `remove it from clusterParameters (the component sets ${tls.name} = ${tls.on[0]})`,
    );
  }
}

/**
 * Cluster parameters: TLS-only connections always, audit logging on aurora-mysql (the "audit"
 * log export is empty without it), `rds.global_db_rpo` when asked, then the caller's extras,
 * which may not turn TLS-only off (`assertTlsKept`).
 */
export function clusterParameters(args: Pick<RegionalDatabaseArgs, "engine" | "globalRpoSeconds" | "clusterParameters">): Record<string, string> {
  assertTlsKept(args.engine, args.clusterParameters);
  const parameters: Record<string, string> =
    args.engine === "aurora-postgresql"
      ? { "rds.force_ssl": "1" }
      : { require_secure_transport: "ON", server_audit_logging: "1", server_audit_events: "CONNECT,QUERY_DCL,QUERY_DDL" };
  if (args.globalRpoSeconds !== undefined) parameters["rds.global_db_rpo"] = String(args.globalRpoSeconds);
  return { ...parameters, ...args.clusterParameters };
}
