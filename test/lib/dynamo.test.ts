import { describe, expect, it } from "vitest";
import { arnInRegion, attributeDefinitions, effectiveStream, globalTableRegions, mrscRegionSet, replicaLayout, replicasOfTable, replicaStyle, replicatesTable, tableKeyAlias, tableProblems, type TableDefinition } from "../../components/lib/dynamo";

const table: TableDefinition = { name: "prod-orders", partitionKey: { name: "pk" } };
const paths = (def: TableDefinition, regions: string[]) => tableProblems(def, regions).map((p) => p.path);
const messages = (def: TableDefinition, regions: string[]) => tableProblems(def, regions).map((p) => `${p.path}: ${p.message}`);

describe("tableProblems", () => {
  it("accepts an on-demand eventually consistent table in any two regions", () => {
    expect(tableProblems(table, ["us-east-1", "eu-west-1"])).toEqual([]);
  });

  it("refuses a global table in one region", () => {
    expect(paths(table, ["us-east-1"])).toEqual(["regions"]);
  });

  it("asks provisioned tables for read and write ranges and a target AWS accepts, and on-demand ones for none", () => {
    expect(paths({ ...table, billingMode: "PROVISIONED" }, ["us-east-1", "eu-west-1"])).toEqual(["readCapacity", "writeCapacity"]);
    expect(paths({ ...table, billingMode: "PROVISIONED", readCapacity: { min: 5, max: 4 }, writeCapacity: { min: 0, max: 10 }, targetUtilizationPercent: 95 }, ["us-east-1", "eu-west-1"]))
      .toEqual(["readCapacity.max", "writeCapacity.min", "targetUtilizationPercent"]);
    expect(paths({ ...table, readCapacity: { min: 1, max: 2 } }, ["us-east-1", "eu-west-1"])).toEqual(["readCapacity"]);
  });

  it("refuses one attribute with two types across the table's and indexes' keys", () => {
    const def: TableDefinition = { ...table, sortKey: { name: "sk", type: "N" }, globalSecondaryIndexes: [{ name: "by-sk", partitionKey: { name: "sk", type: "S" } }] };
    expect(messages(def, ["us-east-1", "eu-west-1"])).toEqual(["globalSecondaryIndexes[0].partitionKey.type: attribute sk is already a key of type N; one attribute has one type"]);
  });

  it("keeps EVENTUAL tables on NEW_AND_OLD_IMAGES streams and without a witness", () => {
    expect(paths({ ...table, streamViewType: "KEYS_ONLY", witnessRegion: "us-east-2" }, ["us-east-1", "us-west-2"])).toEqual(["witnessRegion", "streamViewType"]);
    expect(effectiveStream(table)).toBe("NEW_AND_OLD_IMAGES");
    expect(effectiveStream({ consistency: "STRONG" })).toBeUndefined();
    expect(effectiveStream({ consistency: "STRONG", streamViewType: "NEW_IMAGE" })).toBe("NEW_IMAGE");
  });

  describe("multi-Region strong consistency", () => {
    const strong: TableDefinition = { ...table, consistency: "STRONG" };
    it("accepts three replicas of one Region set, or two and a witness of that set", () => {
      expect(tableProblems(strong, ["us-east-1", "us-east-2", "us-west-2"])).toEqual([]);
      expect(tableProblems({ ...strong, witnessRegion: "eu-west-3" }, ["eu-west-1", "eu-central-1"])).toEqual([]);
    });
    it("refuses anything but exactly three Regions, saying how to fix it", () => {
      expect(messages(strong, ["us-east-1", "us-west-2"])[0]).toMatch(/exactly three Regions.*add witnessRegion/);
      expect(messages(strong, ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"])[0]).toMatch(/exactly three Regions.*these are us-east-1, us-east-2, us-west-2, eu-west-1/);
    });
    it("refuses Regions from different sets or outside every set", () => {
      expect(messages(strong, ["us-east-1", "us-east-2", "eu-west-1"])[0]).toMatch(/one Region set \(US: us-east-1, us-east-2, us-west-2; EU: .*\); us-east-1, us-east-2, eu-west-1 are not/);
      expect(messages({ ...strong, witnessRegion: "us-west-1" }, ["us-east-1", "us-east-2"])[0]).toMatch(/one Region set/);
    });
    it("refuses provisioned billing, naming the field, the value and the fix (TableReplica has no consistency mode)", () => {
      const provisioned: TableDefinition = { ...strong, billingMode: "PROVISIONED", readCapacity: { min: 5, max: 10 }, writeCapacity: { min: 5, max: 10 } };
      const problems = tableProblems(provisioned, ["us-east-1", "us-east-2", "us-west-2"]);
      expect(problems).toEqual([{ path: "billingMode", value: "PROVISIONED", message: expect.stringMatching(/^consistency STRONG needs billingMode PAY_PER_REQUEST: .*TableReplica.*; use PAY_PER_REQUEST .* or consistency EVENTUAL$/) }]);
      expect(tableProblems({ ...provisioned, consistency: "EVENTUAL" }, ["us-east-1", "us-east-2", "us-west-2"])).toEqual([]);
    });
    it("refuses a witness in a Region that holds a replica, and TTL", () => {
      expect(paths({ ...strong, witnessRegion: "us-east-1", ttlAttribute: "exp" }, ["us-east-1", "us-east-2"])).toEqual(["ttlAttribute", "witnessRegion"]);
    });
  });

  it("checks names of tables and indexes the way CreateTable does", () => {
    expect(paths({ ...table, name: "ab", globalSecondaryIndexes: [{ name: "ok-index", partitionKey: { name: "x" } }, { name: "ok-index", partitionKey: { name: "y" } }] }, ["us-east-1", "eu-west-1"]))
      .toEqual(["name", "globalSecondaryIndexes[1].name"]);
  });

  it("refuses a table name its KMS keys' alias cannot take (a dot, or an alias over 256 characters)", () => {
    const problem = (name: string) => tableProblems({ ...table, name }, ["us-east-1", "eu-west-1"]).filter((p) => p.path === "name");
    expect(tableKeyAlias("prod-orders")).toBe("alias/dynamodb/prod-orders");
    // DynamoDB takes both names; pulumi-aws refuses their alias before calling KMS.
    expect(problem("prod-orders.v2")[0]?.message).toMatch(/alias\/dynamodb\/prod-orders\.v2.*use - or _ instead of \./);
    expect(problem("p".repeat(242))).toHaveLength(1);
    expect(problem("p".repeat(241))).toEqual([]);
    expect(problem("prod-orders_v2")).toEqual([]);
  });
});

describe("table layout helpers", () => {
  it("defines each key attribute once, with its type", () => {
    expect(attributeDefinitions({ partitionKey: { name: "pk" }, sortKey: { name: "sk", type: "N" }, globalSecondaryIndexes: [{ name: "gsi", partitionKey: { name: "sk", type: "N" }, sortKey: { name: "g", type: "B" } }] }))
      .toEqual([{ name: "pk", type: "S" }, { name: "sk", type: "N" }, { name: "g", type: "B" }]);
  });

  it("puts the table in its home region and a replica in every other region", () => {
    expect(replicaLayout("us-east-1", ["us-east-1", "us-west-2", "eu-west-1"], {})).toEqual({ home: "us-east-1", replicaRegions: ["us-west-2", "eu-west-1"], witnessRegion: undefined });
  });

  it("finds the MRSC Region set", () => {
    expect(mrscRegionSet(["eu-west-1", "eu-west-2", "eu-central-1"])).toBe("EU");
    expect(mrscRegionSet(["us-east-1", "eu-west-1"])).toBeUndefined();
  });

  it("moves an ARN to another region", () => {
    expect(arnInRegion("arn:aws:dynamodb:us-east-1:123456789012:table/t", "eu-west-1")).toBe("arn:aws:dynamodb:eu-west-1:123456789012:table/t");
    expect(() => arnInRegion("table/t", "eu-west-1")).toThrow(/not an ARN/);
  });
});

describe("replicas declared apart from their table", () => {
  const table = { urn: "urn:pulumi:prod::platform::aws:dynamodb/table:Table::catalog", arn: "arn:aws:dynamodb:us-east-1:1:table/prod-catalog" };
  const other = { urn: "urn:pulumi:prod::platform::aws:dynamodb/table:Table::orders", arn: "arn:aws:dynamodb:us-east-1:1:table/prod-orders" };

  it("declares on-demand tables' replicas inline and provisioned tables' as TableReplica resources", () => {
    expect(replicaStyle({})).toBe("inline");
    expect(replicaStyle({ billingMode: "PAY_PER_REQUEST" })).toBe("inline");
    expect(replicaStyle({ billingMode: "PROVISIONED" })).toBe("separate");
  });

  it("finds a table's replicas by the recorded dependency of globalTableArn, else by the ARN they name", () => {
    const byDependency = { region: "us-west-2", globalTableArnDependencies: [table.urn] };
    const byArn = { region: "eu-west-1", globalTableArn: table.arn };
    const ofOther = { region: "eu-west-1", globalTableArn: other.arn, globalTableArnDependencies: [other.urn] };
    // A recorded dependency wins over a (stale or unknown) ARN.
    const dependencyElsewhere = { region: "ap-south-1", globalTableArn: table.arn, globalTableArnDependencies: [other.urn] };
    expect(replicatesTable(byDependency, table)).toBe(true);
    expect(replicatesTable(byArn, table)).toBe(true);
    expect(replicatesTable(dependencyElsewhere, table)).toBe(false);
    expect(replicatesTable({ region: "eu-west-1" }, { urn: table.urn })).toBe(false);
    expect(replicasOfTable(table, [byDependency, byArn, ofOther, dependencyElsewhere])).toEqual([byDependency, byArn]);
  });

  it("counts the table's own region, inline replicas and TableReplica resources once each, and says when one is unknown", () => {
    expect(globalTableRegions("us-east-1", [], [{ region: "us-west-2" }, { region: "eu-west-1" }])).toEqual({ regions: ["us-east-1", "us-west-2", "eu-west-1"], complete: true });
    expect(globalTableRegions("us-east-1", ["us-west-2"], [{ region: "us-west-2" }])).toEqual({ regions: ["us-east-1", "us-west-2"], complete: true });
    expect(globalTableRegions("us-east-1", [undefined], [])).toEqual({ regions: ["us-east-1"], complete: false });
    expect(globalTableRegions(null, [], [{ region: "us-west-2" }])).toEqual({ regions: ["us-west-2"], complete: false });
  });
});
