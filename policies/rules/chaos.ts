/**
 * Designed for failure, rehearsed: every fault-injection experiment has a brake (a CloudWatch
 * alarm as stop condition, never `none`), and a production environment rehearses losing an AZ in
 * every serving region (the AZ power-interruption experiment) and lets AWS move traffic away from
 * an impaired AZ (zonal autoshift on its load balancer and cluster, both registered for zonal
 * shift). An environment is production when the policy config says so (`production: true`,
 * which the offline plan takes from `platform:production`).
 */
import type { PolicyResource } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import type { ExperimentTemplateArgs } from "@pulumi/aws/fis/experimentTemplate";
import type { ZonalAutoshiftConfigurationArgs } from "@pulumi/aws/arczonalshift/zonalAutoshiftConfiguration";
import type { PlanArgs } from "@pulumi/aws/arcregionswitch/plan";
import { FIS_ACTIONS } from "../../components/chaos/experiments";
import { REGION_SWITCH_PLAN_REGIONS } from "../../components/lib/failover";
import { PRODUCTION_THRESHOLD } from "../config";
import { type EksClusterProps, LOAD_BALANCER_TYPES, type LoadBalancerProps, TYPES } from "./aws-types";
import { describe, isApplicationOrNetworkLb, knownItems, knownString, ofType, read, referencedBy, regionOf, resourceRule, stackRule, UNKNOWN } from "./kit";

export const EXPERIMENT_TEMPLATE_TYPE = "aws:fis/experimentTemplate:ExperimentTemplate";
export const REGION_SWITCH_PLAN_TYPE = "aws:arcregionswitch/plan:Plan";
export const AUTOSHIFT_TYPE = "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration";
const CLOUDWATCH_ALARM = "aws:cloudwatch:alarm";

type TemplateProps = Unwrap<ExperimentTemplateArgs>;
type AutoshiftProps = Unwrap<ZonalAutoshiftConfigurationArgs>;
type PlanProps = Unwrap<PlanArgs>;

/** Why a template's stop conditions do not stop it, or undefined when they do. */
export function stopConditionProblem(props: TemplateProps): string | undefined {
  const conditions = knownItems(() => props.stopConditions);
  if (read(() => props.stopConditions) === UNKNOWN) return undefined;
  const alarms = conditions.filter((c) => knownString(() => c.source) === CLOUDWATCH_ALARM && read(() => c.value) !== undefined && read(() => c.value) !== "");
  const none = conditions.filter((c) => knownString(() => c.source) === "none");
  if (none.length) return "has a stop condition of source `none`: nothing would stop it";
  if (alarms.length === 0) return "has no CloudWatch alarm as stop condition: nothing would stop it when the platform suffers";
  return undefined;
}

export const experimentStopConditions = resourceRule<TemplateProps>(
  {
    name: "experiment-stop-conditions",
    description: "Every fault-injection experiment template is stopped by a CloudWatch alarm (source aws:cloudwatch:alarm), never by nothing (source none).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Give the template stop conditions on the region's observability alarms (ResilienceExperiments does: error rate, latency, healthy targets, and replication lag or capacity where they matter).",
  },
  [EXPERIMENT_TEMPLATE_TYPE],
  (props, { report }) => {
    const problem = stopConditionProblem(props);
    if (problem) report(`This experiment template ${problem}.`);
  },
);

/** A template that rehearses an AZ power interruption: the AZ's network cut and its nodes terminated or stopped. */
export function isAzPowerExperiment(props: TemplateProps): boolean {
  const ids = new Set(knownItems(() => props.actions).map((a) => knownString(() => a.actionId)));
  // Stopping the nodes (AWS's own AZ Power Interruption scenario) rehearses it as well on pools
  // without Spot; this project terminates them (EC2 refuses to stop an ASG's Spot instances).
  return ids.has(FIS_ACTIONS.disruptConnectivity) && (ids.has(FIS_ACTIONS.terminateInstances) || ids.has("aws:ec2:stop-instances"));
}

/** Autoshift configurations (ENABLED, with outcome alarms) that name `target`: by ARN, or (preview) by dependency. */
function autoshiftFor(configurations: readonly PolicyResource[], target: PolicyResource): PolicyResource[] {
  const arn = knownString(() => target.props.arn);
  return configurations.filter((c) => {
    const props = c.props as AutoshiftProps;
    const resourceArn = knownString(() => props.resourceArn);
    const names = (resourceArn !== undefined && arn !== undefined && resourceArn === arn) || referencedBy(c, "resourceArn", target.type).some((r) => r.urn === target.urn);
    const status = read(() => props.zonalAutoshiftStatus);
    return names && (status === UNKNOWN || status === "ENABLED") && knownItems(() => props.outcomeAlarms).length > 0;
  });
}

