/**
 * The plan's cost section on hand-made stacks: per stack, region and type, the JSON contract,
 * the cost of adding a region (--diff) with the cost-change-per-pr finding, and the reports.
 */
import { describe, expect, it } from "vitest";
import type { PolicyConfig } from "../../policies/evaluate";
import type { RecordedResource } from "../../tools/fake-cloud";
import type { PlanDocument } from "../../tools/plan/model";
import { renderMarkdown } from "../../tools/plan/markdown";
import { assemble } from "../../tools/plan/plan";
import { validatePlan } from "../../tools/plan/schema";
import { renderTerminal } from "../../tools/plan/terminal";
import { auroraCluster, network, planStack, resource } from "./resources";

function nodePool(stack: string, region: string): RecordedResource[] {
  const opts = { stack, region };
  const lt = resource("aws:ec2/launchTemplate:LaunchTemplate", `${stack}-lt`, { blockDeviceMappings: [{ ebs: { volumeSize: 50, volumeType: "gp3" } }] }, { ...opts, id: `lt-${stack}` });
  const asg = resource("aws:autoscaling/group:Group", `${stack}-asg`, {
    minSize: 3, desiredCapacity: 3, maxSize: 6,
    tags: [{ key: `kubernetes.io/cluster/${stack}`, value: "owned", propagateAtLaunch: true }],
    mixedInstancesPolicy: {
      instancesDistribution: { onDemandBaseCapacity: 3, onDemandPercentageAboveBaseCapacity: 0 },
      launchTemplate: { launchTemplateSpecification: { launchTemplateId: `lt-${stack}` }, overrides: [{ instanceType: "m7i.xlarge" }, { instanceType: "m6i.xlarge" }] },
    },
  }, opts);
  return [lt, asg];
}

function environment(regions: string[], extras: { base?: PlanDocument; policyConfig?: PolicyConfig } = {}): PlanDocument {
  const global = planStack("prod", "global", "us-east-1", [resource("aws:route53/zone:Zone", "prod-zone", { name: "prod.example.com" }, { stack: "prod" })]);
  const regional = regions.map((region, i) => {
    const stack = `prod-${region}`;
    return planStack(stack, "region", region, [
      ...network(stack, region, ["a", "b", "c"], ["a", "b", "c"], stack),
      ...auroraCluster(`${stack}-db`, region, i === 0 ? "primary" : "secondary", ["a", "b"], stack),
      ...nodePool(stack, region),
      resource("aws:eks/cluster:Cluster", `${stack}-eks`, {}, { stack, region }),
    ]);
  });
  return assemble("prod", [global, ...regional], { regions } as never, extras.policyConfig ?? {}, { base: extras.base });
}

describe("the cost section", () => {
  const plan = environment(["us-east-1", "eu-west-1"]);
  const cost = plan.cost!;

  it("is valid plan JSON and adds up: regions, stacks and types each sum to the total", () => {
    expect(validatePlan(plan)).toEqual([]);
    const sum = (rows: { baselineUsd: number }[]) => Math.round(rows.reduce((s, r) => s + r.baselineUsd, 0) * 100) / 100;
    expect(sum(cost.byRegion)).toBeCloseTo(cost.total.baselineUsd, 1);
    expect(sum(cost.byStack)).toBeCloseTo(cost.total.baselineUsd, 1);
    expect(sum(cost.byType)).toBeCloseTo(cost.total.baselineUsd, 1);
    expect(cost.total.fixedUsd + cost.total.usageUsd).toBeCloseTo(cost.total.baselineUsd, 1);
    expect(cost.byRegion.map((r) => r.region)).toEqual(["us-east-1", "eu-west-1", "global"]);
  });

  it("prices the ceiling with every pool at its maximum: the extra nodes are Spot here (0% On-Demand above the base)", () => {
    const pool = cost.pools.find((p) => p.region === "us-east-1")!;
    expect(pool).toMatchObject({ desired: 3, max: 6, baseline: { onDemand: 3, spot: 0 }, ceiling: { onDemand: 3, spot: 3 } });
    expect(cost.total.ceilingUsd).toBeGreaterThan(cost.total.baselineUsd);
  });

  it("names the assumptions it used and prices every resource of the fixture", () => {
    expect(cost.unpriced).toEqual([]);
    expect(cost.assumptions.map((a) => a.key)).toEqual(expect.arrayContaining(["natGatewayGbPerMonth", "auroraStorageGb", "spotDiscountPercent"]));
    expect(cost.usage.profile).toBe("prod");
    expect(cost.prices.asOf).toMatch(/^\d{4}-\d{2}/);
  });
});

