/**
 * What the planned resources add up to, per region: AZs, VPCs and their NAT gateways, EKS
 * clusters, node pools, load balancers, Aurora members, health checks and DNS records; and the
 * global pieces (hosted zones, global clusters, ARC). Read from resource types and inputs only,
 * so it works for any program and simply comes out emptier when a component is not there yet.
 *
 * Resources are grouped by their effective region, not by stack: a single-stack program with
 * one provider per region is read the same way as one stack per region.
 */
import { globalTableRegions, replicasOfTable, type TableReplicaRef } from "../../components/lib/dynamo";
import { compareZoneIds } from "../../components/lib/zones";
import { SECRET_MASK } from "../fake-cloud";
import type { PlanResource, PlanStack } from "./model";
import { readDelegation, readServingPaths, type DelegationInfo, type ServingPathInfo } from "./serving-path";

export const TYPES = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  natGateway: "aws:ec2/natGateway:NatGateway",
  eksCluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  asg: "aws:autoscaling/group:Group",
  loadBalancers: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
  dbCluster: "aws:rds/cluster:Cluster",
  dbInstance: "aws:rds/clusterInstance:ClusterInstance",
  dbClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  zone: "aws:route53/zone:Zone",
  healthCheck: "aws:route53/healthCheck:HealthCheck",
  record: "aws:route53/record:Record",
  arcCluster: "aws:route53recoverycontrol/cluster:Cluster",
  arcControlPanel: "aws:route53recoverycontrol/controlPanel:ControlPanel",
  arcRoutingControl: "aws:route53recoverycontrol/routingControl:RoutingControl",
  dynamoTable: "aws:dynamodb/table:Table",
  /** A replica declared apart from its table (provisioned global tables). */
  dynamoTableReplica: "aws:dynamodb/tableReplica:TableReplica",
  cacheGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheDatastore: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  distribution: "aws:cloudfront/distribution:Distribution",
} as const;

export interface Named {
  urn: string;
  name: string;
}
export interface VpcInfo extends Named {
  cidrBlock: string | null;
  /** AZs that hold at least one subnet of this VPC. */
  azs: string[];
  subnetsByAz: Record<string, number>;
  /** AZ of every NAT gateway of the VPC (null when its subnet is not in the plan). */
  natGatewayAzs: (string | null)[];
}
export interface NodePoolInfo extends Named {
  kind: "autoscaling" | "managed";
  minSize: number | null;
  maxSize: number | null;
  desiredSize: number | null;
  /** AZs of its subnets (or its `availabilityZones`); empty when they cannot be told. */
  azs: string[];
  subnetCount: number;
}
export interface DbClusterInfo extends Named {
  role: "primary" | "secondary" | "standalone";
  engine: string | null;
  instances: { urn: string; name: string; az: string | null }[];
}
export interface HealthCheckInfo extends Named {
  id: string | null;
  type: string;
  /** Route 53 default 30 s when unset. */
  requestIntervalSeconds: number;
  /** Route 53 default 3 when unset. */
  failureThreshold: number;
}
export interface RecordInfo extends Named {
  recordName: string;
  recordType: string;
  routing: "latency" | "failover" | "weighted" | "geolocation" | "geoproximity" | "cidr" | "multivalue" | "simple";
  failoverRole: string | null;
  setIdentifier: string | null;
  alias: boolean;
  ttlSeconds: number | null;
  healthCheckId: string | null;
}
export interface RegionTopology {
  region: string;
  stacks: string[];
  /** AZ names of the region's subnets (in the planning account's map). */
  azs: string[];
  /** Zone IDs of the region's subnets: the same physical zones in every account. */
  azIds: string[];
  /** How the program chose the zones, as its network component explains it (RegionalNetwork's `zoneChoice`). */
  zoneChoices: string[];
  vpcs: VpcInfo[];
  eksClusters: (Named & { version: string | null })[];
  nodePools: NodePoolInfo[];
  loadBalancers: (Named & { azs: string[] })[];
  dbClusters: DbClusterInfo[];
  healthChecks: HealthCheckInfo[];
  records: RecordInfo[];
  /** `rds.global_db_rpo` values set in cluster parameter groups, in seconds. */
  globalDbRpoSeconds: number[];
  /** Load balancer → target group → Service → pods, per target group a listener forwards to. */
  servingPaths: ServingPathInfo[];
  /** ElastiCache replication groups (Global Datastore members) in this region. */
  cacheGroups: CacheGroupInfo[];
}
export interface TableInfo extends Named {
  tableName: string | null;
  /** Region of the table resource itself (its first replica). */
  homeRegion: string | null;
  /** Every region holding a replica, the home region first. */
  regions: string[];
  witnessRegion: string | null;
  consistency: "EVENTUAL" | "STRONG";
  billingMode: string;
  /** Point-in-time recovery on the table and on every replica. */
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}
export interface CacheGroupInfo extends Named {
  replicationGroupId: string | null;
  /** The Global Datastore it joins (secondaries); null for a primary or a standalone group. */
  globalReplicationGroupId: string | null;
  engine: string | null;
  nodes: number | null;
  multiAz: boolean;
  automaticFailover: boolean;
  encryptedAtRest: boolean | null;
}
export interface DatastoreInfo extends Named {
  globalReplicationGroupId: string | null;
  primaryReplicationGroupId: string | null;
  region: string | null;
  engine: string | null;
}
export interface DistributionInfo extends Named {
  aliases: string[];
  webAcl: boolean;
  viewerProtocolPolicies: string[];
  minimumProtocolVersion: string | null;
  /** Domain names of the origins; [HIDDEN_ORIGINS] when the `origins` property holds a secret. */
  origins: string[];
  /** Behaviours that use an origin group (fail over GET/HEAD/OPTIONS to a second origin). */
  failoverBehaviours: number;
}
export interface GlobalTopology {
  zones: (Named & { zoneName: string })[];
  globalClusters: (Named & { identifier: string | null; engine: string | null })[];
  arc: { clusters: Named[]; controlPanels: Named[]; routingControls: (Named & { controlName: string | null })[] };
  delegation: DelegationInfo;
  /** DynamoDB tables (global tables span regions: read from the resource in its home region). */
  tables: TableInfo[];
  cacheDatastores: DatastoreInfo[];
  distributions: DistributionInfo[];
}
export interface Topology {
  regions: RegionTopology[];
  global: GlobalTopology;
}

