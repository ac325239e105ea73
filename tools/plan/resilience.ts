/**
 * Resilience figures of a plan: what survives an AZ or a region loss, and how fast traffic and
 * data move. Pure functions over the topology (tools/plan/topology.ts) and the environment
 * settings; where the plan holds no resource of a kind yet, the figure falls back to the
 * settings and says so in its `source`.
 */
import { ALB_ALIAS_TTL_SECONDS, detectionSeconds, worstCaseDnsFailoverSeconds } from "../../components/lib/failover";
import type { EnvironmentSettings } from "../../stacks/config";
import type { HealthCheckInfo, NodePoolInfo, RecordInfo, RegionTopology, Topology, VpcInfo, DbClusterInfo } from "./topology";
import type { DelegationInfo, ServingPathInfo } from "./serving-path";
import { dataTierFigure, type DataTierFigure } from "./data-tier";
import type { PlanStack } from "./model";
import { monitoringFigure, type MonitoringFigure } from "./monitoring";
import { experimentsFigure, type ExperimentsFigure } from "./experiments";
import { loadCapacity, type LoadCapacity } from "../../components/lib/load-capacity";

export type ResilienceSettings = Partial<Pick<EnvironmentSettings,
  "regions" | "azCount" | "healthCheckIntervalSeconds" | "healthCheckFailureThreshold" | "dnsRecordTtlSeconds" |
  "failoverBudgetSeconds" | "dbEngine" | "dbGlobalRpoSeconds" | "nodeMaxSize" | "globalPeakNodes" |
  "dnsZoneName" | "dnsCreateZone" | "dnsParentZoneName" | "dnsManualDelegation" |
  "loadPeakMultiplier" | "peakServiceReplicas" | "serviceReplicas" | "serviceMaxReplicas">>;

export type Source = "resources" | "settings" | "none";

export interface RegionFigure {
  region: string;
  role: "primary" | "secondary" | "region";
  stacks: string[];
  azs: string[];
  /** Zone IDs of the AZs (the physical zones; names differ per account). */
  azIds: string[];
  /** The program's account of its zone choice (which zone IDs, and why others were left out); null when it gives none. */
  zoneChoice: string | null;
}
export interface DnsFailoverFigure {
  source: Source;
  /** Detection plus the answer's TTL: until every resolver holds the new answer. */
  worstCaseSeconds: number | null;
  /** threshold × (interval + the check's timeout): until Route 53 answers with other regions. */
  detectionSeconds: number | null;
  requestIntervalSeconds: number | null;
  failureThreshold: number | null;
  ttlSeconds: number | null;
  healthChecks: number;
  budgetSeconds: number | null;
  withinBudget: boolean | null;
}
export interface DatabaseFigure {
  source: Source;
  engine: string | null;
  /** AWS's wording for Aurora Global Database cross-region replication. */
  rpo: string;
  rto: string;
  /** `rds.global_db_rpo` (aurora-postgresql); null when off. */
  configuredRpoSeconds: number | null;
  globalClusters: number;
  members: { region: string; name: string; urn: string; role: DbClusterInfo["role"]; instances: number; azs: string[] }[];
}
export interface CapacityFigure {
  source: Source;
  maxNodesByRegion: Record<string, number>;
  totalMaxNodes: number;
  largestRegion: string | null;
  /** Nodes the other regions can scale to when the largest region is lost. */
  afterLosingLargestRegion: number;
  /** Configured `globalPeakNodes`; null when 0 (not checked). */
  peakNodes: number | null;
  sufficient: boolean | null;
  /**
   * `loadPeakMultiplier` × today's peak (globalPeakNodes, else the pools' desired sizes): nodes
   * needed, whether the maxima allow it, what fails first (components/lib/load-capacity.ts);
   * null when no node pool is planned. Absent in plans written before it.
   */
  load?: (LoadCapacity & { peakSource: "globalPeakNodes" | "desiredSize" }) | null;
}
export type SinglePointKind = "single-nat-gateway" | "single-az-node-pool" | "single-instance-db-cluster" | "single-az-load-balancer";
export interface SinglePointOfFailure {
  kind: SinglePointKind;
  region: string;
  urn: string;
  message: string;
}
export interface RegionServingPath {
  region: string;
  /** Every target group a listener forwards to is served down to ready pods, and a DNS record aliases the ALB. */
  complete: boolean;
  /** The first missing link, in words; null when complete. */
  missing: string | null;
  paths: ServingPathInfo[];
}
export interface DelegationFigure {
  /** parent-zone: the global stack writes the NS records; manual: by hand, the deploy waits; existing-zone: looked up; undelegated: nothing delegates it. */
  mode: "parent-zone" | "manual" | "existing-zone" | "undelegated" | "none";
  zoneName: string | null;
  parentZoneName: string | null;
  /** What the first deployment does about it. */
  message: string;
}
export interface ServingPathFigure {
  delegation: DelegationFigure;
  regions: RegionServingPath[];
}
export interface Resilience {
  regions: { count: number; primary: string | null; list: RegionFigure[] };
  dnsFailover: DnsFailoverFigure;
  database: DatabaseFigure;
  capacity: CapacityFigure;
  singlePointsOfFailure: SinglePointOfFailure[];
  servingPath: ServingPathFigure;
  /** DynamoDB global tables, the cache Global Datastore and the edge (empty when the environment has none). */
  dataTier: DataTierFigure;
  /** Alarms, dashboards, topics, Prometheus and probes per region; the global view (tools/plan/monitoring.ts). */
  monitoring: MonitoringFigure;
  /** Fault-injection experiments and zonal autoshift per region; the Region switch plans (tools/plan/experiments.ts). */
  experiments: ExperimentsFigure;
}

