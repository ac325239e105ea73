/**
 * The fault-injection experiments of a region, as plain data: which FIS actions run, on which
 * targets, for how long, and which alarms stop them. `ResilienceExperiments` declares one
 * `aws.fis.ExperimentTemplate` per spec; the plan, the policy pack and the game-day command read
 * the same catalogue. Values that only exist after creation (subnet ARNs, zone IDs) are Inputs.
 *
 * Action ids, parameter names and target keys follow AWS's FIS actions reference and AWS's own
 * "AZ Availability: Power Interruption" scenario (as published in aws-samples' FIS workshop);
 * the target keys are the ones the provider accepts (terraform-provider-aws
 * `validExperimentTemplateActionTargetKey`). A wrong one fails only at `pulumi up` or when an
 * experiment starts, so each is named once, here.
 */
import type * as pulumi from "@pulumi/pulumi";

/** FIS action ids used by the catalogue. */
export const FIS_ACTIONS = {
  terminateInstances: "aws:ec2:terminate-instances",
  disruptConnectivity: "aws:network:disrupt-connectivity",
  asgCapacityError: "aws:ec2:asg-insufficient-instance-capacity-error",
  failoverDbCluster: "aws:rds:failover-db-cluster",
  podDelete: "aws:eks:pod-delete",
  podCpuStress: "aws:eks:pod-cpu-stress",
  podNetworkLatency: "aws:eks:pod-network-latency",
  startAutomation: "aws:ssm:start-automation-execution",
  crossRegionConnectivity: "aws:network:route-table-disrupt-cross-region-connectivity",
  startZonalAutoshift: "aws:arc:start-zonal-autoshift",
} as const;
export type FisActionId = (typeof FIS_ACTIONS)[keyof typeof FIS_ACTIONS];

/** Resource types of FIS targets. */
export const FIS_TARGET_TYPES = {
  instance: "aws:ec2:instance",
  subnet: "aws:ec2:subnet",
  autoScalingGroup: "aws:ec2:autoscaling-group",
  rdsCluster: "aws:rds:cluster",
  pod: "aws:eks:pod",
  zonalShiftResource: "aws:arc:zonal-shift-managed-resource",
} as const;

/** ARC zonal shift's resource kinds, as the autoshift action's `managedResourceTypes` names them. */
export type ZonalShiftKind = "ALB" | "NLB" | "EKS" | "ASG";

/** The experiments a region can have. `az-power` exists once per AZ. */
export const EXPERIMENT_KEYS = [
  "az-power",
  "pod-delete",
  "pod-cpu-stress",
  "pod-network-latency",
  "node-capacity",
  "aurora-switchover",
  "aurora-failover",
  "cross-region-connectivity",
] as const;
export type ExperimentKey = (typeof EXPERIMENT_KEYS)[number];

/** Experiment templates are tagged with their key and scope; the game-day command finds them so. */
export const EXPERIMENT_TAG = "experiment";
export const SCOPE_TAG = "fault-injection-scope";
export const ZONE_TAG = "availability-zone-id";

/** FIS allows a handful of stop conditions per template (5 when this was written): keep under it. */
export const MAX_STOP_CONDITIONS = 5;
/** The provider refuses more than 5 resource ARNs in one target (terraform-provider-aws MaxItems 5). */
export const MAX_TARGET_ARNS = 5;

export interface TargetSpec {
  name: string;
  resourceType: string;
  /** `ALL`, `COUNT(n)` or `PERCENT(n)`. */
  selectionMode: string;
  /**
   * The fewest resources the target can identify when an experiment starts (a service's minimum
   * replicas). Only checked (checkSpec): FIS rounds a PERCENT selection down, so it must still pick
   * one of these, or the experiment fails on an empty target. @default unknown: not checked
   */
  minimumResources?: number;
  resourceArns?: pulumi.Input<string>[];
  /** Tags a resource must all carry (keys may be Outputs: the cluster tag names the cluster). */
  resourceTags?: { key: pulumi.Input<string>; value: pulumi.Input<string> }[];
  filters?: { path: string; values: pulumi.Input<string>[] }[];
  parameters?: Record<string, pulumi.Input<string>>;
}

