/**
 * `--diff` end to end: a variant of prod planned through the plan's API, compared with prod's plan
 * JSON as the CLI compares a --diff base (the run's shared `npm run plan` of prod, read back from
 * its JSON). The replacement sets and cause chains are what a real preview of these changes gives;
 * resources are found by type and name, never by URN. One plan of its own only: CPU is shared.
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { parse, stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { planJson } from "../../tools/plan/cli";
import { diffLines } from "../../tools/plan/describe";
import { diffPlans, PlanDiff } from "../../tools/plan/diff";
import { PROJECT_ROOT, resolveEnvironment } from "../../tools/plan/inputs";
import type { PlanDocument } from "../../tools/plan/model";
import { plan } from "../../tools/plan/plan";
import { describeChain } from "../../tools/plan/replacement/cascade";
import { ruleOf, needsRule } from "../../tools/plan/replacement/table";
import { validatePlan } from "../../tools/plan/schema";
import { sharedProdPlan } from "../shared-plan";
import { temporaryDirectories } from "./temp-dirs";

const tempDir = temporaryDirectories();

function variant(dir: string, name: string, change: (config: Record<string, unknown>) => void): string {
  const file = join(dir, `${name}.yaml`);
  const doc = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
  change(doc.config);
  writeFileSync(file, stringify(doc));
  return file;
}

const planOf = (configFile: string) => plan(resolveEnvironment({ env: "prod", envGiven: true, configFile }));

function action(diff: PlanDiff, type: string, name: string) {
  return diff.actions.find((a) => a.type === type && a.name === name);
}
const replaced = (diff: PlanDiff, stack: string) =>
  diff.actions.filter((a) => a.stack === stack && a.action === "replace").map((a) => `${a.type.split(":").pop()} ${a.name}`).sort();

let base: PlanDocument;
let changed: PlanDocument;
let diff: PlanDiff;

beforeAll(async () => {
  const dir = tempDir("diff-scenarios-");
  // Independent changes in one variant (two plans in all): each test looks at its own part.
  changed = await planOf(variant(dir, "changed", (c) => {
    (c["platform:vpcCidrs"] as string[])[1] = "10.21.0.0/16"; // us-west-2
    c["platform:kubernetesVersion"] = "1.35";
    c["platform:dnsZoneName"] = "prod2.example.com";
    c["platform:azCount"] = 2;
  }));
  // The base as `--diff prod.json` reads it: the plan JSON of prod, without in-memory marks
  // (planned in its own process meanwhile, test/global-setup.ts).
  base = (await sharedProdPlan()).document;
  diff = diffPlans(base, changed);
}, 180_000);

describe("a VPC CIDR change in one region", () => {
  it("replaces the region's VPC and what hangs off it, with cause chains back to the CIDR", () => {
    const west = replaced(diff, "prod-us-west-2");
    expect(west).toContain("Vpc prod-us-west-2-vpc");
    for (const t of ["Subnet", "RouteTable", "RouteTableAssociation", "NatGateway", "SecurityGroup", "TargetGroup", "VpcEndpoint", "FlowLog", "Route"]) {
      expect(west.some((r) => r.startsWith(`${t} `)), t).toBe(true);
    }
    const rule = diff.actions.find((a) => a.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && a.stack === "prod-us-west-2" && a.action === "replace")!;
    expect(describeChain(rule.chain)).toMatch(/^Vpc prod-us-west-2-vpc replaced \(cidrBlock\) → SecurityGroup \S+ replaced \(vpcId\) → SecurityGroupIngressRule \S+ replaced \(securityGroupId\)$/);
    // The other regions' networks are untouched by it.
    expect(replaced(diff, "prod-us-east-1").filter((r) => /^(Vpc|Subnet|SecurityGroup) /.test(r))).toEqual([]);
  });

  it("replaces the TargetGroupBinding, whose replaceOnChanges covers the new target group's ARN", () => {
    // components/service.ts: replaceOnChanges ["spec.targetGroupARN", "spec.targetType"]; the engine
    // applies it to the provider's diff path spec.targetGroupARN (applyReplaceOnChanges).
    const binding = action(diff, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "prod-us-west-2-binding")!;
    expect(binding).toMatchObject({ action: "replace", because: ["spec.targetGroupARN"], cascade: true });
    expect(describeChain(binding.chain)).toMatch(/^Vpc prod-us-west-2-vpc replaced \(cidrBlock\) → TargetGroup \S+ replaced \(vpcId\) → TargetGroupBinding prod-us-west-2-binding replaced \(spec.targetGroupARN\)$/);
    expect(action(diff, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "prod-us-east-1-binding")).toBeUndefined();
  });

  it("updates the EKS cluster and the DB subnet group in place, which AWS refuses across VPCs", () => {
    expect(action(diff, "aws:eks/cluster:Cluster", "prod-us-west-2-cluster")).toMatchObject({ action: "update", because: expect.arrayContaining(["vpcConfig.subnetIds", "version"]) });
    expect(action(diff, "aws:rds/cluster:Cluster", "prod-us-west-2-cluster")?.action).toBe("update");
    expect(diff.refusals.map((r) => `${r.type} ${r.name}`).sort()).toEqual(["aws:eks/cluster:Cluster prod-us-west-2-cluster", "aws:rds/subnetGroup:SubnetGroup prod-us-west-2-subnets"]);
  });
});

describe("a Kubernetes upgrade", () => {
  it("upgrades every region's control plane in place", () => {
    for (const region of ["us-east-1", "us-west-2", "eu-west-1"]) {
      expect(action(diff, "aws:eks/cluster:Cluster", `prod-${region}-cluster`)?.action).toBe("update");
    }
    expect(action(diff, "aws:eks/cluster:Cluster", "prod-us-east-1-cluster")?.because).toEqual(expect.arrayContaining(["version"]));
    expect(diff.hazards.find((h) => h.kind === "kubernetes-upgrade")?.runbook).toBe("docs/runbooks/upgrade-kubernetes.md");
  });
});

describe("a zone rename", () => {
  it("replaces the protected zone and, across stacks, every record in it", () => {
    expect(action(diff, "aws:route53/zone:Zone", "prod-zone")).toMatchObject({ action: "replace", protect: true, because: ["name"] });
    for (const region of ["us-east-1", "us-west-2", "eu-west-1"]) {
      const record = action(diff, "aws:route53/record:Record", `prod-${region}-app`)!;
      expect(record.action).toBe("replace");
      expect(record.because).toEqual(expect.arrayContaining(["zoneId"]));
    }
    expect(diff.dataLossRisks).toContainEqual(expect.objectContaining({ type: "aws:route53/zone:Zone", change: "replaced", protect: true }));
    expect(diffLines(diff)).toContainEqual(expect.stringMatching(/^PROTECTED: `pulumi up` stops at aws:route53\/zone:Zone prod-zone/));
  });
});

describe("fewer AZs", () => {
  it("replaces the third AZ's Aurora instance and shrinks the EKS subnets in place without a refusal", () => {
    expect(action(diff, "aws:rds/clusterInstance:ClusterInstance", "prod-us-east-1-3")).toMatchObject({ action: "replace", because: ["availabilityZone"] });
    expect(action(diff, "aws:eks/cluster:Cluster", "prod-us-east-1-cluster")?.action).toBe("update");
    expect(diff.refusals.filter((r) => r.stack === "prod-us-east-1")).toEqual([]);
    expect(diff.actions.filter((a) => a.action === "delete" && a.type === "aws:ec2/subnet:Subnet").length).toBe(3 * 3);
    expect(diff.hazards.map((h) => h.kind).sort()).toEqual(["az-count-change", "eks-control-plane-zones", "kubernetes-upgrade", "vpc-cidr-change", "zone-rename"]);
    expect(diff.hazards.find((h) => h.kind === "eks-control-plane-zones")?.severity).toBe("notice");
  });
});

describe("the diff section", () => {
  it("is valid plan JSON", () => {
    expect(validatePlan(planJson(changed, diff))).toEqual([]);
  });
});

describe("the replacement table", () => {
  it("has an entry for every resource type these plans hold", () => {
    const missing = [base, changed]
      .flatMap((p) => p.stacks.flatMap((s) => s.resources))
      .filter((r) => needsRule(r.type, r.custom) && !ruleOf(r.type))
      .map((r) => r.type);
    expect([...new Set(missing)], "regenerate it: npm run replacement-table (docs/plan.md)").toEqual([]);
  });
});
