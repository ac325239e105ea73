/**
 * The fake cloud: what AWS (and the other providers) would answer, behind the fake engine
 * (tools/fake-cloud/engine.ts), shared by the tests and the offline plan.
 *
 * The engine does the engine's work (URNs, parents, providers, option inheritance, transforms,
 * default providers, preview unknowns); this module answers as the providers would, with
 * plausible, deterministic outputs (tools/fake-cloud/outputs.ts), and records every resource
 * with the options a review needs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as state from "@pulumi/pulumi/runtime/state";
import { type AmbientAws, ambientRegion, MISSING_REGION, processAmbient, REGION_SOURCES } from "./aws-region";
import { EngineError, FakeEngine, isProviderType, parseProviderRef, ProviderAnswer, Registration } from "./engine";
import { fakeInvoke, fakeOutputs, kubernetesAutonamedMetadata, pinnedRegion } from "./outputs";
import { setPlainSecrets } from "./plain-secrets";

export { FAKE_ACCOUNT_ID, albZoneId } from "./outputs";

export const SECRET_MASK = "[secret]";

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id: string | null;
  parent: string | null;
  /**
   * URN of the provider resource that manages it: an explicit provider, or the default provider
   * the engine registered for its package (`pulumi:providers:aws::default_<version>`). Null for
   * components, providers and the root stack.
   */
  provider: string | null;
  /** Effective AWS region (null for resources that have none). */
  region: string | null;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  /**
   * Property paths whose change replaces the resource (`replaceOnChanges` after transforms), as
   * the engine applies them to the provider's diff. Always set by the fake engine (optional only
   * for records made by hand and plans from before it was recorded).
   */
  replaceOnChanges?: string[];
  /**
   * `deleteBeforeReplace: true` in the goal: a replacement deletes the old resource before it
   * creates the new one. False when unset (the provider chooses the order) or false.
   */
  deleteBeforeReplace?: boolean;
  /** Alias URNs, resolved as the engine resolves alias specs. */
  aliases: string[];
  /** Every resource it depends on (explicit `dependsOn` and through its inputs), as the engine records `dependencies`. */
  dependsOn: string[];
  /**
   * Input name → URNs of the resources whose outputs that input was built from, as the engine
   * records them. Always set by the fake engine (optional only for records made by hand).
   */
  propertyDependencies?: Record<string, string[]>;
  /** Inputs as the provider receives them, secrets replaced by "[secret]". */
  inputs: Record<string, unknown>;
  /** Fake-cloud state, secrets replaced by "[secret]". */
  outputs: Record<string, unknown>;
  /**
   * The plain values of the top-level inputs that hold a secret (at any depth; the rest of such an
   * input in the clear too): what the engine's analyzer hands policies, which get secrets
   * decrypted (@pulumi/policy deserializeProperties; pulumi/pulumi-policy#241). Only when some
   * input holds a secret, and never for a read (it reaches no policy). For the policy harness
   * alone (policies/arguments.ts): never written to the plan JSON or any report, which show `inputs`.
   * Not enumerable (tools/fake-cloud/plain-secrets.ts): JSON and object spread leave it out.
   */
  secretInputs?: Record<string, unknown>;
  /**
   * The same for the outputs (stack policies read outputs: RandomPassword's `result`, a listener
   * rule's `conditions` with a secret header value). Only when some output holds a secret; never
   * written to the plan JSON or any report.
   */
  secretOutputs?: Record<string, unknown>;
  /** Read, not managed (a StackReference, `X.get(...)`): in state, but never created or deleted. */
  read?: boolean;
  /**
   * The `import` option (after transforms): the id of an existing cloud resource the engine
   * imports (reads and adopts) instead of creating it; its `id` is that one. Only when set.
   */
  importId?: string;
}

