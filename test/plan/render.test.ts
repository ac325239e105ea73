import { describe, expect, it } from "vitest";
import { renderDot, renderSvg } from "../../tools/plan/diagram";
import { diffPlans } from "../../tools/plan/diff";
import { renderMarkdown } from "../../tools/plan/markdown";
import type { PlanDocument } from "../../tools/plan/model";
import { progressReporter, renderTerminal } from "../../tools/plan/terminal";
import { auroraCluster, network, planOf, planStack, resource } from "./resources";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];

/** Everything the design puts in an environment, so every part of the diagram has something to draw. */
function fullEnvironment(regions = REGIONS): PlanDocument {
  const g = { stack: "prod" };
  const global = planStack("prod", "global", "us-east-1", [
    resource("aws:route53/zone:Zone", "zone", { name: "prod.example.com" }, { ...g, id: "Z123" }),
    resource("aws:rds/globalCluster:GlobalCluster", "global-db", { globalClusterIdentifier: "prod-global", engine: "aurora-postgresql" }, g),
    resource("aws:route53recoverycontrol/cluster:Cluster", "arc", { name: "prod" }, { ...g, region: null }),
    resource("aws:route53recoverycontrol/controlPanel:ControlPanel", "panel", { name: "prod" }, { ...g, region: null }),
    ...regions.map((r) => resource("aws:route53recoverycontrol/routingControl:RoutingControl", `rc-${r}`, { name: r }, { ...g, region: null })),
  ]);
  const regional = regions.map((region, i) => {
    const stack = `prod-${region}`;
    const o = { stack, region };
    const subnets = ["a", "b", "c"].map((s) => `subnet-${stack}-${s}`);
    return planStack(stack, "region", region, [
      ...network(stack, region, ["a", "b", "c"], ["a", "b", "c"], stack),
      resource("aws:eks/cluster:Cluster", `${stack}-eks`, { version: "1.34" }, o),
      resource("aws:autoscaling/group:Group", `${stack}-nodes`, { minSize: 6, maxSize: 24, vpcZoneIdentifiers: subnets }, o),
      resource("aws:lb/loadBalancer:LoadBalancer", `${stack}-alb`, { subnets }, o),
      resource("aws:route53/healthCheck:HealthCheck", `${stack}-hc`, { type: "HTTPS", requestInterval: 10, failureThreshold: 3 }, { ...o, id: `hc-${region}` }),
      resource("aws:route53/record:Record", `${stack}-app`, { name: "app.prod.example.com", type: "A", setIdentifier: region, latencyRoutingPolicies: [{ region }], healthCheckId: `hc-${region}`, aliases: [{ name: "alb", zoneId: "Z1", evaluateTargetHealth: true }] }, o),
      ...auroraCluster(`${stack}-db`, region, i === 0 ? "primary" : "secondary", ["a", "b", "c"], stack),
    ]);
  });
  return planOf("prod", [global, ...regional], { regions, healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 3, failoverBudgetSeconds: 120, globalPeakNodes: 36 });
}

