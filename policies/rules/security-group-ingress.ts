/**
 * No security group admits the internet but an internet-facing load balancer's, on its listener
 * ports (80 and 443). A stack rule: what a group admits is the sum of its rules (inline ingress,
 * aws.ec2.SecurityGroupRule, aws.vpc.SecurityGroupIngressRule, each a resource of its own), and
 * whether a group fronts the internet is told by the load balancers that carry it.
 *
 * The internet is judged by size, not by spelling: `0.0.0.0/1` with `128.0.0.0/1` is
 * `0.0.0.0/0` (opensToInternet, components/lib/cidr.ts). The rules of one group that share a
 * protocol and a port are added up, but for the openings the group may have (an internet-facing
 * load balancer's listener ports): the internet is allowed on those ports, so they add nothing to
 * another opening's reach. Private ranges (RFC 1918, 100.64.0.0/10; IPv6 outside global unicast)
 * are networks the VPC is connected to, not the internet, and count for nothing; an IPv6 entry
 * this code cannot parse counts as the whole internet (the provider may take it: fail closed).
 */
import type { PolicyResource } from "@pulumi/policy";
import { opensToInternet, opensToInternetIpv6, parseCidr, parseIpv6Cidr, reachesIpv6Internet } from "../../components/lib/cidr";
import { isPrivateCidr } from "../../components/lib/deployer";
import { stringList } from "../config";
import { LOAD_BALANCER_TYPES, TYPES } from "./aws-types";
import { describe, knownItems, knownNumber, knownString, ofType, read, stackRule, UNKNOWN } from "./kit";

/** One ingress permission of a security group: its protocol and ports, and the CIDRs it admits. */
export interface IngressOpening {
  /** As written ("tcp", "6", "-1", "all" ...); undefined when a preview does not know it. */
  readonly protocol: string | undefined;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  /** IPv4 and IPv6 CIDRs (known ones). */
  readonly cidrs: readonly string[];
}

