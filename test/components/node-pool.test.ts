import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import type { NodePool as NodePoolType, NodePoolArgs } from "../../components/node-pool";

let cloud: FakeCloud;
let NodePool: typeof NodePoolType;
let expectedAmi: string;

const cluster = {
  name: "prod-euw1",
  endpoint: "https://0123ABCD.gr7.eu-west-1.eks.amazonaws.com",
  certificateAuthorityData: Buffer.from("-----BEGIN CERTIFICATE-----\nMIIfake\n-----END CERTIFICATE-----\n").toString("base64"),
  serviceIpv4Cidr: "172.20.0.0/16",
  version: "1.33",
  securityGroupId: "sg-0c1a55e7c1a55e7c1",
};
const subnetIds = ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"];
const instanceTypes = ["m7i.xlarge", "m6i.xlarge", "m7a.xlarge", "m6a.xlarge"];
/** The 1.33 image of AMI release v20260714, as EKS names it for a managed node group. */
const nodeGroupRelease = "1.33.2-20260714";
const loadBalancer = { securityGroupId: "sg-0a1b0a1b0a1b0a1b0", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef"], port: 30080 };

function baseArgs(): NodePoolArgs {
  return {
    cluster,
    instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/nodes",
    vpcId: "vpc-0123",
    subnetIds,
    azCount: 3,
    instanceTypes,
    amiReleaseVersion: "v20260714",
  };
}

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "node-pool-test", region: "eu-west-1" });
  ({ NodePool } = await import("../../components/node-pool"));
  const aws = await import("@pulumi/aws");
  // The parameter EKS publishes for one AL2023 release, spelled out here on purpose.
  expectedAmi = (await aws.ssm.getParameter({ name: "/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.33-v20260714/image_id" })).insecureValue;
  new NodePool("web", { ...baseArgs(), loadBalancer });
  new NodePool("elb", { ...baseArgs(), loadBalancer, healthCheckType: "ELB" });
  new NodePool("batch", { ...baseArgs(), minSize: 4, desiredSize: 5, maxSize: 8, onDemandBaseCapacity: 0, onDemandPercentageAboveBase: 0, targetCpuUtilizationPercent: false });
  new NodePool("dev", { ...baseArgs(), minSize: 1, allowFewerNodesThanAzs: true });
  const { instanceProfileArn: _unused, amiReleaseVersion: _release, ...managedBase } = baseArgs();
  new NodePool("mng", { ...managedBase, kind: "managed", nodeRoleArn: "arn:aws:iam::123456789012:role/nodes", releaseVersion: nodeGroupRelease, loadBalancer });
  await settle();
});

const named = (name: string) => {
  const found = cloud.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
};
const ofType = (type: string, prefix: string) => cloud.resources.filter((r) => r.type === type && r.name.startsWith(`${prefix}-`));
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const ASG = "aws:autoscaling/group:Group";

type Tag = { key: string; value: string; propagateAtLaunch: boolean };
type LaunchTemplateInputs = {
  metadataOptions: { httpTokens: string; httpPutResponseHopLimit: number; httpEndpoint: string };
  blockDeviceMappings: { deviceName: string; ebs: { encrypted: string; volumeType: string; volumeSize: number } }[];
  networkInterfaces: { associatePublicIpAddress: string; securityGroups: string[] }[];
};

