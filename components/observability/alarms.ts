/**
 * What a region is alarmed on, as plain data: metric, dimensions, statistic, window, threshold
 * and who hears about it. `RegionalObservability` declares one CloudWatch alarm per spec; tests
 * and the docs read the same specs. Dimension values may be Outputs (ARN suffixes, names); the
 * rest is decided here from the objectives.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ALB, albErrorShare, AUTOSCALING, DYNAMODB, EC2, RDS, SNS, SYNTHETICS } from "./metrics";
import { alarmName, sloAlarmName, tableLagAlarmName, topicName, type RegionalAlarmKey, type SloSli } from "./names";
import { type AlarmWindow, type BurnRateAlarmPlan, burnRateAlarmPlans, checkAlarmWindow, checkMetricCount, errorRateThresholdPercent, latencyRankThresholdPercent, percentileRankStatistic, BURN_RATE_WINDOWS } from "./slo";
import { failoverGrowthFactor, type MonitoringObjectives } from "./thresholds";

export type Comparison = "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
export type MissingData = "missing" | "notBreaching" | "breaching" | "ignore";
/** What an alarm is about; the plan and the policy pack group alarms by it. */
export type Signal =
  | "error-rate" | "latency" | "availability-slo" | "latency-slo" | "healthy-targets"
  | "replication-lag" | "replica-lag" | "database" | "node-saturation" | "capacity" | "synthetic" | "region" | "delivery";
export type Dimensions = Record<string, pulumi.Input<string>>;

export interface MetricSpec {
  namespace: string;
  metricName: string;
  dimensions: Dimensions;
  /** A standard statistic (Sum, Average, Minimum, Maximum) ... */
  statistic?: string;
  /** ... or an extended one (p99, PR(:0.3)). */
  extendedStatistic?: string;
}

export interface QuerySpec {
  id: string;
  returnData: boolean;
  label?: string;
  expression?: string;
  /**
   * A Metrics Insights query of one series (metrics.ts insightsQuery), rendered once its
   * dimension values are known; with its own period, which CloudWatch requires of such a query.
   */
  insights?: { statistic: "MAX" | "MIN" | "AVG" | "SUM"; namespace: string; metricName: string; where: Record<string, pulumi.Input<string>>; period: number };
  metric?: MetricSpec & { stat: string; period: number };
}

export interface AlarmSpec {
  key: string;
  name: string;
  description: string;
  signal: Signal;
  /** `page`: wake someone; `ticket`: working hours; `none`: only through a composite alarm. */
  severity: "page" | "ticket" | "none";
  threshold: number;
  /** Unit of the threshold, for humans (the plan, the docs). */
  unit: "%" | "s" | "ms" | "count";
  comparison: Comparison;
  window: AlarmWindow;
  treatMissingData: MissingData;
  metric?: MetricSpec;
  queries?: QuerySpec[];
  /** `topic`: the alarm notifies the regional topic itself; `composite`: a composite alarm that watches it does. */
  routing: "topic" | "composite";
  /**
   * Percentile statistics over a handful of requests are noise: `ignore` keeps the alarm's state
   * through periods with too few samples to be significant (CloudWatch's own judgement).
   */
  lowSampleCountPercentiles?: "evaluate" | "ignore";
  /**
   * The synthetic probe whose metric the alarm reads (`canary`: the region's own; `watch`: its
   * watch of other regions). The alarm is created after it: one created before the probe runs
   * would judge a metric that does not exist yet.
   */
  probe?: "canary" | "watch";
}

export interface CompositeSpec {
  key: string;
  name: string;
  description: string;
  signal: Signal;
  /** `none`: notifies nobody (its children do); read by ARC practice runs, not people. */
  severity: "page" | "ticket" | "none";
  /** Names of the alarms the rule reads (created first: CloudWatch refuses a rule naming a missing alarm). */
  children: string[];
  rule: string;
}

