/**
 * Monitoring: every region that serves traffic is watched on what users feel (error rate and
 * latency at its load balancer) and on what a failover would lose (replication lag of its Aurora
 * member), and the alarms reach a person: an SNS topic with a subscriber, directly or through a
 * composite alarm that watches them. In production, "a person" means the pager: a mailbox is read
 * when someone opens it.
 *
 * An alarm counts when its metric (one of its metric-math metrics, or the metric of its Metrics
 * Insights query, filtered with WHERE) names the resource the way CloudWatch does: AWS/ApplicationELB with `LoadBalancer` = the ALB's ARN suffix, AWS/RDS with
 * `DBClusterIdentifier` = the cluster's identifier. A misspelt dimension is an alarm that never
 * fires, so it does not count. During a preview those values are unknown; the engine's property
 * dependencies (the alarm's dimensions came from the ALB's outputs) stand in for them.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import type { MetricAlarmArgs } from "@pulumi/aws/cloudwatch/metricAlarm";
import type { CompositeAlarmArgs } from "@pulumi/aws/cloudwatch/compositeAlarm";
import type { TopicSubscriptionArgs } from "@pulumi/aws/sns/topicSubscription";
import { ALB, ERROR_METRICS, GLOBAL_LAG_METRICS, LATENCY_METRICS, parseInsightsQuery, RDS } from "../../components/observability/metrics";
import { AuroraClusterProps, LOAD_BALANCER_TYPES, TYPES } from "./aws-types";
import { describe, isApplicationOrNetworkLb, isSet, knownItems, knownString, ofType, read, referencedBy, regionOf, stackRule, UNKNOWN } from "./kit";
import { flag } from "../config";
import { isPagerProtocol } from "../../components/observability/subscribers";

const ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE_TYPE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const TOPIC_TYPE = "aws:sns/topic:Topic";
const SUBSCRIPTION_TYPE = "aws:sns/topicSubscription:TopicSubscription";

type AlarmProps = Unwrap<MetricAlarmArgs>;
type CompositeProps = Unwrap<CompositeAlarmArgs>;
type SubscriptionProps = Unwrap<TopicSubscriptionArgs>;

interface WatchedMetric {
  namespace: string | undefined;
  metricName: string | undefined;
  dimensions: Record<string, unknown>;
  /** A query whose text a preview does not know yet. */
  unknownQuery?: boolean;
}

/** The metrics an alarm reads: its own, or those of its metric-math queries. */
function metricsOf(alarm: PolicyResource): WatchedMetric[] {
  const props = alarm.props as AlarmProps;
  const own: WatchedMetric[] = isSet(() => props.metricName)
    ? [{ namespace: knownString(() => props.namespace), metricName: knownString(() => props.metricName), dimensions: dimensionsOf(() => props.dimensions) }]
    : [];
  const queried = knownItems(() => props.metricQueries).flatMap((q): WatchedMetric[] => {
    const metric = read(() => q.metric);
    if (metric !== UNKNOWN && metric) return [{ namespace: knownString(() => metric.namespace), metricName: knownString(() => metric.metricName), dimensions: dimensionsOf(() => metric.dimensions) }];
    // A Metrics Insights query: its WHERE clause names the dimension values it matches. Unknown
    // (a preview, built from outputs not known yet): what it reads is not known either.
    const expression = read(() => q.expression);
    if (expression === UNKNOWN) return [{ namespace: undefined, metricName: undefined, dimensions: {}, unknownQuery: true }];
    const insights = typeof expression === "string" ? parseInsightsQuery(expression) : null;
    return insights ? [{ namespace: insights.namespace, metricName: insights.metricName, dimensions: insights.where }] : [];
  });
  return [...own, ...queried];
}

function dimensionsOf(get: () => Record<string, unknown> | undefined): Record<string, unknown> {
  const value = read(get);
  return value === UNKNOWN || !value ? {} : value;
}

