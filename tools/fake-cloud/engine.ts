/**
 * The fake engine: the resource monitor a Pulumi program talks to, following the rules of the
 * real engine (pulumi/pulumi `pkg/resource/deploy/source_eval.go` and `step_generator.go`) so that
 * the plan accepts and refuses what `pulumi preview` of a new stack would:
 *
 * - URNs as `deployment.generateURN` builds them: the parent's full qualified type chain, `$`, the
 *   type; the root `pulumi:pulumi:Stack` type is left out for top-level resources.
 * - A second resource with the same URN fails the run with the engine's message, and so does a
 *   parent that was never registered or a provider reference that names no provider resource.
 * - Options inherited from the parent's goal as `inheritFromParent` does (protect,
 *   retainOnDelete, a custom parent's provider for resources of its package); component
 *   `providers` maps flow to children; the provider of a custom resource resolves from the
 *   request, the `providers` map, then the parent components' maps.
 * - Default providers (`pulumi:providers:<pkg>::default[_<version>]`) registered on first use,
 *   by a resource, a read or an invoke, configured from the stack's `<pkg>:*` config; refused,
 *   with the engine's message, for the packages the stack's `pulumi:disable-default-providers` lists.
 * - Transforms run through the program's own callback code (the SDK's CallbackServer, without
 *   its gRPC server), in the engine's order: the resource's own, each ancestor's, the stack's;
 *   secrets and unknowns reach them as output values (tools/fake-cloud/transform-values.ts).
 * - `propertyDependencies` and `dependencies` recorded as sent; `replaceOnChanges` and
 *   `deleteBeforeReplace` as the goal holds them after transforms (not inherited from parents).
 * - `hideDiffs` paths and `customTimeouts` durations, as transforms leave them, parsed as the
 *   engine parses them, with its messages (tools/fake-cloud/resource-options.ts).
 * - The version of a provider request parsed with blang/semver's rules (tools/fake-cloud/semver.ts)
 *   where `parseProviderRequest` parses it: every custom resource (as transforms leave it, a
 *   given provider or not), a read without a provider, every invoke; a provider's own version too.
 * - `envVarMappings` refused on anything but a provider resource.
 * - In a preview (`preview: true`) a new custom resource's id and every output it was not given
 *   as an input are unknown, as the provider's planned state is; reads, invokes and
 *   StackReferences answer with known values, as they do in a real preview, except a read by an
 *   id not known yet, which no provider sees (ReadStep.Apply): its outputs are empty.
 * - A custom resource with the `import` option (after transforms) is imported, not created
 *   (step_generator.go `isImport`; ImportStep.Apply reads it in a preview too): its id is the
 *   import id and its outputs are known in a preview, as a read's.
 *
 * The "cloud" (what a provider answers) is tools/fake-cloud/index.ts; this file only knows the
 * engine's bookkeeping.
 */
import * as aliasproto from "@pulumi/pulumi/proto/alias_pb";
import * as callbackproto from "@pulumi/pulumi/proto/callback_pb";
import * as providerproto from "@pulumi/pulumi/proto/provider_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
// The SDK's unknown sentinel: what a preview's deserialized input holds where a value is not known
// (not `rpc.deserializeProperty(rpc.unknownValue)`, which outside a dry run, at module load, is undefined).
import { isUnknown, unknown as UNKNOWN_VALUE } from "@pulumi/pulumi/output";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { isGoDuration, propertyPathError } from "./resource-options";
import { parseSemver } from "./semver";
import { propertiesForTransforms } from "./transform-values";
import { type AliasSpec, aliasToUrn, engineUrn, parseUrn } from "./urn";

export type { AliasSpec } from "./urn";
export { aliasToUrn, engineUrn, parseUrn, ROOT_STACK_TYPE } from "./urn";

/** What the SDK sends in a provider reference when the provider's id is not known (preview). */
export const UNKNOWN_ID = rpc.unknownValue;

/** Does a deserialized input hold an unknown anywhere (Configure's ContainsUnknowns)? */
function containsUnknown(value: unknown): boolean {
  if (isUnknown(value) || value === rpc.unknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value as Record<string, unknown>).some(containsUnknown);
  return false;
}

/** An error the real engine would report; the run fails with its message. */
const IN_PROCESS = Symbol.for("platform-plan.in-process-transform-requests");

/**
 * The engine hands a transform callback its TransformRequest message instead of the message's
 * bytes: the SDK's callback starts with `TransformRequest.deserializeBinary(bytes)`, which here
 * returns a message it is given as it is. The callback then reads the very fields it would read
 * after the round trip (a Struct survives encoding unchanged, keys in the same order), and the
 * plan saves the encoding and decoding of every resource's properties: about a tenth of a
 * stack's CPU. Bytes still decode as before. Once per process.
 */
function inProcessTransformRequests(): void {
  const request = resproto.TransformRequest as unknown as { deserializeBinary(bytes: Uint8Array): resproto.TransformRequest; [IN_PROCESS]?: true };
  if (request[IN_PROCESS]) return;
  const decode = request.deserializeBinary.bind(request);
  request.deserializeBinary = (bytes) => (bytes instanceof resproto.TransformRequest ? bytes : decode(bytes));
  request[IN_PROCESS] = true;
}

