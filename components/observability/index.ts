/**
 * Observability: what a region is watched with (RegionalObservability: alarms, dashboard, SNS
 * topic, managed Prometheus, synthetic probe) and the environment seen from one place
 * (GlobalObservability: the cross-region dashboard and Amazon Managed Grafana). The decisions
 * behind them (thresholds, burn-rate windows, names, dashboard bodies, scrape configuration) are
 * plain functions in the modules next to them.
 */
export { RegionalObservability, type RegionalObservabilityArgs } from "./regional";
export { GlobalObservability, grafanaPrometheusDataSource, GRAFANA_VERSIONS, IDENTITY_CENTER_ID, type GlobalObservabilityArgs, type GrafanaArgs } from "./global";
export { ManagedPrometheus, REFERENCE_SERVICE, DEFAULT_PROMETHEUS_RETENTION_DAYS, MAX_PROMETHEUS_RETENTION_DAYS, type ManagedPrometheusArgs } from "./managed-prometheus";
export { SyntheticProbe, CANARY_RUNTIME_PATTERN, DEFAULT_CANARY_INTERVAL_MINUTES, canarySchedule, type SyntheticProbeArgs } from "./synthetic-probe";
export { regionalAlarmPlan, type AlarmSpec, type CompositeSpec, type Signal } from "./alarms";
export { alarmName, alarmArn, canaryName, dashboardName, sloAlarmName, REGIONAL_ALARM_KEYS, DNS_ALARM_KEYS } from "./names";
export { BURN_RATE_WINDOWS, burnRateAlarmPlans, errorBudgetPercent, loosestObjectivePercent } from "./slo";
export { DEFAULT_OBJECTIVES, objectiveProblems, replicationLagThresholdMs, globalLagMetric, failoverGrowthFactor, nodesPerRegionAfterLoss, type MonitoringObjectives } from "./thresholds";
export * as metrics from "./metrics";
