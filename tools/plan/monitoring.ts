/**
 * The plan's monitoring figure (`resilience.monitoring`): per region, the alarms with their
 * metrics and thresholds and whether they reach a person, the dashboards, the topics and their
 * subscribers, Prometheus and the synthetic probes; for the environment, the global dashboards
 * and Grafana. Read from resource types and inputs only, like the topology, so it works for any
 * program. Regional stacks' resources count for the stack's region even when they live elsewhere
 * (the DNS alarms every region creates in us-east-1).
 */
import { ruleAlarmNames } from "../../policies/rules/observability";
import { ALB, AUTOSCALING, DYNAMODB, EC2, parseInsightsQuery, RDS, ROUTE53, SYNTHETICS } from "../../components/observability/metrics";
import type { PlanResource, PlanStack } from "./model";

export interface AlarmFigure {
  name: string;
  kind: "metric" | "composite";
  /** What it watches, from its metrics: error-rate, latency, replication-lag, ... or composite. */
  signal: string;
  /** "namespace metric" of a single-metric alarm, the expression's label of a metric-math alarm. */
  metric: string | null;
  /** Dimension names the metrics are read by. */
  dimensions: string[];
  statistic: string | null;
  comparison: string | null;
  threshold: number | null;
  unit: string | null;
  periodSeconds: number | null;
  evaluationPeriods: number | null;
  datapointsToAlarm: number | null;
  /** Composite alarms: the rule. */
  rule: string | null;
  /** `topic`: notifies a subscribed topic; `composite`: a routed composite reads it; `children`: a composite that notifies nobody while every alarm it reads does; `unsubscribed`: its topic has no subscriber; `none`. */
  routed: "topic" | "composite" | "children" | "unsubscribed" | "none";
  /** Names of the topics its ALARM action notifies (pages and tickets go to different ones). */
  notifies: string[];
  /** The alarm's own region when it differs from the region it watches (Route 53 alarms live in us-east-1). */
  alarmRegion: string | null;
}
export interface RegionMonitoringFigure {
  region: string;
  dashboards: string[];
  topics: { name: string; encrypted: boolean; subscribers: number }[];
  alarms: AlarmFigure[];
  prometheus: { workspaces: number; retentionDays: number | null; scrapers: number; ruleGroups: number; alertmanager: boolean };
  canaries: { name: string; schedule: string | null; runtime: string | null; targets: string[] }[];
}
export interface MonitoringFigure {
  source: "resources" | "none";
  regions: RegionMonitoringFigure[];
  global: { dashboards: string[]; grafana: { name: string; version: string | null; authentication: string[] }[] };
}

const T = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  ampWorkspace: "aws:amp/workspace:Workspace",
  ampConfiguration: "aws:amp/workspaceConfiguration:WorkspaceConfiguration",
  scraper: "aws:amp/scraper:Scraper",
  ruleGroup: "aws:amp/ruleGroupNamespace:RuleGroupNamespace",
  alertmanager: "aws:amp/alertManagerDefinition:AlertManagerDefinition",
  canary: "aws:synthetics/canary:Canary",
  grafana: "aws:grafana/workspace:Workspace",
} as const;

const COMPARISONS: Record<string, string> = { GreaterThanOrEqualToThreshold: "≥", GreaterThanThreshold: ">", LessThanThreshold: "<", LessThanOrEqualToThreshold: "≤" };

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}
function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === "object") : [];
}

interface Metric {
  namespace: string | null;
  metricName: string | null;
  dimensions: string[];
}

function metricsOf(inputs: Record<string, unknown>): Metric[] {
  const own = str(inputs.metricName) ? [{ namespace: str(inputs.namespace), metricName: str(inputs.metricName), dimensions: Object.keys((inputs.dimensions as object | undefined) ?? {}) }] : [];
  const queried = list(inputs.metricQueries).flatMap((q) => {
    const m = q.metric as Record<string, unknown> | undefined;
    if (m) return [{ namespace: str(m.namespace), metricName: str(m.metricName), dimensions: Object.keys((m.dimensions as object | undefined) ?? {}) }];
    // A Metrics Insights query names its metric and the dimensions it filters on.
    const insights = typeof q.expression === "string" ? parseInsightsQuery(q.expression) : null;
    return insights ? [{ namespace: insights.namespace, metricName: insights.metricName, dimensions: Object.keys(insights.where) }] : [];
  });
  return [...own, ...queried];
}