export interface FakeCloudOptions {
  project?: string;
  stack?: string;
  /**
   * What `pulumi.getOrganization()` answers: the stack's owner on Pulumi Cloud.
   * @default "organization" — what the diy backend always sets
   */
  organization?: string;
  /** The stack's `aws:region`; read from the runtime config when omitted. */
  region?: string;
  /**
   * Outputs of other stacks of this project, for `StackReference`, by the stack's own name
   * (`prod`, which the program writes `<org>/<project>/prod`): each value
   * plain, or wrapped as a secret as the backend keeps it (another run's `exportedOutputs`).
   * A reference to any other stack fails, as the backend's `unknown stack`.
   */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** Run as a preview of a new stack (`pulumi preview`): computed outputs stay unknown. Default false. */
  preview?: boolean;
  /**
   * The environment and shared config and credentials files an AWS provider reads its region
   * from when its config names none (tools/fake-cloud/aws-region.ts). Default: this process's.
   */
  ambient?: AmbientAws;
}
function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig;
}

/** Is this value, or anything inside it, a secret (the engine's PropertyValue.ContainsSecrets)? */
function containsSecret(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (isSecret(value)) return true;
  return Object.values(value).some(containsSecret);
}

/** Sets an own property as `Object.fromEntries` does: a key "__proto__" too, not the prototype. */
function defineOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/**
 * A recorded copy of a value: each secret becomes what `secret` makes of its value, resource
 * references "[resource]", assets "[asset]", undefined properties are left out.
 */
function recordedCopy(value: unknown, secret: (inner: unknown) => unknown): unknown {
  // Scalars first: the SDK's isInstance checks below cost more than the rest of this function
  // when asked of every string and number of every resource (and answer no for them).
  if (typeof value !== "object" || value === null) return value;
  if (isSecret(value)) return secret(value.value);
  if (Array.isArray(value)) return value.map((item) => recordedCopy(item, secret));
  if (pulumi.Resource.isInstance(value)) return "[resource]";
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return "[asset]";
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) defineOwn(copy, key, recordedCopy(v, secret));
  }
  return copy;
}

const mask = () => SECRET_MASK;
const reveal = (inner: unknown): unknown => recordedCopy(inner, reveal);

/** Replaces secret values by the mask, recursively; resource references become "[resource]", assets "[asset]". */
export function maskSecrets(value: unknown): unknown {
  return recordedCopy(value, mask);
}

/** As maskSecrets, with each secret's value where the mask would be: what a policy sees under the engine. */
export function revealSecrets(value: unknown): unknown {
  return recordedCopy(value, reveal);
}

/**
 * A resource's properties as recorded: masked (`inputs`, `outputs`), and the plain values of the
 * top-level properties that hold a secret (`secretInputs`, `secretOutputs`), when any does.
 */
export function recordProperties(properties: Record<string, unknown>): { masked: Record<string, unknown>; secret?: Record<string, unknown> } {
  const masked: Record<string, unknown> = {};
  let secret: Record<string, unknown> | undefined;
  for (const key of Object.keys(properties)) {
    const value = properties[key];
    if (value === undefined) continue;
    let holdsSecret = false;
    const copy = recordedCopy(value, () => {
      holdsSecret = true;
      return SECRET_MASK;
    });
    defineOwn(masked, key, copy);
    // A secret of nothing is null to the analyzer (and across the isolated runner's JSON).
    if (holdsSecret) defineOwn((secret ??= {}), key, revealSecrets(value) ?? null);
  }
  return secret ? { masked, secret } : { masked };
}

/** Removes secret wrappers, keeping the values (what a provider works with). */
function unwrapSecrets(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value.constructor === Object && !pulumi.Resource.isInstance(value)) {
    const plain: Record<string, unknown> = {};
    for (const key of Object.keys(value)) defineOwn(plain, key, unwrapSecrets((value as Record<string, unknown>)[key]));
    return plain;
  }
  return value;
}

