import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type * as inputs from "@pulumi/aws/types/input";
import { REGION_SWITCH_PLAN_REGIONS } from "../lib/failover";
import { IAM_ROLE_NAME_MAX_LENGTH, physicalName } from "../lib/names";
import { serviceTrust } from "./permissions";

type Workflow = inputs.arcregionswitch.PlanWorkflow;
type Step = inputs.arcregionswitch.PlanWorkflowStep;

/** Kubernetes group of the Region switch execution role's access entry in every cluster. */

export interface RegionSwitchPlanInputs {
  regions: string[];
  /** Routing control of each region (GlobalTraffic): the plan flips these. */
  routingControlArns: Record<string, pulumi.Input<string>>;
  /** Each region's EKS cluster. */
  eksClusterArns: Record<string, pulumi.Input<string>>;
  /** The Deployment (and its autoscaler) scaled before traffic arrives. */
  service: { namespace: string; deployment: string; hpa: string };
  /** Role whose principals approve an execution; none = no approval step. */
  approvalRoleArn?: pulumi.Input<string>;
}

/** Names of the workflow steps, in order (the plan report and the runbooks refer to them). */
export const REGION_SWITCH_STEPS = {
  activate: ["approve", "scale-service", "route-traffic-in"],
  deactivate: ["approve", "route-traffic-out"],
} as const;

/**
 * The plan's two workflows (active/active: one to activate a region, one to deactivate it), the
 * steps the runbooks describe in prose:
 *
 * - activate R: approve → scale the service in the regions first (EKS, up to the last day's
 *   peak) → turn R's routing control On.
 * - deactivate R: approve → turn R's routing control Off (Route 53 stops answering with R).
 *
 * Traffic only: the plan never moves the Aurora writer. Where writes go is the environment's
 * configuration (`platform:regions`' first region: the failover records of `writer.<zone>` and
 * each region's database role follow it), so a writer moved by an execution behind it would
 * leave `writer.<zone>` on a region whose database had turned read-only, and an "activate" of a
 * secondary would move the writer without anyone asking. Writer moves go through the switchover
 * and failover runbooks, which move the records with it; so never deactivate the writer's region
 * with the plan (its writer.<zone> record follows the routing control too): switch over first.
 * The safety rule of the routing controls
 * (at least one On) still holds: the plan changes states through the same cluster.
 */
export function regionSwitchWorkflows(p: RegionSwitchPlanInputs): Workflow[] {
  const approve: Step[] = p.approvalRoleArn !== undefined
    ? [{ name: "approve", executionBlockType: "ManualApproval", description: "An operator approves before anything changes.", executionApprovalConfigs: [{ approvalRole: p.approvalRoleArn, timeoutMinutes: 60 }] }]
    : [];
  const routing = (state: "On" | "Off"): Step["arcRoutingControlConfigs"] => [{
    timeoutMinutes: 10,
    regionAndRoutingControls: p.regions.map((region) => ({ region, routingControls: [{ routingControlArn: p.routingControlArns[region], state }] })),
  }];
  const activate: Step[] = [
    ...approve,
    {
      name: "scale-service",
      executionBlockType: "EKSResourceScaling",
      description: "Scale the service to the last day's peak before traffic arrives.",
      eksResourceScalingConfigs: [{
        capacityMonitoringApproach: "sampledMaxInLast24Hours",
        targetPercent: 100,
        timeoutMinutes: 30,
        eksClusters: p.regions.map((region) => ({ clusterArn: p.eksClusterArns[region] })),
        kubernetesResourceTypes: [{ apiVersion: "apps/v1", kind: "Deployment" }],
        scalingResources: [{
          namespace: p.service.namespace,
          resources: p.regions.map((region) => ({ resourceName: region, name: p.service.deployment, namespace: p.service.namespace, hpaName: p.service.hpa })),
        }],
      }],
    },
    { name: "route-traffic-in", executionBlockType: "ARCRoutingControl", description: "Turn the region's routing control On: Route 53 answers with it.", arcRoutingControlConfigs: routing("On") },
  ];
  const deactivate: Step[] = [
    ...approve,
    { name: "route-traffic-out", executionBlockType: "ARCRoutingControl", description: "Turn the region's routing control Off: Route 53 stops answering with it.", arcRoutingControlConfigs: routing("Off") },
  ];
  return [
    { workflowTargetAction: "activate", workflowDescription: "Bring a region into service (traffic; the Aurora writer stays where it is).", steps: activate },
    { workflowTargetAction: "deactivate", workflowDescription: "Take a region out of DNS; it keeps running.", steps: deactivate },
  ];
}

