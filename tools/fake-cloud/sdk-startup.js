/**
 * Costs of the Pulumi SDKs that the offline plan and the tests do not need, removed without
 * touching node_modules (measured in shared/design/plan-performance.md):
 *
 * 1. The SDK's closure serializer (`pulumi.runtime.serializeFunction`, for function-valued
 *    resources such as callback Lambdas) requires `typescript` and `@npmcli/arborist` when the
 *    SDK loads: about 0.7 s per process. A resolution hook hands the serializer's modules a
 *    proxy that loads the real module on first use, so a program that serializes a function
 *    still gets it.
 * 2. `debuggablePromise` records `new Error().stack` for every promise the SDK creates, only to
 *    print it when PULUMI_DEBUG_PROMISE_LEAKS is set, and marks each promise with three
 *    `Object.defineProperty` calls. Without that variable it is replaced
 *    by a lean equivalent: the promise is still a leak candidate of the current runtime store
 *    until it settles (what the runtime's leak check, and the plan's, read), with its context in
 *    `_debugCtx` and an empty trace, chained as the SDK chains it, with plain properties. With the variable
 *    set, nothing changes. (The SDK calls the function through its module object, so replacing
 *    the export reaches every call site.) Together about a tenth of a plan's CPU.
 *
 * 3. The provider SDKs' index modules load every service namespace of the provider at once:
 *    about 260 modules for @pulumi/aws, 0.3–0.5 s per process, of which a plan uses some 30. Each
 *    namespace module (`const ec2 = __importStar(require("./ec2"))`) is handed over as a proxy that
 *    loads it on first use, and with it registers its resource module (what rehydrates resource
 *    references of its types: none can exist before a program touched the namespace to create
 *    one). @pulumi/pulumi's Automation API, which a program never calls under the plan, likewise.
 *
 * 4. Modules only a real deployment or a rare call uses load on first use too: gRPC (@grpc/grpc-js
 *    and the SDK's `*_grpc_pb` clients: under mocks the SDK opens no connection), OpenTelemetry's
 *    API (44 modules; the SDK's settings use it only in the interceptor of its gRPC calls, to
 *    pass the trace context on), the npm package
 *    readers behind `computeCodePaths` (function serialization), and the 30 Kubernetes API
 *    namespaces and `glob` that @pulumi/kubernetes's YAML module (loaded with Helm's v3 `Chart`,
 *    beside `Release`) refers to only while it parses YAML. About 0.25 s per process.
 * 5. Every resource's constructor records the JavaScript stack that created it (`new Error().stack`
 *    with no depth limit, parsed frame by frame into file URLs) for the engine's `sourcePosition`
 *    and `stackTrace` fields, which only `pulumi about`-style tooling and the service's UI show.
 *    The fake engine reads neither, so `Resource.stackTrace` returns no frames: about 3% of a
 *    stack's CPU, and the garbage it makes.
 *
 * 6. Property bags cross between the SDK and the fake engine as `google.protobuf.Struct`s, built
 *    with `Struct.fromJavaScript` and read back with `toJavaScript`: a protobuf message for every
 *    value, four conversions of every resource's properties, most of the garbage a stack makes.
 *    No bytes ever go over a wire here, so `Struct.fromJavaScript` returns a Struct that keeps a
 *    plain copy of its object, made as the real conversion makes it: the same values refused
 *    ("Unexpected struct type."), read in the same order, keys given back sorted as the fields map
 *    gives them, "__proto__" keys lost as there, `-0`, NaN and Infinity kept. `toJavaScript` gives
 *    a fresh copy; the fields map, `toObject` and the bytes (`serializeBinary`, of the Struct or a
 *    message holding it) get the real fields, built when first asked for. Not so the methods that
 *    read a message's raw array (`toArray`, `toString`, `clone`, `equals`): they see no fields
 *    until something read them. The SDK reaches only `toString`, for debug-log text that is
 *    dropped without an engine (runtime/resource.js, `resp: ${innerResponse}`); nothing here
 *    clones or compares messages. Reviewed case by case against the real Struct, and tested.
 *
 * Plain CommonJS: tools/plan/bin.js loads it before the bundle, the test setup before the SDK.
 */
