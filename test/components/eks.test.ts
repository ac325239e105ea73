import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import type { EksCluster as EksClusterType, EksClusterArgs } from "../../components/eks";

const ADMIN = "arn:aws:iam::123456789012:role/platform-admin";
const DEPLOYER = "arn:aws:iam::123456789012:role/ci/deployer";
const SUBNETS = ["subnet-aaa", "subnet-bbb", "subnet-ccc"];

let cloud: FakeCloud;
let EksCluster: typeof EksClusterType;
let prod: EksClusterType;
let late: EksClusterType;
let kubeconfig: string;
let secondInstallError: unknown;

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

const under = (prefix: string) => cloud.resources.filter((r) => r.name.startsWith(`${prefix}-`));
const ofType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);
const one = (rs: RecordedResource[], type: string, name?: string) => {
  const found = ofType(rs, type).filter((r) => name === undefined || r.name === name);
  expect(found, `${type} ${name ?? ""}`).toHaveLength(1);
  return found[0];
};
const byUrn = (urn: string) => cloud.resources.find((r) => r.urn === urn)!;
const CLUSTER = "aws:eks/cluster:Cluster";
const ADDON = "aws:eks/addon:Addon";
const ENTRY = "aws:eks/accessEntry:AccessEntry";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const base = { version: "1.34", vpcId: "vpc-0123456789abcdef0", subnetIds: SUBNETS };

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "eks-test", region: "eu-west-1" });
  ({ EksCluster } = await import("../../components/eks"));
  const aws = await import("@pulumi/aws");
  prod = new EksCluster("prod", { ...base, adminPrincipalArns: [ADMIN, DEPLOYER] });
  new EksCluster("edge", {
    ...base,
    version: "1.33",
    clusterName: "edge-eu",
    publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
    endpointPrivateAccessCidrs: ["10.99.0.0/24"],
    logRetentionDays: 30,
    deletionProtection: false,
    addonVersions: { "vpc-cni": "v1.20.1-eksbuild.3" },
    supportType: "EXTENDED",
    // Nodes in four AZs, the control plane in three.
    nodeAzCount: 4,
  });
  // The deploy identity, also listed as an admin: one entry, not two.
  new EksCluster("ci", { ...base, deployerPrincipalArn: DEPLOYER, adminPrincipalArns: [ADMIN, DEPLOYER] });
  new EksCluster("open", { ...base, publicAccessCidrs: ["0.0.0.0/0"], allowPublicAccessFromAnywhere: true });
  // Stands in for a node pool: a launch template that takes the instance profile.
  new aws.ec2.LaunchTemplate("pool-lt", { iamInstanceProfile: { name: prod.nodeInstanceProfileName } });
  late = new EksCluster("late", { ...base, deferNodeDependentAddons: true });
  const lateNodes = new aws.ec2.LaunchTemplate("late-nodes", { iamInstanceProfile: { arn: late.nodeInstanceProfileArn } });
  late.installNodeDependentAddons([lateNodes]);
  try { late.installNodeDependentAddons([lateNodes]); } catch (err) { secondInstallError = err; }
  kubeconfig = await valueOf(prod.kubeconfig);
  await settle();
});