/** A plan's name: 1 to 32 letters, digits and hyphens (CreatePlan `name`). */
const PLAN_NAME_MAX_LENGTH = 32;

export interface RegionSwitchPlanShape {
  /** The plan's name in ARC. */
  name: string;
  /** Suffix of its resources' logical names ("" for the only plan of a two-region environment). */
  suffix: string;
  /** Its two regions, the region it is for first. */
  regions: [string, string];
}

/**
 * The environment's Region switch plans. A plan spans exactly two regions (CreatePlan refuses any
 * other number), so two regions get one plan (`<env>-region-switch`), and more regions one plan
 * each (`<env>-switch-<region>`), paired with the next region in platform:regions (the last with
 * the first): an operator evacuating or bringing back region R executes R's plan, and every region
 * is in a plan. A routing control flip moves only R's traffic: Route 53 spreads it over every
 * region still On, the paired one included, whichever that is.
 */
export function regionSwitchPlans(environment: string, regions: readonly string[]): RegionSwitchPlanShape[] {
  if (regions.length < REGION_SWITCH_PLAN_REGIONS) return [];
  if (regions.length === REGION_SWITCH_PLAN_REGIONS) return [{ name: planName(environment, "-region-switch"), suffix: "", regions: [regions[0], regions[1]] }];
  return regions.map((region, i) => ({ name: planName(environment, `-switch-${region}`), suffix: `-${region}`, regions: [region, regions[(i + 1) % regions.length]] }));
}

/**
 * A name ARC accepts (at most 32 characters): the environment's part is shortened, with a hash of
 * it, when the whole is longer; the part that names the region stays, as operators look for it.
 */
function planName(environment: string, suffix: string): string {
  if (environment.length + suffix.length <= PLAN_NAME_MAX_LENGTH) return `${environment}${suffix}`;
  const hash = createHash("sha256").update(environment).digest("hex").slice(0, 6);
  const kept = environment.slice(0, Math.max(0, PLAN_NAME_MAX_LENGTH - suffix.length - hash.length - 1)).replace(/-+$/, "");
  return `${kept ? `${kept}-` : ""}${hash}${suffix}`;
}

/** What the execution role may do: the steps above, on this environment's resources only. */
export function regionSwitchRolePolicy(s: { partition: string; accountId: string; roleArn: string; routingControlArns: string[]; eksClusterArns: string[] }): object {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "FlipRoutingControls", Effect: "Allow", Action: ["route53-recovery-cluster:GetRoutingControlState", "route53-recovery-cluster:UpdateRoutingControlState", "route53-recovery-cluster:UpdateRoutingControlStates", "route53-recovery-control-config:DescribeRoutingControl"], Resource: s.routingControlArns },
      { Sid: "FindClusterEndpoints", Effect: "Allow", Action: ["route53-recovery-control-config:DescribeCluster", "route53-recovery-control-config:DescribeControlPanel"], Resource: "*" },
      // The baseline of every plan's role (ARC developer guide, plan execution role permissions):
      // the plan checks its blocks' permissions with the policy simulator, and reads itself.
      { Sid: "CheckOwnPermissions", Effect: "Allow", Action: ["iam:SimulatePrincipalPolicy"], Resource: s.roleArn },
      // Read-only, on any plan, as AWS's baseline for a plan's role gives it (the plan's ARN ends
      // in an id AWS assigns: plan/<name>:<id>).
      { Sid: "ReadThePlan", Effect: "Allow", Action: ["arc-region-switch:GetPlan", "arc-region-switch:GetPlanExecution", "arc-region-switch:ListPlanExecutions"], Resource: "*" },
      { Sid: "ScaleTheService", Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: s.eksClusterArns },
      // ARC reads the role's access policies on each cluster (AmazonARCRegionSwitchScalingPolicy).
      { Sid: "CheckClusterAccess", Effect: "Allow", Action: ["eks:ListAssociatedAccessPolicies"], Resource: s.eksClusterArns.map((arn) => `${arn.replace(":cluster/", ":access-entry/")}/*`) },
      { Sid: "ReadPeakCapacity", Effect: "Allow", Action: ["cloudwatch:GetMetricData", "cloudwatch:DescribeAlarms"], Resource: "*" },
    ],
  };
}