describe("NodePool, autoscaling kind behind a load balancer", () => {
  it("spans the private subnets of every AZ with one node per AZ at least", () => {
    const asg = named("web-asg");
    expect(asg.inputs.vpcZoneIdentifiers).toEqual(subnetIds);
    expect(asg.inputs.minSize).toBeGreaterThanOrEqual(3);
    expect(asg.inputs.minSize as number).toBeLessThanOrEqual(asg.inputs.desiredCapacity as number);
    expect(asg.inputs.desiredCapacity as number).toBeLessThanOrEqual(asg.inputs.maxSize as number);
  });

  it("launches from the AL2023 AMI of the cluster's Kubernetes version", () => {
    expect(named("web-lt").inputs.imageId).toBe(expectedAmi);
  });

  it("writes nodeadm user data with the cluster's name, endpoint, CA and service CIDR", () => {
    const userData = Buffer.from(String(named("web-lt").inputs.userData), "base64").toString("utf8");
    expect(userData).toMatch(/^MIME-Version: 1.0\nContent-Type: multipart\/mixed; boundary="([^"]+)"/);
    const boundary = /boundary="([^"]+)"/.exec(userData)![1];
    const parts = userData.split(`--${boundary}`).slice(1, -1);
    const nodeadmPart = parts.find((p) => p.includes("Content-Type: application/node.eks.aws"))!;
    const config = parse(nodeadmPart.split("\n\n").slice(1).join("\n\n"));
    expect(config).toEqual({
      apiVersion: "node.eks.aws/v1alpha1",
      kind: "NodeConfig",
      spec: { cluster: { name: cluster.name, apiServerEndpoint: cluster.endpoint, certificateAuthority: cluster.certificateAuthorityData, cidr: cluster.serviceIpv4Cidr } },
    });
  });

  it("mixes on-demand and Spot over several instance types with capacity rebalancing", () => {
    const asg = named("web-asg");
    const policy = asg.inputs.mixedInstancesPolicy as {
      launchTemplate: { launchTemplateSpecification: { launchTemplateId: string; version: string }; overrides: { instanceType: string }[] };
      instancesDistribution: Record<string, unknown>;
    };
    expect(policy.launchTemplate.overrides.map((o) => o.instanceType)).toEqual(instanceTypes);
    expect(policy.launchTemplate.launchTemplateSpecification.launchTemplateId).toBe(named("web-lt").id);
    expect(policy.instancesDistribution).toMatchObject({ spotAllocationStrategy: "price-capacity-optimized", onDemandBaseCapacity: asg.inputs.minSize, onDemandPercentageAboveBaseCapacity: 50 });
    expect(asg.inputs.capacityRebalance).toBe(true);
  });

  it("rolls launch-template changes out by instance refresh, keeping most of the group healthy", () => {
    const asg = named("web-asg");
    const refresh = asg.inputs.instanceRefresh as { strategy: string; preferences: { minHealthyPercentage: number } };
    expect(refresh.strategy).toBe("Rolling");
    expect(refresh.preferences.minHealthyPercentage).toBeGreaterThanOrEqual(90);
    // "$Latest" would never start a refresh; the group must pin the template's current version.
    const spec = (asg.inputs.mixedInstancesPolicy as { launchTemplate: { launchTemplateSpecification: { version: string } } }).launchTemplate.launchTemplateSpecification;
    expect(spec.version).toBe(String(named("web-lt").outputs.latestVersion));
  });

  it("leaves the desired capacity to cluster-autoscaler after creation", () => {
    expect(named("web-asg").ignoreChanges).toContain("desiredCapacity");
  });

  it("never waits for capacity: after a minSize change the provider would wait for exactly the desired capacity of its state, stale once cluster-autoscaler moved the group", () => {
    const groups = cloud.ofType(ASG) as RecordedResource[];
    expect(groups.map((g) => g.name).sort()).toEqual(["batch-asg", "dev-asg", "elb-asg", "web-asg"]);
    // "0" is the provider's off switch; absent means its default of "10m".
    for (const group of groups) expect(group.inputs.waitForCapacityTimeout, group.name).toBe("0");
    // Nor the load-balancer variant of the wait, which counts against a fixed number too.
    for (const group of groups) expect(group.inputs.waitForElbCapacity, group.name).toBeUndefined();
  });

  it("registers with instance target groups it is given, yet keeps EC2 health checks (with a grace period) by default", () => {
    const asg = named("web-asg");
    expect(asg.inputs.targetGroupArns).toEqual(loadBalancer.targetGroupArns);
    // A target-group check failing (the app behind it down) must not terminate nodes.
    expect(asg.inputs.healthCheckType).toBe("EC2");
    expect(asg.inputs.healthCheckGracePeriod).toBe(300);
  });

  it("uses ELB health checks only when asked to", () => {
    expect(named("elb-asg").inputs.healthCheckType).toBe("ELB");
  });

  it("carries the cluster-autoscaler discovery and cluster ownership tags onto every instance", () => {
    const tags = named("web-asg").inputs.tags as Tag[];
    for (const key of ["k8s.io/cluster-autoscaler/enabled", `k8s.io/cluster-autoscaler/${cluster.name}`, `kubernetes.io/cluster/${cluster.name}`]) {
      const tag = tags.find((t) => t.key === key);
      expect(tag, key).toBeDefined();
      expect(tag!.propagateAtLaunch).toBe(true);
    }
    expect(tags.find((t) => t.key === "k8s.io/cluster-autoscaler/enabled")!.value).toBe("true");
  });

  it("scales out on average CPU below the level an AZ loss would saturate, and leaves scale-in to cluster-autoscaler", () => {
    const [policy] = ofType("aws:autoscaling/policy:Policy", "web");
    expect(policy.inputs.autoscalingGroupName).toBe(named("web-asg").outputs.name);
    const tracking = policy.inputs.targetTrackingConfiguration as { predefinedMetricSpecification: { predefinedMetricType: string }; targetValue: number; disableScaleIn: boolean };
    expect(policy.inputs.policyType).toBe("TargetTrackingScaling");
    expect(tracking.predefinedMetricSpecification.predefinedMetricType).toBe("ASGAverageCPUUtilization");
    // Three AZs: the survivors of an AZ loss run at target × 3/2, which must stay below 100 %.
    expect(tracking.targetValue * 1.5).toBeLessThan(100);
    expect(tracking.disableScaleIn).toBe(true);
  });

  it("opens the node port to the load balancer's security group, and gives it a way out to the nodes only", () => {
    const nodeSg = named("web-nodes");
    const fromLb = named("web-from-lb").inputs;
    expect(fromLb).toMatchObject({ securityGroupId: nodeSg.id, referencedSecurityGroupId: loadBalancer.securityGroupId, ipProtocol: "tcp", fromPort: 30080, toPort: 30080 });
    const lbOut = named("web-lb-to-nodes");
    expect(lbOut.type).toBe("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    expect(lbOut.inputs).toMatchObject({ securityGroupId: loadBalancer.securityGroupId, referencedSecurityGroupId: nodeSg.id, ipProtocol: "tcp", fromPort: 30080, toPort: 30080 });
    const cidrIngress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "web").filter((r) => r.inputs.securityGroupId === nodeSg.id && (r.inputs.cidrIpv4 || r.inputs.cidrIpv6));
    expect(cidrIngress).toEqual([]);
  });

  it("replaces both load balancer rules on a port change, the new before the old goes, so pods on the old port stay reachable until the rollout ends", () => {
    for (const rule of [named("web-from-lb"), named("web-lb-to-nodes")]) {
      expect(rule.replaceOnChanges).toEqual(["fromPort", "toPort"]);
      expect(rule.deleteBeforeReplace).not.toBe(true);
    }
  });
});

