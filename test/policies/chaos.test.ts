/** experiment-stop-conditions, production-rehearses-failure and region-switch-plan-regions, on recorded resources. */
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/fake-cloud";
import { evaluateStack } from "../../policies/evaluate";
import { configFromSettings } from "../../policies/reconcile";
import { arnOf, ofPolicy, patch, recorded } from "./fixtures";
import { regionSwitchPlans } from "../../components/chaos/region-switch";

const REGION = "eu-west-1";
const at = { stack: "prod-eu-west-1", region: REGION };

interface Region {
  alb: RecordedResource;
  cluster: RecordedResource;
  azPower: RecordedResource;
  podDelete: RecordedResource;
  albAutoshift: RecordedResource;
  eksAutoshift: RecordedResource;
  all(): RecordedResource[];
}

function region(): Region {
  const alarm = `arn:aws:cloudwatch:${REGION}:123456789012:alarm:prod-eu-west-1-error-rate`;
  const alb = recorded("aws:lb/loadBalancer:LoadBalancer", "ingress", { loadBalancerType: "application", enableZonalShift: true }, at);
  const cluster = recorded("aws:eks/cluster:Cluster", "cluster", { zonalShiftConfig: { enabled: true } }, at);
  const stop = [{ source: "aws:cloudwatch:alarm", value: alarm }];
  const azPower = recorded("aws:fis/experimentTemplate:ExperimentTemplate", "az-power-1", {
    stopConditions: stop,
    actions: [
      { name: "cut-az-network", actionId: "aws:network:disrupt-connectivity", target: { key: "Subnets", value: "az-subnets" } },
      { name: "power-off-az-nodes", actionId: "aws:ec2:terminate-instances", target: { key: "Instances", value: "az-nodes" } },
    ],
  }, at);
  const podDelete = recorded("aws:fis/experimentTemplate:ExperimentTemplate", "pod-delete", { stopConditions: stop, actions: [{ name: "delete-pods", actionId: "aws:eks:pod-delete" }] }, at);
  const autoshift = (name: string, target: RecordedResource) => recorded("aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration", name, { resourceArn: arnOf(target), zonalAutoshiftStatus: "ENABLED", outcomeAlarms: [{ type: "CLOUDWATCH", alarmIdentifier: alarm }] }, at);
  const r: Region = { alb, cluster, azPower, podDelete, albAutoshift: autoshift("alb-autoshift", alb), eksAutoshift: autoshift("eks-autoshift", cluster), all: () => [r.alb, r.cluster, r.azPower, r.podDelete, r.albAutoshift, r.eksAutoshift] };
  return r;
}

const production = configFromSettings({ production: true });
function violations(r: Region, policy: string, config = production) {
  return ofPolicy(evaluateStack({ stack: at.stack, role: "region", region: REGION, resources: r.all() }, config), policy);
}

describe("experiment-stop-conditions", () => {
  it("passes templates stopped by an alarm", () => {
    expect(violations(region(), "experiment-stop-conditions")).toEqual([]);
  });

  it("fails a template whose stop conditions were removed (source none) or are empty, mandatorily", () => {
    const r = region();
    patch(r.podDelete, { stopConditions: [{ source: "none" }] });
    patch(r.azPower, { stopConditions: [] });
    const found = violations(r, "experiment-stop-conditions");
    expect(found.map((v) => [v.urn!.split("::").pop(), v.enforcementLevel])).toEqual([["az-power-1", "mandatory"], ["pod-delete", "mandatory"]]);
    expect(found.find((v) => v.urn!.endsWith("pod-delete"))!.message).toMatch(/source `none`/);
    expect(found.find((v) => v.urn!.endsWith("az-power-1"))!.message).toMatch(/no CloudWatch alarm/);
  });

  it("fails an alarm condition that names no alarm", () => {
    const r = region();
    patch(r.podDelete, { stopConditions: [{ source: "aws:cloudwatch:alarm" }] });
    expect(violations(r, "experiment-stop-conditions")).toHaveLength(1);
  });
});

