/**
 * The fake cloud: Pulumi mocks that stand in for AWS and the engine, shared by the tests and the
 * offline plan.
 *
 * `pulumi.runtime.setMocks` alone shows a mock only type, name and inputs. The resource options
 * a review needs (parent, provider, protect, retainOnDelete, dependsOn, ignoreChanges, aliases)
 * travel in the RegisterResourceRequest, so `install` replaces the mock monitor's
 * `registerResource` with one that records them. The mock monitor also never runs stack
 * transforms (it only hands them to `registerTransform`); the engine does, so we apply them here
 * before the "provider" sees the inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as callbackproto from "@pulumi/pulumi/proto/callback_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as state from "@pulumi/pulumi/runtime/state";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { fakeInvoke, fakeOutputs, pinnedRegion } from "./outputs";

export { FAKE_ACCOUNT_ID, albZoneId } from "./outputs";

export const SECRET_MASK = "[secret]";

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id: string | null;
  parent: string | null;
  /** URN of the provider resource, or null for the default provider. */
  provider: string | null;
  /** Effective AWS region (null for resources that have none). */
  region: string | null;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  aliases: string[];
  dependsOn: string[];
  /** Inputs as the provider receives them, secrets replaced by "[secret]". */
  inputs: Record<string, unknown>;
  /** Fake-cloud state, secrets replaced by "[secret]". */
  outputs: Record<string, unknown>;
  /** Read, not managed (a StackReference, `X.get(...)`): in state, but never created or deleted. */
  read?: boolean;
}

export interface FakeCloudOptions {
  project?: string;
  stack?: string;
  /** The stack's `aws:region`; read from the runtime config when omitted. */
  region?: string;
  /** Outputs of other stacks, for `StackReference`, by stack name as the program writes it. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** Run as a preview (`pulumi preview`): unknowns stay unknown. Default false. */
  preview?: boolean;
}

type Transform = (args: pulumi.ResourceTransformArgs) => Promise<pulumi.ResourceTransformResult | undefined> | pulumi.ResourceTransformResult | undefined;

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig;
}

/** Replaces secret values by the mask, recursively; resource references become their URN. */
export function maskSecrets(value: unknown): unknown {
  if (isSecret(value)) return SECRET_MASK;
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (pulumi.Resource.isInstance(value)) return "[resource]";
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return "[asset]";
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}

/** Removes secret wrappers, keeping the values (what a provider works with). */
function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object" && !pulumi.Resource.isInstance(value) && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
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