/** What an alarm is about, from the metrics it reads. */
export function signalOf(metrics: readonly Metric[], statistic: string | null): string {
  const names = new Set(metrics.map((m) => m.metricName));
  const has = (...candidates: string[]) => candidates.some((c) => names.has(c));
  if (has(ALB.metrics.target5xx, ALB.metrics.elb5xx)) return "error-rate";
  if (has(ALB.metrics.targetResponseTime)) return statistic?.startsWith("PR(") ? "latency-slo" : "latency";
  if (has(ALB.metrics.healthyHostCount)) return "healthy-targets";
  if (has(RDS.metrics.globalRpoLag, RDS.metrics.globalReplicationLag, "AuroraGlobalDBProgressLag", DYNAMODB.metrics.replicationLatency)) return "replication-lag";
  if (has(RDS.metrics.replicaLag)) return "replica-lag";
  if (metrics.some((m) => m.namespace === RDS.namespace)) return "database";
  if (metrics.some((m) => m.namespace === EC2.namespace)) return "node-saturation";
  if (metrics.some((m) => m.namespace === AUTOSCALING.namespace)) return "capacity";
  if (metrics.some((m) => m.namespace === SYNTHETICS.namespace)) return "synthetic";
  if (metrics.some((m) => m.namespace === ROUTE53.namespace)) return "dns";
  return "other";
}

function unitOf(metrics: readonly Metric[], statistic: string | null, label: string | null): string | null {
  const unitInLabel = label ? /\(([^)]+)\)\s*$/.exec(label)?.[1] : undefined;
  if (unitInLabel) return unitInLabel === "% of max" ? "%" : unitInLabel;
  if (statistic?.startsWith("PR(")) return "%";
  // How many data points (a canary's runs), whatever the metric measures.
  if (statistic === "SampleCount") return "count";
  const name = metrics[0]?.metricName;
  if (!name) return null;
  if (name === ALB.metrics.targetResponseTime) return "s";
  if (name.startsWith("AuroraGlobalDB") || name === RDS.metrics.replicaLag) return "ms";
  if (name === RDS.metrics.cpu || name === EC2.metrics.cpu || name === SYNTHETICS.metrics.successPercent) return "%";
  return "count";
}

/** Topic ARNs that have at least one subscription. */
function subscribedTopicArns(resources: readonly PlanResource[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of resources.filter((r) => r.type === T.subscription)) {
    const topic = str(s.inputs.topic);
    if (topic) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  }
  return counts;
}

function alarmFigures(all: readonly PlanResource[], mine: readonly PlanResource[], region: string): AlarmFigure[] {
  const subscribed = subscribedTopicArns(all);
  const notifies = (r: PlanResource) => (Array.isArray(r.inputs.alarmActions) ? (r.inputs.alarmActions as unknown[]) : []).filter((a): a is string => typeof a === "string");
  const routedDirectly = (r: PlanResource) => notifies(r).some((a) => subscribed.has(a));
  // An SNS topic ARN ends with the topic's name.
  const topicNames = (r: PlanResource) => notifies(r).map((arn) => arn.slice(arn.lastIndexOf(":") + 1));
  const routedComposites = all.filter((r) => r.type === T.composite && routedDirectly(r));
  const readByRouted = new Set(routedComposites.flatMap((c) => ruleAlarmNames(str(c.inputs.alarmRule) ?? "")));
  const byName = new Map(all.filter((r) => r.type === T.alarm || r.type === T.composite).map((r) => [str(r.inputs.alarmName) ?? str(r.inputs.name) ?? r.name, r] as const));
  const reaches = (r: PlanResource, name: string) => routedDirectly(r) || readByRouted.has(name) || readByRouted.has(str(r.outputs.arn) ?? "\0");
  const routing = (r: PlanResource, name: string): AlarmFigure["routed"] => {
    if (routedDirectly(r)) return "topic";
    if (readByRouted.has(name) || readByRouted.has(str(r.outputs.arn) ?? "\0")) return "composite";
    if (notifies(r).length) return "unsubscribed";
    // A composite that notifies nobody itself, while every alarm it reads reaches someone: it only
    // aggregates (e.g. the blocking alarm of zonal autoshift's practice runs).
    if (r.type === T.composite) {
      const children = ruleAlarmNames(str(r.inputs.alarmRule) ?? "");
      if (children.length > 0 && children.every((c) => { const child = byName.get(c); return child !== undefined && reaches(child, c); })) return "children";
    }
    return "none";
  };
  const figures: AlarmFigure[] = [];
  for (const r of mine) {
    const alarmRegion = r.region && r.region !== region ? r.region : null;
    if (r.type === T.composite) {
      const name = str(r.inputs.alarmName) ?? r.name;
      figures.push({ name, kind: "composite", signal: "composite", metric: null, dimensions: [], statistic: null, comparison: null, threshold: null, unit: null, periodSeconds: null, evaluationPeriods: null, datapointsToAlarm: null, rule: str(r.inputs.alarmRule), routed: routing(r, name), notifies: topicNames(r), alarmRegion });
      continue;
    }
    if (r.type !== T.alarm) continue;
    const name = str(r.inputs.name) ?? r.name;
    const metrics = metricsOf(r.inputs);
    // A metric-math alarm's statistics are per metric; its threshold applies to the expression.
    const statistic = str(r.inputs.extendedStatistic) ?? str(r.inputs.statistic);
    const expression = list(r.inputs.metricQueries).find((q) => q.returnData === true);
    const label = expression ? str(expression.label) : null;
    // A plain metric's period, else its metric-math metrics', else a Metrics Insights query's own.
    const period = num(r.inputs.period)
      ?? num((list(r.inputs.metricQueries).find((q) => q.metric)?.metric as Record<string, unknown> | undefined)?.period)
      ?? num(list(r.inputs.metricQueries).find((q) => q.period !== undefined)?.period);
    figures.push({
      name,
      kind: "metric",
      signal: signalOf(metrics, statistic),
      metric: label ?? (metrics[0] ? `${metrics[0].namespace ?? "?"} ${metrics[0].metricName ?? "?"}` : null),
      dimensions: [...new Set(metrics.flatMap((m) => m.dimensions))],
      statistic,
      comparison: COMPARISONS[str(r.inputs.comparisonOperator) ?? ""] ?? str(r.inputs.comparisonOperator),
      threshold: num(r.inputs.threshold),
      unit: unitOf(metrics, statistic, label),
      periodSeconds: period,
      evaluationPeriods: num(r.inputs.evaluationPeriods),
      datapointsToAlarm: num(r.inputs.datapointsToAlarm) ?? num(r.inputs.evaluationPeriods),
      rule: null,
      routed: routing(r, name),
      notifies: topicNames(r),
      alarmRegion,
    });
  }
  // Registration order varies between runs; plans must not.
  return figures.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "metric" ? -1 : 1));
}

