import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import { fakeOutputs } from "../../tools/fake-cloud/outputs";
import type * as Database from "../../components/database";

const EU_REPLICA_KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";

let cloud: FakeCloud;
let db: typeof Database;
let pulumiSdk: typeof import("@pulumi/pulumi");
let baseSecondaryArgs: Database.RegionalDatabaseArgs;
let primaryOutputs: { writer: string | undefined; secondaryWriterIsUndefined: boolean; localWriters: Record<string, string> };
let globalDb: Database.GlobalDatabase;

const CLUSTER = "aws:rds/cluster:Cluster";
const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const KEY = "aws:kms/key:Key";

function named(name: string, type?: string): RecordedResource {
  const found = cloud.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
  expect(found, `resource ${name}`).toHaveLength(1);
  return found[0];
}
const childrenOf = (component: string) => {
  const urn = cloud.resources.find((r) => r.type.startsWith("platform:database:") && r.name === component)!.urn;
  return cloud.resources.filter((r) => r.parent === urn);
};
const ofType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "database-test", region: "us-east-1" });
  pulumiSdk = await import("@pulumi/pulumi");
  const aws = await import("@pulumi/aws");
  db = await import("../../components/database");

  const east = new aws.Provider("east", { region: "us-east-1" });
  const west = new aws.Provider("west", { region: "us-west-2" });
  const eu = new aws.Provider("eu", { region: "eu-west-1" });

  const global = new db.GlobalDatabase("orders", {
    engine: "aurora-postgresql",
    engineVersion: "16.6",
    secretReplicaRegions: ["us-west-2", "eu-west-1"],
    secretReplicaKmsKeyArns: { "eu-west-1": EU_REPLICA_KEY },
    secretReaderPrincipalArns: ["arn:aws:iam::123456789012:role/platform-deploy", "arn:aws:iam::123456789012:role/platform-admin", "arn:aws:iam::123456789012:role/prod-us-east-1-pods-???????"],
    secretDeployerPrincipalArns: ["arn:aws:iam::123456789012:role/platform-deploy", "arn:aws:iam::123456789012:role/platform-admin"],
  }, { provider: east });
  new db.GlobalDatabase("replicated", { engine: "aurora-postgresql", engineVersion: "16.6", secretReplicaRegions: ["us-west-2", "eu-west-1"] }, { provider: east });
  globalDb = global;
  new db.GlobalDatabase("rotated", { engine: "aurora-postgresql", engineVersion: "16.6", masterPasswordRotation: 2 }, { provider: east });

  const primary = new db.RegionalDatabase("orders-use1", {
    role: "primary",
    globalClusterIdentifier: global.globalClusterIdentifier,
    engine: "aurora-postgresql",
    engineVersion: "16.6",
    instanceClass: "db.r7g.large",
    vpcId: "vpc-east",
    subnetIds: ["subnet-e1", "subnet-e2", "subnet-e3"],
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    clientSecurityGroupIds: ["sg-nodes-east", "sg-jobs-east"],
    masterCredentials: global.masterCredentials,
    globalRpoSeconds: 30,
    readerAutoscaling: { maxCapacity: 5 },
  }, { provider: east });

  baseSecondaryArgs = {
    role: "secondary",
    globalClusterIdentifier: global.globalClusterIdentifier,
    engine: "aurora-postgresql",
    engineVersion: "16.6",
    instanceClass: "db.r7g.large",
    instanceCount: 3,
    vpcId: "vpc-west",
    subnetIds: ["subnet-w1", "subnet-w2"],
    availabilityZones: ["us-west-2a", "us-west-2b"],
    clientSecurityGroupIds: ["sg-nodes-west"],
  };
  const secondary = new db.RegionalDatabase("orders-usw2", { ...baseSecondaryArgs, writeForwarding: true, dependsOnPrimary: [primary] }, { provider: west });

  new db.RegionalDatabase("shop-euw1", {
    role: "primary",
    globalClusterIdentifier: "shop",
    engine: "aurora-mysql",
    engineVersion: "8.0.mysql_aurora.3.05.2",
    instanceClass: "db.r6g.large",
    vpcId: "vpc-eu",
    subnetIds: ["subnet-u1", "subnet-u2"],
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    clientSecurityGroupIds: ["sg-nodes-eu"],
    masterCredentials: { username: "shop_admin", password: pulumiSdk.secret("provided-elsewhere"), databaseName: "shop" },
    monitoringIntervalSeconds: 0,
  }, { provider: eu });

  // A major upgrade 16 → 17, prepared (target set) and done (engineVersion reached the target).
  new db.RegionalDatabase("upgrading-usw2", { ...baseSecondaryArgs, upgradeTargetEngineVersion: "17.4" }, { provider: west });
  const upgraded = new db.RegionalDatabase("upgraded-usw2", { ...baseSecondaryArgs, engineVersion: "17.4", upgradeTargetEngineVersion: "17.4" }, { provider: west });

  primaryOutputs = { writer: undefined, secondaryWriterIsUndefined: secondary.writerEndpoint === undefined, localWriters: {} };
  primary.writerEndpoint!.apply((w) => (primaryOutputs.writer = w));
  for (const [name, member] of Object.entries({ primary, forwarding: secondary, readOnly: upgraded })) {
    member.localWriterEndpoint.apply((w) => (primaryOutputs.localWriters[name] = w));
    primaryOutputs.localWriters[`${name}Forwards`] = String(member.writeForwarding);
  }
  await settle();
});