export interface RegionalAlarmContext {
  /** `<environment>-<region>`: every name starts with it. */
  prefix: string;
  objectives: MonitoringObjectives;
  regionCount: number;
  /** ALB ARN suffix (`app/<name>/<id>`): the LoadBalancer dimension. */
  loadBalancer: pulumi.Input<string>;
  /** Target-group ARN suffix (`targetgroup/<name>/<id>`) of the reference service: the TargetGroup dimension. */
  targetGroup: pulumi.Input<string>;
  autoScalingGroupName: pulumi.Input<string>;
  database?: {
    clusterIdentifier: pulumi.Input<string>;
    /** The cross-region lag metric (thresholds.ts globalLagMetric); undefined for a cluster outside a global database. */
    globalLagMetric?: string;
    lagThresholdMs: number;
    /** Undefined when the engine's limit for the class is not known: no connections alarm then. */
    connectionsThreshold?: number;
  };
  /** The environment's DynamoDB global tables with a replica here: short name and physical name. */
  tables?: { name: string; tableName: pulumi.Input<string> }[];
  canary?: { name: string; intervalMinutes: number };
  /** The watch of other regions from this one (SyntheticProbe with watchedRegions). */
  watch?: { name: string; intervalMinutes: number; regions: string[] };
}

/**
 * In-region reader lag that warns. Aurora readers share the cluster volume and normally trail the
 * writer by tens of milliseconds; a second means readers serve visibly stale data (and usually
 * that a reader is overloaded).
 */
export const READER_LAG_THRESHOLD_MS = 1000;
/** Canary success that pages: one failed probe of two targets is 50 %, so anything below 90 % is a real failure. */
export const CANARY_SUCCESS_THRESHOLD_PERCENT = 90;

/**
 * How long a canary may report no run before a ticket says it stopped: 30 minutes, or three of
 * its runs when it runs less often. Longer than an update's gap: the provider stops the canary,
 * updates it and starts it again (terraform-provider-aws, resourceCanaryUpdate), so every change
 * of runtime, code or PROBE_TARGETS leaves a few minutes without runs.
 */
export function canarySilenceMinutes(intervalMinutes: number): number {
  return Math.max(30, 3 * intervalMinutes);
}

const lb = (ctx: RegionalAlarmContext): Dimensions => ({ [ALB.dimensions.loadBalancer]: ctx.loadBalancer });
const tg = (ctx: RegionalAlarmContext): Dimensions => ({ [ALB.dimensions.loadBalancer]: ctx.loadBalancer, [ALB.dimensions.targetGroup]: ctx.targetGroup });

/**
 * 5xx share of the requests the ALB answered, in percent. Load-balancer counts, so the 503s the
 * ALB itself returns when no target is healthy count as failures. RequestCount counts only the
 * requests for which the ALB chose a target (ELB User Guide, RequestCount), so those 503s are
 * added to the total: with every request refused that way the rate reads 100 %, not a division
 * by nothing. The port-80 listener's redirects never choose a target either, so they were never
 * in RequestCount and are not read: taking them out as well would overstate the rate, and a
 * minute with more redirects than HTTPS requests (a scan on port 80) would zero it. An ELB 5xx
 * after a target was chosen (502, 504) is in both counts: the rate then reads r ÷ (1 + e) for
 * an ELB 5xx share e, 0.99 % for 1 %, and 50 % for an outage of 504s, far over any threshold.
 * Counts are only reported when non-zero, hence FILL; no request at all gives no data point.
 */
export const ERROR_RATE_EXPRESSION = `IF(FILL(requests, 0) + FILL(elb5xx, 0) > 0, ${albErrorShare({ target: "target5xx", elb: "elb5xx", requests: "requests" })}, 0)`;

export function errorRateQueries(ctx: RegionalAlarmContext, period: number): QuerySpec[] {
  const metric = (id: string, metricName: string) => ({ id, returnData: false, metric: { namespace: ALB.namespace, metricName, dimensions: lb(ctx), stat: "Sum", period } });
  const queries: QuerySpec[] = [
    metric("target5xx", ALB.metrics.target5xx),
    metric("elb5xx", ALB.metrics.elb5xx),
    metric("requests", ALB.metrics.requestCount),
    { id: "errorrate", returnData: true, label: "5xx error rate (%)", expression: ERROR_RATE_EXPRESSION },
  ];
  checkMetricCount(queries.filter((q) => q.metric).length, "error-rate alarm");
  return queries;
}

