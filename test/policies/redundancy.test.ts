import { describe, expect, it } from "vitest";
import { evaluateStack, PolicyConfig, Violation } from "../../policies/evaluate";
import { arnOf, environment, ofPolicy, patch, recorded, RegionSlice } from "./fixtures";

/** Violations of one policy in the primary region's stack after `breakIt`. */
function run(policy: string, breakIt: (slice: RegionSlice) => void = () => undefined, config: PolicyConfig = {}): Violation[] {
  const env = environment();
  breakIt(env.primary);
  const [, primary] = env.stacks();
  return ofPolicy(evaluateStack(primary, config), policy);
}

const names = (vs: Violation[]) => vs.map((v) => v.urn?.split("::").pop());

describe("node-pool-spans-azs", () => {
  it("passes an Auto Scaling group over three AZs with minSize 3", () => {
    expect(run("node-pool-spans-azs")).toEqual([]);
  });

  it("fails a group whose subnets sit in fewer AZs than required, counting AZs not subnets", () => {
    const vs = run("node-pool-spans-azs", (s) => {
      for (const subnet of s.privateSubnets) patch(subnet, { availabilityZone: "us-east-1a" });
    });
    expect(names(vs)).toEqual(["nodes"]);
    expect(vs[0].message).toContain("spans 1 AZ(s)");
    expect(vs[0].enforcementLevel).toBe("mandatory");
  });

  it("fails a minSize below the AZ count (an AZ could run no instance)", () => {
    const vs = run("node-pool-spans-azs", (s) => patch(s.asg, { minSize: 2 }));
    expect(vs).toHaveLength(1);
    expect(vs[0].message).toContain("minSize 2 across 3 AZ(s)");
  });

  it("counts listed subnets when the subnets are not in the stack", () => {
    const vs = run("node-pool-spans-azs", (s) => patch(s.asg, { vpcZoneIdentifiers: ["subnet-shared-1", "subnet-shared-2"], minSize: 2 }));
    expect(vs.map((v) => v.message)).toEqual([expect.stringContaining("spans 2 subnet(s); it must span at least 3 AZs")]);
  });

  it("takes the AZ count from config but never below 2", () => {
    const twoAzs = (s: RegionSlice) => patch(s.asg, { vpcZoneIdentifiers: s.privateSubnets.slice(0, 2).map((x) => x.id) });
    expect(run("node-pool-spans-azs", twoAzs, { "node-pool-spans-azs": { minAvailabilityZones: 2 } })).toEqual([]);
    expect(() => run("node-pool-spans-azs", twoAzs, { "node-pool-spans-azs": { minAvailabilityZones: 1 } })).toThrow(/minAvailabilityZones: must be >= 2/);
  });

  it("checks EKS managed node groups the same way", () => {
    const vs = run("node-pool-spans-azs", (s) => {
      const group = recorded("aws:eks/nodeGroup:NodeGroup", "managed", { clusterName: s.eks.id, subnetIds: s.privateSubnets.map((x) => x.id), scalingConfig: { minSize: 1, desiredSize: 3, maxSize: 6 } }, { stack: "prod-us-east-1", region: s.region });
      s.all = ((all) => () => [...all(), group])(s.all);
    });
    expect(names(vs)).toEqual(["managed"]);
    expect(vs[0].message).toContain("minSize 1 across 3 AZ(s)");
  });
});

describe("asg-elb-health-check", () => {
  it("passes a group behind a target group with ELB health checks", () => {
    expect(run("asg-elb-health-check")).toEqual([]);
  });

  it("fails the EC2 default when the group serves a target group", () => {
    const vs = run("asg-elb-health-check", (s) => patch(s.asg, { healthCheckType: undefined }));
    expect(vs.map((v) => v.message)).toEqual([expect.stringContaining("EC2 (the default)")]);
  });

  it("sees target groups attached through aws.autoscaling.Attachment", () => {
    const vs = run("asg-elb-health-check", (s) => {
      patch(s.asg, { targetGroupArns: undefined, healthCheckType: "EC2" });
      const attachment = recorded("aws:autoscaling/attachment:Attachment", "attach", { autoscalingGroupName: s.asg.id, lbTargetGroupArn: arnOf(s.targetGroup) }, { stack: "prod-us-east-1", region: s.region });
      s.all = ((all) => () => [...all(), attachment])(s.all);
    });
    expect(names(vs)).toEqual(["nodes"]);
  });

  it("leaves EC2 health checks alone on a group that serves no load balancer", () => {
    expect(run("asg-elb-health-check", (s) => patch(s.asg, { targetGroupArns: undefined, healthCheckType: "EC2" }))).toEqual([]);
  });
});