describe("GlobalDatabase", () => {
  it("creates an encrypted, deletion-protected, protected global cluster with the engine and version", () => {
    const global = named("orders-global");
    expect(global.type).toBe("aws:rds/globalCluster:GlobalCluster");
    expect(global.inputs).toMatchObject({ globalClusterIdentifier: "orders", engine: "aurora-postgresql", engineVersion: "16.6", storageEncrypted: true, deletionProtection: true });
    expect(global.protect).toBe(true);
  });

  it("keeps the master secret under its own rotating key and replicates it to every other region", () => {
    const secret = named("orders-master", "aws:secretsmanager/secret:Secret");
    const key = named("orders-secret", KEY);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.protect).toBe(true);
    expect(secret.inputs.kmsKeyId).toBe(key.outputs.arn);
    expect(secret.inputs.name).toBe("orders/master");
    // A key brought for eu-west-1 is used; us-west-2 gets one created here, never aws/secretsmanager.
    expect(secret.inputs.replicas).toEqual([{ region: "us-west-2", kmsKeyId: named("orders-secret-us-west-2", KEY).outputs.arn }, { region: "eu-west-1", kmsKeyId: EU_REPLICA_KEY }]);
    expect(ofType(childrenOf("orders"), KEY).map((k) => k.name).sort()).toEqual(["orders-secret", "orders-secret-us-west-2"]);
  });

  it("gives every replica a protected, rotating customer managed key of the replica's own region", () => {
    const secret = named("replicated-master", "aws:secretsmanager/secret:Secret");
    const replicas = secret.inputs.replicas as { region: string; kmsKeyId: string }[];
    expect(replicas.map((r) => r.region)).toEqual(["us-west-2", "eu-west-1"]);
    for (const replica of replicas) {
      const key = named(`replicated-secret-${replica.region}`, KEY);
      expect(key.region).toBe(replica.region);
      expect(key.inputs).toMatchObject({ region: replica.region, enableKeyRotation: true, deletionWindowInDays: 30 });
      expect(key.protect).toBe(true);
      expect(replica.kmsKeyId).toBe(key.outputs.arn);
      expect(replica.kmsKeyId).toContain(`:kms:${replica.region}:`);
    }
  });

  it("denies the secret's value to every principal but the named readers, and writes no policy when none are named", () => {
    const policy = named("orders-master", "aws:secretsmanager/secretPolicy:SecretPolicy");
    expect(policy.inputs.secretArn).toBe(named("orders-master", "aws:secretsmanager/secret:Secret").outputs.arn);
    expect(policy.inputs.blockPublicPolicy).toBe(true);
    expect(JSON.parse(String(policy.inputs.policy)).Statement[0]).toEqual({
      Sid: "OnlyNamedReadersGetTheValue",
      Effect: "Deny",
      Principal: "*",
      Action: "secretsmanager:GetSecretValue",
      Resource: "*",
      Condition: { StringNotLike: { "aws:PrincipalArn": ["arn:aws:iam::123456789012:role/platform-deploy", "arn:aws:iam::123456789012:role/platform-admin", "arn:aws:iam::123456789012:role/prod-us-east-1-pods-???????"] } },
    });
    expect(ofType(childrenOf("replicated"), "aws:secretsmanager/secretPolicy:SecretPolicy")).toEqual([]);
    const deployers = ["arn:aws:iam::123456789012:role/platform-deploy"];
    expect(() => new db.GlobalDatabase("nobody", { engine: "aurora-postgresql", engineVersion: "16.6", secretReaderPrincipalArns: [], secretDeployerPrincipalArns: deployers })).toThrow(/name at least the identity that writes/);
  });

  it("lets only the deployers change the policy, the replicas or the value, so no other reader or writer can escape the readers' list", () => {
    const policy = JSON.parse(String(named("orders-master", "aws:secretsmanager/secretPolicy:SecretPolicy").inputs.policy));
    const guard = policy.Statement[1];
    expect(guard).toMatchObject({ Effect: "Deny", Principal: "*", Resource: "*" });
    expect(guard.Action).toEqual(expect.arrayContaining([
      "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:StopReplicationToReplica",
      "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
    ]));
    // The pods read the value; they never change anything.
    expect(guard.Condition).toEqual({ StringNotLike: { "aws:PrincipalArn": ["arn:aws:iam::123456789012:role/platform-deploy", "arn:aws:iam::123456789012:role/platform-admin"] } });
    expect(() => new db.GlobalDatabase("readers-only", { engine: "aurora-postgresql", engineVersion: "16.6", secretReaderPrincipalArns: ["arn:aws:iam::123456789012:role/platform-deploy"] }))
      .toThrow(/secretReaderPrincipalArns is given without secretDeployerPrincipalArns.*give secretDeployerPrincipalArns too/);
  });

  it("writes no version of the secret itself: the primary member publishes the credentials once its writer has them", () => {
    expect(ofType(childrenOf("orders"), "aws:secretsmanager/secretVersion:SecretVersion")).toEqual([]);
    const version = ofType(childrenOf("orders-use1"), "aws:secretsmanager/secretVersion:SecretVersion")[0];
    expect(version.inputs.secretString).toBe("[secret]");
    expect(version.inputs.secretId).toBe(named("orders-master", "aws:secretsmanager/secret:Secret").outputs.arn);
    expect(version.dependsOn).toContain(named("orders-use1-cluster").urn);
    expect(named("orders-global").outputs.endpoint).toMatch(/\.global\.rds\.amazonaws\.com$/);
    // A primary given credentials without a secret, and every secondary, publish nothing.
    expect(ofType(childrenOf("shop-euw1"), "aws:secretsmanager/secretVersion:SecretVersion")).toEqual([]);
    expect(ofType(childrenOf("orders-usw2"), "aws:secretsmanager/secretVersion:SecretVersion")).toEqual([]);
  });

  it("keeps the password until a rotation is asked for: no keepers at generation 0, the generation as keeper after", () => {
    const passwords = cloud.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
    expect(passwords.find((r) => r.name === "orders-master")!.inputs).not.toHaveProperty("keepers");
    expect(passwords.find((r) => r.name === "rotated-master")!.inputs.keepers).toEqual({ rotation: "2" });
    expect(() => new db.GlobalDatabase("bad-rotation", { engine: "aurora-postgresql", engineVersion: "16.6", masterPasswordRotation: -1 })).toThrow(/0 or more/);
  });

  it("generates the password only from characters RDS accepts", () => {
    const random = cloud.resources.find((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name === "orders-master")!;
    expect(random.inputs).toMatchObject({ length: 32, special: true });
    expect(String(random.inputs.overrideSpecial)).not.toMatch(/[/@" ]/);
  });
});

describe("RegionalDatabase: primary vs secondary", () => {
  it("creates the primary with the master credentials (password secret) and the database name", () => {
    const cluster = named("orders-use1-cluster");
    expect(cluster.inputs).toMatchObject({ masterUsername: "app_admin", masterPassword: "[secret]", databaseName: "app" });
    expect(cluster.inputs.globalClusterIdentifier).toBe("orders");
    expect(cluster.inputs).not.toHaveProperty("replicationSourceIdentifier");
    expect(cluster.inputs).not.toHaveProperty("enableGlobalWriteForwarding");
  });

  it("creates the secondary from the global cluster alone: no credentials, no database name, no replication source", () => {
    const cluster = named("orders-usw2-cluster");
    expect(cluster.inputs.globalClusterIdentifier).toBe("orders");
    for (const prop of ["masterUsername", "masterPassword", "databaseName", "replicationSourceIdentifier", "manageMasterUserPassword"]) {
      expect(cluster.inputs).not.toHaveProperty(prop);
    }
    expect(cluster.inputs.enableGlobalWriteForwarding).toBe(true);
  });

  it("creates the secondary only after the primary cluster and its instances", () => {
    const secondary = named("orders-usw2-cluster");
    expect(secondary.dependsOn).toContain(named("orders-use1-cluster").urn);
    expect(secondary.dependsOn).toContain(named("orders-use1-1").urn);
  });

  it("exposes a writer endpoint on the primary only", () => {
    expect(primaryOutputs.writer).toMatch(/^orders-use1\.cluster-.*\.us-east-1\.rds\.amazonaws\.com$/);
    expect(primaryOutputs.secondaryWriterIsUndefined).toBe(true);
  });

  it("gives applications their own cluster endpoint for writes whatever the member's role, and says which secondary forwards writes", () => {
    expect(primaryOutputs.localWriters.primary).toBe(primaryOutputs.writer);
    // A secondary's cluster endpoint: no writer until a switchover or failover promotes it.
    expect(primaryOutputs.localWriters.readOnly).toMatch(/^upgraded-usw2\.cluster-[0-9a-f]+\.us-west-2\.rds\.amazonaws\.com$/);
    expect(primaryOutputs.localWriters.forwarding).toMatch(/^orders-usw2\.cluster-[0-9a-f]+\.us-west-2\.rds\.amazonaws\.com$/);
    expect([primaryOutputs.localWriters.primaryForwards, primaryOutputs.localWriters.forwardingForwards, primaryOutputs.localWriters.readOnlyForwards]).toEqual(["false", "true", "false"]);
  });

  it("refuses credentials on a secondary and a missing one on a primary; takes write forwarding on either role (the primary applies it once demoted)", () => {
    const credentials = { username: "u", password: "p", databaseName: "d" };
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, masterCredentials: credentials })).toThrow(/primary only/);
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, role: "primary" })).toThrow(/needs masterCredentials/);
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, role: "primary", masterCredentials: credentials, writeForwarding: true })).not.toThrow();
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, role: "primary", masterCredentials: credentials, engineVersion: "15.3", writeForwarding: true })).toThrow(/writeForwarding: aurora-postgresql 15\.3 cannot forward writes/);
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, engineVersion: "15.3", writeForwarding: true })).toThrow(/writeForwarding: aurora-postgresql 15\.3 cannot forward writes/);
  });
});

