/**
 * The serving path of a stack, traced link by link: DNS record → load balancer → listener →
 * target group → TargetGroupBinding (of the target group's target type) → Service → the pods of a
 * workload, with the readiness probe on the target group's health path, and the network between
 * the load balancer and those pods (serving-network.ts). The serving-path policies judge it; the
 * offline plan reports it per region (tools/plan/topology.ts). Values that are unknown during a
 * preview never count as a broken link, nor do objects a preview plans with no properties at all
 * (kit.ts unplanned).
 */
import type { PolicyResource } from "@pulumi/policy";
import { LISTENER_RULE_TYPES, LISTENER_TYPES, LOAD_BALANCER_TYPES, TARGET_GROUP_TYPES } from "./aws-types";
import { knownItems, knownNumber, knownString, ofType, read, referencedBy, referencing, UNKNOWN, unplanned } from "./kit";
import { NetworkView, type NetworkLink } from "./serving-network";

export const K8S = {
  bindings: ["kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "kubernetes:elbv2.k8s.aws/v1alpha1:TargetGroupBinding"],
  service: "kubernetes:core/v1:Service",
  workloads: ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"],
  autoscalers: ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"],
  disruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
  /** Security groups for pods: the pods it selects get network interfaces of their own, with its groups. */
  securityGroupPolicy: "kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy",
} as const;
const RECORD = "aws:route53/record:Record";
const ZONE_KEYS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];

/** The links of a serving path, in order; `missing` names the first one that is not there. */
export type ServingLink = "dns-record" | "listener" | "binding" | "target-type" | "service" | "pods" | "readiness-probe" | "network";

export interface TargetGroupPath {
  targetGroup: PolicyResource;
  loadBalancers: PolicyResource[];
  records: PolicyResource[];
  binding?: PolicyResource;
  service?: PolicyResource;
  workload?: PolicyResource;
  /** Health-check path the target group asks ("/" when unset, as ELB does). */
  healthCheckPath: string | undefined;
  /** The network between the load balancer and the pods, once the trace reaches the pods' ports. */
  network?: NetworkLink;
  /** The first missing link and a sentence naming it; undefined when the path is complete. */
  missing?: { link: ServingLink; message: string };
}

type Props = Record<string, any>;
const props = (r: PolicyResource) => r.props as Props;
const metadataOf = (r: PolicyResource) => read(() => props(r).metadata as Props | undefined);
export const nameOf = (r: PolicyResource) => {
  const metadata = metadataOf(r);
  return metadata === UNKNOWN ? UNKNOWN : knownString(() => metadata?.name);
};
/** The namespace a namespaced object lands in; "default" when unset (the provider's default). */
export const namespaceOf = (r: PolicyResource) => {
  const metadata = metadataOf(r);
  if (metadata === UNKNOWN) return UNKNOWN;
  const ns = read(() => metadata?.namespace);
  return ns === UNKNOWN ? UNKNOWN : typeof ns === "string" && ns ? ns : "default";
};

/** Both objects go to the same cluster: the same Kubernetes provider (a single-stack program has one per region). */
export const sameCluster = (a: PolicyResource, b: PolicyResource) => (a.provider?.urn ?? "") === (b.provider?.urn ?? "");

/** Identifiers of an AWS resource as other resources' inputs carry them. */
function idsOf(r: PolicyResource): string[] {
  return [knownString(() => props(r).arn), knownString(() => props(r).id)].filter((v): v is string => !!v);
}

/** Whether `holder.property` refers to `target`: recorded dependency, or a value equal to its id/ARN. */
function refersTo(holder: PolicyResource, property: string, target: PolicyResource, values: () => unknown[]): boolean {
  if ((holder.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn)) return true;
  const ids = idsOf(target);
  return values().some((v) => typeof v === "string" && ids.includes(v));
}

