/** Validation of the day-2 keys: each refusal names the key, the value and the fix. */
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnvironment } from "../../stacks/config";
import { DEPLOY_PRECONDITIONS } from "../fixtures/environment";

const valid = {
  "platform:regions": ["us-east-1", "us-west-2"],
  "platform:vpcCidrs": ["10.0.0.0/16", "10.1.0.0/16"],
  "platform:dnsZoneName": "dev.example.com",
  ...DEPLOY_PRECONDITIONS,
};

function problemsOf(config: Record<string, unknown>) {
  try {
    parseEnvironment("dev", config);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
const byKey = (config: Record<string, unknown>) => Object.fromEntries(problemsOf(config).map((p) => [p.key, p.message]));

describe("eksControlPlaneAzCount", () => {
  it("defaults to the first three zones, whatever azCount says", () => {
    expect(parseEnvironment("dev", { ...valid, "platform:azCount": 4, "platform:nodeMinSize": 4, "platform:nodeDesiredSize": 6 }).eksControlPlaneAzCount).toBe(3);
  });

  it("refuses fewer than two zones (EKS needs two) and more than a region can have", () => {
    expect(byKey({ ...valid, "platform:eksControlPlaneAzCount": 1 })["platform:eksControlPlaneAzCount"]).toMatch(/must be 2 to 6.*created with/);
    expect(byKey({ ...valid, "platform:eksControlPlaneAzCount": 7 })["platform:eksControlPlaneAzCount"]).toMatch(/must be 2 to 6/);
  });
});