// --- reading inputs without trusting their shape -------------------------------------------------

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}
function num(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return null;
}
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
function distinct<T>(values: Iterable<T | null | undefined>): T[] {
  return [...new Set([...values].filter((v): v is T => v !== null && v !== undefined))];
}
const named = (r: PlanResource): Named => ({ urn: r.urn, name: r.name });

/** The network component that explains its zone choice in its outputs. */
const NETWORK_COMPONENT = "platform:network:RegionalNetwork";

/** A subnet's AZ name and zone ID: whichever the program set, the other from the provider's state. */
function subnetZone(r: PlanResource): { name: string | null; id: string | null } {
  return {
    name: str(r.inputs.availabilityZone) ?? str(r.outputs.availabilityZone),
    id: str(r.inputs.availabilityZoneId) ?? str(r.outputs.availabilityZoneId),
  };
}

/** Physical ids a resource can be referred to by (its id and identifier-like outputs). */
function idsOf(r: PlanResource): string[] {
  return distinct([r.id, str(r.outputs.id), str(r.outputs.clusterIdentifier), str(r.outputs.arn), str(r.inputs.clusterIdentifier)]);
}

function routingOf(inputs: Record<string, unknown>): RecordInfo["routing"] {
  if (list(inputs.latencyRoutingPolicies).length) return "latency";
  if (list(inputs.failoverRoutingPolicies).length) return "failover";
  if (list(inputs.weightedRoutingPolicies).length) return "weighted";
  if (list(inputs.geolocationRoutingPolicies).length) return "geolocation";
  if (inputs.geoproximityRoutingPolicy) return "geoproximity";
  if (inputs.cidrRoutingPolicy) return "cidr";
  if (inputs.multivalueAnswerRoutingPolicy === true) return "multivalue";
  return "simple";
}

function dbRole(inputs: Record<string, unknown>): DbClusterInfo["role"] {
  // Secondaries are created without master credentials (they replicate the primary's).
  const joined = str(inputs.globalClusterIdentifier) !== null;
  if (!joined) return "standalone";
  return str(inputs.masterUsername) || inputs.manageMasterUserPassword === true || inputs.masterPassword ? "primary" : "secondary";
}

