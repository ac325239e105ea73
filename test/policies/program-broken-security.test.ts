import { beforeAll, describe, expect, it } from "vitest";
import { evaluateStack, Violation } from "../../policies/evaluate";
import type { RecordedResource } from "../../tools/fake-cloud";
import { summary } from "./fixtures";

let violations: Violation[];
let resources: RecordedResource[];

beforeAll(async () => {
  const { runStack } = await import("../../tools/fake-cloud/run");
  const { cloud } = await runStack({
    stack: "dev-us-east-1",
    config: { "aws:region": "us-east-1" },
    stackOutputs: { prod: { globalClusterIdentifier: "prod-db" } },
    load: () => import("../fixtures/policy/broken-security"),
  });
  resources = cloud.resources;
  violations = evaluateStack({ stack: "dev-us-east-1", role: "region", region: "us-east-1", resources });
});

describe("a regional stack that takes every security shortcut", () => {
  it("raises exactly the expected violations (environment rules wait for the whole environment)", () => {
    expect(summary(violations)).toEqual([
      "aurora-backup-retention db",
      "aurora-encrypted-with-customer-key db",
      "aurora-encrypted-with-customer-key db",
      "aurora-final-snapshot db",
      "aurora-iam-authentication db",
      "aurora-instance-not-public db-1",
      "database-deletion-protection db",
      "eks-control-plane-logging cluster",
      "eks-endpoint-not-public cluster",
      "eks-secrets-encryption cluster",
      "kms-key-rotation key",
      "launch-template-encrypted-volumes nodes",
      "launch-template-imdsv2 nodes",
      "launch-template-imdsv2 nodes",
      "launch-template-no-public-ip nodes",
      "listener-https-only http",
      "load-balancer-access-logs ingress",
      "load-balancer-deletion-protection ingress",
      "load-balancer-drop-invalid-headers ingress",
      "load-balancer-https-listener ingress",
      "monitoring-covers-serving-regions db",
      "monitoring-covers-serving-regions ingress",
      "no-plaintext-secrets rotator",
      // Its target group gets traffic, but nothing registers targets in it.
      "serving-path-bound ingress",
      "stateful-resource-protected db",
      "stateful-resource-protected key",
      "vpc-flow-logs vpc",
    ]);
    expect(violations.every((v) => v.enforcementLevel === "mandatory")).toBe(true);
  });

  it("records the stack reference as a read, and the role on the root stack resource, which keeps the environment rules out of a regional stack", () => {
    expect(resources.filter((r) => r.type === "pulumi:pulumi:StackReference")).toEqual([expect.objectContaining({ name: "organization/platform/prod", read: true })]);
    expect(resources.find((r) => r.type === "pulumi:pulumi:Stack")!.outputs).toMatchObject({ role: "secondary" });
  });

  it("runs the environment rules in a stack that exports no role, as the engine would (it hands stack policies no reads)", () => {
    const withoutRole = resources.map((r) => (r.type === "pulumi:pulumi:Stack" ? { ...r, outputs: {} } : r));
    const environmentRules = summary(evaluateStack({ stack: "dev-us-east-1", role: "region", region: "us-east-1", resources: withoutRole })).filter((v) => v.startsWith("environment-") || v.startsWith("global-database-"));
    expect(environmentRules).toEqual(["environment-multi-region (environment)", "global-database-cross-region (environment)"]);
  });

  it("sees the literal master password as a secret: the SDK wraps schema-secret inputs itself", () => {
    const cluster = resources.find((r) => r.type === "aws:rds/cluster:Cluster")!;
    expect(cluster.inputs.masterPassword).toBe("[secret]");
    // The other rules get its value, as under the engine; no-plaintext-secrets judges the mask (not flagged above).
    expect(cluster.secretInputs).toEqual({ masterPassword: "correct-horse-battery-staple" });
  });
});