/** AWS's own wording (Aurora Global Database disaster recovery documentation). */
export const AURORA_GLOBAL_RPO = "typically seconds";
export const AURORA_GLOBAL_RTO = "in the order of minutes";

/** Route 53 health-check types that probe an endpoint (the others follow children, alarms or ARC). */
const ENDPOINT_CHECK_TYPES = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"];

export function regionFigures(regions: readonly RegionTopology[], primary: string | null): RegionFigure[] {
  return regions.map((t) => ({
    region: t.region,
    role: primary === null ? "region" : t.region === primary ? "primary" : "secondary",
    stacks: t.stacks,
    azs: t.azs,
    azIds: t.azIds,
    zoneChoice: t.zoneChoices.length ? t.zoneChoices.join(" | ") : null,
  }));
}

/**
 * Worst-case DNS failover. From the endpoint health checks found (the slowest one) and the TTL of
 * the records they guard (alias records inherit the ALB's 60 s); with none planned, from the
 * environment's health-check settings.
 */
export function dnsFailoverFigure(checks: readonly HealthCheckInfo[], records: readonly RecordInfo[], settings: ResilienceSettings = {}): DnsFailoverFigure {
  const budgetSeconds = settings.failoverBudgetSeconds ?? null;
  const endpointChecks = checks.filter((c) => ENDPOINT_CHECK_TYPES.includes(c.type));
  let interval: number, threshold: number, ttl: number, source: Source;
  let checkType: string | undefined;
  if (endpointChecks.length > 0) {
    const slowest = endpointChecks.reduce((a, b) => (detectionSeconds(b.requestIntervalSeconds, b.failureThreshold, b.type) > detectionSeconds(a.requestIntervalSeconds, a.failureThreshold, a.type) ? b : a));
    interval = slowest.requestIntervalSeconds;
    threshold = slowest.failureThreshold;
    checkType = slowest.type;
    const guarded = records.filter((r) => r.healthCheckId !== null);
    const routed = guarded.length > 0 ? guarded : records.filter((r) => r.routing !== "simple");
    const ttls = routed.map((r) => (r.alias ? ALB_ALIAS_TTL_SECONDS : r.ttlSeconds ?? 0));
    ttl = ttls.length > 0 ? Math.max(...ttls) : Math.max(ALB_ALIAS_TTL_SECONDS, settings.dnsRecordTtlSeconds ?? 0);
    source = "resources";
  } else if (settings.healthCheckIntervalSeconds !== undefined && settings.healthCheckFailureThreshold !== undefined) {
    interval = settings.healthCheckIntervalSeconds;
    threshold = settings.healthCheckFailureThreshold;
    // The app name is an alias of the ALB (60 s); the writer name may carry dnsRecordTtlSeconds.
    ttl = Math.max(ALB_ALIAS_TTL_SECONDS, settings.dnsRecordTtlSeconds ?? 0);
    source = "settings";
  } else {
    return { source: "none", worstCaseSeconds: null, detectionSeconds: null, requestIntervalSeconds: null, failureThreshold: null, ttlSeconds: null, healthChecks: 0, budgetSeconds, withinBudget: null };
  }
  let worstCase: number | null;
  try {
    worstCase = worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: interval, healthCheckFailureThreshold: threshold, recordTtlSeconds: ttl, healthCheckType: checkType });
  } catch {
    // A value Route 53 would refuse; the policy pack reports it, the figure just stays unknown.
    worstCase = null;
  }
  const detection = detectionSeconds(interval, threshold, checkType);
  return {
    source,
    worstCaseSeconds: worstCase,
    detectionSeconds: detection,
    requestIntervalSeconds: interval,
    failureThreshold: threshold,
    ttlSeconds: ttl,
    healthChecks: endpointChecks.length,
    budgetSeconds,
    // The budget is the whole time to other regions' answers (failoverBudgetSeconds; the policy
    // failover-time-budget judges the same): detection and the cached answer's TTL.
    withinBudget: budgetSeconds === null || worstCase === null ? null : worstCase <= budgetSeconds,
  };
}