/** The alarm reads `metricNames` of `namespace` for `target`: by the dimension's value, or (preview) by dependency. */
function watches(alarm: PolicyResource, namespace: string, metricNames: readonly string[], dimension: string, targetValue: string | undefined, target: PolicyResource): boolean {
  const metrics = metricsOf(alarm);
  const matching = metrics.filter((m) => m.namespace === namespace && m.metricName !== undefined && metricNames.includes(m.metricName));
  const dependsOnTarget = () => [...referencedBy(alarm, "dimensions", target.type), ...referencedBy(alarm, "metricQueries", target.type)].some((r) => r.urn === target.urn);
  // A query a preview cannot read yet counts when it was built from the target's outputs, as
  // unknown dimensions do below.
  if (matching.length === 0 && metrics.some((m) => m.unknownQuery)) return dependsOnTarget();
  return matching.some((m) => {
    const value = read(() => m.dimensions[dimension]);
    // No such dimension (or a misspelt one): CloudWatch would never match the metric.
    if (value === undefined || value === null) return false;
    if (value !== UNKNOWN && targetValue !== undefined) return value === targetValue;
    // A preview cannot know one side; the alarm's dimensions coming from the target's outputs decide.
    return dependsOnTarget();
  });
}

/**
 * Topics with at least one subscription, by ARN and by URN; with `counts`, only subscriptions
 * whose protocol it accepts (a preview's unknown protocol counts).
 */
function subscribedTopics(resources: readonly PolicyResource[], counts: (protocol: string | undefined) => boolean = () => true): { arns: Set<string>; urns: Set<string> } {
  const arns = new Set<string>();
  const urns = new Set<string>();
  const topics = ofType(resources, TOPIC_TYPE);
  for (const subscription of ofType(resources, SUBSCRIPTION_TYPE)) {
    const props = subscription.props as SubscriptionProps;
    const protocol = read(() => props.protocol as string);
    if (protocol !== UNKNOWN && !counts(protocol)) continue;
    const arn = knownString(() => props.topic as string);
    if (arn) arns.add(arn);
    for (const topic of referencedBy(subscription, "topic", TOPIC_TYPE)) urns.add(topic.urn);
  }
  for (const topic of topics) {
    const arn = knownString(() => topic.props.arn);
    if (arn && arns.has(arn)) urns.add(topic.urn);
    if (urns.has(topic.urn) && arn) arns.add(arn);
  }
  return { arns, urns };
}

function notifiesSubscribedTopic(resource: PolicyResource, subscribed: { arns: Set<string>; urns: Set<string> }): boolean {
  const actions = knownItems(() => (resource.props as { alarmActions?: unknown[] }).alarmActions);
  if (actions.some((a) => typeof a === "string" && subscribed.arns.has(a))) return true;
  return referencedBy(resource, "alarmActions", TOPIC_TYPE).some((t) => subscribed.urns.has(t.urn));
}

/** Alarm names and ARNs a composite alarm's rule reads: ALARM("name"), OK(name), ALARM(arn) ... */
export function ruleAlarmNames(rule: string): string[] {
  return [...rule.matchAll(/\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^")]+?)"?\s*\)/g)].map((m) => m[1]);
}

/**
 * Whether an alarm reaches a person: it notifies a subscribed topic, or a composite that does
 * reads it. With `counts`, only subscriptions of the protocols it accepts make a topic subscribed.
 */
function routing(resources: readonly PolicyResource[], region: string, counts?: (protocol: string | undefined) => boolean): (alarm: PolicyResource) => boolean {
  const subscribed = subscribedTopics(resources, counts);
  const composites = ofType(resources, COMPOSITE_TYPE).filter((c) => regionOf(c) === region);
  const routedComposites = composites.filter((c) => notifiesSubscribedTopic(c, subscribed));
  const readByRouted = new Set(routedComposites.flatMap((c) => ruleAlarmNames(knownString(() => (c.props as CompositeProps).alarmRule) ?? "")));
  return (alarm) => {
    if (notifiesSubscribedTopic(alarm, subscribed)) return true;
    const name = knownString(() => (alarm.props as AlarmProps).name);
    const arn = knownString(() => alarm.props.arn);
    return (name !== undefined && readByRouted.has(name)) || (arn !== undefined && readByRouted.has(arn));
  };
}

