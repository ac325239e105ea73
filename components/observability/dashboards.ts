/**
 * CloudWatch dashboard bodies, built from plain values (the component resolves its Outputs first).
 * A regional dashboard shows one region's golden signals, SLOs, saturation and database; the
 * global dashboard shows every region side by side. The global one is deployed before any region
 * exists, so it refers to regional alarms by their (predictable) ARNs and to Aurora members by
 * their identifiers, never to random ALB suffixes.
 */
import { ALB, albErrorShare, AUTOSCALING, EC2, insightsQuery, RDS, SYNTHETICS } from "./metrics";
import { alarmArn, alarmName, sloAlarmName } from "./names";
import type { MonitoringObjectives } from "./thresholds";

/** A dashboard widget as the DashboardBody JSON has it. */
export interface Widget {
  type: "metric" | "text" | "alarm";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}
export interface DashboardBody {
  start: string;
  periodOverride: "auto" | "inherit";
  widgets: Widget[];
}

type MetricLine = (string | Record<string, unknown>)[];

/** Lays widgets out left to right in rows of 24 columns. */
class Grid {
  readonly widgets: Widget[] = [];
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  add(width: number, height: number, type: Widget["type"], properties: Record<string, unknown>): void {
    if (this.x + width > 24) this.newRow();
    this.widgets.push({ type, x: this.x, y: this.y, width, height, properties });
    this.x += width;
    this.rowHeight = Math.max(this.rowHeight, height);
  }