export interface ActionSpec {
  name: string;
  actionId: FisActionId;
  description: string;
  parameters: Record<string, pulumi.Input<string>>;
  /** Action target key (`Instances`, `Subnets`, ...) → target name; none for SSM automation. */
  target?: { key: string; value: string };
  startAfter?: string[];
}

export interface ExperimentSpec {
  key: ExperimentKey;
  /** Unique per region: the key, plus the AZ's position for `az-power`. */
  id: string;
  description: string;
  actions: ActionSpec[];
  targets: TargetSpec[];
  /** Alarm keys (`<prefix>-<key>` names) whose ALARM stops the experiment. */
  stopAlarms: string[];
  /** A failover with data loss: the game-day command asks for an extra flag. */
  dataLoss?: boolean;
  /** What must hold outside this code before it can run (quota, ...). */
  prerequisites?: string[];
}

/** The region's resources an experiment acts on. */
export interface ExperimentContext {
  /** `<environment>-<region>`: alarm names, tags and descriptions start with it. */
  prefix: string;
  region: string;
  durationMinutes: number;
  /** Every AZ's zone ID, comma-separated (the capacity-error action's list). */
  allZoneIds: pulumi.Input<string>;
  /** One entry per AZ, in subnet order. */
  zones: { name: pulumi.Input<string>; id: pulumi.Input<string>; subnetArns: pulumi.Input<string>[] }[];
  /** Private subnets' tier tag and VPC (cross-region disruption selects them by both). */
  vpcId: pulumi.Input<string>;
  /** The EKS cluster the nodes join. */
  clusterName: pulumi.Input<string>;
  /** `kubernetes.io/cluster/<name>` (clusterTagKey, lib/eks.ts): the tag NodePool puts on every node. */
  clusterTagKey: pulumi.Input<string>;
  /** Self-managed node pool's group (launch-template based); undefined for managed node groups. */
  autoScalingGroupArn?: pulumi.Input<string>;
  /**
   * The region's resources registered for zonal shift with zonal autoshift on (the ALB, the EKS
   * cluster): an AZ power interruption shifts their traffic away as AWS's autoshift would.
   * @default none: no autoshift action
   */
  zonalShiftResources?: { kind: ZonalShiftKind; arn: pulumi.Input<string> }[];
  database?: {
    clusterArn: pulumi.Input<string>;
    globalClusterIdentifier: pulumi.Input<string>;
    /**
     * This member holds the global database's writer (role primary). A secondary member has no
     * writer to fail over: FailoverDBCluster is refused on a global database's secondary cluster.
     */
    writer: boolean;
    /**
     * Adds `aurora-failover` (FailoverGlobalCluster with AllowDataLoss). A template is one click
     * from the console for anyone allowed fis:StartExperiment, and no stop condition undoes a
     * failover once asked for, so only an explicit opt-in deploys it. @default false
     */
    dataLossFailover?: boolean;
  };
  /**
   * The reference service the pod experiments act on, the service account FIS's pod runs as, and
   * the service's minimum replicas (the autoscaler's floor: the fewest pods a selection sees).
   */
  service?: { namespace: string; labelSelector: string; serviceAccount: string; networkFaults: boolean; minReplicas: number };
  /**
   * The SSM automation document that switches (or fails) the global database over to this
   * region, and its parameters per mode (JSON: automationDocumentParameters).
   */
  automation?: { documentArn: pulumi.Input<string>; documentParameters: Record<AutomationMode, pulumi.Input<string>> };
  /** Other regions of the environment (cross-region disruption cuts each). */
  otherRegions: string[];
}

/** ISO 8601 duration FIS parameters take: PT30M. */
export function isoMinutes(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1) throw new RangeError(`duration must be a whole number of minutes >= 1 (got ${minutes})`);
  return `PT${minutes}M`;
}

export type AutomationMode = "switchover" | "failover";

const GOLDEN = ["error-rate", "latency-p99", "no-healthy-targets"];

