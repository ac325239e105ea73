/**
 * The offline harness: runs the pack's policies over recorded resources (the fake cloud's
 * RecordedResource) with the argument shapes the engine passes, without constructing a
 * PolicyPack (which starts a gRPC server). Tests and tools/plan use this; the CLI uses index.ts.
 *
 * What it mirrors from the engine and @pulumi/policy's server:
 * - config: schema defaults, then an `all` enforcement level, then per-policy values, validated
 *   against each policy's configSchema (as the CLI's ReconcilePolicyPackConfig does);
 * - resource policies get the inputs, stack policies the outputs, with options, provider,
 *   parent, dependencies and per-property dependencies resolved to resource objects;
 * - `disabled` skips a policy, `notApplicable` ends it quietly, an unknown value ends it with an
 *   advisory "can't run during preview".
 * - secrets: every rule gets the plain values, as the server hands them (decrypted, unmarked;
 *   pulumi/pulumi-policy#241), from the records' secretInputs and secretOutputs.
 * What differs: a rule that declares `secretsView: "masked"` (rules/kit.ts; no-plaintext-secrets)
 * gets "[secret]" in place of each secret, and the SECRETS_MASKED_TAG stack tag, so it can tell a
 * secret from a plaintext credential, which under the engine it cannot (it ends not applicable
 * there); resource options include retainOnDelete, which the analyzer protocol does not carry;
 * resource references and assets arrive as "[resource]" and "[asset]"; and hand-made records
 * without recorded per-property dependencies get them read back from ids and ARNs (see
 * ResourceIndex).
 */
import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import type { RecordedResource } from "../tools/fake-cloud";
import { ArgumentOptions, NotApplicable, policyResources, ResourceIndex, resourceArgs, stackTagsOf } from "./arguments";
import { PolicyConfig, Threshold } from "./config";
import { configFromSettings, EffectiveConfig, mergeConfig, reconcileConfig } from "./reconcile";
import { ENVIRONMENT_RULES, kindOf, PackPolicy, PolicyKind, POLICIES } from "./rules";
import { isSelfContained, SecretsView, secretsViewOf } from "./rules/kit";

export type { EnforcementLevel, PolicyConfig } from "./config";
export { policyResources, resourceValidationArgs } from "./arguments";
export { configFromSettings, PolicyConfigError, reconcileConfig } from "./reconcile";

export interface Violation {
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  urn: string | null;
  message: string;
}

export interface StackView {
  stack: string;
  role: "global" | "region";
  region: string | null;
  resources: RecordedResource[];
}

export interface EnvironmentView {
  name: string;
  stacks: StackView[];
  /** The validated environment settings (stacks/config.ts EnvironmentSettings), when known. */
  settings?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Running policies.

function collector(policy: PackPolicy, level: "mandatory" | "advisory", out: Violation[], fixedUrn?: string): ReportViolation {
  return (message: string, urn?: string) => out.push({ policy: policy.name, enforcementLevel: level, urn: fixedUrn ?? urn ?? null, message });
}

/** Runs one validation the way the server does: not-applicable is silent, unknowns downgrade. */
function guarded(policy: PackPolicy, out: Violation[], urn: string | null, run: () => unknown): void {
  try {
    const result = run();
    if (result instanceof Promise) throw new Error(`policy ${policy.name} is asynchronous; the offline harness runs synchronous policies only`);
  } catch (error) {
    if (error instanceof NotApplicable) return;
    if (error instanceof Error && error.constructor.name === "UnknownValueError") {
      out.push({ policy: policy.name, enforcementLevel: "advisory", urn, message: `can't run policy ${policy.name} during preview: ${error.message}` });
      return;
    }
    throw new Error(`policy ${policy.name} failed on ${urn ?? "the stack"}: ${(error as Error).stack ?? error}`);
  }
}

/** The arguments' options for one policy: its own view of secrets (plain unless it declares otherwise). */
type PolicyOptions = ArgumentOptions & { readonly secrets: SecretsView };
const optionsFor = (policy: PackPolicy, options: ArgumentOptions = {}): PolicyOptions => ({ ...options, secrets: secretsViewOf(policy) });

/** What stack policies see of `recorded` in a policy's options, built once per view of secrets. */
function stackResourcesBy(recorded: readonly RecordedResource[]): (options: PolicyOptions) => PolicyResource[] {
  const built = new Map<SecretsView, PolicyResource[]>();
  return (options) => {
    if (!built.has(options.secrets)) built.set(options.secrets, policyResources(recorded, options));
    return built.get(options.secrets)!;
  };
}

function runPolicies(recorded: readonly RecordedResource[], effective: Map<string, EffectiveConfig>, options: ArgumentOptions = {}): Violation[] {
  const out: Violation[] = [];
  const index = new ResourceIndex(recorded);
  // What the engine hands AnalyzeStack: the registered resources (its `news`), no reads.
  const stackResources = stackResourcesBy(recorded.filter((r) => !r.read));
  for (const policy of POLICIES) {
    const { level, properties } = effective.get(policy.name)!;
    if (level === "disabled") continue;
    const policyOptions = optionsFor(policy, options);
    const getConfig = () => ({ ...properties });
    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const r of recorded) {
        // The engine analyzes registrations; reads (StackReference, `X.get`) reach no policy.
        if (r.read) continue;
        for (const validate of validations) {
          // The server's fast path: a validation tagged with a type skips other types.
          const only = (validate as { __pulumiType?: string }).__pulumiType;
          if (only && only !== r.type) continue;
          guarded(policy, out, r.urn, () => validate(resourceArgs(r, index, getConfig, policyOptions), collector(policy, level, out, r.urn)));
        }
      }
    } else if ("validateStack" in policy) {
      const args: StackValidationArgs = {
        resources: stackResources(policyOptions),
        stackTags: stackTagsOf(policyOptions),
        getConfig: <T extends object>() => getConfig() as T,
        notApplicable: (reason?: string): never => {
          throw new NotApplicable(reason);
        },
      };
      guarded(policy, out, null, () => policy.validateStack(args, collector(policy, level, out)));
    }
  }
  return out;
}

