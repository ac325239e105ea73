/**
 * The experiment catalogue's own decisions as plain values (components/chaos/experiments.ts): how
 * many targets a selection mode picks, FIS's way, and the specs it refuses before `pulumi up`.
 */
import { describe, expect, it } from "vitest";
import { globalDatabaseAutomation } from "../../components/chaos/automation";
import { checkSpec, percentSelectingOne, regionExperiments, selectedCount, selectionProblem, type ExperimentContext, type ExperimentSpec } from "../../components/chaos/experiments";

/** A secondary region's context with the reference service at `minReplicas`. */
function context(minReplicas: number): ExperimentContext {
  return {
    prefix: "dev-us-west-2",
    region: "us-west-2",
    durationMinutes: 30,
    allZoneIds: "usw2-az1,usw2-az2",
    zones: [
      { name: "us-west-2a", id: "usw2-az1", subnetArns: ["arn:aws:ec2:us-west-2:123456789012:subnet/subnet-0a"] },
      { name: "us-west-2b", id: "usw2-az2", subnetArns: ["arn:aws:ec2:us-west-2:123456789012:subnet/subnet-0b"] },
    ],
    vpcId: "vpc-0abc",
    clusterName: "dev-us-west-2",
    clusterTagKey: "kubernetes.io/cluster/dev-us-west-2",
    service: { namespace: "app", labelSelector: "app.kubernetes.io/name=web", serviceAccount: "fis-experiments", networkFaults: true, minReplicas },
    otherRegions: [],
  };
}

describe("selection modes, counted as FIS counts them", () => {
  it("rounds PERCENT down, caps COUNT at what there is, and takes ALL", () => {
    expect(selectedCount("PERCENT(33)", 3)).toBe(0);
    expect(selectedCount("PERCENT(34)", 3)).toBe(1);
    expect(selectedCount("PERCENT(50)", 5)).toBe(2);
    expect(selectedCount("PERCENT(50)", 2)).toBe(1);
    expect(selectedCount("PERCENT(20)", 5)).toBe(1);
    expect(selectedCount("COUNT(1)", 3)).toBe(1);
    expect(selectedCount("COUNT(4)", 3)).toBe(3);
    expect(selectedCount("ALL", 3)).toBe(3);
    expect(selectedCount("SOME(3)", 3)).toBeUndefined();
  });

  it("raises a wanted percentage just enough to pick one of the minimum, and keeps one that already does", () => {
    expect(percentSelectingOne(33, 3)).toBe(34);
    expect(percentSelectingOne(33, 2)).toBe(50);
    expect(percentSelectingOne(33, 4)).toBe(33);
    expect(percentSelectingOne(50, 3)).toBe(50);
    for (const minimum of [2, 3, 4, 5, 6, 7, 9, 12]) expect(selectedCount(`PERCENT(${percentSelectingOne(33, minimum)})`, minimum)).toBeGreaterThanOrEqual(1);
    expect(() => percentSelectingOne(33, 0)).toThrow(/minimum resources must be a whole number >= 1 \(got 0\)/);
  });

  it("names a selection that picks nothing at the minimum, with the smallest fix", () => {
    expect(selectionProblem("PERCENT(33)", 3)).toBe("PERCENT(33) of 3 resource(s) (the fewest there can be) selects none: FIS rounds a percentage down and fails an experiment that selects nothing; use PERCENT(34) or more, or COUNT(1)");
    expect(selectionProblem("PERCENT(34)", 3)).toBeUndefined();
    expect(selectionProblem("COUNT(1)", 2)).toBeUndefined();
    expect(selectionProblem("PERCENT(3)", 4)).toMatch(/use PERCENT\(25\) or more, or COUNT\(1\)$/);
    expect(selectionProblem("HALF", 4)).toBe("selection mode HALF is not ALL, COUNT(n) or PERCENT(n)");
  });
});

describe("the pod experiments select at least one pod at the service's minimum", () => {
  const pods = (specs: ExperimentSpec[]) => Object.fromEntries(specs.filter((s) => s.key.startsWith("pod-")).map((s) => [s.key, s.targets[0].selectionMode]));

  it("deletes a third (at least one), stresses and delays half (at least one), at 2 and at 3 replicas", () => {
    // 3 × 33 % is no pod at all: FIS would fail pod-delete at once on the default service.
    expect(pods(regionExperiments(context(3)))).toEqual({ "pod-delete": "PERCENT(34)", "pod-cpu-stress": "PERCENT(50)", "pod-network-latency": "PERCENT(50)" });
    expect(pods(regionExperiments(context(2)))).toEqual({ "pod-delete": "PERCENT(50)", "pod-cpu-stress": "PERCENT(50)", "pod-network-latency": "PERCENT(50)" });
    expect(pods(regionExperiments(context(12)))).toEqual({ "pod-delete": "PERCENT(33)", "pod-cpu-stress": "PERCENT(50)", "pod-network-latency": "PERCENT(50)" });
  });

  it("refuses a spec whose percentage selects no pod at the minimum, naming the template, target and fix", () => {
    const [podDelete] = regionExperiments(context(3)).filter((s) => s.key === "pod-delete");
    const broken: ExperimentSpec = { ...podDelete, targets: [{ ...podDelete.targets[0], selectionMode: "PERCENT(33)" }] };
    expect(() => checkSpec(broken)).toThrow("pod-delete: target service-pods: PERCENT(33) of 3 resource(s) (the fewest there can be) selects none: FIS rounds a percentage down and fails an experiment that selects nothing; use PERCENT(34) or more, or COUNT(1)");
    // Without a known minimum (node, subnet and cluster targets), nothing to check.
    expect(() => checkSpec({ ...broken, targets: [{ ...broken.targets[0], minimumResources: undefined }] })).not.toThrow();
  });
});

