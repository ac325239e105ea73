/**
 * tools/fake-cloud/sdk-startup.js, as the test setup installs it: the SDK loads without the
 * closure serializer's TypeScript, and its promises carry no stack trace unless asked for.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

describe("the SDK's start-up costs", () => {
  it("are removed once the SDK loads, wherever it is first loaded from", () => {
    expect(pulumi.runtime).toBeDefined();
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: ((p: Promise<unknown>, ctx: string) => Promise<unknown>) & { quiet?: boolean } };
    expect(debuggable.debuggablePromise.quiet).toBe(true);
    expect(Object.keys(require.cache).some((file) => /[\\/]typescript[\\/]lib[\\/]typescript\.js$/.test(file))).toBe(false);
  });

  it("still track a promise, only without its stack trace", async () => {
    const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise(p: Promise<unknown>, ctx: string): Promise<unknown> };
    const tracked = Promise.resolve(42) as Promise<number> & { _debugCtx?: string; _debugStackTrace?: string };
    await expect(debuggablePromise(tracked, "a context")).resolves.toBe(42);
    expect(tracked._debugCtx).toBe("a context");
    expect(tracked._debugStackTrace).not.toMatch(/\n\s+at /);
  });

  it("load a provider's service namespaces on first use, and then they work as loaded", () => {
    const loaded = (name: string) => Object.keys(require.cache).some((file) => file.endsWith(`@pulumi/aws/${name}/index.js`));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
    expect(loaded("gamelift")).toBe(false);
    expect(typeof aws.gamelift.Fleet).toBe("function");
    expect(loaded("gamelift")).toBe(true);
    expect(Object.keys(aws.gamelift)).toContain("Fleet");
    expect(aws.gamelift.Fleet.isInstance(undefined)).toBe(false);
  });
});
