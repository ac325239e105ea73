import { describe, expect, it } from "vitest";
import { join } from "path";
import { ConfigError, environmentSettings, parseEnvironment } from "../../stacks/config";
import { cacheRoleOf, globalEdgeArgs, globalTableArgs, regionArgs, regionalStackReads, regionRequiresOriginVerify, type SharedInputs } from "../../stacks/compose";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { EDGE_ON, problemsByKey, THREE_REGION_ENVIRONMENT } from "../fixtures/environment";

const staging = readStackConfig(join(__dirname, "..", "..", "examples", "data-tier", "Pulumi.staging.yaml"));
const base = THREE_REGION_ENVIRONMENT;

const edgeOn = EDGE_ON;
const problems = problemsByKey;

describe("data tier configuration", () => {
  it("is off by default", () => {
    const env = parseEnvironment("dev", base);
    expect(env).toMatchObject({ dynamoTables: [], cacheEnabled: false, edgeEnabled: false });
  });

  it("accepts the staging example, fills table defaults, and survives the round trip through the global stack's export", () => {
    const env = parseEnvironment("staging", staging);
    expect(env.dynamoTables.map((t) => [t.name, t.billingMode, t.consistency])).toEqual([
      ["sessions", "PAY_PER_REQUEST", "EVENTUAL"],
      ["orders", "PAY_PER_REQUEST", "STRONG"],
      ["catalog", "PROVISIONED", "EVENTUAL"],
    ]);
    expect(env.dynamoTables[0].partitionKey).toEqual({ name: "sessionId", type: "S" });
    expect(env.dynamoTables[0].pointInTimeRecoveryDays).toBe(35);
    // Regional stacks re-validate the exported settings: the same environment comes out.
    expect(parseEnvironment("staging", environmentSettings(env) as unknown as Record<string, unknown>)).toEqual(env);
  });

  it("reads tables as the Pulumi runtime hands them over (JSON strings)", () => {
    const env = parseEnvironment("dev", { ...base, "platform:dynamoTables": JSON.stringify([{ name: "t", partitionKey: { name: "pk" } }]) });
    expect(env.dynamoTables[0].name).toBe("t");
  });

  it("names the field of a malformed table entry with a dotted path, its value and the fix", () => {
    const found = problems({ ...base, "platform:dynamoTables": [{ name: "t", partitionKey: { name: "pk", type: "X" }, colour: "red" }, "t2"] });
    expect(found["platform:dynamoTables[0].partitionKey.type"]).toMatch(/^"X": must be S \(string\), N \(number\) or B \(binary\)/);
    expect(found["platform:dynamoTables[0]"]).toMatch(/has no field colour/);
    expect(found["platform:dynamoTables[1]"]).toMatch(/must be a mapping with at least name and partitionKey/);
  });

  it("refuses a table name with a dot, which DynamoDB takes but its KMS keys' alias does not", () => {
    const found = problems({ ...base, "platform:dynamoTables": [{ name: "orders.v2", partitionKey: { name: "pk" } }] });
    expect(found["platform:dynamoTables[0].name"]).toMatch(/^"orders\.v2": names the table's KMS key alias alias\/dynamodb\/dev-orders\.v2, .*use - or _ instead of \./);
  });

  it("refuses what AWS refuses about tables, per table and field", () => {
    const found = problems({
      ...base,
      "platform:regions": ["us-east-1", "eu-west-1"],
      "platform:vpcCidrs": ["10.0.0.0/16", "10.1.0.0/16"],
      "platform:dynamoTables": [
        { name: "a", partitionKey: { name: "pk" }, consistency: "STRONG", ttlAttribute: "exp" },
        { name: "a", partitionKey: { name: "pk" }, billingMode: "PROVISIONED" },
        { name: "c", partitionKey: { name: "pk" }, consistency: "STRONG", witnessRegion: "us-east-2", billingMode: "PROVISIONED", readCapacity: { min: 1, max: 2 }, writeCapacity: { min: 1, max: 2 } },
      ],
    });
    expect(found["platform:dynamoTables[0].ttlAttribute"]).toMatch(/TTL is not supported on multi-Region strongly consistent tables/);
    expect(found["platform:dynamoTables[0].consistency"]).toMatch(/exactly three Regions.*add witnessRegion/);
    expect(found["platform:dynamoTables[1].name"]).toMatch(/repeats dynamoTables\[0\]/);
    expect(found["platform:dynamoTables[1].readCapacity"]).toMatch(/provisioned tables need \{min, max\} read capacity/);
    expect(found["platform:dynamoTables[2].billingMode"]).toMatch(/^"PROVISIONED": consistency STRONG needs billingMode PAY_PER_REQUEST: .*use PAY_PER_REQUEST/);
  });

  it("requires the cache's home region, at most three regions, and a node type Global Datastore supports", () => {
    const found = problems({
      ...base,
      "platform:regions": ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"],
      "platform:vpcCidrs": ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"],
      "platform:cacheEnabled": true,
      "platform:cacheNodeType": "cache.t4g.medium",
      "platform:cacheEngineVersion": "7.1",
      "platform:cacheNodesPerRegion": 1,
    });
    expect(found["platform:cacheHomeRegion"]).toMatch(/required with cacheEnabled.*primary region \(us-east-1\)/);
    expect(found["platform:cacheNodeType"]).toMatch(/no burstable/);
    expect(found["platform:cacheEngineVersion"]).toMatch(/valkey 7\.2 or later/);
    expect(found["platform:cacheNodesPerRegion"]).toMatch(/2 to 6/);
    const four = problems({ ...base, "platform:regions": ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"], "platform:vpcCidrs": ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"], "platform:cacheEnabled": true, "platform:cacheHomeRegion": "us-east-1" });
    expect(four["platform:cacheEnabled"]).toMatch(/at most 3 Regions .*turn the cache off or use at most 3 regions/);
    expect(problems({ ...base, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "eu-west-1" })["platform:cacheHomeRegion"]).toMatch(/must be one of us-east-1, us-east-2, us-west-2/);
  });

  it("checks the cache's parameter group against the version's family, and hands it to the home region's member only", () => {
    const cached = { ...base, "platform:cacheEnabled": true, "platform:cacheHomeRegion": "us-east-1" };
    expect(problems({ ...cached, "platform:cacheParameterGroupName": "default.valkey7" })).toEqual({
      "platform:cacheParameterGroupName": expect.stringMatching(/^"default\.valkey7": default\.valkey7 is the default group of another family: valkey 8\.0 needs a valkey8 group, e\.g\. default\.valkey8$/),
    });
    expect(problems({ ...cached, "platform:cacheParameterGroupName": "default.valkey8" })).toEqual({});
    const env = parseEnvironment("dev", { ...cached, "platform:cacheParameterGroupName": "default.valkey8" });
    const shared: SharedInputs = { zoneId: "Z1", zoneName: "dev.example.com", globalClusterIdentifier: "g", masterCredentials: { username: "u", password: "p", databaseName: "app" }, cacheAuthToken: "t", cacheGlobalReplicationGroupId: "x" };
    expect(regionArgs(env, "us-east-1", shared).cache).toMatchObject({ role: "primary", parameterGroupName: "default.valkey8" });
    expect(regionArgs(env, "us-east-2", shared).cache).not.toHaveProperty("parameterGroupName");
    expect(regionArgs(parseEnvironment("dev", cached), "us-east-1", shared).cache).not.toHaveProperty("parameterGroupName");
  });

  it("refuses an edge name that is one of its origins and a bad cached path", () => {
    const found = problems({ ...base, ...edgeOn, "platform:edgeRecordName": "app", "platform:edgeCachedPathPatterns": ["*"] });
    expect(found["platform:edgeRecordName"]).toMatch(/names an origin \(app\.dev\.example\.com\)/);
    expect(found["platform:edgeCachedPathPatterns[0]"]).toMatch(/path pattern such as \/static\/\*/);
  });

  it("turns the edge on with a zone delegated by hand only once it answers: its certificate validates inside the global stack's deploy", () => {
    const manual = { ...base, "platform:dnsParentZoneName": "", "platform:dnsManualDelegation": true };
    expect(problems(manual)).toEqual({});
    expect(problems({ ...manual, ...edgeOn })).toEqual({
      "platform:edgeEnabled": expect.stringMatching(/^true: needs a zone that already answers.*deploy first without the edge, add the NS records, then set dnsDelegated: true/),
    });
    expect(problems({ ...manual, ...edgeOn, "platform:dnsDelegated": true })).toEqual({});
    // A parent zone in this account is delegated in the same deploy, before the validation waits.
    expect(problems({ ...base, ...edgeOn })).toEqual({});
    expect(problems({ ...base, "platform:dnsDelegated": true })["platform:dnsDelegated"]).toMatch(/only applies to a zone delegated by hand/);
  });
});

