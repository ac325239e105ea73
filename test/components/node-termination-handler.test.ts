/** NodeTerminationHandler under the fake engine: what drains a self-managed node before EC2 takes it. */
import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import type { NodeTerminationHandler as HandlerType } from "../../components/node-termination-handler";
import type * as k8sType from "@pulumi/kubernetes";

let cloud: FakeCloud;
let NodeTerminationHandler: typeof HandlerType;
let provider: k8sType.Provider;

const under = (prefix: string) => cloud.resources.filter((r) => r.name.startsWith(`${prefix}-`));
/** The one resource of this type under the prefix (the one with this name, when given). */
const one = (prefix: string, type: string, name?: string): RecordedResource => {
  const found = under(prefix).filter((r) => r.type === type && (name === undefined || r.name === name));
  expect(found, type).toHaveLength(1);
  return found[0];
};
const args = { clusterName: "prod-euw1", region: "eu-west-1", autoScalingGroupName: "prod-euw1-asg-0abc", chartVersion: "0.27.6" };

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "nth-test", region: "eu-west-1" });
  ({ NodeTerminationHandler } = await import("../../components/node-termination-handler"));
  const k8s = await import("@pulumi/kubernetes");
  provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
  new NodeTerminationHandler("nth", args, { provider });
  new NodeTerminationHandler("slow", { ...args, autoScalingGroupName: "slow-asg", drainTimeoutSeconds: 1800 }, { provider });
  await settle();
});