/**
 * Resource rules and stack rules of the pack over one stack's resources (environment rules too,
 * when the stack is self-contained). `asServer` hands the rules their arguments as the CLI's
 * policy server does (unknown-checking proxy, as under `pulumi preview`): the plan's verdicts come from the
 * pass with known values (what `pulumi up` checks, each resource's inputs known when it is
 * created), and the tests run the preview pass this way (test/policies/preview-unknowns.test.ts).
 */
export function evaluateStack(stack: StackView, config: PolicyConfig = {}, options: ArgumentOptions = {}): Violation[] {
  return runPolicies(stack.resources, reconcileConfig(config), options);
}

/**
 * Environment rules over every stack at once, with thresholds from the environment's settings
 * under any explicit config. An environment that is one self-contained stack already got these
 * from evaluateStack (the pack runs them as stack rules there), so it yields nothing here.
 */
export function evaluateEnvironment(environment: EnvironmentView, config: PolicyConfig = {}): Violation[] {
  const effective = reconcileConfig(mergeConfig(configFromSettings(environment.settings, environment.name), config));
  const resources = stackResourcesBy(environment.stacks.flatMap((s) => s.resources));
  if (environment.stacks.length === 1 && isSelfContained(resources({ secrets: "plain" }))) return [];
  const out: Violation[] = [];
  for (const rule of ENVIRONMENT_RULES) {
    const { level, properties } = effective.get(rule.policy.name)!;
    if (level === "disabled") continue;
    guarded(rule.policy, out, null, () => rule.run(resources(optionsFor(rule.policy)), collector(rule.policy, level, out), { ...properties }));
  }
  return out;
}

export interface EnvironmentEvaluation {
  /** Violations per stack name: resource and stack rules (and environment rules of a self-contained stack). */
  stacks: Record<string, Violation[]>;
  /** Violations of the environment rules across stacks. */
  environment: Violation[];
  counts: { mandatory: number; advisory: number };
}

/**
 * Everything the pack says about one environment: each stack with the thresholds its settings
 * imply (configFromSettings) under `config`, then the environment rules across stacks. The entry
 * point for the plan and for checking an environment (prod, an example) in tests.
 */
export function evaluatePlan(environment: EnvironmentView, config: PolicyConfig = {}): EnvironmentEvaluation {
  const stackConfig = mergeConfig(configFromSettings(environment.settings, environment.name), config);
  const stacks = Object.fromEntries(environment.stacks.map((stack) => [stack.stack, evaluateStack(stack, stackConfig)]));
  const across = evaluateEnvironment(environment, config);
  const all = [...Object.values(stacks).flat(), ...across];
  return {
    stacks,
    environment: across,
    counts: { mandatory: all.filter((v) => v.enforcementLevel === "mandatory").length, advisory: all.filter((v) => v.enforcementLevel === "advisory").length },
  };
}

// ---------------------------------------------------------------------------------------------
// Catalog.

export interface PolicyCatalogEntry {
  name: string;
  kind: PolicyKind;
  description: string;
  enforcementLevel: "mandatory" | "advisory";
  severity: string | undefined;
  /** Threshold name -> default value (and its description), as in the config schema. */
  thresholds: Record<string, { default: unknown; description: string }>;
}

/** Every rule with its default level and thresholds, for docs and the plan. */
export function policyCatalog(): PolicyCatalogEntry[] {
  return POLICIES.map((policy) => ({
    name: policy.name,
    kind: kindOf(policy),
    description: policy.description,
    enforcementLevel: policy.enforcementLevel === "advisory" ? "advisory" : "mandatory",
    severity: policy.severity,
    thresholds: Object.fromEntries(
      Object.entries((policy.configSchema?.properties ?? {}) as Record<string, Threshold>).map(([key, spec]) => [key, { default: spec.default, description: spec.description }]),
    ),
  }));
}