/** Reads the topology of every resource of every stack. */
export function readTopology(stacks: readonly Omit<PlanStack, "violations">[], environmentRegions: readonly string[] = []): Topology {
  // The environment's order (primary first), else the order of the regional stacks.
  const regionOrder = environmentRegions.length ? environmentRegions : distinct(stacks.map((s) => (s.role === "region" ? s.region : null)));
  const all = stacks.flatMap((stack) => stack.resources.map((resource) => ({ stack: stack.stack, resource })));
  const ofType = (...types: string[]) => all.filter(({ resource }) => types.includes(resource.type));

  const subnetAz = new Map<string, string | null>();
  const subnetVpc = new Map<string, string | null>();
  for (const { resource } of ofType(TYPES.subnet)) {
    const az = subnetZone(resource).name;
    for (const id of idsOf(resource)) {
      subnetAz.set(id, az);
      subnetVpc.set(id, str(resource.inputs.vpcId));
    }
  }
  const azsOfSubnets = (ids: unknown[]) => distinct(ids.map((id) => (typeof id === "string" ? subnetAz.get(id) : null))).sort();

  const regions = new Map<string, RegionTopology>();
  const regionOf = (region: string): RegionTopology => {
    let topology = regions.get(region);
    if (!topology) {
      topology = { region, stacks: [], azs: [], azIds: [], zoneChoices: [], vpcs: [], eksClusters: [], nodePools: [], loadBalancers: [], dbClusters: [], healthChecks: [], records: [], globalDbRpoSeconds: [], servingPaths: [], cacheGroups: [] };
      regions.set(region, topology);
    }
    return topology;
  };
  for (const region of regionOrder) regionOf(region);
  for (const stack of stacks) if (stack.role === "region" && stack.region) regionOf(stack.region).stacks.push(stack.stack);

  const global: GlobalTopology = { zones: [], globalClusters: [], arc: { clusters: [], controlPanels: [], routingControls: [] }, delegation: readDelegation(all.map(({ resource }) => resource)), tables: [], cacheDatastores: [], distributions: [] };
  for (const [region, paths] of readServingPaths(stacks)) regionOf(region).servingPaths.push(...paths);
  const instancesByCluster = new Map<string, DbClusterInfo["instances"]>();
  for (const { resource } of ofType(TYPES.dbInstance)) {
    const key = str(resource.inputs.clusterIdentifier) ?? "";
    const instances = instancesByCluster.get(key) ?? [];
    instances.push({ urn: resource.urn, name: resource.name, az: str(resource.inputs.availabilityZone) });
    instancesByCluster.set(key, instances);
  }

  const tableReplicas = ofType(TYPES.dynamoTableReplica).map(({ resource }) => tableReplicaOf(resource));

  for (const { resource: r } of all) {
    const inputs = r.inputs;
    if (r.type === NETWORK_COMPONENT) {
      // A component has no region of its own: its subnets' region is the one it explains.
      const choice = str(r.outputs.zoneChoice);
      const subnet = all.find(({ resource }) => resource.type === TYPES.subnet && resource.parent === r.urn)?.resource;
      if (choice && subnet?.region) regionOf(subnet.region).zoneChoices.push(choice);
      continue;
    }
    switch (r.type) {
      case TYPES.zone:
        global.zones.push({ ...named(r), zoneName: str(inputs.name) ?? r.name });
        continue;
      case TYPES.globalCluster:
        global.globalClusters.push({ ...named(r), identifier: str(inputs.globalClusterIdentifier), engine: str(inputs.engine) });
        continue;
      case TYPES.arcCluster:
        global.arc.clusters.push(named(r));
        continue;
      case TYPES.arcControlPanel:
        global.arc.controlPanels.push(named(r));
        continue;
      case TYPES.arcRoutingControl:
        global.arc.routingControls.push({ ...named(r), controlName: str(inputs.name) });
        continue;
      case TYPES.dynamoTable:
        global.tables.push(tableInfo(r, tableReplicas));
        continue;
      case TYPES.cacheDatastore:
        global.cacheDatastores.push({ ...named(r), globalReplicationGroupId: str(r.outputs.globalReplicationGroupId) ?? r.id, primaryReplicationGroupId: str(inputs.primaryReplicationGroupId), region: r.region, engine: str(inputs.engine) });
        continue;
      case TYPES.distribution:
        global.distributions.push(distributionInfo(r));
        continue;
    }
    if (!r.region) continue;
    const region = r.region;
    switch (r.type) {
      case TYPES.subnet: {
        const { name: az, id: azId } = subnetZone(r);
        const topology = regionOf(region);
        if (az && !topology.azs.includes(az)) topology.azs.push(az);
        if (azId && !topology.azIds.includes(azId)) topology.azIds.push(azId);
        break;
      }
      case TYPES.vpc: {
        const ids = idsOf(r);
        const subnets = ofType(TYPES.subnet).filter(({ resource }) => ids.includes(String(resource.inputs.vpcId)));
        const subnetsByAz: Record<string, number> = {};
        for (const { resource } of subnets) {
          const az = subnetZone(resource).name ?? "unknown";
          subnetsByAz[az] = (subnetsByAz[az] ?? 0) + 1;
        }
        const nats = ofType(TYPES.natGateway).filter(({ resource }) => ids.includes(String(subnetVpc.get(String(resource.inputs.subnetId)))));
        regionOf(region).vpcs.push({
          ...named(r),
          cidrBlock: str(inputs.cidrBlock),
          azs: Object.keys(subnetsByAz).filter((az) => az !== "unknown").sort(),
          subnetsByAz,
          natGatewayAzs: nats.map(({ resource }) => subnetAz.get(String(resource.inputs.subnetId)) ?? null),
        });
        break;
      }
      case TYPES.eksCluster:
        regionOf(region).eksClusters.push({ ...named(r), version: str(inputs.version) });
        break;
      case TYPES.asg: {
        const subnets = list(inputs.vpcZoneIdentifiers);
        const azs = subnets.length ? azsOfSubnets(subnets) : distinct(list(inputs.availabilityZones).map(str)).sort();
        regionOf(region).nodePools.push({ ...named(r), kind: "autoscaling", minSize: num(inputs.minSize), maxSize: num(inputs.maxSize), desiredSize: num(inputs.desiredCapacity), azs, subnetCount: subnets.length });
        break;
      }
      case TYPES.nodeGroup: {
        const scaling = record(inputs.scalingConfig);
        const subnets = list(inputs.subnetIds);
        regionOf(region).nodePools.push({ ...named(r), kind: "managed", minSize: num(scaling.minSize), maxSize: num(scaling.maxSize), desiredSize: num(scaling.desiredSize), azs: azsOfSubnets(subnets), subnetCount: subnets.length });
        break;
      }
      case TYPES.loadBalancers[0]:
      case TYPES.loadBalancers[1]: {
        const subnets = [...list(inputs.subnets), ...list(inputs.subnetMappings).map((m) => record(m).subnetId)];
        regionOf(region).loadBalancers.push({ ...named(r), azs: azsOfSubnets(subnets) });
        break;
      }
      case TYPES.dbCluster: {
        const instances = idsOf(r).flatMap((id) => instancesByCluster.get(id) ?? []);
        regionOf(region).dbClusters.push({ ...named(r), role: dbRole(inputs), engine: str(inputs.engine), instances });
        break;
      }
      case TYPES.dbClusterParameterGroup:
        for (const parameter of list(inputs.parameters).map(record)) {
          const seconds = num(parameter.value);
          if (parameter.name === "rds.global_db_rpo" && seconds !== null) regionOf(region).globalDbRpoSeconds.push(seconds);
        }
        break;
      case TYPES.cacheGroup:
        regionOf(region).cacheGroups.push({
          ...named(r),
          replicationGroupId: str(inputs.replicationGroupId) ?? r.id,
          globalReplicationGroupId: str(inputs.globalReplicationGroupId),
          engine: str(inputs.engine),
          nodes: num(inputs.numCacheClusters),
          multiAz: inputs.multiAzEnabled === true,
          automaticFailover: inputs.automaticFailoverEnabled === true,
          encryptedAtRest: typeof inputs.atRestEncryptionEnabled === "boolean" ? inputs.atRestEncryptionEnabled : null,
        });
        break;
      case TYPES.healthCheck:
        regionOf(region).healthChecks.push({
          ...named(r),
          id: r.id,
          type: str(inputs.type) ?? "unknown",
          requestIntervalSeconds: num(inputs.requestInterval) ?? 30,
          failureThreshold: num(inputs.failureThreshold) ?? 3,
        });
        break;
      case TYPES.record:
        regionOf(region).records.push({
          ...named(r),
          recordName: str(inputs.name) ?? r.name,
          recordType: str(inputs.type) ?? "?",
          routing: routingOf(inputs),
          failoverRole: str(record(list(inputs.failoverRoutingPolicies)[0]).type),
          setIdentifier: str(inputs.setIdentifier),
          alias: list(inputs.aliases).length > 0,
          ttlSeconds: num(inputs.ttl),
          healthCheckId: str(inputs.healthCheckId),
        });
        break;
    }
  }
  for (const topology of regions.values()) {
    topology.azs.sort();
    topology.azIds.sort(compareZoneIds);
  }
  // Regions of the environment first (in its order), then any others a program touched.
  const ordered = [...regions.values()].sort((a, b) => rank(a.region, regionOrder) - rank(b.region, regionOrder) || a.region.localeCompare(b.region));
  return { regions: ordered.filter((t) => regionOrder.includes(t.region) || t.stacks.length > 0 || hasContent(t)), global };
}