function azPower(ctx: ExperimentContext, zone: ExperimentContext["zones"][number], index: number): ExperimentSpec {
  const duration = isoMinutes(ctx.durationMinutes);
  const targets: TargetSpec[] = [
    // Every tier's subnet in the AZ, by ARN: exactly this VPC's, whatever else the account holds.
    { name: "az-subnets", resourceType: FIS_TARGET_TYPES.subnet, selectionMode: "ALL", resourceArns: zone.subnetArns },
    {
      name: "az-nodes",
      resourceType: FIS_TARGET_TYPES.instance,
      selectionMode: "ALL",
      // NodePool tags every node (both kinds) with its cluster; the AZ filter takes this AZ's.
      resourceTags: [{ key: ctx.clusterTagKey, value: "owned" }],
      filters: [
        { path: "Placement.AvailabilityZone", values: [zone.name] },
        { path: "State.Name", values: ["running"] },
      ],
    },
  ];
  const actions: ActionSpec[] = [
    { name: "cut-az-network", actionId: FIS_ACTIONS.disruptConnectivity, description: "Traffic into and out of the AZ's subnets stops, within each subnet it still flows (a network ACL FIS swaps in and restores).", parameters: { duration, scope: "all" }, target: { key: "Subnets", value: "az-subnets" } },
    // Terminated, not stopped: EC2 refuses StopInstances on Spot instances an Auto Scaling group
    // launched (only a persistent Spot request's instance can be stopped), and node pools mix
    // Spot with on-demand. The group replaces the nodes, outside the AZ while its launches fail.
    { name: "power-off-az-nodes", actionId: FIS_ACTIONS.terminateInstances, description: "The AZ's nodes are terminated (Spot nodes cannot be stopped); the node pool replaces them in the AZs that still launch.", parameters: {}, target: { key: "Instances", value: "az-nodes" } },
  ];
  if (ctx.autoScalingGroupArn !== undefined) {
    targets.push({ name: "node-pool", resourceType: FIS_TARGET_TYPES.autoScalingGroup, selectionMode: "ALL", resourceArns: [ctx.autoScalingGroupArn] });
    actions.push({ name: "no-capacity-in-az", actionId: FIS_ACTIONS.asgCapacityError, description: "Launches into the AZ fail with InsufficientInstanceCapacity; the group launches elsewhere.", parameters: { availabilityZoneIdentifiers: zone.id, duration, percentage: "100" }, target: { key: "AutoScalingGroups", value: "node-pool" } });
  }
  const shifted = ctx.zonalShiftResources ?? [];
  if (shifted.length) {
    // The recovery half of AWS's "AZ Availability: Power Interruption" scenario: traffic of the
    // autoshift-enabled resources moves away from the AZ (a zonal shift FIS manages and ends, so
    // zonal autoshift, which production relies on, is rehearsed with the fault it answers). It
    // lasts the fault's duration; the scenario starts it a few minutes in to mimic detection, this
    // template at once (one duration for every action, as the node capacity errors do).
    targets.push({ name: "zonal-shift-resources", resourceType: FIS_TARGET_TYPES.zonalShiftResource, selectionMode: "ALL", resourceArns: shifted.map((r) => r.arn) });
    actions.push({
      name: "autoshift-away",
      actionId: FIS_ACTIONS.startZonalAutoshift,
      description: "ARC shifts the load balancer's and the cluster's traffic away from the AZ, as zonal autoshift does for an impaired AZ; FIS ends the shift with the experiment.",
      // The AZ by its ID: names map to different zones in other accounts.
      parameters: { availabilityZoneIdentifier: zone.id, duration, managedResourceTypes: [...new Set(shifted.map((r) => r.kind))].join(",") },
      target: { key: "ManagedResources", value: "zonal-shift-resources" },
    });
  }
  if (ctx.database?.writer) {
    // Only in the writer's region (a secondary cluster has no writer), and only when the writer is in this AZ: a power loss elsewhere leaves the writer alone.
    targets.push({ name: "aurora", resourceType: FIS_TARGET_TYPES.rdsCluster, selectionMode: "ALL", resourceArns: [ctx.database.clusterArn], parameters: { writerAvailabilityZoneIdentifiers: zone.name } });
    actions.push({ name: "fail-over-writer", actionId: FIS_ACTIONS.failoverDbCluster, description: "The Aurora writer fails over to a reader in another AZ if it was in this one.", parameters: {}, target: { key: "Clusters", value: "aurora" } });
  }
  return {
    key: "az-power",
    id: `az-power-${index + 1}`,
    description: `${ctx.prefix}: AZ ${index + 1} loses power for ${ctx.durationMinutes} minutes (network cut, nodes terminated, no capacity${ctx.database?.writer ? ", writer failover" : ""}${shifted.length ? ", traffic autoshifted away" : ""})`,
    actions,
    targets,
    stopAlarms: [...GOLDEN, ...(ctx.database ? ["replication-lag"] : [])],
    // FIS refuses to start an action that selects more targets than its quota allows (small by
    // default, adjustable in Service Quotas); the nodes of one AZ at peak must fit.
    prerequisites: ["the FIS quota on the target instances of one aws:ec2:terminate-instances action (Service Quotas, AWS Fault Injection Service, this region; check its exact name there) at least the nodes one AZ runs at peak (nodeMaxSize / azCount, plus surge)"],
  };
}

