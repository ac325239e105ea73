/**
 * tools/fake-cloud/sdk-startup.js, as the test setup and the plan install it: the SDK loads
 * without the closure serializer's TypeScript, its promises carry no stack trace unless asked
 * for, and a provider's service namespaces load on first use. What a process has loaded is seen
 * in a process of its own: test files share their worker, and another file may load TypeScript.
 */
import { execFile } from "child_process";
import { join } from "path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

/** A fresh Node process: the start-up changes installed, then the SDK loaded as a program loads it. */
const FRESH_PROCESS = `
const loaded = (pattern) => Object.keys(require.cache).some((file) => pattern.test(file));
require(${JSON.stringify(join(root, "tools/fake-cloud/sdk-startup.js"))}).install();
const pulumi = require("@pulumi/pulumi");
const facts = { runtime: typeof pulumi.runtime, quiet: require("@pulumi/pulumi/runtime/debuggable").debuggablePromise.quiet === true, typescript: loaded(/[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/) };
const aws = require("@pulumi/aws");
const gamelift = /@pulumi[\\\\/]aws[\\\\/]gamelift[\\\\/]index\\.js$/;
facts.gameliftBefore = loaded(gamelift);
facts.fleet = typeof aws.gamelift.Fleet;
facts.gameliftAfter = loaded(gamelift);
facts.keys = Object.keys(aws.gamelift).includes("Fleet");
facts.isInstance = aws.gamelift.Fleet.isInstance(undefined);
const grpc = /@grpc[\\/]grpc-js[\\/]build[\\/]src[\\/]index\.js$/;
facts.grpcBefore = loaded(grpc);
facts.unavailable = require("@pulumi/pulumi/errors").isGrpcError({ code: 14 });
facts.grpcAfter = loaded(grpc);
facts.packageReaders = loaded(/[\\/]normalize-package-data[\\/]/);
facts.settings = typeof require("@pulumi/pulumi/runtime/settings").isDryRun;
facts.otel = loaded(/@opentelemetry[\\/]api[\\/]/);
facts.computeCodePaths = typeof pulumi.runtime.computeCodePaths;
const k8s = require("@pulumi/kubernetes");
facts.release = typeof k8s.helm.v3.Release;
facts.k8sApps = loaded(/@pulumi[\\/]kubernetes[\\/]apps[\\/]index\.js$/);
facts.frames = pulumi.Resource.stackTrace(0).length;
process.stdout.write(JSON.stringify(facts));
`;

/**
 * What a Struct gives back, before and after the start-up changes, in one process: the object
 * toJavaScript returns (key order, own keys and prototype, -0, NaN and Infinity included), the
 * error for a value a Struct cannot hold, the bytes of a request message holding it, the same
 * Struct nested in a Value, and the Struct after its fields were read and edited (nested too).
 */
const STRUCT_PROCESS = `
const { Struct, Value } = require("google-protobuf/google/protobuf/struct_pb.js");
const { RegisterResourceRequest } = require("@pulumi/pulumi/proto/resource_pb.js");
const show = (value) => JSON.stringify(value, (_key, v) => (typeof v === "number" && (Object.is(v, -0) || !Number.isFinite(v)) ? "number " + (Object.is(v, -0) ? "-0" : v) : v));
const samples = [
  { b: 1, a: { d: [1, "x", null, true, { z: -0, y: [NaN, Infinity, -Infinity] }], c: {} }, 10: "ten", 2: -0, "": 0.5 },
  { nested: Object.assign(Object.create({ inherited: "yes" }), { own: 1 }), date: new Date(0), arrayLike: Object.setPrototypeOf({ 0: "a", length: 1 }, Array.prototype) },
  JSON.parse('{"k": {"__proto__": {"x": 1}, "y": 2}, "__proto__": {"z": 3}}'),
  "ab", [1, 2], null,
  { k: undefined }, { k: () => 1 }, { k: [1, , 2] }, { k: 1n }, { k: Symbol("s") },
];
function observe() {
  return samples.map((sample) => {
    let struct;
    try { struct = Struct.fromJavaScript(sample); } catch (err) { return { error: err.message }; }
    const value = struct.toJavaScript();
    const again = struct.toJavaScript();
    const fresh = value !== again && show(value) === show(again);
    const request = new RegisterResourceRequest().setType("t").setObject(Struct.fromJavaScript(sample));
    const bytes = Buffer.from(request.serializeBinary()).toString("base64");
    const read = Struct.fromJavaScript(sample);
    read.getFieldsMap();
    const edited = Struct.fromJavaScript({ ...sample, inner: { a: 1, b: 2 } });
    edited.getFieldsMap().set("added", Value.fromJavaScript("late"));
    edited.getFieldsMap().get("inner").getStructValue().getFieldsMap().del("a");
    return {
      json: show(value), own: Object.keys(value), prototype: show(Object.getPrototypeOf(value)), fresh, bytes,
      fromRequest: show(request.getObject().toJavaScript()), inValue: show(Value.fromJavaScript({ n: sample }).toJavaScript()),
      afterRead: show(read.toJavaScript()), edited: show(edited.toJavaScript()),
    };
  });
}
const real = observe();
require(${JSON.stringify(join(root, "tools/fake-cloud/sdk-startup.js"))}).install();
// The plain copy a Struct keeps now (a symbol-keyed property), until its fields are read.
const keepsPlain = Object.getOwnPropertySymbols(Struct.fromJavaScript({ a: 1 })).length === 1;
process.stdout.write(JSON.stringify({ real, plain: observe(), keepsPlain }));
`;