describe("NodeTerminationHandler", () => {
  it("holds terminating instances of the group in a hook that continues after the drain timeout, created after the handler", () => {
    const hook = one("nth", "aws:autoscaling/lifecycleHook:LifecycleHook", "nth-drain");
    expect(hook.inputs).toEqual({ name: "drain-on-terminate", autoscalingGroupName: "prod-euw1-asg-0abc", lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", heartbeatTimeout: 600, defaultResult: "CONTINUE" });
    expect(hook.dependsOn).toContain(one("nth", "kubernetes:helm.sh/v3:Release").urn);
    expect(one("slow", "aws:autoscaling/lifecycleHook:LifecycleHook", "slow-drain").inputs.heartbeatTimeout).toBe(1800);
  });

  it("holds launching instances until their node is Ready, abandoning one that never joins, hooked up after the handler and its events", () => {
    const hook = one("nth", "aws:autoscaling/lifecycleHook:LifecycleHook", "nth-join");
    expect(hook.inputs).toEqual({ name: "wait-for-node-ready", autoscalingGroupName: "prod-euw1-asg-0abc", lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", heartbeatTimeout: 600, defaultResult: "ABANDON" });
    const launchRule = under("nth").find((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && String(r.inputs.eventPattern).includes("EC2 Instance-launch Lifecycle Action"))!;
    expect(JSON.parse(String(launchRule.inputs.eventPattern)).detail).toEqual({ AutoScalingGroupName: ["prod-euw1-asg-0abc"] });
    const launchTarget = under("nth").find((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget" && r.inputs.rule === launchRule.outputs.name)!;
    expect(hook.dependsOn).toEqual(expect.arrayContaining([one("nth", "kubernetes:helm.sh/v3:Release").urn, launchTarget.urn, one("nth", "aws:sqs/queuePolicy:QueuePolicy").urn]));
  });

  it("feeds the queue with the group's terminate actions, Spot warnings, stops and retirements (no rebalance recommendations)", () => {
    const queue = one("nth", "aws:sqs/queue:Queue");
    expect(queue.inputs).toMatchObject({ sqsManagedSseEnabled: true, messageRetentionSeconds: 900 });
    // The handler sets the visibility timeout on each receive: the queue's own is left alone.
    expect(queue.inputs).not.toHaveProperty("visibilityTimeoutSeconds");
    const rules = under("nth").filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule");
    const patterns = rules.map((r) => JSON.parse(String(r.inputs.eventPattern)) as { "detail-type": string[]; detail?: Record<string, string[]> });
    expect(patterns.map((p) => p["detail-type"][0]).sort()).toEqual(["AWS Health Event", "EC2 Instance State-change Notification", "EC2 Instance-launch Lifecycle Action", "EC2 Instance-terminate Lifecycle Action", "EC2 Spot Instance Interruption Warning"]);
    expect(patterns.find((p) => p["detail-type"][0] === "EC2 Instance-terminate Lifecycle Action")!.detail).toEqual({ AutoScalingGroupName: ["prod-euw1-asg-0abc"] });
    const targets = under("nth").filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget");
    expect(targets.map((t) => t.inputs.rule).sort()).toEqual(rules.map((r) => r.outputs.name).sort());
    for (const t of targets) expect(t.inputs.arn).toBe(queue.outputs.arn);
    const policy = JSON.parse(String(one("nth", "aws:sqs/queuePolicy:QueuePolicy").inputs.policy));
    expect(policy.Statement).toEqual([expect.objectContaining({ Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queue.outputs.arn, Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.outputs.arn) } } })]);
  });

  it("gives the handler a role that reads its own queue and completes its own group's actions only, bound to its service account", () => {
    const policy = JSON.parse(String(one("nth", "aws:iam/rolePolicy:RolePolicy").inputs.policy)) as { Statement: { Action: string[]; Resource: string }[] };
    const byAction = Object.fromEntries(policy.Statement.flatMap((s) => s.Action.map((a) => [a, s.Resource])));
    expect(byAction["sqs:ReceiveMessage"]).toBe(one("nth", "aws:sqs/queue:Queue").outputs.arn);
    expect(byAction["autoscaling:CompleteLifecycleAction"]).toBe("arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/prod-euw1-asg-0abc");
    expect(Object.keys(byAction)).not.toContain("autoscaling:RecordLifecycleActionHeartbeat");
    expect(Object.entries(byAction).filter(([, resource]) => resource === "*").map(([a]) => a).sort()).toEqual(["autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags", "ec2:DescribeInstances"]);
    const association = one("nth", "aws:eks/podIdentityAssociation:PodIdentityAssociation");
    expect(association.inputs).toMatchObject({ clusterName: "prod-euw1", namespace: "kube-system", serviceAccount: "aws-node-termination-handler" });
  });

  it("runs the pinned chart in queue mode, two replicas under a budget, draining within the hook's timeout, once its credentials exist", () => {
    const release = one("nth", "kubernetes:helm.sh/v3:Release");
    expect(release.inputs).toMatchObject({ chart: "oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler", version: "0.27.6", namespace: "kube-system" });
    expect(release.inputs.values).toMatchObject({
      enableSqsTerminationDraining: true,
      queueURL: one("nth", "aws:sqs/queue:Queue").outputs.url,
      awsRegion: "eu-west-1",
      serviceAccount: { create: true, name: "aws-node-termination-handler" },
      replicas: 2,
      podDisruptionBudget: { maxUnavailable: 1 },
      // Two AZs for sure: every launch waits for a handler to complete its hook.
      topologySpreadConstraints: [expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" })],
      nodeTerminationGracePeriod: 540,
      podTerminationGracePeriod: -1,
    });
    expect(release.dependsOn).toEqual(expect.arrayContaining([one("nth", "aws:iam/rolePolicy:RolePolicy").urn, one("nth", "aws:eks/podIdentityAssociation:PodIdentityAssociation").urn]));
    // The role trusts only the chart's service account in this cluster (the association's session tags).
    const association = one("nth", "aws:eks/podIdentityAssociation:PodIdentityAssociation");
    expect(association.inputs).toMatchObject({ namespace: "kube-system", serviceAccount: "aws-node-termination-handler" });
    expect(association.inputs.disableSessionTags).toBeUndefined();
    expect(JSON.parse(String(one("nth", "aws:iam/role:Role").inputs.assumeRolePolicy)).Statement[0].Condition).toEqual({ StringEquals: {
      "aws:RequestTag/eks-cluster-name": "prod-euw1",
      "aws:RequestTag/kubernetes-namespace": "kube-system",
      "aws:RequestTag/kubernetes-service-account": "aws-node-termination-handler",
    } });
    expect(release.provider).toBe(cloud.resources.find((r) => r.name === "cluster-k8s")!.urn);
  });

  it("keeps the two replicas' double reading of a long drain harmless: no heartbeats, NTH's visibility timeout, unfound nodes' messages deleted", () => {
    // Each replica reads a message again after the visibility timeout and drains the node too;
    // only the first CompleteLifecycleAction counts (components/node-termination-handler.ts says why).
    const values = one("nth", "kubernetes:helm.sh/v3:Release").inputs.values as Record<string, unknown>;
    expect(values).toMatchObject({ replicas: 2, heartbeatInterval: -1, heartbeatUntil: -1, sqsMsgVisibilityTimeoutSec: 20, deleteSqsMsgIfNodeNotFound: true });
    // Nor does any leader election or other sharing exist in the chart to turn on.
    expect(Object.keys(values).filter((k) => /leader|lease/i.test(k))).toEqual([]);
  });

  it("keeps a longer drain's events queued as long as its hook waits, and drains within it", () => {
    const slowRelease = one("slow", "kubernetes:helm.sh/v3:Release");
    expect(slowRelease.inputs.values).toMatchObject({ nodeTerminationGracePeriod: 1740, heartbeatInterval: -1 });
    const retention = one("slow", "aws:sqs/queue:Queue").inputs.messageRetentionSeconds as number;
    expect(retention).toBe(2100);
    expect(retention).toBeGreaterThan(one("slow", "aws:autoscaling/lifecycleHook:LifecycleHook", "slow-drain").inputs.heartbeatTimeout as number);
  });

  it("refuses a chart range, a drain timeout the hook cannot hold, and a missing Kubernetes provider", () => {
    expect(() => new NodeTerminationHandler("bad", { ...args, chartVersion: "~0.27" }, { provider })).toThrow(/exact chart version/);
    expect(() => new NodeTerminationHandler("bad", { ...args, drainTimeoutSeconds: 9000 }, { provider })).toThrow(/120 to 7200/);
    expect(() => new NodeTerminationHandler("bad", args, {} as never)).toThrow(/Kubernetes provider/);
    expect(cloud.resources.some((r) => r.name.startsWith("bad"))).toBe(false);
  });
});
