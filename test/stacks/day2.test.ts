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
import type { RecordedResource } from "../../tools/fake-cloud";

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
    // Two regions of at most 24 nodes: the survivor covers a 24-node peak.
    "platform:globalPeakNodes": 24,
  };
  global = await runStack({ stack: "prod", config, load });
  const exported = JSON.parse(JSON.stringify(global.outputs)) as Record<string, unknown>;
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

describe("cluster-autoscaler: chart and image pinned together for the cluster's minor", () => {
  it("installs the chart cut for Kubernetes 1.34 with a 1.34 image, not a 1.32 chart", () => {
    const release = one(primary, "kubernetes:helm.sh/v3:Release", `${STACK}-cluster-autoscaler`);
    const values = release.inputs.values as { image?: { tag?: string } };
    expect(config["platform:kubernetesVersion"]).toBe("1.34");
    expect(values.image?.tag).toMatch(/^v1\.34\.\d+$/);
    expect(release.inputs.version).toBe("9.53.0");
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
