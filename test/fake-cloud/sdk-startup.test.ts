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
facts.computeCodePaths = typeof pulumi.runtime.computeCodePaths;
const k8s = require("@pulumi/kubernetes");
facts.release = typeof k8s.helm.v3.Release;
facts.k8sApps = loaded(/@pulumi[\\/]kubernetes[\\/]apps[\\/]index\.js$/);
facts.frames = pulumi.Resource.stackTrace(0).length;
process.stdout.write(JSON.stringify(facts));
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

  it("load gRPC, the npm package readers and Kubernetes' API namespaces only when used", () => {
    expect(facts).toMatchObject({ grpcBefore: false, unavailable: true, grpcAfter: true, packageReaders: false, computeCodePaths: "function", release: "function", k8sApps: false });
  });

  it("record no stack for a resource's source position", () => {
    expect(facts.frames).toBe(0);
    // A private static of the SDK's Resource class, called by its constructor.
    expect((pulumi.Resource as unknown as { stackTrace(skip: number): unknown[] }).stackTrace(0)).toEqual([]);
  });
});
