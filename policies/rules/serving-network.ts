/**
 * The network link of a serving path: can the load balancer's packets reach the pods on the
 * target port (and the health-check port)? Security groups are stateful, so two rules make the
 * way: egress on one of the load balancer's groups toward the pods, and ingress on one of the
 * pods' groups from the load balancer. With the VPC CNI (no security groups for pods) pods carry
 * the groups of their node's primary network interface: a launch template's, or for an EKS managed
 * node group without groups in its template the cluster security group EKS creates.
 *
 * Rules come from SecurityGroupIngressRule/EgressRule (aws.vpc), SecurityGroupRule (aws.ec2) and a
 * SecurityGroup's inline ingress/egress. A group of the stack has no egress but its rules': the
 * provider revokes the allow-all rule AWS gives a new group. Values a preview does not know, and
 * groups this stack does not create (their rules may live elsewhere), leave the link unknown,
 * never broken.
 */
import type { PolicyResource } from "@pulumi/policy";
import { cidrContains, cidrsOverlap, parseCidr } from "../../components/lib/cidr";
import { TYPES } from "./aws-types";
import { knownItems, knownNumber, knownString, ofType, read, referencedBy, regionOf, UNKNOWN, type Unknown } from "./kit";

const {
  securityGroup: SECURITY_GROUP,
  eksCluster: EKS_CLUSTER,
  nodeGroup: NODE_GROUP,
  vpc: VPC,
  vpcCidrAssociation: VPC_CIDR_ASSOCIATION,
  launchTemplate: LAUNCH_TEMPLATE,
  launchConfiguration: LAUNCH_CONFIGURATION,
  ingressRule: INGRESS_RULE,
  egressRule: EGRESS_RULE,
  securityGroupRule: EC2_RULE,
} = TYPES;

/** How far a requirement is met: not at all, perhaps (something not known or not visible), surely. */
const NO = 0;
const PERHAPS = 1;
const YES = 2;
type Verdict = typeof NO | typeof PERHAPS | typeof YES;
const least = (...vs: Verdict[]) => Math.min(...vs) as Verdict;
const most = (...vs: Verdict[]) => Math.max(...vs) as Verdict;

export interface NetworkLink {
  /** `open`: both rules exist on every port; `closed`: a rule is missing; `unknown`: not judged (unknown values, groups or nodes outside this stack). */
  status: "open" | "closed" | "unknown";
  /** TCP ports the load balancer sends traffic and health checks to. */
  ports: number[];
  /** Why the link is closed. */
  problem?: string;
}

/** A security group as rules and network interfaces name it. */
interface Group {
  key: string;
  label: string;
  /** Not created by this stack (an id from config or another stack): its rules may live elsewhere. */
  foreign: boolean;
  /** The aws.ec2.SecurityGroup, whose inline rules count. */
  resource?: PolicyResource;
}

/** The groups a property names; `unresolved` when some of them cannot be told. */
interface Named {
  groups: Group[];
  unresolved: boolean;
}
const UNRESOLVED: Named = { groups: [], unresolved: true };

type Direction = "ingress" | "egress";

interface Rule {
  direction: Direction;
  on: Named;
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  peers: Named;
  /** IPv4 CIDRs only: the load balancer reaches an IPv4 target group's targets over IPv4. */
  cidrs: unknown[];
  /** A peer this view cannot resolve (a prefix list). */
  opaquePeer: boolean;
}

type Props = Record<string, any>;
const props = (r: PolicyResource) => r.props as Props;

/** Elements of a value that may be a list, a single value or unset; UNKNOWN elements stay. */
function elements(get: () => unknown): unknown[] | Unknown {
  const value = read(get);
  if (value === UNKNOWN) return UNKNOWN;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [value];
  return Array.from({ length: value.length }, (_, i) => read(() => value[i]));
}

function coversPort(rule: Rule, port: number): Verdict {
  if (rule.protocol === UNKNOWN) return PERHAPS;
  const protocol = String(rule.protocol).toLowerCase();
  if (protocol === "-1" || protocol === "all") return YES;
  if (protocol !== "tcp" && protocol !== "6") return NO;
  if (rule.fromPort === UNKNOWN || rule.toPort === UNKNOWN) return PERHAPS;
  return typeof rule.fromPort === "number" && typeof rule.toPort === "number" && rule.fromPort <= port && port <= rule.toPort ? YES : NO;
}

