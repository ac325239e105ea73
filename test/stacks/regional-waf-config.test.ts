/** platform:regionalWafEnabled: on by default, refused off in production unless the edge is on and locked; what each region's ingress gets. */
import { describe, expect, it } from "vitest";
import { join } from "path";
import { parseEnvironment } from "../../stacks/config";
import { regionArgs, regionReadsEdgeSecrets, type SharedInputs } from "../../stacks/compose";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { EDGE_ON, problemsByKey, THREE_REGION_ENVIRONMENT } from "../fixtures/environment";

const prod = readStackConfig(join(__dirname, "..", "..", "Pulumi.prod.yaml"));
const base = THREE_REGION_ENVIRONMENT;
const edgeOn = EDGE_ON;
const problems = problemsByKey;

describe("regionalWafEnabled", () => {
  it("is on by default, prod's included", () => {
    expect(parseEnvironment("dev", base).regionalWafEnabled).toBe(true);
    expect(parseEnvironment("prod", prod)).toMatchObject({ regionalWafEnabled: true, edgeEnabled: false, production: true });
  });

  it("is refused off in production with the edge off or its direct path open, naming the key, the value and the fix", () => {
    const off = { ...prod, "platform:regionalWafEnabled": false };
    expect(problems(off)["platform:regionalWafEnabled"]).toMatch(/^false: is false in a production environment \(production: true\), and with edgeEnabled: false the ALBs are the front door: .*Set regionalWafEnabled: true \(the default\), or put the edge in front with edgeEnabled: true and edgeDirectOriginAccess: locked/);
    const open = { ...off, ...edgeOn, "platform:edgeDirectOriginAccess": "open" };
    expect(problems(open)["platform:regionalWafEnabled"]).toMatch(/with edgeDirectOriginAccess: open the ALBs serve everyone who skips the edge/);
  });

  it("may be off in production behind the locked edge, and anywhere outside production", () => {
    expect(problems({ ...prod, ...edgeOn, "platform:regionalWafEnabled": false })).not.toHaveProperty("platform:regionalWafEnabled");
    expect(problems({ ...base, "platform:regionalWafEnabled": false })).toEqual({});
  });

  it("holds the shared rate limit above what a health checker sends, with the edge off too", () => {
    expect(problems({ ...base, "platform:edgeRateLimitPerFiveMinutes": 50 })["platform:edgeRateLimitPerFiveMinutes"]).toBe("50: would block the Route 53 health checkers at the regional WAF: each sends 30 requests per 5 minutes at a 10 s interval; use at least 60");
    expect(problems({ ...base, "platform:healthCheckIntervalSeconds": 30, "platform:edgeRateLimitPerFiveMinutes": 50 })).toEqual({});
    expect(problems({ ...base, "platform:edgeRateLimitPerFiveMinutes": 5 })["platform:edgeRateLimitPerFiveMinutes"]).toMatch(/must be 10 to 2000000000/);
    // Without a regional WAF (and no edge) the key limits nothing.
    expect(problems({ ...base, "platform:regionalWafEnabled": false, "platform:edgeRateLimitPerFiveMinutes": 5 })).toEqual({});
  });
});

describe("regionalWafMode", () => {
  it("blocks by default (a new environment); count is the soak an environment already serving chooses", () => {
    expect(parseEnvironment("dev", base).regionalWafMode).toBe("block");
    expect(problems({ ...base, "platform:regionalWafMode": "count" })).toEqual({});
  });

  it("refuses anything but block or count, naming both", () => {
    expect(problems({ ...base, "platform:regionalWafMode": "monitor" })["platform:regionalWafMode"]).toMatch(/^"monitor": must be "block" .* or "count"/);
  });

  it("reaches every region's web ACL, with the environment's log retention", () => {
    const env = parseEnvironment("dev", { ...base, "platform:regionalWafMode": "count", "platform:logRetentionDays": 365 });
    const shared: SharedInputs = { zoneId: "Z1", zoneName: "prod.example.com", globalClusterIdentifier: "g", masterCredentials: { username: "u", password: "p", databaseName: "app" } };
    for (const region of env.regions) expect(regionArgs(env, region, shared).ingress.webAcl).toMatchObject({ mode: "count", logRetentionDays: 365 });
  });
});

describe("each region's web ACL (regionArgs ingress.webAcl)", () => {
  const shared: SharedInputs = { zoneId: "Z1", zoneName: "dev.example.com", globalClusterIdentifier: "g", masterCredentials: { username: "u", password: "p", databaseName: "app" } };
  const values = ["current", "next"];
  const ingress = (config: Record<string, unknown>, inputs: SharedInputs = { ...shared, edgeOriginVerifyValues: values }) => {
    const env = parseEnvironment("dev", config);
    return env.regions.map((region) => regionArgs(env, region, inputs).ingress);
  };

  it("takes the edge's rate limit and body-size choice in every region, with no edge", () => {
    for (const args of ingress({ ...base, "platform:edgeRateLimitPerFiveMinutes": 900, "platform:edgeAllowLargeRequestBodies": true }, shared)) {
      expect(args.webAcl).toEqual({ rateLimitPerFiveMinutes: 900, allowLargeRequestBodies: true, mode: "block", logRetentionDays: 90 });
    }
    expect(regionReadsEdgeSecrets(parseEnvironment("dev", base))).toBe(false);
  });

  it("is none where the environment opts out", () => {
    for (const args of ingress({ ...base, "platform:regionalWafEnabled": false }, shared)) expect(args.webAcl).toBe("none");
  });

  it("exempts CloudFront's requests with the edge's values when its direct path is open, and through originVerify when locked", () => {
    const open = { ...base, ...edgeOn, "platform:edgeDirectOriginAccess": "open" };
    for (const args of ingress(open)) {
      expect(args.webAcl).toEqual({ rateLimitPerFiveMinutes: 2000, allowLargeRequestBodies: false, mode: "block", logRetentionDays: 90, edgeVerified: { values } });
      expect(args).not.toHaveProperty("originVerify");
    }
    expect(regionReadsEdgeSecrets(parseEnvironment("dev", open))).toBe(true);
    expect(() => ingress(open, shared)).toThrow(/edgeOriginVerifyValues/);
    for (const args of ingress({ ...base, ...edgeOn })) {
      expect(args.webAcl).toEqual({ rateLimitPerFiveMinutes: 2000, allowLargeRequestBodies: false, mode: "block", logRetentionDays: 90 });
      expect(args.originVerify).toEqual({ values });
    }
    // Open, without a regional WAF: the region needs no secret at all.
    expect(regionReadsEdgeSecrets(parseEnvironment("dev", { ...open, "platform:regionalWafEnabled": false }))).toBe(false);
  });
});