describe("the Aurora global failover that allows data loss is deployed only on explicit opt-in", () => {
  const withDatabase = (dataLossFailover?: boolean): ExperimentContext => ({
    ...context(3),
    database: { clusterArn: "arn:aws:rds:us-west-2:123456789012:cluster:dev-us-west-2", globalClusterIdentifier: "dev-global", writer: false, ...(dataLossFailover === undefined ? {} : { dataLossFailover }) },
    automation: { documentArn: "arn:aws:ssm:us-west-2:123456789012:document/dev-us-west-2-aurora-writer", documentParameters: { switchover: '{"Mode":"switchover"}', failover: '{"Mode":"failover"}' } },
  });
  const aurora = (ctx: ExperimentContext) => regionExperiments(ctx).filter((s) => s.key.startsWith("aurora-"));

  it("has only the switchover (no data loss) by default", () => {
    expect(aurora(withDatabase()).map((s) => [s.id, s.dataLoss ?? false])).toEqual([["aurora-switchover", false]]);
    expect(aurora(withDatabase(false)).map((s) => s.id)).toEqual(["aurora-switchover"]);
  });

  it("adds aurora-failover when asked, marked as losing data and saying what it does", () => {
    const failover = aurora(withDatabase(true)).find((s) => s.id === "aurora-failover")!;
    expect(failover).toMatchObject({ key: "aurora-failover", dataLoss: true });
    expect(failover.description).toMatch(/^dev-us-west-2: the global database fails over to here ALLOWING DATA LOSS \(FailoverGlobalCluster\): writes not yet replicated here are lost to it, .* no stop condition undoes it\./);
    expect(failover.description.length).toBeLessThanOrEqual(512);
    expect(failover.actions[0].parameters.documentParameters).toBe('{"Mode":"failover"}');
  });

  it("gives the SSM document no failover step unless failover is one of its modes", () => {
    const steps = (modes?: Parameters<typeof globalDatabaseAutomation>[0]) => {
      const doc = globalDatabaseAutomation(modes) as { parameters: { Mode: { allowedValues: string[] } }; mainSteps: { name: string; inputs: { Api?: string; AllowDataLoss?: boolean } }[] };
      return { modes: doc.parameters.Mode.allowedValues, apis: doc.mainSteps.map((s) => s.inputs.Api).filter(Boolean) };
    };
    expect(steps()).toEqual({ modes: ["switchover"], apis: ["SwitchoverGlobalCluster", "DescribeGlobalClusters"] });
    expect(steps(["switchover", "failover"])).toEqual({ modes: ["switchover", "failover"], apis: ["SwitchoverGlobalCluster", "FailoverGlobalCluster", "DescribeGlobalClusters"] });
  });
});

describe("the AZ power interruption shifts the zone's traffic away, as zonal autoshift would", () => {
  const alb = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/dev-us-west-2/0123456789abcdef";
  const eks = "arn:aws:eks:us-west-2:123456789012:cluster/dev-us-west-2";
  const azPower = (ctx: ExperimentContext) => regionExperiments(ctx).filter((s) => s.key === "az-power");

  it("starts aws:arc:start-zonal-autoshift on the autoshift-enabled resources, away from the AZ's ID, for the fault's duration", () => {
    const specs = azPower({ ...context(3), zonalShiftResources: [{ kind: "ALB", arn: alb }, { kind: "EKS", arn: eks }] });
    expect(specs.map((s) => s.id)).toEqual(["az-power-1", "az-power-2"]);
    specs.forEach((spec, i) => {
      const action = spec.actions.find((a) => a.actionId === "aws:arc:start-zonal-autoshift")!;
      expect(action).toMatchObject({ name: "autoshift-away", parameters: { availabilityZoneIdentifier: `usw2-az${i + 1}`, duration: "PT30M", managedResourceTypes: "ALB,EKS" }, target: { key: "ManagedResources", value: "zonal-shift-resources" } });
      expect(spec.targets.find((t) => t.name === "zonal-shift-resources")).toEqual({ name: "zonal-shift-resources", resourceType: "aws:arc:zonal-shift-managed-resource", selectionMode: "ALL", resourceArns: [alb, eks] });
      expect(spec.description).toMatch(/traffic autoshifted away\)$/);
    });
  });

  it("has no autoshift action where no resource has autoshift, and refuses more resources than one target holds", () => {
    expect(azPower(context(3)).flatMap((s) => s.actions.map((a) => a.actionId))).not.toContain("aws:arc:start-zonal-autoshift");
    const six = Array.from({ length: 6 }, (_, i) => ({ kind: "ALB" as const, arn: `${alb}${i}` }));
    expect(() => regionExperiments({ ...context(3), zonalShiftResources: six })).toThrow(/az-power-1: target zonal-shift-resources lists 6 ARNs; the provider takes at most 5/);
  });
});
