import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { planProbes, type TargetHealthCheck } from "../../components/lib/service-plan";
import { TARGET_GROUP_TIMING } from "../../components/lib/ingress-plan";

/** Latest moment (after a pod starts failing) the ALB has judged it unhealthy: the next check, then the threshold's worth, each timing out. */
const albLatestUnhealthy = (alb: TargetHealthCheck) => alb.healthCheckIntervalSeconds * alb.unhealthyThreshold + alb.healthCheckTimeoutSeconds;
/** Earliest moment a probe gives up, for the same kind of failure (each failed probe taking `failedAfter` seconds). */
const earliestGiveUp = (p: { periodSeconds: number; failureThreshold: number }, failedAfter: number) => (p.failureThreshold - 1) * p.periodSeconds + failedAfter;

const validAlb = fc
  .record({ interval: fc.integer({ min: 5, max: 300 }), timeout: fc.integer({ min: 2, max: 120 }), unhealthyThreshold: fc.integer({ min: 2, max: 10 }) })
  .filter((a) => a.timeout < a.interval)
  .map((a): TargetHealthCheck => ({ healthCheckIntervalSeconds: a.interval, healthCheckTimeoutSeconds: a.timeout, unhealthyThreshold: a.unhealthyThreshold }));

describe("planProbes", () => {
  it("gives the regional target group's timing (10 s × 3, 5 s timeout) a readiness of 5 s × 7 with a 5 s timeout, and a looser liveness", () => {
    expect(planProbes(TARGET_GROUP_TIMING)).toEqual({
      startup: { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 },
      readiness: { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 7 },
      liveness: { periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 8 },
    });
  });

  it("never takes a pod out of the target group before the ALB has judged it unhealthy, so an overload finds the ALB failing open, not empty", () => {
    fc.assert(fc.property(validAlb, (alb) => {
      const { readiness } = planProbes(alb);
      // An answer the ALB still counts healthy is no failure to the kubelet either.
      expect(readiness.timeoutSeconds).toBeGreaterThanOrEqual(alb.healthCheckTimeoutSeconds);
      expect(readiness.periodSeconds * readiness.failureThreshold).toBeGreaterThanOrEqual(alb.healthCheckIntervalSeconds * alb.unhealthyThreshold);
      // Fast failures (a 500) for both, and timeouts for both.
      expect(earliestGiveUp(readiness, 0)).toBeGreaterThanOrEqual(alb.healthCheckIntervalSeconds * alb.unhealthyThreshold);
      expect(earliestGiveUp(readiness, readiness.timeoutSeconds)).toBeGreaterThanOrEqual(albLatestUnhealthy(alb));
    }));
  });

  it("restarts a pod only long after it left the target group, with a longer timeout than readiness", () => {
    fc.assert(fc.property(validAlb, (alb) => {
      const { readiness, liveness } = planProbes(alb);
      expect(liveness.timeoutSeconds).toBeGreaterThan(readiness.timeoutSeconds);
      expect(liveness.periodSeconds).toBeGreaterThanOrEqual(liveness.timeoutSeconds);
      expect(earliestGiveUp(liveness, 0)).toBeGreaterThanOrEqual(2 * readiness.periodSeconds * readiness.failureThreshold);
    }));
  });

  it("refuses health check timings a target group cannot have, naming the field", () => {
    const alb = { healthCheckIntervalSeconds: 10, healthCheckTimeoutSeconds: 5, unhealthyThreshold: 3 };
    expect(() => planProbes({ ...alb, healthCheckIntervalSeconds: 4 })).toThrow(/^healthCheckIntervalSeconds 4 must be 5 to 300/);
    expect(() => planProbes({ ...alb, healthCheckTimeoutSeconds: 10 })).toThrow(/^healthCheckTimeoutSeconds 10 must be 2 to 120 and below healthCheckIntervalSeconds \(10\)/);
    expect(() => planProbes({ ...alb, unhealthyThreshold: 1 })).toThrow(/^unhealthyThreshold 1 must be 2 to 10/);
  });
});
