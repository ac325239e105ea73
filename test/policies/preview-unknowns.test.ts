/**
 * The pack under `pulumi preview` of a new environment: the server hands each rule its
 * properties behind an unknown-checking proxy, and a rule that reads an unknown value (an id, an
 * ARN, an apply-derived document) is skipped with an advisory "can't run during preview". The
 * plan's verdicts come from the pass with known values; this runs prod's preview pass the
 * server's way, so a rule that would quietly stop checking at preview fails here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateStack, Violation } from "../../policies/evaluate";
import type { configFromSettings } from "../../policies/reconcile";
import type { StackRun } from "../../tools/fake-cloud/run";
import { summary } from "./fixtures";
import { runProd } from "./prod-runs";

const REGION = "us-east-1";
const STACK = `prod-${REGION}`;

let known: StackRun;
let preview: StackRun;
let global: StackRun;
let globalPreview: StackRun;
let config: ReturnType<typeof configFromSettings>;

beforeAll(async () => {
  ({ global, globalPreview, known, preview, config } = await runProd(REGION));
}, 120_000);

const cannotRun = (violations: Violation[]) => violations.filter((v) => v.message.startsWith("can't run policy"));

describe("the pack on prod's primary region under pulumi preview", () => {
  it("has unknown values to read (ids, ARNs) where the pass with known values has them", () => {
    const unknown = preview.cloud.resources.filter((r) => JSON.stringify(r.inputs).includes("__pulumiUnknown"));
    expect(unknown.length).toBeGreaterThan(50);
    // Stack rules read outputs: a new resource's computed ones (ids, ARNs) are unknown there too.
    const vpc = preview.cloud.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
    expect(vpc.outputs.arn).toEqual({ __pulumiUnknown: true });
    expect(preview.cloud.resources.filter((r) => JSON.stringify(r.outputs).includes("__pulumiUnknown")).length).toBeGreaterThan(50);
  });

  it("runs every rule: none reads an unknown value, and the verdict is the known pass's", () => {
    const atPreview = evaluateStack({ stack: STACK, role: "region", region: REGION, resources: preview.cloud.resources }, config, { asServer: true });
    expect(cannotRun(atPreview).map((v) => `${v.policy} ${v.urn}: ${v.message}`)).toEqual([]);
    const withKnownValues = evaluateStack({ stack: STACK, role: "region", region: REGION, resources: known.cloud.resources }, config);
    expect(summary(atPreview)).toEqual(summary(withKnownValues));
  });

  it("runs every rule on the global stack too", () => {
    const view = (run: StackRun) => ({ stack: "prod", role: "global" as const, region: "us-east-1", resources: run.cloud.resources });
    const atPreview = evaluateStack(view(globalPreview), config, { asServer: true });
    expect(cannotRun(atPreview)).toEqual([]);
    expect(summary(atPreview)).toEqual(summary(evaluateStack(view(global), config)));
  });

  it("gives the same verdict with the server's proxy as without it on known values", () => {
    const view = { stack: STACK, role: "region" as const, region: REGION, resources: known.cloud.resources };
    expect(summary(evaluateStack(view, config, { asServer: true }))).toEqual(summary(evaluateStack(view, config)));
  });
});