describe("RegionalDatabase: placement and encryption per region", () => {
  it("places instances in distinct AZs: two of three on the primary, round-robin on the secondary", () => {
    const primaryAzs = ofType(childrenOf("orders-use1"), INSTANCE).map((i) => i.inputs.availabilityZone);
    expect(primaryAzs).toEqual(["us-east-1a", "us-east-1b"]);
    const secondaryAzs = ofType(childrenOf("orders-usw2"), INSTANCE).map((i) => i.inputs.availabilityZone);
    expect(secondaryAzs).toEqual(["us-west-2a", "us-west-2b", "us-west-2a"]);
    expect(ofType(childrenOf("orders-usw2"), INSTANCE).map((i) => i.inputs.promotionTier)).toEqual([0, 1, 2]);
  });

  it("makes the primary's first instance the writer by creating the others after it", () => {
    const [first, second] = ofType(childrenOf("orders-use1"), INSTANCE);
    expect(second.dependsOn).toContain(first.urn);
    expect(ofType(childrenOf("orders-usw2"), INSTANCE)[1].dependsOn).not.toContain(ofType(childrenOf("orders-usw2"), INSTANCE)[0].urn);
  });

  it("defers an instance change to the maintenance window: applied at once it would restart every instance of the member together", () => {
    for (const member of ["orders-use1", "orders-usw2"]) for (const instance of ofType(childrenOf(member), INSTANCE)) expect(instance.inputs.applyImmediately).toBeUndefined();
  });

  it("encrypts each member with a rotating, protected key in its own region (storage and Performance Insights)", () => {
    for (const [component, region] of [["orders-use1", "us-east-1"], ["orders-usw2", "us-west-2"]] as const) {
      const key = named(`${component}-key`, KEY);
      expect(key.region).toBe(region);
      expect(key.inputs.enableKeyRotation).toBe(true);
      expect(key.protect).toBe(true);
      expect(String(key.outputs.arn)).toContain(`:kms:${region}:`);
      const cluster = named(`${component}-cluster`);
      expect(cluster.region).toBe(region);
      expect(cluster.inputs).toMatchObject({ storageEncrypted: true, kmsKeyId: key.outputs.arn });
      for (const instance of ofType(childrenOf(component), INSTANCE)) {
        expect(instance.inputs).toMatchObject({ performanceInsightsEnabled: true, performanceInsightsKmsKeyId: key.outputs.arn });
      }
      for (const r of childrenOf(component).filter((c) => c.type.startsWith("aws:"))) {
        expect(r.region, r.name).toBe(region);
      }
    }
  });
});