function latencyRank(ctx: RegionalAlarmContext): MetricSpec {
  return { namespace: ALB.namespace, metricName: ALB.metrics.targetResponseTime, dimensions: tg(ctx), extendedStatistic: percentileRankStatistic(ctx.objectives.latencyThresholdMs) };
}

function sloAlarms(ctx: RegionalAlarmContext, sli: SloSli, plans: BurnRateAlarmPlan[]): { alarms: AlarmSpec[]; composites: CompositeSpec[] } {
  const o = ctx.objectives;
  const alarms: AlarmSpec[] = [];
  const composites: CompositeSpec[] = [];
  for (const plan of plans) {
    const w = plan.window;
    const parts = (["long", "short"] as const).map((part) => {
      const window = part === "long" ? plan.long : plan.short;
      const minutes = part === "long" ? w.longMinutes : w.shortMinutes;
      const name = sloAlarmName(ctx.prefix, sli, w.name, part);
      const common = { key: name.slice(ctx.prefix.length + 1), name, severity: "none" as const, threshold: plan.threshold, unit: "%" as const, window, routing: "composite" as const, treatMissingData: "notBreaching" as const };
      if (sli === "availability") {
        alarms.push({
          ...common,
          signal: "availability-slo",
          description: `Availability SLO ${o.availabilityPercent} %: 5xx rate ≥ ${plan.threshold} % over the last ${minutes} min burns the error budget ${w.burnRate}× (${part} window of the ${w.name} burn-rate alert).`,
          comparison: "GreaterThanOrEqualToThreshold",
          queries: errorRateQueries(ctx, window.period),
        });
      } else {
        alarms.push({
          ...common,
          signal: "latency-slo",
          description: `Latency SLO ${o.latencyPercent} % within ${o.latencyThresholdMs} ms: only ≤ ${plan.threshold} % of requests within it over the last ${minutes} min burns the budget ${w.burnRate}× (${part} window of the ${w.name} burn-rate alert).`,
          comparison: "LessThanOrEqualToThreshold",
          metric: latencyRank(ctx),
          lowSampleCountPercentiles: "ignore",
        });
      }
      return name;
    });
    const name = sloAlarmName(ctx.prefix, sli, w.name);
    composites.push({
      key: name.slice(ctx.prefix.length + 1),
      name,
      signal: sli === "availability" ? "availability-slo" : "latency-slo",
      severity: w.severity,
      children: parts,
      rule: parts.map((p) => `ALARM("${p}")`).join(" AND "),
      description: `${sli === "availability" ? "Availability" : "Latency"} SLO burning ${w.burnRate}× its error budget over ${w.longMinutes} min and still over the last ${w.shortMinutes} min: ${plan.budgetSpentPercent} % of the ${o.sloWindowDays}-day budget gone in ${w.longMinutes / 60} h.`,
    });
  }
  return { alarms, composites };
}

/**
 * A canary's alarm: SuccessPercent below the threshold in 2 of its last 3 runs. Runs that did not
 * happen are missing, not failures: a canary reports nothing before its first run (a region's
 * first deploy) and nothing while the provider stops and restarts it for an update, and a page
 * for either would be false. With no data the alarm is INSUFFICIENT_DATA, which the composite's
 * ALARM() rule does not count. A canary that stopped for good is the silence ticket's
 * (canarySilentAlarm).
 */