describe("edge origin verification configuration", () => {
  it("locks the direct path by default, at generation 1, and refuses anything but locked or open and a generation below 1", () => {
    expect(parseEnvironment("dev", base)).toMatchObject({ edgeDirectOriginAccess: "locked", edgeOriginVerifyGeneration: 1 });
    const found = problems({ ...base, ...edgeOn, "platform:edgeDirectOriginAccess": "public", "platform:edgeOriginVerifyGeneration": 0 });
    expect(found["platform:edgeDirectOriginAccess"]).toMatch(/^"public": must be "locked".*or "open"/);
    expect(found["platform:edgeOriginVerifyGeneration"]).toMatch(/^0: must be a whole number >= 1/);
    // Checked with the edge off too: turning it on is not the deploy that should find them wrong.
    expect(Object.keys(problems({ ...base, "platform:edgeDirectOriginAccess": "Open" }))).toEqual(["platform:edgeDirectOriginAccess"]);
    expect(problems({ ...base, "platform:edgeEnabled": true, "platform:edgeDirectOriginAccess": "open", "platform:edgeOriginVerifyGeneration": 4 })).toEqual({});
  });

  it("refuses the lock without write forwarding: CloudFront sends writes to the nearest region, and the writer's own name answers 403", () => {
    const found = problems({ ...base, "platform:edgeEnabled": true });
    expect(Object.keys(found)).toEqual(["platform:edgeDirectOriginAccess"]);
    // The key, its value, why, and both fixes.
    expect(found["platform:edgeDirectOriginAccess"]).toMatch(/^"locked": with edgeEnabled: true and dbWriteForwarding: false leaves writes no path: .*nearest region \(app\.dev\.example\.com\).*403 .*\(writer\.dev\.example\.com\).*Set platform:dbWriteForwarding: true .*or platform:edgeDirectOriginAccess: open/);
    expect(problems({ ...base, ...edgeOn })).toEqual({});
    // Open keeps writer.<zone> reachable; with the edge off nothing is locked.
    expect(problems({ ...base, "platform:edgeEnabled": true, "platform:edgeDirectOriginAccess": "open" })).toEqual({});
    expect(problems(base)).toEqual({});
    // The staging example turns the edge on with write forwarding.
    expect(parseEnvironment("staging", staging)).toMatchObject({ edgeEnabled: true, edgeDirectOriginAccess: "locked", dbWriteForwarding: true });
  });
});

