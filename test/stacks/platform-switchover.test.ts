/**
 * The single-stack composition (ActiveActivePlatform, as examples/dev uses it) through a planned
 * switchover: three regions with tables and a cache, planned before and after the runbook moves
 * the new primary to the front of `platform:regions` (docs/runbooks/planned-switchover.md §4).
 * The global pieces stay in the stack's home region (its `aws:region`), the cache's datastore
 * stays with its home member, and the secondaries join the datastore one after the other.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { ConfigError, parseEnvironment } from "../../stacks/config";
import { cacheJoinOrder, declarationOrder, homeRegionOf } from "../../stacks/platform";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { diffPlans, type PlanDiff } from "../../tools/plan/diff";
import { resolveProgram } from "../../tools/plan/inputs";
import type { PlanDocument, PlanResource } from "../../tools/plan/model";
import { plan } from "../../tools/plan/plan";
import { DEPLOY_PRECONDITIONS } from "../fixtures/environment";
import { temporaryDirectories } from "../plan/temp-dirs";

const root = join(__dirname, "..", "..");
const tempDir = temporaryDirectories();

/** The dev example grown to three regions, with a table and a cache homed in us-east-2. */
const REGIONS = ["us-east-2", "us-west-2", "us-east-1"];
const CIDRS = ["10.100.0.0/20", "10.101.0.0/20", "10.102.0.0/20"];
/** After a switchover to us-west-2: the new primary first, every per-region array reordered alike. */
const SWITCHED = [1, 0, 2];

const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const DATASTORE = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";
const PLATFORM = "platform:index:ActiveActivePlatform";

let before: PlanDocument;
let after: PlanDocument;
let diff: PlanDiff;

async function planDev(dir: string, name: string, order: number[]): Promise<PlanDocument> {
  const config = readStackConfig(join(root, "examples/dev/Pulumi.dev.yaml"));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify({
    config: {
      ...config,
      "platform:regions": order.map((i) => REGIONS[i]),
      "platform:vpcCidrs": order.map((i) => CIDRS[i]),
      "platform:dynamoTables": [{ name: "sessions", partitionKey: { name: "id", type: "S" }, ttlAttribute: "exp" }],
      "platform:cacheEnabled": true,
      "platform:cacheHomeRegion": "us-east-2",
    },
  }));
  return plan(resolveProgram({ program: join(root, "examples/dev/index.ts"), stack: "dev", configFile: file }));
}

beforeAll(async () => {
  const dir = tempDir("platform-switchover-");
  before = await planDev(dir, "before", [0, 1, 2]);
  after = await planDev(dir, "after", SWITCHED);
  diff = diffPlans(before, after);
}, 300_000);

const resources = (doc: PlanDocument): PlanResource[] => doc.stacks[0].resources;
/** Resources of the global pieces: under the platform component, in no Region's subtree. */
const globalPieces = (doc: PlanDocument) => resources(doc).filter((r) => r.urn.includes(`${PLATFORM}$`) && !r.urn.includes("platform:region:Region") && r.custom);
const byUrn = (doc: PlanDocument) => new Map(resources(doc).map((r) => [r.urn, r]));
const groupIn = (doc: PlanDocument, region: string) => resources(doc).find((r) => r.type === GROUP && r.region === region)!;

describe("ActiveActivePlatform: the home region and the join order, decided from plain values", () => {
  const env = (regions: string[], cache: Record<string, unknown> = {}) =>
    parseEnvironment("dev", {
      "platform:regions": regions,
      "platform:vpcCidrs": regions.map((_, i) => `10.${100 + i}.0.0/20`),
      "platform:dnsZoneName": "dev.example.com",
      ...DEPLOY_PRECONDITIONS,
      ...cache,
    });
  const switched = env(["us-west-2", "us-east-2", "us-east-1"], { "platform:cacheEnabled": true, "platform:cacheHomeRegion": "us-east-2" });

  it("homes the global pieces in the explicit homeRegion, else the stack's aws:region, never the primary region", () => {
    expect(homeRegionOf("dev", switched, "us-east-1", "us-east-2")).toEqual({ region: "us-east-1", key: "homeRegion" });
    expect(homeRegionOf("dev", switched, undefined, "us-east-2")).toEqual({ region: "us-east-2", key: "aws:region" });
  });

  it("refuses to guess without either, naming aws:region and how to set it", () => {
    expect(() => homeRegionOf("dev", switched, undefined, undefined)).toThrow(ConfigError);
    try {
      homeRegionOf("dev", switched, undefined, undefined);
    } catch (err) {
      expect((err as ConfigError).problems[0]).toMatchObject({ key: "aws:region", value: undefined });
      expect((err as ConfigError).message).toMatch(/pulumi config set aws:region us-west-2.*or pass homeRegion/);
    }
  });

  it("declares the cache home first and lets the secondaries join in the regions' order, the home left out", () => {
    expect(cacheJoinOrder(switched)).toEqual(["us-west-2", "us-east-1"]);
    expect(declarationOrder(switched)).toEqual(["us-east-2", "us-west-2", "us-east-1"]);
    const noCache = env(["us-west-2", "us-east-2"]);
    expect(cacheJoinOrder(noCache)).toEqual([]);
    expect(declarationOrder(noCache)).toEqual(["us-west-2", "us-east-2"]);
  });
});

