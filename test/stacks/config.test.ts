import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "path";
import { parseEnvironment, supportWindowProblems } from "../../stacks/config";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { configProblems, VALID_ENVIRONMENT } from "../fixtures/environment";

const valid = VALID_ENVIRONMENT;
const problemsOf = configProblems;

describe("fault injection keys", () => {
  it("refuses pod network faults without pod faults: the latency experiment is a pod action too", () => {
    expect(problemsOf({ ...valid, "platform:faultInjectionPodNetwork": true })).toEqual([expect.objectContaining({ key: "platform:faultInjectionPodNetwork", message: expect.stringMatching(/needs faultInjectionPods: true/) })]);
    expect(problemsOf({ ...valid, "platform:faultInjectionPodNetwork": true, "platform:faultInjectionPods": true })).toEqual([]);
  });

  it("refuses the data-losing failover without fault injection, and keeps it off by default", () => {
    expect(problemsOf({ ...valid, "platform:faultInjection": false, "platform:faultInjectionDataLoss": true })).toEqual([expect.objectContaining({ key: "platform:faultInjectionDataLoss", message: expect.stringMatching(/adds an experiment template, so it needs faultInjection: true/) })]);
    expect(problemsOf({ ...valid, "platform:faultInjectionDataLoss": true })).toEqual([]);
    expect(parseEnvironment("prod", readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml"))).faultInjectionDataLoss).toBe(false);
  });
});

describe("parseEnvironment: examples", () => {
  it("accepts Pulumi.prod.yaml and fills defaults", () => {
    const env = parseEnvironment("prod", readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml")));
    expect(env.primaryRegion).toBe("us-east-1");
    expect(env.secondaryRegions).toEqual(["us-west-2", "eu-west-1"]);
    expect(env.dbInstanceClass).toBe("db.r7g.2xlarge");
    expect(env.healthCheckRegions).toHaveLength(3);
  });

  it("accepts values as the Pulumi runtime hands them over (strings, arrays as JSON)", () => {
    const asStrings = Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const env = parseEnvironment("dev", { ...asStrings, "platform:azCount": "2", "platform:nodeMinSize": "2", "platform:arcEnabled": "false" });
    expect(env.azCount).toBe(2);
    expect(env.arcEnabled).toBe(false);
  });

  it("reports every problem at once, each with key, value and fix", () => {
    const problems = problemsOf({
      ...valid,
      "platform:regions": ["us-east-1", "us-east-1", "mars-north-1"],
      "platform:vpcCidrs": ["10.0.0.0/16", "10.0.128.0/17", "172.16.0.0/12"],
      "platform:dbInstanceClass": "db.t4g.medium",
      "platform:healthCheckIntervalSeconds": 15,
      "platform:nodeMinSize": 5,
      "platform:nodeDesiredSize": 4,
      "platform:kubernetesVersion": "1.29",
      "platform:dbEngine": "mysql",
    });
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p.message]));
    expect(byKey["platform:regions[1]"]).toMatch(/repeats regions\[0\]/);
    expect(byKey["platform:regions[2]"]).toMatch(/not an AWS region code/);
    expect(byKey["platform:vpcCidrs[1]"]).toMatch(/overlaps vpcCidrs\[0\]/);
    expect(byKey["platform:vpcCidrs[2]"]).toMatch(/outside \/16-\/20/);
    expect(byKey["platform:dbInstanceClass"]).toMatch(/burstable.*db\.r7g\.large/);
    expect(byKey["platform:healthCheckIntervalSeconds"]).toMatch(/10 or 30/);
    expect(byKey["platform:nodeDesiredSize"]).toMatch(/at least nodeMinSize/);
    expect(byKey["platform:kubernetesVersion"]).toMatch(/supported range 1\.32-1\.35/);
    expect(byKey["platform:dbEngine"]).toMatch(/aurora-postgresql/);
    expect(problems.length).toBeGreaterThanOrEqual(9);
  });

  it("refuses a VPC CIDR that overlaps the EKS service CIDR (CreateCluster would fail)", () => {
    const problems = problemsOf({ ...valid, "platform:vpcCidrs": ["10.0.0.0/16", "172.20.0.0/16"] });
    expect(problems.map((p) => p.key)).toEqual(["platform:vpcCidrs[1]"]);
    expect(problems[0].message).toMatch(/172\.20\.0\.0\/16.*service CIDR/);
    expect(problemsOf({ ...valid, "platform:vpcCidrs": ["10.0.0.0/16", "172.21.0.0/16"] })).toEqual([]);
  });

  it("names missing required keys and suggests the key a typo meant", () => {
    const problems = problemsOf({ "platform:region": ["us-east-1"] });
    expect(problems.map((p) => p.key)).toEqual(expect.arrayContaining(["platform:region", "platform:regions", "platform:vpcCidrs", "platform:dnsZoneName", "platform:deployIdentityArn", "platform:deployerNetwork"]));
    expect(problems.find((p) => p.key === "platform:region")!.message).toMatch(/did you mean platform:regions/);
  });

  it("refuses a public EKS endpoint open to the world unless explicitly accepted", () => {
    expect(problemsOf({ ...valid, "platform:eksPublicAccessCidrs": ["0.0.0.0/0"] })[0].message).toMatch(/eksAllowPublicAccessFromAnywhere/);
    expect(problemsOf({ ...valid, "platform:eksPublicAccessCidrs": ["0.0.0.0/0"], "platform:eksAllowPublicAccessFromAnywhere": true })).toEqual([]);
    // The same door in pieces.
    const halves = problemsOf({ ...valid, "platform:eksPublicAccessCidrs": ["0.0.0.0/1", "128.0.0.0/1"] });
    expect(halves.map((p) => [p.key, p.message])).toEqual([["platform:eksPublicAccessCidrs", expect.stringMatching(/more than a \/8's worth .*eksAllowPublicAccessFromAnywhere/)]]);
  });

  it("asks for a cluster-autoscaler chart and image when the Kubernetes version has no tested pair", () => {
    const problems = problemsOf({ ...valid, "platform:kubernetesMaxVersion": "1.36", "platform:kubernetesVersion": "1.36" });
    expect(problems.map((p) => p.key)).toEqual(["platform:clusterAutoscalerChartVersion", "platform:clusterAutoscalerImageTag"]);
    // An image alone is not enough: no known chart's ClusterRole is vouched for 1.36.
    expect(problemsOf({ ...valid, "platform:kubernetesMaxVersion": "1.36", "platform:kubernetesVersion": "1.36", "platform:clusterAutoscalerImageTag": "v1.36.0" }).map((p) => p.key)).toEqual(["platform:clusterAutoscalerChartVersion"]);
  });

  it("takes standard support unless extended support is named, and refuses any other spelling", () => {
    expect(parseEnvironment("dev", valid).eksSupportType).toBe("STANDARD");
    expect(problemsOf({ ...valid, "platform:eksSupportType": "EXTENDED" })).toEqual([]);
    const problems = problemsOf({ ...valid, "platform:eksSupportType": "Extended" });
    expect(problems.map((p) => [p.key, p.value])).toEqual([["platform:eksSupportType", "Extended"]]);
    expect(problems[0].message).toMatch(/^must be "STANDARD" \(AWS upgrades the control plane at the end of standard support; upgrade before it\) or "EXTENDED" .*\$0\.60 instead of \$0\.10 per cluster hour/);
  });

  describe("the EKS support window on a given day (supportWindowProblems)", () => {
    const day = (text: string) => new Date(`${text}T12:00:00Z`);
    const prod = parseEnvironment("prod", readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml")));

    it("refuses STANDARD from the day the version leaves standard support, naming both keys, the values, the date and the fix", () => {
      const standard = { kubernetesVersion: "1.34", eksSupportType: "STANDARD" };
      expect(supportWindowProblems(standard, day("2026-12-01"))).toEqual([]);
      const [problem, ...rest] = supportWindowProblems(standard, day("2026-12-02"));
      expect(rest).toEqual([]);
      expect([problem.key, problem.value]).toEqual(["platform:eksSupportType", "STANDARD"]);
      expect(problem.message).toMatch(/^with kubernetesVersion "1\.34" is refused: 1\.34 left EKS standard support on 2026-12-02 /);
      expect(problem.message).toMatch(/EKS refuses to switch it to STANDARD/);
      expect(problem.message).toMatch(/set eksSupportType: EXTENDED as a dated exception \(billed \$0\.60 instead of \$0\.10 per cluster hour from 2026-12-02\), then upgrade kubernetesVersion to 1\.35 following docs\/runbooks\/upgrade-kubernetes\.md, then set eksSupportType back to STANDARD$/);
      expect(supportWindowProblems(standard, day("2026-12-03"))).toHaveLength(1);
    });

    it("is part of parseEnvironment, on the suite's day (PLAN_TODAY): prod with STANDARD is refused before anything runs", () => {
      expect(process.env.PLAN_TODAY).toBe("2026-12-03");
      const prodStandard = { ...readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml")), "platform:eksSupportType": "STANDARD" };
      expect(() => parseEnvironment("prod", prodStandard)).toThrow(/platform:eksSupportType.*STANDARD.*1\.34 left EKS standard support on 2026-12-02/s);
      // Not judged where the caller says so: a regional stack reading its global stack's export
      // (deployed before the date, it must not fail the preview of its own fix), the load test.
      expect(parseEnvironment("prod", prodStandard, "stack prod (output \"environment\")", undefined, { judgeSupportWindow: false }).eksSupportType).toBe("STANDARD");
    });

    it("accepts prod as committed: EXTENDED, the dated exception for its 1.34 clusters", () => {
      expect(prod.eksSupportType).toBe("EXTENDED");
      expect(supportWindowProblems(prod, day("2026-12-03"))).toEqual([]);
    });

    it("accepts STANDARD on a version in standard support, and leaves versions it has no dates for and malformed values to the other rules", () => {
      expect(supportWindowProblems({ kubernetesVersion: "1.35", eksSupportType: "STANDARD" }, day("2026-12-03"))).toEqual([]);
      expect(supportWindowProblems({ kubernetesVersion: "1.36", eksSupportType: "STANDARD" }, day("2030-01-01"))).toEqual([]);
      expect(supportWindowProblems({ kubernetesVersion: "1.34", eksSupportType: "standard" }, day("2026-12-03"))).toEqual([]);
      expect(supportWindowProblems({ kubernetesVersion: "one.34", eksSupportType: "STANDARD" }, day("2026-12-03"))).toEqual([]);
    });

    it("says past extended support that EXTENDED will not help either", () => {
      const [problem] = supportWindowProblems({ kubernetesVersion: "1.32", eksSupportType: "STANDARD" }, day("2027-03-23"));
      expect(problem.message).toMatch(/1\.32 is past EKS extended support too \(it ended on 2027-03-23.*Upgrade kubernetesVersion to 1\.33/);
    });
  });

  it("refuses malformed or all-open private API access ranges", () => {
    expect(problemsOf({ ...valid, "platform:eksPrivateAccessCidrs": ["10.8.0.0/16", "0.0.0.0/0", "10.9.0.1/16"] }).map((p) => p.key)).toEqual(["platform:eksPrivateAccessCidrs[1]", "platform:eksPrivateAccessCidrs[2]"]);
  });

  it("refuses an environment whose clusters no deployer can reach, naming the keys and the fix", () => {
    const none = problemsOf({ ...valid, "platform:deployerCidrs": [] });
    expect(none.map((p) => p.key)).toEqual(["platform:deployerCidrs"]);
    expect(none[0].message).toMatch(/is empty, so no deployer can reach the clusters' Kubernetes API.*public egress CIDRs/);
    const byKey = (config: Record<string, unknown>) => Object.fromEntries(problemsOf(config).map((p) => [p.key, p.message]));
    expect(byKey({ ...valid, "platform:deployerNetwork": "vpn" })["platform:deployerNetwork"]).toMatch(/"public" .* or "private"/);
    // Public: the endpoint sees the runners' public addresses, never a private range.
    expect(byKey({ ...valid, "platform:deployerCidrs": ["10.200.0.0/20"] })["platform:deployerCidrs[0]"]).toMatch(/private range.*deployerNetwork: private/);
    expect(byKey({ ...valid, "platform:deployerCidrs": ["0.0.0.0/0"] })["platform:deployerCidrs[0]"]).toMatch(/admits every address/);
    expect(byKey({ ...valid, "platform:deployerCidrs": ["0.0.0.0/1", "128.0.0.0/1"] })["platform:deployerCidrs"]).toMatch(/more than a \/8's worth .*runners' own egress CIDRs/);
    // Each list within a /8's worth, the public endpoint's union of both not (the cluster would refuse it).
    const halves = { ...valid, "platform:eksPublicAccessCidrs": ["1.0.0.0/8"], "platform:deployerCidrs": ["2.0.0.0/8"] };
    expect(byKey(halves)["platform:deployerCidrs"]).toMatch(/with eksPublicAccessCidrs \(1\.0\.0\.0\/8\), admit more than a \/8's worth/);
    expect(byKey({ ...halves, "platform:eksAllowPublicAccessFromAnywhere": true })["platform:deployerCidrs"]).toBeUndefined();
    // Private: a connected network, with its own address space.
    const priv = { ...valid, "platform:deployerNetwork": "private" };
    expect(problemsOf({ ...priv, "platform:deployerCidrs": ["10.200.0.0/20"] })).toEqual([]);
    expect(byKey({ ...priv, "platform:deployerCidrs": ["203.0.113.16/28"] })["platform:deployerCidrs[0]"]).toMatch(/public range.*deployerNetwork: public/);
    expect(byKey({ ...priv, "platform:deployerCidrs": ["10.1.4.0/24"] })["platform:deployerCidrs[0]"]).toMatch(/overlaps vpcCidrs\[1\] \(10\.1\.0\.0\/16\)/);
    // Operators' public CIDRs turn the public endpoint on: outside the VPC the name resolves to it.
    expect(byKey({ ...priv, "platform:deployerCidrs": ["10.200.0.0/20"], "platform:eksPublicAccessCidrs": ["198.51.100.0/24"] })["platform:eksPublicAccessCidrs"]).toMatch(/resolves to public addresses/);
  });

  it("refuses a deploy identity that is a session, and runners that cannot reach a cluster", () => {
    const problems = problemsOf({ ...valid, "platform:deployIdentityArn": "arn:aws:sts::123456789012:assumed-role/platform-deploy/gha-7", "platform:deployRunnerLabels": ["ubuntu-latest"] });
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p.message]));
    expect(byKey["platform:deployIdentityArn"]).toMatch(/STS session.*arn:aws:iam::123456789012:role\/platform-deploy/);
    expect(byKey["platform:deployRunnerLabels[0]"]).toMatch(/GitHub-hosted standard runner.*static IPs or a self-hosted runner/);
  });

  it("requires a created zone to be delegated: by a parent zone, or acknowledged as manual", () => {
    const { "platform:dnsParentZoneName": _, ...undelegated } = valid;
    const [problem] = problemsOf(undelegated);
    expect(problem.key).toBe("platform:dnsParentZoneName");
    expect(problem.message).toMatch(/nothing delegates the new zone dev\.example\.com.*dnsManualDelegation: true/);
    expect(problemsOf({ ...undelegated, "platform:dnsManualDelegation": true })).toEqual([]);
    expect(problemsOf({ ...undelegated, "platform:dnsCreateZone": false })).toEqual([]);
    expect(problemsOf({ ...valid, "platform:dnsParentZoneName": "example.org" })[0].message).toMatch(/must be a parent of dnsZoneName dev\.example\.com, e\.g\. example\.com/);
    expect(problemsOf({ ...valid, "platform:dnsManualDelegation": true }).map((p) => p.key)).toEqual(["platform:dnsManualDelegation"]);
  });

  it("signs only a zone the global stack creates, and removes a DS record only where it wrote one", () => {
    const { "platform:dnsParentZoneName": _, ...undelegated } = valid;
    expect(problemsOf({ ...valid, "platform:dnsDnssec": true })).toEqual([]);
    const existing = problemsOf({ ...undelegated, "platform:dnsCreateZone": false, "platform:dnsDnssec": true });
    expect(existing.map((p) => p.key)).toEqual(["platform:dnsDnssec"]);
    expect(existing[0].message).toMatch(/signs only a zone the global stack creates.*dev\.example\.com belongs to another stack/);
    // Step one of turning DNSSEC off: the DS record leaves the parent zone, the zone still signs.
    expect(problemsOf({ ...valid, "platform:dnsDnssec": true, "platform:dnsDnssecParentDs": false })).toEqual([]);
    // A leftover would keep the DS record out when signing is turned on again.
    const leftover = problemsOf({ ...valid, "platform:dnsDnssecParentDs": false });
    expect(leftover.map((p) => p.key)).toEqual(["platform:dnsDnssecParentDs"]);
    expect(leftover[0].message).toMatch(/only applies while dnsDnssec is true.*remove it/);
    // By hand, the DS record is at the registrar: the key would change nothing.
    const manual = problemsOf({ ...undelegated, "platform:dnsManualDelegation": true, "platform:dnsDnssec": true, "platform:dnsDnssecParentDs": false });
    expect(manual.map((p) => p.key)).toEqual(["platform:dnsDnssecParentDs"]);
    expect(manual[0].message).toMatch(/remove it there and wait out its TTL before dnsDnssec: false \(docs\/runbooks\/dnssec\.md\)/);
  });

  it("takes pinned zone IDs only for the environment's regions, azCount of them, never one EKS refuses", () => {
    const pins = ["use1-az1", "use1-az2", "use1-az4", "usw2-az1", "usw2-az2", "usw2-az3"];
    expect(problemsOf({ ...valid, "platform:availabilityZoneIds": pins })).toEqual([]);
    const byKey = Object.fromEntries(problemsOf({ ...valid, "platform:availabilityZoneIds": ["us-east-1a", "use1-az3", "euw1-az1", "usw2-az1"] }).map((p) => [p.key, p.message]));
    expect(byKey["platform:availabilityZoneIds[0]"]).toMatch(/zone ID such as use1-az1 \(not an AZ name/);
    expect(byKey["platform:availabilityZoneIds[1]"]).toMatch(/EKS refuses/);
    expect(byKey["platform:availabilityZoneIds[2]"]).toMatch(/eu-west-1, which is not in regions/);
    expect(byKey["platform:availabilityZoneIds"]).toMatch(/pins 1 distinct zone\(s\) of us-west-2 \(usw2-az1\) but azCount is 3/);
  });

  it("refuses write forwarding on an aurora-postgresql version without it, before any stack runs", () => {
    const byKey = (config: Record<string, unknown>) => Object.fromEntries(problemsOf({ ...valid, ...config }).map((p) => [p.key, p.message]));
    expect(byKey({ "platform:dbWriteForwarding": true, "platform:dbEngineVersion": "15.3" })["platform:dbWriteForwarding"]).toMatch(/with dbEngineVersion 15\.3: .*needs 16 or later, 15\.4\+ or 14\.9\+/);
    expect(byKey({ "platform:dbWriteForwarding": true, "platform:dbEngineVersion": "16.6" })).not.toHaveProperty("platform:dbWriteForwarding");
    expect(byKey({ "platform:dbWriteForwarding": false, "platform:dbEngineVersion": "15.3" })).not.toHaveProperty("platform:dbWriteForwarding");
  });

  it("keeps the service off the master user: its own database user, never the master's name, the master secret only when named", () => {
    const byKey = (config: Record<string, unknown>) => Object.fromEntries(problemsOf({ ...valid, ...config }).map((p) => [p.key, p.message]));
    expect(byKey({ "platform:dbAppUser": "app_admin" })["platform:dbAppUser"]).toMatch(/must not be the master user \(dbMasterUsername app_admin\)/);
    expect(byKey({ "platform:dbAppUser": "a".repeat(33) })["platform:dbAppUser"]).toMatch(/at most 32 characters/);
    expect(byKey({ "platform:dbAppUser": "App" })["platform:dbAppUser"]).toMatch(/must be a lower-case/);
    expect(byKey({ "platform:serviceDatabaseCredentials": "password" })["platform:serviceDatabaseCredentials"]).toMatch(/must be iam-user .* or master-secret/);
    expect(byKey({ "platform:dbAppUser": "orders", "platform:serviceDatabaseCredentials": "master-secret" })).toEqual({});
  });

  it("keeps each region's own name (<appRecordName>-<region>, for other regions' probes) one DNS label no other name takes", () => {
    const byKey = (config: Record<string, unknown>) => Object.fromEntries(problemsOf({ ...valid, ...config }).map((p) => [p.key, p.message]));
    expect(byKey({ "platform:appRecordName": "a".repeat(55) })["platform:appRecordName"]).toMatch(/too long: each region also publishes <appRecordName>-<region> .*a DNS label holds 63/);
    const region = (valid["platform:regions"] as string[])[1];
    expect(byKey({ "platform:writerRecordName": `app-${region}` })["platform:writerRecordName"]).toMatch(/is the name a region publishes for other regions' probes/);
  });

  it("keeps the service redundant and its port bindable by a non-root user", () => {
    const byKey = Object.fromEntries(problemsOf({ ...valid, "platform:serviceReplicas": 1, "platform:serviceMaxReplicas": 0, "platform:serviceContainerPort": 80 }).map((p) => [p.key, p.message]));
    expect(byKey["platform:serviceReplicas"]).toMatch(/at least 2/);
    expect(byKey["platform:serviceMaxReplicas"]).toMatch(/at least serviceReplicas/);
    expect(byKey["platform:serviceContainerPort"]).toMatch(/non-root/);
  });

  it("refuses fewer service replicas than AZs in production only, naming the key, the value and the fix", () => {
    const production = { ...valid, "platform:azCount": 3, "platform:nodeMinSize": 3, "platform:production": true };
    const problems = (config: Record<string, unknown>) => problemsOf(config).filter((p) => p.key === "platform:serviceReplicas");
    expect(problems({ ...production, "platform:serviceReplicas": 2 })).toEqual([{
      key: "platform:serviceReplicas",
      value: 2,
      message: expect.stringMatching(/^is below azCount \(3\) in a production environment \(production: true\): .*; set serviceReplicas to at least 3 \(or production: false/),
    }]);
    expect(problems({ ...production, "platform:serviceReplicas": 3 })).toEqual([]);
    expect(problems({ ...production, "platform:production": false, "platform:serviceReplicas": 2 })).toEqual([]);
    // One problem for one replica: the floor of two says it already.
    expect(problems({ ...production, "platform:serviceReplicas": 1 }).map((p) => p.message)).toEqual([expect.stringMatching(/at least 2/)]);
  });

  it("formats one line per problem, with no stack trace", () => {
    try {
      parseEnvironment("dev", { ...valid, "platform:azCount": 9 }, "Pulumi.dev.yaml");
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/^Pulumi\.dev\.yaml: 2 configuration problem\(s\):\n  - platform:azCount = 9: /);
      expect((err as Error).message).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });
});

// --- properties ------------------------------------------------------------------------------

const regionPool = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-2", "sa-east-1", "ca-central-1", "eu-west-2", "eu-north-1", "ap-south-1"];

const validConfig = fc
  .record({
    regions: fc.shuffledSubarray(regionPool, { minLength: 2, maxLength: 11 }),
    prefix: fc.integer({ min: 16, max: 20 }),
    azCount: fc.integer({ min: 2, max: 3 }),
    extraNodes: fc.tuple(fc.nat(5), fc.nat(5)),
    interval: fc.constantFrom(10, 30),
    threshold: fc.integer({ min: 1, max: 10 }),
    engine: fc.constantFrom("aurora-postgresql", "aurora-mysql"),
    instanceClass: fc.constantFrom("db.r6g.large", "db.r7g.xlarge", "db.r8g.2xlarge", "db.x2g.large"),
    zone: fc.constantFrom("example.com", "prod.example.org", "a-b.c-d.io"),
    deployer: fc.constantFrom("public", "private"),
  })
  .map((v) => ({
    "platform:regions": v.regions,
    "platform:vpcCidrs": v.regions.map((_, i) => `10.${i * 16}.0.0/${v.prefix}`),
    "platform:azCount": v.azCount,
    "platform:nodeMinSize": v.azCount,
    "platform:nodeDesiredSize": v.azCount + v.extraNodes[0],
    "platform:nodeMaxSize": v.azCount + v.extraNodes[0] + v.extraNodes[1],
    "platform:nodeOnDemandBaseCapacity": 0,
    "platform:healthCheckIntervalSeconds": v.interval,
    "platform:healthCheckFailureThreshold": v.threshold,
    "platform:dbEngine": v.engine,
    "platform:dbInstanceClass": v.instanceClass,
    "platform:dnsZoneName": v.zone,
    "platform:dnsManualDelegation": true,
    "platform:deployIdentityArn": "arn:aws:iam::123456789012:role/platform-deploy",
    "platform:deployerNetwork": v.deployer,
    "platform:deployerCidrs": [v.deployer === "public" ? "203.0.113.16/28" : "192.168.40.0/24"],
  }));

/** One way to break a valid config, and the key the error must name. */
const breakages: [string, (c: Record<string, unknown>) => unknown][] = [
  ["platform:regions", (c) => ((c["platform:regions"] as string[]).slice(0, 1))],
  ["platform:azCount", () => 7],
  ["platform:healthCheckIntervalSeconds", () => 20],
  ["platform:healthCheckFailureThreshold", () => 11],
  ["platform:dbInstanceClass", () => "db.t3.medium"],
  ["platform:dbEngine", () => "postgres"],
  ["platform:nodeMaxSize", (c) => (c["platform:nodeDesiredSize"] as number) - 1],
  ["platform:kubernetesVersion", () => "1.20"],
  ["platform:eksSupportType", () => "extended"],
  ["platform:dnsZoneName", () => "Not A Zone"],
  ["platform:deployerCidrs", () => []],
  ["platform:deployerNetwork", () => "vpn"],
  ["platform:vpcCidrs[1]", (c) => (c["platform:vpcCidrs"] as string[]).map((x, i) => (i === 1 ? (c["platform:vpcCidrs"] as string[])[0] : x))],
];

describe("parseEnvironment: properties", () => {
  it("accepts every generated valid environment", () => {
    fc.assert(fc.property(validConfig, (config) => {
      expect(problemsOf(config)).toEqual([]);
    }), { numRuns: 200 });
  });

  it("rejects every generated invalid environment with an error naming the broken key", () => {
    fc.assert(fc.property(validConfig, fc.constantFrom(...breakages), (config, [key, breakIt]) => {
      const baseKey = key.replace(/\[\d+\]$/, "");
      const broken = { ...config, [baseKey]: breakIt(config) };
      const keys = problemsOf(broken).map((p) => p.key);
      expect(keys.some((k) => k === key || k.startsWith(`${baseKey}[`) || k === baseKey)).toBe(true);
    }), { numRuns: 300 });
  });
});
