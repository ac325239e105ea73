/**
 * Decisions behind an ElastiCache (Valkey or Redis OSS) Global Datastore, as pure functions:
 * which engines, versions, node types and Regions AWS accepts, the AUTH token alphabet, and the
 * member properties Pulumi must leave alone once a replication group is in a global datastore.
 *
 * Sources (checked 2026):
 * - Engines: Valkey 7.2 or later, Redis OSS 5.0.6 or later. Node families M5, M6g, M7g, R5,
 *   R6g, R6gd, R7g and C7gn, size large and above (no burstable T, no previous generation).
 *   One primary cluster plus up to two secondary Regions. Every member has the same node type,
 *   engine version and number of shards; only the replica count may differ. No automatic
 *   cross-Region failover: a secondary is promoted by hand (FailoverGlobalReplicationGroup).
 *   [ElastiCache user guide, Global datastores: prerequisites and limitations; console guide]
 * - AUTH tokens: 16 to 128 printable characters; the only non-alphanumeric characters allowed
 *   are ! & # $ ^ < > -; AUTH needs in-transit encryption. [ElastiCache user guide, AUTH]
 * - A member created with GlobalReplicationGroupId cannot set engine, engine version, node type,
 *   parameter group, in-transit or at-rest encryption (inherited from the primary); the
 *   provider marks global_replication_group_id ForceNew. [terraform-provider-aws
 *   internal/service/elasticache/replication_group.go: ConflictsWith; fugue/regula#414;
 *   aws-cloudformation-user-guide#1117]
 * - After a failover the global replication group reads back the new primary as
 *   primary_replication_group_id, which is ForceNew: ignore it or Pulumi replaces the datastore.
 *   [terraform-provider-aws global_replication_group.go: flattenGlobalReplicationGroupPrimaryGroupID]
 * - Members reject modifications that belong to the global datastore ("Cluster ... is part of a
 *   global cluster. Request rejected"). [terraform-provider-aws#19929, #27875]
 * - A major engine upgrade of the datastore (ModifyGlobalReplicationGroup) takes the parameter group
 *   of the new major version's family; the provider sends parameter_group_name only with a major
 *   upgrade and refuses any change of it without one (at creation it is ignored), so it stays set
 *   after the upgrade until the next one. [terraform-provider-aws global_replication_group.go:
 *   paramGroupNameRequiresMajorVersionUpgrade; ElastiCache API, ModifyGlobalReplicationGroup]
 * - Joining a global datastore turns auto minor version upgrade off, and it cannot be turned on
 *   while the cluster is a member; the provider reads auto_minor_version_upgrade back with no diff
 *   suppression. [terraform-provider-aws#24919, #24854; terraform-aws-modules/terraform-aws-elasticache#7]
 */

export type CacheEngine = "valkey" | "redis";
export const CACHE_ENGINES: readonly CacheEngine[] = ["valkey", "redis"];

/** Node families Global Datastore supports. R6gd needs data tiering, which `RegionalCache` does not configure. */
export const GLOBAL_DATASTORE_FAMILIES = ["m5", "m6g", "m7g", "r5", "r6g", "r7g", "c7gn"] as const;
/** Sizes below `large` are refused. */
const SMALL_SIZES = ["nano", "micro", "small", "medium"];

/** Regions Global Datastore is offered in (commercial Regions of the ElastiCache user guide's list). */
export const GLOBAL_DATASTORE_REGIONS: ReadonlySet<string> = new Set([
  "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
  "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
  "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1",
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "mx-central-1", "sa-east-1",
]);

/** A primary plus at most two secondary Regions. */
export const MAX_GLOBAL_DATASTORE_REGIONS = 3;
/** Nodes per regional cluster (cluster mode disabled): a primary plus up to 5 replicas. */
export const MAX_NODES_PER_CLUSTER = 6;
export const CACHE_PORT = 6379;
/** Characters an AUTH token may use besides letters and digits. */
export const AUTH_TOKEN_SPECIALS = "!&#$^<>-";

const MIN_VERSION: Record<CacheEngine, number[]> = { valkey: [7, 2], redis: [5, 0, 6] };

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Problem with an engine/version pair for a global datastore, or undefined. */
export function engineVersionProblem(engine: string, version: string): string | undefined {
  if (!CACHE_ENGINES.includes(engine as CacheEngine)) return `engine "${engine}" must be valkey or redis`;
  const parts = /^\d+(\.\d+){0,2}$/.test(version) ? version.split(".").map(Number) : undefined;
  if (!parts) return `version "${version}" must look like 8.0 or 7.2 (valkey) or 7.1 / 6.2 / 5.0.6 (redis)`;
  const min = MIN_VERSION[engine as CacheEngine];
  if (compareVersions(parts, min) < 0) return `Global Datastore needs ${engine} ${min.join(".")} or later (got ${version})`;
  return undefined;
}

/** The major engine version, as the provider compares them: the first number (valkey 7.2 → 8.0 is one). */
export function cacheMajorVersion(version: string): number | undefined {
  const m = /^(\d+)\./.exec(version);
  return m ? Number(m[1]) : undefined;
}