export interface RegionSwitchArgs extends Omit<RegionSwitchPlanInputs, "eksClusterArns"> {
  environment: string;
  /**
   * Each region's EKS cluster, by name: the plan lives in the global stack, which deploys before
   * the regions create them, and the ARNs follow from these.
   */
  eksClusterNames: Record<string, string>;
  /** Recovery time objective shown beside each execution's actual time. */
  recoveryTimeObjectiveMinutes: number;
  tags?: Record<string, string>;
}

/**
 * ARC Region switch: plans that evacuate or bring back a region as an ordered, approvable
 * execution, beside the routing controls they flip (one plan for two regions, one per region for
 * more: `regionSwitchPlans`). Lives in the global stack (the plans span regions); the plans share
 * one execution role, which each regional stack gives its access to the cluster
 * (`RegionSwitchAccess`).
 */
export class RegionSwitch extends pulumi.ComponentResource {
  /** Each plan's ARN, by plan name. */
  readonly planArns: Record<string, pulumi.Output<string>>;
  readonly planNames: string[];
  readonly executionRoleArn: pulumi.Output<string>;
  /** Each plan's workflows, by plan name. */
  readonly workflows: Record<string, Workflow[]>;

  constructor(name: string, args: RegionSwitchArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.regions.length < REGION_SWITCH_PLAN_REGIONS) throw new RangeError(`${name}: a Region switch plan needs 2 regions (got ${args.regions.length})`);
    const missing = args.regions.filter((r) => args.routingControlArns[r] === undefined || args.eksClusterNames[r] === undefined);
    if (missing.length) throw new RangeError(`${name}: no routing control or cluster for ${missing.join(", ")}: the plans cover every region`);
    if (!(Number.isInteger(args.recoveryTimeObjectiveMinutes) && args.recoveryTimeObjectiveMinutes >= 1)) throw new RangeError(`${name}: recoveryTimeObjectiveMinutes must be a whole number of minutes >= 1`);
    super("platform:chaos:RegionSwitch", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags ?? {};
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const roleName = physicalName(`${name}-region-switch`, IAM_ROLE_NAME_MAX_LENGTH);
    const role = new aws.iam.Role(`${name}-region-switch`, {
      ...(roleName ? { name: roleName } : {}),
      description: `ARC Region switch plans of ${args.environment}`,
      assumeRolePolicy: accountId.apply((account) => JSON.stringify(serviceTrust("arc-region-switch.amazonaws.com", account))),
      tags,
    }, parent);
    const byRegion = (arn: (region: string) => pulumi.Output<string>) => Object.fromEntries(args.regions.map((r) => [r, arn(r)]));
    const eksClusterArns = byRegion((r) => pulumi.interpolate`arn:${partition}:eks:${r}:${accountId}:cluster/${args.eksClusterNames[r]}`);
    const ordered = (record: Record<string, pulumi.Input<string>>) => pulumi.all(args.regions.map((r) => record[r]));
    const policy = new aws.iam.RolePolicy(`${name}-region-switch`, {
      role: role.id,
      policy: pulumi.all([partition, accountId, role.arn, ordered(args.routingControlArns), ordered(eksClusterArns)])
        .apply(([p, account, roleArn, routingControlArns, eksClusterArns]) =>
          JSON.stringify(regionSwitchRolePolicy({ partition: p, accountId: account, roleArn, routingControlArns, eksClusterArns }))),
    }, parent);
    this.planArns = {};
    this.workflows = {};
    const shapes = regionSwitchPlans(args.environment, args.regions);
    this.planNames = shapes.map((shape) => shape.name);
    for (const shape of shapes) {
      const workflows = regionSwitchWorkflows({ ...args, regions: shape.regions, eksClusterArns });
      const plan = new aws.arcregionswitch.Plan(`${name}-region-switch${shape.suffix}`, {
        name: shape.name,
        description: shapes.length === 1
          ? `Evacuate or bring back a region of ${args.environment} (traffic; the writer moves by runbook)`
          : `Evacuate or bring back ${shape.regions[0]} of ${args.environment} (traffic; the writer moves by runbook)`,
        executionRole: role.arn,
        recoveryApproach: "activeActive",
        regions: shape.regions,
        recoveryTimeObjectiveMinutes: args.recoveryTimeObjectiveMinutes,
        workflows,
        tags,
        // No primaryRegion: optional for an active/active plan, and UpdatePlan cannot change it.
      }, {
        parent: this,
        // The plan is evaluated with its role: the permissions must be in place first.
        dependsOn: [policy],
        // A plan created with a primary region (before this version) is replaced once without it:
        // UpdatePlan cannot drop it, and ignoring the change would carry it into the next
        // replacement (new regions), where it may be no region of the plan.
        replaceOnChanges: ["primaryRegion"],
        // Replaced under the same name: the old plan goes first.
        deleteBeforeReplace: true,
      });
      this.planArns[shape.name] = plan.arn;
      this.workflows[shape.name] = workflows;
    }
    this.executionRoleArn = role.arn;
    this.registerOutputs({ planArns: this.planArns, executionRoleArn: this.executionRoleArn });
  }
}

