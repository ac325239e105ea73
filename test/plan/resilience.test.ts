import { describe, expect, it } from "vitest";
import { capacityFigure, computeResilience, databaseFigure, dnsFailoverFigure, singlePointsOfFailure } from "../../tools/plan/resilience";
import { HealthCheckInfo, NodePoolInfo, readTopology, RecordInfo } from "../../tools/plan/topology";
import { auroraCluster, network, planStack, resource } from "./resources";

const check = (type: string, requestIntervalSeconds: number, failureThreshold: number): HealthCheckInfo => ({ urn: `urn:${type}`, name: type, id: `hc-${type}`, type, requestIntervalSeconds, failureThreshold });
const aliasRecord: RecordInfo = { urn: "urn:r", name: "app", recordName: "app.prod.example.com", recordType: "A", routing: "latency", failoverRole: null, setIdentifier: "us-east-1", alias: true, ttlSeconds: null, healthCheckId: "hc-HTTPS" };
const pool = (region: string, maxSize: number): NodePoolInfo => ({ urn: `urn:${region}:${maxSize}`, name: `${region}-nodes`, kind: "autoscaling", minSize: 3, maxSize, desiredSize: 3, azs: [`${region}a`, `${region}b`, `${region}c`], subnetCount: 3 });

describe("worst-case DNS failover", () => {
  it("adds the slowest endpoint check's detection to the alias target's 60 s TTL", () => {
    // 2 × (30 s + 8 s: a string-matching check also waits for the body) = 76 s is slower than 3 × (10 s + 6 s) = 48 s.
    const figure = dnsFailoverFigure([check("HTTPS", 10, 3), check("HTTPS_STR_MATCH", 30, 2)], [aliasRecord], { failoverBudgetSeconds: 136 });
    expect(figure).toMatchObject({ source: "resources", requestIntervalSeconds: 30, failureThreshold: 2, detectionSeconds: 76, ttlSeconds: 60, worstCaseSeconds: 136, withinBudget: true });
  });

  it("ignores checks that poll nothing (calculated, ARC) and uses a plain record's own TTL", () => {
    const plain = { ...aliasRecord, alias: false, ttlSeconds: 300 };
    const figure = dnsFailoverFigure([check("CALCULATED", 30, 10), check("RECOVERY_CONTROL", 30, 10), check("HTTPS", 10, 3)], [plain], { failoverBudgetSeconds: 20 });
    expect(figure).toMatchObject({ detectionSeconds: 48, ttlSeconds: 300, worstCaseSeconds: 348, healthChecks: 1, withinBudget: false });
  });

  it("falls back to the environment settings when no health check is planned, and says so", () => {
    const figure = dnsFailoverFigure([], [], { healthCheckIntervalSeconds: 30, healthCheckFailureThreshold: 3, dnsRecordTtlSeconds: 120, failoverBudgetSeconds: 240 });
    expect(figure).toMatchObject({ source: "settings", detectionSeconds: 108, ttlSeconds: 120, worstCaseSeconds: 228, withinBudget: true });
  });

  it("judges the budget by the whole failover, the cached answer's TTL included (as the policy failover-time-budget does)", () => {
    // Detection alone (108 s) fits 120 s; with the alias target's 60 s TTL the failover does not.
    const figure = dnsFailoverFigure([check("HTTPS", 30, 3)], [aliasRecord], { failoverBudgetSeconds: 120 });
    expect(figure).toMatchObject({ detectionSeconds: 108, worstCaseSeconds: 168, withinBudget: false });
  });

  it("stays unknown without checks or settings, and when a check holds a value Route 53 refuses", () => {
    expect(dnsFailoverFigure([], []).source).toBe("none");
    expect(dnsFailoverFigure([check("HTTPS", 15, 3)], [aliasRecord]).worstCaseSeconds).toBeNull();
    // Not computable is not over the budget: the policy pack reports the refused value instead.
    expect(dnsFailoverFigure([check("HTTPS", 15, 3)], [aliasRecord], { failoverBudgetSeconds: 120 }).withinBudget).toBeNull();
  });
});

describe("capacity after losing the largest region", () => {
  it("sums the other regions' maximum sizes and compares them with the configured peak", () => {
    const pools = { "us-east-1": [pool("us-east-1", 24), pool("us-east-1", 6)], "us-west-2": [pool("us-west-2", 24)], "eu-west-1": [pool("eu-west-1", 12)] };
    expect(capacityFigure(pools, { globalPeakNodes: 36 })).toMatchObject({ source: "resources", largestRegion: "us-east-1", totalMaxNodes: 66, afterLosingLargestRegion: 36, sufficient: true });
    expect(capacityFigure(pools, { globalPeakNodes: 37 }).sufficient).toBe(false);
  });

  it("answers the load multiple from the pools' maxima and the service's autoscaler, taking today's peak from the desired sizes when globalPeakNodes is 0", () => {
    const pools = { "us-east-1": [pool("us-east-1", 12)], "eu-west-1": [pool("eu-west-1", 12)] };
    const load = capacityFigure(pools, { loadPeakMultiplier: 10, serviceReplicas: 3, peakServiceReplicas: 4, serviceMaxReplicas: 12 }).load!;
    // Desired sizes 3 + 3: today's peak 6 nodes, 10× = 60, 30 per region against 12 (4×); 12 replicas for 4 at peak (3×).
    expect(load).toMatchObject({ peakSource: "desiredSize", peakNodes: 6, requiredNodes: 60, maximumAllows: false, requiredReplicas: 40 });
    expect(load.ceilings.map((c) => [c.limit, c.atMultiple])).toEqual([["service-autoscaler-maximum", 3], ["node-pool-maximum", 4]]);
    expect(capacityFigure(pools, { globalPeakNodes: 4, loadPeakMultiplier: 2 }).load).toMatchObject({ peakSource: "globalPeakNodes", requiredNodes: 8, maximumAllows: true, firstToFail: null });
    expect(capacityFigure({ "us-east-1": [] }, {}).load).toBeNull();
  });

  it("uses nodeMaxSize per region from the settings when no pool is planned, and judges nothing without a peak", () => {
    const figure = capacityFigure({ "us-east-1": [] }, { regions: ["us-east-1", "us-west-2", "eu-west-1"], nodeMaxSize: 24, globalPeakNodes: 0 });
    expect(figure).toMatchObject({ source: "settings", afterLosingLargestRegion: 48, peakNodes: null, sufficient: null });
  });
});

