/**
 * The data and edge tier of an environment definition: the shape of the structured
 * `dynamoTables` key (Pulumi.yaml cannot type it, so its fields are checked here) and the rules
 * for the table, cache, edge and regional WAF keys. Every rule is the components' own (components/lib/dynamo,
 * cache, edge), reported per key with the value and the fix before anything runs.
 */
import { z } from "zod";
import { ATTRIBUTE_TYPES, STREAM_VIEW_TYPES, tableProblems } from "../components/lib/dynamo";
import { cacheParameterGroupProblem, datastoreRegionProblems, engineVersionProblem, nodesPerClusterProblem, nodeTypeProblem, type CacheEngine } from "../components/lib/cache";
import { directOriginAccessProblem, edgeProblems, edgeWritePathProblem, originVerifyGenerationProblem, rateLimitProblem } from "../components/lib/edge";
import { healthCheckRateLimitProblem, regionalWafOptOutProblem, wafModeProblem } from "../components/lib/waf";
import type { EnvironmentSettings } from "./config";

// DynamoDB's characters; what the table's KMS key alias refuses (a ".") is the component's rule
// (components/lib/dynamo, tableProblems), run on the full name by checkDataTier.
const SHORT_NAME = /^[A-Za-z0-9_.-]{1,200}$/;

/** A message for a value of the wrong type only; other issues (e.g. an unknown field) keep zod's own words. */
const notA = (message: string) => (issue: { code: string }) => (issue.code === "invalid_type" ? message : undefined);
const unknownField = (issue: { code: string; keys?: string[] }) =>
  issue.code === "unrecognized_keys" ? `has no field ${(issue.keys ?? []).join(", ")}; see the description of the key in Pulumi.yaml for the fields` : undefined;
const mapping = (message: string) => (issue: { code: string; keys?: string[] }) => notA(message)(issue) ?? unknownField(issue);

const keyAttribute = z.object({
  name: z.string({ error: "must be the attribute name" }).min(1, { error: "must not be empty" }).max(255, { error: "holds at most 255 characters" }),
  type: z.enum(ATTRIBUTE_TYPES as ["S", "N", "B"], { error: "must be S (string), N (number) or B (binary)" }).default("S"),
}, { error: mapping("must be a mapping {name, type}, e.g. {name: pk, type: S}") }).strict();

const capacity = z.object({
  min: z.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }),
  max: z.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }),
}, { error: mapping("must be a mapping {min, max} of capacity units") }).strict();

const globalSecondaryIndex = z.object({
  name: z.string({ error: "must be the index name" }),
  partitionKey: keyAttribute,
  sortKey: keyAttribute.optional(),
  projection: z.enum(["ALL", "KEYS_ONLY"], { error: "must be ALL or KEYS_ONLY" }).default("ALL"),
}, { error: mapping("must be a mapping {name, partitionKey, sortKey?, projection?}") }).strict();

/** One entry of `platform:dynamoTables`. */
export const tableSettingSchema = z.object({
  name: z.string({ error: "must be the table's short name" }).regex(SHORT_NAME, { error: "must be 1 to 200 characters of a-z, A-Z, 0-9, _, - and . (the table is named <environment>-<name>)" }),
  partitionKey: keyAttribute,
  sortKey: keyAttribute.optional(),
  globalSecondaryIndexes: z.array(globalSecondaryIndex, { error: "must be a list of indexes" }).default([]),
  billingMode: z.enum(["PAY_PER_REQUEST", "PROVISIONED"], { error: "must be PAY_PER_REQUEST (on-demand) or PROVISIONED" }).default("PAY_PER_REQUEST"),
  readCapacity: capacity.optional(),
  writeCapacity: capacity.optional(),
  targetUtilizationPercent: z.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }).default(70),
  consistency: z.enum(["EVENTUAL", "STRONG"], { error: "must be EVENTUAL (multi-Region eventual) or STRONG (multi-Region strong consistency)" }).default("EVENTUAL"),
  witnessRegion: z.string({ error: "must be a region code" }).optional(),
  streamViewType: z.enum(STREAM_VIEW_TYPES as ["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY"], { error: `must be one of ${STREAM_VIEW_TYPES.join(", ")}` }).optional(),
  ttlAttribute: z.string({ error: "must be an attribute name" }).min(1, { error: "must not be empty" }).optional(),
  pointInTimeRecoveryDays: z.number({ error: "must be a whole number of days" }).int({ error: "must be a whole number of days" }).default(35),
}, { error: mapping("must be a mapping with at least name and partitionKey") }).strict();

export type TableSetting = z.output<typeof tableSettingSchema>;

/** Schemas of the `objects` keys, by key. */
export const OBJECT_SCHEMAS = {
  dynamoTables: z.array(tableSettingSchema, { error: "must be a list of table definitions (mappings)" }),
} as const;
export type ObjectKey = keyof typeof OBJECT_SCHEMAS;

/** The physical name of an environment's table: `<environment>-<name>`, the same in every region. */
export function physicalTableName(environment: string, name: string): string {
  return `${environment}-${name}`;
}

type Report = (key: string, value: unknown, message: string) => void;