function canaryTargets(inputs: Record<string, unknown>): string[] {
  const raw = str(((inputs.runConfig as Record<string, unknown> | undefined)?.environmentVariables as Record<string, unknown> | undefined)?.PROBE_TARGETS);
  if (!raw) return [];
  try {
    return (JSON.parse(raw) as { url?: string }[]).map((t) => t.url ?? "?");
  } catch {
    return [];
  }
}

/** The monitoring of every region and of the environment, from the plan's stacks. */
export function monitoringFigure(stacks: readonly Pick<PlanStack, "stack" | "role" | "region" | "resources">[], regionOrder: readonly string[] = []): MonitoringFigure {
  const all = stacks.flatMap((s) => s.resources);
  const byRegion = new Map<string, PlanResource[]>();
  const global: PlanResource[] = [];
  for (const stack of stacks) {
    for (const r of stack.resources) {
      if (stack.role === "global") global.push(r);
      // A regional stack's resources belong to its region wherever they live; a single-stack program's to their own region.
      const region = stack.role === "region" && stack.region && stacks.filter((s) => s.role === "region").length > 1 ? stack.region : r.region ?? stack.region;
      if (stack.role === "region" && region) byRegion.set(region, [...(byRegion.get(region) ?? []), r]);
    }
  }
  const order = [...regionOrder, ...[...byRegion.keys()].filter((r) => !regionOrder.includes(r)).sort()];
  const subscribed = subscribedTopicArns(all);
  const regions: RegionMonitoringFigure[] = [];
  for (const region of order) {
    const mine = byRegion.get(region) ?? [];
    const ofType = (type: string) => mine.filter((r) => r.type === type);
    const alarms = alarmFigures(all, [...ofType(T.alarm), ...ofType(T.composite)], region);
    const figure: RegionMonitoringFigure = {
      region,
      dashboards: ofType(T.dashboard).map((d) => str(d.inputs.dashboardName) ?? d.name),
      topics: ofType(T.topic).map((t) => ({ name: str(t.inputs.name) ?? t.name, encrypted: str(t.inputs.kmsMasterKeyId) !== null, subscribers: subscribed.get(str(t.outputs.arn) ?? "\0") ?? 0 })),
      alarms,
      prometheus: {
        workspaces: ofType(T.ampWorkspace).length,
        retentionDays: num(ofType(T.ampConfiguration)[0]?.inputs.retentionPeriodInDays),
        scrapers: ofType(T.scraper).length,
        ruleGroups: ofType(T.ruleGroup).length,
        alertmanager: ofType(T.alertmanager).length > 0,
      },
      canaries: ofType(T.canary).map((c) => ({ name: str(c.inputs.name) ?? c.name, schedule: str((c.inputs.schedule as Record<string, unknown> | undefined)?.expression), runtime: str(c.inputs.runtimeVersion), targets: canaryTargets(c.inputs) })),
    };
    if (figure.alarms.length + figure.dashboards.length + figure.topics.length + figure.canaries.length + figure.prometheus.workspaces > 0) regions.push(figure);
  }
  const globalFigure = {
    dashboards: global.filter((r) => r.type === T.dashboard).map((d) => str(d.inputs.dashboardName) ?? d.name),
    grafana: all.filter((r) => r.type === T.grafana).map((g) => ({ name: str(g.inputs.name) ?? g.name, version: str(g.inputs.grafanaVersion), authentication: (Array.isArray(g.inputs.authenticationProviders) ? g.inputs.authenticationProviders : []).map(String) })),
  };
  const source = regions.length + globalFigure.dashboards.length + globalFigure.grafana.length > 0 ? "resources" : "none";
  return { source, regions, global: globalFigure };
}

