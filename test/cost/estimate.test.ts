/**
 * The estimate's arithmetic on small, hand-made inputs: every figure below is worked out from the
 * fixture table, so a change to a price moves the estimate by exactly price × quantity.
 */
import { describe, expect, it } from "vitest";
import { estimateCost, figuresOf, loadPriceTable, type CostResource } from "../../policies/cost";
import { HOURS, pool, res, table, usage } from "./fixtures";

const SPOT = usage({ spotDiscountPercent: 60, natGatewayGbPerMonth: 100 });
const total = (resources: CostResource[], t = table(), u = SPOT) => figuresOf(estimateCost(resources, t, u).lines);

describe("a mixed-instances node pool", () => {
  // 9 desired, 24 max, 6 On-Demand base, 50% On-Demand above it: 8 + 1 Spot at desired, 15 + 9 at max.
  const resources = pool("nodes", { desired: 9, max: 24, base: 6, percent: 50 });

  it("prices On-Demand on the first override, Spot at the overrides' mean less the discount, disks and detailed monitoring per node", () => {
    const meanSpotHourly = ((0.1 + 0.05) / 2) * 0.4;
    const baseline = 8 * HOURS * 0.1 + 1 * HOURS * meanSpotHourly + 9 * 50 * 0.08 + 9 * 7 * 0.3;
    const ceiling = 15 * HOURS * 0.1 + 9 * HOURS * meanSpotHourly + 24 * 50 * 0.08 + 24 * 7 * 0.3;
    const figures = total(resources);
    expect(figures.baselineUsd).toBeCloseTo(baseline, 2);
    expect(figures.ceilingUsd).toBeCloseTo(ceiling, 2);
    expect(figures.fixedUsd).toBeCloseTo(baseline, 2);
    expect(figures.usageUsd).toBe(0);
  });

  it("moves by exactly the price change times the instance-hours it applies to", () => {
    const before = total(resources);
    const after = total(resources, table({ "ec2.instance.m.large": { unit: "hour", description: "x", source: "test", asOf: "2025-02", origin: "knowledge", confidence: "high", regions: { "us-east-1": 0.11 } } }));
    // m.large carries the 8 (15) On-Demand nodes and half of the 1 (9) Spot nodes at 40% of its price.
    expect(after.baselineUsd - before.baselineUsd).toBeCloseTo(0.01 * HOURS * (8 + 0.5 * 0.4), 1);
    expect(after.ceilingUsd - before.ceilingUsd).toBeCloseTo(0.01 * HOURS * (15 + 4.5 * 0.4), 1);
  });

  it("reports the Spot share at desired capacity and at the maximum", () => {
    const [figure] = estimateCost(resources, table(), SPOT).pools;
    expect(figure.baseline).toMatchObject({ onDemand: 8, spot: 1 });
    expect(figure.ceiling).toMatchObject({ onDemand: 15, spot: 9, spotPercent: 37.5 });
  });

  it("takes the spot discount from the usage assumptions and names it on the line", () => {
    const deeper = total(resources, table(), usage({ spotDiscountPercent: 70 }));
    expect(total(resources).baselineUsd - deeper.baselineUsd).toBeCloseTo(1 * HOURS * 0.075 * 0.1, 1);
    const spotLine = estimateCost(resources, table(), SPOT).lines.find((l) => l.what.includes("Spot"))!;
    expect(spotLine.assumptions).toEqual(["spotDiscountPercent"]);
  });

  it("uses each region's own prices", () => {
    const eu = pool("eu-nodes", { desired: 2, max: 2, base: 2, percent: 100 }, "eu-west-1");
    expect(total(eu).baselineUsd).toBeCloseTo(2 * HOURS * 0.12 + 2 * 50 * 0.1 + 2 * 7 * 0.3, 2);
  });
});

