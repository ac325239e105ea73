/**
 * The data-tier components under the fake cloud: their defaults (replica in every region, PITR,
 * deletion protection, customer keys per region, Multi-AZ cache with TLS and AUTH, TLS-only edge
 * with a WAF) and the cross-region wiring (replica keys, the datastore id the secondaries join).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import { isGoDuration } from "../../tools/fake-cloud/resource-options";
import { plainTransformValue } from "../fixtures/transform-props";
import type * as Data from "../../components/data";

let cloud: FakeCloud;
let data: typeof Data;
let binding: Data.DataTierBinding;
let bindingEnv: Record<string, string> = {};
let bindingPolicy = "";
/** The prod edge's origins as declared (the recorded inputs mask the whole property: the origin-verify header is secret). */
let edgeOrigins: { value: any[]; secret: boolean } | undefined;
let edgeVerifyValues: { count: number; secret: boolean[]; values: string[] } | undefined;
let catalogOutputs: { tableName?: string; arn?: string; kmsKeyArns?: Record<string, string>; replicaStyle?: string } = {};
/** The customTimeouts each table and replica is registered with, by resource name (the fake cloud records no options of the kind). */
const timeouts: Record<string, unknown> = {};

const TABLE = "aws:dynamodb/table:Table";
const TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica";
const SCALING_TARGET = "aws:appautoscaling/target:Target";
const SCALING_POLICY = "aws:appautoscaling/policy:Policy";
const KEY = "aws:kms/key:Key";
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy";
const CACHE_DEPLOY = "arn:aws:iam::123456789012:role/platform-deploy";

