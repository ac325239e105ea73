/**
 * Every test file's worker: the Pulumi SDK without its unused start-up costs, as the plan runs
 * it (tools/fake-cloud/sdk-startup.js). Loaded before any test imports the SDK; it loads nothing
 * itself, so a file that never uses the SDK does not pay for it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require("../tools/fake-cloud/sdk-startup") as { install(): void }).install();
