/**
 * The CloudWatch metrics the blueprint watches: namespaces, metric names and dimension names
 * exactly as AWS publishes them. An alarm on a misspelt metric or dimension is accepted by
 * PutMetricAlarm and then never receives a data point, so every name lives here once, with the
 * AWS page it was checked against; components, dashboards, the policy pack and the plan read
 * them from here.
 */

/**
 * Application Load Balancer metrics and dimensions
 * (ELB User Guide, "CloudWatch metrics for your Application Load Balancer"). `LoadBalancer` is the
 * ARN suffix `app/<name>/<id>`, `TargetGroup` the suffix `targetgroup/<name>/<id>`. Per-target
 * metrics (HealthyHostCount, TargetResponseTime, HTTPCode_Target_*) are published per
 * {LoadBalancer} and per {LoadBalancer, TargetGroup}, each also per AvailabilityZone.
 * Counts are reported only when non-zero; RequestCount is always reported.
 */
export const ALB = {
  namespace: "AWS/ApplicationELB",
  dimensions: { loadBalancer: "LoadBalancer", targetGroup: "TargetGroup", availabilityZone: "AvailabilityZone" },
  metrics: {
    requestCount: "RequestCount",
    target5xx: "HTTPCode_Target_5XX_Count",
    elb5xx: "HTTPCode_ELB_5XX_Count",
    target4xx: "HTTPCode_Target_4XX_Count",
    elb4xx: "HTTPCode_ELB_4XX_Count",
    /** Seconds; supports percentiles and percentile rank (PR). */
    targetResponseTime: "TargetResponseTime",
    healthyHostCount: "HealthyHostCount",
    unhealthyHostCount: "UnHealthyHostCount",
  },
} as const;

/**
 * Aurora metrics (Aurora User Guide, "Amazon CloudWatch metrics for Amazon Aurora" and
 * "Amazon CloudWatch dimensions for Aurora"). Instance metrics aggregate per {DBClusterIdentifier}
 * and per {DBClusterIdentifier, Role} with Role WRITER or READER. The global-database lag metrics
 * are cluster-level, in milliseconds, and "available only in secondary AWS Regions", reported
 * against the secondary cluster's own identifier; after a switchover they move with the role.
 */
export const RDS = {
  namespace: "AWS/RDS",
  dimensions: { cluster: "DBClusterIdentifier", role: "Role" },
  roles: { writer: "WRITER", reader: "READER" },
  metrics: {
    cpu: "CPUUtilization",
    connections: "DatabaseConnections",
    /** In-region: writer to reader instance, milliseconds. */
    replicaLag: "AuroraReplicaLag",
    /** Cross-region, milliseconds: how far the secondary is behind for user transactions (the RPO). */
    globalRpoLag: "AuroraGlobalDBRPOLag",
    /** Cross-region, milliseconds: the older, coarser lag metric (Aurora MySQL before 3.04 / 2.12). */
    globalReplicationLag: "AuroraGlobalDBReplicationLag",
  },
} as const;

/**
 * DynamoDB global-table metrics (DynamoDB Developer Guide, "Monitoring global tables"):
 * ReplicationLatency, milliseconds, published by each replica's region for every region it
 * replicates to, by {TableName, ReceivingRegion}.
 */
export const DYNAMODB = {
  namespace: "AWS/DynamoDB",
  dimensions: { table: "TableName", receivingRegion: "ReceivingRegion" },
  metrics: { replicationLatency: "ReplicationLatency" },
} as const;

/** EC2 instance metrics aggregated per Auto Scaling group (EC2 User Guide, "Instance metrics"). */
export const EC2 = {
  namespace: "AWS/EC2",
  dimensions: { autoScalingGroup: "AutoScalingGroupName" },
  metrics: { cpu: "CPUUtilization" },
} as const;

/** Auto Scaling group metrics, published when the group enables them (the node pool does, 1-minute). */
export const AUTOSCALING = {
  namespace: "AWS/AutoScaling",
  dimensions: { autoScalingGroup: "AutoScalingGroupName" },
  metrics: { inService: "GroupInServiceInstances", max: "GroupMaxSize", desired: "GroupDesiredCapacity" },
} as const;

/** CloudWatch Synthetics canary metrics (CloudWatch User Guide, "CloudWatch metrics published by canaries"). */
export const SYNTHETICS = {
  namespace: "CloudWatchSynthetics",
  dimensions: { canary: "CanaryName" },
  metrics: { successPercent: "SuccessPercent", duration: "Duration" },
} as const;

