/**
 * Runs a Pulumi program against the fake cloud the way the Node.js language host would: config
 * set first, the program module loaded inside a root `pulumi:pulumi:Stack`, its export (or the
 * result of calling it) awaited as the stack outputs, then every pending registration drained.
 *
 * One run per process (or per vitest file): Pulumi's runtime state is module-global.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "fs";
import { parse } from "yaml";
import { FakeCloud, FakeCloudOptions, installFakeCloud, settle } from "./index";

export type StackConfig = Record<string, unknown>;

/** Reads the `config:` map of a Pulumi stack file (Pulumi.<stack>.yaml). */
export function readStackConfig(file: string): StackConfig {
  const document = parse(readFileSync(file, "utf8")) as { config?: StackConfig } | null;
  return document?.config ?? {};
}

/** Config values as the language host hands them over: strings, with arrays and objects as JSON. */
export function toRuntimeConfig(config: StackConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

export interface StackRun {
  cloud: FakeCloud;
  outputs: Record<string, unknown>;
}

export interface RunOptions extends FakeCloudOptions {
  stack: string;
  config: StackConfig;
  /** Loads the program; its export is the outputs, a promise of them, or a function returning either. */
  load: () => unknown;
}

export async function runStack(options: RunOptions): Promise<StackRun> {
  const runtimeConfig = toRuntimeConfig(options.config);
  pulumi.runtime.setAllConfig(runtimeConfig);
  const region = options.region ?? runtimeConfig["aws:region"];
  const cloud = await installFakeCloud({ ...options, region });
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    let exported = await options.load();
    if (exported && typeof exported === "object" && "default" in exported && Object.keys(exported).length === 1) {
      exported = (exported as { default: unknown }).default;
    }
    if (typeof exported === "function") exported = await (exported as () => unknown)();
    return exported as pulumi.Inputs | undefined;
  });
  await settle();
  return { cloud, outputs: (outputs ?? {}) as Record<string, unknown> };
}