describe("NodePool outputs", () => {
  it("name the group, the node security group, the launch template and the sizes", () => {
    const component = named("web");
    expect(component.type).toBe("platform:eks:NodePool");
    expect(component.outputs).toEqual({
      autoScalingGroupName: named("web-asg").outputs.name,
      nodeSecurityGroupId: named("web-nodes").id,
      launchTemplateId: named("web-lt").id,
      minSize: named("web-asg").inputs.minSize,
      desiredSize: named("web-asg").inputs.desiredCapacity,
      maxSize: named("web-asg").inputs.maxSize,
    });
    for (const child of cloud.resources.filter((r) => r.name.startsWith("web-"))) expect(child.parent, child.name).toBe(component.urn);
  });
});

describe("NodePool launch templates (every pool and kind)", () => {
  const templates = () => cloud.ofType(LT) as RecordedResource[];

  it("require IMDSv2 with a hop limit of 1", () => {
    expect(templates()).toHaveLength(5);
    for (const lt of templates()) {
      const { metadataOptions } = lt.inputs as LaunchTemplateInputs;
      expect(metadataOptions.httpTokens, lt.name).toBe("required");
      expect(metadataOptions.httpPutResponseHopLimit, lt.name).toBe(1);
      expect(metadataOptions.httpEndpoint, lt.name).toBe("enabled");
    }
  });

  it("encrypt the gp3 root volume", () => {
    for (const lt of templates()) {
      const root = (lt.inputs as LaunchTemplateInputs).blockDeviceMappings.find((b) => b.deviceName === "/dev/xvda");
      expect(root, lt.name).toBeDefined();
      expect(root!.ebs).toMatchObject({ encrypted: "true", volumeType: "gp3" });
      expect(root!.ebs.volumeSize).toBeGreaterThan(0);
    }
  });

  it("give nodes no public IP and the pool's node security group", () => {
    for (const lt of templates()) {
      const pool = lt.name.replace(/-lt$/, "");
      const interfaces = (lt.inputs as LaunchTemplateInputs).networkInterfaces;
      expect(interfaces, lt.name).toHaveLength(1);
      expect(interfaces[0].associatePublicIpAddress).toBe("false");
      expect(interfaces[0].securityGroups).toContain(named(`${pool}-nodes`).id);
    }
  });
});