export class EngineError extends Error {
  /**
   * What a gRPC error carries as its text: the SDK rebuilds a failed invoke's error from
   * `details` alone (runtime/invoke.js), so without it an invoke fails with an empty message.
   */
  readonly details: string;

  constructor(message: string) {
    super(message);
    this.name = "EngineError";
    this.details = message;
  }
}

/** Stack config naming the packages (or "*") whose default provider the engine refuses to create. */
export const DISABLE_DEFAULT_PROVIDERS_KEY = "pulumi:disable-default-providers";

/**
 * `defaultProviders.shouldDenyRequest` (pkg/resource/deploy/default_providers.go): the config value
 * is a JSON list of package names, or "*" for all; the pulumi package is never denied; an empty
 * value denies nothing. A value that is not such a list fails every request for a default provider.
 */
export function defaultProviderDenied(pkg: string, config: Record<string, string>): boolean {
  if (pkg === "pulumi") return false;
  const value = config[DISABLE_DEFAULT_PROVIDERS_KEY];
  if (value === undefined || value === "") return false;
  const fix = `${DISABLE_DEFAULT_PROVIDERS_KEY} takes a list of package names or "*", e.g. ["aws"]`;
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch (err) {
    throw new EngineError(`Failed to parse ${value}: ${(err as Error).message} (${fix})`);
  }
  if (list === null) return false;
  if (!Array.isArray(list)) throw new EngineError(`Failed to parse ${value}: not a list (${fix})`);
  return list.some((entry, i) => {
    if (typeof entry !== "string") throw new EngineError(`${DISABLE_DEFAULT_PROVIDERS_KEY}[${i}] must be a string (${fix})`);
    const barred = entry.trim();
    return barred === "*" || barred === pkg;
  });
}

/** `diag.GetDefaultProviderDenied`: the engine's words for a denied default provider. */
function defaultProviderDeniedMessage(pkg: string, user: string): string {
  return `Default provider for '${pkg}' disabled. '${user}' must use an explicit provider.`;
}

/** How to write a version the engine can parse, after its own message. */
const VERSION_FIX = '(a provider version is a semantic version such as "7.47.0", with no "v" prefix)';

/**
 * `parseProviderRequest` (source_eval.go): the version of a request for a package's provider, ""
 * for none, parsed with semver.Parse. It runs for every custom resource (after its transforms,
 * whether it names a provider or not), for a read without a provider and for every invoke; a
 * version it cannot parse fails the operation with semver's message after `prefix`.
 */
function checkProviderRequest(version: string, prefix: string): void {
  if (version === "") return;
  const parsed = parseSemver(version);
  if (typeof parsed === "string") throw new EngineError(`${prefix}${parsed} ${VERSION_FIX}`);
}

/**
 * `providers.ProviderRequest.DefaultName`: "default", then the version's parts joined by "_"
 * (the version as parseProviderRequest accepted it; "" gives "default").
 */
export function defaultProviderName(version: string): string {
  if (version === "") return "default";
  const parsed = parseSemver(version);
  if (typeof parsed === "string") throw new EngineError(`${parsed} ${VERSION_FIX}`);
  return ["default", parsed.major, parsed.minor, parsed.patch, ...parsed.pre, ...parsed.build].join("_");
}

/** The package of a type token: `aws:ec2/vpc:Vpc` → aws; `pulumi:providers:aws` → aws for its resources. */
export function packageOf(type: string): string {
  return type.split(":")[0];
}

function providerPackage(providerType: string): string {
  return providerType.slice("pulumi:providers:".length);
}

export function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

/** "urn::id" → its URN and id, or null when it is not a provider reference. */
export function parseProviderRef(ref: string): { urn: string; id: string } | null {
  const at = ref.lastIndexOf("::");
  if (at < 0) return null;
  const urn = ref.slice(0, at);
  return parseUrn(urn) ? { urn, id: ref.slice(at + 2) } : null;
}

/** A resource as the engine registered it: its goal after inheritance and transforms. */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string | null;
  /** Provider reference "urn::id" (custom resources; the default provider's when none was given). */
  provider: string | null;
  protect: boolean | undefined;
  retainOnDelete: boolean | undefined;
  deletedWith: string;
  ignoreChanges: string[];
  /** Property paths whose change makes the engine replace the resource (`applyReplaceOnChanges`). */
  replaceOnChanges: string[];
  /** The goal's `deleteBeforeReplace`: undefined leaves the order of a replacement to the provider. */
  deleteBeforeReplace: boolean | undefined;
  /** Alias URNs, resolved as the engine resolves alias specs. */
  aliases: string[];
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  additionalSecretOutputs: string[];
  inputs: Record<string, unknown>;
  importId: string;
  read: boolean;
  /** A default provider the engine registered (configured from the stack's config), not the program's. */
  defaultProvider: boolean;
}

/** A provider's answer to a registration. */
export interface ProviderAnswer {
  id: string | undefined;
  state: Record<string, unknown>;
  /** An AWS provider's own region. */
  region?: string;
  /** State the provider's Check computes before any API call, so a preview knows it too. */
  checked?: Record<string, unknown>;
}