/**
 * How many of `resources` identified targets a selection mode picks, FIS's way: `PERCENT(n)`
 * rounds down (5 targets at 50 % are 2; 3 at 33 % are none), `COUNT(n)` picks at most what there
 * is. Undefined for a mode FIS does not know.
 */
export function selectedCount(selectionMode: string, resources: number): number | undefined {
  if (selectionMode === "ALL") return resources;
  const m = /^(COUNT|PERCENT)\((\d+)\)$/.exec(selectionMode);
  if (!m) return undefined;
  const n = Number(m[2]);
  // Whole numbers only: resources × n / 100 computed exactly, never 0.99999 for 1.
  return m[1] === "COUNT" ? Math.min(n, resources) : Math.floor((resources * n) / 100);
}

/**
 * The smallest `PERCENT(n)`, at least `wantedPercent`, that still picks one of `minimumResources`
 * targets: a third of 3 pods is `PERCENT(34)`, not `PERCENT(33)` (which FIS rounds down to none).
 */
export function percentSelectingOne(wantedPercent: number, minimumResources: number): number {
  if (!Number.isInteger(minimumResources) || minimumResources < 1) throw new RangeError(`minimum resources must be a whole number >= 1 (got ${minimumResources})`);
  return Math.min(100, Math.max(wantedPercent, Math.ceil(100 / minimumResources)));
}

/**
 * Why a target's selection would pick nothing at its minimum, or undefined. FIS fails an experiment
 * whose target selects no resource (and a template with emptyTargetResolutionMode `fail` at once).
 */
export function selectionProblem(selectionMode: string, minimumResources: number): string | undefined {
  const count = selectedCount(selectionMode, minimumResources);
  if (count === undefined) return `selection mode ${selectionMode} is not ALL, COUNT(n) or PERCENT(n)`;
  if (count >= 1 || minimumResources < 1) return undefined;
  return `${selectionMode} of ${minimumResources} resource(s) (the fewest there can be) selects none: FIS rounds a percentage down and fails an experiment that selects nothing; use PERCENT(${Math.ceil(100 / minimumResources)}) or more, or COUNT(1)`;
}

function podTarget(ctx: ExperimentContext, wantedPercent: number): TargetSpec {
  const s = ctx.service!;
  return {
    name: "service-pods",
    resourceType: FIS_TARGET_TYPES.pod,
    // The share the experiment wants, raised until it picks a pod at the autoscaler's floor.
    selectionMode: `PERCENT(${percentSelectingOne(wantedPercent, s.minReplicas)})`,
    minimumResources: s.minReplicas,
    // aws:eks:pod targets are found by these parameters, never by ARN or tag.
    parameters: { clusterIdentifier: ctx.clusterName, namespace: s.namespace, selectorType: "labelSelector", selectorValue: s.labelSelector },
  };
}