function named(name: string, type?: string): RecordedResource {
  const found = cloud.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
  expect(found, `resource ${name}`).toHaveLength(1);
  return found[0];
}
/** Minutes of a Go duration made of h, m and s parts ("150m", "2h30m"). */
function goDurationMinutes(text: string): number {
  const unit: Record<string, number> = { h: 60, m: 1, s: 1 / 60 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)];
  expect(parts.map((p) => p[0]).join(""), text).toBe(text);
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}
const childrenOf = (type: string, name: string) => {
  const urn = cloud.resources.find((r) => r.type === type && r.name === name)!.urn;
  return cloud.resources.filter((r) => r.parent === urn);
};

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "data-test", region: "us-east-1" });
  const pulumi = await import("@pulumi/pulumi");
  const aws = await import("@pulumi/aws");
  data = await import("../../components/data");
  pulumi.runtime.registerResourceTransform((args) => {
    if (args.type === TABLE || args.type === TABLE_REPLICA) timeouts[args.name] = args.opts.customTimeouts;
    return undefined;
  });
  const regions = ["us-east-1", "us-west-2", "eu-west-1"];

  const sessions = new data.GlobalTable("sessions", {
    table: { name: "prod-sessions", partitionKey: { name: "id" }, ttlAttribute: "exp" },
    homeRegion: "us-east-1",
    regions,
  });
  const catalog = new data.GlobalTable("catalog", {
    table: {
      name: "prod-catalog",
      partitionKey: { name: "sku" },
      billingMode: "PROVISIONED",
      readCapacity: { min: 5, max: 100 },
      writeCapacity: { min: 2, max: 40 },
      globalSecondaryIndexes: [{ name: "by-category", partitionKey: { name: "category" } }],
    },
    homeRegion: "us-east-1",
    regions,
  });
  pulumi.all([catalog.tableName, catalog.arn, pulumi.all(catalog.kmsKeyArns)]).apply(([tableName, arn, kmsKeyArns]) => (catalogOutputs = { tableName, arn, kmsKeyArns, replicaStyle: catalog.replicaStyle }));
  new data.GlobalTable("ledger", {
    table: { name: "prod-ledger", partitionKey: { name: "id" }, consistency: "STRONG", witnessRegion: "us-east-2" },
    homeRegion: "us-east-1",
    regions: ["us-east-1", "us-west-2"],
  });

  const cache = new data.GlobalCache("prod", {
    regions,
    homeRegion: "us-east-1",
    secretReaderPrincipalArns: [CACHE_DEPLOY, ...regions.map((r) => `arn:aws:iam::123456789012:role/prod-${r}-pods-???????`)],
    secretDeployerPrincipalArns: [CACHE_DEPLOY],
  });
  new data.GlobalCache("open", { regions, homeRegion: "us-east-1", secretName: "open/cache/auth" });
  const primary = new data.RegionalCache("prod-use1-cache", {
    role: "primary",
    engine: "valkey",
    engineVersion: "8.0",
    nodeType: "cache.r7g.large",
    parameterGroupName: "default.valkey8",
    authToken: cache.authToken,
    vpcId: "vpc-east",
    subnetIds: ["subnet-e1", "subnet-e2", "subnet-e3"],
    clientSecurityGroupIds: ["sg-nodes-east"],
  });
  const west = new aws.Provider("west", { region: "us-west-2" });
  new data.RegionalCache("prod-usw2-cache", {
    role: "secondary",
    engine: "valkey",
    engineVersion: "8.0",
    nodeType: "cache.r7g.large",
    nodes: 3,
    globalReplicationGroupId: primary.globalReplicationGroupId,
    vpcId: "vpc-west",
    subnetIds: ["subnet-w1", "subnet-w2"],
    clientSecurityGroupIds: ["sg-nodes-west", "sg-cluster-west"],
  }, { provider: west });

  const edge = new data.GlobalEdge("prod", {
    zoneId: "ZPROD",
    zoneName: "prod.example.com",
    recordName: "www",
    originDomainName: "app.prod.example.com",
    failoverOriginDomainName: "writer.prod.example.com",
    cachedPathPatterns: ["/static/*"],
  }, {
    transforms: [async (t) => {
      if (t.type === "aws:cloudfront/distribution:Distribution") {
        // Transforms see the properties as the engine passes them: each secret an Output where it stands.
        const { value, secret } = await plainTransformValue(t.props.origins);
        edgeOrigins = { value: value as any[], secret };
      }
      return undefined;
    }],
  });
  const valueOf = (v: import("@pulumi/pulumi").Output<string>) => new Promise<string>((resolve) => v.apply((x) => (resolve(x), x)));
  void Promise.all(edge.originVerifyValues.map(async (v) => [await valueOf(v), await pulumi.isSecret(v)] as const)).then((pairs) => {
    edgeVerifyValues = { count: pairs.length, values: pairs.map(([v]) => v), secret: pairs.map(([, secret]) => secret) };
  });
  new data.GlobalEdge("uploads", {
    zoneId: "ZPROD",
    zoneName: "prod.example.com",
    recordName: "uploads",
    originDomainName: "app.prod.example.com",
    failoverOriginDomainName: "writer.prod.example.com",
    allowLargeRequestBodies: true,
    originVerifyGeneration: 3,
  });

  binding = data.dataTierBinding({
    region: "eu-west-1",
    tables: [{ name: "sessions", tableName: sessions.tableName, tableArn: sessions.arn, kmsKeyArn: sessions.kmsKeyArns["eu-west-1"], stream: sessions.stream }],
    cache: { endpoint: primary.primaryEndpoint, readerEndpoint: primary.readerEndpoint, port: primary.port, authSecretArn: cache.authSecretArn, authSecretKmsKeyArn: cache.authSecretKmsKeyArns["eu-west-1"] },
  });
  pulumi.output(binding.env).apply((env) => (bindingEnv = env as Record<string, string>));
  data.policyDocument(binding).apply((doc) => (bindingPolicy = doc));
  await settle();
});