/** Parameter-group family of an engine version: valkey8, valkey7, redis7, redis6.x, redis5.0. */
export function cacheParameterGroupFamily(engine: CacheEngine, version: string): string {
  const [major, minor] = version.split(".").map(Number);
  if (engine === "valkey" || major >= 7) return `${engine}${major}`;
  return major === 6 ? "redis6.x" : `redis${major}.${minor ?? 0}`;
}

/**
 * Problem with the parameter group the datastore takes at a major upgrade, or undefined. Only a
 * default group's family shows in its name (`default.valkey8`); a custom group's is AWS's to check.
 */
export function cacheParameterGroupProblem(name: string, engine: CacheEngine, version: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9.-]{0,254}$/.test(name)) return `"${name}" is not a cache parameter group name (a letter, then letters, digits, hyphens or dots), e.g. default.${cacheParameterGroupFamily(engine, version)}`;
  const family = cacheParameterGroupFamily(engine, version);
  if (name.startsWith("default.") && name !== `default.${family}`) {
    return `${name} is the default group of another family: ${engine} ${version} needs a ${family} group, e.g. default.${family}`;
  }
  return undefined;
}

/** Problem with a node type for a global datastore, or undefined. */
export function nodeTypeProblem(nodeType: string): string | undefined {
  const m = /^cache\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(nodeType);
  if (!m) return `"${nodeType}" is not a cache node type such as cache.r7g.large`;
  const [, family, size] = m;
  if (family === "r6gd") return `${nodeType} needs data tiering, which this blueprint does not configure; use r7g or r6g`;
  if (!(GLOBAL_DATASTORE_FAMILIES as readonly string[]).includes(family)) {
    return `${nodeType}: Global Datastore supports the ${GLOBAL_DATASTORE_FAMILIES.join(", ")} families only (no burstable t*, no previous generation); e.g. cache.r7g.large`;
  }
  if (SMALL_SIZES.includes(size)) return `${nodeType}: Global Datastore needs size large or above, e.g. cache.${family}.large`;
  return undefined;
}

export function nodesPerClusterProblem(nodes: number): string | undefined {
  if (!Number.isInteger(nodes) || nodes < 2 || nodes > MAX_NODES_PER_CLUSTER) {
    return `${nodes} nodes per Region: use 2 to ${MAX_NODES_PER_CLUSTER} (a primary and at least one replica in another AZ, for Multi-AZ automatic failover)`;
  }
  return undefined;
}

/** Problems with the Regions of a global datastore (every Region of the environment gets a member). */
export function datastoreRegionProblems(regions: readonly string[], homeRegion: string): string[] {
  const out: string[] = [];
  if (regions.length > MAX_GLOBAL_DATASTORE_REGIONS) {
    out.push(`a global datastore spans at most ${MAX_GLOBAL_DATASTORE_REGIONS} Regions (a primary and two secondaries) but the environment has ${regions.length}; the cache cannot have a member in every Region`);
  }
  if (regions.length < 2) out.push("a global datastore needs a secondary in a second Region");
  for (const region of regions) {
    if (!GLOBAL_DATASTORE_REGIONS.has(region)) out.push(`${region} does not offer Global Datastore`);
  }
  if (!regions.includes(homeRegion)) out.push(`home region ${homeRegion || "(empty)"} must be one of ${regions.join(", ")}`);
  return out;
}

export type CacheMemberRole = "primary" | "secondary";

/**
 * Inputs a member must never act on after creation:
 * - globalReplicationGroupId, engine, engineVersion, nodeType, parameterGroupName, atRest- and
 *   transitEncryptionEnabled: set by (or through) the global datastore; a member that changes
 *   them is refused, and global_replication_group_id is ForceNew (a replacement would delete the
 *   member's data and its place in the datastore). Upgrades and scaling go through the
 *   GlobalReplicationGroup (engineVersion, cacheNodeType).
 * - authToken: a change rotates the token on one member only; rotation is a runbook, not a diff.
 * - numNodeGroups: shards are added through the global datastore.
 * The same list for both roles: a promotion moves AWS's primary, never Pulumi's declaration.
 *
 * Not autoMinorVersionUpgrade: a member must not set it at all (AWS turns it off when the cluster
 * joins and refuses it back on), and an unset input leaves the provider's read-back value alone.
 * Ignoring it would instead replay the input a member deployed with before (`true`), which the
 * provider sends again, and AWS refuses, once the state reads `false` (a secondary's does from its
 * creation on).
 */
export function cacheMemberIgnoreChanges(): string[] {
  return ["globalReplicationGroupId", "engine", "engineVersion", "nodeType", "parameterGroupName", "atRestEncryptionEnabled", "transitEncryptionEnabled", "authToken", "numNodeGroups"];
}

/** Replication group ids: 1 to 40 characters, letter first, letters digits and single hyphens, no trailing hyphen. */
export function replicationGroupId(name: string): string {
  let id = name.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-");
  if (!/^[a-z]/.test(id)) id = `c${id}`;
  return id.slice(0, 40).replace(/-+$/, "");
}

/** Global datastore suffix (AWS prepends a Region-specific prefix to form the id the secondaries join). */
export function globalDatastoreSuffix(name: string): string {
  return replicationGroupId(name);
}
