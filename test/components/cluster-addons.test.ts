import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import type { ClusterAddons as ClusterAddonsType, ClusterAddonsArgs } from "../../components/cluster-addons";
import type * as k8sType from "@pulumi/kubernetes";

let cloud: FakeCloud;
let ClusterAddons: typeof ClusterAddonsType;
let provider: k8sType.Provider;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const TARGET_GROUP = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/edge-tg/0123456789abcdef";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const base: ClusterAddonsArgs = {
  clusterName: "prod",
  region: "eu-west-1",
  clusterAutoscalerChartVersion: "9.46.6",
  metricsServerChartVersion: "3.12.2",
};

const under = (prefix: string) => cloud.resources.filter((r) => r.name.startsWith(`${prefix}-`));
const named = (rs: RecordedResource[], type: string, name: string) => {
  const found = rs.filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0];
};
const values = (release: RecordedResource) => release.inputs.values as Record<string, any>;

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "addons-test", region: "eu-west-1" });
  ({ ClusterAddons } = await import("../../components/cluster-addons"));
  const k8s = await import("@pulumi/kubernetes");
  provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
  new ClusterAddons("addons", base, { provider });
  new ClusterAddons("full", {
    ...base,
    clusterName: "edge-eu",
    region: "us-west-2",
    clusterAutoscalerChartVersion: "9.50.1",
    clusterAutoscalerImageTag: "v1.34.1",
    metricsServerChartVersion: "3.13.0",
    awsLoadBalancerController: { chartVersion: "3.5.0", vpcId: "vpc-0123456789abcdef0", bindableTargetGroupArns: [TARGET_GROUP] },
    helmTimeoutSeconds: 600,
  }, { provider });
  new ClusterAddons("off", { ...base, awsLoadBalancerController: { enabled: false, chartVersion: "3.5.0", vpcId: "vpc-1" } }, { provider });
  new ClusterAddons("wide", { ...base, clusterName: "wide", awsLoadBalancerController: { chartVersion: "3.5.0", vpcId: "vpc-2" } }, { provider });
  await settle();
});