describe("the EKS control plane, by support type", () => {
  const withExtended = table({ "eks.cluster.extended-support.hour": { unit: "hour", description: "x", source: "test", asOf: "2025-01", origin: "knowledge", confidence: "high", regions: { any: 0.5 } } });
  const cluster = (supportType?: string) => res("aws:eks/cluster:Cluster", "eks", supportType ? { upgradePolicy: { supportType } } : {});

  it("prices STANDARD at the cluster hour alone, and EXTENDED with the extended-support surcharge, saying when EKS bills it", () => {
    expect(total([cluster("STANDARD")], withExtended).baselineUsd).toBeCloseTo(0.1 * HOURS, 6);
    expect(total([cluster("EXTENDED")], withExtended).baselineUsd).toBeCloseTo((0.1 + 0.5) * HOURS, 6);
    const extended = estimateCost([cluster("EXTENDED")], withExtended, SPOT);
    expect(extended.lines.map((l) => l.item)).toEqual(["eks.cluster.hour", "eks.cluster.extended-support.hour"]);
    expect(extended.notes).toEqual([{ urn: cluster().urn, message: expect.stringMatching(/^eks: upgradePolicy EXTENDED .*past its standard support/) }]);
    expect(estimateCost([cluster("STANDARD")], withExtended, SPOT).notes).toEqual([]);
  });

  it("prices a cluster without upgradePolicy at the cluster hour, with a note that AWS applies EXTENDED", () => {
    const unset = estimateCost([cluster()], withExtended, SPOT);
    expect(figuresOf(unset.lines).baselineUsd).toBeCloseTo(0.1 * HOURS, 6);
    expect(unset.notes.map((n) => n.message)).toEqual([expect.stringMatching(/no upgradePolicy: AWS applies EXTENDED/)]);
  });

  it("in the committed table, an EXTENDED cluster costs AWS's published total, $0.60 per cluster hour (6 times STANDARD)", () => {
    const committed = loadPriceTable();
    const hourly = (supportType: string) => total([cluster(supportType)], committed).baselineUsd / committed.hoursPerMonth;
    expect(hourly("STANDARD")).toBeCloseTo(0.1, 6);
    expect(hourly("EXTENDED")).toBeCloseTo(0.6, 6);
  });
});

describe("what cannot be priced is reported, never counted as zero", () => {
  it("a type without a pricing rule", () => {
    const estimate = estimateCost([res("aws:foo/bar:Bar", "mystery")], table(), SPOT);
    expect(estimate.lines).toEqual([]);
    expect(estimate.unpriced).toEqual([expect.objectContaining({ name: "mystery", reason: expect.stringContaining("no pricing rule for aws:foo/bar:Bar") })]);
  });

  it("a region the table has no figure for, and an item it lacks", () => {
    const estimate = estimateCost([res("aws:ec2/natGateway:NatGateway", "nat", {}, { region: "ap-south-1" }), res("kubernetes:core/v1:Service", "lb", { spec: { type: "LoadBalancer" } })], table(), SPOT);
    expect(estimate.lines).toEqual([]);
    expect(estimate.unpriced.map((u) => u.reason)).toEqual([
      expect.stringContaining("no vpc.nat-gateway.hour price for ap-south-1"),
      expect.stringContaining("no vpc.nat-gateway.gb price for ap-south-1"),
      expect.stringContaining("elb.nlb.hour is not in the price table"),
      expect.stringContaining("elb.nlb.nlcu-hour is not in the price table"),
    ]);
  });

  it("lists what costs nothing of its own with the reason, apart from the unpriced", () => {
    const estimate = estimateCost([res("aws:iam/role:Role", "role"), res("aws:ec2/vpc:Vpc", "vpc"), res("kubernetes:core/v1:ConfigMap", "cm")], table(), SPOT);
    expect(estimate.unpriced).toEqual([]);
    expect(estimate.free.map((f) => f.type)).toEqual(["aws:ec2/vpc:Vpc", "aws:iam/role:Role", "kubernetes:core/v1:ConfigMap"]);
  });
});

describe("usage-based items", () => {
  it("NAT gateways: hours plus the assumed data processed, split fixed and usage", () => {
    const figures = total([res("aws:ec2/natGateway:NatGateway", "nat")]);
    expect(figures.fixedUsd).toBeCloseTo(HOURS * 0.045, 2);
    expect(figures.usageUsd).toBeCloseTo(100 * 0.045, 2);
  });

  it("tiered prices apply tier by tier (AMP ingestion)", () => {
    const workspace = [res("aws:amp/workspace:Workspace", "amp")];
    const only = (u: ReturnType<typeof usage>) => estimateCost(workspace, table(), u).lines.find((l) => l.item === "amp.ingestion.million-samples")!;
    // 1,000 series every 36 s: 73 million samples, all in the first tier.
    expect(only(usage({ ampActiveSeries: 1000, ampScrapeIntervalSeconds: 36 })).baselineUsd).toBeCloseTo(73 * 0.1, 4);
    // 10,000 series: 730 million, 100 at the first tier's price and 630 at the second's.
    expect(only(usage({ ampActiveSeries: 10000, ampScrapeIntervalSeconds: 36 })).baselineUsd).toBeCloseTo(100 * 0.1 + 630 * 0.01, 4);
  });
});