describe("the topology diagram", () => {
  const plan = fullEnvironment();

  it("draws each region as a cluster with its AZs, compute, DNS and database member", () => {
    const dot = renderDot(plan);
    for (const [i, region] of REGIONS.entries()) {
      expect(dot).toContain(`subgraph cluster_r${i} {`);
      expect(dot).toContain(`label="${region}${i === 0 ? " (primary)" : ""}"`);
      for (const az of ["a", "b", "c"]) expect(dot).toContain(`"${region}${az}\\n1 subnet\\n1 NAT gateway\\n1 DB instance"`);
    }
    for (const part of ["EKS cluster", "node pool (ASG)", "6–24 nodes", "ALB", "health check", "DNS records", "Aurora\\nprimary ×3", "Aurora\\nsecondary ×3", "Route 53 hosted zone\\nprod.example.com", "Aurora global cluster", "Route 53 ARC"]) {
      expect(dot).toContain(part);
    }
    expect(dot.match(/label="member"/g)).toHaveLength(3);
  });

  it("lays the regions out side by side under the global pieces", async () => {
    const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
    const layout = JSON.parse((await Graphviz.load()).dot(renderDot(plan), "json")) as { objects: { name: string; bb?: string }[] };
    const box = (name: string) => layout.objects.find((o) => o.name === name)!.bb!.split(",").map(Number);
    const [r0, r1, r2, global] = ["cluster_r0", "cluster_r1", "cluster_r2", "cluster_global"].map(box);
    // bb = llx,lly,urx,ury with y growing upwards.
    expect(r0[2]).toBeLessThan(r1[0]);
    expect(r1[2]).toBeLessThan(r2[0]);
    expect(Math.abs(r0[3] - r1[3])).toBeLessThan(1);
    expect(global[1]).toBeGreaterThan(r0[3]);
  });

  it("degrades to what exists: a network-only plan draws regions and AZs, no database", async () => {
    const bare = planOf("dev", [planStack("dev-us-east-1", "region", "us-east-1", network("dev", "us-east-1", ["a", "b"], ["a"], "dev-us-east-1"))]);
    const dot = renderDot(bare);
    expect(dot).toContain('"us-east-1a\\n1 subnet\\n1 NAT gateway"');
    expect(dot).not.toContain("Aurora");
    const svg = await renderSvg(dot);
    // Graphviz writes "-" in SVG text as "&#45;".
    expect(svg.replace(/&#45;/g, "-")).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*>us-east-1b<[\s\S]*<\/svg>\s*$/);
  });
});

describe("the reports", () => {
  const base = fullEnvironment();
  const current = fullEnvironment(["us-east-1", "us-west-2"]);
  const diff = diffPlans(base, current);

  it("the PR comment has the summary table, resilience, the diff with its data-loss risk, and collapsed stacks", () => {
    const md = renderMarkdown(current, diff, "base.json");
    expect(md).toMatch(/\| `prod-us-east-1` \| region us-east-1, primary \| \d+ \| \d+ \| \d+ \|/);
    expect(md).toContain("| DNS failover | worst case 108 s = 3 failed checks × (10 s + 6 s timeout) + 60 s TTL; detection 48 s, within the 120 s budget |");
    expect(md).toContain("### Diff against base.json");
    expect(md).toContain("- regions removed: eu-west-1");
    expect(md).toMatch(/\*\*DATA-LOSS RISK: aws:rds\/cluster:Cluster prod-eu-west-1-db \(stack prod-eu-west-1\) would be DELETED/);
    expect(md.match(/<details>/g)!.length).toBeGreaterThanOrEqual(current.stacks.length + 1);
  });

  it("the terminal summary names each stack, the resilience figures and the verdict", () => {
    const text = renderTerminal(current, diff, "base.json");
    expect(text).toContain("prod-us-west-2  (region us-west-2, secondary)");
    expect(text).toMatch(/capacity +losing us-east-1 \(24 nodes max\) leaves 24 nodes for a peak of 36: NOT ENOUGH/);
    expect(text).toContain("DATA-LOSS RISK");
    expect(text).toMatch(/Result: (planned|BLOCKED)/);
  });
});

describe("progress", () => {
  it("notes the resources a stack imports by id: only a real preview reads them", () => {
    const lines: string[] = [];
    const progress = progressReporter((line) => lines.push(line));
    const created = resource("aws:s3/bucket:Bucket", "fresh");
    const adopted = { ...resource("aws:s3/bucket:Bucket", "logs", {}, { id: "dev-logs" }), importId: "dev-logs" };
    progress.finished({ stack: "dev" }, { resources: [created, adopted], milliseconds: 1200 });
    expect(lines).toEqual([
      "planned  dev: 2 resources in 1.2 s",
      "note: dev: 1 resource(s) are imported by id, not created (logs (dev-logs)): `pulumi preview` reads each from the provider and fails if it does not exist; the plan shows the program's inputs, not what is there",
    ]);
    lines.length = 0;
    progress.finished({ stack: "dev" }, { resources: [created], milliseconds: 1200 });
    expect(lines).toEqual(["planned  dev: 1 resources in 1.2 s"]);
  });
});
