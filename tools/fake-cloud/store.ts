/**
 * A fresh Pulumi runtime store (the SDK's `LocalStore`: config, monitor, root stack resource,
 * transforms, RPC drain, leak candidates) that keeps the two process-wide registries of the
 * store it replaces: the resource packages and modules provider SDKs (@pulumi/aws, ...) register
 * once, when they load. Used for each stack run (tools/fake-cloud/run.ts) and each test file
 * (test/runtime-store.ts). Loads the SDK's state module only when called.
 */
const PROCESS_WIDE = ["resourcePackages", "resourceModules"] as const;

export function freshStoreFrom<T extends object>(previous: T): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LocalStore } = require("@pulumi/pulumi/runtime/state") as { LocalStore: new () => T };
  const fresh = new LocalStore();
  for (const key of PROCESS_WIDE) (fresh as Record<string, unknown>)[key] = (previous as Record<string, unknown>)[key];
  return fresh;
}