describe("eks-cluster-spans-azs", () => {
  it("passes subnets in three AZs", () => {
    expect(run("eks-cluster-spans-azs")).toEqual([]);
  });

  it("fails subnets of a single AZ", () => {
    const vs = run("eks-cluster-spans-azs", (s) => patch(s.eks, { vpcConfig: { subnetIds: [s.privateSubnets[0].id], endpointPublicAccess: false } }));
    expect(vs.map((v) => v.message)).toEqual([expect.stringContaining("has subnets in 1 AZ(s); it needs at least 2 AZs")]);
  });
});

describe("aurora-cluster-spans-azs", () => {
  it("passes two instances in two AZs", () => {
    expect(run("aurora-cluster-spans-azs")).toEqual([]);
  });

  it("fails a cluster with one instance", () => {
    const vs = run("aurora-cluster-spans-azs", (s) => {
      s.dbInstances = s.dbInstances.slice(0, 1);
    });
    expect(vs.map((v) => v.message)).toEqual([expect.stringContaining("has 1 instance(s); it needs at least 2")]);
  });

  it("fails two instances in the same AZ", () => {
    const vs = run("aurora-cluster-spans-azs", (s) => patch(s.dbInstances[1], { availabilityZone: s.dbInstances[0].inputs.availabilityZone }));
    expect(names(vs)).toEqual(["db"]);
    expect(vs[0].message).toContain("in 1 known AZ(s)");
  });

  it("does not count instances without an explicit AZ as spread", () => {
    const vs = run("aurora-cluster-spans-azs", (s) => s.dbInstances.forEach((i) => patch(i, { availabilityZone: undefined })));
    expect(vs[0].message).toContain("without an explicit availabilityZone");
  });
});

describe("aurora-global-membership", () => {
  it("passes a member of a global cluster", () => {
    expect(run("aurora-global-membership")).toEqual([]);
  });

  it("fails a standalone Aurora cluster", () => {
    expect(names(run("aurora-global-membership", (s) => patch(s.db, { globalClusterIdentifier: undefined })))).toEqual(["db"]);
  });

  it("ignores Multi-AZ DB clusters (non-Aurora engines)", () => {
    expect(run("aurora-global-membership", (s) => patch(s.db, { globalClusterIdentifier: undefined, engine: "postgres" }))).toEqual([]);
  });
});

describe("aurora-global-no-burstable", () => {
  it("passes memory-optimized members", () => {
    expect(run("aurora-global-no-burstable")).toEqual([]);
  });

  it("fails a burstable instance in a global database member", () => {
    const vs = run("aurora-global-no-burstable", (s) => patch(s.dbInstances[1], { instanceClass: "db.t4g.medium" }));
    expect(names(vs)).toEqual(["db-1"]);
    expect(vs[0].message).toContain("db.t4g.medium");
  });

  it("allows burstable classes outside global databases", () => {
    expect(run("aurora-global-no-burstable", (s) => {
      patch(s.db, { globalClusterIdentifier: undefined });
      patch(s.dbInstances[1], { instanceClass: "db.t4g.medium" });
    })).toEqual([]);
  });
});

describe("load-balancer-spans-azs", () => {
  it("passes an ALB over three AZs", () => {
    expect(run("load-balancer-spans-azs")).toEqual([]);
  });

  it("fails an ALB in one subnet, also when placed through subnetMappings", () => {
    expect(names(run("load-balancer-spans-azs", (s) => patch(s.alb, { subnets: [s.publicSubnets[0].id] })))).toEqual(["ingress"]);
    expect(names(run("load-balancer-spans-azs", (s) => patch(s.alb, { subnets: undefined, subnetMappings: [{ subnetId: s.publicSubnets[0].id }] })))).toEqual(["ingress"]);
    expect(run("load-balancer-spans-azs", (s) => patch(s.alb, { subnets: undefined, subnetMappings: s.publicSubnets.map((x) => ({ subnetId: x.id })) }))).toEqual([]);
  });
});

