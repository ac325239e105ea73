/**
 * tools/ci/policy-config.ts: the config a real `pulumi preview/up --policy-pack policies` of a
 * stack gets (--policy-pack-config), from its environment's settings.
 */
import { describe, expect, it } from "vitest";
import { join } from "path";
import { environmentOf, policyConfigFor } from "../../tools/ci/policy-config";
import { reconcileConfig } from "../../policies/reconcile";
import { ROOT } from "./workflow-files";

describe("the policy pack's config of a real run", () => {
  it("gives a regional stack its environment's thresholds, the same as the global stack's", () => {
    expect(environmentOf("prod-us-west-2", ROOT)).toBe("prod");
    expect(environmentOf("prod", ROOT)).toBe("prod");
    const regional = policyConfigFor("prod-us-west-2", ROOT);
    expect(regional).toEqual(policyConfigFor("prod", ROOT));
    // What a real run skipped without it: prod rehearses failure, and the runners reach the API.
    expect(regional["production-rehearses-failure"]).toEqual({ production: true });
    expect(regional["kubernetes-deployer-access"]).toMatchObject({ deployIdentityArn: expect.stringMatching(/^arn:aws:iam::/), deployerCidrs: expect.any(Array) });
  });

  it("is config the pack's schemas accept (the CLI validates it against them)", () => {
    const effective = reconcileConfig(policyConfigFor("prod", ROOT));
    expect(effective.get("production-rehearses-failure")?.properties).toMatchObject({ production: true });
  });

  it("refuses a stack the project has no file for, naming the fix", () => {
    expect(() => environmentOf("nope", ROOT)).toThrow(/Pulumi\.nope\.yaml not found in .*: name a stack of this project with --stack/);
    expect(() => policyConfigFor("prod", join(ROOT, "docs"))).toThrow(/Pulumi\.prod\.yaml not found/);
  });
});