/** Wraps the named top-level properties as secrets. */
function markSecret(state: Record<string, unknown>, names: string[]): Record<string, unknown> {
  if (names.length === 0) return state;
  const out = { ...state };
  for (const key of names) {
    if (key in out && !isSecret(out[key])) out[key] = { [rpc.specialSigKey]: rpc.specialSecretSig, value: out[key] };
  }
  return out;
}

/** Re-wraps top-level properties that were secret on the way in, so they stay secret on the way out. */
function keepSecretness(state: Record<string, unknown>, inputs: Record<string, unknown>): Record<string, unknown> {
  const out = { ...state };
  for (const [key, value] of Object.entries(inputs)) {
    if (isSecret(value) && key in out) out[key] = { [rpc.specialSigKey]: rpc.specialSecretSig, value: out[key] };
  }
  return out;
}

export class FakeCloud {
  readonly resources: RecordedResource[] = [];
  /** Stack outputs registered on the root stack resource, secrets masked (what the plan shows). */
  stackOutputs: Record<string, unknown> = {};
  /**
   * The same outputs as a later stack's StackReference reads them from the backend: values, with
   * secrets still wrapped as secrets (plain JSON).
   */
  exportedOutputs: Record<string, unknown> = {};
  /** The engine this cloud answers for (set by installFakeCloud). */
  engine!: FakeEngine;

  constructor(readonly options: FakeCloudOptions = {}) {}

  get stackName(): string {
    return this.options.stack ?? "dev";
  }

  get projectName(): string {
    return this.options.project ?? "platform";
  }

  /** The stack's `aws:region` (options.region stands for it), else null. */
  private stackRegion(): string | null {
    // An empty aws:region is unset for the provider, which then looks further.
    return this.options.region || pulumi.runtime.allConfig()["aws:region"] || null;
  }

  /**
   * The region an AWS provider configures itself with: its `region`; for the default provider,
   * the stack's `aws:region` (the engine configures it from the stack's config); then what the
   * provider process finds in its environment and profile. None of them: the provider refuses,
   * as pulumi-aws does, and so does every resource that needs it. An explicit provider does not
   * read the stack's `aws:region` (pulumi-aws gives an explicit provider none of the stack's `aws:*` config).
   * Null when it is not known yet: in a preview, a provider whose region or profile is an unknown
   * output is left unconfigured and its resources planned with unknown outputs, as the engine does.
   */
  private awsProviderRegion(registration: Registration, inputs: Record<string, unknown>): string | null {
    if (typeof inputs.region === "string" && inputs.region !== "") return inputs.region;
    if (pulumi.isUnknown(inputs.region) || pulumi.isUnknown(inputs.profile)) return null;
    const configured = registration.defaultProvider ? this.stackRegion() : null;
    const region = configured ?? ambientRegion(typeof inputs.profile === "string" ? inputs.profile : undefined, this.options.ambient ?? processAmbient());
    if (region === null) throw new EngineError(`${registration.type} resource '${registration.name}' has a problem: ${MISSING_REGION} ${REGION_SOURCES}`);
    return region;
  }

  private regionOf(registration: Registration, inputs: Record<string, unknown>, providerRegion: string | null): string | null {
    if (registration.type === "pulumi:providers:aws") return this.awsProviderRegion(registration, inputs);
    if (!registration.type.startsWith("aws:")) return null;
    return typeof inputs.region === "string" ? inputs.region : pinnedRegion(registration.type) ?? providerRegion;
  }

