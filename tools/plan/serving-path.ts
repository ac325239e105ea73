/**
 * The serving path of each region as the plan shows it: DNS record → ALB → target group →
 * Service → pods, and the security groups between the ALB and the pods, complete or naming the
 * first missing link; whether a web ACL guards the ALB; and how the environment's zone gets
 * delegated. Traced by the same code the policy pack judges with (policies/rules/serving-trace.ts),
 * over each stack's resources.
 */
import { policyResources } from "../../policies/arguments";
import { nameOf, namespaceOf, traceServingPaths, workloadRedundancy } from "../../policies/rules/serving-trace";
import { TYPES } from "../../policies/rules/aws-types";
import { webAclMode } from "../../policies/rules/security-waf";
import type { PolicyResource } from "@pulumi/policy";
import type { PlanResource, PlanStack } from "./model";

export interface ServingPathInfo {
  /** DNS names that alias the load balancer. */
  records: string[];
  loadBalancer: string | null;
  targetGroup: string;
  /** Path the target group's health check asks each pod. */
  healthCheckPath: string | null;
  binding: string | null;
  /** `namespace/name` of the Service. */
  service: string | null;
  /** `namespace/name` of the Deployment or StatefulSet. */
  workload: string | null;
  /** Pods the workload keeps at least (autoscaler minimum, else replicas); null when unknown. */
  minPods: number | null;
  /**
   * The load balancer's way to the pods through security groups on these TCP ports: `open`,
   * `closed` (a rule missing), or `unknown` (not judged: unknown values, or groups or nodes this
   * stack does not create); null when the trace did not reach the pods' ports.
   */
  network: { status: "open" | "closed" | "unknown"; ports: number[] } | null;
  /** The web ACL associated with the path's load balancer; null when the path has no load balancer. */
  waf: WafInfo | null;
  complete: boolean;
  /** The first missing link (dns-record, binding, target-type, service, pods, readiness-probe, network); null when complete. */
  missingLink: string | null;
  missing: string | null;
}

/** A load balancer's WAF web ACL, as the stack's resources tell it. */
export interface WafInfo {
  /**
   * `block`: the default action or some rule blocks (a managed group without a count override acts
   * with its own blocking rules); `count`: every rule only counts (platform:regionalWafMode count);
   * `none`: no web ACL association of the stack names the load balancer; `unknown`: associated with
   * a web ACL the stack does not hold, or whose rules are not known (secret or unknown values).
   */
  mode: "block" | "count" | "none" | "unknown";
  /** Logical name of the web ACL; null when there is none in the stack. */
  webAcl: string | null;
}

/** How the hosted zone gets delegated, as far as the resources tell. */
export interface DelegationInfo {
  /** NS records written in a parent zone; a created zone without them; a zone looked up; no zone at all. */
  mode: "parent-zone" | "created" | "existing-zone" | "none";
  zoneName: string | null;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function k8sName(r: PolicyResource | undefined): string | null {
  if (!r) return null;
  const name = nameOf(r);
  const namespace = namespaceOf(r);
  return typeof name === "string" ? `${typeof namespace === "string" ? namespace : "?"}/${name}` : r.name;
}

/** Serving paths of every stack, grouped by the AWS region of their target group. */
export function readServingPaths(stacks: readonly Pick<PlanStack, "resources">[]): Map<string, ServingPathInfo[]> {
  const byRegion = new Map<string, ServingPathInfo[]>();
  for (const stack of stacks) {
    if (!stack.resources.some((r) => r.type.includes("/listener:Listener"))) continue;
    const planned = new Map<string, PlanResource>(stack.resources.map((r) => [r.urn, r]));
    const resources = policyResources(stack.resources);
    for (const path of traceServingPaths(resources)) {
      const region = planned.get(path.targetGroup.urn)?.region;
      if (!region) continue;
      const loadBalancer = path.loadBalancers[0] ? planned.get(path.loadBalancers[0].urn) : undefined;
      const redundancy = path.workload ? workloadRedundancy(path.workload, resources) : undefined;
      const info: ServingPathInfo = {
        records: path.records.map((r) => str((r.props as { name?: unknown }).name) ?? r.name).sort(),
        loadBalancer: path.loadBalancers[0]?.name ?? null,
        targetGroup: path.targetGroup.name,
        healthCheckPath: path.healthCheckPath ?? null,
        binding: path.binding?.name ?? null,
        service: k8sName(path.service),
        workload: k8sName(path.workload),
        minPods: redundancy?.floor ?? null,
        network: path.network ? { status: path.network.status, ports: path.network.ports } : null,
        waf: loadBalancer ? readWaf(loadBalancer, stack.resources) : null,
        complete: path.missing === undefined,
        missingLink: path.missing?.link ?? null,
        missing: path.missing?.message ?? null,
      };
      byRegion.set(region, [...(byRegion.get(region) ?? []), info]);
    }
  }
  return byRegion;
}

/**
 * Whether `holder.inputs[property]` names `target`: a recorded dependency, or a value equal to its id
 * or its `arn`/`id` output (as serving-trace.ts matches a listener with its load balancer).
 */
function names(holder: PlanResource, property: string, target: PlanResource): boolean {
  if ((holder.propertyDependencies?.[property] ?? []).includes(target.urn)) return true;
  const value = str(holder.inputs[property]);
  return value !== null && [target.id, target.outputs?.arn, target.outputs?.id].includes(value);
}

/** The web ACL a stack associates with `loadBalancer` (WebAclAssociation's resourceArn and webAclArn). */
export function readWaf(loadBalancer: PlanResource, resources: readonly PlanResource[]): WafInfo {
  const association = resources.find((r) => r.type === TYPES.webAclAssociation && names(r, "resourceArn", loadBalancer));
  if (!association) return { mode: "none", webAcl: null };
  const acl = resources.find((r) => r.type === TYPES.webAcl && names(association, "webAclArn", r));
  return acl ? { mode: webAclMode(acl.inputs), webAcl: acl.name } : { mode: "unknown", webAcl: null };
}

/**
 * How the environment's hosted zone is delegated, from the resources: a created zone with NS
 * records of its name in another zone (written by the stack), a created zone without them, or
 * no created zone (an existing one looked up, when records are published into it).
 */
export function readDelegation(resources: readonly PlanResource[]): DelegationInfo {
  const zones = resources.filter((r) => r.type === "aws:route53/zone:Zone");
  const records = resources.filter((r) => r.type === "aws:route53/record:Record");
  if (zones.length === 0) return { mode: records.length ? "existing-zone" : "none", zoneName: null };
  const zoneName = str(zones[0].inputs.name)?.replace(/\.$/, "") ?? null;
  const delegated = records.some((r) => r.inputs.type === "NS" && str(r.inputs.name)?.replace(/\.$/, "") === zoneName && r.inputs.zoneId !== zones[0].id);
  return { mode: delegated ? "parent-zone" : "created", zoneName };
}
