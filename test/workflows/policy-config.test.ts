/**
 * tools/ci/policy-config.ts: the config a real `pulumi preview/up --policy-pack policies` of a
 * stack gets (--policy-pack-config), from its environment's settings.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
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

  it("writes the file whole with --out, and nothing when the stack is unknown (an empty file would be read as no config)", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    try {
      const out = join(dir, "policy-config.json");
      const run = (stack: string) => spawnSync(process.execPath, ["--import", "tsx", "tools/ci/policy-config.ts", "--stack", stack, "--out", out], { cwd: ROOT, encoding: "utf8" });
      const missing = run("nope");
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/Pulumi\.nope\.yaml not found/);
      expect(existsSync(out)).toBe(false);
      expect(run("prod-us-west-2").status).toBe(0);
      expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(policyConfigFor("prod", ROOT));
      expect(readdirSync(dir)).toEqual(["policy-config.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a stack the project has no file for, naming the fix", () => {
    expect(() => environmentOf("nope", ROOT)).toThrow(/Pulumi\.nope\.yaml not found in .*: name a stack of this project with --stack/);
    expect(() => policyConfigFor("prod", join(ROOT, "docs"))).toThrow(/Pulumi\.prod\.yaml not found/);
  });
});
