/** `npm run plan -- --policy-config FILE` reads what the CLI's --policy-pack-config takes. */
import { writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { readPolicyConfig } from "../../tools/plan/policies";
import { reconcileConfig } from "../../policies/reconcile";
import { temporaryDirectories } from "./temp-dirs";

const tempDir = temporaryDirectories();
const file = (content: unknown) => {
  const path = join(tempDir("policy-config-"), "config.json");
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe("the plan's policy config file", () => {
  it("takes a level alone or an object, remediate included (mandatory where a policy only validates), as the CLI does", () => {
    const config = readPolicyConfig(file({ all: "advisory", "vpc-flow-logs": "remediate", "capacity-survives-region-loss": { peakNodes: 36 } }));
    expect(config).toEqual({ all: { enforcementLevel: "advisory" }, "vpc-flow-logs": { enforcementLevel: "remediate" }, "capacity-survives-region-loss": { peakNodes: 36 } });
    const effective = reconcileConfig(config);
    expect(effective.get("vpc-flow-logs")?.level).toBe("mandatory");
    expect(effective.get("kms-key-rotation")?.level).toBe("advisory");
  });

  it("refuses a level the CLI does not know, naming the entry and the levels", () => {
    expect(() => readPolicyConfig(file({ "vpc-flow-logs": "strict" }))).toThrow(/"vpc-flow-logs"\.enforcementLevel is "strict"; use one of mandatory, advisory, disabled, remediate/);
    expect(() => readPolicyConfig(file({ "vpc-flow-logs": 3 }))).toThrow(/"vpc-flow-logs" must map to a level or an object/);
    expect(() => readPolicyConfig(file({ environments: ["platform/prod"] }))).toThrow(/"environments" names Pulumi ESC environments, which the offline plan cannot open/);
  });
});