export const productionRehearsesFailure = stackRule<{ production: boolean }>(
  {
    name: "production-rehearses-failure",
    description: "In a production environment, every serving region has the AZ power-interruption experiment, and its load balancers and EKS clusters are registered for zonal shift with zonal autoshift enabled.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { production: PRODUCTION_THRESHOLD },
    remediationSteps: "Keep platform:faultInjection and platform:zonalAutoshift on (Region's resilience argument), and zonal shift on the ingress and the cluster.",
  },
  (resources, { report, config }) => {
    if (!config.production) return;
    const loadBalancers = ofType(resources, LOAD_BALANCER_TYPES).filter((lb) => isApplicationOrNetworkLb(lb.props as LoadBalancerProps));
    const clusters = ofType(resources, TYPES.eksCluster);
    const templates = ofType(resources, EXPERIMENT_TEMPLATE_TYPE);
    const configurations = ofType(resources, AUTOSHIFT_TYPE);
    const regions = new Set([...loadBalancers, ...clusters].map(regionOf).filter((r): r is string => r !== undefined));
    for (const region of [...regions].sort()) {
      const azPower = templates.filter((t) => regionOf(t) === region && isAzPowerExperiment(t.props as TemplateProps));
      if (azPower.length === 0) {
        const first = [...loadBalancers, ...clusters].find((r) => regionOf(r) === region)!;
        report(`Production region ${region} has no AZ power-interruption experiment (an FIS template with ${FIS_ACTIONS.disruptConnectivity} and ${FIS_ACTIONS.terminateInstances}): losing an AZ there has never been rehearsed.`, first.urn);
      }
      for (const lb of loadBalancers.filter((l) => regionOf(l) === region)) {
        const registered = read(() => (lb.props as LoadBalancerProps).enableZonalShift);
        if (registered !== true && registered !== UNKNOWN) report(`${describe(lb)} in production region ${region} is not registered for zonal shift (enableZonalShift): traffic cannot be moved away from an impaired AZ.`, lb.urn);
        else if (autoshiftFor(configurations, lb).length === 0) report(`${describe(lb)} in production region ${region} has no zonal autoshift (an ENABLED ZonalAutoshiftConfiguration with outcome alarms): an AZ impairment waits for a person.`, lb.urn);
      }
      for (const cluster of clusters.filter((c) => regionOf(c) === region)) {
        const enabled = read(() => (cluster.props as EksClusterProps).zonalShiftConfig?.enabled);
        if (enabled !== true && enabled !== UNKNOWN) report(`${describe(cluster)} in production region ${region} is not registered for zonal shift (zonalShiftConfig): in-cluster traffic stays on an impaired AZ.`, cluster.urn);
        else if (autoshiftFor(configurations, cluster).length === 0) report(`${describe(cluster)} in production region ${region} has no zonal autoshift (an ENABLED ZonalAutoshiftConfiguration with outcome alarms).`, cluster.urn);
      }
    }
  },
);

export const regionSwitchPlanRegions = resourceRule<PlanProps>(
  {
    name: "region-switch-plan-regions",
    description: "An ARC Region switch plan lists exactly two regions (CreatePlan refuses any other number), and its primary region, if given, is one of them.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Give each plan two regions: RegionSwitch makes one plan for two regions and one per region, paired with the next, for more (regionSwitchPlans).",
  },
  [REGION_SWITCH_PLAN_TYPE],
  (props, { report }) => {
    if (read(() => props.regions) === UNKNOWN) return;
    const regions = knownItems(() => props.regions).map((r) => knownString(() => r));
    if (regions.length !== REGION_SWITCH_PLAN_REGIONS) {
      report(`This Region switch plan lists ${regions.length} region(s) (${regions.join(", ") || "none"}); ARC takes exactly ${REGION_SWITCH_PLAN_REGIONS}, so creating it fails the deploy.`);
      return;
    }
    const primary = knownString(() => props.primaryRegion);
    if (primary !== undefined && !regions.includes(primary)) report(`This Region switch plan's primary region ${primary} is not one of its regions (${regions.join(", ")}).`);
  },
);

export const CHAOS_POLICIES = [experimentStopConditions, productionRehearsesFailure, regionSwitchPlanRegions];
