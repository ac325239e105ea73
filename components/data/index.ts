/**
 * The data and edge tier beyond Aurora, each piece optional:
 * - `GlobalTable` (global stack): a DynamoDB global table with a replica in every region.
 * - `GlobalCache` (global stack) + `RegionalCache` (one member per region): an ElastiCache
 *   (Valkey or Redis OSS) Global Datastore; the primary member creates the datastore, the
 *   others join it with its id from the primary's stack.
 * - `GlobalEdge` (global stack): CloudFront with WAF in front of the latency-routed name.
 * - `dataTierBinding`: what a regional workload needs to use them (env, IAM statements).
 */
export { GlobalTable, type GlobalTableArgs } from "./global-table";
export { GlobalCache, type GlobalCacheArgs } from "./global-cache";
export { RegionalCache, type RegionalCacheArgs } from "./regional-cache";
export { GlobalEdge, type GlobalEdgeArgs } from "./global-edge";
export {
  dataTierBinding,
  mergeBindings,
  policyDocument,
  envSuffix,
  CACHE_ENV_KEYS,
  type CacheBindingInput,
  type DataTierBinding,
  type DataTierBindingInput,
  type PolicyStatement,
  type TableBindingInput,
} from "./binding";
export type { TableDefinition, KeyAttribute, GlobalSecondaryIndexDefinition, Consistency, StreamViewType } from "../lib/dynamo";
export type { CacheEngine, CacheMemberRole } from "../lib/cache";
