/**
 * A regional stack with the edge on and its direct path locked reads the origin-verify values
 * from the global stack. Against a global stack deployed before the edge lock (no
 * edgeOriginVerifyValues output), a preview still runs, with the header rule's values unknown; a
 * deploy fails, naming the output and the global stack to deploy first.
 */
import { join } from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { readStackConfig, runStack, type StackRun } from "../../tools/fake-cloud/run";
import { exportMissingKeys } from "../../stacks/config";
import type { RecordedResource } from "../../tools/fake-cloud";

const root = join(__dirname, "..", "..");
const load = () => import("../../stacks/main").then((m) => m.main);
const REGION = "us-east-2";
const STACK = `staging-${REGION}`;
const RULE = "aws:lb/listenerRule:ListenerRule";

let withValues: Record<string, unknown>;
let withoutValues: Record<string, unknown>;

beforeAll(async () => {
  // The staging example's edge, without the tables and the cache (not what is tested here).
  const config = {
    ...readStackConfig(join(root, "examples/data-tier/Pulumi.staging.yaml")),
    "platform:dynamoTables": [],
    "platform:cacheEnabled": false,
    "platform:dbWriteForwarding": true,
  };
  const global = await runStack({ stack: "staging", config, load });
  // As the plan hands them on: values, secrets still wrapped (tools/plan/stack.ts).
  withValues = JSON.parse(JSON.stringify(global.cloud.exportedOutputs)) as Record<string, unknown>;
  expect(withValues).toHaveProperty("edgeOriginVerifyValues");
  // The same global stack as deployed before the edge lock: no such output.
  const { edgeOriginVerifyValues: _, ...rest } = withValues;
  withoutValues = rest;
}, 180_000);

const regional = (outputs: Record<string, unknown>, preview: boolean) =>
  runStack({ stack: STACK, config: { "aws:region": REGION, "platform:environmentStack": "staging" }, stackOutputs: { staging: outputs }, preview, load, quiet: true });
const rule = (run: StackRun, suffix: string): RecordedResource => run.cloud.resources.find((r) => r.type === RULE && r.name === `${STACK}-https-${suffix}`)!;

describe("reading edgeOriginVerifyValues from the global stack", () => {
  it("previews against a global stack that does not export them yet: the header rule's values are unknown, the other rules as always", async () => {
    const run = await regional(withoutValues, true);
    const verified = rule(run, "origin-verified");
    expect(verified).toBeDefined();
    // Computed at deploy, as a preview shows an output of a resource not created yet.
    expect(verified.inputs.conditions).toEqual([{ httpHeader: { httpHeaderName: "X-Origin-Verify", values: [{ __pulumiUnknown: true }, { __pulumiUnknown: true }] } }]);
    expect(rule(run, "health").inputs.conditions).toEqual([{ pathPattern: { values: ["/healthz"] } }]);
    expect(rule(run, "deny-direct").inputs.priority).toBe(50_000);
  }, 180_000);

  it("refuses to deploy against it, naming the output and the global stack to deploy first", async () => {
    await expect(regional(withoutValues, false)).rejects.toThrow(/the global stack organization\/platform\/staging exports no edgeOriginVerifyValues .*deploy the global stack first: `pulumi up --stack organization\/platform\/staging`/);
  }, 180_000);

  it("deploys with the values the global stack exports, as before", async () => {
    for (const preview of [true, false]) {
      const run = await regional(withValues, preview);
      expect(rule(run, "origin-verified").inputs.conditions).toBe("[secret]");
    }
  }, 180_000);
});

describe("an exported environment that today's rules refuse", () => {
  it("fails the regional stack saying the values are the global stack's last export, and to deploy it first", async () => {
    // As exported by a global stack deployed before "locked needs dbWriteForwarding" existed.
    const environment = { ...(withValues.environment as Record<string, unknown>), dbWriteForwarding: false };
    await expect(regional({ ...withValues, environment }, true)).rejects.toThrow(
      /stack organization\/platform\/staging \(output "environment"\): 1 configuration problem\(s\):\n {2}- platform:edgeDirectOriginAccess = "locked": [^\n]*dbWriteForwarding: false[^\n]*\nThese values are the environment the global stack exported at its last deploy, .*deploy the global stack first \(`pulumi up --stack organization\/platform\/staging`, wave 1\)/,
    );
  }, 180_000);
});

describe("an exported environment older than a key this program knows", () => {
  const stale = () => {
    const { regionalWafMode: _, ...environment } = withValues.environment as Record<string, unknown>;
    return { ...withValues, environment };
  };

  it("refuses to deploy: the key would take its default, not the stack file's; deploy the global stack first", async () => {
    await expect(regional(stale(), false)).rejects.toThrow(
      /the global stack exported its environment before platform:regionalWafMode existed, so this stack would take its default, not what Pulumi\.staging\.yaml says; deploy the global stack first \(`pulumi up --stack organization\/platform\/staging`, wave 1\)/,
    );
  }, 180_000);

  it("previews with the default, saying so", async () => {
    const run = await regional(stale(), true);
    expect(run.cloud.resources.some((r) => r.type === "aws:wafv2/webAcl:WebAcl")).toBe(true);
  }, 180_000);

  it("finds no missing key in a current export", () => {
    expect(exportMissingKeys(withValues.environment as Record<string, unknown>)).toEqual([]);
  });
});