describe("nat-gateway-per-az (advisory)", () => {
  it("passes a NAT gateway in every AZ", () => {
    expect(run("nat-gateway-per-az")).toEqual([]);
  });

  it("advises against a single NAT gateway, naming the uncovered AZs", () => {
    const vs = run("nat-gateway-per-az", (s) => {
      s.natGateways = s.natGateways.slice(0, 1);
    });
    expect(vs).toEqual([expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringContaining("us-east-1b, us-east-1c") })]);
  });

  it("accepts one regional NAT gateway", () => {
    expect(run("nat-gateway-per-az", (s) => {
      s.natGateways = [patch(s.natGateways[0], { subnetId: undefined, vpcId: s.vpc.id, availabilityMode: "regional" })];
    })).toEqual([]);
  });
});

describe("dns-routing-health-check", () => {
  it("passes routing records with a health check", () => {
    expect(run("dns-routing-health-check")).toEqual([]);
  });

  it("fails a latency record with neither a health check nor target-health evaluation", () => {
    const vs = run("dns-routing-health-check", (s) =>
      patch(s.latencyRecord, { healthCheckId: undefined, aliases: [{ name: "x.elb.amazonaws.com", zoneId: "ZALB", evaluateTargetHealth: false }] }),
    );
    expect(names(vs)).toEqual(["app"]);
    expect(vs[0].message).toContain("latency routing");
  });

  it("judges every routing policy that picks among answers: geolocation, geoproximity, CIDR and multivalue too", () => {
    const bare = { healthCheckId: undefined, latencyRoutingPolicies: undefined, aliases: [{ name: "x.elb.amazonaws.com", zoneId: "ZALB", evaluateTargetHealth: false }] };
    for (const [policy, kind] of [
      [{ geolocationRoutingPolicies: [{ continent: "EU" }] }, "geolocation"],
      [{ geoproximityRoutingPolicy: { awsRegion: "us-east-1" } }, "geoproximity"],
      [{ cidrRoutingPolicy: { collectionId: "c", locationName: "l" } }, "CIDR"],
      [{ multivalueAnswerRoutingPolicy: true }, "multivalue"],
    ] as const) {
      const vs = run("dns-routing-health-check", (s) => patch(s.latencyRecord, { ...bare, ...policy }));
      expect(vs.map((v) => v.message), kind).toEqual([expect.stringContaining(`uses ${kind} routing`)]);
    }
    expect(run("dns-routing-health-check", (s) => patch(s.latencyRecord, { ...bare, multivalueAnswerRoutingPolicy: false }))).toEqual([]);
  });

  it("accepts an alias that evaluates target health instead of a health check", () => {
    expect(run("dns-routing-health-check", (s) => patch(s.latencyRecord, { healthCheckId: undefined }))).toEqual([]);
  });

  it("fails a failover record without a health check", () => {
    expect(names(run("dns-routing-health-check", (s) => patch(s.failoverRecord, { healthCheckId: undefined })))).toEqual(["writer"]);
  });
});

describe("dns-health-check-detection-time", () => {
  it("passes 3 × (10 s + 6 s timeout) = 48 s against the 60 s budget", () => {
    expect(run("dns-health-check-detection-time")).toEqual([]);
  });

  it("fails Route 53's defaults (3 × (30 s + 6 s timeout) = 108 s)", () => {
    const vs = run("dns-health-check-detection-time", (s) => patch(s.healthCheck, { requestInterval: undefined, failureThreshold: undefined }));
    expect(vs.map((v) => v.message)).toEqual([expect.stringContaining("3 × (30 s + 6 s timeout) = 108 s")]);
  });

  it("takes the budget from config", () => {
    const slow = (s: RegionSlice) => patch(s.healthCheck, { requestInterval: 30, failureThreshold: 3 });
    expect(run("dns-health-check-detection-time", slow, { "dns-health-check-detection-time": { maxDetectionSeconds: 108 } })).toEqual([]);
  });

  it("ignores calculated health checks (no interval)", () => {
    expect(run("dns-health-check-detection-time", (s) => patch(s.healthCheck, { type: "CALCULATED", requestInterval: undefined, failureThreshold: undefined }))).toEqual([]);
  });
});
