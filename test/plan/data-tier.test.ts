import { describe, expect, it } from "vitest";
import { dataTierFigure, describeDataTier } from "../../tools/plan/data-tier";
import { renderDot } from "../../tools/plan/diagram";
import { readTopology } from "../../tools/plan/topology";
import { planOf, planStack, resource } from "./resources";

const regions = ["us-east-1", "us-west-2", "eu-west-1"];
const table = (name: string, replicaRegions: string[], extra: Record<string, unknown> = {}) =>
  resource("aws:dynamodb/table:Table", name, {
    name: `prod-${name}`,
    billingMode: "PAY_PER_REQUEST",
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: true,
    replicas: replicaRegions.map((regionName) => ({ regionName, pointInTimeRecovery: true, deletionProtectionEnabled: true })),
    ...extra,
  }, { stack: "prod", region: "us-east-1", protect: true });
/** A provisioned table as GlobalTable declares it: no inline replicas, one TableReplica per other region naming the table's ARN. */
const provisioned = (name: string, replicaRegions: string[], replicaExtra: Record<string, unknown> = {}, link: "arn" | "dependency" = "arn") => {
  const t = table(name, [], { billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
  delete t.inputs.replicas;
  t.outputs.arn = `arn:aws:dynamodb:us-east-1:123456789012:table/prod-${name}`;
  const replicas = replicaRegions.map((region) => {
    const r = resource("aws:dynamodb/tableReplica:TableReplica", `${name}-${region}-replica`, {
      region,
      globalTableArn: link === "arn" ? t.outputs.arn : undefined,
      pointInTimeRecovery: true,
      deletionProtectionEnabled: true,
      ...replicaExtra,
    }, { stack: "prod", region, protect: true });
    if (link === "dependency") r.propertyDependencies = { globalTableArn: [t.urn] };
    return r;
  });
  return [t, ...replicas];
};
const cacheGroup = (region: string, extra: Record<string, unknown>) =>
  resource("aws:elasticache/replicationGroup:ReplicationGroup", `prod-${region}-cache-group`, { replicationGroupId: `prod-${region}-cache`, numCacheClusters: 2, multiAzEnabled: true, automaticFailoverEnabled: true, ...extra }, { stack: `prod-${region}`, region, id: `prod-${region}-cache` });

function topologyOf(...resources: ReturnType<typeof resource>[]) {
  return readTopology([{ stack: "prod", role: "global", region: "us-east-1", resources, outputs: {} }], regions);
}

describe("resilience.dataTier", () => {
  it("counts each table's replicas per region and names the regions a table misses", () => {
    const figure = dataTierFigure(topologyOf(table("orders", ["us-west-2", "eu-west-1"]), table("carts", ["us-west-2"], { pointInTimeRecovery: { enabled: false } })), regions);
    expect(figure.tableReplicasByRegion).toEqual({ "us-east-1": 2, "us-west-2": 2, "eu-west-1": 1 });
    expect(figure.tables.map((t) => [t.tableName, t.regions, t.missingRegions, t.pointInTimeRecovery])).toEqual([
      ["prod-orders", regions, [], true],
      ["prod-carts", ["us-east-1", "us-west-2"], ["eu-west-1"], false],
    ]);
    const [, row] = describeDataTier(figure)[0];
    expect(row).toContain("prod-carts (eventual, on-demand) in us-east-1, us-west-2, NO replica in eu-west-1; NO PITR");
  });

  it("counts a provisioned table's TableReplica resources as its replicas, found by the ARN they name or by their recorded dependency", () => {
    for (const link of ["arn", "dependency"] as const) {
      const figure = dataTierFigure(topologyOf(...provisioned("catalog", ["us-west-2", "eu-west-1"], {}, link), table("orders", ["us-west-2", "eu-west-1"])), regions);
      expect(figure.tableReplicasByRegion).toEqual({ "us-east-1": 2, "us-west-2": 2, "eu-west-1": 2 });
      expect(figure.tables[0]).toMatchObject({ tableName: "prod-catalog", billingMode: "PROVISIONED", regions, missingRegions: [], pointInTimeRecovery: true, deletionProtection: true });
    }
    // Another table's replicas are not this one's.
    const other = provisioned("carts", ["eu-west-1"]);
    const [catalog] = dataTierFigure(topologyOf(...provisioned("catalog", ["us-west-2"]), ...other), regions).tables;
    expect(catalog).toMatchObject({ regions: ["us-east-1", "us-west-2"], missingRegions: ["eu-west-1"] });
  });

  it("says NO PITR or NOT deletion-protected when a TableReplica lacks it", () => {
    const [noPitr] = dataTierFigure(topologyOf(...provisioned("catalog", ["us-west-2", "eu-west-1"], { pointInTimeRecovery: false })), regions).tables;
    expect(noPitr).toMatchObject({ pointInTimeRecovery: false, deletionProtection: true });
    const [unprotected] = dataTierFigure(topologyOf(...provisioned("catalog", ["us-west-2", "eu-west-1"], { deletionProtectionEnabled: false })), regions).tables;
    expect(unprotected).toMatchObject({ pointInTimeRecovery: true, deletionProtection: false });
  });

  it("tells strong from eventual tables by their replicas and gives each its RPO", () => {
    const strong = table("ledger", ["us-west-2"], { replicas: [{ regionName: "us-east-2", consistencyMode: "STRONG", pointInTimeRecovery: true, deletionProtectionEnabled: true }], globalTableWitness: { regionName: "us-west-2" } });
    const [figure] = dataTierFigure(topologyOf(strong), ["us-east-1", "us-east-2"]).tables;
    expect(figure).toMatchObject({ consistency: "STRONG", witnessRegion: "us-west-2", rpo: expect.stringMatching(/^zero/) });
  });

  it("finds the cache datastore's primary and secondaries, the regions without a member, and that failover is manual", () => {
    const datastore = resource("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "prod-datastore", { primaryReplicationGroupId: "prod-us-east-1-cache", engine: "valkey" }, { stack: "prod-us-east-1", outputs: { globalReplicationGroupId: "abcde-prod-cache" } });
    const figure = dataTierFigure(topologyOf(datastore, cacheGroup("us-east-1", { engine: "valkey" }), cacheGroup("us-west-2", { globalReplicationGroupId: "abcde-prod-cache", multiAzEnabled: false })), regions);
    expect(figure.cache).toMatchObject({ datastores: 1, engine: "valkey", missingRegions: ["eu-west-1"], failover: expect.stringMatching(/^manual/) });
    expect(figure.cache!.members.map((m) => [m.region, m.role, m.multiAz])).toEqual([["us-east-1", "primary", true], ["us-west-2", "secondary", false]]);
    expect(describeDataTier(figure).find(([label]) => label === "cache")![1]).toContain("us-west-2 secondary ×2 NOT Multi-AZ; NO member in eu-west-1");
  });

  it("describes the edge's WAF, viewer policy and failover behaviours, and is empty without a data tier", () => {
    const distribution = resource("aws:cloudfront/distribution:Distribution", "edge", {
      aliases: ["www.prod.example.com"],
      webAclId: "arn:aws:wafv2:us-east-1:1:global/webacl/x/y",
      viewerCertificate: { minimumProtocolVersion: "TLSv1.2_2021" },
      defaultCacheBehavior: { targetOriginId: "app", viewerProtocolPolicy: "redirect-to-https" },
      orderedCacheBehaviors: [{ pathPattern: "/static/*", targetOriginId: "group", viewerProtocolPolicy: "redirect-to-https" }],
      originGroups: [{ originId: "group" }],
      origins: [{ domainName: "app.prod.example.com" }, { domainName: "writer.prod.example.com" }],
    });
    const figure = dataTierFigure(topologyOf(distribution), regions);
    expect(figure.edge).toEqual([expect.objectContaining({ aliases: ["www.prod.example.com"], webAcl: true, viewerProtocolPolicies: ["redirect-to-https"], failoverBehaviours: 1 })]);
    const empty = dataTierFigure(topologyOf(), regions);
    expect(empty).toEqual({ tables: [], tableReplicasByRegion: { "us-east-1": 0, "us-west-2": 0, "eu-west-1": 0 }, cache: null, edge: [] });
    expect(describeDataTier(empty)).toEqual([]);
  });
});

describe("diagram", () => {
  it("draws the global tables with a replica in each region, the cache members and the edge", () => {
    const datastore = resource("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "prod-datastore", { primaryReplicationGroupId: "prod-us-east-1-cache" }, { stack: "prod-us-east-1", outputs: { globalReplicationGroupId: "abcde-prod-cache" } });
    const distribution = resource("aws:cloudfront/distribution:Distribution", "edge", { aliases: ["www.prod.example.com"], webAclId: "acl" });
    const plan = planOf("prod", [planStack("prod", "global", "us-east-1", [table("orders", ["us-west-2", "eu-west-1"]), datastore, cacheGroup("us-east-1", {}), cacheGroup("us-west-2", { globalReplicationGroupId: "abcde-prod-cache" }), distribution])], { regions });
    const dot = renderDot(plan);
    expect(dot).toContain("DynamoDB global tables");
    expect(dot.match(/-> r\d_tables \[label="replica"/g)).toHaveLength(3);
    expect(dot.match(/global_cache -> r\d_cache/g)).toHaveLength(2);
    expect(dot).toMatch(/global_edge \[label="CloudFront\\nwww\.prod\.example\.com \+ WAF"/);
  });

  it("draws a provisioned table's TableReplica regions like inline replicas", () => {
    const plan = planOf("prod", [planStack("prod", "global", "us-east-1", provisioned("catalog", ["us-west-2", "eu-west-1"]))], { regions });
    expect(renderDot(plan).match(/-> r\d_tables \[label="replica"/g)).toHaveLength(3);
  });
});