describe("Aurora global database", () => {
  const primary = res("aws:rds/cluster:Cluster", "primary", { clusterIdentifier: "db-use1", engine: "aurora-postgresql", globalClusterIdentifier: "g", masterUsername: "admin" }, { ids: ["db-use1"] });
  const secondary = res("aws:rds/cluster:Cluster", "secondary", { clusterIdentifier: "db-euw1", engine: "aurora-postgresql", globalClusterIdentifier: "g" }, { region: "eu-west-1", ids: ["db-euw1"] });
  const instances = ["a", "b"].flatMap((s) => [
    res("aws:rds/clusterInstance:ClusterInstance", `use1-${s}`, { clusterIdentifier: "db-use1", instanceClass: "db.r.large", engine: "aurora-postgresql" }),
    res("aws:rds/clusterInstance:ClusterInstance", `euw1-${s}`, { clusterIdentifier: "db-euw1", instanceClass: "db.r.large", engine: "aurora-postgresql" }, { region: "eu-west-1" }),
  ]);
  const u = usage({ auroraStorageGb: 100, auroraIoMillionsPerMonth: 50, auroraSecondaryReadIoMillionsPerMonth: 10, auroraWriteIoMillionsPerMonth: 20, auroraReplicationGbPerMonth: 30, auroraBackupBillableGb: 0 });

  it("prices instances by engine and class, storage and I/O per member, replicated writes and traffic on the secondary", () => {
    const estimate = estimateCost([primary, secondary, ...instances], table(), u);
    const byRegion = (region: string) => figuresOf(estimate.lines.filter((l) => l.region === region)).baselineUsd;
    expect(byRegion("us-east-1")).toBeCloseTo(2 * HOURS * 0.5 + 100 * 0.1 + 50 * 0.2, 2);
    expect(byRegion("eu-west-1")).toBeCloseTo(2 * HOURS * 0.6 + 100 * 0.11 + 10 * 0.22 + 20 * 0.22 + 30 * 0.02, 2);
    expect(estimate.unpriced).toEqual([]);
  });

  it("adds the readers that reader autoscaling may add, at the ceiling only", () => {
    const target = res("aws:appautoscaling/target:Target", "readers", { scalableDimension: "rds:cluster:ReadReplicaCount", resourceId: "cluster:db-use1", maxCapacity: 4 });
    const without = total([primary, secondary, ...instances], table(), u);
    const withTarget = total([primary, secondary, ...instances, target], table(), u);
    expect(withTarget.baselineUsd).toBeCloseTo(without.baselineUsd, 2);
    // The primary has 1 reader; autoscaling may grow it to 4.
    expect(withTarget.ceilingUsd - without.ceilingUsd).toBeCloseTo(3 * HOURS * 0.5, 1);
  });
});

describe("Route 53 and ARC are global", () => {
  it("reports them under global, with health-check options priced per feature", () => {
    const estimate = estimateCost(
      [
        res("aws:route53/zone:Zone", "zone", {}, { region: "us-east-1" }),
        res("aws:route53/healthCheck:HealthCheck", "alb", { type: "HTTPS", fqdn: "x.us-east-1.elb.amazonaws.com", requestInterval: 10, measureLatency: true }),
        res("aws:route53/healthCheck:HealthCheck", "outside", { type: "HTTP", fqdn: "api.example.org", requestInterval: 30 }),
        res("aws:route53recoverycontrol/cluster:Cluster", "arc", {}, { region: "us-west-2" }),
      ],
      table(),
      SPOT,
    );
    expect(new Set(estimate.lines.map((l) => l.region))).toEqual(new Set(["global"]));
    const of = (name: string) => figuresOf(estimate.lines.filter((l) => l.name === name)).baselineUsd;
    expect(of("alb")).toBeCloseTo(0.5 + 3 * 1, 4); // HTTPS, 10 s interval, latency measurement
    expect(of("outside")).toBeCloseTo(0.75, 4);
    expect(of("arc")).toBeCloseTo(HOURS * 2.5, 2);
  });
});

