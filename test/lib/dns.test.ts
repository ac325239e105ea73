import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AWS_REGIONS } from "../../components/lib/regions";
import { ALB_ALIAS_TTL_SECONDS } from "../../components/lib/failover";
import { dnsFailoverFigure, failoverRoleOf, planFailoverRecords, resolveHealthCheck, ROUTE53_CHECKER_REGIONS } from "../../components/lib/dns";

const regionLists = fc.uniqueArray(fc.constantFrom(...Object.keys(AWS_REGIONS)), { minLength: 2, maxLength: 11 });

describe("planFailoverRecords", () => {
  it("gives the primary database region PRIMARY, the first secondary SECONDARY, the rest nothing", () => {
    expect(planFailoverRecords(["us-east-1", "us-west-2", "eu-west-1"])).toEqual([
      { region: "us-east-1", role: "PRIMARY" },
      { region: "us-west-2", role: "SECONDARY" },
      { region: "eu-west-1", role: undefined },
    ]);
  });

  it("publishes exactly one PRIMARY (the first region) and one SECONDARY for any environment of 2 to 11 regions", () => {
    fc.assert(fc.property(regionLists, (regions) => {
      const plan = planFailoverRecords(regions);
      expect(plan.map((p) => p.region)).toEqual(regions);
      expect(plan.filter((p) => p.role === "PRIMARY").map((p) => p.region)).toEqual([regions[0]]);
      expect(plan.filter((p) => p.role === "SECONDARY")).toHaveLength(1);
      expect(failoverRoleOf(regions, regions[1])).toBe("SECONDARY");
    }));
  });

  it("lets a single-region environment publish a PRIMARY alone", () => {
    expect(planFailoverRecords(["eu-west-1"])).toEqual([{ region: "eu-west-1", role: "PRIMARY" }]);
  });

  it("refuses an empty or repeating region list and an unknown region", () => {
    expect(() => planFailoverRecords([])).toThrow(/at least one region/);
    expect(() => planFailoverRecords(["us-east-1", "us-west-2", "us-east-1"])).toThrow(/us-east-1 is listed twice/);
    expect(() => failoverRoleOf(["us-east-1", "us-west-2"], "eu-west-1")).toThrow(/not one of the environment's regions/);
  });
});

describe("resolveHealthCheck", () => {
  it("defaults to /healthz on 443 every 10 s, 3 failures, from three checker regions", () => {
    expect(resolveHealthCheck()).toEqual({ path: "/healthz", intervalSeconds: 10, failureThreshold: 3, regions: ["us-east-1", "us-west-2", "eu-west-1"], port: 443 });
  });

  it("keeps what the caller gives and fills in the rest", () => {
    const settings = resolveHealthCheck({ intervalSeconds: 30, regions: ["sa-east-1", "ap-southeast-1", "ap-northeast-1", "us-west-1"], path: undefined });
    expect(settings.intervalSeconds).toBe(30);
    expect(settings.regions).toEqual(["sa-east-1", "ap-southeast-1", "ap-northeast-1", "us-west-1"]);
    expect(settings.path).toBe("/healthz");
  });

  it("refuses what Route 53 refuses, naming the field", () => {
    expect(() => resolveHealthCheck({ intervalSeconds: 15 })).toThrow(/intervalSeconds 15: Route 53 accepts only 10 or 30/);
    for (const threshold of [0, 11, 2.5]) expect(() => resolveHealthCheck({ failureThreshold: threshold })).toThrow(/failureThreshold .*1 to 10/);
    expect(() => resolveHealthCheck({ regions: ["us-east-1", "us-west-2"] })).toThrow(/at least 3 distinct checker regions/);
    expect(() => resolveHealthCheck({ regions: ["us-east-1", "us-west-2", "us-west-2"] })).toThrow(/at least 3 distinct/);
    expect(() => resolveHealthCheck({ regions: ["us-east-1", "us-west-2", "eu-central-1"] })).toThrow(/eu-central-1 is not a Route 53 checker region/);
    expect(() => resolveHealthCheck({ regions: ["us-east-1", "us-west-2", "eu-west1"] })).toThrow(/did you mean eu-west-1/);
    expect(() => resolveHealthCheck({ path: "healthz" })).toThrow(/must start with "\/"/);
    expect(() => resolveHealthCheck({ port: 70000 })).toThrow(/port 70000/);
  });

  it("accepts every valid combination", () => {
    fc.assert(fc.property(
      fc.constantFrom(10, 30), fc.integer({ min: 1, max: 10 }), fc.uniqueArray(fc.constantFrom(...ROUTE53_CHECKER_REGIONS), { minLength: 3 }),
      (intervalSeconds, failureThreshold, regions) => {
        expect(resolveHealthCheck({ intervalSeconds, failureThreshold, regions })).toMatchObject({ intervalSeconds, failureThreshold, regions });
      },
    ));
  });
});

describe("dnsFailoverFigure", () => {
  it("is 3 checks of 10 s + the HTTPS check's 6 s timeout, + the ALB alias TTL, for the defaults", () => {
    const figure = dnsFailoverFigure();
    expect(figure).toEqual({ detectionSeconds: 48, ttlSeconds: ALB_ALIAS_TTL_SECONDS, worstCaseSeconds: 48 + ALB_ALIAS_TTL_SECONDS });
    expect(figure.worstCaseSeconds).toBe(108);
  });

  it("follows the health-check settings and the TTL", () => {
    expect(dnsFailoverFigure({ intervalSeconds: 30, failureThreshold: 3 }).worstCaseSeconds).toBe(168);
    expect(dnsFailoverFigure({ failureThreshold: 1 }, 0).worstCaseSeconds).toBe(16);
    expect(() => dnsFailoverFigure({ intervalSeconds: 20 })).toThrow(/10 or 30/);
  });
});