function meets(named: Named, wanted: readonly Group[]): Verdict {
  if (named.groups.some((g) => wanted.some((w) => w.key === g.key))) return YES;
  return named.unresolved ? PERHAPS : NO;
}

/** A CIDR that covers the VPC (or 0.0.0.0/0) takes every pod and load balancer node; one that only overlaps it may. */
function cidrsCover(cidrs: readonly unknown[], vpcCidrs: readonly string[]): Verdict {
  const vpcs = vpcCidrs.map(parseCidr).filter((c) => c !== undefined);
  let best: Verdict = NO;
  for (const value of cidrs) {
    if (value === UNKNOWN) best = most(best, PERHAPS);
    const cidr = typeof value === "string" ? parseCidr(value) : undefined;
    if (!cidr) continue;
    if (cidr.prefix === 0 || (vpcs.length > 0 && vpcs.every((v) => cidrContains(cidr, v)))) return YES;
    if (vpcs.length === 0 || vpcs.some((v) => cidrsOverlap(cidr, v))) best = most(best, PERHAPS);
  }
  return best;
}

/** An EC2 resource's id: its `id`, else the end of its ARN (`…:security-group/sg-…`), which every EC2 ARN ends in. */
function idOf(r: PolicyResource): string | undefined {
  const arn = knownString(() => props(r).arn);
  return knownString(() => props(r).id) ?? (arn?.includes("/") ? arn.slice(arn.lastIndexOf("/") + 1) : undefined);
}

const labels = (groups: readonly Group[]) => groups.map((g) => g.label).join(", ") || "none";

/**
 * The security groups and rules of a stack, and the node groups whose network interfaces pods
 * share: `kubernetesNodeGroups` are the Auto Scaling groups of Kubernetes nodes, EKS managed node
 * groups are found here.
 */
export class NetworkView {
  private readonly byUrn = new Map<string, Group>();
  private readonly byId = new Map<string, Group>();
  private readonly rules: Rule[] = [];

  constructor(private readonly resources: readonly PolicyResource[], private readonly kubernetesNodeGroups: readonly PolicyResource[]) {
    for (const sg of ofType(resources, SECURITY_GROUP)) this.add({ key: sg.urn, label: sg.name, foreign: false, resource: sg }, sg.urn, idOf(sg));
    for (const cluster of ofType(resources, EKS_CLUSTER)) {
      // The cluster security group EKS creates stands for the cluster's URN in dependencies.
      const group: Group = { key: `${cluster.urn}#cluster-security-group`, label: `${cluster.name}'s cluster security group`, foreign: false };
      this.add(group, cluster.urn, knownString(() => props(cluster).vpcConfig?.clusterSecurityGroupId));
      // What EKS gives it: all traffic out, and in from its own members.
      const self: Named = { groups: [group], unresolved: false };
      this.rules.push({ direction: "egress", on: self, protocol: "-1", fromPort: 0, toPort: 0, peers: { groups: [], unresolved: false }, cidrs: ["0.0.0.0/0"], opaquePeer: false });
      this.rules.push({ direction: "ingress", on: self, protocol: "-1", fromPort: 0, toPort: 0, peers: self, cidrs: [], opaquePeer: false });
    }
    this.readRules();
  }

  private add(group: Group, urn: string, id: string | undefined) {
    this.byUrn.set(urn, group);
    if (id) this.byId.set(id, group);
  }

