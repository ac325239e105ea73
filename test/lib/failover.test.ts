import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ALB_ALIAS_TTL_SECONDS, worstCaseDnsFailoverSeconds } from "../../components/lib/failover";

describe("worstCaseDnsFailoverSeconds", () => {
  it("is 3 × (10 s + the HTTPS check's 6 s timeout) + the ALB alias TTL = 108 s for the defaults", () => {
    // The interval runs from an answer to the next request: against an endpoint that stopped
    // answering, each check waits out its timeout (4 s to connect, 2 s for the status) first.
    expect(worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 3, recordTtlSeconds: ALB_ALIAS_TTL_SECONDS })).toBe(108);
    expect(worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 3, recordTtlSeconds: 0, healthCheckType: "TCP" })).toBe(60);
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
