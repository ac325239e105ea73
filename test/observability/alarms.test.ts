/**
 * The alarms of a region as plain data. Metric, namespace and dimension names are written out
 * here literally, as AWS documents them, rather than read from the catalogue the code uses: a
 * typo in the catalogue (an alarm that would never fire) must fail these tests.
 */
import { describe, expect, it } from "vitest";
import { type AlarmSpec, regionalAlarmPlan, type RegionalAlarmContext } from "../../components/observability/alarms";
import { DEFAULT_OBJECTIVES } from "../../components/observability/thresholds";
import { burnRateAlarmPlans, errorRateThresholdPercent } from "../../components/observability/slo";
import { insightsQuery, parseInsightsQuery } from "../../components/observability/metrics";

const LB = "app/prod-us-west-2-alb-1a2b3c4/50dc6c495c0c9188";
const TG = "targetgroup/prod-us-west-2-tg-9f8e7d6/73e2d6bc24d8a067";
const ASG = "prod-us-west-2-asg-77f0a1b";
const CLUSTER = "prod-us-west-2";

const context: RegionalAlarmContext = {
  prefix: "prod-us-west-2",
  objectives: DEFAULT_OBJECTIVES,
  regionCount: 3,
  loadBalancer: LB,
  targetGroup: TG,
  autoScalingGroupName: ASG,
  database: { clusterIdentifier: CLUSTER, globalLagMetric: "AuroraGlobalDBRPOLag", lagThresholdMs: 30_000, connectionsThreshold: 1441 },
  canary: { name: "prod-us-west-2", intervalMinutes: 5 },
};
const plan = regionalAlarmPlan(context);
const alarm = (key: string): AlarmSpec => {
  const found = plan.alarms.find((a) => a.key === key);
  if (!found) throw new Error(`no alarm ${key}: ${plan.alarms.map((a) => a.key).join(", ")}`);
  return found;
};
const metricsOf = (a: AlarmSpec) => (a.queries ?? []).filter((q) => q.metric).map((q) => ({ ...q.metric!, id: q.id }));

/**
 * CloudWatch metric math at one timestamp, as far as the error rate uses it (IF, FILL, + − × ÷, >):
 * an unreported count is undefined; no result (undefined) when no series reported anything, or
 * when an unfilled count is missing. Only ids the expression names are read: a count it does not
 * name (redirects) changes nothing.
 */
