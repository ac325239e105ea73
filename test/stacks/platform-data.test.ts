/**
 * The single-stack composition (ActiveActivePlatform, as examples/dev uses it) with the data
 * tier turned on: tables, cache and edge in one program, one provider per region.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { resolveProgram } from "../../tools/plan/inputs";
import type { PlanDocument } from "../../tools/plan/model";
import { plan } from "../../tools/plan/plan";
import { temporaryDirectories } from "../plan/temp-dirs";

const root = join(__dirname, "..", "..");
const tempDir = temporaryDirectories();
let doc: PlanDocument;

beforeAll(async () => {
  const config = readStackConfig(join(root, "examples/dev/Pulumi.dev.yaml"));
  const file = join(tempDir("platform-data-"), "Pulumi.dev.yaml");
  writeFileSync(file, stringify({
    config: {
      ...config,
      "platform:dynamoTables": [{ name: "sessions", partitionKey: { name: "id", type: "S" }, ttlAttribute: "exp" }],
      "platform:cacheEnabled": true,
      "platform:cacheHomeRegion": (config["platform:regions"] as string[])[0],
      "platform:edgeEnabled": true,
      // Its direct path locked: writes reach the writer through the secondary's readers.
      "platform:dbWriteForwarding": true,
    },
  }));
  doc = await plan(resolveProgram({ program: join(root, "examples/dev/index.ts"), stack: "dev", configFile: file }));
}, 180_000);

describe("ActiveActivePlatform with the data tier", () => {
  it("plans without a mandatory violation", () => {
    expect(doc.stacks[0].violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  it("builds a table replica, a cache member and a binding in both regions, the secondary joining the primary's datastore", () => {
    const { dataTier } = doc.resilience;
    expect(dataTier.tableReplicasByRegion).toEqual({ "us-east-2": 1, "us-west-2": 1 });
    expect(dataTier.cache?.members.map((m) => [m.region, m.role])).toEqual([["us-east-2", "primary"], ["us-west-2", "secondary"]]);
    const resources = doc.stacks[0].resources;
    const datastore = resources.find((r) => r.type === "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")!;
    const secondary = resources.find((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup" && r.region === "us-west-2")!;
    expect(secondary.inputs.globalReplicationGroupId).toBe(datastore.outputs.globalReplicationGroupId);
    expect(dataTier.edge).toHaveLength(1);
  });

  it("locks both regions' listeners to the edge's secrets, and changes them only once the distribution is deployed", () => {
    const resources = doc.stacks[0].resources;
    const distribution = resources.find((r) => r.type === "aws:cloudfront/distribution:Distribution")!;
    const verified = resources.filter((r) => r.type === "aws:lb/listenerRule:ListenerRule" && r.name.endsWith("-https-origin-verified"));
    expect(verified.map((r) => r.region).sort()).toEqual(["us-east-2", "us-west-2"]);
    for (const rule of verified) {
      expect(rule.inputs.conditions).toBe("[secret]");
      // In one program nothing else orders them: a rotation must not drop the old value while edge
      // locations still send it.
      expect(rule.dependsOn).toContain(distribution.urn);
    }
  });
});