function isAurora(props: AuroraClusterProps): boolean {
  const engine = read(() => props.engine);
  return engine === UNKNOWN || engine === undefined || engine.startsWith("aurora");
}

function explain(what: string, alarms: PolicyResource[]): string {
  if (alarms.length === 0) return `no ${what}`;
  const names = alarms.map((a) => knownString(() => (a.props as AlarmProps).name) ?? a.name);
  const shown = names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
  return `${shown} ${alarms.length === 1 ? "watches" : "watch"} it but reach${alarms.length === 1 ? "es" : ""} nobody (no action to an SNS topic with a subscriber, directly or through a composite alarm)`;
}

export const monitoringCoversServingRegions = stackRule(
  {
    name: "monitoring-covers-serving-regions",
    description: "Every region serving traffic has alarms on its load balancer's error rate and latency and, for Aurora members, on replication lag, each reaching an SNS topic with a subscriber.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Compose RegionalObservability (Region's `observability` argument) and give it a subscriber (platform:alarmEmail), or declare the alarms with the load balancer's ARN suffix as LoadBalancer and the cluster identifier as DBClusterIdentifier, notifying a subscribed topic.",
  },
  (resources, { report }) => {
    const alarms = ofType(resources, ALARM_TYPE);
    const loadBalancers = ofType(resources, LOAD_BALANCER_TYPES).filter((lb) => isApplicationOrNetworkLb(lb.props as { loadBalancerType?: string }) && read(() => (lb.props as { loadBalancerType?: string }).loadBalancerType) !== "network");
    const servingRegions = new Set(loadBalancers.map(regionOf).filter((r): r is string => r !== undefined));
    for (const region of servingRegions) {
      const inRegion = alarms.filter((a) => regionOf(a) === region);
      const reachesSomeone = routing(resources, region);
      for (const lb of loadBalancers.filter((l) => regionOf(l) === region)) {
        const suffix = knownString(() => lb.props.arnSuffix);
        const gaps: string[] = [];
        for (const [what, metrics] of [["error-rate alarm (HTTPCode_Target_5XX_Count or HTTPCode_ELB_5XX_Count by LoadBalancer)", ERROR_METRICS], ["latency alarm (TargetResponseTime by LoadBalancer)", LATENCY_METRICS]] as const) {
          const watching = inRegion.filter((a) => watches(a, ALB.namespace, metrics, ALB.dimensions.loadBalancer, suffix, lb));
          if (!watching.some(reachesSomeone)) gaps.push(explain(what, watching));
        }
        if (gaps.length) report(`${describe(lb)} serves traffic in ${region} unwatched: ${gaps.join("; ")}.`, lb.urn);
      }
      for (const cluster of ofType(resources, TYPES.auroraCluster).filter((c) => regionOf(c) === region && isAurora(c.props as AuroraClusterProps))) {
        const props = cluster.props as AuroraClusterProps;
        const global = isSet(() => props.globalClusterIdentifier);
        const identifier = knownString(() => props.clusterIdentifier);
        const metrics = global ? GLOBAL_LAG_METRICS : [RDS.metrics.replicaLag];
        const watching = inRegion.filter((a) => watches(a, RDS.namespace, metrics, RDS.dimensions.cluster, identifier, cluster));
        if (!watching.some(reachesSomeone)) {
          const what = global ? "replication-lag alarm (AuroraGlobalDBRPOLag or AuroraGlobalDBReplicationLag by DBClusterIdentifier)" : "replica-lag alarm (AuroraReplicaLag by DBClusterIdentifier)";
          report(`${describe(cluster)} in serving region ${region} has ${explain(what, watching)}: nobody would learn that a failover would lose data.`, cluster.urn);
        }
      }
    }
  },
);