describe("EksCluster defaults", () => {
  it("authenticates through access entries only, with no implicit admin for the creator", () => {
    const cluster = one(under("prod"), CLUSTER);
    expect(cluster.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
    expect(cluster.inputs.bootstrapSelfManagedAddons).toBe(false);
  });

  it("keeps the API endpoint private: private on, public off, no CIDR list", () => {
    const { vpcConfig } = one(under("prod"), CLUSTER).inputs as { vpcConfig: Record<string, unknown> };
    expect(vpcConfig.endpointPrivateAccess).toBe(true);
    expect(vpcConfig.endpointPublicAccess).toBe(false);
    expect(vpcConfig.publicAccessCidrs).toBeUndefined();
    expect(vpcConfig.subnetIds).toEqual(SUBNETS);
    expect(ofType(under("prod"), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
  });

  it("gives each admin principal an access entry with the cluster-admin policy at cluster scope", () => {
    const cluster = one(under("prod"), CLUSTER);
    const entries = ofType(under("prod"), ENTRY).filter((e) => e.inputs.type === "STANDARD");
    expect(entries.map((e) => e.inputs.principalArn).sort()).toEqual([ADMIN, DEPLOYER].sort());
    const associations = ofType(under("prod"), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    expect(associations).toHaveLength(2);
    for (const association of associations) {
      expect(association.inputs).toMatchObject({
        clusterName: cluster.outputs.name,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      });
      expect([ADMIN, DEPLOYER]).toContain(association.inputs.principalArn);
      // Associating before the entry exists fails; the dependency comes through principalArn.
      expect(association.dependsOn.some((urn) => byUrn(urn).type === ENTRY)).toBe(true);
    }
  });

  it("puts every admin in the platform's Kubernetes group (only it may bind target groups)", () => {
    for (const entry of ofType(under("prod"), ENTRY).filter((e) => e.inputs.type === "STANDARD")) {
      expect(entry.inputs.kubernetesGroups).toEqual(["platform:deployers"]);
    }
  });

  it("gives the deploy identity the cluster-admin entry once, even when it is listed as an admin too", () => {
    const entries = ofType(under("ci"), ENTRY).filter((e) => e.inputs.type === "STANDARD");
    expect(entries.map((e) => e.inputs.principalArn).sort()).toEqual([ADMIN, DEPLOYER].sort());
    expect(ofType(under("ci"), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => a.inputs.principalArn).sort()).toEqual([ADMIN, DEPLOYER].sort());
  });

  it("lets the node role join as EC2_LINUX, with the node policies and an instance profile", () => {
    const nodeRole = one(under("prod"), ROLE, "prod-node");
    const nodeEntry = ofType(under("prod"), ENTRY).filter((e) => e.inputs.type === "EC2_LINUX");
    expect(nodeEntry).toHaveLength(1);
    expect(nodeEntry[0].inputs.principalArn).toBe(nodeRole.outputs.arn);
    expect(JSON.parse(String(nodeRole.inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({ Service: "ec2.amazonaws.com" });
    const policies = ofType(under("prod"), ATTACHMENT).filter((a) => a.inputs.role === nodeRole.outputs.name).map((a) => a.inputs.policyArn);
    expect(policies.sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    expect(one(under("prod"), "aws:iam/instanceProfile:InstanceProfile").inputs.role).toBe(nodeRole.outputs.name);
  });

  it("encrypts secrets with a protected, rotating regional KMS key the control plane may use", () => {
    const cluster = one(under("prod"), CLUSTER);
    const key = one(under("prod"), "aws:kms/key:Key");
    expect(key.protect).toBe(true);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.region).toBe("eu-west-1");
    expect(cluster.inputs.encryptionConfig).toEqual({ resources: ["secrets"], provider: { keyArn: key.outputs.arn } });
    const clusterRole = one(under("prod"), ROLE, "prod-cluster");
    expect(cluster.inputs.roleArn).toBe(clusterRole.outputs.arn);
    const keyPolicy = JSON.parse(String(one(under("prod"), "aws:iam/rolePolicy:RolePolicy").inputs.policy));
    expect(keyPolicy.Statement[0]).toMatchObject({ Resource: key.outputs.arn, Action: expect.arrayContaining(["kms:Encrypt", "kms:Decrypt"]) });
  });

  it("enables all five control-plane log types into a log group with retention, created before the cluster", () => {
    const cluster = one(under("prod"), CLUSTER);
    expect(cluster.inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    const group = one(under("prod"), "aws:cloudwatch/logGroup:LogGroup");
    expect(group.inputs).toMatchObject({ name: "/aws/eks/prod/cluster", retentionInDays: 90 });
    expect(cluster.dependsOn).toContain(group.urn);
    const policy = ofType(under("prod"), ATTACHMENT).find((a) => String(a.inputs.policyArn).endsWith("/AmazonEKSClusterPolicy"))!;
    expect(cluster.dependsOn).toContain(policy.urn);
  });

  it("sets the service CIDR explicitly, deletion protection and zonal shift on", () => {
    const cluster = one(under("prod"), CLUSTER);
    expect(cluster.inputs).toMatchObject({
      name: "prod",
      version: "1.34",
      kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16" },
      deletionProtection: true,
      zonalShiftConfig: { enabled: true },
    });
    expect(prod.serviceIpv4Cidr).toBe("172.20.0.0/16");
  });

  it("asks for standard support explicitly: left out, AWS applies EXTENDED and bills extended support past the version's end", () => {
    expect(one(under("prod"), CLUSTER).inputs.upgradePolicy).toEqual({ supportType: "STANDARD" });
  });

  it("installs the five managed add-ons at the EKS default version for the cluster's Kubernetes version", () => {
    const addons = ofType(under("prod"), ADDON);
    expect(addons.map((a) => a.inputs.addonName).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
    const cluster = one(under("prod"), CLUSTER);
    for (const addon of addons) {
      expect(addon.inputs.clusterName).toBe(cluster.outputs.name);
      expect(addon.inputs.addonVersion).toMatch(/^v1\.34\.\d-eksbuild\.1$/);
      expect(addon.inputs).toMatchObject({ resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" });
    }
  });

  it("binds the EBS CSI controller to its own role through the add-on's Pod Identity association", () => {
    const ebs = one(under("prod"), ADDON, "prod-aws-ebs-csi-driver");
    const role = one(under("prod"), ROLE, "prod-ebs-csi");
    expect(ebs.inputs.podIdentityAssociations).toEqual([{ roleArn: role.outputs.arn, serviceAccount: "ebs-csi-controller-sa" }]);
    expect(ebs.inputs.serviceAccountRoleArn).toBeUndefined();
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0];
    expect(trust.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(trust.Action).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    // Only the add-on's service account in this cluster (the add-on's association keeps session tags on).
    expect(trust.Condition).toEqual({ StringEquals: {
      "aws:RequestTag/eks-cluster-name": "prod",
      "aws:RequestTag/kubernetes-namespace": "kube-system",
      "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa",
    } });
    const attached = ofType(under("prod"), ATTACHMENT).filter((a) => a.inputs.role === role.outputs.name);
    expect(attached.map((a) => a.inputs.policyArn)).toEqual(["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
    // The agent serves the credentials, and the role must hold its policy before the pods start.
    const agent = one(under("prod"), ADDON, "prod-eks-pod-identity-agent");
    expect(ebs.dependsOn).toEqual(expect.arrayContaining([agent.urn, attached[0].urn]));
  });

  it("hands nodes the instance profile only once they can join, and never makes them wait for coredns", () => {
    const consumer = cloud.resources.find((r) => r.name === "pool-lt")!;
    const waitsFor = consumer.dependsOn.map((urn) => byUrn(urn).name);
    expect(waitsFor).toEqual(expect.arrayContaining(["prod-node", "prod-vpc-cni", "prod-kube-proxy", "prod-eks-pod-identity-agent"]));
    expect(consumer.dependsOn.map(byUrn).some((r) => r.type === ENTRY && r.inputs.type === "EC2_LINUX")).toBe(true);
    expect(waitsFor).not.toContain("prod-coredns");
    expect(waitsFor).not.toContain("prod-aws-ebs-csi-driver");
  });

  it("builds a kubeconfig whose token comes from aws eks get-token for this cluster and region", () => {
    const config = JSON.parse(kubeconfig);
    const cluster = one(under("prod"), CLUSTER);
    const exec = config.users[0].user.exec;
    expect(exec.command).toBe("aws");
    expect(exec.args).toEqual(["eks", "get-token", "--cluster-name", "prod", "--region", "eu-west-1", "--output", "json"]);
    expect(config.clusters[0].cluster).toEqual({
      server: cluster.outputs.endpoint,
      "certificate-authority-data": (cluster.outputs.certificateAuthority as { data: string }).data,
    });
  });

  it("gives the Kubernetes provider that kubeconfig as a secret, after the admin access exists", () => {
    const provider = one(under("prod"), "pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    const associations = ofType(under("prod"), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    expect(provider.dependsOn).toEqual(expect.arrayContaining(associations.map((a) => a.urn)));
  });

  it("keeps every resource under the component, in the stack's region", () => {
    const component = cloud.resources.find((r) => r.type === "platform:eks:EksCluster" && r.name === "prod")!;
    for (const r of under("prod").filter((r) => r.custom && r.type.startsWith("aws:"))) {
      expect(r.parent).toBe(component.urn);
      expect(r.region).toBe("eu-west-1");
    }
  });
});

describe("EksCluster options", () => {
  it("opens the public endpoint only to the listed CIDRs", () => {
    const { vpcConfig } = one(under("edge"), CLUSTER).inputs as { vpcConfig: Record<string, unknown> };
    expect(vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"] });
  });

  it("accepts 0.0.0.0/0 only with the explicit opt-in", () => {
    const { vpcConfig } = one(under("open"), CLUSTER).inputs as { vpcConfig: Record<string, unknown> };
    expect(vpcConfig).toMatchObject({ endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] });
    expect(() => new EksCluster("wide", { ...base, publicAccessCidrs: ["10.0.0.0/8", "0.0.0.0/0"] })).toThrow(/allowPublicAccessFromAnywhere/);
    expect(cloud.resources.some((r) => r.name === "wide")).toBe(false);
  });

  it("opens the private endpoint to the listed networks on 443 through the cluster security group", () => {
    const rule = one(under("edge"), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    const cluster = one(under("edge"), CLUSTER);
    expect(rule.inputs).toMatchObject({
      securityGroupId: (cluster.outputs.vpcConfig as { clusterSecurityGroupId: string }).clusterSecurityGroupId,
      cidrIpv4: "10.99.0.0/24",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });
  });

  it("uses the given name, log retention, version, pinned add-on versions, deletion protection and support type", () => {
    const cluster = one(under("edge"), CLUSTER);
    expect(cluster.inputs).toMatchObject({ name: "edge-eu", version: "1.33", deletionProtection: false, upgradePolicy: { supportType: "EXTENDED" } });
    expect(one(under("edge"), "aws:cloudwatch/logGroup:LogGroup").inputs).toMatchObject({ name: "/aws/eks/edge-eu/cluster", retentionInDays: 30 });
    expect(one(under("edge"), ADDON, "edge-vpc-cni").inputs.addonVersion).toBe("v1.20.1-eksbuild.3");
    expect(one(under("edge"), ADDON, "edge-coredns").inputs.addonVersion).toMatch(/^v1\.33\./);
    expect(ofType(under("edge"), ENTRY).map((e) => e.inputs.type)).toEqual(["EC2_LINUX"]);
  });

  it("runs coredns once per AZ of the nodes (the control plane's subnets by default) under a hard zone spread", () => {
    const config = (prefix: string) => JSON.parse(String(one(under(prefix), ADDON, `${prefix}-coredns`).inputs.configurationValues)) as Record<string, any>;
    expect(config("prod")).toEqual({
      replicaCount: 3,
      topologySpreadConstraints: [{ maxSkew: 2, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    });
    expect(config("edge").replicaCount).toBe(4);
    expect(config("late").replicaCount).toBe(3);
    expect(() => new EksCluster("bad-azs", { ...base, nodeAzCount: 0 })).toThrow(/^nodeAzCount 0/);
    expect(cloud.resources.some((r) => r.name.startsWith("bad-azs"))).toBe(false);
  });

  it("can defer coredns and the EBS CSI driver until given nodes exist, once", () => {
    const nodes = cloud.resources.find((r) => r.name === "late-nodes")!;
    for (const name of ["late-coredns", "late-aws-ebs-csi-driver"]) {
      expect(one(under("late"), ADDON, name).dependsOn).toContain(nodes.urn);
    }
    expect(one(under("late"), ADDON, "late-vpc-cni").dependsOn).not.toContain(nodes.urn);
    expect(String(secondInstallError)).toMatch(/already installed/);
  });

  it("refuses arguments AWS would reject, before creating anything", () => {
    const cases: [Partial<EksClusterArgs>, RegExp][] = [
      [{ adminPrincipalArns: ["arn:aws:sts::123456789012:assumed-role/platform-admin/jane"] }, /role\/platform-admin/],
      [{ serviceIpv4Cidr: "100.64.0.0/16" }, /10\.0\.0\.0\/8/],
      [{ logRetentionDays: 45 }, /retention value/],
      [{ subnetIds: ["subnet-only"] }, /two AZs/],
      [{ version: "1.34.2" }, /major\.minor/],
      [{ supportType: "extended" as EksClusterArgs["supportType"] }, /^supportType "extended" must be "STANDARD" .* or "EXTENDED" .*\$0\.60 instead of \$0\.10 per cluster hour/],
      [{ publicAccessCidrs: ["203.0.113.7/24"] }, /host bits/],
      [{ deployerPrincipalArn: "arn:aws:sts::123456789012:assumed-role/platform-deploy/gha-42" }, /deployerPrincipalArn entry .*role\/platform-deploy/],
    ];
    for (const [override, message] of cases) {
      expect(() => new EksCluster("bad", { ...base, ...override })).toThrow(message);
    }
    expect(cloud.resources.some((r) => r.name.startsWith("bad"))).toBe(false);
  });
});
