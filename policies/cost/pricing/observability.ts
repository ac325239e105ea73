/**
 * Observability: CloudWatch log groups (ingestion by kind, storage over the retention), metric
 * and composite alarms, dashboards, metric filters, SNS topics, Amazon Managed Service for
 * Prometheus workspaces and collectors, Managed Grafana workspaces, Synthetics canaries.
 */
import type { PricingContext } from "../context";
import { at, list, num, record, str } from "../lookup";
import type { Charge, CostResource, Pricing } from "../model";
import type { UsageKey } from "../usage";

export const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
export const TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const SECONDS_PER_HOUR = 3600;
const DAYS_PER_MONTH = 365 / 12;

/** Months of logs kept: the retention, or the assumed horizon for groups that never expire. */
export function retentionMonths(r: CostResource, ctx: PricingContext): { months: number; assumed: UsageKey[] } {
  const days = num(r.inputs.retentionInDays) ?? 0;
  return days > 0 ? { months: days / DAYS_PER_MONTH, assumed: [] } : { months: ctx.usage("logNeverExpireMonths"), assumed: ["logNeverExpireMonths"] };
}

export function logGroup(r: CostResource, ctx: PricingContext): Pricing {
  const name = str(r.inputs.name) ?? "";
  const feedingFlowLogs = ctx.lookup.referencing([FLOW_LOG], "logDestination", r, (f) => f.inputs.logDestination);
  const ingestion: UsageKey = feedingFlowLogs.length ? "flowLogGbPerMonth" : /^\/aws\/eks\/.+\/cluster$/.test(name) ? "eksControlPlaneLogGbPerMonth" : "logGroupGbPerMonth";
  const monthlyGb = ctx.usage(ingestion) * Math.max(feedingFlowLogs.length, 1);
  const { months, assumed } = retentionMonths(r, ctx);
  const charges: Charge[] = [];
  // Flow logs' ingestion is billed as vended logs on the flow log itself.
  if (!feedingFlowLogs.length) charges.push({ item: "cloudwatch.logs.ingestion.gb", what: "log ingestion", kind: "usage", quantity: monthlyGb, assumptions: [ingestion] });
  charges.push({
    item: "cloudwatch.logs.storage.gb-month",
    what: `logs stored over ${Math.round(months * 10) / 10} month(s)${assumed.length ? " (no retention set)" : ""}`,
    kind: "usage",
    quantity: monthlyGb * ctx.usage("logCompressionRatio") * months,
    assumptions: [ingestion, "logCompressionRatio", ...assumed],
  });
  const notes = str(r.inputs.logGroupClass) === "INFREQUENT_ACCESS" ? ["Infrequent Access ingestion is priced at the Standard rate (an upper bound)"] : [];
  return { charges, notes };
}

function alarmMetrics(r: CostResource): { metrics: number; highResolution: boolean } {
  const queries = list(r.inputs.metricQueries).map(record);
  const periods = [num(r.inputs.period), ...queries.map((q) => num(at(q, "metric", "period")))].filter((p): p is number => p !== null);
  const highResolution = periods.some((p) => p < 60);
  if (queries.length === 0) return { metrics: 1, highResolution };
  const anomaly = queries.some((q) => /ANOMALY_DETECTION_BAND/i.test(str(q.expression) ?? ""));
  // Each metric the alarm reads counts; an anomaly-detection alarm counts three.
  const metrics = queries.filter((q) => Object.keys(record(q.metric)).length > 0).length || 1;
  return { metrics: anomaly ? metrics * 3 : metrics, highResolution };
}

export function metricAlarm(r: CostResource): Pricing {
  const { metrics, highResolution } = alarmMetrics(r);
  return { charges: [{ item: highResolution ? "cloudwatch.alarm.high-resolution.month" : "cloudwatch.alarm.standard.month", what: `alarm on ${metrics} metric(s)${highResolution ? ", high resolution" : ""}`, kind: "fixed", quantity: metrics }] };
}

export function compositeAlarm(): Pricing {
  return { charges: [{ item: "cloudwatch.alarm.composite.month", what: "composite alarm", kind: "fixed", quantity: 1 }] };
}

export function dashboard(): Pricing {
  return { charges: [{ item: "cloudwatch.dashboard.month", what: "dashboard", kind: "fixed", quantity: 1 }] };
}

export function metricFilter(r: CostResource): Pricing {
  const dimensions = Object.keys(record(at(r.inputs, "metricTransformation", "dimensions"))).length;
  return {
    charges: [{ item: "cloudwatch.metric.month", what: "custom metric of a metric filter", kind: "fixed", quantity: 1 }],
    notes: dimensions ? ["each distinct dimension value is another custom metric; only one is priced"] : [],
  };
}