/** Target groups a listener or rule forwards to (plain forward and weighted forward actions). */
function forwardedArns(r: PolicyResource, property: "defaultActions" | "actions"): unknown[] {
  return knownItems(() => props(r)[property] as Props[]).flatMap((action) => [
    read(() => action.targetGroupArn),
    ...knownItems(() => action.forward?.targetGroups as Props[]).map((g) => read(() => g.arn)),
  ]);
}

function labelsMatch(selector: Record<string, unknown> | undefined, labels: Record<string, unknown> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0 || !labels) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Pod labels of a workload's template. */
export function podLabels(workload: PolicyResource): Record<string, unknown> | undefined {
  const labels = read(() => props(workload).spec?.template?.metadata?.labels);
  return labels === UNKNOWN ? undefined : (labels as Record<string, unknown> | undefined);
}

export function containers(workload: PolicyResource): Props[] {
  return knownItems(() => props(workload).spec?.template?.spec?.containers as Props[]);
}

/** The container port a Service port's targetPort (number or name) selects in a container, if any. */
function resolvePort(container: Props, port: unknown): number | undefined {
  if (typeof port === "number") return port;
  const found = knownItems(() => container.ports as Props[]).find((p) => read(() => p.name) === port);
  return knownNumber(() => found?.containerPort);
}

/** Why the workload's pods fail the target group's health check, or undefined when they answer it. */
function probeProblem(workload: PolicyResource, targetPort: unknown, healthPort: unknown, path: string): string | undefined {
  const wanted = healthPort === undefined || healthPort === "traffic-port" ? targetPort : Number(healthPort);
  const serving = containers(workload).filter((c) => resolvePort(c, wanted) !== undefined);
  if (serving.length === 0) return `no container of ${workload.name} listens on port ${String(wanted)}`;
  for (const c of serving) {
    const probe = read(() => c.readinessProbe?.httpGet);
    if (probe === UNKNOWN) return undefined;
    if (!probe) continue;
    const probePath = knownString(() => probe.path) ?? "/";
    const probePort = resolvePort(c, read(() => probe.port));
    if (probePath === path && probePort === resolvePort(c, wanted)) return undefined;
  }
  return `${workload.name} has no readiness probe on ${path} (port ${String(wanted)}), the target group's health check: pods would count as ready while the load balancer finds them unhealthy`;
}

/**
 * The target type the binding registers, when it is the target group's (the controller fills an
 * unset one from the target group; ELB's default is instance); both when they differ.
 */
function effectiveTargetType(binding: PolicyResource, tg: PolicyResource): string | { binding: string; group: string } | typeof UNKNOWN {
  const bound = read(() => props(binding).spec?.targetType);
  const group = read(() => props(tg).targetType);
  if (bound === UNKNOWN || group === UNKNOWN) return UNKNOWN;
  const groupType = typeof group === "string" && group ? group : "instance";
  if (typeof bound !== "string" || !bound || bound === groupType) return groupType;
  return { binding: bound, group: groupType };
}

/**
 * TCP ports the load balancer opens to the targets: the pods' container port (ip targets) or the
 * Service's node port (instance targets), and a health-check port other than the traffic port.
 * Undefined when one is not known.
 */
function networkPorts(targetType: string, workload: PolicyResource, servicePort: Props | undefined, targetPort: unknown, healthPort: unknown): number[] | undefined {
  let traffic: number | undefined;
  if (targetType === "ip") traffic = typeof targetPort === "number" ? targetPort : containers(workload).map((c) => resolvePort(c, targetPort)).find((p) => p !== undefined);
  else if (targetType === "instance") traffic = knownNumber(() => servicePort?.nodePort);
  if (traffic === undefined || healthPort === UNKNOWN) return undefined;
  const health = healthPort === undefined || healthPort === "traffic-port" ? traffic : Number(healthPort);
  if (!Number.isInteger(health)) return undefined;
  return [...new Set([traffic, health])];
}