export class FakeCloud implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  /** Stack outputs registered on the root stack resource. */
  stackOutputs: Record<string, unknown> = {};
  private readonly transforms: Transform[] = [];
  private readonly providerRegions = new Map<string, string>();

  constructor(readonly options: FakeCloudOptions = {}) {}

  get stackName(): string {
    return this.options.stack ?? "dev";
  }

  defaultRegion(): string {
    return this.options.region ?? pulumi.runtime.allConfig()["aws:region"] ?? "us-east-1";
  }

  /** Region a provider reference ("urn::id") stands for, or the stack's region. */
  regionOfProvider(providerRef: string | undefined): string {
    const urn = providerRef?.split("::").slice(0, -1).join("::");
    return (urn && this.providerRegions.get(urn)) || this.defaultRegion();
  }

  registerTransform(transform: Transform): void {
    this.transforms.push(transform);
  }

  /** Transforms declared on each registered resource, by URN (children inherit them). */
  private readonly resourceTransforms = new Map<string, { parent: string | null; transforms: Transform[] }>();

  /**
   * Runs transforms in the engine's order: the resource's own, then each ancestor's (a parent's
   * transforms apply to its whole subtree), then the stack's.
   */
  async applyTransforms(args: pulumi.ResourceTransformArgs, urn: string, parentUrn: string | null, own: Transform[]): Promise<pulumi.Inputs> {
    this.resourceTransforms.set(urn, { parent: parentUrn, transforms: own });
    const chain = [...own];
    for (let p = parentUrn; p; p = this.resourceTransforms.get(p)?.parent ?? null) chain.push(...(this.resourceTransforms.get(p)?.transforms ?? []));
    chain.push(...this.transforms);
    let props = args.props;
    let opts = args.opts;
    for (const transform of chain) {
      const result = await transform({ ...args, props, opts });
      if (result) ({ props, opts } = result);
    }
    return props;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    return this.provide(args, `urn:pulumi:${this.stackName}::${pulumi.getProject()}::${args.type}::${args.name}`);
  }

  /** The "provider": state and id for a resource with a known URN. */
  provide(args: pulumi.runtime.MockResourceArgs, urn: string): { id: string | undefined; state: Record<string, unknown> } {
    const plain = unwrapSecrets(args.inputs) as Record<string, unknown>;
    if (args.type === "pulumi:pulumi:StackReference") {
      const name = String(plain.name);
      const outputs = this.options.stackOutputs?.[name] ?? this.options.stackOutputs?.[name.split("/").pop()!];
      return { id: name, state: { name, outputs: outputs ?? {}, secretOutputNames: [] } };
    }
    if (args.type.startsWith("pulumi:providers:")) {
      return { id: `${args.name}-provider-id`, state: { ...args.inputs } };
    }
    const region = typeof plain.region === "string" ? plain.region : pinnedRegion(args.type) ?? this.regionOfProvider(args.provider);
    const { id, state } = fakeOutputs({ type: args.type, name: args.name, urn, region, inputs: plain });
    return { id: args.custom === false ? undefined : id, state: keepSecretness(state, args.inputs) };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
    const region = typeof inputs.region === "string" ? inputs.region : this.regionOfProvider(args.provider);
    return fakeInvoke(args.token, inputs, region);
  }

  /** Called by the recording monitor with everything the engine would see. */
  record(req: RegisterRequest, urn: string, id: string | null, inputs: Record<string, unknown>, state: Record<string, unknown>): void {
    const providerRef = req.getProvider() || "";
    const providerUrn = providerRef ? providerRef.split("::").slice(0, -1).join("::") : null;
    const type = req.getType();
    let region: string | null = null;
    if (type === "pulumi:providers:aws") {
      region = typeof inputs.region === "string" ? inputs.region : this.defaultRegion();
      this.providerRegions.set(urn, region);
    } else if (type.startsWith("aws:")) {
      region = typeof inputs.region === "string" ? inputs.region : pinnedRegion(type) ?? this.regionOfProvider(providerRef);
    } else if (!req.getCustom()) {
      region = null;
    }
    this.resources.push({
      urn,
      type,
      name: req.getName(),
      custom: req.getCustom(),
      id,
      parent: req.getParent() || null,
      provider: providerUrn,
      region,
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      ignoreChanges: req.getIgnorechangesList(),
      aliases: [...req.getAliasurnsList(), ...req.getAliasesList().map((a) => describeAlias(a, req))],
      dependsOn: [...new Set(req.getDependenciesList())],
      inputs: maskSecrets(inputs) as Record<string, unknown>,
      outputs: maskSecrets(state) as Record<string, unknown>,
    });
  }

  /** Called by the recording monitor for a read (StackReference, `X.get`): in state like any resource. */
  recordRead(req: ReadRequest, urn: string, inputs: Record<string, unknown>, state: Record<string, unknown>): void {
    const providerRef = req.getProvider() || "";
    const type = req.getType();
    this.resources.push({
      urn,
      type,
      name: req.getName(),
      custom: true,
      id: req.getId() || null,
      parent: req.getParent() || null,
      provider: providerRef ? providerRef.split("::").slice(0, -1).join("::") : null,
      region: type.startsWith("aws:") ? (typeof inputs.region === "string" ? inputs.region : this.regionOfProvider(providerRef)) : null,
      protect: false,
      retainOnDelete: false,
      ignoreChanges: [],
      aliases: [],
      dependsOn: [...new Set(req.getDependenciesList())],
      inputs: maskSecrets(inputs) as Record<string, unknown>,
      outputs: maskSecrets(state) as Record<string, unknown>,
      read: true,
    });
  }

  /** Resources of a type token, e.g. "aws:ec2/subnet:Subnet". */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }
}

// Minimal views of the generated protobuf classes we touch.
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): structproto.Struct | undefined;
  getProvider(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getIgnorechangesList(): string[];
  getAliasurnsList(): string[];
  getAliasesList(): AliasProto[];
  getDependenciesList(): string[];
  getImportid(): string;
  getTransformsList(): { getToken(): string }[];
  getAdditionalsecretoutputsList(): string[];
}
interface ReadRequest {
  getId(): string;
  getType(): string;
  getName(): string;
  getParent(): string;
  getProperties(): structproto.Struct | undefined;
  getProvider(): string;
  getDependenciesList(): string[];
}
interface AliasProto {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

function describeAlias(alias: AliasProto, req: RegisterRequest): string {
  if (alias.getUrn()) return alias.getUrn();
  const spec = alias.getSpec();
  if (!spec) return "";
  const parts = [spec.getName() && `name=${spec.getName()}`, spec.getType() && `type=${spec.getType()}`, spec.getParenturn() && `parent=${spec.getParenturn()}`, spec.getNoparent() && "noParent", spec.getStack() && `stack=${spec.getStack()}`, spec.getProject() && `project=${spec.getProject()}`].filter(Boolean);
  return parts.length ? parts.join(",") : `name=${req.getName()}`;
}

interface MonitorLike {
  resources: Map<string, { urn: string; id: string | null; state: unknown }>;
  transformCallbacks: Map<string, Transform>;
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, callback: (err: unknown, response?: unknown) => void): Promise<void>;
  readResource(req: ReadRequest, callback: (err: unknown, response?: { getUrn(): string; getProperties(): structproto.Struct | undefined }) => void): Promise<void>;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): structproto.Struct | undefined }, callback: (err: unknown, response?: unknown) => void): void;
}

