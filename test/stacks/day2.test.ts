/**
 * Day-2 operations on a running environment (issue 14, part 3), through the real programs: the
 * global stack and the primary region's stack of prod, run one after the other as the deploy
 * waves do (wave 1, then wave 2 reading wave 1's outputs), with three AZs raised to four (prod
 * without eu-west-1, which has three AZs only).
 * Resources are found by type and name, never by URN.
 */
import { join } from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { readStackConfig, runStack, type StackRun } from "../../tools/fake-cloud/run";
import { fakeInvoke } from "../../tools/fake-cloud/outputs";
import type { RecordedResource } from "../../tools/fake-cloud";
import { ENVIRONMENT_KEYS } from "../../stacks/config-keys";

const root = join(__dirname, "..", "..");
const load = () => import("../../stacks/main").then((m) => m.main);
const REGION = "us-east-1";
const STACK = `prod-${REGION}`;

let config: Record<string, unknown>;
let global: StackRun;
let primary: StackRun;

beforeAll(async () => {
  const prod = readStackConfig(join(root, "Pulumi.prod.yaml"));
  config = {
    ...prod,
    "platform:regions": ["us-east-1", "us-west-2"],
    "platform:vpcCidrs": (prod["platform:vpcCidrs"] as string[]).slice(0, 2),
    "platform:azCount": 4,
    // A production environment keeps a pod of the service in every AZ (change-az-count.md, step 3).
    "platform:serviceReplicas": 4,
    // Two regions of at most 24 nodes: the survivor covers a 24-node peak.
    "platform:globalPeakNodes": 24,
  };
  global = await runStack({ stack: "prod", config, load });
  // As the plan hands them on: values, secrets still wrapped (tools/plan/stack.ts).
  const exported = JSON.parse(JSON.stringify(global.cloud.exportedOutputs)) as Record<string, unknown>;
  primary = await runStack({
    stack: STACK,
    config: { "aws:region": REGION, "platform:environmentStack": "prod" },
    stackOutputs: { prod: exported },
    load,
  });
}, 120_000);

function one(run: StackRun, type: string, name: string): RecordedResource {
  const found = run.cloud.resources.filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0];
}
const all = (run: StackRun, type: string) => run.cloud.resources.filter((r) => r.type === type);

describe("master password rotation: the writer changes first, the secret is published after", () => {
  it("has the global stack write no version of the master secret (it would publish before the writer has the password)", () => {
    expect(all(global, "aws:secretsmanager/secret:Secret").map((r) => r.name)).toContain("prod-master");
    expect(all(global, "aws:secretsmanager/secretVersion:SecretVersion").filter((r) => r.name.includes("master"))).toEqual([]);
  });

  it("has the primary region's stack write it, in the secret's home region, after the cluster that takes the password", () => {
    const cluster = one(primary, "aws:rds/cluster:Cluster", `${STACK}-cluster`);
    const versions = all(primary, "aws:secretsmanager/secretVersion:SecretVersion");
    expect(versions).toHaveLength(1);
    const [version] = versions;
    expect(version.dependsOn).toContain(cluster.urn);
    expect(version.inputs.secretString).toBe("[secret]");
    expect(version.inputs.secretId).toBe(global.cloud.stackOutputs.databaseSecretArn);
    expect(version.region).toBe(String(global.cloud.stackOutputs.databaseSecretArn).split(":")[3]);
    // A password change must reach the writer now, not at the next maintenance window.
    expect(cluster.inputs).toMatchObject({ masterPassword: "[secret]", applyImmediately: true });
  });
});

describe("cluster-autoscaler: chart and image pinned together for the cluster's minor", () => {
  it("installs the chart cut for Kubernetes 1.34 with a 1.34 image, not a 1.32 chart", () => {
    const release = one(primary, "kubernetes:helm.sh/v3:Release", `${STACK}-cluster-autoscaler`);
    const values = release.inputs.values as { image?: { tag?: string } };
    expect(config["platform:kubernetesVersion"]).toBe("1.34");
    expect(values.image?.tag).toMatch(/^v1\.34\.\d+$/);
    expect(release.inputs.version).toBe("9.53.0");
  });
});

