import { describe, expect, it } from "vitest";
import { join } from "path";
import { parseEnvironment, type Environment } from "../../stacks/config";
import { globalCacheArgs, globalDatabaseArgs, globalTrafficArgs, regionArgs, regionalStacksFirst, regionSwitchArgs, resilienceArgs, roleOf, type SharedInputs } from "../../stacks/compose";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { qualifiedStackName } from "../../stacks/environment";

const prodConfig = readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml"));
const prod = parseEnvironment("prod", prodConfig);
const shared: SharedInputs = { zoneId: "Z1", zoneName: "prod.example.com", globalClusterIdentifier: "prod-global", routingControlArn: "arn:rc", alarmTopicArn: "arn:topic", masterCredentials: { username: "u", password: "p", databaseName: "app" } };

function withFourthRegion(): Environment {
  return parseEnvironment("prod", {
    ...prodConfig,
    "platform:regions": [...prod.regions, "ap-southeast-2"],
    "platform:vpcCidrs": [...prod.vpcCidrs, "10.40.0.0/16"],
  });
}

/** Replaces what legitimately differs between regions so the rest can be compared. */
function normalise(args: ReturnType<typeof regionArgs>, region: string, cidr: string): unknown {
  // Health-check checker regions are environment-wide and may include `region` itself; the
  // cross-region experiment cuts each region's way to the others, which differ by definition.
  const { healthCheck, ...dns } = args.dns;
  const resilience = args.resilience?.experiments ? { ...args.resilience, experiments: { ...args.resilience.experiments, otherRegions: "<the other regions>", otherDatabaseMembers: "<the other regions' members>" } } : args.resilience;
  // Each region's maintenance windows are its own by design (components/lib/maintenance.ts).
  const database = { ...args.database, preferredMaintenanceWindow: "<the region's window>", preferredBackupWindow: "<the region's window>", instanceMaintenanceWindows: "<the region's windows>" };
  const text = JSON.stringify({ ...args, dns, resilience, database }).split(region).join("<region>").split(cidr).join("<cidr>");
  return { ...JSON.parse(text), healthCheck };
}