/** A TableReplica as the plan records it, with what tableInfo reads of it. */
interface PlannedTableReplica extends TableReplicaRef {
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}

function tableReplicaOf(r: PlanResource): PlannedTableReplica {
  return {
    region: r.region,
    globalTableArn: str(r.inputs.globalTableArn),
    globalTableArnDependencies: r.propertyDependencies?.globalTableArn ?? [],
    pointInTimeRecovery: r.inputs.pointInTimeRecovery === true,
    deletionProtection: r.inputs.deletionProtectionEnabled === true,
  };
}

/** A table with its replicas: inline `replicas` blocks and the TableReplica resources that name it. */
function tableInfo(r: PlanResource, tableReplicas: readonly PlannedTableReplica[]): TableInfo {
  const inputs = r.inputs;
  const replicas = list(inputs.replicas).map(record);
  const separate = replicasOfTable({ urn: r.urn, arn: str(r.outputs.arn) }, tableReplicas);
  const strong = replicas.some((x) => x.consistencyMode === "STRONG");
  return {
    ...named(r),
    tableName: str(inputs.name),
    homeRegion: r.region,
    regions: globalTableRegions(r.region, replicas.map((x) => str(x.regionName)), separate).regions,
    witnessRegion: str(record(inputs.globalTableWitness).regionName),
    consistency: strong ? "STRONG" : "EVENTUAL",
    billingMode: str(inputs.billingMode) ?? "PROVISIONED",
    pointInTimeRecovery: record(inputs.pointInTimeRecovery).enabled === true && replicas.every((x) => x.pointInTimeRecovery === true) && separate.every((x) => x.pointInTimeRecovery),
    deletionProtection: inputs.deletionProtectionEnabled === true && replicas.every((x) => x.deletionProtectionEnabled === true) && separate.every((x) => x.deletionProtection),
  };
}