export interface RegionSwitchAccessArgs {
  clusterName: pulumi.Input<string>;
  /** The plan's execution role (the global stack's output). */
  executionRoleArn: pulumi.Input<string>;
  /** Where the scaled Deployment and its autoscaler live. */
  namespace: string;
}

/** The EKS access policy Region switch's EKS scaling step requires (ARC developer guide). */
export const REGION_SWITCH_ACCESS_POLICY = "AmazonARCRegionSwitchScalingPolicy";

/**
 * What the Region switch plan needs in a region's cluster: an access entry for its execution role
 * with the AWS-managed `AmazonARCRegionSwitchScalingPolicy` (get/update `*\/scale`, get
 * `*\/status`, get/patch HPAs), scoped to the service's namespace. ARC checks that association
 * (eks:ListAssociatedAccessPolicies) when it evaluates and runs the plan: RBAC of one's own is
 * not enough.
 */
export class RegionSwitchAccess extends pulumi.ComponentResource {
  constructor(name: string, args: RegionSwitchAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:chaos:RegionSwitchAccess", name, {}, opts);
    const parent = { parent: this };
    const entry = new aws.eks.AccessEntry(`${name}-region-switch`, { clusterName: args.clusterName, principalArn: args.executionRoleArn, type: "STANDARD" }, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;
    new aws.eks.AccessPolicyAssociation(`${name}-region-switch`, {
      clusterName: args.clusterName,
      principalArn: entry.principalArn,
      policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${REGION_SWITCH_ACCESS_POLICY}`,
      accessScope: { type: "namespace", namespaces: [args.namespace] },
    }, parent);
    this.registerOutputs({});
  }
}