function evaluateMetricMath(expression: string, counts: Record<string, number | undefined>): number | undefined {
  if (Object.values(counts).every((v) => v === undefined)) return undefined;
  const ids = [...new Set(expression.match(/\b[a-z][a-z0-9]*\b/g) ?? [])];
  const js = expression.replace(/\bIF\(/g, "iff(").replace(/\bFILL\(/g, "fill(");
  const iff = (condition: boolean, then: number, otherwise: number) => (condition ? then : otherwise);
  const fill = (value: number | undefined, filler: number) => value ?? filler;
  const result = new Function("iff", "fill", ...ids, `return ${js};`)(iff, fill, ...ids.map((id) => counts[id])) as number;
  // CloudWatch gives no data point for a division by zero; here it would hide a missing guard.
  if (!Number.isFinite(result)) throw new Error(`${expression} is ${result} for ${JSON.stringify(counts)}`);
  return result;
}

describe("golden-signal alarms", () => {
  it("computes the 5xx rate from load-balancer counts of AWS/ApplicationELB, over the requests with a target plus those the ALB refused itself", () => {
    const a = alarm("error-rate");
    expect(a.name).toBe("prod-us-west-2-error-rate");
    // No HTTP_Redirect_Count: a redirect never chooses a target, so it was never in RequestCount.
    expect(metricsOf(a).map((m) => [m.id, m.namespace, m.metricName, m.dimensions, m.stat])).toEqual([
      ["target5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", { LoadBalancer: LB }, "Sum"],
      ["elb5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", { LoadBalancer: LB }, "Sum"],
      ["requests", "AWS/ApplicationELB", "RequestCount", { LoadBalancer: LB }, "Sum"],
    ]);
    const [expression] = (a.queries ?? []).filter((q) => q.returnData);
    expect(expression.expression).toBe("IF(FILL(requests, 0) + FILL(elb5xx, 0) > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)");
    expect([a.threshold, a.comparison, a.window]).toEqual([1.44, "GreaterThanOrEqualToThreshold", { period: 60, evaluationPeriods: 5, datapointsToAlarm: 3 }]);
    // The availability SLO's windows read the same rate.
    for (const slo of plan.alarms.filter((x) => x.signal === "availability-slo")) expect(slo.queries!.find((q) => q.returnData)!.expression).toBe(expression.expression);
  });

  it("reads the error rate right with plain counts of one minute: a redirect flood does not zero it, every request refused by the ALB reads 100 %", () => {
    const rate = (counts: Record<string, number | undefined>) => evaluateMetricMath(alarm("error-rate").queries!.find((q) => q.returnData)!.expression!, counts);
    expect(rate({ requests: 10_000, target5xx: 50 })).toBe(0.5);
    // A port-80 scan: 40 000 redirects that minute are no input of the alarm, which still sees 0.5 %
    // (taking them out of RequestCount gave 10 000 − 40 000 < 0, a rate of 0, while the errors went on).
    expect(rate({ requests: 10_000, target5xx: 50, redirects: 40_000 })).toBe(0.5);
    // No healthy target: the ALB answers 503 without choosing one, and RequestCount has nothing (or 0).
    expect(rate({ elb5xx: 1_200 })).toBe(100);
    expect(rate({ requests: 0, elb5xx: 1_200 })).toBe(100);
    expect(rate({ requests: 990, target5xx: 10, elb5xx: 10 })).toBe(2);
    // Zero requests reported: 0 %, not a division by zero (the IF guards it).
    expect(rate({ requests: 0 })).toBe(0);
    expect(rate({ requests: 0, target5xx: 0, elb5xx: 0 })).toBe(0);
    // No request at all: no count reported, so no data point; missing data is not breaching.
    expect(alarm("error-rate").treatMissingData).toBe("notBreaching");
  });

  it("alarms on the share of the reference service's requests within the latency threshold, at the objective's fast burn", () => {
    const a = alarm("latency-p99");
    expect(a.metric).toEqual({ namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: { LoadBalancer: LB, TargetGroup: TG }, extendedStatistic: "PR(:0.3)" });
    // 99 % within 300 ms burning 14.4×: at most 100 − 14.4 × 1 = 85.6 % of requests in time.
    expect([a.threshold, a.unit, a.comparison, a.window]).toEqual([85.6, "%", "LessThanOrEqualToThreshold", { period: 60, evaluationPeriods: 5, datapointsToAlarm: 3 }]);
    // A percentile rank of three requests says nothing: such periods keep the alarm's state.
    expect(a.lowSampleCountPercentiles).toBe("ignore");
  });

  it("pages (through region-impaired) at the latency SLO's page bar, the error-rate leaf's burn rate, not at 1×", () => {
    const [fast] = burnRateAlarmPlans("latency", context.objectives.latencyPercent, context.objectives.sloWindowDays);
    const leaf = alarm("latency-p99");
    expect(fast.window.name).toBe("fast");
    expect(leaf.threshold).toBe(fast.threshold);
    // Not p99 > 300 ms, which a 1× burn (just over 1 % slow) already crosses.
    expect(leaf.metric?.extendedStatistic).not.toBe("p99");
    // The same burn rate as the error-rate leaf: 1.44 % 5xx is 14.4 × the 0.1 % budget.
    expect(alarm("error-rate").threshold).toBe(errorRateThresholdPercent(context.objectives.availabilityPercent, fast.window.burnRate));
  });

  it("treats a target group without healthy hosts, or without data, as down", () => {
    const a = alarm("no-healthy-targets");
    expect(a.metric).toEqual({ namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount", dimensions: { LoadBalancer: LB, TargetGroup: TG }, statistic: "Minimum" });
    expect([a.threshold, a.comparison, a.treatMissingData]).toEqual([1, "LessThanThreshold", "breaching"]);
  });

  it("alarms on the canary's SuccessPercent over its own run interval, runs that did not happen counting as missing", () => {
    const a = alarm("canary");
    expect(a.metric).toEqual({ namespace: "CloudWatchSynthetics", metricName: "SuccessPercent", dimensions: { CanaryName: "prod-us-west-2" }, statistic: "Average" });
    expect(a.window).toEqual({ period: 300, evaluationPeriods: 3, datapointsToAlarm: 2 });
    // Created after the canary it reads.
    expect([a.treatMissingData, a.probe]).toEqual(["missing", "canary"]);
  });

  it("pages this region's topic when a watched region does not answer, outside its own region-impaired composite", () => {
    const watched = regionalAlarmPlan({ ...context, watch: { name: "prod-watch-us-west-2", intervalMinutes: 1, regions: ["us-east-1"] } });
    const a = watched.alarms.find((x) => x.key === "watched-regions")!;
    expect(a).toMatchObject({ name: "prod-us-west-2-watched-regions", severity: "page", routing: "topic", treatMissingData: "missing", probe: "watch" });
    expect(a.metric).toEqual({ namespace: "CloudWatchSynthetics", metricName: "SuccessPercent", dimensions: { CanaryName: "prod-watch-us-west-2" }, statistic: "Average" });
    expect(a.description).toMatch(/to us-east-1/);
    const impaired = watched.composites.find((c) => c.key === "region-impaired")!;
    expect(impaired.children).not.toContain("prod-us-west-2-watched-regions");
    expect(plan.alarms.find((x) => x.key === "watched-regions")).toBeUndefined();
  });
});

/**
 * CloudWatch's evaluation of the last N periods as its documentation describes it, simplified:
 * `undefined` is a period without data. breaching / notBreaching count it as such; missing
 * judges only the periods with data and is INSUFFICIENT_DATA when none has any; ignore keeps the
 * state (a new alarm's is INSUFFICIENT_DATA).
 */
type State = "ALARM" | "OK" | "INSUFFICIENT_DATA";
function alarmState(a: AlarmSpec, periods: (number | undefined)[], current: State = "INSUFFICIENT_DATA"): State {
  const last = periods.slice(-a.window.evaluationPeriods);
  const crosses = (v: number) => ({ GreaterThanOrEqualToThreshold: v >= a.threshold, GreaterThanThreshold: v > a.threshold, LessThanThreshold: v < a.threshold, LessThanOrEqualToThreshold: v <= a.threshold })[a.comparison];
  const present = last.filter((v): v is number => v !== undefined);
  if (present.length === 0 && (a.treatMissingData === "missing" || a.treatMissingData === "ignore")) return current;
  const missingBreaches = a.treatMissingData === "breaching" ? last.length - present.length : 0;
  return present.filter(crosses).length + missingBreaches >= a.window.datapointsToAlarm ? "ALARM" : "OK";
}
/** A composite rule of ALARM("...") joined by OR or AND: ALARM() is true in ALARM only. */
function ruleFires(rule: string, states: Record<string, State>): boolean {
  const terms = [...rule.matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => states[m[1]] === "ALARM");
  return rule.includes(" AND ") ? terms.every(Boolean) : terms.some(Boolean);
}

describe("synthetic probes without runs", () => {
  const watchedPlan = regionalAlarmPlan({ ...context, watch: { name: "prod-watch-us-west-2", intervalMinutes: 1, regions: ["us-east-1"] } });
  const of = (key: string) => watchedPlan.alarms.find((a) => a.key === key)!;

  it("do not page on a region's first deploy: no run yet is INSUFFICIENT_DATA, which region-impaired does not count", () => {
    const firstMinutes = Object.fromEntries(watchedPlan.alarms.map((a) => [a.name, alarmState(a, [undefined, undefined, undefined, undefined, undefined])]));
    expect(firstMinutes["prod-us-west-2-canary"]).toBe("INSUFFICIENT_DATA");
    expect(firstMinutes["prod-us-west-2-watched-regions"]).toBe("INSUFFICIENT_DATA");
    const impaired = watchedPlan.composites.find((c) => c.key === "region-impaired")!;
    // The golden signals without traffic are OK (not breaching); no-healthy-targets waits for the service.
    expect(ruleFires(impaired.rule, { ...firstMinutes, "prod-us-west-2-no-healthy-targets": "OK" })).toBe(false);
  });

  it("do not page while an update stops and restarts the canary, and still page on failing runs", () => {
    const canary = of("canary");
    // Two runs missed in the middle of an update: judged on the run that happened.
    expect(alarmState(canary, [100, undefined, undefined], "OK")).toBe("OK");
    expect(alarmState(canary, [100, 50, 0])).toBe("ALARM");
    expect(alarmState(canary, [0, undefined, 0])).toBe("ALARM");
  });

  it("ticket a canary that reported no run for 30 minutes (three runs when it runs less often), on the ticket topic", () => {
    for (const [key, canaryName] of [["canary-silent", "prod-us-west-2"], ["watched-regions-silent", "prod-watch-us-west-2"]] as const) {
      const a = of(key);
      expect(a).toMatchObject({ name: `prod-us-west-2-${key}`, severity: "ticket", routing: "topic", signal: "synthetic", treatMissingData: "breaching", threshold: 1, comparison: "LessThanThreshold", probe: key === "canary-silent" ? "canary" : "watch" });
      expect(a.metric).toBeUndefined();
      expect(a.queries).toEqual([
        { id: "runs", returnData: false, metric: { namespace: "CloudWatchSynthetics", metricName: "SuccessPercent", dimensions: { CanaryName: canaryName }, stat: "SampleCount", period: a.window.period } },
        { id: "reported", returnData: true, label: "canary runs reported (count)", expression: "FILL(runs, 0)" },
      ]);
      expect(alarmState(a, [undefined])).toBe("ALARM");
      expect(alarmState(a, [1])).toBe("OK");
    }
    // context's canary runs every 5 minutes: 30 minutes is six runs; a canary of every 60 minutes gets 3 hours.
    expect(alarm("canary-silent").window).toEqual({ period: 1800, evaluationPeriods: 1, datapointsToAlarm: 1 });
    expect(regionalAlarmPlan({ ...context, canary: { name: "c", intervalMinutes: 60 } }).alarms.find((a) => a.key === "canary-silent")!.window.period).toBe(10_800);
    expect(watchedPlan.composites.flatMap((c) => c.children)).not.toContain("prod-us-west-2-canary-silent");
  });
});

describe("database alarms", () => {
  it("pages on AuroraGlobalDBRPOLag of this member, by DBClusterIdentifier, at half the RPO", () => {
    const a = alarm("replication-lag");
    // A query, not a metric: AWS may publish the lag with SourceRegion as well, which an alarm on
    // {DBClusterIdentifier} alone would never match.
    expect(a.metric).toBeUndefined();
    expect(a.queries).toEqual([{ id: "lag", returnData: true, label: "AuroraGlobalDBRPOLag (ms)", insights: { statistic: "MAX", namespace: "AWS/RDS", metricName: "AuroraGlobalDBRPOLag", where: { DBClusterIdentifier: CLUSTER }, period: 60 } }]);
    expect([a.threshold, a.unit, a.severity, a.routing]).toEqual([30_000, "ms", "page", "topic"]);
    // Published only by secondaries: on the primary the alarm must stay quiet, not alarm.
    expect(a.treatMissingData).toBe("notBreaching");
  });

  it("reads writer and reader CPU, reader lag by DBClusterIdentifier and Role", () => {
    expect(alarm("db-writer-cpu").metric).toEqual({ namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: { DBClusterIdentifier: CLUSTER, Role: "WRITER" }, statistic: "Average" });
    expect(alarm("db-reader-cpu").metric!.dimensions).toEqual({ DBClusterIdentifier: CLUSTER, Role: "READER" });
    expect(alarm("replica-lag").metric).toEqual({ namespace: "AWS/RDS", metricName: "AuroraReplicaLag", dimensions: { DBClusterIdentifier: CLUSTER, Role: "READER" }, statistic: "Maximum" });
    expect(alarm("db-connections").metric).toEqual({ namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions: { DBClusterIdentifier: CLUSTER }, statistic: "Maximum" });
    expect(alarm("db-writer-cpu").threshold).toBe(80);
  });

  it("has no cross-region lag alarm for a cluster outside a global database, and no database alarms without a database", () => {
    const standalone = regionalAlarmPlan({ ...context, database: { ...context.database!, globalLagMetric: undefined } });
    expect(standalone.alarms.map((a) => a.key)).not.toContain("replication-lag");
    const none = regionalAlarmPlan({ ...context, database: undefined });
    expect(none.alarms.filter((a) => a.metric?.namespace === "AWS/RDS")).toEqual([]);
  });
});

describe("saturation and capacity", () => {
  it("watches node CPU per Auto Scaling group in AWS/EC2", () => {
    expect(alarm("node-cpu").metric).toEqual({ namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: { AutoScalingGroupName: ASG }, statistic: "Average" });
  });

  it("compares nodes in service, grown by R/(R−1), with the group's maximum", () => {
    const a = alarm("capacity-headroom");
    expect(metricsOf(a).map((m) => [m.namespace, m.metricName, m.dimensions])).toEqual([
      ["AWS/AutoScaling", "GroupInServiceInstances", { AutoScalingGroupName: ASG }],
      ["AWS/AutoScaling", "GroupMaxSize", { AutoScalingGroupName: ASG }],
    ]);
    expect(a.queries!.find((q) => q.returnData)!.expression).toBe("IF(maxsize > 0, 100 * inservice * 1.5 / maxsize, 0)");
    expect([a.threshold, a.comparison]).toEqual([100, "GreaterThanOrEqualToThreshold"]);
    const twoRegions = regionalAlarmPlan({ ...context, regionCount: 2 }).alarms.find((x) => x.key === "capacity-headroom")!;
    expect(twoRegions.queries!.find((q) => q.returnData)!.expression).toContain("* 2 /");
  });
});

describe("SLO burn-rate alarms", () => {
  it("pairs a long and a short window per burn rate, each one alarm period long, joined by a composite", () => {
    const composites = plan.composites.filter((c) => c.key.startsWith("slo-"));
    expect(composites.map((c) => [c.name, c.severity])).toEqual([
      ["prod-us-west-2-slo-availability-fast", "page"],
      ["prod-us-west-2-slo-availability-slow", "page"],
      ["prod-us-west-2-slo-availability-ticket", "ticket"],
      ["prod-us-west-2-slo-latency-fast", "page"],
      ["prod-us-west-2-slo-latency-slow", "page"],
      ["prod-us-west-2-slo-latency-ticket", "ticket"],
    ]);
    expect(composites[0].rule).toBe('ALARM("prod-us-west-2-slo-availability-fast-long") AND ALARM("prod-us-west-2-slo-availability-fast-short")');
    const windows = plan.alarms.filter((a) => a.signal === "availability-slo").map((a) => [a.key, a.window.period, a.threshold]);
    expect(windows).toEqual([
      ["slo-availability-fast-long", 3600, 1.44], ["slo-availability-fast-short", 300, 1.44],
      ["slo-availability-slow-long", 21_600, 0.6], ["slo-availability-slow-short", 1800, 0.6],
      ["slo-availability-ticket-long", 86_400, 0.3], ["slo-availability-ticket-short", 7200, 0.3],
    ]);
    for (const a of plan.alarms.filter((x) => x.signal === "availability-slo")) for (const q of a.queries!.filter((x) => x.metric)) expect(q.metric!.period).toBe(a.window.period);
  });

  it("measures latency as the percentile rank of TargetResponseTime within the objective's threshold", () => {
    const fastLong = alarm("slo-latency-fast-long");
    expect(fastLong.metric).toEqual({ namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: { LoadBalancer: LB, TargetGroup: TG }, extendedStatistic: "PR(:0.3)" });
    expect([fastLong.threshold, fastLong.comparison]).toEqual([85.6, "LessThanOrEqualToThreshold"]);
  });
});

describe("the plan as a whole", () => {
  it("gives every alarm a unique name under the region's prefix", () => {
    const names = [...plan.alarms, ...plan.composites].map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name.startsWith("prod-us-west-2-") && name.length <= 255).toBe(true);
  });

  it("routes every alarm: to the topic itself, or through a composite that names it", () => {
    const watched = new Set(plan.composites.flatMap((c) => c.children));
    for (const a of plan.alarms) {
      if (a.routing === "composite") expect(watched.has(a.name), a.name).toBe(true);
      else expect(a.routing).toBe("topic");
    }
    for (const c of plan.composites) for (const child of c.children) expect(c.rule).toContain(`ALARM("${child}")`);
  });

  it("calls the region impaired on errors, slowness, no healthy targets or failing probes", () => {
    const impaired = plan.composites.find((c) => c.key === "region-impaired")!;
    expect(impaired.name).toBe("prod-us-west-2-region-impaired");
    expect(impaired.children).toEqual(["error-rate", "latency-p99", "no-healthy-targets", "canary"].map((k) => `prod-us-west-2-${k}`));
    expect(impaired.rule.split(" OR ")).toHaveLength(4);
  });

  it("keeps every alarm within CloudWatch's window and metric limits", () => {
    for (const a of plan.alarms) {
      expect(a.window.period * a.window.evaluationPeriods, a.name).toBeLessThanOrEqual(86_400);
      expect((a.queries ?? []).filter((q) => q.metric).length).toBeLessThanOrEqual(10);
      expect((a.queries ?? []).filter((q) => q.returnData).length).toBe(a.queries ? 1 : 0);
      expect(Boolean(a.metric) !== Boolean(a.queries)).toBe(true);
    }
  });
});

describe("DynamoDB global tables", () => {
  it("page when a table's writes from this region reach its slowest other replica later than half the RPO (MAX over the receiving regions)", () => {
    const withTables = regionalAlarmPlan({ ...context, tables: [{ name: "orders", tableName: "prod-orders" }, { name: "sessions", tableName: "prod-sessions" }] });
    const lag = withTables.alarms.filter((a) => a.name.startsWith("prod-us-west-2-table-"));
    expect(lag.map((a) => a.name)).toEqual(["prod-us-west-2-table-orders-replication-lag", "prod-us-west-2-table-sessions-replication-lag"]);
    // CloudWatch may ignore missing AWS/DynamoDB data whatever the alarm says (PutMetricAlarm): said so;
    // notBreaching, which closes an evacuated region's fired alarm if the rule does not hold for a query.
    expect([lag[0].threshold, lag[0].unit, lag[0].severity, lag[0].routing, lag[0].treatMissingData]).toEqual([30_000, "ms", "page", "topic", "notBreaching"]);
    expect(lag[0].description).toMatch(/can stay in ALARM until the next write/);
    expect(lag[0].queries![0].insights).toEqual({ statistic: "MAX", namespace: "AWS/DynamoDB", metricName: "ReplicationLatency", where: { TableName: "prod-orders" }, period: 60 });
    expect(plan.alarms.some((a) => a.name.includes("-table-"))).toBe(false);
  });
});

describe("the page topic", () => {
  it("tickets its failed deliveries (AWS/SNS NumberOfNotificationsFailed by TopicName), no notification being no failure", () => {
    const a = alarm("page-delivery-failed");
    expect(a.metric).toEqual({ namespace: "AWS/SNS", metricName: "NumberOfNotificationsFailed", dimensions: { TopicName: "prod-us-west-2-alarms" }, statistic: "Sum" });
    expect([a.name, a.severity, a.routing, a.threshold, a.comparison, a.treatMissingData, a.window]).toEqual(["prod-us-west-2-page-delivery-failed", "ticket", "topic", 1, "GreaterThanOrEqualToThreshold", "notBreaching", { period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }]);
  });
});

describe("Metrics Insights queries (the replication-lag alarm's)", () => {
  it("round-trips through the parser the plan and the policies read alarms with, quotes included", () => {
    const metric = { namespace: "AWS/RDS", metricName: "AuroraGlobalDBRPOLag", where: { DBClusterIdentifier: "prod-eu-west-1", Odd: "it's" } };
    const query = insightsQuery("MAX", metric);
    expect(query).toBe(`SELECT MAX(AuroraGlobalDBRPOLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'prod-eu-west-1' AND Odd = 'it''s'`);
    expect(parseInsightsQuery(query)).toEqual(metric);
    expect(parseInsightsQuery(`SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)`)).toEqual({ namespace: "AWS/EC2", metricName: "CPUUtilization", where: {} });
  });

  it("names no metric for metric math or a filter that is not a plain equality", () => {
    expect(parseInsightsQuery("100 * errors / requests")).toBeNull();
    expect(parseInsightsQuery(`SELECT MAX(AuroraGlobalDBRPOLag) FROM "AWS/RDS" WHERE DBClusterIdentifier != 'x'`)).toBeNull();
    expect(parseInsightsQuery(`SELECT MAX(AuroraGlobalDBRPOLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'a' OR DBClusterIdentifier = 'b'`)).toBeNull();
  });
});
