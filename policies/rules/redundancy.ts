/**
 * Redundancy: every tier survives the loss of an AZ, and the database has a copy in another
 * region. These are the checks public scanners and Pulumi's own packs do not make; the DNS
 * side (health checks on routing records) is in dns.ts.
 */
import type { PolicyResource } from "@pulumi/policy";
import { DEFAULT_MIN_NODE_POOL_AZS, integer, MIN_AZS_FLOOR } from "../config";
import {
  AsgProps,
  AuroraClusterProps,
  AuroraInstanceProps,
  EksClusterProps,
  LOAD_BALANCER_TYPES,
  LoadBalancerProps,
  NatGatewayProps,
  NodeGroupProps,
  TYPES,
} from "./aws-types";
import {
  azSpread,
  describe,
  isApplicationOrNetworkLb,
  isSet,
  knownNumber,
  knownString,
  listLength,
  ofType,
  read,
  referencedBy,
  referencing,
  resourceRule,
  stackRule,
  UNKNOWN,
  zoneCount,
} from "./kit";
import { isKubernetesNodeGroup } from "./serving-trace";

const minZones = (configured: number) => Math.max(MIN_AZS_FLOOR, configured);

export const nodePoolSpansZones = stackRule<{ minAvailabilityZones: number }>(
  {
    name: "node-pool-spans-azs",
    description: "Auto Scaling groups and EKS managed node groups span at least N AZs, with a minimum size of at least one instance per AZ.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { minAvailabilityZones: integer(DEFAULT_MIN_NODE_POOL_AZS, "AZs every node pool must span (never fewer than 2).", { minimum: MIN_AZS_FLOOR }) },
    remediationSteps: "Give the group one subnet in each of N AZs (vpcZoneIdentifiers / subnetIds) and set minSize to at least the AZ count.",
  },
  (resources, { report, config }) => {
    const required = minZones(config.minAvailabilityZones);
    const pools: { pool: PolicyResource; subnets: PolicyResource[]; listed: number | typeof UNKNOWN; listedAzs?: boolean; minSize: number | undefined }[] = [];
    for (const asg of ofType(resources, TYPES.asg)) {
      const props = asg.props as AsgProps;
      const listed = listLength(() => props.vpcZoneIdentifiers);
      const minSize = knownNumber(() => props.minSize);
      // Without subnets the group is placed by `availabilityZones` (the default VPC): those are AZs.
      if (listed === 0) pools.push({ pool: asg, subnets: [], listed: listLength(() => props.availabilityZones), listedAzs: true, minSize });
      else pools.push({ pool: asg, subnets: referencedBy(asg, "vpcZoneIdentifiers", TYPES.subnet), listed, minSize });
    }
    for (const group of ofType(resources, TYPES.nodeGroup)) {
      const props = group.props as NodeGroupProps;
      pools.push({ pool: group, subnets: referencedBy(group, "subnetIds", TYPES.subnet), listed: listLength(() => props.subnetIds), minSize: knownNumber(() => props.scalingConfig?.minSize) });
    }
    for (const { pool, subnets, listed, listedAzs, minSize } of pools) {
      const { count, exact } = zoneCount(subnets, listed);
      if (count === UNKNOWN) continue;
      const what = exact || listedAzs ? `${count} AZ(s)` : `${count} subnet(s)`;
      if (count < required) report(`${describe(pool)} spans ${what}; it must span at least ${required} AZs to survive an AZ loss.`, pool.urn);
      if (minSize !== undefined && minSize < count) report(`${describe(pool)} has minSize ${minSize} across ${what}; keep at least one instance per AZ (minSize >= ${count}).`, pool.urn);
    }
  },
);

export const asgElbHealthCheck = stackRule(
  {
    name: "asg-elb-health-check",
    description: "An Auto Scaling group that serves a load balancer uses ELB health checks, so instances the load balancer finds unhealthy are replaced (Kubernetes node groups excepted: kubernetes-node-health-own).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set healthCheckType: \"ELB\" (and a healthCheckGracePeriod) on the group.",
  },
  (resources, { report }) => {
    for (const asg of ofType(resources, TYPES.asg)) {
      const props = asg.props as AsgProps;
      const attached = referencing(resources, [TYPES.asgAttachment, TYPES.asgTrafficSourceAttachment], "autoscalingGroupName", asg).length > 0;
      const behindLb = attached || isSet(() => props.targetGroupArns) || isSet(() => props.loadBalancers) || isSet(() => props.trafficSources);
      // A Kubernetes node is not the service behind the target group: its pods are (kubernetes-node-health-own).
      if (!behindLb || isKubernetesNodeGroup(asg)) continue;
      const type = read(() => props.healthCheckType);
      // VPC_LATTICE is the equivalent for groups registered as VPC Lattice traffic sources.
      if (type !== UNKNOWN && type !== "ELB" && type !== "VPC_LATTICE") {
        report(`${describe(asg)} serves a load balancer but uses ${type ?? "EC2 (the default)"} health checks; set healthCheckType to "ELB".`, asg.urn);
      }
    }
  },
);