function podExperiments(ctx: ExperimentContext): ExperimentSpec[] {
  const s = ctx.service;
  if (!s) return [];
  const duration = isoMinutes(Math.min(ctx.durationMinutes, 30));
  // FIS's orchestrator pod and ephemeral containers meet the namespace's `restricted` Pod Security
  // level only when asked to (fisPodSecurityPolicy); network latency needs `privileged` instead.
  const specs: ExperimentSpec[] = [
    {
      key: "pod-delete",
      id: "pod-delete",
      description: `${ctx.prefix}: a third of the reference service's pods (at least one) are deleted`,
      targets: [podTarget(ctx, 33)],
      actions: [{ name: "delete-pods", actionId: FIS_ACTIONS.podDelete, description: "Deletes the selected pods; the Deployment replaces them.", parameters: { kubernetesServiceAccount: s.serviceAccount, fisPodSecurityPolicy: "restricted" }, target: { key: "Pods", value: "service-pods" } }],
      stopAlarms: GOLDEN,
    },
    {
      key: "pod-cpu-stress",
      id: "pod-cpu-stress",
      description: `${ctx.prefix}: half of the reference service's pods (at least one) burn 80 % CPU`,
      targets: [podTarget(ctx, 50)],
      actions: [{ name: "stress-cpu", actionId: FIS_ACTIONS.podCpuStress, description: "An ephemeral container loads the pods' CPU; the autoscaler should add pods.", parameters: { kubernetesServiceAccount: s.serviceAccount, duration, percent: "80", fisPodSecurityPolicy: "restricted" }, target: { key: "Pods", value: "service-pods" } }],
      stopAlarms: GOLDEN,
    },
  ];
  if (s.networkFaults) {
    specs.push({
      key: "pod-network-latency",
      id: "pod-network-latency",
      description: `${ctx.prefix}: half of the reference service's pods (at least one) answer 200 ms later`,
      targets: [podTarget(ctx, 50)],
      actions: [{ name: "add-latency", actionId: FIS_ACTIONS.podNetworkLatency, description: "tc adds 200 ms to the pods' traffic (needs a root, NET_ADMIN ephemeral container).", parameters: { kubernetesServiceAccount: s.serviceAccount, duration, delayMilliseconds: "200", jitterMilliseconds: "10", flowsPercent: "100", interface: "eth0" }, target: { key: "Pods", value: "service-pods" } }],
      stopAlarms: GOLDEN,
    });
  }
  return specs;
}

function nodeCapacity(ctx: ExperimentContext): ExperimentSpec[] {
  if (ctx.autoScalingGroupArn === undefined) return [];
  return [{
    key: "node-capacity",
    id: "node-capacity",
    description: `${ctx.prefix}: no node can launch in any AZ for ${ctx.durationMinutes} minutes`,
    targets: [{ name: "node-pool", resourceType: FIS_TARGET_TYPES.autoScalingGroup, selectionMode: "ALL", resourceArns: [ctx.autoScalingGroupArn] }],
    actions: [{ name: "no-capacity", actionId: FIS_ACTIONS.asgCapacityError, description: "Every launch of the node pool fails with InsufficientInstanceCapacity.", parameters: { availabilityZoneIdentifiers: ctx.allZoneIds, duration: isoMinutes(ctx.durationMinutes), percentage: "100" }, target: { key: "AutoScalingGroups", value: "node-pool" } }],
    stopAlarms: [...GOLDEN, "capacity-headroom"],
  }];
}

/** The writer moves the region's templates may make: the data-losing failover only when opted in. */
export function automationModes(database: { dataLossFailover?: boolean }): AutomationMode[] {
  return database.dataLossFailover ? ["switchover", "failover"] : ["switchover"];
}

function aurora(ctx: ExperimentContext): ExperimentSpec[] {
  if (!ctx.database || !ctx.automation) return [];
  const make = (mode: AutomationMode): ExperimentSpec => ({
    key: mode === "switchover" ? "aurora-switchover" : "aurora-failover",
    id: mode === "switchover" ? "aurora-switchover" : "aurora-failover",
    description: mode === "switchover"
      ? `${ctx.prefix}: the global database's writer moves here (switchover, no data loss)`
      : `${ctx.prefix}: the global database fails over to here ALLOWING DATA LOSS (FailoverGlobalCluster): writes not yet replicated here are lost to it, the old writer's cluster has to rejoin as a secondary, and no stop condition undoes it. Unplanned-failover rehearsal, deployed only on explicit opt-in`,
    targets: [],
    actions: [{
      name: mode,
      actionId: FIS_ACTIONS.startAutomation,
      description: `SSM automation: ${mode === "switchover" ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster with AllowDataLoss"} to this region's member, then waits until the global cluster is available.`,
      parameters: {
        documentArn: ctx.automation!.documentArn,
        // The automation's own parameters, JSON as FIS passes them on.
        documentParameters: ctx.automation!.documentParameters[mode],
        maxDuration: "PT1H",
      },
    }],
    stopAlarms: ["error-rate", "no-healthy-targets", "replication-lag"],
    ...(mode === "failover" ? { dataLoss: true } : {}),
    prerequisites: ["this region is a secondary of the global database (the game-day command checks)"],
  });
  return automationModes(ctx.database).map(make);
}