  /** The provider's answer: state and id for a resource with a known URN. */
  provide(registration: Registration, providerRegion: string | null): ProviderAnswer {
    const { type, name, urn, inputs } = registration;
    const plain = unwrapSecrets(inputs) as Record<string, unknown>;
    if (type === "pulumi:pulumi:StackReference") {
      const stackName = String(plain.name);
      const outputs = this.referencedOutputs(stackName);
      // The engine's builtin provider (readStackReference) names every output that holds a secret,
      // sorted; the SDK then keeps those outputs secret (and refuses their plain values).
      const secretOutputNames = Object.keys(outputs).filter((key) => containsSecret(outputs[key])).sort();
      return { id: stackName, state: { name: stackName, outputs, secretOutputNames } };
    }
    if (type === "pulumi:providers:aws") return { id: `${name}-provider-id`, state: { ...inputs }, region: this.awsProviderRegion(registration, plain) ?? undefined };
    if (isProviderType(type)) return { id: `${name}-provider-id`, state: { ...inputs } };
    if (!registration.custom) return { id: undefined, state: {} };
    // Resources of other providers (Kubernetes, random) have no region: their outputs are made
    // in the stack's, as before.
    const region = this.regionOf(registration, plain, providerRegion) ?? this.stackRegion() ?? "";
    const { id, state: built } = fakeOutputs({ type, name, urn, region, inputs: plain });
    // pulumi-kubernetes names an unnamed object in Check, before any API call (secret metadata stays secret).
    const metadata = kubernetesAutonamedMetadata(type, name, urn, plain.metadata);
    const state = markSecret(keepSecretness(metadata ? { ...built, metadata } : built, inputs), registration.additionalSecretOutputs);
    // The engine marks `additionalSecretOutputs` (e.g. RandomPassword.result) secret; so do we.
    // A read (`X.get(name, id)`) or an import names the resource: the provider answers with that id.
    const given = registration.importId || undefined;
    return { id: given ?? id, state, ...(metadata ? { checked: { metadata: state.metadata } } : {}) };
  }

  /**
   * The outputs of the stack a StackReference names. Pulumi Cloud (the backend docs/deploying.md
   * sets up) reads only a fully qualified `<organization>/<project>/<stack>` (httpstate backend,
   * GetStackOutputs) and refuses `prod` or `org/prod` with its own message, in a preview too; the
   * diy backend takes that form as well. The organization is not checked (the plan does not know
   * the backend's); the project must be this one's. A stack the plan has not planned is refused as
   * the backend refuses a stack it does not have: answering `{}` would let the program run on
   * outputs that do not exist (`getOutput` is undefined).
   */
  private referencedOutputs(stackName: string): Record<string, unknown> {
    const segments = stackName.split("/");
    if (segments.length !== 3) {
      throw new EngineError(
        `a stack reference's name should be of the form '<organization>/<project>/<stack>' (Pulumi Cloud refuses "${stackName}"); ` +
          `write \`\${pulumi.getOrganization()}/\${pulumi.getProject()}/${segments[segments.length - 1]}\``,
      );
    }
    const [, project, name] = segments;
    const known = this.options.stackOutputs ?? {};
    if (project === this.projectName && Object.hasOwn(known, name)) return known[name];
    const names = Object.keys(known);
    throw new EngineError(
      `unknown stack "${stackName}": the offline plan has only the outputs of the stacks of project ${this.projectName} it planned before this one ` +
        `(${names.length ? names.join(", ") : "none"}) and cannot read a stack outside the plan. Reference one of them by name, or run \`pulumi preview\` where the backend has that stack`,
    );
  }

  invoke(token: string, args: Record<string, unknown>, providerRegion: string | null): Record<string, unknown> {
    const inputs = unwrapSecrets(args) as Record<string, unknown>;
    const region = typeof inputs.region === "string" ? inputs.region : providerRegion ?? this.stackRegion() ?? "";
    return fakeInvoke(token, inputs, region);
  }