/**
 * What the figure says for origins whose property holds a secret (the origin-verify header):
 * Pulumi then shows the whole property as [secret], and so does the plan. Not even how many: a
 * report shows no more of a secret value than Pulumi does; and the figure reads only what the
 * plan JSON and a stack export hold, so a --diff base assembled from an export reads the same.
 */
export const HIDDEN_ORIGINS = "(hidden: the origins property holds a secret)";

function distributionInfo(r: PlanResource): DistributionInfo {
  const inputs = r.inputs;
  const groups = new Set(list(inputs.originGroups).map((g) => str(record(g).originId)));
  const behaviours = [record(inputs.defaultCacheBehavior), ...list(inputs.orderedCacheBehaviors).map(record)];
  return {
    ...named(r),
    aliases: distinct(list(inputs.aliases).map(str)),
    webAcl: str(inputs.webAclId) !== null,
    viewerProtocolPolicies: distinct(behaviours.map((b) => str(b.viewerProtocolPolicy))),
    minimumProtocolVersion: str(record(inputs.viewerCertificate).minimumProtocolVersion),
    origins: inputs.origins === SECRET_MASK ? [HIDDEN_ORIGINS] : distinct(list(inputs.origins).map((o) => str(record(o).domainName))),
    failoverBehaviours: behaviours.filter((b) => groups.has(str(b.targetOriginId))).length,
  };
}

function rank(region: string, order: readonly string[]): number {
  const index = order.indexOf(region);
  return index < 0 ? order.length : index;
}

/** A region holding only what a global stack happens to place there (a zone's provider region) is no region of the platform. */
function hasContent(t: RegionTopology): boolean {
  return t.vpcs.length + t.eksClusters.length + t.nodePools.length + t.loadBalancers.length + t.dbClusters.length + t.healthChecks.length + t.records.length + t.servingPaths.length + t.cacheGroups.length > 0;
}