describe("data tier composition", () => {
  const env = parseEnvironment("staging", staging);

  it("creates every table in the global stack's region with a replica in every region, named <env>-<name>", () => {
    const tables = globalTableArgs(env, "us-east-1");
    expect(tables.map((t) => [t.table.name, t.homeRegion, t.regions])).toEqual([
      ["staging-sessions", "us-east-1", ["us-east-1", "us-east-2", "us-west-2"]],
      ["staging-orders", "us-east-1", ["us-east-1", "us-east-2", "us-west-2"]],
      ["staging-catalog", "us-east-1", ["us-east-1", "us-east-2", "us-west-2"]],
    ]);
  });

  it("refuses a global stack outside the environment's regions when there are tables, naming aws:region", () => {
    expect(() => globalTableArgs(env, "eu-west-1")).toThrow(ConfigError);
    try {
      globalTableArgs(env, "eu-west-1");
    } catch (err) {
      expect((err as ConfigError).problems[0]).toMatchObject({ key: "aws:region", value: "eu-west-1" });
    }
  });

  it("makes the home region the cache's primary member, and has the other regional stacks read its stack first", () => {
    expect(env.regions.map((r) => cacheRoleOf(env, r))).toEqual(["primary", "secondary", "secondary"]);
    expect(env.regions.map((r) => regionalStackReads(env, r))).toEqual([[], ["staging-us-east-1"], ["staging-us-east-1"]]);
    expect(regionalStackReads(parseEnvironment("dev", base), "us-east-2")).toEqual([]);
  });

  it("fronts the latency-routed app name with the edge, failing cached reads over to the writer name", () => {
    expect(globalEdgeArgs(env, "Z1")).toMatchObject({ recordName: "www", originDomainName: "app.staging.example.com", failoverOriginDomainName: "writer.staging.example.com", cachedPathPatterns: ["/static/*", "/assets/*"] });
    expect(globalEdgeArgs(parseEnvironment("dev", base), "Z1")).toBeUndefined();
    expect(globalEdgeArgs(env, "Z1")?.allowLargeRequestBodies).toBe(false);
    expect(globalEdgeArgs(parseEnvironment("staging", { ...staging, "platform:edgeAllowLargeRequestBodies": true }), "Z1")?.allowLargeRequestBodies).toBe(true);
  });

  describe("the regional listeners behind the edge", () => {
    const shared: SharedInputs = { zoneId: "Z1", zoneName: "staging.example.com", globalClusterIdentifier: "g", masterCredentials: { username: "u", password: "p", databaseName: "app" } };
    const values = ["current", "next"];
    const ingress = (environment: ReturnType<typeof parseEnvironment>, inputs: SharedInputs = { ...shared, edgeOriginVerifyValues: values }) =>
      environment.regions.map((region) => regionArgs(environment, region, inputs).ingress);

    it("require the origin-verify header in every region, with the values the global stack shares, when the edge is on and locked", () => {
      expect(env).toMatchObject({ edgeEnabled: true, edgeDirectOriginAccess: "locked" });
      expect(regionRequiresOriginVerify(env)).toBe(true);
      for (const args of ingress(env)) expect(args).toMatchObject({ healthCheckPath: "/healthz", originVerify: { values } });
      // The generation reaches the edge even while the direct path is open: locking it later changes nothing there.
      expect(globalEdgeArgs(env, "Z1")?.originVerifyGeneration).toBe(1);
      expect(globalEdgeArgs(parseEnvironment("staging", { ...staging, "platform:edgeOriginVerifyGeneration": 2 }), "Z1")?.originVerifyGeneration).toBe(2);
    });

    it("forward everything with the edge off or its direct path declared open, needing no secret for the listener", () => {
      const open = parseEnvironment("staging", { ...staging, "platform:edgeDirectOriginAccess": "open" });
      const off = parseEnvironment("staging", { ...staging, "platform:edgeEnabled": false });
      // Open, the regional WAF still takes the values (to exempt CloudFront's requests from its rate limit).
      const openWithoutWaf = parseEnvironment("staging", { ...staging, "platform:edgeDirectOriginAccess": "open", "platform:regionalWafEnabled": false });
      for (const environment of [open, off, openWithoutWaf]) {
        expect(regionRequiresOriginVerify(environment)).toBe(false);
        for (const args of ingress(environment, environment === open ? undefined : shared)) expect(args).not.toHaveProperty("originVerify");
      }
      expect(globalEdgeArgs(open, "Z1")).toBeDefined();
    });

    it("refuse to lock a region without the values, rather than answer 403 to CloudFront", () => {
      expect(() => regionArgs(env, "us-east-2", shared)).toThrow(/edgeOriginVerifyValues/);
    });
  });
});