describe("a Global Datastore secondary", () => {
  const t = table({
    "elasticache.node.cache.r.large": { unit: "hour", description: "x", source: "test", asOf: "2025-01", origin: "knowledge", confidence: "high", regions: { "us-east-1": 0.2, "eu-west-1": 0.25 } },
    "elasticache.valkey.node-ratio": { unit: "ratio", description: "x", source: "test", asOf: "2025-01", origin: "knowledge", confidence: "high", regions: { any: 0.8 } },
  });
  const datastore = res("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "datastore", { cacheNodeType: "cache.r.large", engine: "valkey" }, { region: "us-east-1", stack: "home", ids: ["abcde-prod-cache"] });
  // A secondary may not set its node type or engine (the provider refuses them): the datastore's apply.
  const secondary = res("aws:elasticache/replicationGroup:ReplicationGroup", "secondary", { numCacheClusters: 2, globalReplicationGroupId: "abcde-prod-cache" }, { region: "eu-west-1", stack: "eu" });

  it("is priced at the datastore's node type and engine, in its own region", () => {
    const estimate = estimateCost([datastore, secondary], t, SPOT);
    expect(estimate.unpriced).toEqual([]);
    const node = estimate.lines.find((l) => l.what.includes("cache.r.large"))!;
    expect(node.what).toBe("2 × cache.r.large valkey");
    expect(figuresOf([node]).baselineUsd).toBeCloseTo(2 * HOURS * 0.25 * 0.8, 2);
  });

  it("stays unpriced, never zero, when the datastore is not in the plan", () => {
    expect(estimateCost([secondary], t, SPOT).unpriced).toEqual([expect.objectContaining({ name: "secondary", reason: "no nodeType" })]);
  });
});

describe("DynamoDB replicas declared as TableReplica resources (provisioned global tables)", () => {
  const entry = (unit: string, usd: number) => ({ unit, description: unit, source: "test", asOf: "2025-01", origin: "knowledge", confidence: "high", regions: { "us-east-1": usd, "eu-west-1": usd * 1.1 } });
  const prices = table({
    "dynamodb.provisioned.wcu-hour": entry("WCU-hour", 0.00065),
    "dynamodb.provisioned.replicated-wcu-hour": entry("WCU-hour", 0.00075),
    "dynamodb.provisioned.rcu-hour": entry("RCU-hour", 0.00013),
    "dynamodb.on-demand.write.million": entry("million requests", 0.625),
    "dynamodb.on-demand.replicated-write.million": entry("million requests", 0.9375),
    "dynamodb.on-demand.read.million": entry("million requests", 0.125),
    "dynamodb.storage.gb-month": entry("GB-month", 0.25),
    "dynamodb.pitr.gb-month": entry("GB-month", 0.2),
  });
  const arn = "arn:aws:dynamodb:us-east-1:123456789012:table/prod-catalog";
  const catalog = res("aws:dynamodb/table:Table", "catalog", { name: "prod-catalog", billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 2, pointInTimeRecovery: { enabled: true } }, { ids: ["prod-catalog", arn] });
  const replica = (link: "dependency" | "arn" | "none") =>
    res("aws:dynamodb/tableReplica:TableReplica", "catalog-eu-west-1-replica", { region: "eu-west-1", globalTableArn: link === "none" ? "arn:aws:dynamodb:us-east-1:123456789012:table/elsewhere" : arn, pointInTimeRecovery: true }, {
      region: "eu-west-1",
      dependencies: link === "dependency" ? { globalTableArn: [catalog.urn] } : {},
    });
  const replicaLines = (resources: CostResource[]) => estimateCost(resources, prices, usage()).lines.filter((l) => l.type === "aws:dynamodb/tableReplica:TableReplica");

  it("bills the replica as its provisioned table is billed: replicated WCU and RCU at the table's capacity, in the replica's region", () => {
    for (const link of ["dependency", "arn"] as const) {
      const lines = replicaLines([catalog, replica(link)]);
      expect(lines.map((l) => [l.item, l.region, l.quantity.baseline])).toEqual([
        ["dynamodb.provisioned.replicated-wcu-hour", "eu-west-1", 2 * HOURS],
        ["dynamodb.provisioned.rcu-hour", "eu-west-1", 5 * HOURS],
        ["dynamodb.storage.gb-month", "eu-west-1", 1],
        ["dynamodb.pitr.gb-month", "eu-west-1", 1],
      ]);
      expect(lines[0].unitUsd).toBeCloseTo(0.00075 * 1.1, 8);
    }
  });

  it("prices a replica whose table is not in the plan as on-demand", () => {
    expect(replicaLines([catalog, replica("none")]).map((l) => l.item)).toContain("dynamodb.on-demand.replicated-write.million");
  });
});
