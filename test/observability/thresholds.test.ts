import { describe, expect, it } from "vitest";
import {
  connectionsThreshold,
  DEFAULT_OBJECTIVES,
  defaultMaxConnections,
  failoverGrowthFactor,
  globalLagMetric,
  instanceMemoryGiB,
  nodesPerRegionAfterLoss,
  objectiveProblems,
  replicationLagThresholdMs,
} from "../../components/observability/thresholds";

describe("replication lag against the RPO", () => {
  it("pages at half the RPO objective, or half of rds.global_db_rpo when that is tighter", () => {
    expect(replicationLagThresholdMs(60)).toBe(30_000);
    expect(replicationLagThresholdMs(60, 20)).toBe(10_000);
    expect(replicationLagThresholdMs(10, 20)).toBe(5000);
    expect(replicationLagThresholdMs(60, 0)).toBe(30_000);
  });

  it("watches AuroraGlobalDBRPOLag where AWS publishes it, AuroraGlobalDBReplicationLag on older Aurora MySQL", () => {
    expect(globalLagMetric("aurora-postgresql", "16.6")).toBe("AuroraGlobalDBRPOLag");
    expect(globalLagMetric("aurora-mysql", "8.0.mysql_aurora.3.05.2")).toBe("AuroraGlobalDBRPOLag");
    expect(globalLagMetric("aurora-mysql", "8.0.mysql_aurora.3.04.0")).toBe("AuroraGlobalDBRPOLag");
    expect(globalLagMetric("aurora-mysql", "8.0.mysql_aurora.3.03.1")).toBe("AuroraGlobalDBReplicationLag");
    expect(globalLagMetric("aurora-mysql", "5.7.mysql_aurora.2.12.0")).toBe("AuroraGlobalDBRPOLag");
    expect(globalLagMetric("aurora-mysql", "5.7.mysql_aurora.2.11.2")).toBe("AuroraGlobalDBReplicationLag");
  });
});

describe("capacity after losing a region", () => {
  it("grows each survivor by R/(R−1)", () => {
    expect(failoverGrowthFactor(2)).toBe(2);
    expect(failoverGrowthFactor(3)).toBe(1.5);
    expect(failoverGrowthFactor(4)).toBeCloseTo(1.3333, 4);
    expect(() => failoverGrowthFactor(1)).toThrow(/at least two regions/);
  });

  it("needs ceil(peak / (R−1)) nodes per surviving region", () => {
    expect(nodesPerRegionAfterLoss(36, 3)).toBe(18);
    expect(nodesPerRegionAfterLoss(37, 3)).toBe(19);
    expect(nodesPerRegionAfterLoss(10, 2)).toBe(10);
  });
});

describe("database connections", () => {
  it("knows the memory of memory-optimized classes", () => {
    expect(instanceMemoryGiB("db.r7g.large")).toBe(16);
    expect(instanceMemoryGiB("db.r6i.2xlarge")).toBe(64);
    expect(instanceMemoryGiB("db.x2g.xlarge")).toBe(64);
    expect(instanceMemoryGiB("db.t4g.medium")).toBeUndefined();
  });

  it("estimates the default max_connections per engine and warns at 80 % of it", () => {
    expect(defaultMaxConnections("aurora-postgresql", "db.r7g.large")).toBe(1802);
    expect(defaultMaxConnections("aurora-postgresql", "db.r7g.16xlarge")).toBe(5000);
    expect(defaultMaxConnections("aurora-mysql", "db.r7g.2xlarge")).toBe(3000);
    expect(connectionsThreshold("aurora-postgresql", "db.r7g.large")).toBe(1441);
    expect(connectionsThreshold("aurora-postgresql", "db.serverless")).toBeUndefined();
  });
});

describe("objectives", () => {
  it("accepts the defaults and names every bad field", () => {
    expect(objectiveProblems(DEFAULT_OBJECTIVES)).toEqual([]);
    const problems = objectiveProblems({ ...DEFAULT_OBJECTIVES, availabilityPercent: 90, latencyThresholdMs: -1, sloWindowDays: 365, rpoSeconds: 0, nodeCpuPercent: 150 });
    expect(problems.map((p) => p.field)).toEqual(["availabilityPercent", "latencyThresholdMs", "sloWindowDays", "rpoSeconds", "nodeCpuPercent"]);
    expect(problems[0].message).toMatch(/could never fire/);
  });
});
