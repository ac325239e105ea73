/**
 * The cost rules through the offline harness (never constructing the PolicyPack): advisory by
 * default, thresholds through the pack's config, the budget from the environment's settings.
 */
import { describe, expect, it } from "vitest";
import { evaluateEnvironment, evaluateStack, Violation } from "../../policies/evaluate";
import type { RecordedResource } from "../../tools/fake-cloud";
import { environment, ofPolicy, PRIMARY, recorded, SETTINGS } from "./fixtures";

const o = { stack: "prod-us-east-1", region: PRIMARY };
const stackOf = (...resources: RecordedResource[]) => ({ stack: o.stack, role: "region" as const, region: PRIMARY, resources });
const messages = (vs: Violation[]) => vs.map((v) => `${v.enforcementLevel}: ${v.message}`);

function nodePool(inputs: Record<string, unknown>): RecordedResource {
  return recorded("aws:autoscaling/group:Group", "nodes", { minSize: 6, desiredCapacity: 9, maxSize: 24, tags: [{ key: "kubernetes.io/cluster/prod", value: "owned", propagateAtLaunch: true }], ...inputs }, o);
}
const mixed = (base: number, percent: number) => ({ mixedInstancesPolicy: { instancesDistribution: { onDemandBaseCapacity: base, onDemandPercentageAboveBaseCapacity: percent }, launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" }, overrides: [{ instanceType: "m7i.xlarge" }] } } });

describe("cost-spot-share", () => {
  const run = (r: RecordedResource, config = {}) => ofPolicy(evaluateStack(stackOf(r), config), "cost-spot-share");

  it("reports a Kubernetes node pool that is all On-Demand, as advisory, with its share at max and desired", () => {
    expect(messages(run(nodePool({ launchTemplate: { id: "lt-1" } })))).toEqual([expect.stringMatching(/^advisory: nodes \(autoscaling\.Group\) runs 0% Spot at its maximum of 24 nodes \(0% at the desired 9\); the floor is 20%/)]);
  });

  it("passes prod's distribution (6 On-Demand base, 50% above: 38% Spot at max) and fails it under a higher floor", () => {
    expect(run(nodePool(mixed(6, 50)))).toEqual([]);
    expect(messages(run(nodePool(mixed(6, 50)), { "cost-spot-share": { minSpotPercent: 50 } }))).toEqual([expect.stringContaining("runs 38% Spot at its maximum of 24 nodes (11% at the desired 9); the floor is 50%")]);
  });

  it("leaves Auto Scaling groups that are not Kubernetes nodes alone, and is off at 0", () => {
    expect(run(recorded("aws:autoscaling/group:Group", "batch", { minSize: 1, maxSize: 2 }, o))).toEqual([]);
    expect(run(nodePool({}), { "cost-spot-share": { minSpotPercent: 0 } })).toEqual([]);
  });

  it("judges managed node groups by capacity type", () => {
    const group = (capacityType: string) => recorded("aws:eks/nodeGroup:NodeGroup", "ng", { capacityType, scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 4 } }, o);
    expect(run(group("ON_DEMAND"))).toHaveLength(1);
    expect(run(group("SPOT"))).toEqual([]);
  });
});

describe("cost-log-retention", () => {
  const run = (inputs: Record<string, unknown>, config = {}) => ofPolicy(evaluateStack(stackOf(recorded("aws:cloudwatch/logGroup:LogGroup", "logs", inputs, o)), config), "cost-log-retention");

  it("reports a log group that never expires", () => {
    expect(messages(run({}))).toEqual([expect.stringMatching(/^advisory: logs \(cloudwatch\.LogGroup\) never expires its logs/)]);
    expect(run({ retentionInDays: 0 })).toHaveLength(1);
  });

  it("accepts any retention unless a maximum is configured", () => {
    expect(run({ retentionInDays: 3653 })).toEqual([]);
    expect(messages(run({ retentionInDays: 3653 }, { "cost-log-retention": { maxRetentionDays: 365 } }))).toEqual([expect.stringContaining("keeps logs 3653 days; the limit is 365")]);
  });
});

describe("cost-bucket-cold-storage", () => {
  const bucket = recorded("aws:s3/bucket:Bucket", "logs", { bucket: "logs-abc" }, { ...o, id: "logs-abc" });
  const lifecycle = (rule: Record<string, unknown>) => recorded("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "logs", { bucket: "logs-abc", rules: [{ id: "r", status: "Enabled", ...rule }] }, o);
  const run = (...resources: RecordedResource[]) => ofPolicy(evaluateStack(stackOf(...resources)), "cost-bucket-cold-storage");

  it("reports a bucket without lifecycle rules on that bucket", () => {
    expect(messages(run(bucket))).toEqual([expect.stringContaining("logs (s3.Bucket) keeps objects in S3 Standard for ever")]);
  });

  it("accepts an expiration or a transition to a colder class within 90 days", () => {
    expect(run(bucket, lifecycle({ expiration: { days: 90 } }))).toEqual([]);
    expect(run(bucket, lifecycle({ transitions: [{ days: 30, storageClass: "GLACIER_IR" }] }))).toEqual([]);
  });

  it("reports a transition later than the limit, and ignores disabled rules", () => {
    expect(messages(run(bucket, lifecycle({ transitions: [{ days: 365, storageClass: "DEEP_ARCHIVE" }] })))).toEqual([expect.stringContaining("365 days in S3 Standard")]);
    expect(run(bucket, lifecycle({ status: "Disabled", expiration: { days: 30 } }))).toHaveLength(1);
  });
});

describe("cost-monthly-budget", () => {
  const run = (settings: Record<string, unknown>) => ofPolicy(evaluateEnvironment(environment().view(settings)), "cost-monthly-budget");

  it("is not checked without a budget", () => {
    expect(run(SETTINGS)).toEqual([]);
  });

  it("reports an estimate over the environment's costMonthlyBudgetUsd, with the figures", () => {
    expect(messages(run({ ...SETTINGS, costMonthlyBudgetUsd: 1 }))).toEqual([expect.stringMatching(/^advisory: Estimated baseline cost \$[\d,]+\/month \(baseline \$[\d,]+, ceiling \$[\d,]+\) is over the \$1 budget/)]);
    expect(run({ ...SETTINGS, costMonthlyBudgetUsd: 10_000_000 })).toEqual([]);
  });
});

describe("cost-change-per-pr", () => {
  it("is not applicable in the pack alone (the plan judges it with --diff)", () => {
    const env = environment();
    for (const stack of env.stacks()) expect(ofPolicy(evaluateStack(stack), "cost-change-per-pr")).toEqual([]);
  });
});