function canaryAlarm(canary: { name: string; intervalMinutes: number }, a: Pick<AlarmSpec, "key" | "name" | "severity" | "description" | "routing" | "probe">): AlarmSpec {
  return {
    ...a,
    signal: "synthetic",
    threshold: CANARY_SUCCESS_THRESHOLD_PERCENT,
    unit: "%",
    comparison: "LessThanThreshold",
    window: checkAlarmWindow({ period: canary.intervalMinutes * 60, evaluationPeriods: 3, datapointsToAlarm: 2 }),
    treatMissingData: "missing",
    metric: { namespace: SYNTHETICS.namespace, metricName: SYNTHETICS.metrics.successPercent, dimensions: { [SYNTHETICS.dimensions.canary]: canary.name }, statistic: "Average" },
  };
}

/**
 * A ticket when a canary reported no run for canarySilenceMinutes (SampleCount of its
 * SuccessPercent, one per run): the success alarm ignores silence, so a canary stopped by hand,
 * failing to start or deleted is noticed here. The count goes through FILL(…, 0), so an empty
 * window is a 0 that breaches at once: on the bare metric CloudWatch would judge the newest run
 * still inside its evaluation range (longer than one period) and ignore the missing windows, so
 * the ticket came one and a half to two hours after the canary stopped. Created after the
 * canary, yet on a region's first deploy it can open before the first run reports and close with it.
 */
function canarySilentAlarm(canary: { name: string; intervalMinutes: number }, a: Pick<AlarmSpec, "key" | "name" | "description" | "probe">): AlarmSpec {
  const period = canarySilenceMinutes(canary.intervalMinutes) * 60;
  return {
    ...a,
    signal: "synthetic",
    severity: "ticket",
    threshold: 1,
    unit: "count",
    comparison: "LessThanThreshold",
    window: checkAlarmWindow({ period, evaluationPeriods: 1, datapointsToAlarm: 1 }),
    // A canary never seen gives no data even through FILL: breaching too.
    treatMissingData: "breaching",
    queries: [
      { id: "runs", returnData: false, metric: { namespace: SYNTHETICS.namespace, metricName: SYNTHETICS.metrics.successPercent, dimensions: { [SYNTHETICS.dimensions.canary]: canary.name }, stat: "SampleCount", period } },
      { id: "reported", returnData: true, label: "canary runs reported (count)", expression: "FILL(runs, 0)" },
    ],
    routing: "topic",
  };
}

/**
 * A ticket when a page topic fails to deliver (NumberOfNotificationsFailed ≥ 1 in 5 minutes): a
 * pager that answers 5xx or nothing, a mailbox SNS gives up on. It goes to the ticket topic,
 * another channel than the one failing. For HTTPS every failed attempt counts, retries included,
 * so a pager blip opens a ticket while the retries may still deliver the page. A 4xx answer (a
 * revoked integration key) is not a failed attempt to SNS: only a test alert shows that one.
 * No notification is no data, not a failure.
 */
export function pageDeliveryAlarm(a: { name: string; topicName: pulumi.Input<string> }): AlarmSpec {
  return {
    key: "page-delivery-failed",
    name: a.name,
    signal: "delivery",
    severity: "ticket",
    description: "The page topic failed to deliver notifications in the last 5 minutes (each failed HTTPS attempt, retries included, or a message SNS gave up on): pages may not reach the pager. Check the pager service's status and its integration (the URL in platform:pageEndpoints); SNS retries an HTTPS endpoint for up to an hour before it drops a page.",
    threshold: 1,
    unit: "count",
    comparison: "GreaterThanOrEqualToThreshold",
    window: checkAlarmWindow({ period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }),
    treatMissingData: "notBreaching",
    metric: { namespace: SNS.namespace, metricName: SNS.metrics.notificationsFailed, dimensions: { [SNS.dimensions.topic]: a.topicName }, statistic: "Sum" },
    routing: "topic",
  };
}

