import { beforeAll, describe, expect, it } from "vitest";
import type { StackRun } from "../../tools/fake-cloud/run";
import { evaluateEnvironment, evaluateStack, Violation } from "../../policies/evaluate";

let run: StackRun;
let violations: Violation[];

beforeAll(async () => {
  const { runStack } = await import("../../tools/fake-cloud/run");
  run = await runStack({ stack: "dev", config: { "aws:region": "us-east-1" }, load: () => import("../fixtures/policy/compliant") });
  const stack = { stack: "dev", role: "global" as const, region: "us-east-1", resources: run.cloud.resources };
  violations = [...evaluateStack(stack, { "capacity-survives-region-loss": { peakNodes: 12 } }), ...evaluateEnvironment({ name: "dev", stacks: [stack] })];
});

describe("a well-formed two-region program", () => {
  it("records the resources every rule looks at, in both regions", () => {
    const types = new Set(run.cloud.resources.map((r) => r.type));
    for (const type of ["aws:autoscaling/group:Group", "aws:rds/clusterInstance:ClusterInstance", "aws:route53/record:Record", "aws:lb/listener:Listener", "aws:ec2/natGateway:NatGateway"]) expect(types).toContain(type);
    expect(new Set(run.cloud.ofType("aws:ec2/vpc:Vpc").map((r) => r.region))).toEqual(new Set(["us-east-1", "eu-west-1"]));
    expect(run.cloud.ofType("aws:rds/cluster:Cluster").find((c) => c.name === "us-east-1-db")!.inputs.masterPassword).toBe("[secret]");
  });

  it("raises no violation, mandatory or advisory, environment rules included", () => {
    expect(violations).toEqual([]);
  });
});