export function databaseFigure(regions: readonly RegionTopology[], globalClusters: number, settings: ResilienceSettings = {}): DatabaseFigure {
  const members = regions.flatMap((t) =>
    t.dbClusters.map((c) => ({ region: t.region, name: c.name, urn: c.urn, role: c.role, instances: c.instances.length, azs: [...new Set(c.instances.map((i) => i.az).filter((az): az is string => az !== null))].sort() })),
  );
  const rpoFromParameters = regions.flatMap((t) => t.globalDbRpoSeconds);
  const engines = regions.flatMap((t) => t.dbClusters.map((c) => c.engine)).filter((e): e is string => e !== null);
  const fromResources = members.length > 0 || globalClusters > 0;
  const configuredRpoSeconds = rpoFromParameters.length > 0 ? Math.max(...rpoFromParameters) : settings.dbGlobalRpoSeconds ? settings.dbGlobalRpoSeconds : null;
  return {
    source: fromResources ? "resources" : settings.dbEngine ? "settings" : "none",
    engine: engines[0] ?? settings.dbEngine ?? null,
    rpo: AURORA_GLOBAL_RPO,
    rto: AURORA_GLOBAL_RTO,
    configuredRpoSeconds,
    globalClusters,
    members,
  };
}

/** Capacity left after losing the largest region, from node pools' max sizes (else settings). */
export function capacityFigure(poolsByRegion: Readonly<Record<string, readonly NodePoolInfo[]>>, settings: ResilienceSettings = {}): CapacityFigure {
  let maxNodesByRegion: Record<string, number> = {};
  let source: Source = "none";
  const withPools = Object.entries(poolsByRegion).filter(([, pools]) => pools.length > 0);
  if (withPools.length > 0) {
    maxNodesByRegion = Object.fromEntries(withPools.map(([region, pools]) => [region, pools.reduce((sum, p) => sum + (p.maxSize ?? 0), 0)]));
    source = "resources";
  } else if (settings.regions?.length && settings.nodeMaxSize !== undefined) {
    maxNodesByRegion = Object.fromEntries(settings.regions.map((region) => [region, settings.nodeMaxSize!]));
    source = "settings";
  }
  const entries = Object.entries(maxNodesByRegion);
  const totalMaxNodes = entries.reduce((sum, [, n]) => sum + n, 0);
  const largest = entries.reduce<[string, number] | null>((best, entry) => (best === null || entry[1] > best[1] ? entry : best), null);
  const afterLosingLargestRegion = totalMaxNodes - (largest?.[1] ?? 0);
  const peakNodes = settings.globalPeakNodes ? settings.globalPeakNodes : null;
  return {
    source,
    maxNodesByRegion,
    totalMaxNodes,
    largestRegion: largest?.[0] ?? null,
    afterLosingLargestRegion,
    peakNodes,
    sufficient: peakNodes === null || source === "none" ? null : afterLosingLargestRegion >= peakNodes,
    load: loadFigure(maxNodesByRegion, poolsByRegion, settings),
  };
}