describe("ClusterAddons", () => {
  it("installs the pinned chart versions from the args, through the cluster's provider", () => {
    const expected: [string, string, string, string][] = [
      ["addons-cluster-autoscaler", "cluster-autoscaler", "9.46.6", "https://kubernetes.github.io/autoscaler"],
      ["addons-metrics-server", "metrics-server", "3.12.2", "https://kubernetes-sigs.github.io/metrics-server/"],
      ["full-cluster-autoscaler", "cluster-autoscaler", "9.50.1", "https://kubernetes.github.io/autoscaler"],
      ["full-metrics-server", "metrics-server", "3.13.0", "https://kubernetes-sigs.github.io/metrics-server/"],
      ["full-aws-load-balancer-controller", "aws-load-balancer-controller", "3.5.0", "https://aws.github.io/eks-charts"],
    ];
    const providerUrn = cloud.resources.find((r) => r.name === "cluster-k8s")!.urn;
    for (const [name, chart, version, repo] of expected) {
      const release = named(cloud.resources, RELEASE, name);
      expect(release.inputs).toMatchObject({ chart, version, namespace: "kube-system", repositoryOpts: { repo } });
      expect(release.provider).toBe(providerUrn);
    }
    expect(named(cloud.resources, RELEASE, "addons-metrics-server").inputs.timeout).toBe(1200);
    expect(named(cloud.resources, RELEASE, "full-metrics-server").inputs.timeout).toBe(600);
  });

  it("runs cluster-autoscaler with auto-discovery for this cluster, balanced groups and system-pod nodes scalable", () => {
    const v = values(named(under("addons"), RELEASE, "addons-cluster-autoscaler"));
    expect(v).toMatchObject({ cloudProvider: "aws", awsRegion: "eu-west-1", autoDiscovery: { clusterName: "prod" } });
    // The chart's own tag list is what the node pools' tags must match: not overridden.
    expect(v.autoDiscovery.tags).toBeUndefined();
    expect(v.extraArgs).toMatchObject({ "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, "skip-nodes-with-local-storage": false });
    expect(v.image).toBeUndefined();
    expect(values(named(under("full"), RELEASE, "full-cluster-autoscaler")).image).toEqual({ tag: "v1.34.1" });
  });

  it("binds cluster-autoscaler's role to the chart's service account with Pod Identity, before the release", () => {
    const release = named(under("addons"), RELEASE, "addons-cluster-autoscaler");
    const role = named(under("addons"), "aws:iam/role:Role", "addons-cluster-autoscaler");
    const association = named(under("addons"), ASSOCIATION, "addons-cluster-autoscaler");
    expect(association.inputs).toEqual(expect.objectContaining({
      clusterName: "prod",
      namespace: "kube-system",
      serviceAccount: values(release).rbac.serviceAccount.name,
      roleArn: role.outputs.arn,
    }));
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0];
    expect(trust).toMatchObject({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
    // Only this association's service account: Pod Identity's session tags name it (and they stay on).
    expect(trust.Condition).toEqual({ StringEquals: {
      "aws:RequestTag/eks-cluster-name": "prod",
      "aws:RequestTag/kubernetes-namespace": "kube-system",
      "aws:RequestTag/kubernetes-service-account": "cluster-autoscaler",
    } });
    expect(association.inputs.disableSessionTags).toBeUndefined();
    const rolePolicy = named(under("addons"), "aws:iam/rolePolicy:RolePolicy", "addons-cluster-autoscaler");
    expect(release.dependsOn).toEqual(expect.arrayContaining([association.urn, rolePolicy.urn]));
  });

  it("lets cluster-autoscaler resize and terminate only groups tagged for its own cluster", () => {
    const rolePolicy = named(under("addons"), "aws:iam/rolePolicy:RolePolicy", "addons-cluster-autoscaler");
    const role = named(under("addons"), "aws:iam/role:Role", "addons-cluster-autoscaler");
    expect(rolePolicy.inputs.role).toBe(role.id);
    const statements = JSON.parse(String(rolePolicy.inputs.policy)).Statement as Record<string, any>[];
    const writes = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"];
    for (const action of writes) {
      const granting = statements.filter((s) => s.Action.includes(action));
      expect(granting).toHaveLength(1);
      expect(granting[0].Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/prod": "owned" } });
    }
    const unconditional = statements.filter((s) => !s.Condition).flatMap((s) => s.Action as string[]);
    expect(unconditional.every((a) => /^(autoscaling|ec2|eks):(Describe|Get)/.test(a))).toBe(true);
    const edge = JSON.parse(String(named(under("full"), "aws:iam/rolePolicy:RolePolicy", "full-cluster-autoscaler").inputs.policy));
    expect(JSON.stringify(edge)).toContain("aws:ResourceTag/k8s.io/cluster-autoscaler/edge-eu");
    expect(JSON.stringify(edge)).toContain("arn:aws:eks:us-west-2:123456789012:nodegroup/edge-eu/*/*");
  });

  it("runs metrics-server with two replicas under a disruption budget", () => {
    expect(values(named(under("addons"), RELEASE, "addons-metrics-server"))).toMatchObject({
      replicas: 2,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
    });
  });

  it("keeps the two replicas of cluster-autoscaler and of metrics-server in different AZs: an AZ loss must stop neither node nor pod scaling", () => {
    // Each chart labels its pods with the release's name (app.kubernetes.io/instance).
    for (const [release, instance] of [["addons-cluster-autoscaler", "cluster-autoscaler"], ["addons-metrics-server", "metrics-server"]]) {
      expect(values(named(under("addons"), RELEASE, release)).topologySpreadConstraints, release).toEqual([
        { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "app.kubernetes.io/instance": instance } } },
      ]);
      expect(named(under("addons"), RELEASE, release).inputs.name).toBe(instance);
    }
  });

  it("leaves the AWS Load Balancer Controller out unless enabled", () => {
    for (const prefix of ["addons", "off"]) {
      expect(under(prefix).filter((r) => r.name.includes("aws-load-balancer-controller"))).toEqual([]);
      expect(under(prefix).filter((r) => r.type === ASSOCIATION)).toHaveLength(1);
    }
  });

  it("installs the enabled controller with region and VPC given, WAF and Shield off, its own Pod Identity role", () => {
    const release = named(under("full"), RELEASE, "full-aws-load-balancer-controller");
    expect(values(release)).toMatchObject({
      clusterName: "edge-eu",
      region: "us-west-2",
      vpcId: "vpc-0123456789abcdef0",
      enableShield: false,
      enableWaf: false,
      enableWafv2: false,
    });
    const association = named(under("full"), ASSOCIATION, "full-aws-load-balancer-controller");
    const role = named(under("full"), "aws:iam/role:Role", "full-aws-load-balancer-controller");
    expect(association.inputs).toMatchObject({ namespace: "kube-system", serviceAccount: values(release).serviceAccount.name, roleArn: role.outputs.arn });
    expect(association.inputs.disableSessionTags).toBeUndefined();
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Condition.StringEquals).toEqual({
      "aws:RequestTag/eks-cluster-name": "edge-eu",
      "aws:RequestTag/kubernetes-namespace": "kube-system",
      "aws:RequestTag/kubernetes-service-account": "aws-load-balancer-controller",
    });
    expect(release.dependsOn).toContain(association.urn);
    const policy = named(under("full"), "aws:iam/rolePolicy:RolePolicy", "full-aws-load-balancer-controller").inputs.policy as string;
    expect(policy).not.toMatch(/"(wafv2|waf-regional|shield):/);
  });

  it("runs the controller in two AZs under a budget, with readiness gates enforced for opted-in pods and no cluster-wide Service webhook", () => {
    expect(values(named(under("full"), RELEASE, "full-aws-load-balancer-controller"))).toMatchObject({
      replicaCount: 2,
      podDisruptionBudget: { maxUnavailable: 1 },
      topologySpreadConstraints: [expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" })],
      enableServiceMutatorWebhook: false,
      podMutatorWebhookConfig: { failurePolicy: "Fail" },
      objectSelector: { matchLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } },
      // A chart upgrade keeps the webhooks' certificate (a new one would be refused by the Fail webhooks until pods reload).
      keepTLSSecret: true,
    });
  });

  it("lets the controller register targets only with the platform's target groups (by their tag, so a replaced one stays bound while pods roll) and its own", () => {
    const statements = (prefix: string) =>
      (JSON.parse(String(named(under(prefix), "aws:iam/rolePolicy:RolePolicy", `${prefix}-aws-load-balancer-controller`).inputs.policy)).Statement as Record<string, any>[])
        .filter((st) => st.Action.includes("elasticloadbalancing:RegisterTargets"));
    expect(statements("full")).toEqual([
      expect.objectContaining({ Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*", Condition: { StringEquals: { "aws:ResourceTag/platform/bind-cluster": "edge-eu" } } }),
      expect.objectContaining({ Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*", Condition: { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "edge-eu" } } }),
    ]);
    // No statement names a target group's ARN: one that named only the current one denied the replaced one's binding.
    expect(JSON.stringify(statements("full"))).not.toContain(TARGET_GROUP);
    // Nor may a controller put the binding tag on a target group (then any cluster's could register there).
    const tagging = (JSON.parse(String(named(under("full"), "aws:iam/rolePolicy:RolePolicy", "full-aws-load-balancer-controller").inputs.policy)).Statement as Record<string, any>[])
      .filter((st) => st.Action.includes("elasticloadbalancing:AddTags"));
    expect(tagging.length).toBeGreaterThan(0);
    for (const st of tagging) expect(st.Condition.Null).toMatchObject({ "aws:RequestTag/platform/bind-cluster": "true" });
    // Without the list: upstream's policy, any target group of the account.
    expect(statements("wide")).toEqual([expect.objectContaining({ Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*" })]);
    expect(statements("wide")[0].Condition).toBeUndefined();
  });

  it("admits TargetGroupBinding changes only from the platform's deployers and the controller", () => {
    const policy = named(under("full"), "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "full-target-group-binding-guard");
    const spec = policy.inputs.spec as Record<string, any>;
    expect(spec.failurePolicy).toBe("Fail");
    expect(spec.matchConstraints.resourceRules).toEqual([{ apiGroups: ["elbv2.k8s.aws"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources: ["targetgroupbindings"] }]);
    // Only creates and spec changes: the garbage collector removing a foreground-deletion
    // finalizer (an UPDATE) must pass, or a replaced binding never finishes deleting.
    expect(spec.matchConditions).toEqual([{ name: "routes-traffic", expression: "request.operation == 'CREATE' || object.spec != oldObject.spec" }]);
    expect(spec.validations[0].expression).toBe(
      "request.userInfo.username == 'system:serviceaccount:kube-system:aws-load-balancer-controller' || (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g == 'platform:deployers'))",
    );
    const binding = named(under("full"), "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "full-target-group-binding-guard");
    expect(binding.inputs.spec).toEqual({ policyName: "platform-target-group-binding-guard", validationActions: ["Deny"] });
    expect(under("off").filter((r) => r.type.includes("ValidatingAdmissionPolicy"))).toEqual([]);
  });

  it("refuses a missing Kubernetes provider and unpinned chart versions", () => {
    expect(() => new ClusterAddons("nok8s", base, {} as never)).toThrow(/Kubernetes provider/);
    expect(() => new ClusterAddons("range", { ...base, clusterAutoscalerChartVersion: "~9.46" }, { provider })).toThrow(/exact chart version/);
    expect(cloud.resources.some((r) => r.name === "nok8s" || r.name === "range")).toBe(false);
  });

  it("refuses, given the cluster's version, a cluster-autoscaler chart or image of another minor", () => {
    expect(() => new ClusterAddons("skew", { ...base, kubernetesVersion: "1.35", clusterAutoscalerChartVersion: "9.46.6" }, { provider })).toThrow(/clusterAutoscalerChartVersion "9\.46\.6" .*resource\.k8s\.io/);
    expect(() => new ClusterAddons("skew-image", { ...base, kubernetesVersion: "1.34", clusterAutoscalerChartVersion: "9.53.0", clusterAutoscalerImageTag: "v1.35.1" }, { provider })).toThrow(/clusterAutoscalerImageTag "v1\.35\.1"/);
    expect(cloud.resources.some((r) => r.name.startsWith("skew"))).toBe(false);
  });
});