export const eksClusterSpansZones = stackRule<{ minAvailabilityZones: number }>(
  {
    name: "eks-cluster-spans-azs",
    description: "An EKS cluster's subnets are in at least two AZs (AWS requires it, and later subnets must stay in the original AZs).",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { minAvailabilityZones: integer(MIN_AZS_FLOOR, "AZs the cluster subnets must span.", { minimum: MIN_AZS_FLOOR }) },
  },
  (resources, { report, config }) => {
    const required = minZones(config.minAvailabilityZones);
    for (const cluster of ofType(resources, TYPES.eksCluster)) {
      const props = cluster.props as EksClusterProps;
      const { count, exact } = zoneCount(referencedBy(cluster, "vpcConfig", TYPES.subnet), listLength(() => props.vpcConfig?.subnetIds));
      if (count !== UNKNOWN && count < required) report(`${describe(cluster)} has subnets in ${count} ${exact ? "AZ(s)" : "subnet(s)"}; it needs at least ${required} AZs.`, cluster.urn);
    }
  },
);

function isAurora(props: AuroraClusterProps): boolean {
  const engine = read(() => props.engine);
  // Multi-AZ DB clusters (engine mysql/postgres with dbClusterInstanceClass) bring their own instances.
  return engine === UNKNOWN || engine === undefined || engine.startsWith("aurora");
}

/** Instances of an Aurora cluster: by reference, or by a matching known identifier. */
export function instancesOf(cluster: PolicyResource, resources: readonly PolicyResource[]): PolicyResource[] {
  const identifier = knownString(() => (cluster.props as AuroraClusterProps).clusterIdentifier);
  return ofType(resources, TYPES.auroraInstance).filter((instance) => {
    if ((instance.propertyDependencies.clusterIdentifier ?? []).some((dep) => dep.urn === cluster.urn)) return true;
    return identifier !== undefined && knownString(() => (instance.props as AuroraInstanceProps).clusterIdentifier) === identifier;
  });
}

export const auroraClusterSpansZones = stackRule<{ minInstances: number; minAvailabilityZones: number }>(
  {
    name: "aurora-cluster-spans-azs",
    description: "Every Aurora cluster has at least two instances placed in at least two AZs, so a reader can take over from a failed writer or AZ.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: {
      minInstances: integer(2, "Instances every Aurora cluster must have.", { minimum: 2 }),
      minAvailabilityZones: integer(MIN_AZS_FLOOR, "AZs the instances must be placed in.", { minimum: MIN_AZS_FLOOR }),
    },
    remediationSteps: "Create at least two aws.rds.ClusterInstance per cluster, each with an explicit availabilityZone in a different AZ.",
  },
  (resources, { report, config }) => {
    const required = minZones(config.minAvailabilityZones);
    for (const cluster of ofType(resources, TYPES.auroraCluster)) {
      if (!isAurora(cluster.props as AuroraClusterProps)) continue;
      const instances = instancesOf(cluster, resources);
      if (instances.length < config.minInstances) {
        report(`${describe(cluster)} has ${instances.length} instance(s); it needs at least ${config.minInstances} so a reader can be promoted.`, cluster.urn);
        continue;
      }
      const zones = new Set(instances.map((i) => knownString(() => (i.props as AuroraInstanceProps).availabilityZone)));
      const unplaced = zones.delete(undefined) ? " (instances without an explicit availabilityZone prove nothing: set it)" : "";
      if (zones.size < required) report(`${describe(cluster)} has instances in ${zones.size} known AZ(s); it needs at least ${required}${unplaced}.`, cluster.urn);
    }
  },
);

