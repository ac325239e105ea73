/**
 * The arguments the engine passes to policies, built from recorded resources: what a resource
 * policy sees (inputs, options, provider) and what a stack policy sees (outputs, with parents,
 * dependencies and per-property dependencies as resource objects), in one of two views of secrets
 * (rules/kit.ts SecretsView): the plain values the engine hands policies, or the plan's masks.
 */
import type { PolicyProviderResource, PolicyResource, PolicyResourceOptions, ResourceValidationArgs } from "@pulumi/policy";
import type { RecordedResource } from "../tools/fake-cloud";
import * as policyProxy from "@pulumi/policy/proxy";
import { SECRETS_MASKED, SECRETS_MASKED_TAG } from "./config";
import type { SecretsView } from "./rules/kit";

/**
 * What @pulumi/policy's server hands a rule as `props`: the properties behind a proxy that throws
 * UnknownValueError where a value is unknown (a preview), which the server turns into an advisory
 * "can't run during preview". Internal to the package (its typings export nothing).
 */
const { unknownCheckingProxy, unknownStringValue } = policyProxy as unknown as { unknownCheckingProxy<T>(value: T): T; unknownStringValue: string };

/** A recorded value as the server deserializes it: the SDK's unknown marker is the engine's unknown sentinel. */
function asServerSees(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if ((value as { __pulumiUnknown?: unknown }).__pulumiUnknown === true) return unknownStringValue;
  if (Array.isArray(value)) return value.map(asServerSees);
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, asServerSees(v)]));
}

export interface ArgumentOptions {
  /**
   * The arguments exactly as the CLI's policy server builds them: properties behind its
   * unknown-checking proxy, secrets plain and none of the offline harness's stack tags (so the
   * rules that need masking are not applicable).
   */
  readonly asServer?: boolean;
  /**
   * Where a property holds a secret: its plain value (RecordedResource.secretInputs and
   * secretOutputs), as the engine hands policies; or the record's "[secret]" with the
   * SECRETS_MASKED_TAG stack tag. The harness passes each rule the view it declares
   * (RuleMeta.secretsView). Ignored under `asServer`: plain.
   * @default "masked" — what a report may print (tools/plan/serving-path.ts reads resources through policyResources)
   */
  readonly secrets?: SecretsView;
}

const viewOf = (options: ArgumentOptions): SecretsView => (options.asServer ? "plain" : options.secrets ?? "masked");

const propsOf = (value: Record<string, unknown>, options: ArgumentOptions) => (options.asServer ? unknownCheckingProxy(asServerSees(value) as Record<string, unknown>) : value);

/** A record's properties in a view: as recorded (masked), or with the plain values of those that hold a secret. */
function inView(masked: Record<string, unknown>, plain: Record<string, unknown> | undefined, options: ArgumentOptions): Record<string, unknown> {
  // Every key of `plain` is a key of `masked`: the spread keeps the recorded order.
  return plain && viewOf(options) === "plain" ? { ...masked, ...plain } : masked;
}

const inputsOf = (r: RecordedResource, options: ArgumentOptions) => inView(r.inputs, r.secretInputs, options);
const outputsOf = (r: RecordedResource, options: ArgumentOptions) => inView(r.outputs, r.secretOutputs, options);

/** The stack tags a rule sees: the harness's mark that secrets are masked, in the masked view only. */
export const stackTagsOf = (options: ArgumentOptions): ReadonlyMap<string, string> => (viewOf(options) === "masked" ? STACK_TAGS : NO_TAGS);

/** Thrown by `notApplicable`, as the server's own error is: the policy ends without a finding. */
export class NotApplicable extends Error {}

export const STACK_TAGS: ReadonlyMap<string, string> = Object.assign(new Map([[SECRETS_MASKED_TAG, "true"]]), { [SECRETS_MASKED]: true });
const NO_TAGS: ReadonlyMap<string, string> = new Map();

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
export class ResourceIndex {
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
   * The engine's provider view: the provider resource the record names (the fake engine
   * registers default providers as the engine does). A hand-made AWS record without one gets the
   * default provider the engine would have shown, with its region.
   */
  provider(r: RecordedResource, options: ArgumentOptions = {}): PolicyProviderResource | undefined {
    const explicit = r.provider ? this.byUrn.get(r.provider) : undefined;
    if (explicit) return { type: explicit.type, props: { ...inputsOf(explicit, options) }, urn: explicit.urn, name: explicit.name };
    if (!r.type.startsWith("aws:") || !r.region) return undefined;
    const stackPrefix = r.urn.split("::").slice(0, 2).join("::");
    return { type: "pulumi:providers:aws", props: { region: r.region }, urn: `${stackPrefix}::pulumi:providers:aws::default`, name: "default" };
  }

  /**
   * Per-property dependencies, as the engine recorded them (the fake engine records what the
   * program sent, as the real one does), so a stack policy sees the same links under the plan and
   * under `pulumi preview` with the pack. A literal identifier (from config or another stack)
   * leaves no trace there, and the rules fall back to matching identifiers themselves.
   *
   * Records made by hand (tests' fixtures) carry none: for those, references are read back
   * from the known ids and ARNs in the inputs.
   */
  propertyDependencies(r: RecordedResource): Record<string, string[]> {
    if (r.propertyDependencies) {
      return Object.fromEntries(Object.entries(r.propertyDependencies).filter(([, urns]) => urns.length > 0).map(([key, urns]) => [key, [...new Set(urns)]]));
    }
    const deps: Record<string, string[]> = {};
    for (const key of Object.keys(r.inputs)) {
      const urns = new Set<string>();
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

export function resourceArgs(r: RecordedResource, index: ResourceIndex, getConfig: () => object, options: ArgumentOptions = {}): ResourceValidationArgs {
  const props = propsOf(inputsOf(r, options), options);
  const provider = index.provider(r, options);
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: optionsOf(r),
    ...(provider ? { provider } : {}),
    stackTags: stackTagsOf(options),
    isType: (cls) => isTypeOf(r.type, cls),
    asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => getConfig() as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** What a resource policy receives for `resource` (inputs as props), resolving its provider among `resources`. */
export function resourceValidationArgs(resource: RecordedResource, resources: readonly RecordedResource[] = [resource], config: Record<string, unknown> = {}, options: ArgumentOptions = {}): ResourceValidationArgs {
  return resourceArgs(resource, new ResourceIndex(resources), () => ({ ...config }), options);
}

/** The resources a stack policy sees: outputs as props, parents and dependencies as objects. */
export function policyResources(recorded: readonly RecordedResource[], options: ArgumentOptions = {}): PolicyResource[] {
  const index = new ResourceIndex(recorded);
  const built = new Map<string, PolicyResource>();
  for (const r of recorded) {
    const provider = index.provider(r, options);
    const props = propsOf(outputsOf(r, options), options);
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
