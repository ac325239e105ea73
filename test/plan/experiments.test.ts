/**
 * resilience.experiments: what the plan says about fault-injection templates, zonal autoshift and
 * Region switch plans, and the plan's CLI refusing a program whose experiment has no brake.
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { engineUrn } from "../../tools/fake-cloud/urn";
import type { PlanDocument, PlanResource, PlanStack } from "../../tools/plan/model";
import { experimentLine, experimentsFigure, experimentsSummary, regionSwitchLine } from "../../tools/plan/experiments";
import { validatePlan } from "../../tools/plan/schema";
import { sharedProdPlan, sharedRun } from "../shared-plan";
import { COMPLIANT_PROGRAM } from "../shared-runs";
// The CLI in this process: the compliant program's spawned run (test/shared-runs.ts) is its end-to-end test.
import { planInProcess } from "./run-in-process";
import { temporaryDirectories } from "./temp-dirs";

function resource(type: string, name: string, region: string, inputs: Record<string, unknown>): PlanResource {
  return { urn: engineUrn("prod", "platform", null, type, name), type, name, custom: true, id: name, parent: null, provider: null, region, protect: false, retainOnDelete: false, ignoreChanges: [], aliases: [], dependsOn: [], inputs, outputs: inputs };
}

const alarm = (region: string, name: string) => `arn:aws:cloudwatch:${region}:123456789012:alarm:prod-${region}-${name}`;
const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";

function regionStack(region: string, stop: unknown[]): Pick<PlanStack, "stack" | "role" | "region" | "resources"> {
  return {
    stack: `prod-${region}`,
    role: "region",
    region,
    resources: [
      resource(TEMPLATE, `${region}-pod-delete`, region, {
        description: "pods deleted",
        stopConditions: stop,
        actions: [{ name: "delete-pods", actionId: "aws:eks:pod-delete", parameters: [{ key: "kubernetesServiceAccount", value: "fis-experiments" }], target: { key: "Pods", value: "service-pods" } }],
        targets: [{ name: "service-pods", resourceType: "aws:eks:pod", selectionMode: "PERCENT(33)", parameters: { namespace: "app" } }],
        logConfiguration: { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: "arn:logs:*" } },
        tags: { Name: `prod-${region}-pod-delete`, experiment: "pod-delete" },
      }),
      resource(TEMPLATE, `${region}-cross-region`, region, {
        stopConditions: [{ source: "aws:cloudwatch:alarm", value: alarm(region, "error-rate") }],
        actions: ["us-west-2", "eu-west-1"].map((other) => ({ name: `cut-${other}`, actionId: "aws:network:route-table-disrupt-cross-region-connectivity", parameters: [{ key: "region", value: other }], target: { key: "Subnets", value: "private-subnets" } })),
        targets: [{ name: "private-subnets", resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceTags: [{ key: "tier", value: "private" }], filters: [{ path: "VpcId", values: ["vpc-1"] }] }],
        tags: { Name: `prod-${region}-cross-region-connectivity`, experiment: "cross-region-connectivity" },
      }),
      resource("aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration", `${region}-alb`, region, {
        resourceArn: `arn:aws:elasticloadbalancing:${region}:123456789012:loadbalancer/app/prod/1`,
        zonalAutoshiftStatus: "ENABLED",
        outcomeAlarms: [{ type: "CLOUDWATCH", alarmIdentifier: alarm(region, "error-rate") }],
        blockingAlarms: [{ type: "CLOUDWATCH", alarmIdentifier: alarm(region, "capacity-headroom") }],
        blockedWindows: ["Fri:16:00-Mon:08:00"],
      }),
    ],
  };
}

describe("experimentsFigure", () => {
  const plan = resource("aws:arcregionswitch/plan:Plan", "switch", "us-east-1", {
    name: "prod-region-switch",
    recoveryApproach: "activeActive",
    regions: ["us-east-1", "eu-west-1"],
    recoveryTimeObjectiveMinutes: 30,
    workflows: [{ workflowTargetAction: "deactivate", steps: [{ name: "approve", executionBlockType: "ManualApproval" }, { name: "routing", executionBlockType: "ArcRoutingControl" }] }],
  });
  const stacks = [
    { stack: "prod", role: "global" as const, region: "us-east-1", resources: [plan] },
    regionStack("eu-west-1", [{ source: "none" }]),
    regionStack("us-east-1", [{ source: "aws:cloudwatch:alarm", value: alarm("us-east-1", "error-rate") }]),
  ];
  const figure = experimentsFigure(stacks, ["us-east-1", "eu-west-1"]);

  it("lists every region's templates with actions, targets and the alarms that stop them, in region order", () => {
    expect(figure.source).toBe("resources");
    expect(figure.regions.map((r) => r.region)).toEqual(["us-east-1", "eu-west-1"]);
    const [podDelete] = figure.regions[0].experiments.filter((e) => e.experiment === "pod-delete");
    expect(podDelete).toMatchObject({
      name: "prod-us-east-1-pod-delete",
      stopConditions: ["prod-us-east-1-error-rate"],
      stoppable: true,
      logged: true,
      actions: [{ name: "delete-pods", actionId: "aws:eks:pod-delete", target: "Pods → service-pods", parameters: { kubernetesServiceAccount: "fis-experiments" } }],
      targets: [{ name: "service-pods", resourceType: "aws:eks:pod", selectionMode: "PERCENT(33)", selectedBy: "parameters namespace=app", filters: [] }],
    });
    const cross = figure.regions[0].experiments.find((e) => e.experiment === "cross-region-connectivity")!;
    expect(cross.targets[0]).toMatchObject({ selectedBy: "tags tier=private", filters: ["VpcId in vpc-1"] });
    expect(cross.logged).toBe(false);
  });

  it("marks a template stopped by nothing, as the experiment-stop-conditions policy does", () => {
    const unstopped = figure.regions[1].experiments.find((e) => e.experiment === "pod-delete")!;
    expect(unstopped).toMatchObject({ stoppable: false, stopConditions: ["none"] });
    expect(experimentLine(unstopped)).toBe("prod-eu-west-1-pod-delete: aws:eks:pod-delete (Pods); stopped by NOTHING (none)");
    expect(experimentsSummary(figure)[1]).toBe("eu-west-1: 2 experiment template(s), 1 WITHOUT an alarm to stop it; zonal autoshift on alb");
  });

  it("names repeated actions once with their count", () => {
    const cross = figure.regions[0].experiments.find((e) => e.experiment === "cross-region-connectivity")!;
    expect(experimentLine(cross)).toBe("prod-us-east-1-cross-region-connectivity: aws:network:route-table-disrupt-cross-region-connectivity ×2 (cut-us-west-2, cut-eu-west-1; Subnets); stopped by prod-us-east-1-error-rate");
  });

  it("reads the autoshift configuration and the Region switch plan", () => {
    expect(figure.regions[0].autoshift).toEqual([{ name: "alb", resource: "loadbalancer/app/prod/1", status: "ENABLED", outcomeAlarms: ["prod-us-east-1-error-rate"], blockingAlarms: ["prod-us-east-1-capacity-headroom"], blockedWindows: ["Fri:16:00-Mon:08:00"], blockedDates: [] }]);
    expect(regionSwitchLine(figure.regionSwitch[0])).toBe("prod-region-switch (activeActive, us-east-1, eu-west-1; RTO 30 min): deactivate: approve (ManualApproval) → routing (ArcRoutingControl)");
  });

  it("says none when the environment declares nothing to rehearse", () => {
    expect(experimentsFigure([{ role: "region", region: "us-east-1", resources: [] }])).toEqual({ source: "none", regions: [], regionSwitch: [] });
  });
});

describe("the plan's CLI on a program whose experiments lose their stop conditions", () => {
  const tempDir = temporaryDirectories();
  let dir: string;
  const program = COMPLIANT_PROGRAM;
  beforeAll(() => {
    dir = tempDir("plan-experiments-");
  });

  it("plans the experiments stopped by alarms with exit 0 and lists them per region in the JSON and the terminal", async () => {
    // The run test/plan/monitoring.test.ts reads too.
    const run = await sharedRun("compliant");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const document = run.document;
    expect(validatePlan(document)).toEqual([]);
    expect(document.resilience.experiments.regions.map((r) => [r.region, r.experiments.map((e) => [e.name, e.stoppable, e.stopConditions])])).toEqual([
      ["us-east-1", [["us-east-1-pod-delete", true, ["us-east-1-errors", "us-east-1-latency"]]]],
      ["eu-west-1", [["eu-west-1-pod-delete", true, ["eu-west-1-errors", "eu-west-1-latency"]]]],
    ]);
    expect(run.stdout).toMatch(/Rehearsal \(fault injection, zonal autoshift, Region switch\)\n {2}us-east-1: 1 experiment template\(s\), each stopped by alarms/);
  }, 120_000);

  it("exits 1 when the stop conditions are removed, naming each template, and shows them unstopped", async () => {
    const config = join(dir, "none.yaml");
    writeFileSync(config, stringify({ config: { "aws:region": "us-east-1", "fixture:experimentStops": "none" } }));
    const run = await planInProcess("--program", program, "--config-file", config, "--json", join(dir, "none.json"));
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const document = JSON.parse(readFileSync(join(dir, "none.json"), "utf8")) as PlanDocument;
    const violations = document.stacks.flatMap((s) => s.violations).filter((v) => v.enforcementLevel === "mandatory");
    expect(violations.map((v) => [v.policy, v.urn?.split("::").pop()]).sort()).toEqual([["experiment-stop-conditions", "eu-west-1-pod-delete"], ["experiment-stop-conditions", "us-east-1-pod-delete"]]);
    expect(document.resilience.experiments.regions.flatMap((r) => r.experiments.map((e) => e.stoppable))).toEqual([false, false]);
    expect(run.stdout).toMatch(/us-east-1-pod-delete: aws:eks:pod-delete \(Pods\); stopped by NOTHING \(none\)/);
  }, 120_000);
});

describe("the prod plan's rehearsal section", () => {
  it("lists every region's experiments with their stop conditions, autoshift on ALB and cluster, the Region switch plan, and the 10× answer; exit 0", async () => {
    const run = await sharedProdPlan();
    expect(run.code, run.stderr).toBe(0);
    const f = run.document.resilience.experiments;
    expect(f.regions.map((r) => r.region)).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    for (const r of f.regions) {
      // No aurora-failover: prod does not opt in to the data-losing failover (platform:faultInjectionDataLoss).
      expect(r.experiments.map((e) => e.experiment).sort()).toEqual(["aurora-switchover", "az-power", "az-power", "az-power", "cross-region-connectivity", "cross-region-connectivity", "node-capacity", "pod-cpu-stress", "pod-delete"]);
      expect(r.experiments.every((e) => e.stoppable && e.logged && e.stopConditions.every((s) => s.startsWith(`prod-${r.region}-`)))).toBe(true);
      expect(r.autoshift.map((a) => [a.name, a.status])).toEqual([["alb", "ENABLED"], ["eks", "ENABLED"]]);
    }
    // The writer fails over only in the primary's AZ experiments: a secondary cluster has no writer.
    const azActions = (region: number) => f.regions[region].experiments.find((e) => e.name === `prod-${f.regions[region].region}-az-power-1`)!.actions.map((a) => a.actionId);
    // Every region's AZ experiments shift the ALB's and the cluster's traffic away (zonal autoshift is on).
    expect(azActions(0)).toEqual(["aws:network:disrupt-connectivity", "aws:ec2:terminate-instances", "aws:ec2:asg-insufficient-instance-capacity-error", "aws:arc:start-zonal-autoshift", "aws:rds:failover-db-cluster"]);
    expect(azActions(1)).toEqual(["aws:network:disrupt-connectivity", "aws:ec2:terminate-instances", "aws:ec2:asg-insufficient-instance-capacity-error", "aws:arc:start-zonal-autoshift"]);
    // Two regions per plan (ARC's CreatePlan): a plan per region of prod, each paired with the next.
    expect(f.regionSwitch.map((p) => [p.name, p.regions, p.workflows.map((w) => w.action)]).sort()).toEqual([
      ["prod-switch-eu-west-1", ["eu-west-1", "us-east-1"], ["activate", "deactivate"]],
      ["prod-switch-us-east-1", ["us-east-1", "us-west-2"], ["activate", "deactivate"]],
      ["prod-switch-us-west-2", ["us-west-2", "eu-west-1"], ["activate", "deactivate"]],
    ]);
    expect(run.document.resilience.capacity.load).toMatchObject({ multiplier: 10, peakNodes: 36, requiredNodes: 360, maxNodes: 72, maximumAllows: false, firstToFail: { limit: "node-pool-maximum", atMultiple: 2 } });
    expect(run.stdout).toMatch(/ {2}us-west-2: 9 experiment template\(s\), each stopped by alarms; zonal autoshift on alb \+ eks/);
    expect(run.stdout).toMatch(/load ×10 +10× today's peak \(36 nodes\) needs 360 nodes/);
  }, 180_000);

  it("deploys what AWS accepts and FIS can run: one outcome and one blocking alarm per practice run, pod actions under the restricted profile on writable containers, one cross-region template per other region, capacity errors only for this node pool", async () => {
    const run = await sharedProdPlan();
    for (const r of run.document.resilience.experiments.regions) {
      // CreatePracticeRunConfiguration: outcomeAlarms and blockingAlarms hold exactly one item.
      for (const a of r.autoshift) {
        expect(a.outcomeAlarms).toEqual([`prod-${r.region}-region-impaired`]);
        expect(a.blockingAlarms).toEqual([`prod-${r.region}-zonal-shift-unsafe`]);
      }
      expect(r.experiments.filter((e) => e.experiment === "cross-region-connectivity").map((e) => e.actions.length)).toEqual([1, 1]);
    }
    const stack = run.document.stacks.find((st) => st.stack === "prod-us-west-2")!;
    const templates = stack.resources.filter((x) => x.type === "aws:fis/experimentTemplate:ExperimentTemplate");
    const podActions = templates.flatMap((t) => (t.inputs.actions as { actionId: string; parameters?: { key: string; value: string }[] }[]).filter((a) => a.actionId === "aws:eks:pod-delete" || a.actionId === "aws:eks:pod-cpu-stress"));
    expect(podActions).toHaveLength(2);
    for (const a of podActions) expect(a.parameters).toContainEqual({ key: "fisPodSecurityPolicy", value: "restricted" });
    // FIS follows pod actions only on containers with a writable root filesystem.
    const deployment = stack.resources.find((x) => x.type === "kubernetes:apps/v1:Deployment")!;
    const containers = (deployment.inputs.spec as { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } }).template.spec.containers;
    expect(containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: false, runAsNonRoot: true, allowPrivilegeEscalation: false });
    const fisPolicy = stack.resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy").map((x) => String(x.inputs.policy)).find((p) => p.includes("ec2:InjectApiError"))!;
    expect(JSON.parse(fisPolicy).Statement.find((st: { Sid: string }) => st.Sid === "InjectCapacityErrors").Condition["ForAllValues:ArnEquals"]["ec2:FisTargetArns"]).toEqual([expect.stringMatching(/^arn:aws:autoscaling:us-west-2:/)]);
    // The AZ's nodes are terminated (Spot nodes cannot be stopped), only this cluster's, and nothing starts them again.
    const fisStatements = JSON.parse(fisPolicy).Statement as { Sid: string; Action: string | string[]; Condition?: unknown }[];
    expect(fisStatements.find((st) => st.Sid === "TerminateThisClustersNodes")).toMatchObject({ Action: "ec2:TerminateInstances", Condition: { StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/prod-us-west-2": "owned" } } });
    expect(fisStatements.flatMap((st) => [st.Action].flat()).filter((a) => /^ec2:(Stop|Start)Instances$|^kms:CreateGrant$/.test(a))).toEqual([]);
    // Region switch scales the service through the AWS-managed access policy, in its namespace only.
    const association = stack.resources.find((x) => x.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation" && String(x.inputs.policyArn).endsWith("/AmazonARCRegionSwitchScalingPolicy"))!;
    expect(association.inputs.accessScope).toEqual({ type: "namespace", namespaces: ["app"] });
    const global = run.document.stacks.find((st) => st.stack === "prod")!;
    const switchPolicy = global.resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy").map((x) => String(x.inputs.policy)).find((p) => p.includes("eks:ListAssociatedAccessPolicies"))!;
    expect(JSON.parse(switchPolicy).Statement.find((st: { Sid: string }) => st.Sid === "CheckClusterAccess").Resource).toContainEqual(expect.stringMatching(/^arn:aws:eks:us-west-2:\d+:access-entry\/prod-us-west-2\/\*$/));
    // The role's baseline: the plan checks its own permissions with the simulator and reads itself.
    const switchRole = global.resources.find((x) => x.type === "aws:iam/role:Role" && x.name === "prod-region-switch")!;
    const statements = JSON.parse(switchPolicy).Statement as { Sid: string; Action: string[]; Resource: unknown }[];
    expect(statements.find((st) => st.Sid === "CheckOwnPermissions")).toMatchObject({ Action: ["iam:SimulatePrincipalPolicy"], Resource: switchRole.outputs.arn });
    expect(statements.find((st) => st.Sid === "ReadThePlan")!.Action).toEqual(["arc-region-switch:GetPlan", "arc-region-switch:GetPlanExecution", "arc-region-switch:ListPlanExecutions"]);
    // ARC takes two regions per plan: prod's three regions get a plan each, paired with the next region.
    const plans = global.resources.filter((x) => x.type === "aws:arcregionswitch/plan:Plan");
    expect(plans.map((x) => [x.inputs.name, x.inputs.regions]).sort()).toEqual([
      ["prod-switch-eu-west-1", ["eu-west-1", "us-east-1"]],
      ["prod-switch-us-east-1", ["us-east-1", "us-west-2"]],
      ["prod-switch-us-west-2", ["us-west-2", "eu-west-1"]],
    ]);
    // No primary region (optional for active/active; UpdatePlan cannot change it, so an older plan that has one is replaced, delete-first).
    for (const p of plans) {
      expect(p.inputs).not.toHaveProperty("primaryRegion");
      expect(p).toMatchObject({ replaceOnChanges: ["primaryRegion"], deleteBeforeReplace: true });
      expect(p.ignoreChanges ?? []).toEqual([]);
    }
    // Traffic only: no execution moves the Aurora writer behind writer.<zone>'s records, which follow platform:regions.
    const plan = plans[0];
    const blocks = (plan.inputs.workflows as { workflowTargetAction: string; steps: { executionBlockType: string }[] }[]).map((w) => [w.workflowTargetAction, w.steps.map((st) => st.executionBlockType)]);
    expect(blocks).toEqual([["activate", ["ManualApproval", "EKSResourceScaling", "ARCRoutingControl"]], ["deactivate", ["ManualApproval", "ARCRoutingControl"]]]);
    expect(statements.flatMap((st) => st.Action).filter((a) => a.startsWith("rds:"))).toEqual([]);
  }, 180_000);
});
