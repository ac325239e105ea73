/**
 * A Pulumi runtime store of its own for each test file (test/setup-sdk.ts calls it before each).
 *
 * The SDK keeps its runtime state (config, the monitor `setMocks` and the fake cloud install, the
 * root stack resource, transforms, the RPC drain, feature flags, leak candidates) in a store: the
 * current AsyncLocalStorage store where there is one, otherwise the process's global store,
 * `globalThis.globalStore`, created on first use (`runStack` installs its own there for a run and
 * gives this one back). Test files that
 * share a worker would share that global store; a new one gives each file the runtime a fresh
 * process has. Two registries carry over: the resource packages and modules that provider SDKs
 * (@pulumi/aws, ...) register when they load, once per process.
 */
import { freshStoreFrom } from "../tools/fake-cloud/store";

interface RuntimeGlobals {
  globalStore?: Record<string, unknown>;
  stackResource?: unknown;
}

export function freshRuntimeStore(): void {
  const runtime = globalThis as RuntimeGlobals;
  // The SDK's copy of the latest root stack resource (state.js's setStackResource).
  runtime.stackResource = undefined;
  const previous = runtime.globalStore;
  // The SDK has not run yet in this process: its first use creates a store.
  if (previous === undefined) return;
  runtime.globalStore = freshStoreFrom(previous);
}