describe("NodePool without a load balancer", () => {
  it("uses EC2 health checks, no target groups, and the sizes it was given", () => {
    const asg = named("batch-asg");
    expect(asg.inputs.healthCheckType).toBe("EC2");
    expect(asg.inputs.healthCheckGracePeriod).toBeGreaterThan(0);
    expect(asg.inputs.targetGroupArns).toEqual([]);
    expect(asg.inputs).toMatchObject({ minSize: 4, desiredCapacity: 5, maxSize: 8 });
    expect((asg.inputs.mixedInstancesPolicy as { instancesDistribution: Record<string, unknown> }).instancesDistribution).toMatchObject({ onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 });
    expect(ofType("aws:autoscaling/policy:Policy", "batch")).toEqual([]);
    expect(ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "batch").map((r) => r.name)).toEqual(["batch-egress"]);
  });

  it("accepts fewer nodes than AZs only when asked, and says so in its outputs", () => {
    expect(named("dev-asg").inputs.minSize).toBe(1);
    expect(named("dev").outputs).toMatchObject({ minSize: 1, desiredSize: 1 });
  });
});

describe("NodePool, managed kind", () => {
  it("keeps the redundancy defaults: every subnet, one node per AZ at least, updates a third at a time", () => {
    const [group] = ofType("aws:eks/nodeGroup:NodeGroup", "mng");
    expect(group.inputs.subnetIds).toEqual(subnetIds);
    const scaling = group.inputs.scalingConfig as { minSize: number; desiredSize: number; maxSize: number };
    expect(scaling.minSize).toBeGreaterThanOrEqual(3);
    expect(scaling.minSize).toBeLessThanOrEqual(scaling.desiredSize);
    expect(scaling.desiredSize).toBeLessThanOrEqual(scaling.maxSize);
    expect((group.inputs.updateConfig as { maxUnavailablePercentage: number }).maxUnavailablePercentage).toBeLessThanOrEqual(34);
    expect(group.inputs).toMatchObject({ capacityType: "ON_DEMAND", instanceTypes, amiType: "AL2023_x86_64_STANDARD", version: cluster.version, nodeRepairConfig: { enabled: true } });
    expect(group.ignoreChanges).toContain("scalingConfig.desiredSize");
    expect((group.inputs.launchTemplate as { id: string }).id).toBe(named("mng-lt").id);
  });

  it("runs the pinned AMI release of the cluster's version, EKS's image (amiType) rather than one of the launch template", () => {
    const [group] = ofType("aws:eks/nodeGroup:NodeGroup", "mng");
    expect(group.inputs).toMatchObject({ version: "1.33", releaseVersion: nodeGroupRelease });
    // EKS refuses releaseVersion beside a launch template that names its own image.
    expect(named("mng-lt").inputs.imageId).toBeUndefined();
  });

  it("keeps the EKS cluster security group on its nodes and leaves the instance profile to EKS", () => {
    const lt = named("mng-lt");
    expect((lt.inputs as LaunchTemplateInputs).networkInterfaces[0].securityGroups).toContain(cluster.securityGroupId);
    expect(lt.inputs.iamInstanceProfile).toBeUndefined();
    expect(lt.inputs.imageId).toBeUndefined();
  });

  it("attaches the node group's Auto Scaling group to each target group", () => {
    const [group] = ofType("aws:eks/nodeGroup:NodeGroup", "mng");
    const asgName = (group.outputs.resources as { autoscalingGroups: { name: string }[] }[])[0].autoscalingGroups[0].name;
    const attachments = ofType("aws:autoscaling/attachment:Attachment", "mng");
    expect(attachments.map((a) => a.inputs)).toEqual(loadBalancer.targetGroupArns.map((arn) => ({ autoscalingGroupName: asgName, lbTargetGroupArn: arn })));
    expect(ofType(ASG, "mng")).toEqual([]);
  });
});