/** What answers for the cloud: the provider side of every operation. */
export interface CloudSide {
  /**
   * State and id a provider returns for a created (or read) resource; for an AWS provider, also
   * the region it configured itself with. Throws the provider's error when it cannot configure.
   */
  provide(registration: Registration, providerRegion: string | null): ProviderAnswer;
  /** An invoke's answer. */
  invoke(token: string, args: Record<string, unknown>, providerRegion: string | null): Record<string, unknown>;
  /** Called once per registration, after the engine answered it. */
  record(registration: Registration, id: string | null, state: Record<string, unknown>, providerRegion: string | null): void;
  /**
   * Outputs registered on a component or the root stack: deserialized (secrets still wrapped),
   * and as they came over the wire (plain JSON: what the backend keeps of a stack's outputs).
   */
  recordOutputs(urn: string, outputs: Record<string, unknown>, wire: Record<string, unknown>): void;
}

export interface EngineOptions {
  project: string;
  stack: string;
  preview: boolean;
  /** The stack's config as the CLI passes it (key → string), for default providers. */
  config: Record<string, string>;
  cloud: CloudSide;
}

type CallbackFn = (bytes: Uint8Array) => Promise<{ serializeBinary(): Uint8Array }>;

/** The SDK's CallbackServer without its gRPC server: the program registers transforms with it. */
interface CallbackServerLike {
  _callbacks: Map<string, CallbackFn>;
  _pendingRegistrations: number;
  _awaitQueue: ((reason?: unknown) => void)[];
  _monitor: unknown;
  _target: Promise<string>;
}

/**
 * Output properties of a new resource that its provider knows already in a preview: the
 * auto-names the AWS provider computes in Check (before any API call).
 */
const AUTONAMED_OUTPUTS = new Set(["name", "bucket", "clusterIdentifier", "identifier", "globalClusterIdentifier", "nodeGroupName", "functionName", "roleName"]);

/**
 * The engine's `tokens.ParseTypeToken` for custom resources and reads: a type token has at least
 * three parts (`pkg:module:Name`), or the provider cannot be found from it.
 */
function checkTypeToken(type: string): void {
  if (type.split(":").length < 3) throw new EngineError(`Type '${type}' is not a valid type token (must have format '*:*:*')`);
}

function toStruct(value: Record<string, unknown>): structproto.Struct {
  return structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>);
}

function aliasSpecOf(alias: { getUrn(): string; hasSpec(): boolean; getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined }): AliasSpec | string {
  if (!alias.hasSpec()) return alias.getUrn();
  const spec = alias.getSpec()!;
  return { name: spec.getName(), type: spec.getType(), stack: spec.getStack(), project: spec.getProject(), parentUrn: spec.getParenturn() || undefined, noParent: spec.getNoparent() };
}

/** The options a transform sees and may change. */
interface TransformedOptions {
  object: structproto.Struct;
  protect: boolean | undefined;
  retainOnDelete: boolean | undefined;
  provider: string;
  providers: Record<string, string>;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean | undefined;
  additionalSecretOutputs: string[];
  deletedWith: string;
  customTimeouts: resproto.RegisterResourceRequest.CustomTimeouts | undefined;
  hideDiffs: string[];
  version: string;
  /** The `import` option: the id of an existing resource to adopt (`opts.Import`, taken after the transforms). */
  importId: string;
}

/** `resource.ParseURN` of an alias given as a URN string (source_eval.go): a name is no URN. */
function checkAliasUrn(alias: string): void {
  if (alias === "") throw new EngineError("invalid alias URN: missing required URN");
  if (parseUrn(alias) === null) throw new EngineError(`invalid alias URN: invalid URN ${JSON.stringify(alias)}`);
}

/** RegisterResource's parse of `hideDiff` (`resource.ParsePropertyPath`): "<index>: <why>", the first bad path. */
function checkHideDiffs(paths: string[]): void {
  paths.forEach((path, i) => {
    const why = propertyPathError(path);
    if (why) throw new EngineError(`${i}: ${why} (hideDiffs[${i}] is ${JSON.stringify(path)}; write a property path such as "tags", "tags.Name", "rules[0].cidrBlocks" or 'tags["kubernetes.io/role"]')`);
  });
}

/**
 * `generateTimeoutInSeconds` for each non-empty field, create, delete, update, read in the
 * engine's order: a Go duration or the engine's "unable to parse customTimeout Value".
 */
function checkCustomTimeouts(timeouts: resproto.RegisterResourceRequest.CustomTimeouts | undefined): void {
  if (!timeouts) return;
  const fields: [string, string][] = [["create", timeouts.getCreate()], ["delete", timeouts.getDelete()], ["update", timeouts.getUpdate()], ["read", timeouts.getRead()]];
  for (const [field, value] of fields) {
    if (value !== "" && !isGoDuration(value)) {
      throw new EngineError(`unable to parse customTimeout Value ${value} (customTimeouts.${field} takes a Go duration: a number and a unit of ns, us, ms, s, m or h, such as "30m", "1h30m" or "1.5h"; a day is "24h")`);
    }
  }
}

