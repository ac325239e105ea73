/**
 * The policy pack over a plan: resource and stack rules per stack, environment rules once,
 * with enforcement levels from the policy config. Goes through policies/evaluate.ts only (the
 * PolicyPack itself starts a server and is never imported here).
 */
import { configFromSettings, ENFORCEMENT_LEVELS, mergeConfig } from "../../policies/reconcile";
import { existsSync, readFileSync } from "fs";
import { evaluateEnvironment, evaluateStack, PolicyConfig, Violation } from "../../policies/evaluate";
import type { EnvironmentSettings } from "../../stacks/config";
import { PlanError } from "./args";
import type { PlanStack } from "./model";

/**
 * Reads `--policy-config FILE` in the format `--policy-pack-config` takes:
 * {"<policy>": {"enforcementLevel": "...", ...thresholds}}, or {"<policy>": "<level>"}.
 */
export function readPolicyConfig(file: string): PolicyConfig {
  if (!existsSync(file)) throw new PlanError(`--policy-config ${file} does not exist; check the path`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new PlanError(`${file} is not valid JSON (${(err as Error).message}); it holds {"<policy name>": {"enforcementLevel": "advisory"}}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new PlanError(`${file} must be a JSON object of policy name -> settings, e.g. {"route53-health-checked": {"enforcementLevel": "advisory"}}`);
  }
  const config: PolicyConfig = {};
  if ("environments" in parsed) {
    // The CLI's key for Pulumi ESC environments whose values it merges in: there is no ESC here.
    throw new PlanError(`${file}: "environments" names Pulumi ESC environments, which the offline plan cannot open; give their policy settings in the file itself`);
  }
  for (const [policy, given] of Object.entries(parsed)) {
    // The CLI takes a level alone as the entry's value ({"all": "advisory"}).
    const settings = typeof given === "string" ? { enforcementLevel: given } : given;
    if (!settings || typeof settings !== "object" || Array.isArray(settings)) {
      throw new PlanError(`${file}: "${policy}" must map to a level or an object such as {"enforcementLevel": "advisory"}`);
    }
    const level = (settings as Record<string, unknown>).enforcementLevel;
    if (level !== undefined && !ENFORCEMENT_LEVELS.includes(level as string)) {
      throw new PlanError(`${file}: "${policy}".enforcementLevel is ${JSON.stringify(level)}; use one of ${ENFORCEMENT_LEVELS.join(", ")}`);
    }
    config[policy] = settings as PolicyConfig[string];
  }
  return config;
}

function guarded<T>(what: string, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    // The pack validates the config against each policy's schema (an unknown policy, a bad threshold).
    if ((err as Error)?.name === "PolicyConfigError") throw new PlanError(`${message}\n  Fix the file given with --policy-config.`);
    throw new PlanError(`the policy pack failed on ${what}: ${message}`);
  }
}

/**
 * Evaluates every rule and attaches each violation to a stack: the one holding the resource it
 * names, else the global stack (environment-wide findings), else the first stack.
 */
export function applyPolicies(
  stacks: Omit<PlanStack, "violations">[],
  environment: { name: string; settings?: EnvironmentSettings },
  config: PolicyConfig = {},
): PlanStack[] {
  // Single-stack programs run the environment rules as stack rules: give them the environment's
  // thresholds (failover budget, peak) as the cross-stack evaluation gets them.
  const stackConfig = mergeConfig(configFromSettings(environment.settings as Record<string, unknown> | undefined, environment.name), config);
  const planned: PlanStack[] = stacks.map((stack) => ({
    ...stack,
    violations: guarded(`stack ${stack.stack}`, () => evaluateStack({ stack: stack.stack, role: stack.role, region: stack.region, resources: stack.resources }, stackConfig)),
  }));
  const views = planned.map((s) => ({ stack: s.stack, role: s.role, region: s.region, resources: s.resources }));
  const environmentWide: Violation[] = guarded(`environment ${environment.name}`, () =>
    evaluateEnvironment({ name: environment.name, stacks: views, settings: environment.settings as Record<string, unknown> | undefined }, config),
  );
  const owner = new Map<string, PlanStack>();
  for (const stack of planned) for (const resource of stack.resources) owner.set(resource.urn, stack);
  const fallback = planned.find((s) => s.role === "global") ?? planned[0];
  for (const violation of environmentWide) {
    const stack = (violation.urn && owner.get(violation.urn)) || fallback;
    stack?.violations.push(violation);
  }
  return planned;
}
