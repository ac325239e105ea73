/**
 * Resilience figures of the data and edge tier: where each DynamoDB global table has replicas
 * (and where it lacks one), the cache Global Datastore's members and how it fails over, and the
 * edge's protection. Pure, over the topology; the plan's `resilience.dataTier` section.
 */
import type { DistributionInfo, Topology } from "./topology";

/** AWS's wording. [DynamoDB developer guide, Global tables: consistency modes; ElastiCache DR (AWS disaster recovery workshop)] */
export const DYNAMODB_EVENTUAL_RPO = "typically about a second (replication is asynchronous; last writer wins)";
export const DYNAMODB_STRONG_RPO = "zero (writes are acknowledged by a second Region)";
export const CACHE_FAILOVER = "manual: promote a secondary (FailoverGlobalReplicationGroup); no automatic cross-region failover";
export const CACHE_RPO = "typically under a second (asynchronous replication)";
export const CACHE_RTO = "about a minute once a promotion is started";

export interface TableFigure {
  name: string;
  urn: string;
  tableName: string | null;
  consistency: "EVENTUAL" | "STRONG";
  billingMode: string;
  regions: string[];
  witnessRegion: string | null;
  missingRegions: string[];
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
  rpo: string;
}
export interface CacheMemberFigure {
  region: string;
  name: string;
  urn: string;
  role: "primary" | "secondary" | "standalone";
  nodes: number | null;
  multiAz: boolean;
  automaticFailover: boolean;
}
export interface CacheFigure {
  datastores: number;
  engine: string | null;
  members: CacheMemberFigure[];
  missingRegions: string[];
  failover: string;
  rpo: string;
  rto: string;
}
/** A CloudFront distribution as the topology reads it. */
export type EdgeFigure = DistributionInfo;
export interface DataTierFigure {
  tables: TableFigure[];
  /** Table replicas each region holds (every table should count once in every region). */
  tableReplicasByRegion: Record<string, number>;
  cache: CacheFigure | null;
  edge: EdgeFigure[];
}

export function dataTierFigure(topology: Topology, environmentRegions: readonly string[] = []): DataTierFigure {
  const regions = environmentRegions.length ? [...environmentRegions] : topology.regions.map((t) => t.region);
  const tables: TableFigure[] = topology.global.tables.map((t) => ({
    name: t.name,
    urn: t.urn,
    tableName: t.tableName,
    consistency: t.consistency,
    billingMode: t.billingMode,
    regions: t.regions,
    witnessRegion: t.witnessRegion,
    missingRegions: regions.filter((r) => !t.regions.includes(r)),
    pointInTimeRecovery: t.pointInTimeRecovery,
    deletionProtection: t.deletionProtection,
    rpo: t.consistency === "STRONG" ? DYNAMODB_STRONG_RPO : DYNAMODB_EVENTUAL_RPO,
  }));
  const tableReplicasByRegion = Object.fromEntries(regions.map((r) => [r, tables.filter((t) => t.regions.includes(r)).length]));

  const datastorePrimaries = new Set(topology.global.cacheDatastores.map((d) => d.primaryReplicationGroupId).filter((id): id is string => id !== null));
  const members: CacheMemberFigure[] = topology.regions.flatMap((t) =>
    t.cacheGroups.map((g) => ({
      region: t.region,
      name: g.name,
      urn: g.urn,
      role: g.globalReplicationGroupId ? "secondary" : g.replicationGroupId && datastorePrimaries.has(g.replicationGroupId) ? "primary" : "standalone",
      nodes: g.nodes,
      multiAz: g.multiAz,
      automaticFailover: g.automaticFailover,
    })),
  );
  const cache: CacheFigure | null = members.length || topology.global.cacheDatastores.length
    ? {
        datastores: topology.global.cacheDatastores.length,
        engine: topology.global.cacheDatastores[0]?.engine ?? topology.regions.flatMap((t) => t.cacheGroups).find((g) => g.engine)?.engine ?? null,
        members,
        missingRegions: regions.filter((r) => !members.some((m) => m.region === r && m.role !== "standalone")),
        failover: CACHE_FAILOVER,
        rpo: CACHE_RPO,
        rto: CACHE_RTO,
      }
    : null;

  const edge: EdgeFigure[] = topology.global.distributions.map((d) => ({ ...d }));
  return { tables, tableReplicasByRegion, cache, edge };
}

/** One sentence per part, for the terminal and Markdown reports; none when the tier is absent. */
export function describeDataTier(d: DataTierFigure): [string, string][] {
  const rows: [string, string][] = [];
  if (d.tables.length) {
    const tables = d.tables.map((t) => {
      const gaps = t.missingRegions.length ? `, NO replica in ${t.missingRegions.join(", ")}` : "";
      const witness = t.witnessRegion ? ` + witness ${t.witnessRegion}` : "";
      const flags = [t.pointInTimeRecovery ? "PITR" : "NO PITR", t.deletionProtection ? "deletion-protected" : "NOT deletion-protected"].join(", ");
      return `${t.tableName ?? t.name} (${t.consistency === "STRONG" ? "strong" : "eventual"}, ${t.billingMode === "PAY_PER_REQUEST" ? "on-demand" : "provisioned"}) in ${t.regions.join(", ")}${witness}${gaps}; ${flags}; RPO ${t.rpo}`;
    });
    const perRegion = Object.entries(d.tableReplicasByRegion).map(([r, n]) => `${r} ${n}`).join(", ");
    rows.push(["DynamoDB global tables", `${tables.join("; ")}. Replicas per region: ${perRegion}`]);
  }
  if (d.cache) {
    const c = d.cache;
    const members = c.members.map((m) => `${m.region} ${m.role} ×${m.nodes ?? "?"}${m.multiAz && m.automaticFailover ? " Multi-AZ" : " NOT Multi-AZ"}`).join(", ");
    const gaps = c.missingRegions.length ? `; NO member in ${c.missingRegions.join(", ")}` : "";
    rows.push(["cache", `${c.engine ?? "?"} Global Datastore (${c.datastores}): ${members || "no member"}${gaps}; failover ${c.failover}; RPO ${c.rpo}, RTO ${c.rto}`]);
  }
  if (d.edge.length) {
    rows.push(["edge", d.edge.map((e) => `CloudFront ${e.aliases.join(", ") || e.name}: ${e.webAcl ? "WAF" : "NO WAF"}, viewers ${e.viewerProtocolPolicies.join("/")} (${e.minimumProtocolVersion ?? "default TLS"}), origins ${e.origins.join(", ")}; ${e.failoverBehaviours} behaviour(s) with origin failover (GET/HEAD/OPTIONS only)`).join("; ")]);
  }
  return rows;
}
