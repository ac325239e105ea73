import { describe, expect, it } from "vitest";
import {
  directOriginAccessProblem,
  edgeLogBucketPolicy,
  edgeProblems,
  edgeWritePathProblem,
  ORIGIN_VERIFY_SECRET_LENGTH,
  originCustomHeaders,
  originVerifyGenerationProblem,
  originVerifyGenerations,
  originVerifyRequired,
  wafRules,
} from "../../components/lib/edge";

const base = { recordName: "www", zoneName: "prod.example.com", originDomainName: "app.prod.example.com", failoverOriginDomainName: "writer.prod.example.com" };
const fields = (input: Parameters<typeof edgeProblems>[0]) => edgeProblems(input).map((p) => p.field);

describe("edgeProblems", () => {
  it("accepts the defaults", () => {
    expect(edgeProblems(base)).toEqual([]);
  });
  it("refuses a public name that is one of its own origins", () => {
    expect(edgeProblems({ ...base, recordName: "app" })[0].message).toMatch(/names an origin \(app\.prod\.example\.com\)/);
  });
  it("refuses the default pattern, repeats, a rate limit WAF refuses and an unknown price class", () => {
    expect(fields({ ...base, cachedPathPatterns: ["/static/*", "*", "/static/*"], rateLimitPerFiveMinutes: 5, priceClass: "PriceClass_Cheap" }))
      .toEqual(["cachedPathPatterns[1]", "cachedPathPatterns[2]", "rateLimitPerFiveMinutes", "priceClass"]);
  });
});

describe("WAF and logging", () => {
  it("rate-limits first, then applies the AWS managed rule groups", () => {
    const rules = wafRules(1000);
    expect(rules.map((r) => r.name)).toEqual(["rate-limit-per-ip", "aws-ip-reputation", "aws-common", "aws-known-bad-inputs"]);
    expect(rules[0].rateLimit).toBe(1000);
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
  });
  it("keeps the core rule set's 8 KB body limit unless large bodies are allowed by name", () => {
    const counted = (rules: ReturnType<typeof wafRules>) => rules.flatMap((r) => (r.countRules ?? []).map((c) => `${r.managedRuleGroup}/${c}`));
    expect(counted(wafRules(1000))).toEqual([]);
    expect(counted(wafRules(1000, { allowLargeRequestBodies: false }))).toEqual([]);
    expect(counted(wafRules(1000, { allowLargeRequestBodies: true }))).toEqual(["AWSManagedRulesCommonRuleSet/SizeRestrictions_BODY"]);
  });
  it("refuses every request to the log bucket over plain HTTP", () => {
    const policy = edgeLogBucketPolicy({ bucketArn: "arn:aws:s3:::logs" }) as { Statement: Record<string, any>[] };
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Resource: ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
  });
});

describe("origin verification", () => {
  it("sends one generation's secret and accepts it and the next, so a rotation by one never sends a value the regions refuse", () => {
    expect(originVerifyGenerations(1)).toEqual({ sent: 1, accepted: [1, 2] });
    // Before and after a rotation by one: the value CloudFront switches to was already accepted,
    // and the one the regions drop is no longer sent.
    const before = originVerifyGenerations(4);
    const after = originVerifyGenerations(5);
    expect(before.accepted).toContain(after.sent);
    expect(after.accepted).not.toContain(before.sent);
    // Two values: an ALB header condition takes at most three.
    expect(after.accepted.length).toBeLessThanOrEqual(3);
  });
  it("refuses a generation that is not a whole number from 1", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(originVerifyGenerationProblem(bad), String(bad)).toMatch(/whole number >= 1/);
      expect(() => originVerifyGenerations(bad)).toThrow(RangeError);
    }
    expect(originVerifyGenerationProblem(7)).toBeUndefined();
  });
  it("requires the header only with the edge on and the direct path locked", () => {
    expect(originVerifyRequired({ edgeEnabled: true, directOriginAccess: "locked" })).toBe(true);
    expect(originVerifyRequired({ edgeEnabled: true, directOriginAccess: "open" })).toBe(false);
    // A region deployed with the edge off keeps forwarding everything: nothing would send the header.
    expect(originVerifyRequired({ edgeEnabled: false, directOriginAccess: "locked" })).toBe(false);
    expect(directOriginAccessProblem("locked")).toBeUndefined();
    expect(directOriginAccessProblem("open")).toBeUndefined();
    expect(directOriginAccessProblem("public")).toMatch(/"locked".*"open"/);
  });
  it("refuses a locked direct path without write forwarding: the edge sends writes to the nearest region, the lock refuses the writer's own name", () => {
    const names = { appName: "app.prod.example.com", writerName: "writer.prod.example.com" };
    const problem = edgeWritePathProblem({ directOriginAccess: "locked", dbWriteForwarding: false, ...names });
    expect(problem).toMatch(/leaves writes no path: .*nearest region \(app\.prod\.example\.com\).*403 .*\(writer\.prod\.example\.com\)/);
    expect(problem).toMatch(/Set platform:dbWriteForwarding: true .*or platform:edgeDirectOriginAccess: open/);
    expect(edgeWritePathProblem({ directOriginAccess: "locked", dbWriteForwarding: true, ...names })).toBeUndefined();
    expect(edgeWritePathProblem({ directOriginAccess: "open", dbWriteForwarding: false, ...names })).toBeUndefined();
  });
  it("makes the secret long enough and short enough for an ALB header condition value", () => {
    expect(ORIGIN_VERIFY_SECRET_LENGTH).toBeGreaterThanOrEqual(32);
    expect(ORIGIN_VERIFY_SECRET_LENGTH).toBeLessThanOrEqual(128);
  });
});

describe("originCustomHeaders", () => {
  it("sends the secret and the edge's public name, since the origins see their own name in Host", () => {
    expect(originCustomHeaders({ verifyValue: "s3cr3t", publicName: "www.prod.example.com" })).toEqual([
      { name: "X-Origin-Verify", value: "s3cr3t" },
      { name: "X-Forwarded-Host", value: "www.prod.example.com" },
    ]);
  });
  it("adds no header CloudFront refuses to add to origin requests", () => {
    // CloudFront developer guide, Custom headers that CloudFront can't add to origin requests.
    const refused = ["cache-control", "connection", "content-length", "cookie", "host", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "proxy-connection", "range", "request-range", "te", "trailer", "transfer-encoding", "upgrade", "via", "x-real-ip"];
    for (const { name } of originCustomHeaders({ verifyValue: "v", publicName: "p" })) {
      expect(refused).not.toContain(name.toLowerCase());
      expect(name.toLowerCase()).not.toMatch(/^x-(amz|edge)-/);
    }
  });
});
