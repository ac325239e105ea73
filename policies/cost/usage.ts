/**
 * Usage assumptions (data/cost/usage.json): what the plan cannot read from resources — traffic,
 * storage, log volume, the Spot discount. Every usage-based charge names the assumptions it used,
 * so a figure is never a silent zero. A profile (the environment's name) overrides values, and a
 * profile's `regions.<region>` overrides them for one region.
 */
import { existsSync, readFileSync } from "fs";
import { join, relative } from "path";
import { z } from "zod";
import { closest } from "../../components/lib/suggest";

export const DEFAULT_USAGE_FILE = join(__dirname, "..", "..", "data", "cost", "usage.json");

/** Every assumption the pricing rules read; the usage file must define each one. */
export const USAGE_KEYS = [
  "spotDiscountPercent",
  "nodeRootVolumeGb",
  "natGatewayGbPerMonth",
  "albLcuAverage",
  "nlbNlcuAverage",
  "albInternetEgressGbPerMonth",
  "interfaceEndpointGbPerMonth",
  "dnsQueriesMillionsPerNamePerMonth",
  "auroraStorageGb",
  "auroraIoMillionsPerMonth",
  "auroraSecondaryReadIoMillionsPerMonth",
  "auroraWriteIoMillionsPerMonth",
  "auroraReplicationGbPerMonth",
  "auroraBackupBillableGb",
  "auroraLogExportGbPerMonth",
  "auroraReadersForReadLoad",
  "eksControlPlaneLogGbPerMonth",
  "flowLogGbPerMonth",
  "logGroupGbPerMonth",
  "logCompressionRatio",
  "logNeverExpireMonths",
  "s3BucketGbPerMonth",
  "s3NoExpiryMonths",
  "s3PutThousandsPerMonth",
  "kmsRequestsMillionsPerKeyPerMonth",
  "secretsApiMillionsPerSecretPerMonth",
  "snsPublishesMillionsPerTopicPerMonth",
  "snsEmailThousandsPerTopicPerMonth",
  "ampActiveSeries",
  "ampScrapeIntervalSeconds",
  "ampStorageGb",
  "ampQueryBillionSamplesPerMonth",
  "grafanaEditors",
  "grafanaViewers",
  "canaryRunsPerMonth",
  "dynamodbWritesMillionsPerMonth",
  "dynamodbReadsMillionsPerMonth",
  "dynamodbStorageGb",
  "elasticacheServerlessGb",
  "elasticacheServerlessEcpuMillionsPerMonth",
  "elasticacheReplicationGbPerMonth",
  "cloudfrontDataOutGbPerMonth",
  "cloudfrontRequestsMillionsPerMonth",
  "wafRequestsMillionsPerMonth",
  "fisActionMinutesPerTemplatePerMonth",
] as const;

export type UsageKey = (typeof USAGE_KEYS)[number];

const assumption = z
  .object({ value: z.number().nonnegative(), unit: z.string().min(1), appliesTo: z.string().min(1), basis: z.string().min(1) })
  .strict();
const overrides = z.record(z.string(), z.number().nonnegative());
const profile = z.record(z.string(), z.union([z.number().nonnegative(), z.record(z.string(), overrides)]));
const fileSchema = z
  .object({ description: z.string().optional(), assumptions: z.record(z.string(), assumption), profiles: z.record(z.string(), profile).default({}) })
  .strict();

export type Assumption = z.infer<typeof assumption> & { key: UsageKey };

/** The assumptions in force for one environment (profile), per region. */
export interface Usage {
  /** Where the assumptions came from (for reports). */
  file: string;
  /** The profile applied, or null when the file has none for this environment. */
  profile: string | null;
  assumptions: Record<UsageKey, Assumption>;
  /** Profile values, then per-region profile values, by key. */
  profileValues: Partial<Record<UsageKey, number>>;
  regionValues: Record<string, Partial<Record<UsageKey, number>>>;
}

export class UsageFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageFileError";
  }
}

function unknownKey(where: string, key: string): string {
  const near = closest(key, USAGE_KEYS, 4, 1);
  return `${where}: "${key}" is not an assumption the estimate reads${near.length ? ` (did you mean ${near[0]}?)` : ""}`;
}

/** Validates a parsed usage file and picks `profileName`'s overrides (none when it has no such profile). */
export function parseUsage(document: unknown, profileName: string | null, source = "the usage file"): Usage {
  const result = fileSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 8).map((i) => `  - ${i.path.map(String).join(".") || "(top level)"}: ${i.message}`);
    throw new UsageFileError(`${source} is not a valid usage file:\n${problems.join("\n")}`);
  }
  const file = result.data;
  const problems: string[] = [];
  for (const key of Object.keys(file.assumptions)) if (!(USAGE_KEYS as readonly string[]).includes(key)) problems.push(unknownKey("assumptions", key));
  for (const key of USAGE_KEYS) if (!(key in file.assumptions)) problems.push(`assumptions.${key} is missing; give its value, unit, appliesTo and basis`);
  const profileValues: Partial<Record<UsageKey, number>> = {};
  const regionValues: Record<string, Partial<Record<UsageKey, number>>> = {};
  for (const [name, values] of Object.entries(file.profiles)) {
    for (const [key, value] of Object.entries(values)) {
      if (key === "regions") {
        if (typeof value === "number") problems.push(`profiles.${name}.regions must map region codes to overrides`);
        else
          for (const [region, regional] of Object.entries(value)) {
            for (const [k, v] of Object.entries(regional)) {
              if (!(USAGE_KEYS as readonly string[]).includes(k)) problems.push(unknownKey(`profiles.${name}.regions.${region}`, k));
              else if (name === profileName) (regionValues[region] ??= {})[k as UsageKey] = v;
            }
          }
      } else if (!(USAGE_KEYS as readonly string[]).includes(key)) problems.push(unknownKey(`profiles.${name}`, key));
      else if (typeof value !== "number") problems.push(`profiles.${name}.${key} must be a number`);
      else if (name === profileName) profileValues[key as UsageKey] = value;
    }
  }
  if (problems.length > 0) throw new UsageFileError(`${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  const assumptions = Object.fromEntries(USAGE_KEYS.map((key) => [key, { key, ...file.assumptions[key] }])) as Record<UsageKey, Assumption>;
  const applied = profileName !== null && profileName in file.profiles ? profileName : null;
  return { file: source, profile: applied, assumptions, profileValues, regionValues };
}

export function loadUsage(profileName: string | null, file = DEFAULT_USAGE_FILE): Usage {
  const shown = relative(process.cwd(), file) || file;
  if (!existsSync(file)) throw new UsageFileError(`${shown} does not exist; the cost estimate needs its usage assumptions (docs/cost.md)`);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageFileError(`${shown} is not valid JSON (${(error as Error).message})`);
  }
  return parseUsage(document, profileName, shown);
}

/** The value of an assumption in a region: the profile's region override, the profile's, the default. */
export function usageValue(usage: Usage, key: UsageKey, region: string): number {
  return usage.regionValues[region]?.[key] ?? usage.profileValues[key] ?? usage.assumptions[key].value;
}
