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
  it("lets only the log delivery service of this account write under AWSLogs/<account>/, over TLS", () => {
    const policy = edgeLogBucketPolicy({ bucketArn: "arn:aws:s3:::logs", accountId: "123456789012", partition: "aws" }) as { Statement: Record<string, any>[] };
    expect(policy.Statement[0].Principal).toEqual({ Service: "delivery.logs.amazonaws.com" });
    expect(policy.Statement[0].Resource).toBe("arn:aws:s3:::logs/AWSLogs/123456789012/*");
    expect(policy.Statement[0].Condition.ArnLike["aws:SourceArn"]).toBe("arn:aws:logs:us-east-1:123456789012:delivery-source:*");
    expect(policy.Statement[1]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });
});