describe("the cost of adding a region (--diff)", () => {
  const base = environment(["us-east-1", "eu-west-1"]);
  const grown = environment(["us-east-1", "eu-west-1", "us-west-2"], { base });
  const change = grown.cost!.change!;

  it("is the new region's cost, overall and by region", () => {
    const added = grown.cost!.byRegion.find((r) => r.region === "us-west-2")!;
    expect(change.delta.baselineUsd).toBeCloseTo(added.baselineUsd, 1);
    expect(change.delta.ceilingUsd).toBeCloseTo(added.ceilingUsd, 1);
    expect(change.byRegion[0]).toMatchObject({ region: "us-west-2", baselineUsd: added.baselineUsd });
    expect(validatePlan(grown)).toEqual([]);
  });

  it("is large past the thresholds: an advisory finding, and the PR comment leads with it", () => {
    expect(change.large).toBe(true);
    const finding = grown.stacks.find((s) => s.role === "global")!.violations.find((v) => v.policy === "cost-change-per-pr")!;
    expect(finding).toMatchObject({ enforcementLevel: "advisory", urn: null });
    expect(finding.message).toMatch(/^This change adds \$[\d,]+\/month \(\+\d+(\.\d)?%\) at desired capacity/);
    const md = renderMarkdown(grown);
    expect(md.indexOf("### 💰 Cost change:")).toBeGreaterThan(0);
    expect(md.indexOf("### 💰 Cost change:")).toBeLessThan(md.indexOf("| stack | role |"));
    expect(renderTerminal(grown)).toMatch(/cost of this change: \+\$[\d,]+\/month at desired capacity .*\[LARGE\]/);
  });

  it("follows the policy config: higher thresholds make it small, disabled drops the finding", () => {
    const lenient = environment(["us-east-1", "eu-west-1", "us-west-2"], { base, policyConfig: { "cost-change-per-pr": { maxMonthlyIncreaseUsd: 1_000_000, maxIncreasePercent: 0 } } });
    expect(lenient.cost!.change!.large).toBe(false);
    expect(renderMarkdown(lenient)).not.toContain("### 💰 Cost change");
    expect(renderMarkdown(lenient)).toContain("Cost of this change: +$");
    const off = environment(["us-east-1", "eu-west-1", "us-west-2"], { base, policyConfig: { "cost-change-per-pr": { enforcementLevel: "disabled" } } });
    expect(off.stacks.flatMap((s) => s.violations).filter((v) => v.policy === "cost-change-per-pr")).toEqual([]);
  });

  it("re-prices the base with today's table: a plan against itself costs nothing more", () => {
    const same = environment(["us-east-1", "eu-west-1"], { base });
    expect(same.cost!.change).toMatchObject({ delta: { baselineUsd: 0, ceilingUsd: 0 }, byRegion: [], large: false, exceeds: false });
  });
});

describe("the reports", () => {
  const plan = environment(["us-east-1", "eu-west-1"]);

  it("terminal: baseline and ceiling per region, the total, the Spot share and the assumptions", () => {
    const text = renderTerminal(plan);
    expect(text).toMatch(/Cost estimate \(USD per month\): \$[\d,]+\/month at desired capacity, \$[\d,]+ with every node pool at its maximum/);
    expect(text).toMatch(/\n  +baseline +ceiling +fixed +usage\n  us-east-1 +\$[\d,]+ +\$[\d,]+/);
    expect(text).toMatch(/\n  total +\$[\d,]+/);
    expect(text).toContain("assumptions (data/cost/usage.json):");
    expect(text).toMatch(/natGatewayGbPerMonth = \d+/);
    expect(text).toContain("unpriced: none");
  });

  it("Markdown: the region table, and the assumptions collapsed", () => {
    const md = renderMarkdown(plan);
    expect(md).toContain("### Cost (monthly estimate, USD)");
    expect(md).toMatch(/\| eu-west-1 \| \$[\d,]+ \| \$[\d,]+ \| \$[\d,]+ \| \$[\d,]+ \|/);
    expect(md).toMatch(/<summary>Assumptions \(\d+\)<\/summary>/);
  });
});