/** Target groups whose targets are not Kubernetes pods (Lambda, instances registered by hand or by a non-Kubernetes group). */
function servedOutsideKubernetes(tg: PolicyResource, resources: readonly PolicyResource[]): boolean {
  if (read(() => props(tg).targetType) === "lambda") return true;
  if (referencing(resources, ["aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/targetGroupAttachment:TargetGroupAttachment"], "targetGroupArn", tg).length) return true;
  return ofType(resources, "aws:autoscaling/group:Group").some((asg) =>
    refersTo(asg, "targetGroupArns", tg, () => knownItems(() => props(asg).targetGroupArns as unknown[])) && !isKubernetesNodeGroup(asg));
}

/** An Auto Scaling group of Kubernetes nodes: it carries the kubernetes.io/cluster/<name> tag. */
export function isKubernetesNodeGroup(asg: PolicyResource): boolean {
  const tags = knownItems(() => props(asg).tags as Props[]).map((t) => knownString(() => t.key) ?? "");
  const map = read(() => props(asg).tagsAll ?? {}) as Record<string, unknown>;
  return [...tags, ...Object.keys(map ?? {})].some((k) => k.startsWith("kubernetes.io/cluster/"));
}

/** Every target group a listener (or listener rule) forwards to, with its path as far as it goes. */
export function traceServingPaths(resources: readonly PolicyResource[]): TargetGroupPath[] {
  const listeners = ofType(resources, LISTENER_TYPES);
  const rules = ofType(resources, LISTENER_RULE_TYPES);
  const balancers = ofType(resources, LOAD_BALANCER_TYPES);
  const records = ofType(resources, RECORD);
  const bindings = ofType(resources, K8S.bindings);
  const services = inUrnOrder(ofType(resources, K8S.service));
  const workloads = inUrnOrder(ofType(resources, K8S.workloads));
  const paths: TargetGroupPath[] = [];
  let network: NetworkView | undefined;
  const networkView = () => (network ??= new NetworkView(resources, ofType(resources, "aws:autoscaling/group:Group").filter(isKubernetesNodeGroup)));

  for (const tg of ofType(resources, TARGET_GROUP_TYPES)) {
    const fromListeners = listeners.filter((l) => refersTo(l, "defaultActions", tg, () => forwardedArns(l, "defaultActions")));
    const fromRules = rules.filter((r) => refersTo(r, "actions", tg, () => forwardedArns(r, "actions")));
    if (fromListeners.length + fromRules.length === 0) continue;
    if (servedOutsideKubernetes(tg, resources)) continue;
    const ruleListeners = fromRules.flatMap((r) => listeners.filter((l) => refersTo(r, "listenerArn", l, () => [read(() => props(r).listenerArn)])));
    const lbs = balancers.filter((lb) => [...fromListeners, ...ruleListeners].some((l) => refersTo(l, "loadBalancerArn", lb, () => [read(() => props(l).loadBalancerArn)])));
    const dnsNames = lbs.map((lb) => knownString(() => props(lb).dnsName)).filter((n): n is string => !!n);
    const aliasing = records.filter((rec) => knownItems(() => props(rec).aliases as Props[]).some((a) => {
      const name = knownString(() => a.name);
      return (name !== undefined && dnsNames.includes(name)) || lbs.some((lb) => referencedBy(rec, "aliases", lb.type).some((d) => d.urn === lb.urn));
    }));
    const healthCheck = read(() => props(tg).healthCheck as Props | undefined);
    const healthCheckPath = healthCheck === UNKNOWN ? undefined : knownString(() => healthCheck?.path) ?? "/";
    const path: TargetGroupPath = { targetGroup: tg, loadBalancers: lbs, records: aliasing, healthCheckPath };
    paths.push(path);
    const fail = (link: ServingLink, message: string) => (path.missing = { link, message });

    const binding = bindings.find((b) => refersTo(b, "spec", tg, () => [read(() => props(b).spec?.targetGroupARN)]));
    // A binding whose properties the preview does not know may be the one.
    if (!binding && bindings.some(unplanned)) continue;
    if (!binding) {
      fail("binding", `target group ${tg.name} gets traffic from a listener but no TargetGroupBinding binds it to a Service: nothing registers targets, so every request fails`);
      continue;
    }
    path.binding = binding;
    // Objects a preview plans with no properties (their provider not configured yet) are unknown
    // links, never missing ones; so are the objects they would lead to.
    if (unplanned(binding)) continue;
    const targetType = effectiveTargetType(binding, tg);
    if (targetType === UNKNOWN) continue;
    if (typeof targetType === "object") {
      fail("target-type", `TargetGroupBinding ${binding.name} registers ${targetType.binding} targets with target group ${tg.name}, whose target type is ${targetType.group}: ELB refuses them (an ip target group takes pod addresses, an instance one node ids), so no target ever registers`);
      continue;
    }
    const ref = read(() => props(binding).spec?.serviceRef as Props | undefined);
    if (ref === UNKNOWN) continue;
    const serviceName = knownString(() => ref?.name);
    const namespace = namespaceOf(binding);
    const service = services.find((s) => (binding.propertyDependencies.spec ?? []).some((d) => d.urn === s.urn))
      ?? services.find((s) => sameCluster(s, binding) && nameOf(s) === serviceName && namespaceOf(s) === namespace);
    if (!service && services.some((s) => sameCluster(s, binding) && unplanned(s))) continue;
    if (!service) {
      fail("service", `TargetGroupBinding ${binding.name} (target group ${tg.name}) names Service ${serviceName ?? "?"} in namespace ${String(namespace)}, which this stack does not create`);
      continue;
    }
    path.service = service;
    if (unplanned(service)) continue;
    const spec = read(() => props(service).spec as Props | undefined);
    if (spec === UNKNOWN) continue;
    const selector = read(() => spec?.selector as Record<string, unknown> | undefined);
    if (selector === UNKNOWN) continue;
    const workload = workloads.find((w) => sameCluster(w, service) && namespaceOf(w) === namespaceOf(service) && labelsMatch(selector, podLabels(w)));
    if (!workload && workloads.some((w) => sameCluster(w, service) && unplanned(w))) continue;
    if (!workload) {
      fail("pods", `Service ${service.name} (target group ${tg.name}) selects no Deployment or StatefulSet of this stack: the target group would have no targets`);
      continue;
    }
    path.workload = workload;
    const wantedPort = read(() => ref?.port);
    const port = knownItems(() => spec?.ports as Props[]).find((p) => read(() => p.port) === wantedPort || read(() => p.name) === wantedPort);
    const targetPort = port ? read(() => port.targetPort ?? port.port) : undefined;
    if (targetPort === UNKNOWN || healthCheckPath === undefined) continue;
    const healthPort = read(() => (healthCheck as Props | undefined)?.port);
    const problem = probeProblem(workload, targetPort, healthPort, healthCheckPath);
    if (problem) {
      fail("readiness-probe", `target group ${tg.name}: ${problem}`);
      continue;
    }
    const ports = networkPorts(targetType, workload, port, targetPort, healthPort);
    const ownGroups = ofType(resources, K8S.securityGroupPolicy).some((p) => sameCluster(p, workload) && namespaceOf(p) === namespaceOf(workload));
    // Pods with security groups of their own (SecurityGroupPolicy) are not judged by their nodes' groups.
    path.network = ports === undefined || ownGroups ? { status: "unknown", ports: ports ?? [] } : networkView().judge(tg, lbs, ports);
    if (path.network.status === "closed") fail("network", `target group ${tg.name}: ${path.network.problem}`);
  }
  for (const path of paths) {
    if (!path.missing && path.records.length === 0) {
      path.missing = { link: "dns-record", message: `no DNS record of this stack aliases the load balancer of target group ${path.targetGroup.name}` };
    }
  }
  return paths;
}

