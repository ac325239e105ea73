import { beforeAll, describe, expect, it } from "vitest";
import { evaluateEnvironment, evaluateStack, Violation } from "../../policies/evaluate";
import { summary } from "./fixtures";

let violations: Violation[];

beforeAll(async () => {
  const { runStack } = await import("../../tools/fake-cloud/run");
  const { cloud } = await runStack({ stack: "dev", config: { "aws:region": "us-east-1" }, load: () => import("../fixtures/policy/broken-redundancy") });
  const stack = { stack: "dev", role: "global" as const, region: "us-east-1", resources: cloud.resources };
  // The environment's peak: 4 nodes, all in the only region.
  violations = [...evaluateStack(stack, { "capacity-survives-region-loss": { peakNodes: 4 } }), ...evaluateEnvironment({ name: "dev", stacks: [stack] })];
});

describe("a single-region program that skimps on redundancy", () => {
  it("raises exactly the expected violations", () => {
    expect(summary(violations)).toEqual([
      "asg-elb-health-check nodes",
      "aurora-cluster-spans-azs db",
      "aurora-global-no-burstable db-0",
      "capacity-survives-region-loss (environment)",
      "dns-failover-pairs writer",
      "dns-health-check-detection-time health",
      "dns-routing-health-check app",
      "eks-cluster-spans-azs cluster",
      "environment-multi-region (environment)",
      "failover-time-budget writer",
      "global-database-cross-region global-db",
      "load-balancer-spans-azs ingress",
      "monitoring-covers-serving-regions db",
      "monitoring-covers-serving-regions ingress",
      "nat-gateway-per-az vpc",
      "node-pool-spans-azs nodes",
      "node-pool-spans-azs nodes",
    ]);
  });

  it("keeps the NAT finding advisory and everything else mandatory", () => {
    expect(violations.filter((v) => v.enforcementLevel === "advisory").map((v) => v.policy)).toEqual(["nat-gateway-per-az"]);
  });

  it("explains each finding with the numbers behind it", () => {
    const message = (policy: string) => violations.filter((v) => v.policy === policy).map((v) => v.message);
    expect(message("node-pool-spans-azs")).toEqual([expect.stringContaining("spans 2 AZ(s); it must span at least 3"), expect.stringContaining("minSize 1 across 2 AZ(s)")]);
    expect(message("failover-time-budget")).toEqual([expect.stringContaining("up to 168 s (3 × (30 s + 6 s timeout) + 60 s TTL)")]);
    expect(message("capacity-survives-region-loss")).toEqual([expect.stringContaining("Losing us-east-1 (4 nodes, the largest region) leaves 0 node(s)")]);
  });
});
