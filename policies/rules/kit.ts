/**
 * What every rule needs: reading values that may be unknown during a preview, following
 * references between resources, and building policies with their config schema.
 *
 * The engine hands resource policies the inputs and stack policies the outputs, wrapped in a
 * proxy that throws `UnknownValueError` when a value is not known yet (preview). Left alone that
 * turns the whole policy into an advisory "can't run during preview"; reading through `read`
 * lets a rule decide with what is known (an unknown id still means "set").
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { DefaultEnforcementLevel, readConfig, schemaOf, Thresholds } from "../config";
import { LOAD_BALANCER_TYPES, SubnetProps, TYPES, WORKLOAD_TYPES } from "./aws-types";

export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

function isUnknownValueError(error: unknown): boolean {
  // The class is internal to @pulumi/policy (not in its typings), hence the name check.
  return error instanceof Error && error.constructor.name === "UnknownValueError";
}

/** The value `get` reads, or UNKNOWN when the engine cannot know it yet. */
export function read<T>(get: () => T): T | Unknown {
  try {
    return get();
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
}

/**
 * A resource whose properties a preview does not know at all: its provider could not be
 * configured yet (a Kubernetes provider whose kubeconfig comes from a cluster still to be
 * created), and the engine plans it with no properties (provider_plugin.go, Create in a
 * preview). Every value of it is unknown, not missing: a Kubernetes object always has some.
 */
export function unplanned(r: PolicyResource): boolean {
  const props = read(() => r.props as Record<string, unknown> | undefined);
  return props !== UNKNOWN && (props === undefined || Object.keys(props).length === 0) && r.type.startsWith("kubernetes:");
}

/** Set to something: a non-empty value, or an unknown one (it will exist after creation). */
export function isSet(get: () => unknown): boolean {
  const value = read(get);
  return value === UNKNOWN || (value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0));
}

export function knownNumber(get: () => unknown): number | undefined {
  const value = read(get);
  return typeof value === "number" ? value : undefined;
}

export function knownString(get: () => unknown): string | undefined {
  const value = read(get);
  return typeof value === "string" ? value : undefined;
}

/** Length of a list; UNKNOWN when the whole list is unknown (its elements may be, the length not). */
export function listLength(get: () => unknown): number | Unknown {
  const value = read(get);
  if (value === UNKNOWN) return UNKNOWN;
  return Array.isArray(value) ? value.length : 0;
}

/** Elements of a list that are readable; unknown elements are skipped. */
export function knownItems<T>(get: () => T[] | undefined): T[] {
  const list = read(get);
  if (list === UNKNOWN || !Array.isArray(list)) return [];
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = read(() => list[i]);
    if (item !== UNKNOWN) out.push(item);
  }
  return out;
}

export function ofType(resources: readonly PolicyResource[], types: string | readonly string[]): PolicyResource[] {
  const wanted = typeof types === "string" ? [types] : types;
  return resources.filter((r) => wanted.includes(r.type));
}

/**
 * Resources of the given types that a property's value came from. The engine records, per
 * input property, the resources whose outputs flowed into it; that works in a preview, where
 * ids are still unknown. Literal ids (config, stack references) leave no trace: callers fall back.
 */
export function referencedBy(resource: PolicyResource, property: string, types: string | readonly string[]): PolicyResource[] {
  const wanted = typeof types === "string" ? [types] : types;
  const seen = new Set<string>();
  return (resource.propertyDependencies[property] ?? []).filter((dep) => wanted.includes(dep.type) && !seen.has(dep.urn) && seen.add(dep.urn));
}

/** Resources of `types` whose `property` references `target`. */
export function referencing(resources: readonly PolicyResource[], types: string | readonly string[], property: string, target: PolicyResource): PolicyResource[] {
  return ofType(resources, types).filter((r) => (r.propertyDependencies[property] ?? []).some((dep) => dep.urn === target.urn));
}

export interface AzSpread {
  /** Distinct AZs (names or ids) of the subnets whose AZ is known. */
  readonly zones: Set<string>;
  /** Subnets whose AZ is not known yet. */
  readonly unplaced: number;
}

export function azSpread(subnets: readonly PolicyResource[]): AzSpread {
  const zones = new Set<string>();
  let unplaced = 0;
  for (const subnet of subnets) {
    const props = subnet.props as SubnetProps;
    const az = knownString(() => props.availabilityZone) ?? knownString(() => props.availabilityZoneId);
    if (az) zones.add(az);
    else unplaced++;
  }
  return { zones, unplaced };
}

/**
 * AZs a resource spans: distinct AZs of its subnets when they are all visible and placed,
 * otherwise the number of subnet ids it lists (each subnet lives in one AZ; AWS refuses two
 * subnets of one AZ for a load balancer and an ASG gains nothing from them).
 */
export function zoneCount(subnets: readonly PolicyResource[], listedSubnetCount: number | Unknown): { count: number | Unknown; exact: boolean } {
  const spread = azSpread(subnets);
  if (subnets.length > 0 && spread.unplaced === 0) return { count: spread.zones.size, exact: true };
  return { count: listedSubnetCount, exact: false };
}

/** AWS region of a resource: its own `region` (provider v7) or its provider's. */
export function regionOf(resource: { props: Record<string, unknown>; provider?: { props: Record<string, unknown> } }): string | undefined {
  return knownString(() => resource.props.region) ?? knownString(() => resource.provider?.props.region);
}

/** Region field of a known ARN (undefined for a key id, an alias name or an unknown value). */
export function arnRegion(arn: string | undefined): string | undefined {
  return arn && arn.startsWith("arn:") ? arn.split(":")[3] || undefined : undefined;
}

