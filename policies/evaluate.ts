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
 * What differs: secrets arrive masked (so the secrets rule can run, see SECRETS_MASKED_TAG),
 * resource options include retainOnDelete, which the analyzer protocol does not carry, and
 * per-property dependencies are read back from ids and ARNs (see ResourceIndex).
 */
import Ajv from "ajv";
import type { PolicyProviderResource, PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { RecordedResource } from "../tools/fake-cloud";
import { defaultsOf, EnforcementLevel, PolicyConfig, SECRETS_MASKED_TAG, Threshold } from "./config";
import { EnvironmentRule, ENVIRONMENT_RULES, kindOf, PackPolicy, PolicyKind, POLICIES } from "./rules";
import { isSelfContained } from "./rules/kit";

export type { EnforcementLevel, PolicyConfig } from "./config";

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

/** A config that names an unknown policy or breaks a policy's schema. */
export class PolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid policy pack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

// ---------------------------------------------------------------------------------------------
// Config, reconciled the way the CLI does it.

interface EffectiveConfig {
  level: EnforcementLevel;
  properties: Record<string, unknown>;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

function validatorFor(policy: PackPolicy) {
  let validate = validators.get(policy.name);
  if (!validate) {
    validate = ajv.compile({ type: "object", properties: policy.configSchema?.properties ?? {}, required: policy.configSchema?.required ?? [] });
    validators.set(policy.name, validate);
  }
  return validate;
}

const LEVELS: readonly string[] = ["mandatory", "advisory", "disabled", "remediate"];

export function reconcileConfig(config: PolicyConfig = {}): Map<string, EffectiveConfig> {
  const problems: string[] = [];
  const known = new Set(POLICIES.map((p) => p.name));
  for (const [name, entry] of Object.entries(config)) {
    if (name !== "all" && !known.has(name)) problems.push(`${name}: no such policy in the pack (known: ${[...known].join(", ")})`);
    if (entry?.enforcementLevel !== undefined && !LEVELS.includes(entry.enforcementLevel)) problems.push(`${name}.enforcementLevel: "${entry.enforcementLevel}" is not one of mandatory, advisory, disabled`);
  }
  const all = config.all?.enforcementLevel;
  const result = new Map<string, EffectiveConfig>();
  for (const policy of POLICIES) {
    const { enforcementLevel, ...given } = config[policy.name] ?? {};
    // "remediate" downgrades to mandatory when a policy only validates, as in the server.
    const level = (enforcementLevel ?? all ?? policy.enforcementLevel ?? "mandatory").replace("remediate", "mandatory") as EnforcementLevel;
    const properties = { ...defaultsOf(policy.configSchema?.properties as Record<string, Threshold> | undefined), ...given };
    const validate = validatorFor(policy);
    if (!validate(properties)) {
      for (const error of validate.errors ?? []) problems.push(`${policy.name}${error.instancePath.replace(/\//g, ".")}: ${error.message}${error.params && "additionalProperty" in error.params ? ` (${String(error.params.additionalProperty)})` : ""}`);
    }
    result.set(policy.name, { level, properties });
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return result;
}

/**
 * Thresholds an environment's settings imply (peak nodes, failover budget, regions, app name).
 * evaluateEnvironment applies them under any explicit config; pass the result to evaluateStack
 * as well when a single-stack program has settings.
 */
export function configFromSettings(settings: Record<string, unknown> | undefined): PolicyConfig {
  if (!settings) return {};
  const config: PolicyConfig = {};
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
  return config;
}

function mergeConfig(base: PolicyConfig, override: PolicyConfig): PolicyConfig {
  const merged: PolicyConfig = { ...base };
  for (const [name, entry] of Object.entries(override)) merged[name] = { ...base[name], ...entry };
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Argument shapes.

class NotApplicable extends Error {}

const STACK_TAGS: ReadonlyMap<string, string> = new Map([[SECRETS_MASKED_TAG, "true"]]);

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  if (typeof token === "string") return token === type;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function optionsOf(r: RecordedResource): PolicyResourceOptions & { retainOnDelete: boolean } {
  return {
    protect: r.protect,
    ignoreChanges: [...r.ignoreChanges],
    aliases: [...r.aliases],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
    retainOnDelete: r.retainOnDelete,
  };
}

/** Resolves references between recorded resources: providers, URNs, ids and ARNs. */
class ResourceIndex {
  private readonly byUrn = new Map<string, RecordedResource>();
  private readonly byValue = new Map<string, string>();

  constructor(readonly resources: readonly RecordedResource[]) {
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      // Only cloud resources: providers, stack references and random values have no id to refer to.
      if (!r.custom || !r.type.startsWith("aws:")) continue;
      for (const value of [r.id, r.outputs.arn]) if (typeof value === "string" && value.length > 2) this.byValue.set(value, r.urn);
    }
  }

  get(urn: string): RecordedResource | undefined {
    return this.byUrn.get(urn);
  }

  /**
   * The engine's provider view. Default providers are not registered under mocks, so an AWS
   * resource without one gets the default provider the engine would have shown, with its region.
   */
  provider(r: RecordedResource): PolicyProviderResource | undefined {
    const explicit = r.provider ? this.byUrn.get(r.provider) : undefined;
    if (explicit) return { type: explicit.type, props: { ...explicit.inputs }, urn: explicit.urn, name: explicit.name };
    if (!r.type.startsWith("aws:") || !r.region) return undefined;
    const stackPrefix = r.urn.split("::").slice(0, 2).join("::");
    return { type: "pulumi:providers:aws", props: { region: r.region }, urn: `${stackPrefix}::pulumi:providers:aws::default`, name: "default" };
  }

  /**
   * Per-property dependencies. The engine knows them from the Outputs a program passed; here
   * every reference is a known id or ARN, so they are read back from the values (which also
   * links a literal identifier read from another stack to the resource of that stack), together
   * with any the recording carries.
   */
  propertyDependencies(r: RecordedResource): Record<string, string[]> {
    const recorded = (r as RecordedResource & { propertyDependencies?: Record<string, string[]> }).propertyDependencies ?? {};
    const deps: Record<string, string[]> = {};
    for (const key of new Set([...Object.keys(r.inputs), ...Object.keys(recorded)])) {
      const urns = new Set<string>(recorded[key] ?? []);
      const visit = (v: unknown): void => {
        if (typeof v === "string") {
          const urn = this.byValue.get(v);
          if (urn && urn !== r.urn) urns.add(urn);
        } else if (Array.isArray(v)) v.forEach(visit);
        else if (v && typeof v === "object") Object.values(v).forEach(visit);
      };
      visit(r.inputs[key]);
      if (urns.size > 0) deps[key] = [...urns];
    }
    return deps;
  }
}

function resourceArgs(r: RecordedResource, index: ResourceIndex, getConfig: () => object): ResourceValidationArgs {
  const props = r.inputs;
  const provider = index.provider(r);
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: optionsOf(r),
    ...(provider ? { provider } : {}),
    stackTags: STACK_TAGS,
    isType: (cls) => isTypeOf(r.type, cls),
    asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => getConfig() as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** What a resource policy receives for `resource` (inputs as props), resolving its provider among `resources`. */
export function resourceValidationArgs(resource: RecordedResource, resources: readonly RecordedResource[] = [resource], config: Record<string, unknown> = {}): ResourceValidationArgs {
  return resourceArgs(resource, new ResourceIndex(resources), () => ({ ...config }));
}

/** The resources a stack policy sees: outputs as props, parents and dependencies as objects. */
export function policyResources(recorded: readonly RecordedResource[]): PolicyResource[] {
  const index = new ResourceIndex(recorded);
  const built = new Map<string, PolicyResource>();
  for (const r of recorded) {
    const provider = index.provider(r);
    const props = r.outputs;
    built.set(r.urn, {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      ...(provider ? { provider } : {}),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
    });
  }
  for (const r of recorded) {
    const resource = built.get(r.urn)!;
    const resolve = (urns: readonly string[]) => urns.map((u) => built.get(u)).filter((x): x is PolicyResource => x !== undefined);
    if (r.parent && built.has(r.parent)) resource.parent = built.get(r.parent);
    resource.dependencies = resolve(r.dependsOn);
    resource.propertyDependencies = Object.fromEntries(Object.entries(index.propertyDependencies(r)).map(([k, urns]) => [k, resolve(urns)]));
  }
  return [...built.values()];
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

function runPolicies(recorded: readonly RecordedResource[], effective: Map<string, EffectiveConfig>): Violation[] {
  const out: Violation[] = [];
  const index = new ResourceIndex(recorded);
  let stackResources: PolicyResource[] | undefined;
  for (const policy of POLICIES) {
    const { level, properties } = effective.get(policy.name)!;
    if (level === "disabled") continue;
    const getConfig = () => ({ ...properties });
    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const r of recorded) {
        // The engine analyzes registrations; reads (StackReference, `X.get`) only reach stack policies.
        if (r.read) continue;
        for (const validate of validations) {
          // The server's fast path: a validation tagged with a type skips other types.
          const only = (validate as { __pulumiType?: string }).__pulumiType;
          if (only && only !== r.type) continue;
          guarded(policy, out, r.urn, () => validate(resourceArgs(r, index, getConfig), collector(policy, level, out, r.urn)));
        }
      }
    } else if ("validateStack" in policy) {
      stackResources ??= policyResources(recorded);
      const args: StackValidationArgs = {
        resources: stackResources,
        stackTags: STACK_TAGS,
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

/** Resource rules and stack rules of the pack over one stack's resources (environment rules too, when the stack is self-contained). */
export function evaluateStack(stack: StackView, config: PolicyConfig = {}): Violation[] {
  return runPolicies(stack.resources, reconcileConfig(config));
}

/**
 * Environment rules over every stack at once, with thresholds from the environment's settings
 * under any explicit config. An environment that is one self-contained stack already got these
 * from evaluateStack (the pack runs them as stack rules there), so it yields nothing here.
 */
export function evaluateEnvironment(environment: EnvironmentView, config: PolicyConfig = {}): Violation[] {
  const effective = reconcileConfig(mergeConfig(configFromSettings(environment.settings), config));
  const recorded = environment.stacks.flatMap((s) => s.resources);
  const resources = policyResources(recorded);
  if (environment.stacks.length === 1 && isSelfContained(resources)) return [];
  const out: Violation[] = [];
  for (const rule of ENVIRONMENT_RULES as readonly EnvironmentRule[]) {
    const { level, properties } = effective.get(rule.policy.name)!;
    if (level === "disabled") continue;
    guarded(rule.policy, out, null, () => rule.run(resources, collector(rule.policy, level, out), { ...properties }));
  }
  return out;
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
