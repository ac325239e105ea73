/**
 * A CloudWatch MetricAlarm's inputs from an AlarmSpec (alarms.ts): its name, description,
 * comparison and window, and either its one metric or its metric-math queries (a Metrics Insights
 * query rendered once the values it filters on are known). RegionalObservability and GlobalTraffic
 * declare their alarms through it; actions, tags and the region stay theirs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AlarmSpec, QuerySpec } from "./alarms";
import { insightsQuery } from "./metrics";

export function metricAlarmInputs(spec: AlarmSpec) {
  return {
    name: spec.name,
    alarmDescription: spec.description,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    evaluationPeriods: spec.window.evaluationPeriods,
    datapointsToAlarm: spec.window.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    ...(spec.lowSampleCountPercentiles ? { evaluateLowSampleCountPercentiles: spec.lowSampleCountPercentiles } : {}),
    ...(spec.metric
      ? {
          namespace: spec.metric.namespace,
          metricName: spec.metric.metricName,
          dimensions: spec.metric.dimensions,
          period: spec.window.period,
          ...(spec.metric.extendedStatistic ? { extendedStatistic: spec.metric.extendedStatistic } : { statistic: spec.metric.statistic }),
        }
      : {
          metricQueries: (spec.queries ?? []).map((q) => ({
            id: q.id,
            returnData: q.returnData,
            ...(q.label ? { label: q.label } : {}),
            ...(q.expression ? { expression: q.expression } : {}),
            ...(q.insights ? insightsExpression(q.insights) : {}),
            ...(q.metric ? { metric: { namespace: q.metric.namespace, metricName: q.metric.metricName, dimensions: q.metric.dimensions, stat: q.metric.stat, period: q.metric.period } } : {}),
          })),
        }),
  };
}

/** A Metrics Insights query of an alarm, once the values it filters on are known, with its period. */
function insightsExpression(q: NonNullable<QuerySpec["insights"]>): { expression: pulumi.Output<string>; period: number } {
  const dimensions = Object.keys(q.where);
  return {
    expression: pulumi.all(dimensions.map((d) => q.where[d])).apply((values) =>
      insightsQuery(q.statistic, { namespace: q.namespace, metricName: q.metricName, where: Object.fromEntries(dimensions.map((d, i) => [d, values[i]])) })),
    period: q.period,
  };
}