  /**
   * The groups `values` (ids) name, as `holder.property` holds them. Unknown ids are told by the
   * groups among the property's recorded dependencies when `byDependency` (every group the
   * property depends on is one it names); otherwise they leave the groups unresolved.
   */
  private named(holder: PolicyResource, property: string, values: unknown[] | Unknown, byDependency = true): Named {
    const dependencies = byDependency ? (holder.propertyDependencies[property] ?? []).map((d) => this.byUrn.get(d.urn)).filter((g): g is Group => g !== undefined) : [];
    if (values === UNKNOWN) return { groups: dependencies, unresolved: dependencies.length === 0 };
    const groups: Group[] = [];
    let unknown = false;
    for (const value of values) {
      if (value === UNKNOWN) unknown = true;
      else if (typeof value === "string" && value) groups.push(this.byId.get(value) ?? { key: `id:${value}`, label: value, foreign: true });
    }
    if (unknown) groups.push(...dependencies);
    return { groups: [...new Map(groups.map((g) => [g.key, g])).values()], unresolved: unknown && dependencies.length === 0 };
  }

  private readRules() {
    const standalone = (rule: PolicyResource, direction: Direction, p: Props, peerProperty: string, cidrProperty: string, prefixListProperty: string, self: boolean) => {
      const on = this.named(rule, "securityGroupId", elements(() => p.securityGroupId));
      const peers = this.named(rule, peerProperty, elements(() => p[peerProperty]));
      const prefixLists = elements(() => p[prefixListProperty]);
      this.rules.push({
        direction,
        on,
        protocol: read(() => p.ipProtocol ?? p.protocol),
        fromPort: read(() => p.fromPort),
        toPort: read(() => p.toPort),
        peers: self ? { groups: [...peers.groups, ...on.groups], unresolved: peers.unresolved || on.unresolved } : peers,
        cidrs: [elements(() => p[cidrProperty])].flat(),
        opaquePeer: prefixLists === UNKNOWN || prefixLists.length > 0,
      });
    };
    for (const r of ofType(this.resources, INGRESS_RULE)) standalone(r, "ingress", props(r), "referencedSecurityGroupId", "cidrIpv4", "prefixListId", false);
    for (const r of ofType(this.resources, EGRESS_RULE)) standalone(r, "egress", props(r), "referencedSecurityGroupId", "cidrIpv4", "prefixListId", false);
    for (const r of ofType(this.resources, EC2_RULE)) {
      const type = read(() => props(r).type);
      if (type === UNKNOWN) {
        // Either direction: a rule that may be any counts as perhaps in both.
        for (const direction of ["ingress", "egress"] as const) this.rules.push({ direction, on: UNRESOLVED, protocol: UNKNOWN, fromPort: UNKNOWN, toPort: UNKNOWN, peers: UNRESOLVED, cidrs: [], opaquePeer: false });
      } else if (type === "ingress" || type === "egress") {
        standalone(r, type, props(r), "sourceSecurityGroupId", "cidrBlocks", "prefixListIds", read(() => props(r).self) === true);
      }
    }
    for (const sg of ofType(this.resources, SECURITY_GROUP)) {
      const on: Named = { groups: [this.byUrn.get(sg.urn)!], unresolved: false };
      for (const direction of ["ingress", "egress"] as const) {
        const entries = elements(() => props(sg)[direction]);
        // An unknown list is judged in `allows`.
        if (entries === UNKNOWN) continue;
        for (const item of entries) {
          if (item === UNKNOWN) {
            this.rules.push({ direction, on, protocol: UNKNOWN, fromPort: UNKNOWN, toPort: UNKNOWN, peers: UNRESOLVED, cidrs: [], opaquePeer: false });
            continue;
          }
          const entry = item as Props;
          // The property's dependencies span every entry: an unknown id is not told by them.
          const peers = this.named(sg, direction, elements(() => entry.securityGroups), false);
          this.rules.push({
            direction,
            on,
            protocol: read(() => entry.protocol),
            fromPort: read(() => entry.fromPort),
            toPort: read(() => entry.toPort),
            peers: read(() => entry.self) === true ? { groups: [...peers.groups, ...on.groups], unresolved: peers.unresolved } : peers,
            cidrs: [elements(() => entry.cidrBlocks)].flat(),
            opaquePeer: knownItems(() => entry.prefixListIds).length > 0,
          });
        }
      }
    }
  }

