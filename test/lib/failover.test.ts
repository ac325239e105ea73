import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ALB_ALIAS_TTL_SECONDS, worstCaseDnsFailoverSeconds } from "../../components/lib/failover";

describe("worstCaseDnsFailoverSeconds", () => {
  it("is 10 s x 3 + the ALB alias TTL = 90 s for the defaults", () => {
    expect(worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 3, recordTtlSeconds: ALB_ALIAS_TTL_SECONDS })).toBe(90);
  });
  it("grows with each input and never undercuts detection plus TTL", () => {
    fc.assert(fc.property(fc.constantFrom(10, 30), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 3600 }), (i, t, ttl) => {
      const base = worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: i, healthCheckFailureThreshold: t, recordTtlSeconds: ttl });
      expect(base).toBeGreaterThanOrEqual(i * t + ttl);
      if (t < 10) expect(worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: i, healthCheckFailureThreshold: t + 1, recordTtlSeconds: ttl })).toBeGreaterThan(base);
    }));
  });
  it("refuses values Route 53 does not accept", () => {
    expect(() => worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: 15, healthCheckFailureThreshold: 3, recordTtlSeconds: 60 })).toThrow(/10 or 30/);
    expect(() => worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 11, recordTtlSeconds: 60 })).toThrow(/1 to 10/);
  });
});