describe("production-rehearses-failure", () => {
  it("passes a production region with the AZ experiment and autoshift on ALB and cluster", () => {
    expect(violations(region(), "production-rehearses-failure")).toEqual([]);
  });

  it("applies only to production environments", () => {
    const r = region();
    r.all = () => [r.alb, r.cluster];
    expect(violations(r, "production-rehearses-failure", {})).toEqual([]);
    expect(violations(r, "production-rehearses-failure", configFromSettings({ production: false }))).toEqual([]);
  });

  it("fails a production region without the AZ power-interruption experiment (a pod experiment is not one)", () => {
    const r = region();
    const all = r.all;
    r.all = () => all().filter((x) => x !== r.azPower);
    const [v] = violations(r, "production-rehearses-failure");
    expect(v.message).toMatch(/no AZ power-interruption experiment/);
    expect(v.enforcementLevel).toBe("mandatory");
  });

  it("takes AWS's own AZ power scenario (nodes stopped, not terminated) as the AZ experiment, but not a network cut alone", () => {
    const r = region();
    const actions = (r.azPower.inputs.actions as { actionId: string }[]).map((a) => a.actionId === "aws:ec2:terminate-instances" ? { ...a, actionId: "aws:ec2:stop-instances" } : a);
    patch(r.azPower, { actions });
    expect(violations(r, "production-rehearses-failure")).toEqual([]);
    patch(r.azPower, { actions: actions.filter((a) => a.actionId !== "aws:ec2:stop-instances") });
    expect(violations(r, "production-rehearses-failure").map((v) => v.message)).toEqual([expect.stringMatching(/no AZ power-interruption experiment/)]);
  });

  it("fails a load balancer or cluster without enabled autoshift, or not registered for zonal shift", () => {
    const r = region();
    patch(r.albAutoshift, { zonalAutoshiftStatus: "DISABLED" });
    patch(r.cluster, { zonalShiftConfig: { enabled: false } });
    const found = violations(r, "production-rehearses-failure");
    expect(found.map((v) => v.urn!.split("::").pop()).sort()).toEqual(["cluster", "ingress"]);
    expect(found.find((v) => v.urn!.endsWith("cluster"))!.message).toMatch(/not registered for zonal shift/);
    expect(found.find((v) => v.urn!.endsWith("ingress"))!.message).toMatch(/no zonal autoshift/);
  });

  it("does not count an autoshift configuration of another resource", () => {
    const r = region();
    patch(r.eksAutoshift, { resourceArn: "arn:aws:eks:eu-west-1:123456789012:cluster/someone-else" });
    expect(violations(r, "production-rehearses-failure").map((v) => v.urn!.split("::").pop())).toEqual(["cluster"]);
  });
});

describe("region-switch-plan-regions", () => {
  const plan = (regions: string[], primaryRegion?: string) =>
    recorded("aws:arcregionswitch/plan:Plan", "switch", { name: "prod-region-switch", recoveryApproach: "activeActive", regions, ...(primaryRegion ? { primaryRegion } : {}) }, { stack: "prod", region: "us-east-1" });
  const found = (r: RecordedResource) => ofPolicy(evaluateStack({ stack: "prod", role: "global", region: "us-east-1", resources: [r] }, production), "region-switch-plan-regions");

  it("refuses a plan over three regions, mandatorily: CreatePlan takes exactly two", () => {
    const [violation] = found(plan(["us-east-1", "us-west-2", "eu-west-1"], "us-east-1"));
    expect(violation.enforcementLevel).toBe("mandatory");
    expect(violation.message).toMatch(/lists 3 region\(s\) \(us-east-1, us-west-2, eu-west-1\); ARC takes exactly 2/);
  });

  it("refuses a primary region outside the plan's two, and passes a pair with its primary", () => {
    expect(found(plan(["us-west-2", "eu-west-1"], "us-east-1"))[0].message).toMatch(/primary region us-east-1 is not one of its regions/);
    expect(found(plan(["us-east-1", "us-west-2"], "us-east-1"))).toEqual([]);
    expect(found(plan(["us-west-2", "eu-west-1"]))).toEqual([]);
  });
});

describe("regionSwitchPlans: the environment's plans, two regions each", () => {
  it("makes one plan for two regions, under the name it always had", () => {
    expect(regionSwitchPlans("prod", ["us-east-1", "eu-west-1"])).toEqual([{ name: "prod-region-switch", suffix: "", regions: ["us-east-1", "eu-west-1"] }]);
  });

  it("makes one plan per region for more, each paired with the next region (the last with the first)", () => {
    const plans = regionSwitchPlans("prod", ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]);
    expect(plans.map((p) => [p.name, p.regions])).toEqual([
      ["prod-switch-us-east-1", ["us-east-1", "us-west-2"]],
      ["prod-switch-us-west-2", ["us-west-2", "eu-west-1"]],
      ["prod-switch-eu-west-1", ["eu-west-1", "ap-south-1"]],
      ["prod-switch-ap-south-1", ["ap-south-1", "us-east-1"]],
    ]);
    expect(new Set(plans.flatMap((p) => p.regions)).size).toBe(4);
  });

  it("keeps every name within ARC's 32 characters, of letters, digits and hyphens, naming its region: the environment's part is shortened", () => {
    const names = regionSwitchPlans("customer-facing-staging", ["ap-southeast-1", "ap-southeast-2", "ap-northeast-1"]).map((p) => p.name);
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/);
    expect(names).toEqual([expect.stringMatching(/^cus-[0-9a-f]{6}-switch-ap-southeast-1$/), expect.stringMatching(/-switch-ap-southeast-2$/), expect.stringMatching(/-switch-ap-northeast-1$/)]);
    // Another long environment gets another hash: names stay apart.
    expect(regionSwitchPlans("customer-facing-stage-2", ["ap-southeast-1", "ap-southeast-2"])[0].name).toMatch(/^customer-fa-[0-9a-f]{6}-region-switch$/);
    expect(regionSwitchPlans("customer-facing-stage-2", ["ap-southeast-1", "ap-southeast-2"])[0].name).not.toBe(regionSwitchPlans("customer-facing-stage-3", ["ap-southeast-1", "ap-southeast-2"])[0].name);
  });
});