  /** Whether a rule on one of `on` lets TCP `port` go to (egress) or come from (ingress) one of `peers` or the VPC. */
  private allows(direction: Direction, on: readonly Group[], peers: readonly Group[], port: number, vpcCidrs: readonly string[]): Verdict {
    let best: Verdict = NO;
    for (const rule of this.rules) {
      if (rule.direction !== direction) continue;
      const peer = most(meets(rule.peers, peers), cidrsCover(rule.cidrs, vpcCidrs), rule.opaquePeer ? PERHAPS : NO);
      best = most(best, least(meets(rule.on, on), coversPort(rule, port), peer));
      if (best === YES) return YES;
    }
    // Rules this view cannot see: those of a group from elsewhere, inline ones a preview does not know.
    if (on.some((g) => g.foreign || (g.resource && read(() => props(g.resource!)[direction]) === UNKNOWN))) return PERHAPS;
    return best;
  }

  /** The launch template a group's `property` names (by dependency, id or name). */
  private template(holder: PolicyResource, property: string, spec: () => Props | undefined): PolicyResource | undefined {
    const [byDependency] = referencedBy(holder, property, LAUNCH_TEMPLATE);
    if (byDependency) return byDependency;
    const id = knownString(() => spec()?.id ?? spec()?.launchTemplateId);
    const name = knownString(() => spec()?.name ?? spec()?.launchTemplateName);
    return ofType(this.resources, LAUNCH_TEMPLATE).find((t) => (id !== undefined && idOf(t) === id) || (name !== undefined && knownString(() => props(t).name) === name));
  }

  /** Groups a launch template gives the primary network interface; undefined when it names none. */
  private templateGroups(template: PolicyResource): Named | undefined {
    const interfaces = elements(() => props(template).networkInterfaces);
    if (interfaces === UNKNOWN || interfaces.includes(UNKNOWN)) return UNRESOLVED;
    const primary = (interfaces as Props[]).find((i) => knownNumber(() => i.deviceIndex) === 0) ?? (interfaces as Props[])[0];
    const onInterface = primary ? elements(() => primary.securityGroups) : [];
    if (onInterface === UNKNOWN || onInterface.length > 0) return this.named(template, "networkInterfaces", onInterface);
    const ids = elements(() => props(template).vpcSecurityGroupIds);
    if (ids === UNKNOWN || ids.length > 0) return this.named(template, "vpcSecurityGroupIds", ids);
    const names = elements(() => props(template).securityGroupNames);
    return names === UNKNOWN || names.length > 0 ? UNRESOLVED : undefined;
  }

  /** Groups the nodes of a self-managed Auto Scaling group carry. */
  private autoscalingGroups(asg: PolicyResource): Named {
    const template = this.template(asg, "launchTemplate", () => props(asg).launchTemplate)
      ?? this.template(asg, "mixedInstancesPolicy", () => props(asg).mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification);
    if (template) return this.templateGroups(template) ?? UNRESOLVED; // none named: the VPC's default group, not this stack's
    const name = knownString(() => props(asg).launchConfiguration);
    const configuration = referencedBy(asg, "launchConfiguration", LAUNCH_CONFIGURATION)[0]
      ?? ofType(this.resources, LAUNCH_CONFIGURATION).find((c) => name !== undefined && knownString(() => props(c).name) === name);
    return configuration ? this.named(configuration, "securityGroups", elements(() => props(configuration).securityGroups)) : UNRESOLVED;
  }

  /** Groups the nodes of an EKS managed node group carry: its template's, else the cluster security group. */
  private managedGroups(group: PolicyResource): Named {
    const spec = read(() => props(group).launchTemplate as Props | undefined);
    if (spec === UNKNOWN) return UNRESOLVED;
    const template = spec ? this.template(group, "launchTemplate", () => spec) : undefined;
    if (spec && !template) return UNRESOLVED;
    const fromTemplate = template ? this.templateGroups(template) : undefined;
    if (fromTemplate) return fromTemplate;
    const name = knownString(() => props(group).clusterName);
    const cluster = referencedBy(group, "clusterName", EKS_CLUSTER)[0] ?? ofType(this.resources, EKS_CLUSTER).find((c) => name !== undefined && knownString(() => props(c).name) === name);
    const clusterGroup = cluster ? this.byUrn.get(cluster.urn) : undefined;
    return clusterGroup ? { groups: [clusterGroup], unresolved: false } : UNRESOLVED;
  }