export const auroraGlobalMembership = resourceRule<AuroraClusterProps>(
  {
    name: "aurora-global-membership",
    description: "Every Aurora cluster belongs to a global database (globalClusterIdentifier), so another region holds a replica.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.auroraCluster],
  (props, { args, report }) => {
    if (!isAurora(props)) return;
    if (!isSet(() => props.globalClusterIdentifier)) report(`${describe(args)} is not a member of a global database: set globalClusterIdentifier.`);
  },
);

/** Clusters that are members of a global database: they say so, or a GlobalCluster was made from them. */
function globalMembers(resources: readonly PolicyResource[]): Set<string> {
  const members = new Set<string>();
  for (const cluster of ofType(resources, TYPES.auroraCluster)) {
    if (isSet(() => (cluster.props as AuroraClusterProps).globalClusterIdentifier)) members.add(cluster.urn);
  }
  for (const global of ofType(resources, TYPES.globalCluster)) {
    for (const source of referencedBy(global, "sourceDbClusterIdentifier", TYPES.auroraCluster)) members.add(source.urn);
  }
  return members;
}

export const auroraGlobalNoBurstable = stackRule(
  {
    name: "aurora-global-no-burstable",
    description: "No burstable (db.t*) instance class in a global database: AWS rejects them for global clusters.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Use a memory-optimized class (db.r6g, db.r7g, db.r8g ...).",
  },
  (resources, { report }) => {
    const members = globalMembers(resources);
    for (const cluster of ofType(resources, TYPES.auroraCluster).filter((c) => members.has(c.urn))) {
      for (const instance of instancesOf(cluster, resources)) {
        const instanceClass = knownString(() => (instance.props as AuroraInstanceProps).instanceClass);
        if (instanceClass?.startsWith("db.t")) report(`${describe(instance)} uses burstable ${instanceClass} in global database member ${cluster.name}; global databases refuse burstable classes.`, instance.urn);
      }
    }
  },
);

export const loadBalancerSpansZones = stackRule<{ minAvailabilityZones: number }>(
  {
    name: "load-balancer-spans-azs",
    description: "Application and network load balancers are placed in at least two AZs.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { minAvailabilityZones: integer(MIN_AZS_FLOOR, "AZs every load balancer must span.", { minimum: MIN_AZS_FLOOR }) },
  },
  (resources, { report, config }) => {
    const required = minZones(config.minAvailabilityZones);
    for (const lb of ofType(resources, LOAD_BALANCER_TYPES)) {
      const props = lb.props as LoadBalancerProps;
      if (!isApplicationOrNetworkLb(props)) continue;
      const subnets = [...referencedBy(lb, "subnets", TYPES.subnet), ...referencedBy(lb, "subnetMappings", TYPES.subnet)];
      const listedSubnets = listLength(() => props.subnets);
      const listedMappings = listLength(() => props.subnetMappings);
      const listed = listedSubnets === UNKNOWN || listedMappings === UNKNOWN ? UNKNOWN : listedSubnets + listedMappings;
      const { count, exact } = zoneCount(subnets, listed);
      if (count !== UNKNOWN && count < required) report(`${describe(lb)} is in ${count} ${exact ? "AZ(s)" : "subnet(s)"}; it needs at least ${required} AZs.`, lb.urn);
    }
  },
);

export const natGatewayPerZone = stackRule(
  {
    name: "nat-gateway-per-az",
    description: "A VPC that uses NAT gateways has one in every AZ it has subnets in, so an AZ loss does not cut the others off the internet.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Create a NAT gateway in a public subnet of each AZ and route each AZ's private subnets to their own AZ's gateway (or use a regional NAT gateway).",
  },
  (resources, { report }) => {
    const nats = ofType(resources, TYPES.natGateway);
    for (const vpc of ofType(resources, TYPES.vpc)) {
      const subnets = referencing(resources, TYPES.subnet, "vpcId", vpc);
      const vpcNats = nats.filter((nat) => referencedBy(nat, "vpcId", TYPES.vpc).some((v) => v.urn === vpc.urn) || referencedBy(nat, "subnetId", TYPES.subnet).some((s) => subnets.includes(s)));
      if (vpcNats.length === 0) continue;
      // A regional NAT gateway (availabilityMode "regional") expands into every AZ by itself.
      if (vpcNats.some((nat) => read(() => (nat.props as NatGatewayProps).availabilityMode) === "regional")) continue;
      const needed = azSpread(subnets).zones;
      const covered = azSpread(vpcNats.flatMap((nat) => referencedBy(nat, "subnetId", TYPES.subnet))).zones;
      const missing = [...needed].filter((az) => !covered.has(az)).sort();
      if (missing.length > 0) report(`${describe(vpc)} has subnets in ${missing.join(", ")} but no NAT gateway there: losing the NAT's AZ cuts those subnets off.`, vpc.urn);
    }
  },
);

export const REDUNDANCY_POLICIES = [
  nodePoolSpansZones,
  asgElbHealthCheck,
  eksClusterSpansZones,
  auroraClusterSpansZones,
  auroraGlobalMembership,
  auroraGlobalNoBurstable,
  loadBalancerSpansZones,
  natGatewayPerZone,
];
