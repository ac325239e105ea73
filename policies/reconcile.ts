/**
 * Policy pack configuration, reconciled the way the Pulumi CLI does it (ReconcilePolicyPackConfig):
 * schema defaults first, then an `all` enforcement level, then per-policy values, and the
 * result validated against each policy's configSchema.
 */
import type Ajv from "ajv";
import type { ValidateFunction } from "ajv";
import { defaultsOf, EnforcementLevel, PolicyConfig, Threshold } from "./config";
import { PackPolicy, POLICIES } from "./rules";
import { productionConfigThresholds } from "./rules/production-config";

/** A config that names an unknown policy or breaks a policy's schema. */
export class PolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid policy pack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

export interface EffectiveConfig {
  level: EnforcementLevel;
  properties: Record<string, unknown>;
}

// The schemas are the pack's own, written in code, and every one is compiled by the tests
// (test/policies/reconcile.test.ts): checking them against JSON Schema's meta-schema on each run
// would compile that meta-schema first, most of the validators' cost. Ajv itself loads when a
// policy is first given a config.
export const CONFIG_SCHEMA_OPTIONS = { allErrors: true, strict: false, validateSchema: false } as const;

/** Compiles a policy's config schema into its validator (Ajv's ValidateFunction). */
export type ConfigValidatorCompiler = (schema: object) => ValidateFunction;

let ajv: Ajv | undefined;
const compileWithAjv: ConfigValidatorCompiler = (schema) => {
  ajv ??= new (require("ajv") as typeof import("ajv")).default(CONFIG_SCHEMA_OPTIONS);
  return ajv.compile(schema);
};
let compile: ConfigValidatorCompiler = compileWithAjv;
const validators = new Map<string, ValidateFunction>();

/**
 * Lets a caller compile the schemas its own way: the offline plan takes the validators Ajv
 * generated in an earlier plan from its cache (tools/plan/validators.ts), with the same options
 * (CONFIG_SCHEMA_OPTIONS), instead of loading Ajv and compiling them in every plan. Returns the
 * compiler it replaces, for the caller to put back.
 */
export function useConfigValidatorCompiler(compiler: ConfigValidatorCompiler): ConfigValidatorCompiler {
  const previous = compile;
  compile = compiler;
  validators.clear();
  return previous;
}

/** The schema a policy's config is checked against: its properties and required ones. */
export function configSchemaOf(policy: PackPolicy): object {
  // A misspelt threshold would otherwise be ignored and its default apply unseen: the plan
  // refuses names the policy does not have (stricter than the CLI, docs/plan.md).
  return { type: "object", properties: policy.configSchema?.properties ?? {}, required: policy.configSchema?.required ?? [], additionalProperties: false };
}

function validatorFor(policy: PackPolicy): ValidateFunction {
  let validate = validators.get(policy.name);
  if (!validate) {
    validate = compile(configSchemaOf(policy));
    validators.set(policy.name, validate);
  }
  return validate;
}

/** The levels a policy pack config may name (the CLI's; `remediate` acts as mandatory here). */
export const ENFORCEMENT_LEVELS: readonly string[] = ["mandatory", "advisory", "disabled", "remediate"];