describe("RegionalDatabase: drift traps and protection", () => {
  it("ignores globalClusterIdentifier, replicationSourceIdentifier and engineVersion on every member, the password on secondaries", () => {
    const primary = named("orders-use1-cluster").ignoreChanges;
    const secondary = named("orders-usw2-cluster").ignoreChanges;
    // Also on the primary: a promoted secondary keeps replicationSourceIdentifier in state.
    expect(primary).toEqual(expect.arrayContaining(["globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion", "masterUsername", "databaseName"]));
    expect(secondary).toEqual(expect.arrayContaining(["globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion", "masterUsername", "databaseName", "masterPassword"]));
    expect(primary).not.toContain("masterPassword"); // rotation of the password must reach the writer
    for (const instance of cloud.ofType(INSTANCE)) expect(instance.ignoreChanges).toContain("engineVersion");
  });

  it("lets a member change role (switchover, then reordered regions) without replacing or detaching it", () => {
    const primary = named("orders-use1-cluster");
    const secondary = named("orders-usw2-cluster");
    const keys = (r: RecordedResource) => new Set(Object.keys(r.inputs));
    const roleSpecific = [...keys(primary)].filter((k) => !keys(secondary).has(k)).concat([...keys(secondary)].filter((k) => !keys(primary).has(k)));
    expect(roleSpecific.sort()).toEqual(["databaseName", "enableGlobalWriteForwarding", "masterPassword", "masterUsername"]);
    // Create-only inputs must be ignored whichever way the role flips; the password only where
    // it would be removed (a demoted primary); write forwarding is an in-place modification.
    const createOnly = ["databaseName", "masterUsername"];
    for (const key of createOnly) {
      expect(primary.ignoreChanges).toContain(key);
      expect(secondary.ignoreChanges).toContain(key);
    }
    expect(secondary.ignoreChanges).toContain("masterPassword");
  });

  it("protects clusters and keys and turns on deletion protection with a final snapshot; instances stay replaceable", () => {
    for (const cluster of cloud.ofType(CLUSTER)) {
      expect(cluster.protect).toBe(true);
      expect(cluster.inputs).toMatchObject({ deletionProtection: true, skipFinalSnapshot: false, copyTagsToSnapshot: true });
      expect(String(cluster.inputs.finalSnapshotIdentifier)).toMatch(new RegExp(`^${cluster.inputs.clusterIdentifier}-final-[0-9a-f]{8}$`));
    }
    for (const key of cloud.ofType(KEY)) expect(key.protect).toBe(true);
    for (const instance of cloud.ofType(INSTANCE)) expect(instance.protect).toBe(false);
  });

  it("never records the generated password in plain text", () => {
    const random = cloud.resources.find((r) => r.type === "random:index/randomPassword:RandomPassword")!;
    const password = String(fakeOutputs({ type: random.type, name: random.name, urn: random.urn, region: "us-east-1", inputs: random.inputs }).state.result);
    expect(password).toHaveLength(32);
    expect(random.outputs.result).toBe("[secret]");
    const everything = JSON.stringify({ resources: cloud.resources, stack: cloud.stackOutputs });
    expect(everything).not.toContain(password);
    expect(everything).not.toContain("provided-elsewhere");
  });

  it("hands the password to the primary (and to stack outputs) only as a secret", async () => {
    expect(await pulumiSdk.isSecret(globalDb.masterCredentials.password)).toBe(true);
    expect(await pulumiSdk.isSecret(globalDb.masterCredentials.username)).toBe(false);
  });
});

