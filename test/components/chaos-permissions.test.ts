/**
 * The FIS role's policy for the actions a region's experiments use, and the Aurora automation
 * role's (components/chaos/permissions.ts); then both as ResilienceExperiments deploys them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { automationRolePolicy, fisRolePolicy, rdsClusterArn, type FisRoleScope } from "../../components/chaos/permissions";
import { regionExperiments, type ExperimentContext, type ExperimentSpec } from "../../components/chaos/experiments";
import { FAKE_ACCOUNT_ID, installFakeCloud, settle, type FakeCloud } from "../../tools/fake-cloud";
import type { Environment } from "../../stacks/config";

type Statement = { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> };

const scope: FisRoleScope = { partition: "aws", region: "us-east-1", accountId: "123456789012", vpcId: "vpc-0abc", clusterTagKey: "kubernetes.io/cluster/prod-us-east-1", clusterArn: "arn:aws:eks:us-east-1:123456789012:cluster/prod-us-east-1" };
const using = (...actionIds: string[]) => [{ actions: actionIds.map((actionId) => ({ actionId })) }] as unknown as ExperimentSpec[];
const statementsFor = (...actionIds: string[]) => fisRolePolicy(using(...actionIds), scope).Statement as Statement[];
const granting = (statements: Statement[], action: string) => statements.filter((s) => [s.Action].flat().includes(action));

/** A primary region's experiment context (the writer's member, a self-managed node pool). */
function context(): ExperimentContext {
  return {
    prefix: "prod-us-east-1",
    region: "us-east-1",
    durationMinutes: 30,
    allZoneIds: "use1-az1,use1-az2",
    zones: [
      { name: "us-east-1a", id: "use1-az1", subnetArns: ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0a"] },
      { name: "us-east-1b", id: "use1-az2", subnetArns: ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0b"] },
    ],
    vpcId: "vpc-0abc",
    clusterName: "prod-us-east-1",
    clusterTagKey: scope.clusterTagKey,
    autoScalingGroupArn: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/prod-us-east-1-nodes",
    database: { clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:prod-us-east-1", globalClusterIdentifier: "prod-global", writer: true },
    otherRegions: ["us-west-2"],
  };
}

// Loaded after the fake cloud is installed (what the stacks name each region's Aurora member).
let databaseClusterIdentifier: (environment: Environment, region: string) => string;
const prod = { name: "prod" } as Environment;

describe("FIS role policy", () => {
  it("lets the cross-region cut move the VPC's gateway endpoints: no ec2:Vpc condition on vpc-endpoint (the key does not exist for it), the route tables pinned to the VPC", () => {
    const modify = granting(statementsFor("aws:network:route-table-disrupt-cross-region-connectivity"), "ec2:ModifyVpcEndpoint");
    const onEndpoints = modify.filter((s) => [s.Resource].flat().some((r) => r.includes(":vpc-endpoint/")));
    expect(onEndpoints).toHaveLength(1);
    expect(onEndpoints[0].Condition).toBeUndefined();
    const onRouteTables = modify.filter((s) => [s.Resource].flat().some((r) => r.includes(":route-table/")));
    expect(onRouteTables.map((s) => s.Condition)).toEqual([{ ArnEquals: { "ec2:Vpc": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc" } }]);
  });

  it("lets the AZ experiments shift the load balancer (by ARN) and the cluster (by ResourceIdentifier, as AWS's scenario policy does) and nothing else", () => {
    const alb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-us-east-1/0123456789abcdef";
    const statements = fisRolePolicy(using("aws:arc:start-zonal-autoshift"), { ...scope, zonalShiftResourceArns: [alb, scope.clusterArn] }).Statement as Statement[];
    const start = granting(statements, "arc-zonal-shift:StartZonalShift");
    expect(start.map((s) => [s.Resource, s.Condition])).toEqual([[[alb], undefined], ["*", { StringEquals: { "arc-zonal-shift:ResourceIdentifier": [scope.clusterArn] } }]]);
    for (const s of start) expect([s.Action].flat().sort()).toEqual(["arc-zonal-shift:CancelZonalShift", "arc-zonal-shift:GetManagedResource", "arc-zonal-shift:StartZonalShift", "arc-zonal-shift:UpdateZonalShift"]);
    for (const action of ["arc-zonal-shift:ListManagedResources", "autoscaling:DescribeTags", "tag:GetResources"]) expect(granting(statements, action).map((s) => s.Resource)).toEqual(["*"]);
    // Not used, not granted.
    expect(granting(statementsFor("aws:network:disrupt-connectivity"), "arc-zonal-shift:StartZonalShift")).toEqual([]);
  });

  it("keeps the primary region's whole FIS policy under IAM's limit for a role's inline policies, and refuses one over it", () => {
    const full = { ...scope, autoScalingGroupArn: context().autoScalingGroupArn as string, databaseClusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:prod-us-east-1", automation: { documentName: "prod-us-east-1-aurora-writer", roleArn: "arn:aws:iam::123456789012:role/prod-us-east-1-automation" }, zonalShiftResourceArns: ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-us-east-1/0123456789abcdef", scope.clusterArn] };
    const ctx: ExperimentContext = {
      ...context(),
      zonalShiftResources: full.zonalShiftResourceArns.map((arn) => ({ kind: arn.includes(":eks:") ? ("EKS" as const) : ("ALB" as const), arn })),
      service: { namespace: "app", labelSelector: "app=web", serviceAccount: "fis-experiments", networkFaults: true, minReplicas: 3 },
      automation: { documentArn: "arn:aws:ssm:us-east-1:123456789012:document/prod-us-east-1-aurora-writer", documentParameters: { switchover: "{}", failover: "{}" } },
    };
    const size = JSON.stringify(fisRolePolicy(regionExperiments(ctx), full)).length;
    // Headroom below IAM's limit (fisRolePolicy refuses anything over it): about 7 700 today.
    expect(size).toBeLessThan(9_000);
    const huge = { ...full, zonalShiftResourceArns: Array.from({ length: 200 }, (_, i) => `arn:aws:eks:us-east-1:123456789012:cluster/c${i}`) };
    expect(() => fisRolePolicy(regionExperiments(ctx), huge)).toThrow(/the FIS role's policy of us-east-1 is \d+ characters; IAM takes 10240 per role/);
  });

  it("gives the AZ network cut every read its action lists, without the cross-region statements", () => {
    const statements = statementsFor("aws:network:disrupt-connectivity");
    expect(granting(statements, "ec2:GetManagedPrefixListEntries")).toHaveLength(1);
    expect(granting(statements, "ec2:ModifyVpcEndpoint")).toEqual([]);
  });
});

describe("AZ power interruption: nodes terminated, not stopped", () => {
  const clusterTag = { StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/prod-us-east-1": "owned" } };

  it("acts on the AZ's nodes with aws:ec2:terminate-instances only: EC2 refuses StopInstances on the Spot nodes of a mixed node pool", () => {
    for (const azPower of regionExperiments(context()).filter((s) => s.key === "az-power")) {
      const onNodes = azPower.actions.filter((a) => a.target?.value === "az-nodes");
      expect(onNodes.map((a) => [a.actionId, a.target!.key, a.parameters])).toEqual([["aws:ec2:terminate-instances", "Instances", {}]]);
      expect(azPower.actions.map((a) => a.actionId)).not.toContain("aws:ec2:stop-instances");
      // The FIS quota to raise is the one of the action the template uses.
      expect(azPower.prerequisites!.join(" ")).toMatch(/target instances of one aws:ec2:terminate-instances action/);
    }
  });

  it("grants ec2:TerminateInstances on this cluster's tagged nodes only, and neither stop, start nor a KMS grant for restarting", () => {
    const statements = statementsFor("aws:ec2:terminate-instances");
    expect(granting(statements, "ec2:TerminateInstances").map((s) => [s.Resource, s.Condition])).toEqual([["arn:aws:ec2:us-east-1:123456789012:instance/*", clusterTag]]);
    for (const action of ["ec2:StopInstances", "ec2:StartInstances", "kms:CreateGrant"]) expect(granting(statements, action)).toEqual([]);
  });

  it("lets FIS resolve the writer's AZ: rds:DescribeDBClusters and rds:DescribeDBInstances for the failover target (AWSFaultInjectionSimulatorRDSAccess grants both)", () => {
    const statements = fisRolePolicy(regionExperiments(context()), { ...scope, autoScalingGroupArn: context().autoScalingGroupArn as string, databaseClusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:prod-us-east-1" }).Statement as Statement[];
    expect(granting(statements, "ec2:TerminateInstances").map((s) => s.Condition)).toEqual([clusterTag]);
    expect(granting(statements, "rds:FailoverDBCluster").map((s) => s.Resource)).toEqual(["arn:aws:rds:us-east-1:123456789012:cluster:prod-us-east-1"]);
    for (const action of ["rds:DescribeDBClusters", "rds:DescribeDBInstances"]) expect(granting(statements, action).map((s) => s.Resource)).toEqual(["*"]);
  });
});

describe("automation role policy: the global database's switchover and failover", () => {
  it("grants SwitchoverGlobalCluster and, opted in, FailoverGlobalCluster on the global cluster and every member, in the account's partition, each once", () => {
    const account = { partition: "aws-us-gov", accountId: "123456789012" };
    const members = [{ region: "us-gov-east-1", clusterIdentifier: "prod-us-gov-east-1" }];
    const own = "arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster:prod-us-gov-west-1";
    const policy = automationRolePolicy({ ...account, globalClusterIdentifier: "prod-global", memberClusterArns: [own, ...members.map((m) => rdsClusterArn(account, m))], modes: ["switchover", "failover"] });
    const move = granting(policy.Statement as Statement[], "rds:SwitchoverGlobalCluster");
    expect(move).toHaveLength(1);
    expect([move[0].Action].flat().sort()).toEqual(["rds:FailoverGlobalCluster", "rds:SwitchoverGlobalCluster"]);
    expect(move[0].Resource).toEqual([
      "arn:aws-us-gov:rds::123456789012:global-cluster:prod-global",
      "arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster:prod-us-gov-west-1",
      "arn:aws-us-gov:rds:us-gov-east-1:123456789012:cluster:prod-us-gov-east-1",
    ]);
  });

  it("grants no FailoverGlobalCluster (which may lose data) unless the failover is opted in", () => {
    const policy = automationRolePolicy({ partition: "aws", accountId: "123456789012", globalClusterIdentifier: "prod-global", memberClusterArns: ["arn:aws:rds:us-west-2:123456789012:cluster:prod-us-west-2"] });
    expect(granting(policy.Statement as Statement[], "rds:SwitchoverGlobalCluster")).toHaveLength(1);
    expect(granting(policy.Statement as Statement[], "rds:FailoverGlobalCluster")).toEqual([]);
  });
});

describe("ResilienceExperiments under the fake cloud", () => {
  let cloud: FakeCloud;
  const region = "us-west-2";
  const otherRegions = ["us-east-1", "eu-west-1"];
  const named = (type: string, name: string) => {
    const found = cloud.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
  };
  const policyOf = (name: string) => (JSON.parse(String(named("aws:iam/rolePolicy:RolePolicy", name).inputs.policy)) as { Statement: Statement[] }).Statement;

  beforeAll(async () => {
    cloud = await installFakeCloud({ stack: "chaos-test", region });
    const { ResilienceExperiments } = await import("../../components/chaos/resilience-experiments");
    const alarms = ["error-rate", "latency-p99", "no-healthy-targets", "replication-lag", "capacity-headroom"];
    new ResilienceExperiments("prod-us-west-2", {
      namePrefix: "prod-us-west-2",
      region,
      network: { vpcId: "vpc-0abc", zones: ["a", "b", "c"].map((z, i) => ({ name: `${region}${z}`, id: `usw2-az${i + 1}`, subnetIds: [`subnet-0pub${z}`, `subnet-0prv${z}`, `subnet-0iso${z}`] })) },
      cluster: { name: "prod-us-west-2", arn: `arn:aws:eks:${region}:${FAKE_ACCOUNT_ID}:cluster/prod-us-west-2` },
      autoScalingGroupArn: `arn:aws:autoscaling:${region}:${FAKE_ACCOUNT_ID}:autoScalingGroup:uuid:autoScalingGroupName/prod-us-west-2-nodes`,
      zonalShiftResources: [{ kind: "ALB", arn: `arn:aws:elasticloadbalancing:${region}:${FAKE_ACCOUNT_ID}:loadbalancer/app/prod-us-west-2/0123456789abcdef` }, { kind: "EKS", arn: `arn:aws:eks:${region}:${FAKE_ACCOUNT_ID}:cluster/prod-us-west-2` }],
      database: {
        clusterArn: `arn:aws:rds:${region}:${FAKE_ACCOUNT_ID}:cluster:prod-us-west-2`,
        globalClusterIdentifier: "prod-global",
        writer: false,
        otherMembers: otherRegions.map((r) => ({ region: r, clusterIdentifier: databaseClusterIdentifier(prod, r) })),
      },
      alarmArns: Object.fromEntries(alarms.map((a) => [`prod-us-west-2-${a}`, `arn:aws:cloudwatch:${region}:${FAKE_ACCOUNT_ID}:alarm:prod-us-west-2-${a}`])),
      otherRegions,
    });
    await settle();
  });

  it("deploys every az-power template with aws:ec2:terminate-instances on the AZ's nodes", () => {
    for (const i of [1, 2, 3]) {
      const actions = named("aws:fis/experimentTemplate:ExperimentTemplate", `prod-us-west-2-az-power-${i}`).inputs.actions as { actionId: string; target?: { key: string; value: string }; parameters?: unknown }[];
      expect(actions.filter((a) => a.target?.value === "az-nodes").map((a) => [a.actionId, a.target!.key, a.parameters])).toEqual([["aws:ec2:terminate-instances", "Instances", undefined]]);
    }
  });

  it("deploys every az-power template with the zonal autoshift away from its AZ's ID, and the role may shift exactly the ALB and the cluster", () => {
    for (const i of [1, 2, 3]) {
      const actions = named("aws:fis/experimentTemplate:ExperimentTemplate", `prod-us-west-2-az-power-${i}`).inputs.actions as { actionId: string; target?: { key: string; value: string }; parameters?: { key: string; value: string }[] }[];
      const shift = actions.find((a) => a.actionId === "aws:arc:start-zonal-autoshift")!;
      expect(shift.target).toEqual({ key: "ManagedResources", value: "zonal-shift-resources" });
      expect(Object.fromEntries(shift.parameters!.map((p) => [p.key, p.value]))).toEqual({ availabilityZoneIdentifier: `usw2-az${i}`, duration: "PT30M", managedResourceTypes: "ALB,EKS" });
    }
    const statements = policyOf("prod-us-west-2-fis");
    expect(granting(statements, "arc-zonal-shift:StartZonalShift").map((s) => [s.Resource, s.Condition])).toEqual([
      [[`arn:aws:elasticloadbalancing:${region}:${FAKE_ACCOUNT_ID}:loadbalancer/app/prod-us-west-2/0123456789abcdef`], undefined],
      ["*", { StringEquals: { "arc-zonal-shift:ResourceIdentifier": [`arn:aws:eks:${region}:${FAKE_ACCOUNT_ID}:cluster/prod-us-west-2`] } }],
    ]);
  });

  it("gives the FIS role TerminateInstances on the cluster's tagged nodes, and no StopInstances", () => {
    const statements = policyOf("prod-us-west-2-fis");
    expect(granting(statements, "ec2:TerminateInstances").map((s) => s.Condition)).toEqual([{ StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/prod-us-west-2": "owned" } }]);
    expect(granting(statements, "ec2:StopInstances")).toEqual([]);
  });

  it("lets the automation role switch the writer over from whichever member holds it: the global cluster and every region's member cluster ARN; no failover, not opted in", () => {
    const statements = policyOf("prod-us-west-2-automation");
    const move = granting(statements, "rds:SwitchoverGlobalCluster");
    expect(move).toHaveLength(1);
    expect(granting(statements, "rds:FailoverGlobalCluster")).toEqual([]);
    expect(cloud.resources.filter((r) => r.type === "aws:fis/experimentTemplate:ExperimentTemplate").map((r) => r.name)).not.toContain("prod-us-west-2-aurora-failover");
    expect(named("aws:fis/experimentTemplate:ExperimentTemplate", "prod-us-west-2-aurora-switchover")).toBeDefined();
    expect([move[0].Resource].flat().sort()).toEqual([
      `arn:aws:rds::${FAKE_ACCOUNT_ID}:global-cluster:prod-global`,
      ...[region, ...otherRegions].map((r) => `arn:aws:rds:${r}:${FAKE_ACCOUNT_ID}:cluster:${databaseClusterIdentifier(prod, r)}`),
    ].sort());
  });
});

beforeAll(async () => {
  ({ databaseClusterIdentifier } = await import("../../stacks/compose"));
});