/** Every alarm of one region, from its objectives and the resources it watches. */
export function regionalAlarmPlan(ctx: RegionalAlarmContext): { alarms: AlarmSpec[]; composites: CompositeSpec[] } {
  const o = ctx.objectives;
  const name = (key: RegionalAlarmKey) => alarmName(ctx.prefix, key);
  const minutes = (period: number, evaluationPeriods: number, datapointsToAlarm = evaluationPeriods): AlarmWindow =>
    checkAlarmWindow({ period, evaluationPeriods, datapointsToAlarm });
  const fastBurn = BURN_RATE_WINDOWS[0];
  const alarms: AlarmSpec[] = [];
  /**
   * A page on cross-region replication (what losing this region now would lose), on a Metrics
   * Insights MAX: the metric may come with more dimensions than the filter names (Aurora's with
   * SourceRegion, DynamoDB's one series per receiving region), which an alarm on a plain metric
   * would never match. Missing data is not breaching: no lag reported is nothing to lose.
   */
  const crossRegionLag = (a: Pick<AlarmSpec, "key" | "name" | "description" | "threshold"> & { label: string; insights: Omit<NonNullable<QuerySpec["insights"]>, "statistic" | "period"> }): AlarmSpec => ({
    key: a.key,
    name: a.name,
    signal: "replication-lag",
    severity: "page",
    description: a.description,
    threshold: a.threshold,
    unit: "ms",
    comparison: "GreaterThanOrEqualToThreshold",
    window: minutes(60, 3),
    treatMissingData: "notBreaching",
    queries: [{ id: "lag", returnData: true, label: a.label, insights: { statistic: "MAX", period: 60, ...a.insights } }],
    routing: "topic",
  });

  // --- golden signals: routed through the region-impaired composite ---
  alarms.push({
    key: "error-rate",
    name: name("error-rate"),
    signal: "error-rate",
    severity: "none",
    description: `5xx rate of the ALB ≥ ${errorRateThresholdPercent(o.availabilityPercent, fastBurn.burnRate)} % (the ${o.availabilityPercent} % objective burning ${fastBurn.burnRate}×) in 3 of the last 5 minutes.`,
    threshold: errorRateThresholdPercent(o.availabilityPercent, fastBurn.burnRate),
    unit: "%",
    comparison: "GreaterThanOrEqualToThreshold",
    window: minutes(60, 5, 3),
    treatMissingData: "notBreaching",
    queries: errorRateQueries(ctx, 60),
    routing: "composite",
  });
  // The latency leaf pages (through region-impaired) at the same bar as the error-rate leaf and the
  // latency SLO's fast burn: the share of requests answered within the objective's threshold
  // drops to 100 − 14.4 × budget (85.6 % for 99 %). "p99 above the threshold" would fire when just
  // over 1 % of requests are slow, a burn of 1×, which the objective allows all month; and
  // region-impaired is zonal autoshift's outcome alarm, so such pages also fail practice runs.
  // The key keeps its name: a renamed alarm is a new CloudWatch alarm, and runbooks, FIS stop
  // conditions and pager routing find this one by it.
  const latencyRankThreshold = latencyRankThresholdPercent(o.latencyPercent, fastBurn.burnRate);
  alarms.push({
    key: "latency-p99",
    name: name("latency-p99"),
    signal: "latency",
    severity: "none",
    description: `Only ≤ ${latencyRankThreshold} % of the reference service's requests answered within ${o.latencyThresholdMs} ms (the ${o.latencyPercent} % objective burning ${fastBurn.burnRate}×) in 3 of the last 5 minutes.`,
    threshold: latencyRankThreshold,
    unit: "%",
    comparison: "LessThanOrEqualToThreshold",
    window: minutes(60, 5, 3),
    treatMissingData: "notBreaching",
    metric: latencyRank(ctx),
    routing: "composite",
    lowSampleCountPercentiles: "ignore",
  });
  alarms.push({
    key: "no-healthy-targets",
    name: name("no-healthy-targets"),
    signal: "healthy-targets",
    severity: "none",
    description: "No healthy target in the reference service's target group for 2 minutes: the ALB answers 503 and Route 53 takes the region out of rotation.",
    threshold: 1,
    unit: "count",
    comparison: "LessThanThreshold",
    window: minutes(60, 2),
    // Reported whenever health checks are enabled: silence means the target group is gone.
    treatMissingData: "breaching",
    metric: { namespace: ALB.namespace, metricName: ALB.metrics.healthyHostCount, dimensions: tg(ctx), statistic: "Minimum" },
    routing: "composite",
  });
  if (ctx.canary) {
    alarms.push(canaryAlarm(ctx.canary, {
      key: "canary",
      name: name("canary"),
      severity: "none",
      description: `Synthetic probe ${ctx.canary.name} (public name and this region's ALB) succeeded in < ${CANARY_SUCCESS_THRESHOLD_PERCENT} % of runs in 2 of the last 3 runs. Runs that did not happen count for nothing (canary-silent tickets them).`,
      routing: "composite",
      probe: "canary",
    }));
    alarms.push(canarySilentAlarm(ctx.canary, {
      key: "canary-silent",
      name: name("canary-silent"),
      description: `Synthetic probe ${ctx.canary.name} reported no run for ${canarySilenceMinutes(ctx.canary.intervalMinutes)} minutes: it is stopped, failing to start or gone, and the canary alarm watches nothing. Check its state (aws synthetics get-canary --name ${ctx.canary.name}) and start it again.`,
      probe: "canary",
    }));
  }
  if (ctx.watch) {
    // Pages through this region's own topic, outside its region-impaired composite (the failure is
    // elsewhere): the watched region's own alarms, and the Route 53 ones in us-east-1, may be silent
    // when its region's CloudWatch or SNS is what failed.
    alarms.push(canaryAlarm(ctx.watch, {
      key: "watched-regions",
      name: name("watched-regions"),
      severity: "page",
      description: `Probe ${ctx.watch.name} from this region to ${ctx.watch.regions.join(", ")} (each region's own load balancer) succeeded in < ${CANARY_SUCCESS_THRESHOLD_PERCENT} % of runs in 2 of the last 3 runs: a region this one watches does not answer, whatever its own alarms say. Runs that did not happen count for nothing (watched-regions-silent tickets them).`,
      routing: "topic",
      probe: "watch",
    }));
    alarms.push(canarySilentAlarm(ctx.watch, {
      key: "watched-regions-silent",
      name: name("watched-regions-silent"),
      description: `Probe ${ctx.watch.name} reported no run for ${canarySilenceMinutes(ctx.watch.intervalMinutes)} minutes: nothing watches ${ctx.watch.regions.join(", ")} from this region. Check its state (aws synthetics get-canary --name ${ctx.watch.name}) and start it again.`,
      probe: "watch",
    }));
  }

  // --- database ---
  const db = ctx.database;
  if (db) {
    const cluster = { [RDS.dimensions.cluster]: db.clusterIdentifier };
    if (db.globalLagMetric) {
      alarms.push(crossRegionLag({
        key: "replication-lag",
        name: name("replication-lag"),
        description: `${db.globalLagMetric} ≥ ${db.lagThresholdMs} ms for 3 minutes: half of the ${o.rpoSeconds} s RPO${db.lagThresholdMs < o.rpoSeconds * 500 ? " (or of rds.global_db_rpo, where commits start blocking)" : ""}. AWS publishes it in secondary regions only; on the primary this alarm waits (OK) until a switchover makes this region a secondary.`,
        threshold: db.lagThresholdMs,
        // No lag published (a primary): nothing to lose, so not breaching (crossRegionLag).
        label: `${db.globalLagMetric} (ms)`,
        insights: { namespace: RDS.namespace, metricName: db.globalLagMetric, where: cluster },
      }));
    }
    alarms.push({
      key: "replica-lag",
      name: name("replica-lag"),
      signal: "replica-lag",
      severity: "ticket",
      description: `AuroraReplicaLag of the slowest reader ≥ ${READER_LAG_THRESHOLD_MS} ms for 5 minutes: readers serve stale data.`,
      threshold: READER_LAG_THRESHOLD_MS,
      unit: "ms",
      comparison: "GreaterThanOrEqualToThreshold",
      window: minutes(60, 5),
      treatMissingData: "notBreaching",
      metric: { namespace: RDS.namespace, metricName: RDS.metrics.replicaLag, dimensions: { ...cluster, [RDS.dimensions.role]: RDS.roles.reader }, statistic: "Maximum" },
      routing: "topic",
    });
    for (const [key, role] of [["db-writer-cpu", RDS.roles.writer], ["db-reader-cpu", RDS.roles.reader]] as const) {
      alarms.push({
        key,
        name: name(key),
        signal: "database",
        severity: "ticket",
        description: `Average CPU of the ${role.toLowerCase()} instance(s) ≥ ${o.dbCpuPercent} % for 15 minutes.${role === RDS.roles.writer ? " A secondary has no writer: there the alarm stays OK until it is promoted." : ""}`,
        threshold: o.dbCpuPercent,
        unit: "%",
        comparison: "GreaterThanOrEqualToThreshold",
        window: minutes(300, 3),
        treatMissingData: "notBreaching",
        metric: { namespace: RDS.namespace, metricName: RDS.metrics.cpu, dimensions: { ...cluster, [RDS.dimensions.role]: role }, statistic: "Average" },
        routing: "topic",
      });
    }
    if (db.connectionsThreshold !== undefined) {
      alarms.push({
        key: "db-connections",
        name: name("db-connections"),
        signal: "database",
        severity: "ticket",
        description: `Busiest instance holds ≥ ${db.connectionsThreshold} connections (80 % of the engine's default max_connections for the class) for 10 minutes.`,
        threshold: db.connectionsThreshold,
        unit: "count",
        comparison: "GreaterThanOrEqualToThreshold",
        window: minutes(300, 2),
        treatMissingData: "notBreaching",
        metric: { namespace: RDS.namespace, metricName: RDS.metrics.connections, dimensions: cluster, statistic: "Maximum" },
        routing: "topic",
      });
    }
  }

  // --- DynamoDB global tables: how far this region's writes are from reaching the others ---
  // CloudWatch ignores missing data of an AWS/DynamoDB metric alarm whatever TreatMissingData says
  // (PutMetricAlarm): the alarm keeps its state. ReplicationLatency comes only with writes, so a
  // fired alarm stays in ALARM until the next write replicates, and one that never saw a point
  // stays INSUFFICIENT_DATA. notBreaching all the same: this one is a Metrics Insights query,
  // for which AWS does not say that rule holds; if it does not, an evacuated region's fired
  // alarm (no more writes) closes instead of keeping its page open, and if it does, nothing differs.
  for (const table of ctx.tables ?? []) {
    const thresholdMs = o.rpoSeconds * 500;
    alarms.push(crossRegionLag({
      key: `table-${table.name}-replication-lag`,
      name: tableLagAlarmName(ctx.prefix, table.name),
      description: `ReplicationLatency of global table ${table.name} from this region to its slowest other replica ≥ ${thresholdMs} ms for 3 minutes: half of the ${o.rpoSeconds} s RPO; losing this region now loses the writes not yet replicated. DynamoDB publishes it only with writes, and CloudWatch may keep such an alarm's state while it has no data: once fired it can stay in ALARM until the next write from this region replicates in time. (Tables with strong multi-Region consistency replicate synchronously and publish none: the alarm stays INSUFFICIENT_DATA.)`,
      threshold: thresholdMs,
      label: `${DYNAMODB.metrics.replicationLatency} of ${table.name} (ms)`,
      insights: { namespace: DYNAMODB.namespace, metricName: DYNAMODB.metrics.replicationLatency, where: { [DYNAMODB.dimensions.table]: table.tableName } },
    }));
  }

  // --- saturation and capacity ---
  const asg = { [EC2.dimensions.autoScalingGroup]: ctx.autoScalingGroupName };
  alarms.push({
    key: "node-cpu",
    name: name("node-cpu"),
    signal: "node-saturation",
    severity: "ticket",
    description: `Average CPU of the node group ≥ ${o.nodeCpuPercent} % for 15 minutes: scaling is not keeping up (or the group is at its maximum).`,
    threshold: o.nodeCpuPercent,
    unit: "%",
    comparison: "GreaterThanOrEqualToThreshold",
    window: minutes(300, 3),
    treatMissingData: "notBreaching",
    metric: { namespace: EC2.namespace, metricName: EC2.metrics.cpu, dimensions: asg, statistic: "Average" },
    routing: "topic",
  });
  const factor = failoverGrowthFactor(ctx.regionCount);
  alarms.push({
    key: "capacity-headroom",
    name: name("capacity-headroom"),
    signal: "capacity",
    severity: "ticket",
    description: `Nodes in service × ${round2(factor)} (this region's growth when one of ${ctx.regionCount} regions is lost) ≥ 100 % of the group's maximum for 15 minutes: a regional failover now would run out of nodes here.`,
    threshold: 100,
    unit: "%",
    comparison: "GreaterThanOrEqualToThreshold",
    window: minutes(300, 3),
    treatMissingData: "missing",
    queries: [
      { id: "inservice", returnData: false, metric: { namespace: AUTOSCALING.namespace, metricName: AUTOSCALING.metrics.inService, dimensions: { [AUTOSCALING.dimensions.autoScalingGroup]: ctx.autoScalingGroupName }, stat: "Average", period: 300 } },
      { id: "maxsize", returnData: false, metric: { namespace: AUTOSCALING.namespace, metricName: AUTOSCALING.metrics.max, dimensions: { [AUTOSCALING.dimensions.autoScalingGroup]: ctx.autoScalingGroupName }, stat: "Average", period: 300 } },
      { id: "needed", returnData: true, label: "nodes needed after losing a region (% of max)", expression: `IF(maxsize > 0, 100 * inservice * ${round6(factor)} / maxsize, 0)` },
    ],
    routing: "topic",
  });

  // --- the page topic itself ---
  alarms.push(pageDeliveryAlarm({ name: name("page-delivery-failed"), topicName: topicName(ctx.prefix, "alarms") }));

  // --- SLO burn rates ---
  const availability = sloAlarms(ctx, "availability", burnRateAlarmPlans("availability", o.availabilityPercent, o.sloWindowDays));
  const latency = sloAlarms(ctx, "latency", burnRateAlarmPlans("latency", o.latencyPercent, o.sloWindowDays));
  alarms.push(...availability.alarms, ...latency.alarms);

  // --- the region as a whole ---
  const impaired = alarms.filter((a) => ["error-rate", "latency-p99", "no-healthy-targets", "canary"].includes(a.key)).map((a) => a.name);
  const composites: CompositeSpec[] = [
    ...availability.composites,
    ...latency.composites,
    {
      key: "region-impaired",
      name: name("region-impaired"),
      signal: "region",
      severity: "page",
      children: impaired,
      rule: impaired.map((n) => `ALARM("${n}")`).join(" OR "),
      description: "This region is impaired: 5xx errors, slow responses, no healthy target or failing synthetic probes. Use it as the stop condition of fault-injection experiments and as the region's health in runbooks.",
    },
  ];
  // ARC takes exactly one blocking alarm per practice-run configuration (ControlConditions: one
  // item), so the reasons not to lose an AZ on purpose are combined here. It notifies nobody:
  // its children page or ticket on their own.
  const unsafe = alarms.filter((a) => ["node-cpu", "capacity-headroom"].includes(a.key)).map((a) => a.name);
  if (unsafe.length > 0) {
    composites.push({
      key: "zonal-shift-unsafe",
      name: name("zonal-shift-unsafe"),
      signal: "capacity",
      severity: "none",
      children: unsafe,
      rule: unsafe.map((n) => `ALARM("${n}")`).join(" OR "),
      description: "Moving traffic away from one AZ now is unwise: nodes are saturated or the region lacks failover headroom. Blocks zonal autoshift practice runs; notifies nobody (its children do).",
    });
  }
  return { alarms, composites };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