describe("the SDK's start-up costs", () => {
  let facts: Record<string, unknown>;
  beforeAll(async () => {
    facts = await new Promise((resolve, reject) => {
      execFile(process.execPath, ["-e", FRESH_PROCESS], { cwd: root }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout) as Record<string, unknown>)));
    });
  });

  it("are removed once the SDK loads", () => {
    expect(facts).toMatchObject({ runtime: "object", quiet: true, typescript: false });
    // And in this worker, where the test setup installed them before any file loaded the SDK.
    expect(pulumi.runtime).toBeDefined();
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: { quiet?: boolean } };
    expect(debuggable.debuggablePromise.quiet).toBe(true);
  });

  it("still track a promise, only without its stack trace", async () => {
    const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise(p: Promise<unknown>, ctx: string): Promise<unknown> };
    const tracked = Promise.resolve(42) as Promise<number> & { _debugCtx?: string; _debugStackTrace?: string };
    await expect(debuggablePromise(tracked, "a context")).resolves.toBe(42);
    expect(tracked._debugCtx).toBe("a context");
    expect(tracked._debugStackTrace).not.toMatch(/\n\s+at /);
  });

  it("load a provider's service namespaces on first use, and then they work as loaded", () => {
    expect(facts).toMatchObject({ gameliftBefore: false, fleet: "function", gameliftAfter: true, keys: true, isInstance: false });
  });

  it("load gRPC, OpenTelemetry, the npm package readers and Kubernetes' API namespaces only when used", () => {
    expect(facts).toMatchObject({ grpcBefore: false, unavailable: true, grpcAfter: true, packageReaders: false, computeCodePaths: "function", release: "function", k8sApps: false });
    // OpenTelemetry's API serves only the SDK's gRPC calls: the SDK's settings load without it
    // (the same stand-in as gRPC's, which loads the module on first use).
    expect(facts).toMatchObject({ settings: "function", otel: false });
  });

  it("record no stack for a resource's source position", () => {
    expect(facts.frames).toBe(0);
    // A private static of the SDK's Resource class, called by its constructor.
    expect((pulumi.Resource as unknown as { stackTrace(skip: number): unknown[] }).stackTrace(0)).toEqual([]);
  });

  it("leave a Struct giving back what a protobuf Struct gives back, refusing what it refuses", async () => {
    const seen = await new Promise<{ real: unknown[]; plain: unknown[]; keepsPlain: boolean }>((resolve, reject) => {
      execFile(process.execPath, ["-e", STRUCT_PROCESS], { cwd: root }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout) as { real: unknown[]; plain: unknown[]; keepsPlain: boolean })));
    });
    expect(seen.real[0]).toMatchObject({ fresh: true, json: '{"2":"number -0","10":"ten","":0.5,"a":{"c":{},"d":[1,"x",null,true,{"y":["number NaN","number Infinity","number -Infinity"],"z":"number -0"}]},"b":1}' });
    expect(seen.real.slice(6)).toEqual(Array(5).fill({ error: "Unexpected struct type." }));
    expect(seen.keepsPlain).toBe(true);
    expect(seen.plain).toEqual(seen.real);
  });
});