// --- sentences -------------------------------------------------------------------------------

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e4) / 1e4);
}

/** "≥ 0.72 % in 3 of 5 × 60 s" */
export function describeThreshold(a: AlarmFigure): string {
  if (a.kind === "composite") return a.rule ?? "";
  const unit = a.unit === "%" ? " %" : a.unit && a.unit !== "count" ? ` ${a.unit}` : "";
  const value = a.threshold === null ? "?" : `${formatNumber(a.threshold)}${unit}`;
  const window = a.periodSeconds === null ? "" : a.evaluationPeriods && a.evaluationPeriods > 1 ? ` in ${a.datapointsToAlarm ?? a.evaluationPeriods} of ${a.evaluationPeriods} × ${a.periodSeconds} s` : ` over ${a.periodSeconds} s`;
  return `${a.metric ?? "?"}${a.statistic ? ` ${a.statistic}` : ""} ${a.comparison ?? "?"} ${value}${window}`;
}

const ROUTED: Record<AlarmFigure["routed"], string> = { topic: "→ topic", composite: "→ via composite", children: "→ (its alarms notify)", unsubscribed: "→ topic WITHOUT subscriber", none: "→ NOBODY" };

/** One summary line per region (and one for the environment). */
export function monitoringSummary(m: MonitoringFigure): string[] {
  const lines = m.regions.map((r) => {
    const parts = [
      r.dashboards.length ? `dashboard ${r.dashboards.join(", ")}` : "no dashboard",
      `${r.alarms.filter((a) => a.kind === "metric").length} alarms + ${r.alarms.filter((a) => a.kind === "composite").length} composite`,
      r.topics.length ? r.topics.map((t) => `topic ${t.name} (${t.encrypted ? "KMS" : "UNENCRYPTED"}, ${t.subscribers} subscriber${t.subscribers === 1 ? "" : "s"})`).join(", ") : "no topic",
      r.prometheus.workspaces ? `Prometheus ${r.prometheus.retentionDays ?? "default"} d, ${r.prometheus.scrapers} managed scraper${r.prometheus.scrapers === 1 ? "" : "s"}${r.prometheus.alertmanager ? ", alerts → SNS" : ""}` : "no Prometheus",
      r.canaries.length ? r.canaries.map((c) => `canary ${c.name} ${c.schedule ?? ""} (${c.runtime ?? "?"}) probing ${c.targets.length} target(s)`).join(", ") : "no canary",
    ];
    return `${r.region}: ${parts.join("; ")}`;
  });
  if (m.global.dashboards.length || m.global.grafana.length) {
    lines.push(`global: ${[m.global.dashboards.length ? `dashboard ${m.global.dashboards.join(", ")}` : "no global dashboard", ...m.global.grafana.map((g) => `Grafana ${g.name} (${g.version ?? "latest"}, ${g.authentication.join("+") || "?"})`)].join("; ")}`);
  }
  return lines;
}

/** [name, signal, threshold, routing] per alarm of a region. */
export function alarmRows(r: RegionMonitoringFigure): [string, string, string, string][] {
  return r.alarms.map((a) => [a.name + (a.alarmRegion ? ` (${a.alarmRegion})` : ""), a.signal, describeThreshold(a), a.routed === "topic" && a.notifies.length ? `→ ${a.notifies.join(", ")}` : ROUTED[a.routed]]);
}