describe("node image and drained terminations", () => {
  it("launches nodes from the pinned AL2023 release, not from whatever `recommended` says on deploy day", () => {
    const release = String(config["platform:nodeAmiReleaseVersion"] ?? (ENVIRONMENT_KEYS as Record<string, { default: unknown }>).nodeAmiReleaseVersion?.default);
    const name = `/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.34-${release}/image_id`;
    const pinned = fakeInvoke("aws:ssm/getParameter:getParameter", { name }, REGION) as { value: string };
    expect(one(primary, "aws:ec2/launchTemplate:LaunchTemplate", `${STACK}-lt`).inputs.imageId).toBe(pinned.value);
  });

  it("leaves node scaling to cluster-autoscaler: no CPU target-tracking policy on the group (the two fight: nodes added, removed as unneeded, added again)", () => {
    expect(all(primary, "aws:autoscaling/policy:Policy")).toEqual([]);
  });

  it("holds every terminating node in a lifecycle hook until it is drained", () => {
    const asg = one(primary, "aws:autoscaling/group:Group", `${STACK}-asg`);
    const hooks = all(primary, "aws:autoscaling/lifecycleHook:LifecycleHook");
    expect(hooks).toHaveLength(2);
    expect(hooks.find((h) => h.inputs.lifecycleTransition === "autoscaling:EC2_INSTANCE_TERMINATING")!.inputs).toMatchObject({ autoscalingGroupName: asg.outputs.name, defaultResult: "CONTINUE" });
    // And every launching one until its node is Ready: a node that never joins is abandoned.
    expect(hooks.find((h) => h.inputs.lifecycleTransition === "autoscaling:EC2_INSTANCE_LAUNCHING")!.inputs).toMatchObject({ autoscalingGroupName: asg.outputs.name, defaultResult: "ABANDON" });
  });

  it("runs a termination handler in queue mode that reads the events of this region's nodes", () => {
    const queue = all(primary, "aws:sqs/queue:Queue");
    expect(queue).toHaveLength(1);
    // The handler's rules (the region's zonal-shift rule notifies the ticket topic instead).
    const targets = all(primary, "aws:cloudwatch/eventTarget:EventTarget").filter((t) => !String(t.name).endsWith("-zonal-shifts"));
    expect(targets.length).toBeGreaterThanOrEqual(3);
    for (const target of targets) expect(target.inputs.arn).toBe(queue[0].outputs.arn);
    const handler = all(primary, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart && String(r.inputs.chart).includes("aws-node-termination-handler"));
    expect(handler, "aws-node-termination-handler release").toBeDefined();
    expect(handler!.inputs.values).toMatchObject({ enableSqsTerminationDraining: true, queueURL: queue[0].outputs.url, awsRegion: REGION });
  });
});

describe("a fourth AZ", () => {
  it("gives nodes, NAT and the database the new AZ but keeps the EKS control plane on the three it was created with", () => {
    const privateSubnets = ["1", "2", "3", "4"].map((n) => one(primary, "aws:ec2/subnet:Subnet", `${STACK}-private-${n}`));
    const eks = one(primary, "aws:eks/cluster:Cluster", `${STACK}-cluster`);
    expect((eks.inputs.vpcConfig as { subnetIds: string[] }).subnetIds).toEqual(privateSubnets.slice(0, 3).map((s) => s.id));
    expect(one(primary, "aws:autoscaling/group:Group", `${STACK}-asg`).inputs.vpcZoneIdentifiers).toEqual(privateSubnets.map((s) => s.id));
    expect(all(primary, "aws:ec2/natGateway:NatGateway")).toHaveLength(4);
    expect(one(primary, "aws:rds/subnetGroup:SubnetGroup", `${STACK}-subnets`).inputs.subnetIds).toHaveLength(4);
  });
});