describe("single points of failure", () => {
  it("flags one NAT gateway for a VPC in three AZs, not one per AZ", () => {
    const single = readTopology([planStack("dev", "region", "us-east-1", network("single", "us-east-1", ["a", "b", "c"], ["a"]))]);
    const perAz = readTopology([planStack("dev", "region", "us-east-1", network("perAz", "us-east-1", ["a", "b", "c"], ["a", "b", "c"]))]);
    expect(singlePointsOfFailure(single.regions)).toEqual([expect.objectContaining({ kind: "single-nat-gateway", urn: expect.stringContaining("single-vpc") })]);
    expect(singlePointsOfFailure(perAz.regions)).toEqual([]);
  });

  it("flags node pools confined to one AZ, by their subnets' AZs", () => {
    const resources = [
      ...network("n", "us-east-1", ["a", "b", "c"], ["a", "b", "c"]),
      resource("aws:autoscaling/group:Group", "one-az", { minSize: 1, maxSize: 3, vpcZoneIdentifiers: ["subnet-n-b"] }),
      resource("aws:autoscaling/group:Group", "three-az", { minSize: 3, maxSize: 9, vpcZoneIdentifiers: ["subnet-n-a", "subnet-n-b", "subnet-n-c"] }),
      resource("aws:eks/nodeGroup:NodeGroup", "managed-one-az", { scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 }, subnetIds: ["subnet-n-a", "subnet-n-a"] }),
    ];
    const found = singlePointsOfFailure(readTopology([planStack("dev", "region", "us-east-1", resources)]).regions);
    expect(found.map((f) => [f.kind, f.urn.split("::").pop()])).toEqual([["single-az-node-pool", "one-az"], ["single-az-node-pool", "managed-one-az"]]);
    expect(found[0].message).toContain("us-east-1b");
  });

  it("flags Aurora clusters with fewer than two instances", () => {
    const resources = [...auroraCluster("lonely", "us-east-1", "primary", ["a"]), ...auroraCluster("paired", "us-east-1", "primary", ["a", "b"])];
    const found = singlePointsOfFailure(readTopology([planStack("dev", "region", "us-east-1", resources)]).regions);
    expect(found).toEqual([expect.objectContaining({ kind: "single-instance-db-cluster", urn: expect.stringContaining("::lonely") })]);
  });
});

describe("database figures", () => {
  const stacks = [
    planStack("prod", "global", "us-east-1", [resource("aws:rds/globalCluster:GlobalCluster", "global", { globalClusterIdentifier: "prod-global", engine: "aurora-postgresql" }, { stack: "prod" })]),
    planStack("prod-us-east-1", "region", "us-east-1", [
      ...auroraCluster("db-use1", "us-east-1", "primary", ["a", "b", "c"], "prod-us-east-1"),
      resource("aws:rds/clusterParameterGroup:ClusterParameterGroup", "db-params", { parameters: [{ name: "rds.global_db_rpo", value: "30" }] }, { stack: "prod-us-east-1" }),
    ]),
    planStack("prod-eu-west-1", "region", "eu-west-1", auroraCluster("db-euw1", "eu-west-1", "secondary", ["a", "b"], "prod-eu-west-1")),
  ];

  it("tells primary from secondary members and counts their instances and AZs", () => {
    const figure = databaseFigure(readTopology(stacks).regions, 1, { dbGlobalRpoSeconds: 0 });
    expect(figure.members.map((m) => [m.region, m.role, m.instances, m.azs.length])).toEqual([["us-east-1", "primary", 3, 3], ["eu-west-1", "secondary", 2, 2]]);
    expect(figure).toMatchObject({ source: "resources", engine: "aurora-postgresql", rpo: "typically seconds", rto: "in the order of minutes", globalClusters: 1 });
  });

  it("reports rds.global_db_rpo from the parameter group over the settings", () => {
    expect(databaseFigure(readTopology(stacks).regions, 1, { dbGlobalRpoSeconds: 60 }).configuredRpoSeconds).toBe(30);
    expect(databaseFigure([], 0, { dbEngine: "aurora-postgresql", dbGlobalRpoSeconds: 60 })).toMatchObject({ source: "settings", configuredRpoSeconds: 60 });
  });

  it("puts the environment's regions in its order, with AZs and the primary named", () => {
    const r = computeResilience(readTopology(stacks, ["us-east-1", "eu-west-1"]), { regions: ["us-east-1", "eu-west-1"] });
    expect(r.regions.list.map((f) => [f.region, f.role])).toEqual([["us-east-1", "primary"], ["eu-west-1", "secondary"]]);
  });
});
