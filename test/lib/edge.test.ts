import { describe, expect, it } from "vitest";
import { edgeLogBucketPolicy, edgeProblems, wafRules } from "../../components/lib/edge";

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