/** The automation's parameters, as FIS hands them to StartAutomationExecution (a JSON string). */
export function automationDocumentParameters(values: { mode: AutomationMode; globalClusterIdentifier: string; targetClusterArn: string; roleArn: string }): string {
  return JSON.stringify({ Mode: values.mode, GlobalClusterIdentifier: values.globalClusterIdentifier, TargetDbClusterArn: values.targetClusterArn, AutomationAssumeRole: values.roleArn });
}

function crossRegion(ctx: ExperimentContext): ExperimentSpec[] {
  const duration = isoMinutes(Math.min(ctx.durationMinutes, 60));
  // One template per other region, not one action per region in one template: each action puts
  // the subnets on a route table of its own and restores the association it found, so parallel
  // actions on the same subnets would override each other and restore in no defined order.
  return ctx.otherRegions.map((region) => ({
    key: "cross-region-connectivity" as const,
    id: `cross-region-${region}`,
    description: `${ctx.prefix}: the private subnets lose their routes to ${region}`,
    targets: [{
      name: "private-subnets",
      resourceType: FIS_TARGET_TYPES.subnet,
      selectionMode: "ALL",
      // More subnets than one target's ARN list may hold: the tier tag, narrowed to this VPC.
      resourceTags: [{ key: "tier", value: "private" }],
      filters: [{ path: "VpcId", values: [ctx.vpcId] }],
    }],
    actions: [{
      name: `cut-${region}`,
      actionId: FIS_ACTIONS.crossRegionConnectivity,
      description: `Traffic from the private subnets to ${region} is dropped.`,
      parameters: { region, duration },
      target: { key: "Subnets", value: "private-subnets" },
    }],
    stopAlarms: [...GOLDEN, "replication-lag"],
    prerequisites: ["the VPC route-table quota \"Routes per route table\" raised for the action's prefix lists (FIS adds a route per address range of the other region)"],
  }));
}

/** Every experiment of a region, in a stable order. */
export function regionExperiments(ctx: ExperimentContext): ExperimentSpec[] {
  const specs = [...ctx.zones.map((zone, i) => azPower(ctx, zone, i)), ...podExperiments(ctx), ...nodeCapacity(ctx), ...aurora(ctx), ...crossRegion(ctx)];
  for (const spec of specs) checkSpec(spec);
  return specs;
}

/** Refuses a spec FIS or the provider would refuse only at `pulumi up` or at experiment start. */
export function checkSpec(spec: ExperimentSpec): void {
  if (spec.stopAlarms.length === 0) throw new RangeError(`${spec.id}: an experiment needs at least one stop condition (an alarm)`);
  if (spec.stopAlarms.length > MAX_STOP_CONDITIONS) throw new RangeError(`${spec.id}: ${spec.stopAlarms.length} stop conditions; FIS allows ${MAX_STOP_CONDITIONS}`);
  const names = new Set(spec.targets.map((t) => t.name));
  for (const action of spec.actions) {
    if (action.target && !names.has(action.target.value)) throw new RangeError(`${spec.id}: action ${action.name} targets ${action.target.value}, which the template does not define`);
  }
  for (const target of spec.targets) {
    if ((target.resourceArns?.length ?? 0) > MAX_TARGET_ARNS) throw new RangeError(`${spec.id}: target ${target.name} lists ${target.resourceArns!.length} ARNs; the provider takes at most ${MAX_TARGET_ARNS} (select by tags instead)`);
    if (target.resourceArns && target.resourceTags) throw new RangeError(`${spec.id}: target ${target.name} sets both resource ARNs and tags; FIS takes one or the other`);
    const empty = target.minimumResources === undefined ? undefined : selectionProblem(target.selectionMode, target.minimumResources);
    if (empty) throw new RangeError(`${spec.id}: target ${target.name}: ${empty}`);
  }
}