export function checkDataTier(s: EnvironmentSettings, report: Report, environmentName: string): void {
  const names = new Map<string, number>();
  s.dynamoTables.forEach((table, i) => {
    const seen = names.get(table.name);
    if (seen !== undefined) report(`dynamoTables[${i}].name`, table.name, `repeats dynamoTables[${seen}]; each table needs its own name`);
    names.set(table.name, i);
    const problems = tableProblems({ ...table, name: physicalTableName(environmentName, table.name) }, s.regions);
    for (const p of problems) report(`dynamoTables[${i}].${p.path}`, p.path === "name" ? table.name : p.value, p.message);
  });

  if (s.cacheEnabled) {
    if (s.cacheHomeRegion === "") {
      report("cacheHomeRegion", s.cacheHomeRegion, `is required with cacheEnabled: name the region whose stack creates the Global Datastore, the primary region (${s.regions[0]}) when you turn the cache on; it never changes afterwards`);
    } else {
      for (const message of datastoreRegionProblems(s.regions, s.cacheHomeRegion)) {
        report(message.startsWith("home region") ? "cacheHomeRegion" : "cacheEnabled", message.startsWith("home region") ? s.cacheHomeRegion : s.cacheEnabled, message.startsWith("home region") ? message : `${message}; turn the cache off or use at most 3 regions`);
      }
    }
    const engine = engineVersionProblem(s.cacheEngine, s.cacheEngineVersion);
    if (engine) report(engine.startsWith("engine") ? "cacheEngine" : "cacheEngineVersion", engine.startsWith("engine") ? s.cacheEngine : s.cacheEngineVersion, engine);
    const group = s.cacheParameterGroupName === "" || engine ? undefined : cacheParameterGroupProblem(s.cacheParameterGroupName, s.cacheEngine as CacheEngine, s.cacheEngineVersion);
    if (group) report("cacheParameterGroupName", s.cacheParameterGroupName, group);
    const node = nodeTypeProblem(s.cacheNodeType);
    if (node) report("cacheNodeType", s.cacheNodeType, node);
    const nodes = nodesPerClusterProblem(s.cacheNodesPerRegion);
    if (nodes) report("cacheNodesPerRegion", s.cacheNodesPerRegion, nodes);
  }

  // Checked with the edge off too: turning it on must not be the deploy that finds them wrong.
  const access = directOriginAccessProblem(s.edgeDirectOriginAccess);
  if (access) report("edgeDirectOriginAccess", s.edgeDirectOriginAccess, access);
  const generation = originVerifyGenerationProblem(s.edgeOriginVerifyGeneration);
  if (generation) report("edgeOriginVerifyGeneration", s.edgeOriginVerifyGeneration, generation);

  if (s.edgeEnabled) {
    // The edge's certificate validates through the zone inside the global stack's deploy; a zone
    // delegated by hand answers only after that deploy (its gate prints the NS records to add), so
    // the first deploy would wait at the validation until it times out.
    if (s.dnsCreateZone && s.dnsManualDelegation && !s.dnsDelegated) {
      report("edgeEnabled", s.edgeEnabled, "needs a zone that already answers: with dnsManualDelegation the global stack's deploy would wait for the edge certificate's validation through a zone nobody has delegated yet (its NS records are asked for only after that deploy); deploy first without the edge, add the NS records, then set dnsDelegated: true with edgeEnabled");
    }
    const zone = s.dnsZoneName.replace(/\.$/, "");
    const problem = edgeWritePathProblem({ directOriginAccess: s.edgeDirectOriginAccess, dbWriteForwarding: s.dbWriteForwarding, appName: `${s.appRecordName}.${zone}`, writerName: `${s.writerRecordName}.${zone}` });
    if (problem) report("edgeDirectOriginAccess", s.edgeDirectOriginAccess, problem);
    const keys: Record<string, string> = {
      recordName: "edgeRecordName",
      cachedPathPatterns: "edgeCachedPathPatterns",
      rateLimitPerFiveMinutes: "edgeRateLimitPerFiveMinutes",
      priceClass: "edgePriceClass",
      logRetentionDays: "logRetentionDays",
      failoverOriginDomainName: "writerRecordName",
    };
    for (const p of edgeProblems({
      recordName: s.edgeRecordName,
      zoneName: zone,
      originDomainName: `${s.appRecordName}.${zone}`,
      failoverOriginDomainName: `${s.writerRecordName}.${zone}`,
      cachedPathPatterns: s.edgeCachedPathPatterns,
      rateLimitPerFiveMinutes: s.edgeRateLimitPerFiveMinutes,
      priceClass: s.edgePriceClass,
      logRetentionDays: s.logRetentionDays,
    })) {
      const [field, index] = p.field.split("[");
      report(`${keys[field] ?? field}${index ? `[${index}` : ""}`, p.value, p.message);
    }
  }

  // The regional WAF takes the edge's rate limit and body-size choice (one per-client budget: with
  // the edge's direct path open, a looser limit on one path would be the path to take).
  if (s.regionalWafEnabled) {
    const rate = rateLimitProblem(s.edgeRateLimitPerFiveMinutes);
    // With the edge on, edgeProblems reported it already.
    const problem = rate ? (s.edgeEnabled ? undefined : rate) : healthCheckRateLimitProblem(s.edgeRateLimitPerFiveMinutes, s.healthCheckIntervalSeconds);
    if (problem) report("edgeRateLimitPerFiveMinutes", s.edgeRateLimitPerFiveMinutes, problem);
  }
  const optOut = regionalWafOptOutProblem({ production: s.production, regionalWafEnabled: s.regionalWafEnabled, edgeEnabled: s.edgeEnabled, directOriginAccess: s.edgeDirectOriginAccess });
  if (optOut) report("regionalWafEnabled", s.regionalWafEnabled, optOut);
  const mode = wafModeProblem(s.regionalWafMode);
  if (mode) report("regionalWafMode", s.regionalWafMode, mode);
}