/** The multiple-of-peak answer for the planned pools; null when nothing tells today's peak. */
function loadFigure(maxNodesByRegion: Record<string, number>, poolsByRegion: Readonly<Record<string, readonly NodePoolInfo[]>>, settings: ResilienceSettings): CapacityFigure["load"] {
  const regions = Object.entries(maxNodesByRegion).map(([region, maxNodes]) => ({ region, maxNodes }));
  const desired = Object.values(poolsByRegion).flat().reduce((sum, p) => sum + (p.desiredSize ?? p.minSize ?? 0), 0);
  const peakSource = settings.globalPeakNodes ? "globalPeakNodes" : "desiredSize";
  const peakNodes = settings.globalPeakNodes || desired;
  if (regions.length === 0 || peakNodes <= 0 || regions.every((r) => r.maxNodes <= 0)) return null;
  const peakReplicas = settings.peakServiceReplicas || settings.serviceReplicas;
  return {
    ...loadCapacity({
      multiplier: settings.loadPeakMultiplier ?? 10,
      peakNodes,
      regions,
      ...(peakReplicas && settings.serviceMaxReplicas ? { service: { peakReplicas, maxReplicas: settings.serviceMaxReplicas } } : {}),
    }),
    peakSource,
  };
}

function natSinglePoint(region: string, vpc: VpcInfo): SinglePointOfFailure | null {
  const natAzs = new Set(vpc.natGatewayAzs.map((az) => az ?? "unknown"));
  if (vpc.azs.length < 2 || vpc.natGatewayAzs.length === 0 || natAzs.size > 1) return null;
  return {
    kind: "single-nat-gateway",
    region,
    urn: vpc.urn,
    message: `VPC ${vpc.name} spans ${vpc.azs.length} AZs but all private egress leaves through NAT in ${[...natAzs][0]}; losing that AZ cuts every AZ off (natGateways: perAz)`,
  };
}

/** Single points of failure: one NAT for a multi-AZ VPC, one-AZ node pools and load balancers, one-instance DB clusters. */
export function singlePointsOfFailure(regions: readonly RegionTopology[]): SinglePointOfFailure[] {
  const found: SinglePointOfFailure[] = [];
  for (const t of regions) {
    for (const vpc of t.vpcs) {
      const spof = natSinglePoint(t.region, vpc);
      if (spof) found.push(spof);
    }
    for (const pool of t.nodePools) {
      // One subnet is one AZ even when the subnet itself is not in the plan.
      const oneAz = pool.azs.length === 1 || (pool.azs.length === 0 && pool.subnetCount === 1);
      if (oneAz) {
        found.push({ kind: "single-az-node-pool", region: t.region, urn: pool.urn, message: `node pool ${pool.name} runs in one AZ${pool.azs[0] ? ` (${pool.azs[0]})` : ""}; give it subnets in every AZ` });
      }
    }
    for (const lb of t.loadBalancers) {
      if (lb.azs.length === 1) found.push({ kind: "single-az-load-balancer", region: t.region, urn: lb.urn, message: `load balancer ${lb.name} has subnets in one AZ (${lb.azs[0]})` });
    }
    for (const cluster of t.dbClusters) {
      if (cluster.instances.length <= 1) {
        const what = cluster.instances.length === 0 ? "no instance" : "one instance";
        found.push({ kind: "single-instance-db-cluster", region: t.region, urn: cluster.urn, message: `Aurora cluster ${cluster.name} (${cluster.role}) has ${what}; a failover needs a second instance in another AZ` });
      }
    }
  }
  return found;
}