  record(registration: Registration, id: string | null, state: Record<string, unknown>, providerRegion: string | null): void {
    const plain = unwrapSecrets(registration.inputs) as Record<string, unknown>;
    const inputs = recordProperties(registration.inputs);
    const outputs = recordProperties(state);
    this.resources.push({
      urn: registration.urn,
      type: registration.type,
      name: registration.name,
      custom: registration.custom,
      id: registration.custom ? id : null,
      parent: registration.parent,
      provider: registration.provider ? parseProviderRef(registration.provider)?.urn ?? null : null,
      region: this.regionOf(registration, plain, providerRegion),
      protect: registration.protect === true,
      retainOnDelete: registration.retainOnDelete === true,
      ignoreChanges: registration.ignoreChanges,
      replaceOnChanges: registration.replaceOnChanges,
      deleteBeforeReplace: registration.deleteBeforeReplace === true,
      aliases: registration.aliases,
      dependsOn: registration.dependencies,
      propertyDependencies: registration.propertyDependencies,
      inputs: inputs.masked,
      outputs: outputs.masked,
      ...(registration.read ? { read: true } : {}),
      ...(registration.importId && !registration.read ? { importId: registration.importId } : {}),
    });
    // A read reaches no policy: its secrets' values are kept nowhere.
    if (!registration.read) {
      const recorded = this.resources[this.resources.length - 1];
      setPlainSecrets(recorded, "secretInputs", inputs.secret);
      setPlainSecrets(recorded, "secretOutputs", outputs.secret);
    }
  }

  recordOutputs(urn: string, outputs: Record<string, unknown>, wire: Record<string, unknown>): void {
    const { masked, secret } = recordProperties(outputs);
    if (urn.includes("::pulumi:pulumi:Stack::")) {
      this.stackOutputs = masked;
      this.exportedOutputs = wire;
    }
    const recorded = this.resources.find((r) => r.urn === urn);
    if (recorded && !recorded.custom) {
      recorded.outputs = masked;
      setPlainSecrets(recorded, "secretOutputs", secret);
    }
  }

  /** Resources of a type token, e.g. "aws:ec2/subnet:Subnet". */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }
}

interface StoreFlags {
  supportsSecrets: boolean;
  supportsResourceReferences: boolean;
  supportsOutputValues: boolean;
  supportsDeletedWith: boolean;
  supportsReplaceWith: boolean;
  supportsAliasSpecs: boolean;
  supportsTransforms: boolean;
  supportsInvokeTransforms: boolean;
  supportsParameterization: boolean;
  supportsResourceHooks: boolean;
  supportsErrorHooks: boolean;
  callbacks?: unknown;
}

/**
 * Installs the fake engine and cloud as the runtime's monitor in the current runtime store
 * (`pulumi.runtime.setMocks` does the same with the SDK's MockMonitor). Set the config first;
 * await it before importing or running the program.
 */
export async function installFakeCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  const cloud = new FakeCloud(options);
  const project = cloud.projectName;
  const engine = new FakeEngine({ project, stack: cloud.stackName, preview: options.preview ?? false, config: pulumi.runtime.allConfig(), cloud });
  cloud.engine = engine;
  // Without an organization the SDK's getOrganization() throws ("Missing organization name"),
  // which no backend lets happen.
  const organization = options.organization ?? "organization";
  (settings as unknown as { setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean, organization: string): void }).setMockOptions(engine, project, cloud.stackName, options.preview ?? false, organization);
  const store = (state as unknown as { getStore(): StoreFlags }).getStore();
  // What the engine supports; output values stay off as with mocks (inputs arrive as plain values).
  Object.assign(store, {
    supportsSecrets: true, supportsResourceReferences: true, supportsOutputValues: false, supportsDeletedWith: true,
    supportsReplaceWith: true, supportsAliasSpecs: true, supportsTransforms: true, supportsInvokeTransforms: true,
    supportsParameterization: true, supportsResourceHooks: true, supportsErrorHooks: true,
  });
  store.callbacks = engine.callbacks;
  return cloud;
}

/** Waits until every registration and output of the program has reached the fake cloud. */
export async function settle(): Promise<void> {
  // Marked @internal in the SDK's typings, but it is the same drain `pulumi up` waits on.
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