export class FakeEngine {
  /** URNs registered so far (resources, reads, default providers). */
  private readonly urns = new Set<string>();
  private readonly goals = new Map<string, Registration>();
  /** Non-custom resources' `providers` maps (package → provider reference), for their children. */
  private readonly componentProviders = new Map<string, Record<string, string>>();
  private readonly resourceTransforms = new Map<string, string[]>();
  private readonly stackTransforms: string[] = [];
  private readonly defaultProviders = new Map<string, Promise<string>>();
  private readonly providerRegions = new Map<string, string | null>();
  /**
   * Providers a preview could not configure: an input (other than `version`) holds an unknown,
   * e.g. a Kubernetes provider's kubeconfig from a cluster not created yet. The engine leaves such
   * a provider unconfigured (provider_plugin.go Configure); its Check hands the inputs back
   * unchanged (no auto-name), its Create in a preview returns no properties (every output
   * unknown), its Read and Invoke return nothing.
   */
  private readonly unconfiguredProviders = new Set<string>();
  /** States the engine returned, for `pulumi:pulumi:getResource` (resource references). */
  private readonly states = new Map<string, { urn: string; id: string | null; state: unknown }>();
  readonly callbacks: CallbackServerLike;
  /** Operations in flight and ever started: the run's idle detector reads them. */
  inFlight = 0;
  operations = 0;