describe("environment → stack composition", () => {
  it("gives each region's database and cache their own maintenance windows, prod's regions on different days", () => {
    const withCache = parseEnvironment("prod", { ...prodConfig, "platform:cacheEnabled": true, "platform:cacheHomeRegion": prod.regions[0] });
    const windows = withCache.regions.map((r) => regionArgs(withCache, r, shared));
    const days = windows.map((a) => a.database.preferredMaintenanceWindow?.slice(0, 3));
    expect(new Set(days).size).toBe(withCache.regions.length);
    for (const a of windows) expect(a.cache?.maintenanceWindow?.slice(0, 3)).toBe(a.database.preferredMaintenanceWindow?.slice(0, 3));
    for (const a of windows) expect(a.cache?.maintenanceWindow).not.toBe(a.database.preferredMaintenanceWindow);
    // Each instance its own window, so a region's instances are never patched together.
    for (const a of windows) expect(new Set(a.database.instanceMaintenanceWindows).size).toBe(withCache.dbInstancesPerRegion);
  });

  it("gives each region's writer-moving automation every other region's Aurora member, named as that region's stack names it", () => {
    for (const region of prod.regions) {
      const members = resilienceArgs(prod, region, {}).experiments?.otherDatabaseMembers;
      expect(members?.map((m) => m.region)).toEqual(prod.regions.filter((r) => r !== region));
      for (const m of members ?? []) expect(m.clusterIdentifier).toBe(regionArgs(prod, m.region, shared).database.clusterIdentifier);
    }
  });

  it("makes the first region the primary database member and every other region a secondary", () => {
    expect(prod.regions.map((r) => regionArgs(prod, r, shared).database.role)).toEqual(["primary", "secondary", "secondary"]);
    expect(regionArgs(prod, "us-east-1", shared).database.masterCredentials).toBeDefined();
    expect(regionArgs(prod, "us-west-2", shared).database.masterCredentials).toBeUndefined();
  });

  it("hands the pinned add-on versions to every region's cluster, and none when nothing is pinned", () => {
    const pinned = parseEnvironment("prod", { ...prodConfig, "platform:eksAddonVersions": ["vpc-cni=v1.19.2-eksbuild.1", "coredns=v1.11.4-eksbuild.2"] });
    expect(pinned.regions.map((r) => regionArgs(pinned, r, shared).cluster.addonVersions)).toEqual(pinned.regions.map(() => ({ "vpc-cni": "v1.19.2-eksbuild.1", coredns: "v1.11.4-eksbuild.2" })));
    expect(regionArgs(prod, "us-east-1", shared).cluster.addonVersions).toEqual({});
  });

  it("publishes the writer failover record as PRIMARY in the primary region, SECONDARY in the first secondary, nowhere else", () => {
    expect(prod.regions.map((r) => regionArgs(prod, r, shared).dns.writer?.role)).toEqual(["PRIMARY", "SECONDARY", undefined]);
  });

  it("gives a fourth region args that differ from another secondary only in its region, CIDR and writer record", () => {
    const env = withFourthRegion();
    const fourth = normalise(regionArgs(env, "ap-southeast-2", shared), "ap-southeast-2", "10.40.0.0/16") as Record<string, Record<string, unknown>>;
    const third = normalise(regionArgs(env, "eu-west-1", shared), "eu-west-1", "10.30.0.0/16") as Record<string, Record<string, unknown>>;
    expect(fourth).toEqual(third);
    expect(roleOf(env, "ap-southeast-2")).toBe("secondary");
  });

  it("passes the environment's sizes and settings through unchanged", () => {
    const args = regionArgs(prod, "us-west-2", shared);
    expect(args.network).toEqual({ cidrBlock: "10.20.0.0/16", azCount: 3, natGateways: "perAz", flowLogRetentionDays: 365 });
    expect(args.nodePool).toMatchObject({ minSize: 6, desiredSize: 9, maxSize: 24, instanceTypes: prod.nodeInstanceTypes });
    expect(args.database).toMatchObject({ instanceClass: "db.r7g.2xlarge", instanceCount: 3, backupRetentionDays: 14, engineVersion: "16.6" });
    expect(args.dns.healthCheck).toEqual({ path: "/healthz", intervalSeconds: 10, failureThreshold: 3, regions: prod.healthCheckRegions });
    expect(args.ingress.domainNames).toEqual(["app.prod.example.com", "writer.prod.example.com"]);
    expect(args.dns.routingControlArn).toBe("arn:rc");
  });

  it("hands every region's cluster the environment's support type: STANDARD unless EXTENDED is named", () => {
    const { "platform:eksSupportType": _unset, ...withoutKey } = prodConfig as Record<string, unknown>;
    // On 1.35: prod's 1.34 is past its standard support on the suite's day, where STANDARD is refused.
    const on135 = { "platform:kubernetesVersion": "1.35" };
    expect(regionArgs(parseEnvironment("prod", { ...withoutKey, ...on135 }), "us-east-1", shared).cluster.supportType).toBe("STANDARD");
    const standard = parseEnvironment("prod", { ...prodConfig, ...on135, "platform:eksSupportType": "STANDARD" });
    expect(standard.regions.map((r) => regionArgs(standard, r, shared).cluster.supportType)).toEqual(standard.regions.map(() => "STANDARD"));
    // Prod names EXTENDED, a dated exception: its 1.34 clusters are in extended support since 2026-12-02.
    expect(prod.regions.map((r) => regionArgs(prod, r, shared).cluster.supportType)).toEqual(prod.regions.map(() => "EXTENDED"));
  });

  it("pins each kind's node image the way that kind spells it: the AMI release for Auto Scaling groups, EKS's release version for managed groups", () => {
    expect(regionArgs(prod, "us-west-2", shared).nodePool).toMatchObject({ kind: "autoscaling", amiReleaseVersion: "v20260714" });
    expect(regionArgs(prod, "us-west-2", shared).nodePool).not.toHaveProperty("releaseVersion");
    const managed = parseEnvironment("prod", { ...prodConfig, "platform:nodePoolKind": "managed", "platform:nodeGroupReleaseVersion": "1.34.2-20260714" });
    for (const region of managed.regions) {
      const pool = regionArgs(managed, region, shared).nodePool;
      expect(pool).toMatchObject({ kind: "managed", releaseVersion: "1.34.2-20260714" });
      expect(pool).not.toHaveProperty("amiReleaseVersion");
    }
  });

  it("runs the cluster-autoscaler release of the cluster's Kubernetes minor unless a tag is given", () => {
    expect(regionArgs(prod, "us-east-1", shared).addons.clusterAutoscalerImageTag).toBe("v1.34.4");
    const pinned = parseEnvironment("prod", { ...prodConfig, "platform:kubernetesVersion": "1.33", "platform:clusterAutoscalerImageTag": "v1.33.9" });
    expect(regionArgs(pinned, "us-east-1", shared).addons.clusterAutoscalerImageTag).toBe("v1.33.9");
    expect(regionArgs(parseEnvironment("prod", { ...prodConfig, "platform:kubernetesVersion": "1.32" }), "us-east-1", shared).addons.clusterAutoscalerImageTag).toBe("v1.32.5");
  });

  it("leaves ARC out of regions when the environment turns it off", () => {
    const env = parseEnvironment("prod", { ...prodConfig, "platform:arcEnabled": false });
    expect(regionArgs(env, "us-east-1", shared).dns.routingControlArn).toBeUndefined();
    expect(globalTrafficArgs(env).arc).toEqual({ enabled: false });
    // The Region switch plan flips the routing controls: without them (regionSwitch left on) there is none.
    expect(env.regionSwitch).toBe(true);
    expect(regionSwitchArgs(env, { routingControlArns: {} })).toBeUndefined();
    expect(regionSwitchArgs(prod, { routingControlArns: {} })).toBeDefined();
  });

  it("sets rds.global_db_rpo on every member when asked, so it survives a switchover", () => {
    const env = parseEnvironment("prod", { ...prodConfig, "platform:dbGlobalRpoSeconds": 30 });
    expect(env.regions.map((r) => regionArgs(env, r, shared).database.globalRpoSeconds)).toEqual([30, 30, 30]);
    expect(regionArgs(prod, "us-east-1", shared).database.globalRpoSeconds).toBeUndefined();
  });

  it("asks every member, the primary too, to forward writes when write forwarding is on: AWS applies it to the primary once a switchover demotes it", () => {
    const env = parseEnvironment("prod", { ...prodConfig, "platform:dbWriteForwarding": true });
    expect(env.regions.map((r) => regionArgs(env, r, shared).database.writeForwarding)).toEqual([true, true, true]);
    expect(regionArgs(prod, "us-west-2", shared).database.writeForwarding).toBeUndefined();
  });

  it("replicates the database secret to every region but its home region (here the primary)", () => {
    expect(globalDatabaseArgs(prod, prod.primaryRegion).secretReplicaRegions).toEqual(["us-west-2", "eu-west-1"]);
  });

  it("replicates the secret to every region but the global stack's own when that is not the primary", () => {
    // Global stack in us-east-1 (Route 53's home), Aurora writer in eu-west-1: a replica in the
    // secret's own region is refused, and the primary region needs one.
    const env = parseEnvironment("prod", { ...prodConfig, "platform:regions": ["eu-west-1", "us-east-1", "us-west-2"] });
    expect(globalDatabaseArgs(env, "us-east-1").secretReplicaRegions).toEqual(["eu-west-1", "us-west-2"]);
  });

  it("lets only the deploy identity and the operators read the master secret's value, the pods only with master-secret", () => {
    expect(globalDatabaseArgs(prod, prod.primaryRegion).secretReaderPrincipalArns).toEqual([prod.deployIdentityArn, ...prod.eksAdminPrincipalArns]);
    const env = parseEnvironment("prod", { ...prodConfig, "platform:serviceDatabaseCredentials": "master-secret" });
    const readers = globalDatabaseArgs(env, env.primaryRegion).secretReaderPrincipalArns!;
    const pods = readers.slice(1 + env.eksAdminPrincipalArns.length);
    expect(pods).toEqual(env.regions.map((r) => `arn:aws:iam::123456789012:role/prod-${r}-pods-???????`));
    // The pattern admits the role Pulumi auto-names for the service (`<logical name>-<7 hex>`), and no other.
    const admits = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.*+^${}()|[\]\\]/g, "\\$&").replace(/\\\*/g, ".*").replace(/\?/g, ".")}$`).test(arn);
    expect(admits(pods[0], "arn:aws:iam::123456789012:role/prod-us-east-1-pods-1a2b3c4")).toBe(true);
    expect(admits(pods[0], "arn:aws:iam::123456789012:role/prod-us-east-1-pods-admin-1a2b3c4")).toBe(false);
  });

  it("lets only the deploy identity and the operators change the master secret's policy, replicas and value, never the pods", () => {
    const deployers = [prod.deployIdentityArn, ...prod.eksAdminPrincipalArns];
    expect(globalDatabaseArgs(prod, prod.primaryRegion).secretDeployerPrincipalArns).toEqual(deployers);
    const env = parseEnvironment("prod", { ...prodConfig, "platform:serviceDatabaseCredentials": "master-secret" });
    const args = globalDatabaseArgs(env, env.primaryRegion);
    expect(args.secretDeployerPrincipalArns).toEqual(deployers);
    // Every deployer reads the value back after writing it.
    for (const deployer of deployers) expect(args.secretReaderPrincipalArns).toContain(deployer);
  });

  it("protects the cache AUTH token like the master secret: read by the deployers and every region's pods, changed by the deployers only", () => {
    const env = parseEnvironment("prod", { ...prodConfig, "platform:cacheEnabled": true, "platform:cacheHomeRegion": prod.regions[0] });
    const args = globalCacheArgs(env, env.primaryRegion)!;
    const deployers = [env.deployIdentityArn, ...env.eksAdminPrincipalArns];
    expect(args.secretDeployerPrincipalArns).toEqual(deployers);
    // The pods connect with the token (dataTierBinding grants them their region's replica), whatever serviceDatabaseCredentials says.
    expect(args.secretReaderPrincipalArns).toEqual([...deployers, ...env.regions.map((r) => `arn:aws:iam::123456789012:role/prod-${r}-pods-???????`)]);
  });

  it("gives every cluster the deploy identity as admin and the deployer's CIDRs on the endpoint its network uses", () => {
    for (const region of prod.regions) {
      const cluster = regionArgs(prod, region, shared).cluster;
      expect(cluster.deployerPrincipalArn).toBe("arn:aws:iam::123456789012:role/platform-deploy");
      expect(cluster.publicAccessCidrs).toEqual(prod.deployerCidrs);
      expect(cluster.endpointPrivateAccessCidrs).toEqual([]);
    }
    const privately = parseEnvironment("prod", { ...prodConfig, "platform:deployerNetwork": "private", "platform:deployerCidrs": ["10.200.0.0/20"], "platform:eksPublicAccessCidrs": [] });
    expect(regionArgs(privately, "eu-west-1", shared).cluster).toMatchObject({ publicAccessCidrs: [], endpointPrivateAccessCidrs: ["10.200.0.0/20"] });
  });

  it("hands each region only its own pinned and excluded zone IDs", () => {
    const pinned = parseEnvironment("prod", {
      ...prodConfig,
      "platform:availabilityZoneIds": ["use1-az1", "use1-az2", "use1-az4", "euw1-az1", "euw1-az2", "euw1-az3"],
      "platform:excludedAvailabilityZoneIds": ["usw2-az4"],
    });
    expect(regionArgs(pinned, "us-east-1", shared).network.availabilityZoneIds).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
    expect(regionArgs(pinned, "us-west-2", shared).network).toMatchObject({ excludedAvailabilityZoneIds: ["usw2-az4"] });
    expect(regionArgs(pinned, "us-west-2", shared).network.availabilityZoneIds).toBeUndefined();
  });

  it("puts the service on the target group's port and health path, signing in as its own database user (its hosts are the region's own endpoints)", () => {
    const master = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/aurora/master-AbC123";
    const args = regionArgs(prod, "us-west-2", { ...shared, databaseSecretArn: master });
    expect(args.ingress).toMatchObject({ targetPort: 8080, healthCheckPath: "/healthz" });
    // Never the master user's secret by default: that user is a superuser (rds_superuser).
    expect(args.service).toMatchObject({ minReplicas: 3, maxReplicas: 12, database: { name: "app", iamUser: "app" } });
    expect(args.service.database).not.toHaveProperty("secretArn");
    expect(args.service.database).not.toHaveProperty("writerEndpoint");
    // The risky choice, named: the pods may read the master secret.
    const risky = parseEnvironment("prod", { ...prodConfig, "platform:serviceDatabaseCredentials": "master-secret" });
    expect(regionArgs(risky, "us-west-2", { ...shared, databaseSecretArn: master }).service.database).toEqual({ name: "app", secretArn: master });
    expect(args.addons.awsLoadBalancerControllerChartVersion).toBe("3.5.0");
  });

  it("has every secondary watch the primary from outside (its own name), and the primary watch nobody (nothing is built before it)", () => {
    expect(regionArgs(prod, "us-east-1", shared).observability?.canary?.watchedRegions).toBeUndefined();
    for (const region of ["us-west-2", "eu-west-1"]) {
      expect(regionArgs(prod, region, shared).observability?.canary?.watchedRegions).toEqual([{ region: "us-east-1", name: "app-us-east-1.prod.example.com" }]);
    }
    // (Production refuses it: this environment is not production.)
    const noCanary = parseEnvironment("prod", { ...prodConfig, "platform:production": false, "platform:canaryEnabled": false });
    expect(regionArgs(noCanary, "us-west-2", shared).observability?.canary).toBeUndefined();
  });

  it("after a switchover to us-west-2, also watches us-east-1 (the Route 53 home, now a secondary) from the region deployed after it", () => {
    const regions = ["us-west-2", "us-east-1", "eu-west-1"];
    const switched = parseEnvironment("prod", { ...prodConfig, "platform:regions": regions, "platform:vpcCidrs": ["10.20.0.0/16", "10.10.0.0/16", "10.30.0.0/16"] });
    const watched = (region: string) => regionArgs(switched, region, shared).observability?.canary?.watchedRegions;
    expect(watched("us-west-2")).toBeUndefined();
    expect(watched("us-east-1")).toEqual([{ region: "us-west-2", name: "app-us-west-2.prod.example.com" }]);
    expect(watched("eu-west-1")).toEqual([{ region: "us-west-2", name: "app-us-west-2.prod.example.com" }, { region: "us-east-1", name: "app-us-east-1.prod.example.com" }]);
    // eu-west-1 deploys after us-east-1, so its probe never pages for a region not yet built.
    expect(regions.map((r) => regionalStacksFirst(switched, r))).toEqual([[], [], ["prod-us-east-1"]]);
    expect(prod.regions.map((r) => regionalStacksFirst(prod, r))).toEqual([[], [], []]);
    // Two regions: the primary is the only other, and watches us-east-1.
    const two = parseEnvironment("prod", { ...prodConfig, "platform:regions": regions.slice(0, 2), "platform:vpcCidrs": ["10.20.0.0/16", "10.10.0.0/16"] });
    expect(regionArgs(two, "us-west-2", shared).observability?.canary?.watchedRegions).toEqual([{ region: "us-east-1", name: "app-us-east-1.prod.example.com" }]);
  });

  it("delegates the zone from the parent zone the environment names", () => {
    expect(globalTrafficArgs(prod).delegation).toEqual({ parentZoneName: "example.com" });
    const manual = parseEnvironment("prod", { ...prodConfig, "platform:dnsParentZoneName": "", "platform:dnsManualDelegation": true });
    expect(globalTrafficArgs(manual).delegation).toBe("manual");
  });

  it("refuses a region that is not in the environment", () => {
    expect(() => regionArgs(prod, "sa-east-1", shared)).toThrow(/not a region of prod/);
  });
});

describe("reader autoscaling", () => {
  it("goes to the primary member only: Aurora does not scale a global database's secondaries", () => {
    const scaled = parseEnvironment("prod", { ...prodConfig, "platform:dbReaderAutoscalingMax": 6 });
    expect(scaled.regions.map((r) => regionArgs(scaled, r, shared).database.readerAutoscaling?.maxCapacity)).toEqual([6, undefined, undefined]);
  });
});

describe("qualifiedStackName", () => {
  it("completes a bare or org-only name with the stack's own organization and project, as Pulumi Cloud's stack references need", () => {
    expect(qualifiedStackName("prod", "acme", "platform")).toBe("acme/platform/prod");
    expect(qualifiedStackName("other-org/prod", "acme", "platform")).toBe("other-org/platform/prod");
    expect(qualifiedStackName("acme/platform/prod", "x", "y")).toBe("acme/platform/prod");
  });
});
