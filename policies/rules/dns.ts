/**
 * DNS redundancy: Route 53 stops answering with a failed region, and notices quickly. Pairing
 * of failover records and the end-to-end failover budget need every region: environment.ts.
 */
import { checkTimeoutSeconds, detectionSeconds } from "../../components/lib/failover";
import { DEFAULT_MAX_DETECTION_SECONDS, integer } from "../config";
import { HealthCheckProps, RecordProps, TYPES } from "./aws-types";
import { describe, isSet, knownItems, read, resourceRule, UNKNOWN } from "./kit";

function routingPolicies(props: RecordProps): string[] {
  const kinds: string[] = [];
  if (isSet(() => props.latencyRoutingPolicies)) kinds.push("latency");
  if (isSet(() => props.failoverRoutingPolicies)) kinds.push("failover");
  if (isSet(() => props.weightedRoutingPolicies)) kinds.push("weighted");
  // The other policies that choose among several answers: without health, each keeps a dead one.
  if (isSet(() => props.geolocationRoutingPolicies)) kinds.push("geolocation");
  if (isSet(() => props.geoproximityRoutingPolicy)) kinds.push("geoproximity");
  if (isSet(() => props.cidrRoutingPolicy)) kinds.push("CIDR");
  const multivalue = read(() => props.multivalueAnswerRoutingPolicy);
  if (multivalue === true) kinds.push("multivalue");
  return kinds;
}

export const routingRecordHealth = resourceRule<RecordProps>(
  {
    name: "dns-routing-health-check",
    description: "Every Route 53 record with a routing policy (latency, failover, weighted, geolocation, geoproximity, CIDR, multivalue) has a health check or an alias that evaluates target health, so DNS stops answering with a failed region.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.record],
  (props, { args, report }) => {
    const kinds = routingPolicies(props);
    if (kinds.length === 0) return;
    const evaluatesTarget = knownItems(() => props.aliases).some((alias) => {
      const evaluates = read(() => alias.evaluateTargetHealth);
      return evaluates === true || evaluates === UNKNOWN;
    });
    if (!isSet(() => props.healthCheckId) && !evaluatesTarget) {
      report(`${describe(args)} uses ${kinds.join("/")} routing with no health check and no alias evaluating target health: Route 53 would keep answering with it when it fails.`);
    }
  },
);

/** Health-check types that poll an endpoint (calculated, alarm and ARC checks have no interval). */
const POLLING_TYPES = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"];

export const healthCheckDetection = resourceRule<HealthCheckProps, { maxDetectionSeconds: number }>(
  {
    name: "dns-health-check-detection-time",
    description: "Route 53 health checks detect a failure within the budget: failureThreshold × (requestInterval + the check's timeout: 6 s for HTTP(S), 8 s string matching, 10 s TCP) ≤ maxDetectionSeconds.",
    enforcementLevel: "mandatory",
    severity: "medium",
    thresholds: { maxDetectionSeconds: integer(DEFAULT_MAX_DETECTION_SECONDS, "Longest time (s) from the first failed check to \"unhealthy\".", { minimum: 10, maximum: 300 }) },
    remediationSteps: "Use requestInterval 10 (fast, chosen at creation only) and a failureThreshold that keeps threshold × (interval + timeout) within the budget.",
  },
  [TYPES.healthCheck],
  (props, { args, report, config }) => {
    const type = read(() => props.type);
    if (type === UNKNOWN || !POLLING_TYPES.includes(type)) return;
    const interval = read(() => props.requestInterval);
    const threshold = read(() => props.failureThreshold);
    if (interval === UNKNOWN || threshold === UNKNOWN) return;
    // Unset, Route 53 uses a 30 s interval and 3 failures.
    const seconds = detectionSeconds(interval ?? 30, threshold ?? 3, type);
    if (seconds > config.maxDetectionSeconds) {
      report(`${describe(args)} needs ${threshold ?? 3} × (${interval ?? 30} s + ${checkTimeoutSeconds(type)} s timeout) = ${seconds} s to detect a failure; the budget is ${config.maxDetectionSeconds} s.`);
    }
  },
);

export const DNS_POLICIES = [routingRecordHealth, healthCheckDetection];