  /** CIDR blocks of the target group's VPC, where the pods and the load balancer's nodes live. */
  private vpcCidrs(targetGroup: PolicyResource): string[] {
    const id = knownString(() => props(targetGroup).vpcId);
    const vpc = referencedBy(targetGroup, "vpcId", VPC)[0] ?? ofType(this.resources, VPC).find((v) => id !== undefined && idOf(v) === id);
    if (!vpc) return [];
    const vpcId = idOf(vpc);
    const extra = ofType(this.resources, VPC_CIDR_ASSOCIATION)
      .filter((a) => referencedBy(a, "vpcId", VPC).some((v) => v.urn === vpc.urn) || (vpcId !== undefined && knownString(() => props(a).vpcId) === vpcId))
      .map((a) => knownString(() => props(a).cidrBlock));
    return [knownString(() => props(vpc).cidrBlock), ...extra].filter((c): c is string => c !== undefined);
  }

  /**
   * The network link from `loadBalancers` to the pods behind `targetGroup` on `ports`: open when
   * the nodes of some group of the target group's region take the traffic both ways.
   */
  judge(targetGroup: PolicyResource, loadBalancers: readonly PolicyResource[], ports: readonly number[]): NetworkLink {
    const link = (status: NetworkLink["status"], problem?: string): NetworkLink => ({ status, ports: [...ports], ...(problem ? { problem } : {}) });
    if (ports.length === 0 || loadBalancers.length === 0) return link("unknown");
    const balancer = loadBalancers.map((lb) => this.named(lb, "securityGroups", elements(() => props(lb).securityGroups)));
    const lbGroups = [...new Map(balancer.flatMap((n) => n.groups).map((g) => [g.key, g])).values()];
    // No groups: a load balancer without security groups (the VPC's default group, or none for an NLB) is not judged here.
    if (lbGroups.length === 0) return link("unknown");
    const lbUnresolved = balancer.some((n) => n.unresolved);
    const region = regionOf(targetGroup);
    const inRegion = (r: PolicyResource) => region === undefined || regionOf(r) === undefined || regionOf(r) === region;
    const fleets = [
      ...this.kubernetesNodeGroups.filter(inRegion).map((asg) => ({ name: asg.name, groups: this.autoscalingGroups(asg) })),
      ...ofType(this.resources, NODE_GROUP).filter(inRegion).map((ng) => ({ name: ng.name, groups: this.managedGroups(ng) })),
    ];
    // Nodes this stack does not create (Karpenter, another stack's) are not judged.
    if (fleets.length === 0) return link("unknown");
    const vpcCidrs = this.vpcCidrs(targetGroup);
    let best: Verdict = NO;
    let problem: string | undefined;
    for (const fleet of fleets) {
      let verdict: Verdict = YES;
      for (const port of ports) {
        const out = this.allows("egress", lbGroups, fleet.groups.groups, port, vpcCidrs);
        const into = this.allows("ingress", fleet.groups.groups, lbGroups, port, vpcCidrs);
        let v = least(out, into);
        if (v === NO && (lbUnresolved || fleet.groups.unresolved)) v = PERHAPS;
        if (v === NO && problem === undefined) {
          problem = out === NO
            ? `no egress rule on the load balancer's security group(s) ${labels(lbGroups)} allows TCP ${port} toward the pods' security group(s) ${labels(fleet.groups.groups)} (the nodes of ${fleet.name}) or a CIDR covering the VPC: the load balancer reaches no target, every target stays unhealthy and requests get 502`
            : `no ingress rule on the pods' security group(s) ${labels(fleet.groups.groups)} (the nodes of ${fleet.name}) admits the load balancer's security group(s) ${labels(lbGroups)} or a CIDR covering the VPC on TCP ${port}: every target stays unhealthy and requests get 502`;
        }
        verdict = least(verdict, v);
      }
      best = most(best, verdict);
    }
    return best === YES ? link("open") : best === PERHAPS ? link("unknown") : link("closed", problem);
  }
}
