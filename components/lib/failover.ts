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
}

/**
 * Worst case from the first failed request to every resolver holding a new answer:
 * detection (interval × threshold) plus the cached answer's TTL. Route 53 propagates the
 * health change to its DNS servers within seconds; that is inside the detection bound's slack
 * (checkers run staggered, so detection is usually faster than interval × threshold).
 */
export function worstCaseDnsFailoverSeconds(inputs: DnsFailoverInputs): number {
  const { healthCheckIntervalSeconds: interval, healthCheckFailureThreshold: threshold, recordTtlSeconds: ttl } = inputs;
  if (![10, 30].includes(interval)) throw new RangeError(`health-check interval ${interval} s: Route 53 accepts 10 or 30`);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) throw new RangeError(`failure threshold ${threshold}: Route 53 accepts 1 to 10`);
  if (ttl < 0) throw new RangeError(`TTL ${ttl} s must not be negative`);
  return interval * threshold + ttl;
}

/** Time to detect a failure alone (what the policy pack's failover budget constrains). */
export function detectionSeconds(intervalSeconds: number, failureThreshold: number): number {
  return intervalSeconds * failureThreshold;
}

/** TTL an ALB alias target hands out; alias records inherit it. */
export const ALB_ALIAS_TTL_SECONDS = 60;
