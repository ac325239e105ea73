/**
 * DNS failover-time arithmetic: how long after a region stops answering until resolvers are
 * handed other regions' answers. Pure; used by components, the policy pack and the plan.
 */

export interface DnsFailoverInputs {
  /** Route 53 health-check request interval: 10 or 30 seconds. */
  readonly healthCheckIntervalSeconds: number;
  /** Consecutive failures before the endpoint is unhealthy, 1 to 10. */
  readonly healthCheckFailureThreshold: number;
  /**
   * How long resolvers may keep serving the old answer. Alias records have no TTL of their own:
   * they inherit the target's (60 s for an ALB), so pass that.
   */
  readonly recordTtlSeconds: number;
  /** The check's type: how long one attempt may wait for an answer (`checkTimeoutSeconds`). @default "HTTPS" */
  readonly healthCheckType?: string;
}

/**
 * Longest one Route 53 check waits for an endpoint that does not answer: an HTTP(S) check must
 * connect within 4 s and get its status within 2 s more, a string-matching one its body within
 * 2 s after that; a TCP check must connect within 10 s (Route 53 developer guide, "How Amazon
 * Route 53 determines whether a health check is healthy").
 */
export function checkTimeoutSeconds(type = "HTTPS"): number {
  if (type === "TCP") return 10;
  return type.endsWith("_STR_MATCH") ? 8 : 6;
}

/**
 * Worst case from the first failed request to every resolver holding a new answer: detection
 * (threshold × (interval + the check's timeout)) plus the cached answer's TTL. The request
 * interval runs from one answer to the next request, so against an endpoint that has stopped
 * answering each attempt lasts the interval plus the whole timeout. Route 53 propagates the
 * health change to its DNS servers within seconds; that is inside the bound's slack (checkers
 * run staggered, so detection is usually faster).
 */
export function worstCaseDnsFailoverSeconds(inputs: DnsFailoverInputs): number {
  const { healthCheckIntervalSeconds: interval, healthCheckFailureThreshold: threshold, recordTtlSeconds: ttl } = inputs;
  if (![10, 30].includes(interval)) throw new RangeError(`health-check interval ${interval} s: Route 53 accepts 10 or 30`);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) throw new RangeError(`failure threshold ${threshold}: Route 53 accepts 1 to 10`);
  if (ttl < 0) throw new RangeError(`TTL ${ttl} s must not be negative`);
  return detectionSeconds(interval, threshold, inputs.healthCheckType) + ttl;
}

/** Time to detect a failure alone: threshold attempts of interval + timeout each (what the policy pack's detection budget constrains). */
export function detectionSeconds(intervalSeconds: number, failureThreshold: number, healthCheckType?: string): number {
  return failureThreshold * (intervalSeconds + checkTimeoutSeconds(healthCheckType));
}

/** TTL an ALB alias target hands out; alias records inherit it. */
export const ALB_ALIAS_TTL_SECONDS = 60;

/**
 * ARC Region switch takes exactly two regions per plan (CreatePlan `regions`: "Fixed number of 2
 * items"). Here, in a module without resources, because the policy pack reads it: the pack runs
 * under ts-node with type checking, and importing components/chaos/region-switch.ts would load
 * and type-check all of @pulumi/aws at every `pulumi preview --policy-pack`.
 */
export const REGION_SWITCH_PLAN_REGIONS = 2;
