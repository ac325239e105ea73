/**
 * The pack's configuration model: every policy has an enforcement level and, where it has
 * thresholds, a `configSchema` whose `default`s are the values below. The Pulumi CLI fills those
 * defaults in and validates a `--policy-pack-config` file against the schemas; the offline
 * harness (policies/evaluate.ts) does the same, so both read one source.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export type EnforcementLevel = "mandatory" | "advisory" | "disabled";
export type DefaultEnforcementLevel = "mandatory" | "advisory";

/** Per-policy overrides: enforcement level and thresholds, as in the pack's config schema. */
export type PolicyConfig = Record<string, { enforcementLevel?: EnforcementLevel; [threshold: string]: unknown }>;

/** One threshold of a policy: a JSON-schema property that always has a default and a description. */
export type Threshold = PolicyConfigJSONSchema & { default: number | string | boolean | string[]; description: string };
export type Thresholds = Record<string, Threshold>;

export function integer(defaultValue: number, description: string, bounds: { minimum?: number; maximum?: number } = {}): Threshold {
  return { type: "integer", default: defaultValue, description, ...bounds };
}

export function stringList(defaultValue: string[], description: string): Threshold {
  return { type: "array", items: { type: "string" }, default: defaultValue, description };
}

export function flag(defaultValue: boolean, description: string): Threshold {
  return { type: "boolean", default: defaultValue, description };
}

/** The threshold of a rule that applies to production environments only (configFromSettings sets it). */
export const PRODUCTION_THRESHOLD: Threshold = flag(false, "The environment is production (platform:production): the rule applies.");

export function text(defaultValue: string, description: string): Threshold {
  return { type: "string", default: defaultValue, description };
}

export function schemaOf(thresholds: Thresholds | undefined): PolicyConfigSchema | undefined {
  return thresholds && Object.keys(thresholds).length > 0 ? { properties: thresholds } : undefined;
}

export function defaultsOf(thresholds: Thresholds | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(thresholds ?? {}).map(([key, spec]) => [key, spec.default]));
}

/**
 * A policy's effective thresholds. The CLI already sends the schema defaults with `configure`,
 * but a pack loaded without config (or an older CLI) gets `{}` from `getConfig`, so the
 * defaults are merged here as well.
 */
export function readConfig<C>(args: { getConfig<T extends object>(): T }, thresholds: Thresholds | undefined): C {
  return { ...defaultsOf(thresholds), ...args.getConfig<Record<string, unknown>>() } as C;
}

// ---------------------------------------------------------------------------------------------
// Defaults the rules share (units in the names).

/** AZs an Auto Scaling group or node group must span: three survive one AZ loss with headroom. */
export const DEFAULT_MIN_NODE_POOL_AZS = 3;
/** No setting may ask for fewer than two AZs: one AZ is no redundancy at all. */
export const MIN_AZS_FLOOR = 2;
/** Route 53 health checks: longest time from first failure to "unhealthy" (threshold × (interval + timeout)). */
export const DEFAULT_MAX_DETECTION_SECONDS = 60;
/** Worst case from a regional outage to resolvers holding other regions' answers. */
export const DEFAULT_FAILOVER_BUDGET_SECONDS = 120;
export const DEFAULT_MIN_BACKUP_RETENTION_DAYS = 7;
/** The five EKS control-plane log types (scanners require all of them). */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
/** KMS accepts 90 to 2560 days; 365 is the AWS default rotation period. */
export const DEFAULT_MAX_KEY_ROTATION_DAYS = 365;

/**
 * Stack tag set by the offline harness: there secret values arrive masked as "[secret]", so a
 * plaintext value is provably not a secret. The engine hands policies decrypted values with no
 * mark of secretness (pulumi/pulumi-policy#241), so without this tag the secrets rule reports
 * itself not applicable instead of flagging every password.
 */
export const SECRETS_MASKED_TAG = "platform:secrets-masked";
/**
 * What the rule trusts: a mark on the harness's own tag map, which no stack's tags can carry. A
 * stack tag alone could be set on a real stack (`pulumi stack tag set platform:secrets-masked
 * true`), and the engine hands policies the backend's tags: the rule would then judge decrypted
 * values and refuse every credential-named input of every resource.
 */
export const SECRETS_MASKED = Symbol("secrets masked by the offline plan");

/** Were secret values masked for this rule (by the offline harness, never by the engine)? */
export function secretsMasked(stackTags: ReadonlyMap<string, string>): boolean {
  return (stackTags as { [SECRETS_MASKED]?: boolean })[SECRETS_MASKED] === true && stackTags.get(SECRETS_MASKED_TAG) === "true";
}
export const SECRET_MASK = "[secret]";