describe("NodePool refuses bad input", () => {
  it.each<[string, Partial<NodePoolArgs>, RegExp]>([
    ["fewer nodes than AZs", { minSize: 2 }, /below the AZ count 3.*allowFewerNodesThanAzs/],
    ["min above desired", { minSize: 4, desiredSize: 3 }, /minSize <= desiredSize <= maxSize/],
    ["desired above max", { desiredSize: 7, maxSize: 6 }, /minSize <= desiredSize <= maxSize/],
    ["no instance types", { instanceTypes: [] }, /instanceTypes is empty/],
    ["mixed sizes", { instanceTypes: ["m7i.xlarge", "m7i.2xlarge"] }, /mixes sizes/],
    ["arm64 types with the x86_64 AMI", { instanceTypes: ["m7g.xlarge", "m7i.xlarge"] }, /m7g.xlarge are arm64/],
    ["fewer subnets than AZs", { subnetIds: ["subnet-0aaa"] }, /1 subnet\(s\) for 3 AZs/],
    ["a malformed version", { cluster: { ...cluster, version: "1.33.2" } }, /not a Kubernetes major.minor/],
    ["a managed-only option on the autoscaling kind", { capacityType: "SPOT" }, /capacityType has no effect with kind "autoscaling"/],
    ["a CPU target of 0", { targetCpuUtilizationPercent: 0 }, /targetCpuUtilizationPercent/],
  ])("%s", (_label, override, message) => {
    expect(() => new NodePool("bad", { ...baseArgs(), ...override })).toThrow(message);
  });

  it("requires the node role for the managed kind, and the instance profile for the autoscaling kind", () => {
    const { instanceProfileArn: _unused, amiReleaseVersion: _release, ...rest } = baseArgs();
    expect(() => new NodePool("bad", { ...rest, kind: "managed" })).toThrow(/needs nodeRoleArn/);
    expect(() => new NodePool("bad", { ...rest, amiReleaseVersion: "v20260714" })).toThrow(/needs instanceProfileArn/);
    expect(() => new NodePool("bad", { ...baseArgs(), kind: "managed", nodeRoleArn: "arn:aws:iam::123456789012:role/nodes" })).toThrow(/instanceProfileArn, amiReleaseVersion have no effect/);
  });

  it("requires a pinned AMI release (or id) for the autoscaling kind: a lookup of `recommended` on every deploy rolls the nodes", () => {
    const { amiReleaseVersion: _release, ...unpinned } = baseArgs();
    expect(() => new NodePool("bad", unpinned)).toThrow(/exactly one of amiReleaseVersion .* and amiId/);
    expect(() => new NodePool("bad", { ...baseArgs(), amiId: "ami-0123456789abcdef0" })).toThrow(/exactly one of/);
    expect(() => new NodePool("bad", { ...baseArgs(), amiReleaseVersion: "latest" })).toThrow(/release such as v20260714/);
  });

  it("requires a pinned AMI release of the cluster's minor for the managed kind, naming the field, the value and the fix", () => {
    const { instanceProfileArn: _unused, amiReleaseVersion: _release, ...rest } = baseArgs();
    const managed: NodePoolArgs = { ...rest, kind: "managed", nodeRoleArn: "arn:aws:iam::123456789012:role/nodes" };
    expect(() => new NodePool("bad", managed)).toThrow(/kind "managed" needs releaseVersion.*e\.g\. 1\.33\.2-20260714.*security patch/);
    expect(() => new NodePool("bad", { ...managed, releaseVersion: "v20260714" })).toThrow(/releaseVersion "v20260714" is not an EKS AMI release version: use <Kubernetes major\.minor\.patch>-<date> such as 1\.33\.2-20260714/);
    expect(() => new NodePool("bad", { ...managed, releaseVersion: "recommended" })).toThrow(/releaseVersion "recommended" is not an EKS AMI release version/);
    expect(() => new NodePool("bad", { ...managed, releaseVersion: "1.34.2-20260714" })).toThrow(/releaseVersion "1\.34\.2-20260714" is an AMI release of Kubernetes 1\.34, but the node group runs 1\.33.*in the same change as the Kubernetes version/);
    expect(() => new NodePool("bad", { ...baseArgs(), releaseVersion: nodeGroupRelease })).toThrow(/releaseVersion has no effect with kind "autoscaling"/);
  });

  it("registers nothing for refused input", () => {
    expect(cloud.resources.filter((r) => r.name.startsWith("bad"))).toEqual([]);
  });
});