/** Regions where the environment runs workloads (VPCs, clusters, node pools, load balancers, databases). */
export function workloadRegions(resources: readonly PolicyResource[]): Set<string> {
  const regions = new Set<string>();
  for (const r of ofType(resources, WORKLOAD_TYPES)) {
    const region = regionOf(r);
    if (region) regions.add(region);
  }
  return regions;
}

/** The `role` a regional stack of a multi-stack environment exports (stacks/region.ts). */
const ENVIRONMENT_PART_ROLES: readonly unknown[] = ["primary", "secondary"];

/**
 * A stack that holds a whole environment: workloads, and not a regional stack of a multi-stack
 * environment (whose root stack resource exports `role: primary | secondary`, a literal, known at
 * preview too). The global stack has no workloads. So the environment rules skip both parts and
 * run across stacks in the plan. Not by the regional stack's StackReference: the engine hands
 * stack policies the resources the program registered, and a StackReference is a read
 * (step_executor.go keeps reads out of `news`, which AnalyzeStack is built from).
 */
export function isSelfContained(resources: readonly PolicyResource[]): boolean {
  const root = ofType(resources, TYPES.stack)[0];
  const role = root ? read(() => (root.props as { role?: unknown }).role) : undefined;
  return !ENVIRONMENT_PART_ROLES.includes(role) && ofType(resources, WORKLOAD_TYPES).length > 0;
}

export function isApplicationOrNetworkLb(props: { loadBalancerType?: string }): boolean {
  const kind = read(() => props.loadBalancerType);
  return kind === UNKNOWN || kind === undefined || kind === "application" || kind === "network";
}

export const isLoadBalancer = (r: PolicyResource) => (LOAD_BALANCER_TYPES as readonly string[]).includes(r.type);

/** Short, stable name for messages, as the SDK spells the class: `db (rds.Cluster)`. */
export function describe(resource: { name: string; type: string }): string {
  const [, module = "", type = resource.type] = resource.type.split(":");
  return `${resource.name} (${module.split("/")[0]}.${type})`;
}

// ---------------------------------------------------------------------------------------------
// Policy builders.

/**
 * What a rule reads where Pulumi holds a secret. `plain`: the values, as the engine hands every
 * policy (decrypted, with no mark of secretness: pulumi/pulumi-policy#241), so the rule judges
 * what will be deployed. `masked`: "[secret]" in their place and the SECRETS_MASKED_TAG stack tag,
 * which only the offline harness can give: for a rule that judges secretness itself, and that
 * under the engine (plain values, no tag) must end as not applicable.
 */
export type SecretsView = "plain" | "masked";

export interface RuleMeta {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: DefaultEnforcementLevel;
  readonly severity: Severity;
  readonly thresholds?: Thresholds;
  readonly remediationSteps?: string;
  /**
   * Which values the offline harness (policies/evaluate.ts) hands the rule where a property holds a secret.
   * @default "plain" — the engine's view; `masked` only for a rule that reads the masks or SECRETS_MASKED_TAG
   */
  readonly secretsView?: SecretsView;
}

/** The view of secrets a policy of the pack asks for (RuleMeta.secretsView; plain when it names none). */
export function secretsViewOf(policy: object): SecretsView {
  return (policy as { secretsView?: SecretsView }).secretsView ?? "plain";
}

export interface ResourceContext<C> {
  readonly args: ResourceValidationArgs;
  readonly report: ReportViolation;
  readonly config: C;
}

export interface StackContext<C> {
  readonly args: StackValidationArgs;
  readonly report: ReportViolation;
  readonly config: C;
}

/** The PolicyPack fields every rule declares the same way (name, levels, config schema). */
export function metaFields(meta: RuleMeta) {
  const configSchema = schemaOf(meta.thresholds);
  return {
    name: meta.name,
    description: meta.description,
    enforcementLevel: meta.enforcementLevel,
    severity: meta.severity,
    ...(configSchema ? { configSchema } : {}),
    ...(meta.remediationSteps ? { remediationSteps: meta.remediationSteps } : {}),
    // Read by the offline harness only; the policy server ignores fields it does not know.
    ...(meta.secretsView ? { secretsView: meta.secretsView } : {}),
  };
}

/**
 * A policy over single resources (run before each resource is created). `appliesTo` is a list of
 * type tokens, or a predicate over the type and the config when the config names the types.
 */
export function resourceRule<P, C = Record<string, never>>(
  meta: RuleMeta,
  appliesTo: readonly string[] | ((type: string, config: C) => boolean),
  check: (props: P, context: ResourceContext<C>) => void,
): ResourceValidationPolicy {
  const validate = (args: ResourceValidationArgs, report: ReportViolation) => {
    if (Array.isArray(appliesTo) && !appliesTo.includes(args.type)) return;
    const config = readConfig<C>(args, meta.thresholds);
    if (typeof appliesTo === "function" && !appliesTo(args.type, config)) return;
    check(args.props as P, { args, report, config });
  };
  // With one type, the engine (and the harness) skip other resources without calling us.
  if (Array.isArray(appliesTo) && appliesTo.length === 1) Object.assign(validate, { __pulumiType: appliesTo[0] });
  return { ...metaFields(meta), validateResource: validate };
}

/** A policy over the whole stack (run after a preview or update, on the outputs). */
export function stackRule<C = Record<string, never>>(meta: RuleMeta, check: (resources: PolicyResource[], context: StackContext<C>) => void): StackValidationPolicy {
  return {
    ...metaFields(meta),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => check(args.resources, { args, report, config: readConfig<C>(args, meta.thresholds) }),
  };
}
