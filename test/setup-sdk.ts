/**
 * Runs before every test file, in its worker. Test files share workers (`isolate: false` in
 * vitest.config.mts), and with them the SDKs the first file loaded; they do not share the Pulumi
 * runtime, which `pulumi.runtime.setMocks` and the fake cloud (tools/fake-cloud) install in the
 * process's global runtime store: each file starts with a store of its own (test/runtime-store.ts).
 *
 * And the Pulumi SDK without its unused start-up costs, as the plan runs it
 * (tools/fake-cloud/sdk-startup.js), installed before any test imports the SDK. Neither loads the
 * SDK: a file that never uses it does not pay for it.
 */
import { afterAll } from "vitest";
import { removeLateReportListeners } from "../tools/fake-cloud/late-reports";
import { freshRuntimeStore } from "./runtime-store";

// eslint-disable-next-line @typescript-eslint/no-require-imports
(require("../tools/fake-cloud/sdk-startup") as { install(): void }).install();
freshRuntimeStore();
// A plan run in this file left the fake cloud's process listeners on: the next file's unhandled
// errors are its own, for Vitest to report (tools/fake-cloud/late-reports.ts).
afterAll(removeLateReportListeners);