/**
 * The alarms of one serving region that must page: the error-rate and latency alarms of each
 * load balancer and the replication-lag alarm of each Aurora member, with what each watches.
 */
function pagingAlarms(resources: readonly PolicyResource[], region: string): { target: PolicyResource; what: string; alarms: PolicyResource[] }[] {
  const alarms = ofType(resources, ALARM_TYPE).filter((a) => regionOf(a) === region);
  const found: { target: PolicyResource; what: string; alarms: PolicyResource[] }[] = [];
  for (const lb of ofType(resources, LOAD_BALANCER_TYPES).filter((l) => regionOf(l) === region && isApplicationOrNetworkLb(l.props as { loadBalancerType?: string }) && read(() => (l.props as { loadBalancerType?: string }).loadBalancerType) !== "network")) {
    const suffix = knownString(() => lb.props.arnSuffix);
    for (const [what, metrics] of [["error-rate", ERROR_METRICS], ["latency", LATENCY_METRICS]] as const) {
      found.push({ target: lb, what: `${what} alarm`, alarms: alarms.filter((a) => watches(a, ALB.namespace, metrics, ALB.dimensions.loadBalancer, suffix, lb)) });
    }
  }
  for (const cluster of ofType(resources, TYPES.auroraCluster).filter((c) => regionOf(c) === region && isAurora(c.props as AuroraClusterProps))) {
    const props = cluster.props as AuroraClusterProps;
    const metrics = isSet(() => props.globalClusterIdentifier) ? GLOBAL_LAG_METRICS : [RDS.metrics.replicaLag];
    found.push({ target: cluster, what: "replication-lag alarm", alarms: alarms.filter((a) => watches(a, RDS.namespace, metrics, RDS.dimensions.cluster, knownString(() => props.clusterIdentifier), cluster)) });
  }
  return found;
}

export const productionPagesReachAPager = stackRule<{ production: boolean }>(
  {
    name: "production-pages-reach-a-pager",
    description:
      "In a production environment, the alarms of every serving region on what users feel (error rate, latency) and on what a failover would lose (replication lag) reach a topic with a subscriber that is not a mailbox (the pager's HTTPS endpoint), directly or through a composite alarm.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { production: flag(false, "The environment is production (platform:production) and pages through a pager (not platform:pagesByEmailOnly): the rule applies.") },
    remediationSteps:
      "List the pager's SNS integration URL in platform:pageEndpoints (PagerDuty: https://events.pagerduty.com/integration/<integration key>/enqueue), or subscribe it (protocol https) to the topic the page alarms notify. An environment that accepts pages by e-mail says so with platform:pagesByEmailOnly: true, which turns this rule off.",
  },
  (resources, { report, config }) => {
    if (!config.production) return;
    const loadBalancers = ofType(resources, LOAD_BALANCER_TYPES).filter((lb) => isApplicationOrNetworkLb(lb.props as { loadBalancerType?: string }));
    const regions = new Set(loadBalancers.map(regionOf).filter((r): r is string => r !== undefined));
    for (const region of [...regions].sort()) {
      // A missing or unrouted alarm is monitoring-covers-serving-regions' finding; this rule asks
      // only whether what reaches someone reaches the pager.
      const reachesSomeone = routing(resources, region);
      const reachesPager = routing(resources, region, isPagerProtocol);
      for (const { target, what, alarms } of pagingAlarms(resources, region)) {
        const routed = alarms.filter(reachesSomeone);
        if (routed.length === 0 || routed.some(reachesPager)) continue;
        const names = routed.map((a) => knownString(() => (a.props as AlarmProps).name) ?? a.name).join(", ");
        report(`${describe(target)} in production region ${region}: its ${what} (${names}) reaches only e-mail subscribers, nobody awake at night; subscribe the pager (platform:pageEndpoints) to the topic it pages.`, target.urn);
      }
    }
  },
);

export const OBSERVABILITY_POLICIES = [monitoringCoversServingRegions, productionPagesReachAPager];