"use strict";
const Module = require("module");

const LAZY_REQUESTS = new Set(["../../typescript-shim", "@npmcli/arborist"]);
const CLOSURE_DIR = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]closure[\\/]/;
const RUNTIME_DIR = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/][^\\/]+$/;
/** Index modules whose namespaces load on first use (3. above), and the requests that stay eager. */
const PROVIDER_INDEX = /[\\/]@pulumi[\\/](aws|kubernetes)[\\/]index\.js$/;
const EAGER_NAMESPACES = new Set(["./config", "./types", "./utilities", "./provider"]);
const SDK_INDEX = /[\\/]@pulumi[\\/]pulumi[\\/]index\.js$/;
/** 4. above: gRPC, required by the SDK's runtime modules, its errors module and its proto clients. */
const SDK_GRPC_USERS = /[\\/]@pulumi[\\/]pulumi[\\/]((runtime|provider)[\\/][^\\/]+|errors|proto[\\/][a-z_]+_grpc_pb)\.js$/;
const GRPC_REQUEST = /^@grpc\/grpc-js$|^\.\.\/proto\/[a-z_]+_grpc_pb$/;
const SDK_SETTINGS = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]settings\.js$/;
const K8S_YAML = /[\\/]@pulumi[\\/]kubernetes[\\/]yaml[\\/]yaml\.js$/;
const RUNTIME_INDEX = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]index\.js$/;

/** Does this request load on first use (1., 3. and 4. above)? */
function lazyRequest(request, parent) {
  const from = parent?.filename ?? "";
  if (LAZY_REQUESTS.has(request) && CLOSURE_DIR.test(from)) return true;
  if (SDK_INDEX.test(from)) return request === "./automation";
  if (GRPC_REQUEST.test(request)) return SDK_GRPC_USERS.test(from);
  if (request === "@opentelemetry/api") return SDK_SETTINGS.test(from);
  if (K8S_YAML.test(from)) return request === "glob" || (/^\.\.\/[a-z0-9]+$/.test(request) && request !== "../utilities");
  return PROVIDER_INDEX.test(from) && /^\.\/[a-z0-9]+$/.test(request) && !EAGER_NAMESPACES.has(request);
}