  newRow(): void {
    if (this.x === 0) return;
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}

function metric(namespace: string, name: string, dimensions: Record<string, string>, options: Record<string, unknown> = {}): MetricLine {
  return [namespace, name, ...Object.entries(dimensions).flat(), ...(Object.keys(options).length ? [options] : [])];
}

/**
 * The cross-region lag of a member as a Metrics Insights query (any dimension set it is published
 * with: see the replication-lag alarm in alarms.ts). Ids must be unique within a widget.
 */
function globalLag(metricName: string, clusterIdentifier: string, id: string, options: Record<string, unknown>): MetricLine {
  return [{ expression: insightsQuery("MAX", { namespace: RDS.namespace, metricName, where: { [RDS.dimensions.cluster]: clusterIdentifier } }), id, period: 60, ...options }];
}

function graph(title: string, region: string, metrics: MetricLine[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title, region, view: "timeSeries", stacked: false, period: 60, metrics, ...extra };
}

export interface RegionalDashboardValues {
  region: string;
  prefix: string;
  loadBalancer: string;
  targetGroup: string;
  availabilityZones: string[];
  autoScalingGroupName: string;
  objectives: MonitoringObjectives;
  database?: { clusterIdentifier: string; globalLagMetric?: string; lagThresholdMs: number };
  canaryName?: string;
  /** ARNs of every alarm of the region (status grid). */
  alarmArns: string[];
  /** Where node memory and pending pods are (Prometheus), when it is there. */
  prometheusWorkspaceId?: string;
}

/** One region: golden signals, SLOs, saturation, database, synthetic probes, alarm states. */
export function regionalDashboardBody(v: RegionalDashboardValues): DashboardBody {
  const g = new Grid();
  const lb = { [ALB.dimensions.loadBalancer]: v.loadBalancer };
  const tg = { [ALB.dimensions.loadBalancer]: v.loadBalancer, [ALB.dimensions.targetGroup]: v.targetGroup };
  const o = v.objectives;

  g.add(24, 2, "text", { markdown: `## ${v.prefix}: golden signals, saturation, database\nWhere to look first: the alarm grid at the bottom, then 5xx rate and healthy targets. Node memory and pending pods are in Prometheus${v.prometheusWorkspaceId ? ` (workspace ${v.prometheusWorkspaceId}, Grafana)` : " (not deployed in this region)"}.` });
  g.add(6, 6, "metric", graph("Requests (per minute)", v.region, [metric(ALB.namespace, ALB.metrics.requestCount, lb, { stat: "Sum", label: "requests" })]));
  g.add(6, 6, "metric", graph("Error rate (%)", v.region, [
    metric(ALB.namespace, ALB.metrics.target5xx, lb, { stat: "Sum", id: "t5", visible: false }),
    metric(ALB.namespace, ALB.metrics.elb5xx, lb, { stat: "Sum", id: "e5", visible: false }),
    metric(ALB.namespace, ALB.metrics.target4xx, lb, { stat: "Sum", id: "t4", visible: false }),
    metric(ALB.namespace, ALB.metrics.elb4xx, lb, { stat: "Sum", id: "e4", visible: false }),
    metric(ALB.namespace, ALB.metrics.requestCount, lb, { stat: "Sum", id: "req", visible: false }),
    // As the error-rate alarm reads it (albErrorShare).
    [{ expression: albErrorShare({ target: "t5", elb: "e5", requests: "req" }), label: "5xx %", id: "r5" }],
    [{ expression: albErrorShare({ target: "t4", elb: "e4", requests: "req" }), label: "4xx %", id: "r4" }],
  ], { annotations: { horizontal: [{ value: 100 - o.availabilityPercent, label: `error budget (${o.availabilityPercent} % objective)` }] } }));
  g.add(6, 6, "metric", graph("Target response time (s)", v.region, [
    metric(ALB.namespace, ALB.metrics.targetResponseTime, tg, { stat: "p50", label: "p50" }),
    metric(ALB.namespace, ALB.metrics.targetResponseTime, tg, { stat: "p99", label: "p99" }),
  ], { annotations: { horizontal: [{ value: o.latencyThresholdMs / 1000, label: `latency objective (${o.latencyThresholdMs} ms)` }] } }));
  g.add(6, 6, "metric", graph("Healthy targets per AZ", v.region, v.availabilityZones.map((az) =>
    metric(ALB.namespace, ALB.metrics.healthyHostCount, { ...tg, [ALB.dimensions.availabilityZone]: az }, { stat: "Minimum", label: az }))));

  g.newRow();
  g.add(12, 6, "metric", graph(`Availability SLI (%), objective ${o.availabilityPercent} %`, v.region, [
    metric(ALB.namespace, ALB.metrics.target5xx, lb, { stat: "Sum", id: "t5", visible: false }),
    metric(ALB.namespace, ALB.metrics.elb5xx, lb, { stat: "Sum", id: "e5", visible: false }),
    metric(ALB.namespace, ALB.metrics.requestCount, lb, { stat: "Sum", id: "req", visible: false }),
    [{ expression: `100 - ${albErrorShare({ target: "t5", elb: "e5", requests: "req" })}`, label: "good requests %", id: "sli" }],
  ], { period: 300, annotations: { horizontal: [{ value: o.availabilityPercent, label: "objective" }] } }));
  g.add(12, 6, "metric", graph(`Latency SLI: requests within ${o.latencyThresholdMs} ms (%), objective ${o.latencyPercent} %`, v.region, [
    metric(ALB.namespace, ALB.metrics.targetResponseTime, tg, { stat: `PR(:${o.latencyThresholdMs / 1000})`, label: `within ${o.latencyThresholdMs} ms` }),
  ], { period: 300, annotations: { horizontal: [{ value: o.latencyPercent, label: "objective" }] } }));

  g.newRow();
  const asg = { [EC2.dimensions.autoScalingGroup]: v.autoScalingGroupName };
  g.add(8, 6, "metric", graph("Node CPU (%)", v.region, [
    metric(EC2.namespace, EC2.metrics.cpu, asg, { stat: "Average", label: "average" }),
    metric(EC2.namespace, EC2.metrics.cpu, asg, { stat: "Maximum", label: "busiest node" }),
  ], { annotations: { horizontal: [{ value: o.nodeCpuPercent, label: "alarm" }] } }));
  g.add(8, 6, "metric", graph("Nodes in service vs maximum", v.region, [
    metric(AUTOSCALING.namespace, AUTOSCALING.metrics.inService, asg, { stat: "Average", label: "in service" }),
    metric(AUTOSCALING.namespace, AUTOSCALING.metrics.desired, asg, { stat: "Average", label: "desired" }),
    metric(AUTOSCALING.namespace, AUTOSCALING.metrics.max, asg, { stat: "Average", label: "maximum" }),
  ]));
  if (v.canaryName) {
    const canary = { [SYNTHETICS.dimensions.canary]: v.canaryName };
    g.add(8, 6, "metric", graph("Synthetic probes", v.region, [
      metric(SYNTHETICS.namespace, SYNTHETICS.metrics.successPercent, canary, { stat: "Average", label: "success %" }),
      metric(SYNTHETICS.namespace, SYNTHETICS.metrics.duration, canary, { stat: "Average", label: "duration (ms)", yAxis: "right" }),
    ], { period: 300 }));
  }

  if (v.database) {
    g.newRow();
    const cluster = { [RDS.dimensions.cluster]: v.database.clusterIdentifier };
    g.add(8, 6, "metric", graph("Aurora CPU (%)", v.region, [
      metric(RDS.namespace, RDS.metrics.cpu, { ...cluster, [RDS.dimensions.role]: RDS.roles.writer }, { stat: "Average", label: "writer" }),
      metric(RDS.namespace, RDS.metrics.cpu, { ...cluster, [RDS.dimensions.role]: RDS.roles.reader }, { stat: "Average", label: "readers" }),
    ], { annotations: { horizontal: [{ value: o.dbCpuPercent, label: "alarm" }] } }));
    g.add(8, 6, "metric", graph("Aurora connections", v.region, [
      metric(RDS.namespace, RDS.metrics.connections, { ...cluster, [RDS.dimensions.role]: RDS.roles.writer }, { stat: "Maximum", label: "writer" }),
      metric(RDS.namespace, RDS.metrics.connections, { ...cluster, [RDS.dimensions.role]: RDS.roles.reader }, { stat: "Maximum", label: "busiest reader" }),
    ]));
    g.add(8, 6, "metric", graph("Replication lag (ms)", v.region, [
      metric(RDS.namespace, RDS.metrics.replicaLag, { ...cluster, [RDS.dimensions.role]: RDS.roles.reader }, { stat: "Maximum", label: "readers (in region)" }),
      globalLag(RDS.metrics.globalRpoLag, v.database.clusterIdentifier, "rpo", { label: "RPO lag (secondary only)" }),
      globalLag(RDS.metrics.globalReplicationLag, v.database.clusterIdentifier, "replication", { label: "global replication lag (secondary only)" }),
    ], { annotations: { horizontal: [{ value: v.database.lagThresholdMs, label: "alarm" }] } }));
  }

  g.newRow();
  g.add(24, 4, "alarm", { title: `Alarms of ${v.prefix}`, alarms: v.alarmArns.slice(0, 100), sortBy: "stateUpdatedTimestamp", states: [] });
  return { start: "-PT6H", periodOverride: "auto", widgets: g.widgets };
}

export interface GlobalRegionValues {
  region: string;
  prefix: string;
  primary: boolean;
  /** Aurora member of the region (deterministic identifier), when the region has one. */
  databaseClusterIdentifier?: string;
}

export interface GlobalDashboardValues {
  environment: string;
  partition: string;
  accountId: string;
  regions: GlobalRegionValues[];
  /** Where Route 53 metrics (and so the DNS alarms) live. */
  route53Region: string;
  arcEnabled: boolean;
  lagThresholdMs: number;
}

/**
 * Every region side by side: an alarm grid (region impaired, SLO burn, replication lag, out of
 * DNS rotation, routing control Off), then one row per signal with a column per region.
 */
export function globalDashboardBody(v: GlobalDashboardValues): DashboardBody {
  const g = new Grid();
  const arn = (region: string, name: string) => alarmArn(v.partition, region, v.accountId, name);
  const width = Math.max(4, Math.floor(24 / Math.max(1, v.regions.length)));

  g.add(24, 3, "text", {
    markdown: [
      `## ${v.environment}: every region side by side`,
      "Where to look first: a red **region-impaired** in one column is a regional problem (evacuate with the region's routing control); red everywhere is a shared dependency or a bad change (roll back).",
      "**out-of-rotation** means DNS no longer answers with that region; **replication-lag** bounds what a failover would lose.",
    ].join("\n"),
  });
  const statusArns = v.regions.flatMap((r) => [
    arn(r.region, alarmName(r.prefix, "region-impaired")),
    arn(r.region, sloAlarmName(r.prefix, "availability", "fast")),
    arn(r.region, sloAlarmName(r.prefix, "latency", "fast")),
    ...(r.databaseClusterIdentifier ? [arn(r.region, alarmName(r.prefix, "replication-lag"))] : []),
    arn(v.route53Region, alarmName(r.prefix, "out-of-rotation")),
    ...(v.arcEnabled ? [arn(v.route53Region, alarmName(r.prefix, "routing-control-off"))] : []),
  ]);
  g.add(24, 5, "alarm", { title: "Alarm states, all regions", alarms: statusArns.slice(0, 100), sortBy: "stateUpdatedTimestamp", states: [] });

  g.newRow();
  for (const r of v.regions) {
    g.add(width, 6, "metric", {
      title: `${r.region}${r.primary ? " (primary)" : ""}: requests`,
      region: r.region,
      view: "timeSeries",
      period: 60,
      // The global stack cannot know the ALB's random ARN suffix; a search expression finds the
      // region's load balancers by the name they share (`<environment>-<region>-alb...`).
      metrics: [[{ expression: `SEARCH('{${ALB.namespace},${ALB.dimensions.loadBalancer}} MetricName="${ALB.metrics.requestCount}" ${r.prefix}', 'Sum', 60)`, label: "requests", id: "req" }]],
    });
  }
  g.newRow();
  for (const r of v.regions) g.add(width, 6, "metric", { title: `${r.region}: 5xx error rate`, region: r.region, view: "timeSeries", annotations: { alarms: [arn(r.region, alarmName(r.prefix, "error-rate"))] } });
  g.newRow();
  for (const r of v.regions) g.add(width, 6, "metric", { title: `${r.region}: requests answered in time (%)`, region: r.region, view: "timeSeries", annotations: { alarms: [arn(r.region, alarmName(r.prefix, "latency-p99"))] } });
  g.newRow();
  const members = v.regions.filter((r) => r.databaseClusterIdentifier);
  if (members.length) {
    g.add(12, 6, "metric", graph("Aurora RPO lag (ms), per member (published by secondaries only)", v.regions[0].region, members.map((r, i) =>
      globalLag(RDS.metrics.globalRpoLag, r.databaseClusterIdentifier!, `rpo${i}`, { label: r.region, region: r.region })),
    { annotations: { horizontal: [{ value: v.lagThresholdMs, label: "alarm" }] } }));
    g.add(12, 6, "metric", graph("Aurora global replication lag (ms), per member", v.regions[0].region, members.map((r, i) =>
      globalLag(RDS.metrics.globalReplicationLag, r.databaseClusterIdentifier!, `replication${i}`, { label: r.region, region: r.region }))));
  }
  g.newRow();
  for (const r of v.regions) g.add(width, 5, "metric", { title: `${r.region}: in DNS rotation (1 = yes)`, region: v.route53Region, view: "timeSeries", annotations: { alarms: [arn(v.route53Region, alarmName(r.prefix, "out-of-rotation"))] } });
  if (v.arcEnabled) {
    g.newRow();
    for (const r of v.regions) g.add(width, 5, "metric", { title: `${r.region}: ARC routing control (1 = On)`, region: v.route53Region, view: "timeSeries", annotations: { alarms: [arn(v.route53Region, alarmName(r.prefix, "routing-control-off"))] } });
  }
  return { start: "-PT6H", periodOverride: "auto", widgets: g.widgets };
}