describe("ActiveActivePlatform after a switchover reorders platform:regions", () => {
  it("plans with the cache's home region no longer first, without a mandatory violation", () => {
    expect(after.resilience.regions.list.map((r) => r.region)).toEqual(["us-west-2", "us-east-2", "us-east-1"]);
    expect(after.stacks[0].violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  it("keeps every global piece (global cluster, keys, secrets, table) at the same URN, in the stack's aws:region", () => {
    const was = globalPieces(before);
    const now = byUrn(after);
    for (const type of ["aws:rds/globalCluster:GlobalCluster", "aws:kms/key:Key", "aws:secretsmanager/secret:Secret", "aws:dynamodb/table:Table"]) {
      expect(was.some((r) => r.type === type), type).toBe(true);
    }
    for (const r of was) {
      expect(now.get(r.urn), r.urn).toBeDefined();
      expect([now.get(r.urn)!.region, now.get(r.urn)!.provider], r.urn).toEqual([r.region, r.provider]);
    }
    const globalCluster = was.find((r) => r.type === "aws:rds/globalCluster:GlobalCluster")!;
    expect(globalCluster.region).toBe("us-east-2");
    expect(globalCluster.provider).toMatch(/::dev-us-east-2$/);
  });

  it("replaces nothing stateful and trips no protected resource", () => {
    expect(diff.refusals).toEqual([]);
    expect(diff.dataLossRisks).toEqual([]);
    const replaced = diff.actions.filter((a) => a.action === "replace" && (a.stateful || a.protect));
    expect(replaced.map((a) => `${a.type} ${a.name}`)).toEqual([]);
  });

  it("replicates the database secret to every region but the home region", () => {
    const secret = resources(after).find((r) => r.type === "aws:secretsmanager/secret:Secret" && r.name === "dev-master")!;
    expect(secret.region).toBe("us-east-2");
    expect((secret.inputs.replicas as { region: string }[]).map((r) => r.region).sort()).toEqual(["us-east-1", "us-west-2"]);
  });

  it("keeps the datastore with the cache home's member, and makes the new Aurora writer region's cluster the one the others wait for", () => {
    const datastore = resources(after).find((r) => r.type === DATASTORE)!;
    expect(datastore.urn).toContain("dev-us-east-2-cache");
    expect(byUrn(before).get(datastore.urn)).toBeDefined();
    for (const region of ["us-west-2", "us-east-1"]) expect(groupIn(after, region).inputs.globalReplicationGroupId, region).toBe(datastore.outputs.globalReplicationGroupId);
    // The writer follows regions[0]: us-east-2's member, declared first for the cache, waits for it.
    const clusters = resources(after).filter((r) => r.type === "aws:rds/cluster:Cluster");
    const writer = clusters.find((r) => r.region === "us-west-2")!;
    expect(writer.dependsOn.some((u) => u.includes("dev-us-east-2"))).toBe(false);
    for (const region of ["us-east-2", "us-east-1"]) expect(clusters.find((r) => r.region === region)!.dependsOn, region).toContain(writer.urn);
  });
});

describe("ActiveActivePlatform: the cache's secondaries join one at a time", () => {
  for (const [label, doc, order] of [["before the switchover", () => before, ["us-west-2", "us-east-1"]], ["after it", () => after, ["us-west-2", "us-east-1"]]] as const) {
    it(`waits, ${label}, for the previous secondary's member before the next joins (${order.join(" → ")})`, () => {
      const [first, second] = order.map((region) => groupIn(doc(), region));
      const datastore = resources(doc()).find((r) => r.type === DATASTORE)!;
      expect(first.dependsOn).toContain(datastore.urn);
      expect(second.dependsOn).toContain(first.urn);
      expect(second.propertyDependencies?.globalReplicationGroupId).toContain(first.urn);
      expect(first.dependsOn).not.toContain(second.urn);
    });
  }
});