function lazyModule(load) {
  let real;
  const get = () => (real ??= load());
  return new Proxy(Object.create(null), {
    // `__importStar` asks for `__esModule` first: answering it keeps the module unloaded.
    get: (_target, key) => (key === "__esModule" && real === undefined ? true : get()[key]),
    has: (_target, key) => key in get(),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(get(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/**
 * What a Struct keeps of a value (6. above): as `Value.fromJavaScript` reads it (values in `for in`
 * order, arrays by `instanceof`, anything but null, strings, numbers, booleans, arrays and objects
 * refused), with each object's keys sorted as the fields map gives them back.
 */
function keepValue(value) {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "object": {
      if (value instanceof Array || Array.isArray(value)) {
        const list = new Array(value.length);
        for (let i = 0; i < value.length; i++) list[i] = keepValue(value[i]);
        return list;
      }
      return keepObject(value);
    }
    default:
      throw new Error("Unexpected struct type.");
  }
}

/** What `Struct.fromJavaScript(object)` keeps: every key `for in` gives, whatever the object is. */
function keepObject(object) {
  const keys = [];
  const values = [];
  for (const key in object) {
    keys.push(key);
    values.push(keepValue(object[key]));
  }
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const kept = {};
  // The fields map keeps its entries in a plain object: a key "__proto__" is lost there.
  for (const i of order) if (keys[i] !== "__proto__") kept[keys[i]] = values[i];
  return kept;
}

/** What `toJavaScript` gives back of a kept value: a fresh copy, each key assigned as the real one assigns it. */
function giveValue(kept) {
  if (kept === null || typeof kept !== "object") return kept;
  if (Array.isArray(kept)) return kept.map(giveValue);
  const given = {};
  for (const key of Object.keys(kept)) given[key] = giveValue(kept[key]);
  return given;
}

/** 6. above: Structs that keep a plain object until their fields are read (install() calls it once). */
function plainStructs(structs) {
  const { Struct, Value } = structs;
  if (typeof Struct?.fromJavaScript !== "function") return;
  // Registered, so tools/fake-cloud/struct-view.ts (bundled with the plan, a module of its own)
  // reads the same key.
  const PLAIN = Symbol.for("platform.plain-struct");
  const fieldsMap = Struct.prototype.getFieldsMap;
  const toJavaScript = Struct.prototype.toJavaScript;
  Struct.prototype.getFieldsMap = function (noLazyCreate) {
    const plain = this[PLAIN];
    if (plain !== undefined) {
      this[PLAIN] = undefined;
      const map = fieldsMap.call(this);
      for (const key of Object.keys(plain)) map.set(key, Value.fromJavaScript(plain[key]));
    }
    return fieldsMap.call(this, noLazyCreate);
  };
  Struct.prototype.toJavaScript = function () {
    const plain = this[PLAIN];
    return plain !== undefined ? giveValue(plain) : toJavaScript.call(this);
  };
  Struct.fromJavaScript = function (object) {
    const struct = new Struct();
    struct[PLAIN] = keepObject(object);
    return struct;
  };
}

let installed = false;
let framesDropped = false;

/** 5. above: no frames for sourcePosition and stackTrace. */
function dropResourceFrames(sdk) {
  if (framesDropped || typeof sdk?.Resource?.stackTrace !== "function") return;
  framesDropped = true;
  sdk.Resource.stackTrace = () => [];
}

/** Replaces `debuggablePromise` by its lean equivalent (see 2. above); once per module object. */
function quietDebuggable(debuggable, state) {
  if (!debuggable || typeof debuggable.debuggablePromise !== "function" || debuggable.debuggablePromise.quiet || typeof state?.getStore !== "function") return;
  const quiet = function debuggablePromise(promise, context) {
    const { leakCandidates } = state.getStore();
    promise._debugCtx = context;
    promise._debugStackTrace = "";
    leakCandidates.add(promise);
    // Chained as the SDK chains it (then, catch): the same turns of the microtask queue, so
    // resources register in the same order.
    return promise
      .then((value) => {
        leakCandidates.delete(promise);
        return value;
      })
      .catch((err) => {
        leakCandidates.delete(promise);
        err.promise = promise;
        throw err;
      });
  };
  quiet.quiet = true;
  debuggable.debuggablePromise = quiet;
}

function install() {
  if (installed) return;
  installed = true;
  const load = Module._load;
  const quietTraces = !process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  plainStructs(require("google-protobuf/google/protobuf/struct_pb.js"));
  Module._load = function (request, parent, isMain) {
    if (lazyRequest(request, parent)) return lazyModule(() => load.call(this, request, parent, isMain));
    if (request === "./closure/codePaths" && RUNTIME_INDEX.test(parent?.filename ?? "")) {
      // The runtime's index copies this one function at load time: a stand-in that loads on call.
      const real = () => load.call(this, request, parent, isMain);
      return { computeCodePaths: (...args) => real().computeCodePaths(...args) };
    }
    const exported = load.apply(this, arguments);
    // By name from CommonJS; by its file's path when an ES module (a test file) imports the SDK.
    if (request === "@pulumi/pulumi" || SDK_INDEX.test(request)) dropResourceFrames(exported);
    if (quietTraces && request.endsWith("debuggable") && (request === "./debuggable" ? RUNTIME_DIR.test(parent?.filename ?? "") : request === "@pulumi/pulumi/runtime/debuggable")) {
      // The runtime's state module, beside it: the store whose leak candidates it keeps.
      quietDebuggable(exported, load.call(this, request === "./debuggable" ? "./state" : "@pulumi/pulumi/runtime/state", parent, false));
    }
    return exported;
  };
}

module.exports = { install };