describe("RegionalDatabase: operational defaults", () => {
  it("turns on IAM auth, all log exports, 14-day backups in a window clear of maintenance", () => {
    const pg = named("orders-use1-cluster").inputs;
    expect(pg).toMatchObject({ iamDatabaseAuthenticationEnabled: true, enabledCloudwatchLogsExports: ["postgresql"], backupRetentionPeriod: 14, preferredBackupWindow: "03:00-04:00", preferredMaintenanceWindow: "sun:05:00-sun:06:00", port: 5432 });
    const mysql = named("shop-euw1-cluster").inputs;
    expect(mysql).toMatchObject({ enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"], port: 3306 });
    for (const cluster of cloud.ofType(CLUSTER)) expect(Number(cluster.inputs.backupRetentionPeriod)).toBeGreaterThanOrEqual(7);
  });

  it("monitors every instance every 60 s through a role RDS monitoring can assume", () => {
    const role = named("orders-use1-monitoring", "aws:iam/role:Role");
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({ Service: "monitoring.rds.amazonaws.com" });
    const attachment = cloud.resources.find((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name === "orders-use1-monitoring")!;
    expect(attachment.inputs.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
    for (const instance of ofType(childrenOf("orders-use1"), INSTANCE)) {
      expect(instance.inputs).toMatchObject({ monitoringInterval: 60, monitoringRoleArn: role.outputs.arn, publiclyAccessible: false, autoMinorVersionUpgrade: false, instanceClass: "db.r7g.large", engine: "aurora-postgresql" });
    }
  });

  it("admits only the client security groups, on the engine port, and nothing else", () => {
    const sg = named("orders-use1-sg");
    expect(sg.inputs).not.toHaveProperty("ingress");
    expect(sg.inputs).not.toHaveProperty("egress");
    const rules = cloud.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === sg.id);
    expect(rules.map((r) => r.inputs.referencedSecurityGroupId)).toEqual(["sg-nodes-east", "sg-jobs-east"]);
    for (const rule of rules) {
      expect(rule.inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 5432, toPort: 5432 });
      expect(rule.inputs).not.toHaveProperty("cidrIpv4");
    }
    expect(cloud.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")).toEqual([]);
  });

  it("derives the parameter group family and sets rds.global_db_rpo only when asked", () => {
    const pgParams = named("orders-use1-params-aurora-postgresql16");
    expect(pgParams.inputs.family).toBe("aurora-postgresql16");
    expect(pgParams.inputs.parameters).toEqual(expect.arrayContaining([{ name: "rds.global_db_rpo", value: "30", applyMethod: "immediate" }]));
    expect(named("orders-usw2-params-aurora-postgresql16").inputs.parameters).not.toEqual(expect.arrayContaining([expect.objectContaining({ name: "rds.global_db_rpo" })]));
    const mysqlParams = named("shop-euw1-params-aurora-mysql8-0");
    expect(mysqlParams.inputs.family).toBe("aurora-mysql8.0");
    expect(mysqlParams.inputs.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: "require_secure_transport", value: "ON" })]));
    expect(named("orders-use1-cluster").inputs.dbClusterParameterGroupName).toBe(pgParams.id);
  });

  it("scales readers from the readers it created up to the asked maximum when asked", () => {
    const target = named("orders-use1-readers");
    expect(target.inputs).toMatchObject({ serviceNamespace: "rds", scalableDimension: "rds:cluster:ReadReplicaCount", resourceId: "cluster:orders-use1", minCapacity: 1, maxCapacity: 5 });
    const policy = named("orders-use1-readers-cpu");
    expect(policy.inputs).toMatchObject({
      policyType: "TargetTrackingScaling",
      targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "RDSReaderAverageCPUUtilization" }, targetValue: 70 },
    });
    expect(cloud.resources.filter((r) => r.type === "aws:appautoscaling/target:Target")).toHaveLength(1);
  });

  it("creates no monitoring role when monitoring is explicitly off", () => {
    expect(ofType(childrenOf("shop-euw1"), "aws:iam/role:Role")).toEqual([]);
    for (const instance of ofType(childrenOf("shop-euw1"), INSTANCE)) {
      expect(instance.inputs.monitoringInterval).toBe(0);
      expect(instance.inputs).not.toHaveProperty("monitoringRoleArn");
    }
  });
});