export function snsTopic(r: CostResource, ctx: PricingContext): Pricing {
  const emails = ctx.lookup.referencing([TOPIC_SUBSCRIPTION], "topic", r, (s) => s.inputs.topic).filter((s) => /^email/.test(str(s.inputs.protocol) ?? ""));
  const charges: Charge[] = [{ item: "sns.publish.million", what: "publishes", kind: "usage", quantity: ctx.usage("snsPublishesMillionsPerTopicPerMonth"), assumptions: ["snsPublishesMillionsPerTopicPerMonth"] }];
  if (emails.length) charges.push({ item: "sns.email.thousand", what: `e-mail deliveries to ${emails.length} subscription(s)`, kind: "usage", quantity: ctx.usage("snsEmailThousandsPerTopicPerMonth"), assumptions: ["snsEmailThousandsPerTopicPerMonth"] });
  return { charges };
}

/** Samples a month of `series` scraped every `interval` seconds, in millions. */
export function millionSamplesPerMonth(series: number, intervalSeconds: number, hoursPerMonth: number): number {
  return (series * (hoursPerMonth * SECONDS_PER_HOUR)) / intervalSeconds / 1e6;
}

export function prometheusWorkspace(_r: CostResource, ctx: PricingContext): Pricing {
  const samples = millionSamplesPerMonth(ctx.usage("ampActiveSeries"), ctx.usage("ampScrapeIntervalSeconds"), ctx.hoursPerMonth);
  return {
    charges: [
      { item: "amp.ingestion.million-samples", what: "samples ingested", kind: "usage", quantity: samples, assumptions: ["ampActiveSeries", "ampScrapeIntervalSeconds"] },
      { item: "amp.storage.gb-month", what: "metrics stored", kind: "usage", quantity: ctx.usage("ampStorageGb"), assumptions: ["ampStorageGb"] },
      { item: "amp.query.billion-samples", what: "query samples processed", kind: "usage", quantity: ctx.usage("ampQueryBillionSamplesPerMonth"), assumptions: ["ampQueryBillionSamplesPerMonth"] },
    ],
  };
}

export function prometheusScraper(_r: CostResource, ctx: PricingContext): Pricing {
  const samples = millionSamplesPerMonth(ctx.usage("ampActiveSeries"), ctx.usage("ampScrapeIntervalSeconds"), ctx.hoursPerMonth);
  return {
    charges: [
      { item: "amp.collector.hour", what: "managed collector", kind: "fixed", quantity: ctx.hoursPerMonth },
      { item: "amp.collector.million-samples", what: "samples collected", kind: "usage", quantity: samples, assumptions: ["ampActiveSeries", "ampScrapeIntervalSeconds"] },
    ],
  };
}

export function grafanaWorkspace(_r: CostResource, ctx: PricingContext): Pricing {
  return {
    charges: [
      { item: "grafana.editor.month", what: "active editors and admins", kind: "usage", quantity: ctx.usage("grafanaEditors"), assumptions: ["grafanaEditors"] },
      { item: "grafana.viewer.month", what: "active viewers", kind: "usage", quantity: ctx.usage("grafanaViewers"), assumptions: ["grafanaViewers"] },
    ],
  };
}

/** Runs a month from `rate(N minute(s)|hour(s)|day(s))`; null for cron or anything else. */
export function runsPerMonth(expression: string | null, hoursPerMonth: number): number | null {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression?.trim() ?? "");
  if (!match) return null;
  const every = Number(match[1]);
  if (every === 0) return 1; // rate(0 minute): run once.
  const minutes = match[2].startsWith("minute") ? every : match[2].startsWith("hour") ? every * 60 : every * 1440;
  return (hoursPerMonth * 60) / minutes;
}

export function canary(r: CostResource, ctx: PricingContext): Pricing {
  const expression = str(at(r.inputs, "schedule", "expression"));
  const fromSchedule = runsPerMonth(expression, ctx.hoursPerMonth);
  return {
    charges: [
      fromSchedule !== null
        ? { item: "synthetics.canary.run", what: `canary runs (${expression})`, kind: "fixed", quantity: fromSchedule }
        : { item: "synthetics.canary.run", what: "canary runs (schedule not a rate expression)", kind: "usage", quantity: ctx.usage("canaryRunsPerMonth"), assumptions: ["canaryRunsPerMonth"] },
    ],
    notes: ["the canary's Lambda invocations and S3 artifacts are not priced"],
  };
}