export interface WorkloadRedundancy {
  /** Pods the workload keeps at least: the autoscaler's minimum, else its replicas (1 when unset). */
  floor: number | undefined;
  autoscaler?: PolicyResource;
  spreadsOverZones: boolean | undefined;
  disruptionBudget?: PolicyResource;
  /** Whether the budget lets at least one pod go (a drain or instance refresh can proceed). */
  budgetAllowsDrain: boolean | undefined;
}

/**
 * Candidates in URN order: where several objects match (a canary Deployment with the service's
 * labels), the first is judged. The engine hands a pack its resources in no set order (the step
 * generator walks a concurrent map), the plan in registration order: by URN both judge the same one.
 */
function inUrnOrder(list: readonly PolicyResource[]): PolicyResource[] {
  return [...list].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}

/** What keeps a workload serving through pod, node and AZ losses. */
export function workloadRedundancy(workload: PolicyResource, resources: readonly PolicyResource[]): WorkloadRedundancy {
  const namespace = namespaceOf(workload);
  const name = nameOf(workload);
  const autoscaler = inUrnOrder(ofType(resources, K8S.autoscalers)).find((h) => {
    const target = read(() => props(h).spec?.scaleTargetRef as Props | undefined);
    if (target === UNKNOWN || !target) return (h.propertyDependencies.spec ?? []).some((d) => d.urn === workload.urn);
    return sameCluster(h, workload) && namespaceOf(h) === namespace && knownString(() => target.name) === name && knownString(() => target.kind) === workload.type.split(":").pop();
  });
  const replicas = read(() => props(workload).spec?.replicas);
  const min = autoscaler ? read(() => props(autoscaler).spec?.minReplicas) : undefined;
  const floor = autoscaler
    ? min === UNKNOWN ? undefined : typeof min === "number" ? min : 1
    : replicas === UNKNOWN ? undefined : typeof replicas === "number" ? replicas : 1;
  const podSpec = read(() => props(workload).spec?.template?.spec as Props | undefined);
  let spreadsOverZones: boolean | undefined;
  if (podSpec !== UNKNOWN) {
    const keys = [
      ...knownItems(() => podSpec?.topologySpreadConstraints as Props[]).map((c) => knownString(() => c.topologyKey)),
      ...knownItems(() => podSpec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution as Props[]).map((t) => knownString(() => t.topologyKey)),
      ...knownItems(() => podSpec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution as Props[]).map((t) => knownString(() => t.podAffinityTerm?.topologyKey)),
    ];
    spreadsOverZones = keys.some((k) => k !== undefined && ZONE_KEYS.includes(k));
  }
  const labels = podLabels(workload);
  const budget = inUrnOrder(ofType(resources, K8S.disruptionBudget)).find((b) =>
    sameCluster(b, workload) && namespaceOf(b) === namespace && labelsMatch(read(() => props(b).spec?.selector?.matchLabels) as Record<string, unknown> | undefined, labels));
  let budgetAllowsDrain: boolean | undefined;
  if (budget) {
    const maxUnavailable = read(() => props(budget).spec?.maxUnavailable);
    const minAvailable = read(() => props(budget).spec?.minAvailable);
    const percent = (v: unknown) => (typeof v === "string" && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined);
    if (maxUnavailable === UNKNOWN || minAvailable === UNKNOWN) budgetAllowsDrain = undefined;
    else if (maxUnavailable !== undefined) budgetAllowsDrain = typeof maxUnavailable === "number" ? maxUnavailable >= 1 : (percent(maxUnavailable) ?? 0) > 0;
    else if (typeof minAvailable === "number") budgetAllowsDrain = floor === undefined ? undefined : minAvailable < floor;
    else budgetAllowsDrain = percent(minAvailable) !== undefined ? percent(minAvailable)! < 100 : undefined;
  }
  return { floor, autoscaler, spreadsOverZones, disruptionBudget: budget, budgetAllowsDrain };
}