describe("RegionalDatabase: refused configurations", () => {
  it("refuses a burstable class before creating anything", () => {
    const before = cloud.resources.length;
    expect(() => new db.RegionalDatabase("burst", { ...baseSecondaryArgs, instanceClass: "db.t4g.medium" })).toThrow(/burstable.*global databases/);
    expect(cloud.resources.length).toBe(before);
  });

  it.each([
    [{ instanceCount: 1 }, /allowSingleInstance/],
    [{ backupRetentionDays: 3 }, /7 to 35/],
    [{ preferredBackupWindow: "05:30-06:30" }, /overlaps/],
    [{ instanceMaintenanceWindows: ["sun:03:30-sun:04:00"] }, /instanceMaintenanceWindows\[0\] "sun:03:30-sun:04:00" overlaps preferredBackupWindow/],
    [{ instanceMaintenanceWindows: ["someday"] }, /maintenance window "someday"/],
    [{ globalRpoSeconds: 10 }, /at least 20/],
    [{ engine: "aurora-mysql" as const, engineVersion: "8.0.mysql_aurora.3.05.2", globalRpoSeconds: 30 }, /aurora-postgresql only/],
    [{ monitoringIntervalSeconds: 45 }, /1, 5, 10, 15, 30, 60/],
    [{ clientSecurityGroupIds: [] }, /nothing could reach/],
    [{ readerAutoscaling: { maxCapacity: 5 } }, /primary only: Aurora global databases do not support Auto Scaling on secondary clusters/],
    [{ clusterParameters: { "rds.force_ssl": "0" } }, /clusterParameters\["rds\.force_ssl"\] "0" would allow connections without TLS.*remove it from clusterParameters/],
    [{ engine: "aurora-mysql" as const, engineVersion: "8.0.mysql_aurora.3.05.2", clusterParameters: { require_secure_transport: "OFF" } }, /clusterParameters\["require_secure_transport"\] "OFF" would allow connections without TLS/],
  ])("refuses %o", (override, message) => {
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, ...override })).toThrow(message);
  });

  it("never lets extra cluster parameters turn TLS-only connections off, and keeps every other extra", () => {
    expect(() => db.clusterParameters({ engine: "aurora-postgresql", clusterParameters: { "rds.force_ssl": "0" } })).toThrow(/rds\.force_ssl.*without TLS/);
    expect(() => db.clusterParameters({ engine: "aurora-postgresql", clusterParameters: { "RDS.FORCE_SSL": "0" } })).toThrow(/without TLS/);
    expect(() => db.clusterParameters({ engine: "aurora-mysql", clusterParameters: { require_secure_transport: "0" } })).toThrow(/require_secure_transport.*without TLS/);
    expect(db.clusterParameters({ engine: "aurora-postgresql", clusterParameters: { "rds.force_ssl": "1", "log_min_duration_statement": "500" } })).toEqual({ "rds.force_ssl": "1", log_min_duration_statement: "500" });
    expect(db.clusterParameters({ engine: "aurora-mysql", clusterParameters: { require_secure_transport: "on" } })).toMatchObject({ require_secure_transport: "on" });
  });

  it("refuses primary reader autoscaling that cannot add a reader", () => {
    const primary = { ...baseSecondaryArgs, role: "primary" as const, masterCredentials: { username: "u", password: "p", databaseName: "app" } };
    expect(() => db.validateRegionalDatabaseArgs({ ...primary, readerAutoscaling: { maxCapacity: 2 } })).toThrow(/more than the 2 reader/);
    expect(() => db.validateRegionalDatabaseArgs({ ...primary, readerAutoscaling: { maxCapacity: 4 } })).not.toThrow();
  });

  it("allows a single instance when asked explicitly", () => {
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, instanceCount: 1, allowSingleInstance: true })).not.toThrow();
  });
});