/**
 * SNS topic metrics (SNS Developer Guide, "Monitoring Amazon SNS topics using CloudWatch"), by
 * {TopicName}. NumberOfNotificationsFailed counts, for an HTTP/S subscriber, every failed attempt,
 * retries included; for e-mail, one per message SNS gave up on.
 */
export const SNS = {
  namespace: "AWS/SNS",
  dimensions: { topic: "TopicName" },
  metrics: { notificationsFailed: "NumberOfNotificationsFailed" },
} as const;

/** Route 53 health-check metrics, published only in us-east-1 (Route 53 Developer Guide, "Monitoring health checks using CloudWatch"). */
export const ROUTE53 = {
  namespace: "AWS/Route53",
  dimensions: { healthCheck: "HealthCheckId" },
  metrics: { status: "HealthCheckStatus" },
} as const;

/** Metrics whose alarms count as an error-rate alarm of a load balancer. */
export const ERROR_METRICS: readonly string[] = [ALB.metrics.target5xx, ALB.metrics.elb5xx];
/** Metrics whose alarms count as a latency alarm of a load balancer. */
export const LATENCY_METRICS: readonly string[] = [ALB.metrics.targetResponseTime];
/** Metrics whose alarms count as a cross-region replication-lag alarm of an Aurora global member. */
export const GLOBAL_LAG_METRICS: readonly string[] = [RDS.metrics.globalRpoLag, RDS.metrics.globalReplicationLag, "AuroraGlobalDBProgressLag"];

/** A metric a Metrics Insights query reads, with the dimension values its WHERE clause requires. */
export interface InsightsMetric {
  namespace: string;
  metricName: string;
  /** `dimension = 'value'` conditions of the WHERE clause (AND only). */
  where: Record<string, string>;
}

/**
 * A Metrics Insights query of one aggregated time series, `SELECT MAX(m) FROM "ns" WHERE d = 'v'`.
 * `FROM "<namespace>"` (no SCHEMA) matches the metric whatever other dimensions it is published
 * with, which a plain alarm metric cannot: an alarm on {DBClusterIdentifier} never sees points
 * published as {DBClusterIdentifier, SourceRegion}. CloudWatch alarms on such a query (one
 * series, no GROUP BY) like on a metric; the query's own `period` is required then.
 */
export function insightsQuery(statistic: "MAX" | "MIN" | "AVG" | "SUM", metric: InsightsMetric): string {
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  const conditions = Object.entries(metric.where).map(([dimension, value]) => `${dimension} = ${quote(value)}`);
  return `SELECT ${statistic}(${metric.metricName}) FROM "${metric.namespace}"${conditions.length ? ` WHERE ${conditions.join(" AND ")}` : ""}`;
}

/**
 * The metric of a query `insightsQuery` writes (and of the same simple form written by hand);
 * null for metric math or any other query, which then names no metric to the readers of alarms.
 */
export function parseInsightsQuery(expression: string): InsightsMetric | null {
  const m = /^\s*SELECT\s+(?:MAX|MIN|AVG|SUM|COUNT)\(\s*([A-Za-z0-9_.\-/:]+)\s*\)\s+FROM\s+(?:"([^"]+)"|SCHEMA\(\s*"([^"]+)"[^)]*\))\s*(?:WHERE\s+(.+?))?\s*$/is.exec(expression);
  if (!m) return null;
  const where: Record<string, string> = {};
  if (m[4]) {
    for (const condition of m[4].split(/\s+AND\s+/i)) {
      const c = /^\s*"?([A-Za-z0-9_.\-:]+)"?\s*=\s*'((?:[^']|'')*)'\s*$/.exec(condition);
      if (!c) return null; // OR, LIKE, !=: not a plain dimension filter
      where[c[1]] = c[2].replace(/''/g, "'");
    }
  }
  return { namespace: m[2] ?? m[3], metricName: m[1], where };
}

/**
 * An ALB error share in metric math, 100 × (targets' + the ALB's own errors) ÷ (requests + the
 * ALB's own errors), over the ids of those series: RequestCount counts only requests the ALB chose
 * a target for, so what it answered itself without one is added to the total. Counts are reported
 * only when non-zero, hence FILL. The error-rate alarm and the dashboard's graphs read it alike.
 */
export function albErrorShare(ids: { target: string; elb: string; requests: string }): string {
  return `100 * (FILL(${ids.target}, 0) + FILL(${ids.elb}, 0)) / (FILL(${ids.requests}, 0) + FILL(${ids.elb}, 0))`;
}