describe("GlobalTable", () => {
  it("creates the table in its home region with a replica in every other region, each on a key of its own region", () => {
    const table = named("sessions-table", TABLE);
    expect(table.region).toBe("us-east-1");
    expect(table.inputs).toMatchObject({ name: "prod-sessions", billingMode: "PAY_PER_REQUEST", hashKey: "id", streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
    const replicas = table.inputs.replicas as Record<string, unknown>[];
    expect(replicas.map((r) => r.regionName)).toEqual(["us-west-2", "eu-west-1"]);
    for (const replica of replicas) expect(String(replica.kmsKeyArn)).toContain(`:kms:${replica.regionName}:`);
    expect(String((table.inputs.serverSideEncryption as Record<string, unknown>).kmsKeyArn)).toContain(":kms:us-east-1:");
  });

  it("turns on point-in-time recovery and deletion protection on the table and every replica, and protects table and keys", () => {
    const table = named("sessions-table", TABLE);
    expect(table.inputs).toMatchObject({ pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 }, deletionProtectionEnabled: true, ttl: { attributeName: "exp", enabled: true } });
    for (const replica of table.inputs.replicas as Record<string, unknown>[]) expect(replica).toMatchObject({ pointInTimeRecovery: true, deletionProtectionEnabled: true });
    expect(table.protect).toBe(true);
    const keys = childrenOf("platform:data:GlobalTable", "sessions").filter((r) => r.type === KEY);
    expect(keys.map((k) => k.region)).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    for (const key of keys) expect(key).toMatchObject({ protect: true, inputs: { enableKeyRotation: true } });
  });

  it("auto scales a provisioned table's reads in every region and its writes once, for the table and each index", () => {
    const targets = childrenOf("platform:data:GlobalTable", "catalog").filter((r) => r.type === "aws:appautoscaling/target:Target");
    const described = targets.map((t) => `${t.region} ${t.inputs.scalableDimension} ${t.inputs.minCapacity}-${t.inputs.maxCapacity}`).sort();
    expect(described).toEqual([
      "eu-west-1 dynamodb:index:ReadCapacityUnits 5-100",
      "eu-west-1 dynamodb:table:ReadCapacityUnits 5-100",
      "us-east-1 dynamodb:index:ReadCapacityUnits 5-100",
      "us-east-1 dynamodb:index:WriteCapacityUnits 2-40",
      "us-east-1 dynamodb:table:ReadCapacityUnits 5-100",
      "us-east-1 dynamodb:table:WriteCapacityUnits 2-40",
      "us-west-2 dynamodb:index:ReadCapacityUnits 5-100",
      "us-west-2 dynamodb:table:ReadCapacityUnits 5-100",
    ]);
    // Auto scaling owns the capacity after creation.
    expect(named("catalog-table", TABLE).ignoreChanges).toEqual(expect.arrayContaining(["readCapacity", "writeCapacity"]));
  });

  it("keeps an on-demand table's replicas inline, with nothing declared apart", () => {
    expect(named("sessions-table", TABLE).ignoreChanges).toEqual([]);
    expect(childrenOf("platform:data:GlobalTable", "sessions").filter((r) => r.type === TABLE_REPLICA)).toEqual([]);
  });

  it("creates a provisioned table without inline replicas, leaving them to the TableReplica resources", () => {
    const table = named("catalog-table", TABLE);
    expect(table.inputs).not.toHaveProperty("replicas");
    expect(table.ignoreChanges).toContain("replicas");
    // Replicas need the stream the table declares.
    expect(table.inputs).toMatchObject({ billingMode: "PROVISIONED", streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
  });

  it("adds a provisioned table's replicas only after the home region's write scaling policies, on each region's key, with PITR and deletion protection, protected", () => {
    const children = childrenOf("platform:data:GlobalTable", "catalog");
    const table = named("catalog-table", TABLE);
    const writePolicies = children.filter((r) => r.type === SCALING_POLICY && r.region === "us-east-1" && String(r.inputs.scalableDimension).endsWith(":WriteCapacityUnits"));
    expect(writePolicies.map((p) => p.name).sort()).toEqual(["catalog-us-east-1-by-category-write", "catalog-us-east-1-table-write"]);
    const replicas = children.filter((r) => r.type === TABLE_REPLICA);
    expect(replicas.map((r) => [r.name, r.region])).toEqual([["catalog-us-west-2-replica", "us-west-2"], ["catalog-eu-west-1-replica", "eu-west-1"]]);
    for (const replica of replicas) {
      expect(replica.inputs).toMatchObject({ region: replica.region, globalTableArn: table.outputs.arn, pointInTimeRecovery: true, deletionProtectionEnabled: true });
      expect(String(replica.inputs.kmsKeyArn)).toContain(`:kms:${replica.region}:`);
      expect(replica.protect).toBe(true);
      for (const policy of writePolicies) expect(replica.dependsOn).toContain(policy.urn);
      // As the provider answers: id <table>:<main region>, the table's ARN in the replica's region.
      expect(replica.id).toBe("prod-catalog:us-east-1");
      expect(replica.outputs.arn).toBe(String(table.outputs.arn).replace(":us-east-1:", `:${replica.region}:`));
    }
  });

  it("scales each replica region's reads once that region's replica exists", () => {
    const children = childrenOf("platform:data:GlobalTable", "catalog");
    for (const region of ["us-west-2", "eu-west-1"]) {
      const replica = named(`catalog-${region}-replica`, TABLE_REPLICA);
      const targets = children.filter((r) => r.type === SCALING_TARGET && r.region === region);
      expect(targets).toHaveLength(2);
      for (const target of targets) expect(target.dependsOn).toContain(replica.urn);
    }
  });

  it("waits hours, not the provider's 30 minutes, for a new replica to copy the table, but gives up before the deploy job is killed", () => {
    // Inline replicas are added in the table's update, which waits for each with the table's
    // *create* timeout inside its update timeout; a TableReplica with its create timeout.
    for (const table of ["sessions-table", "catalog-table", "ledger-table"]) expect(timeouts[table], table).toMatchObject({ create: "150m", update: "150m" });
    for (const replica of ["catalog-us-west-2-replica", "catalog-eu-west-1-replica"]) expect(timeouts[replica], replica).toMatchObject({ create: "150m" });
    // Go durations, as the engine parses them (an empty field keeps the provider's default).
    const values = Object.values(timeouts).flatMap((t) => Object.values(t as Record<string, string>)).filter(Boolean);
    for (const value of values) expect(isGoDuration(value), value).toBe(true);
    // The deploy job (and its AWS session) must outlast the wait, with room for the job's setup
    // and gates: killed mid-update, `pulumi up` leaves the stack locked with pending operations,
    // whereas a provider timeout fails the update cleanly.
    const job = (parse(readFileSync(join(__dirname, "..", "..", ".github", "workflows", "pulumi-up.yml"), "utf8")) as {
      jobs: { up: { "timeout-minutes": number; steps: { uses?: string; with?: Record<string, unknown> }[] } };
    }).jobs.up;
    const sessionMinutes = Number(job.steps.find((st) => st.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with?.["role-duration-seconds"]) / 60;
    const budgetMinutes = Math.min(job["timeout-minutes"], sessionMinutes);
    expect(budgetMinutes).toBeGreaterThan(0);
    for (const value of values) {
      expect(goDurationMinutes(value), value).toBeGreaterThanOrEqual(120);
      expect(goDurationMinutes(value), `${value} against the job's ${budgetMinutes} minutes`).toBeLessThanOrEqual(budgetMinutes - 30);
    }
  });

  it("gives a provisioned table the same outputs: name, home-region ARN and a key per region", () => {
    expect(catalogOutputs).toMatchObject({ tableName: "prod-catalog", arn: named("catalog-table", TABLE).outputs.arn, replicaStyle: "separate" });
    expect(Object.keys(catalogOutputs.kmsKeyArns ?? {})).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
  });

  it("creates a strongly consistent table with STRONG replicas and a witness, without a stream unless asked", () => {
    const table = named("ledger-table", TABLE);
    expect(table.inputs.replicas).toEqual([expect.objectContaining({ regionName: "us-west-2", consistencyMode: "STRONG" })]);
    expect(table.inputs.globalTableWitness).toEqual({ regionName: "us-east-2" });
    expect(table.inputs).not.toHaveProperty("streamEnabled");
  });

  it("refuses before creating anything what AWS would refuse", () => {
    const before = cloud.resources.length;
    expect(() => new data.GlobalTable("bad", { table: { name: "prod-bad", partitionKey: { name: "id" }, consistency: "STRONG" }, homeRegion: "us-east-1", regions: ["us-east-1", "eu-west-1"] })).toThrow(/bad: consistency "STRONG": multi-Region strong consistency needs exactly three Regions/);
    expect(() => new data.GlobalTable("bad", { table: { name: "prod-bad", partitionKey: { name: "id" } }, homeRegion: "ap-south-1", regions: ["us-east-1", "eu-west-1"] })).toThrow(/homeRegion ap-south-1 must be one of regions/);
    expect(() => new data.GlobalTable("bad", {
      table: { name: "prod-bad", partitionKey: { name: "id" }, consistency: "STRONG", billingMode: "PROVISIONED", readCapacity: { min: 1, max: 2 }, writeCapacity: { min: 1, max: 2 } },
      homeRegion: "us-east-1",
      regions: ["us-east-1", "us-east-2", "us-west-2"],
    })).toThrow(/bad: billingMode "PROVISIONED": consistency STRONG needs billingMode PAY_PER_REQUEST/);
    expect(cloud.resources.length).toBe(before);
  });
});

describe("GlobalCache and RegionalCache", () => {
  it("keeps a generated AUTH token in a secret replicated to every region under that region's key", () => {
    const password = named("prod-cache-auth", "random:index/randomPassword:RandomPassword");
    expect(password.inputs).toMatchObject({ length: 64, overrideSpecial: "!&#$^<>-" });
    // The members ignore the token after creation: a regenerated one would lock every client out.
    expect(password.protect).toBe(true);
    const secret = named("prod-cache-auth", "aws:secretsmanager/secret:Secret");
    expect(secret.region).toBe("us-east-1");
    const replicas = secret.inputs.replicas as { region: string; kmsKeyId: string }[];
    expect(replicas.map((r) => r.region)).toEqual(["us-west-2", "eu-west-1"]);
    for (const r of replicas) expect(r.kmsKeyId).toContain(`:kms:${r.region}:`);
  });

  it("denies the token to all but the named readers and its policy, replicas and value to all but the deployers, as the master secret's", () => {
    const policy = named("prod-cache-auth", SECRET_POLICY);
    expect(policy.region).toBe("us-east-1");
    expect(policy.inputs).toMatchObject({ secretArn: named("prod-cache-auth", "aws:secretsmanager/secret:Secret").outputs.arn, blockPublicPolicy: true });
    const [read, change] = JSON.parse(String(policy.inputs.policy)).Statement;
    expect(read).toMatchObject({ Effect: "Deny", Action: "secretsmanager:GetSecretValue" });
    expect(read.Condition.StringNotLike["aws:PrincipalArn"]).toEqual([CACHE_DEPLOY, "arn:aws:iam::123456789012:role/prod-us-east-1-pods-???????", "arn:aws:iam::123456789012:role/prod-us-west-2-pods-???????", "arn:aws:iam::123456789012:role/prod-eu-west-1-pods-???????"]);
    expect(change).toMatchObject({ Effect: "Deny", Condition: { StringNotLike: { "aws:PrincipalArn": [CACHE_DEPLOY] } } });
    expect(change.Action).toEqual(expect.arrayContaining(["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:StopReplicationToReplica", "secretsmanager:PutSecretValue"]));
    // Without readers and deployers: no policy, IAM alone decides (as before).
    expect(cloud.resources.filter((r) => r.type === SECRET_POLICY && r.name === "open-cache-auth")).toEqual([]);
    expect(() => new data.GlobalCache("half", { regions: ["us-east-1"], homeRegion: "us-east-1", secretReaderPrincipalArns: [CACHE_DEPLOY] })).toThrow(/secretReaderPrincipalArns is given without secretDeployerPrincipalArns/);
  });

  it("creates the primary Multi-AZ, TLS-only, encrypted with its own key, with AUTH, and the datastore from it", () => {
    const group = named("prod-use1-cache-group", GROUP);
    expect(group.inputs).toMatchObject({
      engine: "valkey", engineVersion: "8.0", nodeType: "cache.r7g.large", numCacheClusters: 2,
      automaticFailoverEnabled: true, multiAzEnabled: true, atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true, transitEncryptionMode: "required", authToken: "[secret]",
    });
    // Joining the datastore turns auto minor version upgrade off for good: a member that asks for it is refused.
    expect(group.inputs).not.toHaveProperty("autoMinorVersionUpgrade");
    expect(String(group.inputs.kmsKeyId)).toContain(":kms:us-east-1:");
    expect(group.protect).toBe(true);
    const datastore = named("prod-use1-cache-datastore", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup");
    expect(datastore.inputs).toMatchObject({ primaryReplicationGroupId: "prod-use1-cache", engine: "valkey", engineVersion: "8.0", parameterGroupName: "default.valkey8" });
    // The member's parameter group is the datastore's: a member that names one is refused.
    expect(group.inputs).not.toHaveProperty("parameterGroupName");
    expect(datastore.protect).toBe(true);
    expect(datastore.ignoreChanges).toEqual(["primaryReplicationGroupId"]);
  });

  it("joins the secondary with the datastore's full (prefixed) id and nothing the datastore owns", () => {
    const secondary = named("prod-usw2-cache-group", GROUP);
    const datastore = named("prod-use1-cache-datastore", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup");
    expect(secondary.region).toBe("us-west-2");
    expect(secondary.inputs.globalReplicationGroupId).toBe(datastore.outputs.globalReplicationGroupId);
    expect(String(datastore.outputs.globalReplicationGroupId)).not.toBe(datastore.inputs.globalReplicationGroupIdSuffix);
    for (const prop of ["engine", "engineVersion", "nodeType", "authToken", "transitEncryptionEnabled", "atRestEncryptionEnabled", "parameterGroupName", "autoMinorVersionUpgrade"]) expect(secondary.inputs).not.toHaveProperty(prop);
    expect(secondary.inputs).toMatchObject({ numCacheClusters: 3, multiAzEnabled: true, automaticFailoverEnabled: true });
    expect(String(secondary.inputs.kmsKeyId)).toContain(":kms:us-west-2:");
    expect(secondary.ignoreChanges).toEqual(named("prod-use1-cache-group", GROUP).ignoreChanges);
  });

  it("opens the cache port to the client security groups only", () => {
    const rules = childrenOf("platform:data:RegionalCache", "prod-usw2-cache").filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(rules.map((r) => r.inputs.referencedSecurityGroupId)).toEqual(["sg-nodes-west", "sg-cluster-west"]);
    for (const rule of rules) expect(rule.inputs).toMatchObject({ fromPort: 6379, toPort: 6379, ipProtocol: "tcp" });
    expect(rules.some((r) => "cidrIpv4" in r.inputs)).toBe(false);
  });

  it("refuses a secondary without the datastore id and a primary with a node type Global Datastore refuses", () => {
    const base = { engine: "valkey" as const, engineVersion: "8.0", vpcId: "v", subnetIds: ["a", "b"], clientSecurityGroupIds: ["sg"] };
    expect(() => new data.RegionalCache("x", { ...base, role: "secondary", nodeType: "cache.r7g.large" })).toThrow(/needs globalReplicationGroupId/);
    expect(() => new data.RegionalCache("y", { ...base, role: "primary", nodeType: "cache.t4g.medium", authToken: "t".repeat(20) })).toThrow(/no burstable/);
    expect(() => new data.RegionalCache("z", { ...base, role: "secondary", nodeType: "cache.r7g.large", globalReplicationGroupId: "g", parameterGroupName: "default.valkey8" })).toThrow(/parameterGroupName is for the primary/);
    expect(() => new data.RegionalCache("w", { ...base, role: "primary", nodeType: "cache.r7g.large", authToken: "t".repeat(20), parameterGroupName: "default.valkey7" })).toThrow(/parameterGroupName default\.valkey7 is the default group of another family/);
  });
});

describe("GlobalEdge", () => {
  const distribution = () => named("prod-edge", "aws:cloudfront/distribution:Distribution");

  it("serves its own name over TLS only, with a us-east-1 certificate and the WAF web ACL", () => {
    const d = distribution();
    const acl = named("prod-edge", "aws:wafv2/webAcl:WebAcl");
    expect(acl.region).toBe("us-east-1");
    expect(acl.inputs.scope).toBe("CLOUDFRONT");
    expect(d.inputs.webAclId).toBe(acl.outputs.arn);
    expect(d.inputs.aliases).toEqual(["www.prod.example.com"]);
    expect(d.inputs.viewerCertificate).toMatchObject({ sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
    expect(named("prod-edge-cert", "aws:acm/certificate:Certificate").region).toBe("us-east-1");
  });

  it("logs the web ACL's blocked and counted requests to an aws-waf-logs- group in us-east-1, as the regional ones", () => {
    const group = named("prod-edge-waf-logs", "aws:cloudwatch/logGroup:LogGroup");
    expect(group.region).toBe("us-east-1");
    expect(group.inputs).toMatchObject({ namePrefix: "aws-waf-logs-prod-edge-", retentionInDays: 90 });
    const logging = named("prod-edge-waf", "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
    expect(logging.region).toBe("us-east-1");
    expect(logging.inputs.resourceArn).toBe(named("prod-edge", "aws:wafv2/webAcl:WebAcl").outputs.arn);
    expect(logging.inputs.logDestinationConfigs).toEqual([group.outputs.arn]);
    expect(logging.inputs.redactedFields).toEqual([{ singleHeader: { name: "x-origin-verify" } }, { singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
  });

  it("blocks request bodies over 8 KB as the core rule set does, unless large bodies are allowed by name", () => {
    const common = (edge: string) => ((named(edge, "aws:wafv2/webAcl:WebAcl").inputs.rules as any[]).find((r) => r.name === "aws-common")).statement.managedRuleGroupStatement;
    expect(common("prod-edge")).toEqual({ name: "AWSManagedRulesCommonRuleSet", vendorName: "AWS" });
    expect(common("uploads-edge").ruleActionOverrides).toEqual([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
  });

  it("leaves dynamic paths uncached on the latency-routed origin and fails cached reads over to the other origin", () => {
    const inputs = distribution().inputs as Record<string, any>;
    expect(inputs.defaultCacheBehavior).toMatchObject({ targetOriginId: "latency-routed", viewerProtocolPolicy: "redirect-to-https", cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" });
    expect(inputs.defaultCacheBehavior.allowedMethods).toContain("POST");
    expect(inputs.orderedCacheBehaviors).toEqual([expect.objectContaining({ pathPattern: "/static/*", targetOriginId: "regional-failover", allowedMethods: ["GET", "HEAD", "OPTIONS"] })]);
    expect(inputs.originGroups[0].members).toEqual([{ originId: "latency-routed" }, { originId: "failover-routed" }]);
    expect(edgeOrigins!.value.map((o: any) => [o.domainName, o.customOriginConfig.originProtocolPolicy, o.customOriginConfig.originSslProtocols])).toEqual([
      ["app.prod.example.com", "https-only", ["TLSv1.2"]],
      ["writer.prod.example.com", "https-only", ["TLSv1.2"]],
    ]);
  });

  it("generates the origin-verify secret of this generation and the next: letters and digits, 48 long, never in config", () => {
    for (const generation of [1, 2]) {
      const password = named(`prod-origin-verify-${generation}`, "random:index/randomPassword:RandomPassword");
      expect(password.inputs).toMatchObject({ length: 48, special: false });
      expect(password.outputs.result).toBe("[secret]");
    }
    expect(cloud.resources.filter((r) => r.name.startsWith("prod-origin-verify-"))).toHaveLength(2);
    // Another generation: its own secret and the next one's, nothing of the first two.
    expect(cloud.resources.filter((r) => r.name.startsWith("uploads-origin-verify-")).map((r) => r.name).sort()).toEqual(["uploads-origin-verify-3", "uploads-origin-verify-4"]);
  });

  it("sends the current secret and the public name on every origin, and keeps the whole origins property secret", () => {
    const sent = named("prod-origin-verify-1", "random:index/randomPassword:RandomPassword");
    expect((distribution().inputs as Record<string, unknown>).origins).toBe("[secret]");
    expect(edgeOrigins!.secret).toBe(true);
    expect(edgeOrigins!.value).toHaveLength(2);
    for (const origin of edgeOrigins!.value) {
      // The pods see the origin's name in Host: this one says what the viewer asked for.
      expect(origin.customHeaders).toContainEqual({ name: "X-Forwarded-Host", value: "www.prod.example.com" });
      const header = (origin.customHeaders as { name: string; value: unknown }[]).find((h) => h.name === "X-Origin-Verify")!;
      // The first value the regions accept: the current generation's.
      expect(header.value).toMatch(/^[A-Za-z0-9]{48}$/);
      expect(header.value).toBe(edgeVerifyValues!.values[0]);
    }
    // Not protected: a rotation deletes the oldest generation's.
    expect(sent.protect).toBe(false);
  });

  it("gives the regional listeners the sent secret and the next one, as secrets", () => {
    expect(edgeVerifyValues).toMatchObject({ count: 2, secret: [true, true] });
    expect(edgeVerifyValues!.values[0]).not.toBe(edgeVerifyValues!.values[1]);
  });

  it("points A and AAAA aliases of the public name at the distribution and writes access logs to a private bucket that accepts CloudFront's ACL grant", () => {
    for (const name of ["prod-edge-a", "prod-edge-aaaa"]) {
      const record = named(name, "aws:route53/record:Record");
      expect(record.inputs).toMatchObject({ name: "www.prod.example.com", aliases: [{ zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }] });
    }
    const bucket = named("prod-edge-logs", "aws:s3/bucket:Bucket");
    expect(bucket.region).toBe("us-east-1");
    expect((distribution().inputs as Record<string, any>).loggingConfig).toEqual({ bucket: bucket.outputs.bucketDomainName, prefix: "cloudfront/", includeCookies: false });
    expect(named("prod-edge-logs", "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs).toMatchObject({ rule: { objectOwnership: "BucketOwnerPreferred" } });
    expect(named("prod-edge-logs", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, restrictPublicBuckets: true });
    expect(distribution().dependsOn).toContain(named("prod-edge-logs", "aws:s3/bucketOwnershipControls:BucketOwnershipControls").urn);
    // The logs outlive the edge, with the configuration that keeps them private and expiring.
    for (const type of ["bucket:Bucket", "bucketPublicAccessBlock:BucketPublicAccessBlock", "bucketOwnershipControls:BucketOwnershipControls", "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucketPolicy:BucketPolicy"]) {
      expect(named("prod-edge-logs", `aws:s3/${type}`).retainOnDelete, type).toBe(true);
    }
  });
});

describe("dataTierBinding", () => {
  it("gives a region's workload its table names, local cache endpoints and secret replica", () => {
    expect(bindingEnv).toMatchObject({ DYNAMODB_TABLE_SESSIONS: "prod-sessions", AWS_REGION: "eu-west-1", CACHE_PORT: "6379", CACHE_TLS: "true" });
    expect(bindingEnv.CACHE_AUTH_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:/);
  });

  it("grants item access to this region's replica and its indexes, its streams, and decryption through the services only", () => {
    const statements = JSON.parse(bindingPolicy).Statement as Record<string, any>[];
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.DynamoDbItems.Resource).toEqual(["arn:aws:dynamodb:eu-west-1:123456789012:table/prod-sessions", "arn:aws:dynamodb:eu-west-1:123456789012:table/prod-sessions/index/*"]);
    expect(bySid.DynamoDbItems.Action).not.toContain("dynamodb:DeleteTable");
    expect(bySid.DynamoDbStreams.Resource).toEqual(["arn:aws:dynamodb:eu-west-1:123456789012:table/prod-sessions/stream/*"]);
    expect(bySid.DynamoDbTableKeys.Condition).toEqual({ StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } });
    expect(bySid.DynamoDbTableKeys.Resource[0]).toContain(":kms:eu-west-1:");
    expect(bySid.CacheAuthToken).toMatchObject({ Action: ["secretsmanager:GetSecretValue"] });
    expect(bySid.CacheAuthToken.Resource[0]).toMatch(/^arn:aws:secretsmanager:eu-west-1:/);
    expect(bySid.CacheAuthTokenKey.Condition.StringEquals["kms:ViaService"]).toBe("secretsmanager.eu-west-1.amazonaws.com");
    expect(statements.every((s) => !JSON.stringify(s.Resource).includes('"*"'))).toBe(true);
  });

  it("points CACHE_HOST at this region's own cluster and names no writer region: a promotion moves the primary without a deploy", () => {
    expect(Object.keys(bindingEnv).filter((k) => k.startsWith("CACHE_")).sort()).toEqual([...data.CACHE_ENV_KEYS].sort());
    // The member's own primary endpoint (the cluster the binding was given), never another region's.
    expect(bindingEnv.CACHE_HOST).toBe(named("prod-use1-cache-group", GROUP).outputs.primaryEndpointAddress);
    // The contract (binding.ts): READONLY on a write in a secondary region means "skip the cache write".
    expect(Object.keys(bindingEnv).some((k) => /HOME|PRIMARY|WRITER|WRITABLE/.test(k))).toBe(false);
  });

  it("is empty without a data tier, and refuses two tables with the same variable", () => {
    expect(data.dataTierBinding({ region: "us-east-1" })).toEqual({ env: {}, policyStatements: [] });
    const t = { tableName: "x", tableArn: "arn:aws:dynamodb:us-east-1:1:table/x", kmsKeyArn: "k", stream: false };
    expect(() => data.dataTierBinding({ region: "us-east-1", tables: [{ ...t, name: "a-b" }, { ...t, name: "a_b" }] })).toThrow(/DYNAMODB_TABLE_A_B/);
  });
});