describe("RegionalDatabase: a major upgrade through the global cluster", () => {
  const groups = (component: string) => childrenOf(component).filter((r) => r.type === "aws:rds/clusterParameterGroup:ClusterParameterGroup");

  it("has the target family's group ready before the upgrade, with the same TLS-only settings, while the cluster keeps its own", () => {
    const [current, target] = ["upgrading-usw2-params-aurora-postgresql16", "upgrading-usw2-params-aurora-postgresql17"].map((n) => named(n));
    expect(groups("upgrading-usw2").map((g) => g.name).sort()).toEqual([current.name, target.name]);
    expect(target.inputs).toMatchObject({ family: "aurora-postgresql17", description: "upgrading-usw2 (aurora-postgresql17)" });
    expect(target.inputs.parameters).toEqual(current.inputs.parameters);
    expect(target.inputs.parameters).toEqual([{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }]);
    expect(named("upgrading-usw2-cluster").inputs.dbClusterParameterGroupName).toBe(current.id);
  });

  it("attaches the prepared group once the version reached the target, and keeps the old group's state under its new name", () => {
    const [only] = groups("upgraded-usw2");
    expect(groups("upgraded-usw2")).toHaveLength(1);
    expect(only.inputs.family).toBe("aurora-postgresql17");
    expect(named("upgraded-usw2-cluster").inputs.dbClusterParameterGroupName).toBe(only.id);
    // The group of the attached family answers to the name it had before groups were named by family.
    expect(only.aliases.some((a) => a.endsWith("::upgraded-usw2-params"))).toBe(true);
    expect(named("upgrading-usw2-params-aurora-postgresql17").aliases).toEqual([]);
  });

  it("refuses a global RPO during the upgrade and a downgrade", () => {
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, upgradeTargetEngineVersion: "17.4", globalRpoSeconds: 30 })).toThrow(/rds\.global_db_rpo blocks major upgrades/);
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, upgradeTargetEngineVersion: "15.4" })).toThrow(/older major.*cannot downgrade/);
    expect(() => db.validateRegionalDatabaseArgs({ ...baseSecondaryArgs, engineVersion: "17.4", upgradeTargetEngineVersion: "17.4", globalRpoSeconds: 30 })).not.toThrow();
  });
});