/** The zone's delegation in words: who writes the NS records and what the first deploy waits for. */
export function delegationFigure(found: DelegationInfo, settings: ResilienceSettings = {}): DelegationFigure {
  const zoneName = found.zoneName ?? (settings.dnsZoneName ? settings.dnsZoneName.replace(/\.$/, "") : null);
  const parentZoneName = settings.dnsParentZoneName ? settings.dnsParentZoneName.replace(/\.$/, "") : null;
  const zone = zoneName ?? "the zone";
  switch (found.mode) {
    case "parent-zone":
      return { mode: "parent-zone", zoneName, parentZoneName, message: `the global stack writes ${zone}'s NS records in ${parentZoneName ?? "its parent zone"}; the deploy waits for the zone to answer before the primary wave` };
    case "created":
      return settings.dnsManualDelegation
        ? { mode: "manual", zoneName, parentZoneName: null, message: `${zone} is delegated by hand (dnsManualDelegation): add its NS records at the parent; the deploy waits for the zone to answer before the primary wave, then stops with the records to add` }
        : { mode: "undelegated", zoneName, parentZoneName: null, message: `nothing delegates the new zone ${zone}: certificate validation in every region would wait for it until it times out` };
    case "existing-zone":
      return { mode: "existing-zone", zoneName, parentZoneName: null, message: `${zone} exists already and is taken as delegated` };
    default:
      return { mode: "none", zoneName, parentZoneName: null, message: "no hosted zone planned" };
  }
}

/** Each region's serving path, complete or with the first missing link. */
export function servingPathFigure(regions: readonly RegionTopology[], delegation: DelegationInfo, settings: ResilienceSettings = {}): ServingPathFigure {
  return {
    delegation: delegationFigure(delegation, settings),
    regions: regions.filter((t) => t.servingPaths.length > 0 || t.loadBalancers.length > 0).map((t) => {
      const broken = t.servingPaths.find((p) => !p.complete);
      const missing = t.servingPaths.length === 0
        ? "no listener forwards to a target group in this region"
        : broken ? `${broken.missingLink}: ${broken.missing}` : null;
      return { region: t.region, complete: missing === null, missing, paths: t.servingPaths };
    }),
  };
}

/** Every figure for a plan's topology (and, for monitoring, its stacks). */
export function computeResilience(topology: Topology, settings: ResilienceSettings = {}, stacks: readonly Pick<PlanStack, "stack" | "role" | "region" | "resources">[] = []): Resilience {
  const primary = settings.regions?.[0] ?? topology.regions.find((t) => t.dbClusters.some((c) => c.role === "primary"))?.region ?? null;
  const list = regionFigures(topology.regions, primary);
  return {
    regions: { count: list.length, primary, list },
    dnsFailover: dnsFailoverFigure(topology.regions.flatMap((t) => t.healthChecks), topology.regions.flatMap((t) => t.records), settings),
    database: databaseFigure(topology.regions, topology.global.globalClusters.length, settings),
    capacity: capacityFigure(Object.fromEntries(topology.regions.map((t) => [t.region, t.nodePools])), settings),
    singlePointsOfFailure: singlePointsOfFailure(topology.regions),
    servingPath: servingPathFigure(topology.regions, topology.global.delegation, settings),
    dataTier: dataTierFigure(topology, settings.regions ?? []),
    monitoring: monitoringFigure(stacks, topology.regions.map((t) => t.region)),
    experiments: experimentsFigure(stacks, topology.regions.map((t) => t.region)),
  };
}
