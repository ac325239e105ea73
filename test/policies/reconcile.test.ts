/** Policy pack configuration (policies/reconcile.ts): defaults are valid, so only a config that sets something is validated. */
import { describe, expect, it } from "vitest";
import { defaultsOf, Threshold } from "../../policies/config";
import { PolicyConfigError, reconcileConfig } from "../../policies/reconcile";
import { POLICIES } from "../../policies/rules";

describe("policy pack configuration", () => {
  it("accepts every policy's own defaults, given explicitly (what an empty config is spared checking)", () => {
    const withThresholds = POLICIES.filter((p) => Object.keys(p.configSchema?.properties ?? {}).length > 0);
    expect(withThresholds.length).toBeGreaterThan(5);
    for (const policy of withThresholds) {
      const defaults = defaultsOf(policy.configSchema?.properties as Record<string, Threshold> | undefined);
      expect(() => reconcileConfig({ [policy.name]: defaults }), policy.name).not.toThrow();
    }
  });

  it("still refuses a value that breaks a policy's schema, naming the policy and the field", () => {
    const policy = POLICIES.find((p) => Object.values(p.configSchema?.properties ?? {}).some((s) => (s as { type?: string }).type === "integer"))!;
    const [field] = Object.entries(policy.configSchema!.properties!).find(([, s]) => (s as { type?: string }).type === "integer")!;
    let error: unknown;
    try {
      reconcileConfig({ [policy.name]: { [field]: "many" } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect((error as PolicyConfigError).problems.join("\n")).toContain(`${policy.name}.${field}`);
  });
});