export function reconcileConfig(config: PolicyConfig = {}): Map<string, EffectiveConfig> {
  const problems: string[] = [];
  const known = new Set(POLICIES.map((p) => p.name));
  for (const [name, entry] of Object.entries(config)) {
    if (name !== "all" && !known.has(name)) problems.push(`${name}: no such policy in the pack (known: ${[...known].join(", ")})`);
    if (entry?.enforcementLevel !== undefined && !ENFORCEMENT_LEVELS.includes(entry.enforcementLevel)) problems.push(`${name}.enforcementLevel: "${entry.enforcementLevel}" is not one of ${ENFORCEMENT_LEVELS.join(", ")}`);
  }
  const all = config.all?.enforcementLevel;
  const result = new Map<string, EffectiveConfig>();
  for (const policy of POLICIES) {
    const { enforcementLevel, ...given } = config[policy.name] ?? {};
    // "remediate" downgrades to mandatory when a policy only validates, as in the server.
    const level = (enforcementLevel ?? all ?? policy.enforcementLevel ?? "mandatory").replace("remediate", "mandatory") as EnforcementLevel;
    const properties = { ...defaultsOf(policy.configSchema?.properties as Record<string, Threshold> | undefined), ...given };
    // A policy's own defaults pass its schema (test/policies/harness.test.ts checks every one):
    // only a config that sets something needs its validator, compiled on first use.
    const validate = Object.keys(given).length > 0 ? validatorFor(policy) : undefined;
    if (validate && !validate(properties)) {
      for (const error of validate.errors ?? []) problems.push(`${policy.name}${error.instancePath.replace(/\//g, ".")}: ${error.message}${error.params && "additionalProperty" in error.params ? ` (${String(error.params.additionalProperty)})` : ""}`);
    }
    result.set(policy.name, { level, properties });
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return result;
}

/**
 * Thresholds an environment's settings imply (peak nodes, failover budget, regions, app name, deployer).
 * evaluateEnvironment applies them under any explicit config; pass the result to evaluateStack
 * as well when a single-stack program has settings.
 */
export function configFromSettings(settings: Record<string, unknown> | undefined, environmentName?: string): PolicyConfig {
  if (!settings) return {};
  const config: PolicyConfig = {};
  // The cost rules price with the usage profile named after the environment (data/cost/usage.json).
  const monthlyBudgetUsd = Number.isInteger(settings.costMonthlyBudgetUsd) ? (settings.costMonthlyBudgetUsd as number) : undefined;
  if (monthlyBudgetUsd !== undefined || environmentName) {
    config["cost-monthly-budget"] = { ...(monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd } : {}), ...(environmentName ? { usageProfile: environmentName } : {}) };
  }
  const int = (key: string) => (Number.isInteger(settings[key]) ? (settings[key] as number) : undefined);
  const peak = int("globalPeakNodes");
  if (peak !== undefined) config["capacity-survives-region-loss"] = { peakNodes: peak };
  const budget = int("failoverBudgetSeconds");
  if (budget !== undefined) config["failover-time-budget"] = { budgetSeconds: budget };
  const regions = Array.isArray(settings.regions) ? settings.regions.filter((r): r is string => typeof r === "string") : undefined;
  const label = typeof settings.appRecordName === "string" ? settings.appRecordName : undefined;
  const zone = typeof settings.dnsZoneName === "string" ? settings.dnsZoneName.replace(/\.$/, "") : "";
  if (regions || label) {
    config["latency-routing-covers-regions"] = { ...(regions ? { regions } : {}), ...(label ? { appRecordName: zone ? `${label}.${zone}` : label } : {}) };
  }
  const deployer: Record<string, unknown> = {};
  if (typeof settings.deployIdentityArn === "string" && settings.deployIdentityArn) deployer.deployIdentityArn = settings.deployIdentityArn;
  if (typeof settings.deployerNetwork === "string" && settings.deployerNetwork) deployer.deployerNetwork = settings.deployerNetwork;
  if (Array.isArray(settings.deployerCidrs)) deployer.deployerCidrs = settings.deployerCidrs.filter((c): c is string => typeof c === "string");
  if (Object.keys(deployer).length) config["kubernetes-deployer-access"] = deployer;
  // A production environment rehearses failure in every region (policies/rules/chaos.ts).
  if (settings.production === true) config["production-rehearses-failure"] = { production: true };
  // ... and puts a WAF in front of every load balancer the internet reaches (policies/rules/security-waf.ts).
  if (settings.production === true) config["load-balancer-waf"] = { production: true };
  if (settings.production === true) config["load-balancer-waf-counting"] = { production: true };
  // ... and pages through a pager, unless it says it accepts pages by e-mail (policies/rules/observability.ts).
  if (settings.production === true && settings.pagesByEmailOnly !== true) config["production-pages-reach-a-pager"] = { production: true };
  // ... and names what is still an example value or unpinned (policies/rules/production-config.ts).
  const unfinished = productionConfigThresholds(settings);
  if (unfinished) config["production-config-real-and-pinned"] = unfinished;
  // The data tier covers every region of the environment, also one whose stack is not planned.
  if (regions) {
    config["dynamodb-global-table-every-region"] = { regions };
    config["cache-global-datastore-every-region"] = { regions };
  }
  return config;
}

export function mergeConfig(base: PolicyConfig, override: PolicyConfig): PolicyConfig {
  const merged: PolicyConfig = { ...base };
  for (const [name, entry] of Object.entries(override)) merged[name] = { ...base[name], ...entry };
  return merged;
}