/**
 * Installs the fake cloud as Pulumi's mock runtime. Await it before importing the program.
 */
export async function installFakeCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  const cloud = new FakeCloud(options);
  await pulumi.runtime.setMocks(cloud, options.project ?? "platform", cloud.stackName, options.preview ?? false);
  const monitor = settings.getMonitor() as unknown as MonitorLike;
  installTransformCallbacks(cloud, monitor);

  monitor.registerResource = async (req, callback) => {
    try {
      const type = req.getType();
      const name = req.getName();
      const custom = req.getCustom();
      const object = req.getObject();
      const urn = monitor.newUrn(req.getParent(), type, name);
      const own = req.getTransformsList().map((cb) => monitor.transformCallbacks.get(cb.getToken())).filter((t): t is Transform => t !== undefined);
      const parentUrn = req.getParent() || null;
      // The engine hands transforms the parent as a DependencyResource carrying its URN.
      const opts: pulumi.CustomResourceOptions = parentUrn ? { parent: new pulumi.DependencyResource(parentUrn) } : {};
      let inputs = object ? rpc.deserializeProperties(object) : {};
      inputs = (await cloud.applyTransforms({ custom, type, name, props: inputs, opts }, urn, parentUrn, own)) as Record<string, unknown>;
      const result = cloud.provide({ type, name, inputs, provider: req.getProvider(), custom, id: req.getImportid() }, urn);
      // The engine marks `additionalSecretOutputs` (e.g. RandomPassword.result) secret; so do we.
      result.state = markSecret(result.state, req.getAdditionalsecretoutputsList());
      cloud.record(req, urn, result.id ?? null, inputs, result.state);
      const serialized = await rpc.serializeProperties("", result.state);
      monitor.resources.set(urn, { urn, id: result.id ?? null, state: serialized });
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(result.id ?? "");
      response.setObject(structproto.Struct.fromJavaScript(serialized));
      callback(null, response);
    } catch (err) {
      callback(err, undefined);
    }
  };

  // Reads (StackReference, `X.get`) go through the mock monitor unchanged; we only record them.
  const originalRead = monitor.readResource.bind(monitor);
  monitor.readResource = (req, callback) =>
    originalRead(req, (err, response) => {
      if (!err && response) {
        const inputs = req.getProperties() ? rpc.deserializeProperties(req.getProperties()!) : {};
        const state = response.getProperties() ? rpc.deserializeProperties(response.getProperties()!) : {};
        cloud.recordRead(req, response.getUrn(), inputs, state);
      }
      callback(err, response);
    });

  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    const urn = req.getUrn();
    if (urn.includes("::pulumi:pulumi:Stack::")) {
      const outputs = req.getOutputs();
      cloud.stackOutputs = outputs ? (maskSecrets(rpc.deserializeProperties(outputs)) as Record<string, unknown>) : {};
    }
    const recorded = cloud.resources.find((r) => r.urn === urn);
    if (recorded && !recorded.custom) {
      const outputs = req.getOutputs();
      recorded.outputs = outputs ? (maskSecrets(rpc.deserializeProperties(outputs)) as Record<string, unknown>) : {};
    }
    originalOutputs(req, callback);
  };
  return cloud;
}

/**
 * The engine runs transforms through a callback server the program registers them with. Some
 * SDK versions' mock runtime refuses transforms outright ("The Pulumi CLI does not support
 * transforms"), others only record them; either way nothing runs them. Give the runtime an
 * in-process callback server: resource transforms are remembered by token (the recording monitor
 * applies them, with their parents' and the stack's, in the engine's order) and stack transforms
 * go to the fake cloud.
 */
function installTransformCallbacks(cloud: FakeCloud, monitor: MonitorLike): void {
  monitor.transformCallbacks ??= new Map();
  const store = (state as unknown as { getStore(): { supportsTransforms: boolean; callbacks?: unknown } }).getStore();
  store.supportsTransforms = true;
  let next = 0;
  store.callbacks = {
    registerTransform: async (transform: Transform) => {
      const token = `fake-cloud-transform-${next++}`;
      monitor.transformCallbacks.set(token, transform);
      return new callbackproto.Callback().setToken(token).setTarget("fake-cloud");
    },
    registerStackTransform: (transform: Transform) => cloud.registerTransform(transform),
    registerStackInvokeTransform: () => undefined,
    awaitStackRegistrations: async () => undefined,
  };
}

/** Waits until every registration and output of the program has reached the fake cloud. */
export async function settle(): Promise<void> {
  // Marked @internal in the SDK's typings, but it is the same drain `pulumi up` waits on.
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