  constructor(readonly options: EngineOptions) {
    inProcessTransformRequests();
    // The SDK's own CallbackServer logic (how transforms see and return props and options),
    // minus the gRPC server it would start: the engine calls the callbacks in process.
    const { CallbackServer } = require("@pulumi/pulumi/runtime/callbacks") as { CallbackServer: { prototype: object } };
    this.callbacks = Object.assign(Object.create(CallbackServer.prototype) as CallbackServerLike, {
      _callbacks: new Map<string, CallbackFn>(),
      _pendingRegistrations: 0,
      _awaitQueue: [],
      _monitor: this,
      _target: Promise.resolve("fake-engine"),
    });
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    this.operations += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      this.operations += 1;
    }
  }

  private respond<T>(callback: (err: unknown, response?: T) => void, work: () => Promise<T>): void {
    void this.track(work).then(
      (response) => callback(null, response),
      (err: unknown) => callback(err, undefined),
    );
  }

  // ---- monitor RPCs -------------------------------------------------------------------------

  supportsFeature(req: { getId(): string }, callback: (err: unknown, response?: unknown) => void): void {
    // Output values stay off, as with the SDK's mock monitor: inputs arrive as plain values.
    const hasSupport = req.getId() !== "outputValues";
    callback(null, { getHassupport: () => hasSupport });
  }

  // Resource and error hooks: the engine keeps them and calls them around real operations, none
  // of which a plan performs (and a preview calls none); registering one succeeds.
  registerResourceHook(_req: unknown, callback: (err: unknown, response?: unknown) => void): void {
    callback(null, {});
  }

  registerErrorHook(_req: unknown, callback: (err: unknown, response?: unknown) => void): void {
    callback(null, {});
  }

  registerPackage(_req: unknown, callback: (err: unknown, response?: unknown) => void): void {
    callback(null, new resproto.RegisterPackageResponse().setRef("fake-engine-package"));
  }

  registerStackTransform(req: callbackproto.Callback, callback: (err: unknown, response?: unknown) => void): void {
    this.stackTransforms.push(req.getToken());
    callback(null, {});
  }

  registerStackInvokeTransform(_req: callbackproto.Callback, callback: (err: unknown, response?: unknown) => void): void {
    // Invoke transforms are accepted but not applied (docs/plan.md, Limits).
    callback(null, {});
  }

  registerResource(req: resproto.RegisterResourceRequest, callback: (err: unknown, response?: resproto.RegisterResourceResponse) => void): void {
    this.respond(callback, () => this.register(req));
  }

  readResource(req: resproto.ReadResourceRequest, callback: (err: unknown, response?: resproto.ReadResourceResponse) => void): void {
    this.respond(callback, () => this.read(req));
  }

  invoke(req: resproto.ResourceInvokeRequest, callback: (err: unknown, response?: providerproto.InvokeResponse) => void): void {
    this.respond(callback, async () => {
      const token = req.getTok();
      const args = req.getArgs() ? (rpc.deserializeProperties(req.getArgs()!) as Record<string, unknown>) : {};
      const response = new providerproto.InvokeResponse();
      // Every invoke's provider request is parsed, a given provider's too (invoke transforms, which
      // could change the version first, are not applied: docs/plan.md, Limits).
      checkProviderRequest(req.getVersion(), "");
      if (token === "pulumi:pulumi:getResource") {
        const known = this.states.get(String(args.urn));
        if (!known) throw new EngineError(`unknown resource ${String(args.urn)}`);
        return response.setReturn(toStruct(known as unknown as Record<string, unknown>));
      }
      let provider = req.getProvider();
      if (provider) {
        // getProviderFromSource: a reference to no registered provider, or to another package's.
        this.checkProvider(provider, `invoke ${token}`, token);
      } else {
        // source_eval.go Invoke wraps getProviderFromSource's refusal in "Invoke: ".
        if (defaultProviderDenied(packageOf(token), this.options.config)) throw new EngineError(`Invoke: ${defaultProviderDeniedMessage(packageOf(token), token)}`);
        provider = await this.defaultProvider(packageOf(token), req.getVersion());
      }
      // An unconfigured provider answers an invoke with nothing (provider_plugin.go Invoke).
      if (this.options.preview && this.unconfigured(provider)) return response.setReturn(toStruct({}));
      let result: Record<string, unknown>;
      try {
        result = this.options.cloud.invoke(token, args, this.regionOf(provider));
      } catch (err) {
        // The provider's refusal, as a gRPC error carries it (only `details` reaches the program).
        throw new EngineError(`${token}: ${(err as Error).message}`);
      }
      return response.setReturn(toStruct(await rpc.serializeProperties("invoke", result)));
    });
  }

  call(_req: unknown, callback: (err: unknown, response?: unknown) => void): void {
    callback(new EngineError("method calls on resources are not supported by the offline plan"));
  }

  registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: (err: unknown, response?: unknown) => void): void {
    this.respond(callback, async () => {
      const urn = req.getUrn();
      if (!this.urns.has(urn)) throw new EngineError(`cannot register outputs of unknown resource ${urn}`);
      const outputs = req.getOutputs() ? (rpc.deserializeProperties(req.getOutputs()!) as Record<string, unknown>) : {};
      const wire = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      const known = this.states.get(urn);
      if (known) known.state = wire;
      this.options.cloud.recordOutputs(urn, outputs, wire);
      return {};
    });
  }

  // ---- the engine's rules -------------------------------------------------------------------

  /** The region of the AWS provider a reference names (null for non-AWS providers). */
  private regionOf(providerRef: string): string | null {
    const parsed = parseProviderRef(providerRef);
    return parsed ? this.providerRegions.get(parsed.urn) ?? null : null;
  }

  private claim(urn: string): void {
    if (this.urns.has(urn)) throw new EngineError(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.urns.add(urn);
  }

  private checkParent(parent: string | null): void {
    if (parent && !this.urns.has(parent)) throw new EngineError(`could not find parent resource ${parent}`);
  }

  /** A provider reference for a custom resource: it must name a registered provider of the resource's package. */
  private checkProvider(ref: string, urn: string, type: string): void {
    const parsed = parseProviderRef(ref);
    if (!parsed) throw new EngineError(`bad provider reference '${ref}' for resource '${urn}': expected a provider reference of the form <URN>::<ID>`);
    const provider = this.goals.get(parsed.urn);
    if (!provider || !isProviderType(provider.type)) throw new EngineError(`unknown provider '${ref}' for resource '${urn}'`);
    const pkg = providerPackage(provider.type);
    // The engine hands the resource to that provider, whose Check refuses a type of another package.
    if (pkg !== packageOf(type)) throw new EngineError(`resource '${urn}' (package ${packageOf(type)}) was given the ${pkg} provider '${parsed.urn}', which cannot manage it; pass a ${packageOf(type)} provider (or use \`providers\` on a component)`);
  }

  /**
   * `defaultProviders.getDefaultProviderRef`: registers `pulumi:providers:<pkg>::<default name>`
   * the first time a package is used without a provider, with the package's stack config as
   * its inputs.
   */
  private defaultProvider(pkg: string, version: string): Promise<string> {
    const key = `${pkg}@${version}`;
    let ref = this.defaultProviders.get(key);
    if (!ref) {
      ref = (async () => {
        const type = `pulumi:providers:${pkg}`;
        const name = defaultProviderName(version);
        const urn = engineUrn(this.options.stack, this.options.project, null, type, name);
        const inputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(this.options.config)) if (k.startsWith(`${pkg}:`)) inputs[k.slice(pkg.length + 1)] = v;
        if (version) inputs.version = version;
        const registration = this.newRegistration({ urn, type, name, custom: true, parent: null, inputs, defaultProvider: true });
        this.claim(urn);
        const { id } = this.provideAndRecord(registration, null);
        return `${urn}::${id ?? UNKNOWN_ID}`;
      })();
      this.defaultProviders.set(key, ref);
    }
    return ref;
  }

  private newRegistration(r: Pick<Registration, "urn" | "type" | "name" | "custom" | "parent" | "inputs"> & Partial<Registration>): Registration {
    return {
      provider: null, protect: undefined, retainOnDelete: undefined, deletedWith: "", ignoreChanges: [], replaceOnChanges: [], deleteBeforeReplace: undefined, aliases: [],
      dependencies: [], propertyDependencies: {}, additionalSecretOutputs: [], importId: "", read: false, defaultProvider: false, ...r,
    };
  }

  /** Is the provider a reference names one a preview left unconfigured? */
  private unconfigured(providerRef: string | null): boolean {
    const parsed = providerRef ? parseProviderRef(providerRef) : null;
    return parsed !== null && this.unconfiguredProviders.has(parsed.urn);
  }

  /** The provider answers (or, in a preview, plans) and the registration is recorded. */
  private provideAndRecord(registration: Registration, providerRef: string | null): ProviderAnswer {
    if (this.options.preview && isProviderType(registration.type) && Object.entries(registration.inputs).some(([key, value]) => key !== "version" && containsUnknown(value))) {
      this.unconfiguredProviders.add(registration.urn);
    }
    if (this.options.preview && registration.custom && !isProviderType(registration.type) && this.unconfigured(providerRef)) {
      // Nothing is asked of the provider: no Check (so no auto-name), no planned state. The
      // engine's state, which stack policies see, holds no properties either. An import's Read
      // through such a provider answers empty bags (provider_plugin.go), so its id is the one given.
      this.goals.set(registration.urn, registration);
      const id = registration.importId || undefined;
      this.options.cloud.record(registration, id ?? null, {}, null);
      return { id, state: {} };
    }
    const region = isProviderType(registration.type) ? null : providerRef ? this.regionOf(providerRef) : null;
    const answer = this.options.cloud.provide(registration, region);
    if (registration.type === "pulumi:providers:aws") this.providerRegions.set(registration.urn, answer.region ?? null);
    this.goals.set(registration.urn, registration);
    // An import is read from the provider in a preview too (ImportStep.Apply reads whatever the
    // deployment's dry-run flag): its id and outputs are known, as a read's are.
    if (!this.options.preview || registration.read || !registration.custom || registration.importId !== "") {
      this.options.cloud.record(registration, answer.id ?? null, answer.state, region);
      return answer;
    }
    // A preview of a new stack: the provider's planned state holds the inputs (and auto-names);
    // everything else, the id included, is unknown until the resource is created.
    const planned: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(answer.state)) {
      if (key in registration.inputs) planned[key] = registration.inputs[key];
      else if (AUTONAMED_OUTPUTS.has(key) && typeof value === "string") planned[key] = value;
    }
    // What the provider's Check computed (pulumi-kubernetes's auto-name) is known in a preview too.
    Object.assign(planned, answer.checked);
    // Recorded as the engine's preview state holds it, which stack policies see under `pulumi
    // preview`: the planned values, and every other attribute unknown (the bridge returns each
    // computed attribute of the schema as unknown), the id too.
    const unknownRest = Object.fromEntries(Object.keys(answer.state).filter((key) => !(key in planned)).map((key) => [key, UNKNOWN_VALUE]));
    this.options.cloud.record(registration, null, { ...unknownRest, ...planned }, region);
    return { id: undefined, state: planned };
  }

  private async register(req: resproto.RegisterResourceRequest): Promise<resproto.RegisterResourceResponse> {
    const type = req.getType();
    const name = req.getName();
    const custom = req.getCustom();
    const parent = req.getParent() || null;
    // A component's type may be anything; a custom (or remote) resource's names its provider's package.
    if (custom || req.getRemote()) checkTypeToken(type);
    // source_eval.go refuses the option on anything but a provider (the SDK sends it for any resource).
    if (req.getEnvvarmappingsMap().getLength() > 0 && !isProviderType(type)) {
      throw new EngineError(`envVarMappings can only be used with provider resources (${type} resource '${name}' is not one: set envVarMappings on the provider it uses)`);
    }
    // A remote component is built by its provider's Construct, which the plan has no plugin for:
    // recording it as an empty component would hide everything it creates.
    if (req.getRemote()) throw new EngineError(`${type} resource '${name}' is a component of a provider package (multi-language component); the offline plan cannot construct it (docs/plan.md, Limits)`);
    this.checkParent(parent);
    const urn = engineUrn(this.options.stack, this.options.project, parent, type, name);
    this.claim(urn);

    // inheritFromParent: only options the request leaves unset.
    const parentGoal = parent ? this.goals.get(parent) : undefined;
    let protect = req.hasProtect() ? req.getProtect() : undefined;
    let retainOnDelete = req.hasRetainondelete() ? req.getRetainondelete() : undefined;
    let deletedWith = req.getDeletedwith();
    let provider = req.getProvider();
    if (parentGoal) {
      deletedWith ||= parentGoal.deletedWith;
      if (protect === undefined) protect = parentGoal.protect;
      if (retainOnDelete === undefined) retainOnDelete = parentGoal.retainOnDelete;
      if (!provider && parentGoal.provider) {
        const parentProvider = parseProviderRef(parentGoal.provider);
        if ((!req.getRemote() && !custom) || (parentProvider && providerPackage(parseUrn(parentProvider.urn)!.type) === packageOf(type))) provider = parentGoal.provider;
      }
    }
    let providers: Record<string, string> = Object.fromEntries(req.getProvidersMap().entries());

    let object = req.getObject() ?? new structproto.Struct();
    let ignoreChanges = req.getIgnorechangesList();
    let replaceOnChanges = req.getReplaceonchangesList();
    // source_eval.go reads the flag when it is marked defined or true (the Go SDK never marks it).
    let deleteBeforeReplace = req.getDeletebeforereplacedefined() || req.getDeletebeforereplace() ? req.getDeletebeforereplace() : undefined;
    let additionalSecretOutputs = req.getAdditionalsecretoutputsList();
    let customTimeouts = req.getCustomtimeouts();
    let hideDiffs = req.getHidediffsList();
    let version = req.getVersion();
    let importId = req.getImportid();
    let aliasObjects: (AliasSpec | string)[] = [...req.getAliasurnsList(), ...req.getAliasesList().map(aliasSpecOf)];

    // Transforms: the resource's own, each ancestor's, then the stack's.
    const own = req.getTransformsList().map((cb) => cb.getToken());
    const chain = [...own];
    for (let p = parent; p; p = this.goals.get(p)?.parent ?? null) chain.push(...(this.resourceTransforms.get(p) ?? []));
    chain.push(...this.stackTransforms);
    if (chain.length > 0) {
      const result = await this.runTransforms(chain, { type, name, custom, parent, object, req, protect, retainOnDelete, provider, providers, ignoreChanges, replaceOnChanges, deleteBeforeReplace, additionalSecretOutputs, deletedWith, customTimeouts, hideDiffs, version, importId });
      ({ object, protect, retainOnDelete, provider, providers, ignoreChanges, replaceOnChanges, deleteBeforeReplace, additionalSecretOutputs, deletedWith, customTimeouts, hideDiffs, version, importId } = result);
      if (result.aliases) aliasObjects = result.aliases;
    }

    if (custom && !isProviderType(type)) {
      // The version as the transforms leave it, whether or not a provider is given.
      checkProviderRequest(version, "parse provider request: ");
      // resolveProvider: explicit, then the providers map, then the parent components' maps.
      provider ||= providers[packageOf(type)] ?? "";
      for (let p = parent; !provider && p; p = this.goals.get(p)?.parent ?? null) provider = this.componentProviders.get(p)?.[packageOf(type)] ?? "";
      if (provider) this.checkProvider(provider, urn, type);
      // The step generator refuses the resource when its provider is the denied default (bailDiag).
      else if (defaultProviderDenied(packageOf(type), this.options.config)) throw new EngineError(defaultProviderDeniedMessage(packageOf(type), urn));
      else provider = await this.defaultProvider(packageOf(type), version);
    } else if (!custom) {
      // A component's children see its providers and, through it, its ancestors'.
      const inherited = parent ? this.componentProviders.get(parent) ?? {} : {};
      this.componentProviders.set(urn, { ...inherited, ...providers });
    }
    // Parsed after the provider is resolved, in the engine's order: hideDiffs, then timeouts.
    checkHideDiffs(hideDiffs);
    checkCustomTimeouts(customTimeouts);

    // Alias URNs are parsed after the transforms (source_eval.go): a name given as a URN fails.
    for (const alias of aliasObjects) if (typeof alias === "string") checkAliasUrn(alias);
    const inputs = rpc.deserializeProperties(object) as Record<string, unknown>;
    // A provider's inputs carry the version it was registered with (SetProviderVersion), as the
    // engine's state records it: the provider SDKs always send their own.
    if (isProviderType(type) && version) {
      const parsed = parseSemver(version);
      if (typeof parsed === "string") throw new EngineError(`ResourceMonitor.RegisterResource(${type},${name}): passed invalid version: ${parsed} ${VERSION_FIX}`);
      inputs.version = version;
    }
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, deps] of req.getPropertydependenciesMap().entries()) propertyDependencies[key] = deps.getUrnsList();
    const registration = this.newRegistration({
      urn, type, name, custom, parent,
      provider: custom ? provider || null : null,
      protect, retainOnDelete, deletedWith, ignoreChanges, replaceOnChanges, deleteBeforeReplace,
      // generateAliases: each alias once, in the order given.
      aliases: [...new Set(aliasObjects.map((a) => (typeof a === "string" ? a : aliasToUrn(a, { type, name, parent }, this.options.stack, this.options.project))))],
      dependencies: [...new Set(req.getDependenciesList())],
      propertyDependencies,
      additionalSecretOutputs,
      inputs,
      // `isImport := goal.Custom && goal.ID != ""` (step_generator.go): a component imports nothing.
      importId: custom ? importId : "",
    });
    this.resourceTransforms.set(urn, own);
    const answer = this.provideAndRecord(registration, custom ? provider : null);
    const serialized = await rpc.serializeProperties("register", answer.state);
    this.states.set(urn, { urn, id: answer.id ?? null, state: serialized });
    const response = new resproto.RegisterResourceResponse();
    response.setUrn(urn);
    response.setId(answer.id ?? "");
    // The engine returns no outputs for a component: they come from registerOutputs.
    response.setObject(toStruct(custom ? serialized : {}));
    return response;
  }

  private async read(req: resproto.ReadResourceRequest): Promise<resproto.ReadResourceResponse> {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent() || null;
    checkTypeToken(type);
    // ReadResource parses a default provider's request before the step generator sees the read.
    if (!req.getProvider() && !isProviderType(type)) checkProviderRequest(req.getVersion(), "");
    this.checkParent(parent);
    const urn = engineUrn(this.options.stack, this.options.project, parent, type, name);
    // step_generator.go: a read needs an id (an Output that resolved to "" sends none).
    if (req.getId() === "") throw new EngineError(`Expected an ID for ${urn}`);
    this.claim(urn);
    let provider = req.getProvider();
    if (provider) this.checkProvider(provider, urn, type);
    // ReadResource fills both blanks of the engine's message with the type.
    else if (!isProviderType(type) && defaultProviderDenied(packageOf(type), this.options.config)) throw new EngineError(defaultProviderDeniedMessage(type, type));
    else if (!isProviderType(type)) provider = await this.defaultProvider(packageOf(type), req.getVersion());
    const registration = this.newRegistration({
      urn, type, name, custom: true, parent, provider: provider || null, read: true,
      dependencies: [...new Set(req.getDependenciesList())],
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      inputs: req.getProperties() ? (rpc.deserializeProperties(req.getProperties()!) as Record<string, unknown>) : {},
      importId: req.getId(),
    });
    // A read answers with what exists, in a preview too; through a provider the preview could not
    // configure it answers nothing (provider_plugin.go Read). Nor is a read whose id is not known
    // yet sent to the provider at all: ReadStep.Apply (step.go) leaves its outputs empty when the
    // id is unknown, which the SDK sends only in a preview (an id from a resource not created yet).
    const unconfigured = this.options.preview && this.unconfigured(provider || null);
    if (unconfigured || req.getId() === UNKNOWN_ID) {
      this.goals.set(urn, registration);
      // The provider is configured in the second case: its region is still the read's region.
      this.options.cloud.record(registration, null, {}, unconfigured || !provider ? null : this.regionOf(provider));
      this.states.set(urn, { urn, id: null, state: {} });
      return new resproto.ReadResourceResponse().setUrn(urn).setProperties(toStruct({}));
    }
    const answer = this.provideAndRecord(registration, provider || null);
    const serialized = await rpc.serializeProperties("read", answer.state);
    this.states.set(urn, { urn, id: answer.id ?? null, state: serialized });
    return new resproto.ReadResourceResponse().setUrn(urn).setProperties(toStruct(serialized));
  }

  private async runTransforms(
    tokens: string[],
    r: TransformedOptions & { type: string; name: string; custom: boolean; parent: string | null; req: resproto.RegisterResourceRequest },
  ): Promise<TransformedOptions & { aliases?: (AliasSpec | string)[] }> {
    const req = r.req;
    let options = new resproto.TransformResourceOptions();
    options.setDependsOnList(req.getDependenciesList());
    if (r.protect !== undefined) options.setProtect(r.protect);
    if (r.retainOnDelete !== undefined) options.setRetainOnDelete(r.retainOnDelete);
    options.setIgnoreChangesList(r.ignoreChanges);
    options.setReplaceOnChangesList(r.replaceOnChanges);
    options.setVersion(r.version);
    options.setProvider(r.provider);
    for (const [k, v] of Object.entries(r.providers)) options.getProvidersMap().set(k, v);
    options.setPluginDownloadUrl(req.getPlugindownloadurl());
    options.setDeletedWith(r.deletedWith);
    options.setAdditionalSecretOutputsList(r.additionalSecretOutputs);
    options.setImport(r.importId);
    if (r.deleteBeforeReplace !== undefined) options.setDeleteBeforeReplace(r.deleteBeforeReplace);
    // source_eval.go hands transforms the request's customTimeouts and hideDiffs too.
    options.setCustomTimeouts(r.customTimeouts);
    options.setHideDiffList(r.hideDiffs);
    const aliases = [
      ...req.getAliasurnsList().map((urn) => new aliasproto.Alias().setUrn(urn)),
      ...req.getAliasesList(),
    ];
    options.setAliasesList(aliases);
    // Secrets and unknowns reach the callbacks as output values, as the engine marshals them.
    const upgraded = propertiesForTransforms(r.object);
    let object = upgraded ?? r.object;
    for (const token of tokens) {
      const callback = this.callbacks._callbacks.get(token);
      if (!callback) throw new EngineError(`transform callback ${token} is not registered`);
      const request = new resproto.TransformRequest().setType(r.type).setName(r.name).setCustom(r.custom).setParent(r.parent ?? "").setProperties(object).setOptions(options);
      // The message itself, not its bytes (see inProcessTransformRequests).
      const response = (await callback(request as unknown as Uint8Array)) as unknown as resproto.TransformResponse;
      object = response.getProperties() ?? new structproto.Struct();
      options = response.getOptions() ?? new resproto.TransformResourceOptions();
    }
    // downgradeOutputValues: when every callback returned nothing the properties are the
    // request's. What a callback returns the SDK serializes without output values
    // (callbacks.js: serializeProperties, keepOutputValues off), so none are left otherwise.
    if (upgraded && object === upgraded) object = r.object;
    return {
      object,
      protect: options.hasProtect() ? options.getProtect() : undefined,
      retainOnDelete: options.hasRetainOnDelete() ? options.getRetainOnDelete() : undefined,
      provider: options.getProvider(),
      providers: Object.fromEntries(options.getProvidersMap().entries()),
      ignoreChanges: options.getIgnoreChangesList(),
      replaceOnChanges: options.getReplaceOnChangesList(),
      deleteBeforeReplace: options.hasDeleteBeforeReplace() ? options.getDeleteBeforeReplace() : undefined,
      additionalSecretOutputs: options.getAdditionalSecretOutputsList(),
      deletedWith: options.getDeletedWith(),
      customTimeouts: options.getCustomTimeouts(),
      hideDiffs: options.getHideDiffList(),
      version: options.getVersion(),
      importId: options.getImport(),
      aliases: options.getAliasesList().map(aliasSpecOf),
    };
  }
}