const PROTOCOL_NAMES: Record<string, string> = { "-1": "all", all: "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };
const protocolOf = (o: IngressOpening) => (o.protocol === undefined ? undefined : PROTOCOL_NAMES[o.protocol.toLowerCase()] ?? o.protocol.toLowerCase());

/** Whether a packet may match both openings: the same protocol and overlapping ports (for TCP and UDP); what is unknown may. */
function shareTraffic(a: IngressOpening, b: IngressOpening): boolean {
  const [pa, pb] = [protocolOf(a), protocolOf(b)];
  if (pa === undefined || pb === undefined || pa === "all" || pb === "all") return true;
  if (pa !== pb) return false;
  if (pa !== "tcp" && pa !== "udp") return true; // ICMP's "ports" are types and codes: the protocol is the door
  if (a.fromPort === undefined || a.toPort === undefined || b.fromPort === undefined || b.toPort === undefined) return true;
  return a.fromPort <= b.toPort && b.fromPort <= a.toPort;
}

const publicIpv4 = (cidrs: readonly string[]) => cidrs.filter((c) => parseCidr(c) !== undefined && !isPrivateCidr(c));

/**
 * The IPv6 entries that reach the internet: IPv6 is what has a colon (no IPv4 CIDR does, and the
 * provider refuses an IPv6 field without one). An entry that does not parse here is kept: the
 * provider's own parser (Go's net.ParseCIDR) may take forms this one does not, and one counted as
 * nothing would hide an opening.
 */
const publicIpv6 = (cidrs: readonly string[]) => cidrs.filter((c) => c.includes(":") && (parseIpv6Cidr(c) === undefined || reachesIpv6Internet(c)));

/** Whether these IPv6 entries add up to the internet, an unparsed one counting as all of it (`::/0`). */
const ipv6Internet = (cidrs: readonly string[]) => opensToInternetIpv6(cidrs.map((c) => (parseIpv6Cidr(c) === undefined ? "::/0" : c)));

/**
 * For each opening of one security group, the CIDRs through which it admits the internet: its
 * public ones, when they and those of the group's other openings that share a protocol and a port
 * with it add up to the internet (more than a /8's worth of IPv4, a /12's of IPv6). Empty when it
 * admits no such thing. Overlapping openings are counted twice, never less (stricter, not laxer).
 * An opening `exempt` on this group (an internet-facing load balancer's listener port) adds
 * nothing to the others: it is one port, where the internet is allowed anyway.
 */
export function internetReach<T extends IngressOpening>(openings: readonly T[], exempt: (opening: T) => boolean = () => false): { cidrs: string[]; alone: boolean }[] {
  return openings.map((opening) => {
    const together = openings.filter((other) => other === opening || (!exempt(other) && shareTraffic(opening, other))).flatMap((o) => o.cidrs);
    const [own4, own6] = [publicIpv4(opening.cidrs), publicIpv6(opening.cidrs)];
    const open4 = own4.length > 0 && opensToInternet(publicIpv4(together));
    const open6 = own6.length > 0 && ipv6Internet(publicIpv6(together));
    const cidrs = [...(open4 ? own4 : []), ...(open6 ? own6 : [])];
    const alone = (open4 && opensToInternet(own4)) || (open6 && ipv6Internet(own6));
    return { cidrs, alone };
  });
}

/** Whether an opening is one port the internet may reach: a single TCP port of `allowedPorts`. */
export function isListenerPort(opening: IngressOpening, allowedPorts: readonly number[]): boolean {
  return protocolOf(opening) === "tcp" && opening.fromPort !== undefined && opening.fromPort === opening.toPort && allowedPorts.includes(opening.fromPort);
}

function portsText(o: IngressOpening): string {
  const protocol = protocolOf(o);
  if (protocol === "all") return "every port and protocol";
  return `${o.protocol || "?"} ${o.fromPort ?? "?"}${o.toPort !== o.fromPort ? `-${o.toPort ?? "?"}` : ""}`;
}

// ---------------------------------------------------------------------------------------------
// The stack's groups, rules and load balancers.

const { securityGroup: SECURITY_GROUP, securityGroupRule: SECURITY_GROUP_RULE, ingressRule: VPC_INGRESS_RULE, eksCluster: EKS_CLUSTER } = TYPES;
const CLASSIC_LOAD_BALANCER = "aws:elb/loadBalancer:LoadBalancer";

type Bag = Record<string, unknown>;
type IngressProps = { protocol?: string; ipProtocol?: string; fromPort?: number; toPort?: number; cidrBlocks?: string[]; ipv6CidrBlocks?: string[]; cidrIpv4?: string; cidrIpv6?: string; type?: string; securityGroupId?: string };

/** A security group as the rules and load balancers name it. */
interface Group {
  readonly key: string;
  readonly label: string;
}

/** An opening and where it is written: a rule resource, or an inline entry of a group. */
interface Located extends IngressOpening {
  readonly resource: PolicyResource;
  readonly where: string;
  readonly group: Group;
}

function openingOf(entry: IngressProps): IngressOpening {
  const protocol = read(() => entry.ipProtocol ?? entry.protocol);
  return {
    protocol: protocol === UNKNOWN ? undefined : String(protocol ?? ""),
    fromPort: knownNumber(() => entry.fromPort),
    toPort: knownNumber(() => entry.toPort),
    cidrs: [...knownItems(() => entry.cidrBlocks), ...knownItems(() => entry.ipv6CidrBlocks), knownString(() => entry.cidrIpv4), knownString(() => entry.cidrIpv6)].filter((c): c is string => typeof c === "string"),
  };
}

/** An EC2 resource's id: its `id`, else the end of its ARN. */
function idOf(r: PolicyResource): string | undefined {
  const arn = knownString(() => (r.props as Bag).arn);
  return knownString(() => (r.props as Bag).id) ?? (arn?.includes("/") ? arn.slice(arn.lastIndexOf("/") + 1) : undefined);
}

class Groups {
  private readonly byUrn = new Map<string, Group>();
  private readonly byId = new Map<string, Group>();

  constructor(resources: readonly PolicyResource[]) {
    for (const sg of ofType(resources, SECURITY_GROUP)) this.add({ key: sg.urn, label: describe(sg) }, sg.urn, idOf(sg));
    // The cluster security group EKS creates: rules name it by the cluster's output, so the cluster stands for it.
    for (const cluster of ofType(resources, EKS_CLUSTER)) {
      this.add({ key: `${cluster.urn}#cluster-security-group`, label: `${describe(cluster)}'s cluster security group` }, cluster.urn, knownString(() => (cluster.props as { vpcConfig?: { clusterSecurityGroupId?: string } }).vpcConfig?.clusterSecurityGroupId));
    }
  }

  private add(group: Group, urn: string, id: string | undefined) {
    this.byUrn.set(urn, group);
    if (id) this.byId.set(id, group);
  }

  of(resource: PolicyResource): Group | undefined {
    return this.byUrn.get(resource.urn);
  }

  /** The groups `holder.property` names: by recorded dependency (unknown ids in a preview), else by id; a group of elsewhere by its id. */
  named(holder: PolicyResource, property: string): Group[] {
    const byDependency = (holder.propertyDependencies[property] ?? []).map((d) => this.byUrn.get(d.urn)).filter((g): g is Group => g !== undefined);
    const value = read(() => (holder.props as Bag)[property]);
    // Element by element: in a preview one id of a list may be unknown and the others not.
    const items = value === UNKNOWN ? [] : Array.isArray(value) ? Array.from({ length: value.length }, (_, i) => read(() => value[i] as unknown)) : [value];
    const ids = items.filter((v): v is string => typeof v === "string" && v !== "");
    const byId = ids.map((id) => this.byId.get(id) ?? (byDependency.length === 1 && ids.length === 1 ? byDependency[0] : { key: `id:${id}`, label: `security group ${id}` }));
    return [...new Map([...byDependency, ...byId].map((g) => [g.key, g])).values()];
  }
}

/** The groups internet-facing load balancers carry (an unknown `internal` counts as internet-facing: a preview must not fail on it). */
function internetFacingGroups(resources: readonly PolicyResource[], groups: Groups): Set<string> {
  const keys = new Set<string>();
  for (const lb of ofType(resources, [...LOAD_BALANCER_TYPES, CLASSIC_LOAD_BALANCER])) {
    if (read(() => (lb.props as Bag).internal) === true) continue;
    for (const g of groups.named(lb, "securityGroups")) keys.add(g.key);
  }
  return keys;
}

/** Every ingress opening of the stack with CIDRs, with the group it opens. */
function openings(resources: readonly PolicyResource[], groups: Groups): Located[] {
  const out: Located[] = [];
  for (const sg of ofType(resources, SECURITY_GROUP)) {
    const group = groups.of(sg)!;
    knownItems(() => (sg.props as { ingress?: IngressProps[] }).ingress).forEach((entry, i) => out.push({ ...openingOf(entry), resource: sg, where: ` ingress[${i}]`, group }));
  }
  for (const rule of ofType(resources, [SECURITY_GROUP_RULE, VPC_INGRESS_RULE])) {
    const props = rule.props as IngressProps;
    if (rule.type === SECURITY_GROUP_RULE && read(() => props.type) !== "ingress") continue;
    // A rule whose group cannot be told is judged alone.
    const group = groups.named(rule, "securityGroupId")[0] ?? { key: `rule:${rule.urn}`, label: "its security group" };
    out.push({ ...openingOf(props), resource: rule, where: "", group });
  }
  return out.filter((o) => o.cidrs.length > 0);
}

export const securityGroupWorldIngress = stackRule<{ allowedPorts: string[] }>(
  {
    name: "security-group-no-world-ingress",
    description:
      "No security group admits the internet (0.0.0.0/0, ::/0, or CIDRs adding up to more than a /8 of IPv4 or a /12 of IPv6 on one port) but an internet-facing load balancer's, and that one only on its listener ports; inline rules, aws.ec2.SecurityGroupRule and aws.vpc.SecurityGroupIngressRule alike.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { allowedPorts: stringList(["80", "443"], "TCP ports the internet may reach on an internet-facing load balancer's security group, one each (its HTTP and HTTPS listeners).") },
    remediationSteps: "Admit the clients' own CIDRs, another security group (the load balancer's, with referencedSecurityGroupId) or a prefix list instead of the internet; only an internet-facing load balancer's security group faces the internet, on its listener ports.",
  },
  (resources, { report, config }) => {
    const allowed = config.allowedPorts.map(Number);
    const groups = new Groups(resources);
    const fronting = internetFacingGroups(resources, groups);
    const all = openings(resources, groups);
    const byGroup = new Map<string, Located[]>();
    for (const o of all) byGroup.set(o.group.key, [...(byGroup.get(o.group.key) ?? []), o]);
    for (const members of byGroup.values()) {
      const exempt = (o: Located) => fronting.has(o.group.key) && isListenerPort(o, allowed);
      internetReach(members, exempt).forEach(({ cidrs, alone }, i) => {
        const o = members[i];
        if (cidrs.length === 0 || exempt(o)) return;
        const listener = isListenerPort(o, allowed);
        const summed = alone ? "" : `, which with the group's other rules on those ports adds up to more than a /8 of IPv4 or a /12 of IPv6 (the internet in pieces)`;
        const fix = listener
          ? `only an internet-facing load balancer's security group may admit the internet, and no internet-facing load balancer of this stack carries ${o.group.label}; admit the load balancer's security group (referencedSecurityGroupId) or the clients' own CIDRs instead.`
          : `only ${allowed.join(" and ")} may face the internet, on an internet-facing load balancer's security group; admit the clients' own CIDRs, another security group or a prefix list instead.`;
        report(`${describe(o.resource)}${o.where} admits ${cidrs.join(" and ")} on ${portsText(o)}${summed}: ${fix}`, o.resource.urn);
      });
    }
  },
);
