import { describe, expect, it } from "vitest";
import {
  albLogBucketPolicy,
  checkDomainNames,
  checkTargetPort,
  ELB_LOG_DELIVERY_SERVICE,
  LISTENER_RULE_LIMITS,
  originVerifyListener,
  usesElbAccountForLogDelivery,
  validationRecordDomains,
} from "../../components/lib/ingress-plan";

describe("ALB log delivery principals", () => {
  it("uses the regional ELB account only where one exists", () => {
    for (const older of ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"]) expect(usesElbAccountForLogDelivery(older), older).toBe(true);
    for (const newer of ["eu-central-2", "ap-southeast-4", "il-central-1", "ca-west-1", "mx-central-1"]) expect(usesElbAccountForLogDelivery(newer), newer).toBe(false);
  });

  it("lets the service principal (and the account, when given) write under the prefix only, over TLS only", () => {
    const policy = albLogBucketPolicy({ bucketArn: "arn:aws:s3:::logs", prefix: "alb", accountId: "111122223333", elbAccountArn: "arn:aws:iam::156460612806:root" }) as { Statement: Record<string, unknown>[] };
    const allows = policy.Statement.filter((s) => s.Effect === "Allow");
    expect(allows.map((s) => s.Principal)).toEqual([{ Service: ELB_LOG_DELIVERY_SERVICE }, { AWS: "arn:aws:iam::156460612806:root" }]);
    for (const s of allows) expect(s).toMatchObject({ Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/alb/AWSLogs/111122223333/*" });
    expect(policy.Statement.find((s) => s.Effect === "Deny")).toMatchObject({ Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const withoutAccount = albLogBucketPolicy({ bucketArn: "arn:aws:s3:::logs", prefix: "alb", accountId: "111122223333" }) as { Statement: Record<string, unknown>[] };
    expect(withoutAccount.Statement.filter((s) => s.Effect === "Allow")).toHaveLength(1);
  });
});

describe("certificate names", () => {
  it("needs one validation record per name, a wildcard sharing its base name's", () => {
    expect(validationRecordDomains(["app.example.com", "*.app.example.com", "api.example.com"])).toEqual(["app.example.com", "api.example.com"]);
    expect(validationRecordDomains(["*.example.com", "example.com"])).toEqual(["*.example.com"]);
  });

  it("refuses empty, duplicate, malformed or too many names", () => {
    expect(() => checkDomainNames([])).toThrow(/empty/);
    expect(() => checkDomainNames(["a.example.com", "a.example.com"])).toThrow(/more than once/);
    expect(() => checkDomainNames(["App.Example.com"])).toThrow(/lower-case DNS name/);
    expect(() => checkDomainNames(["a.*.example.com"])).toThrow(/lower-case DNS name/);
    expect(() => checkDomainNames(Array.from({ length: 11 }, (_, i) => `n${i}.example.com`))).toThrow(/10 per certificate/);
    expect(() => checkDomainNames(["example.com", "*.example.com"])).not.toThrow();
  });
});

describe("target port", () => {
  it("is a TCP port the pods listen on", () => {
    expect(() => checkTargetPort(8080)).not.toThrow();
    expect(() => checkTargetPort(0)).toThrow(/1-65535/);
    expect(() => checkTargetPort(70000)).toThrow(/1-65535/);
    expect(() => checkTargetPort(80.5)).toThrow(/TCP port/);
  });
});

describe("originVerifyListener", () => {
  const plan = originVerifyListener({ healthCheckPath: "/healthz", headerName: "X-Origin-Verify", values: ["current", "next"] });

  it("forwards the health check from anyone before the header rule, and answers the rest with a 403 from a catch-all rule, not the default action", () => {
    expect(plan).not.toHaveProperty("defaultAction");
    expect(plan.rules.map((r) => [r.priority, r.condition])).toEqual([
      [1, { pathPattern: { values: ["/healthz"] } }],
      [2, { httpHeader: { httpHeaderName: "X-Origin-Verify", values: ["current", "next"] } }],
    ]);
    expect(plan.catchAll).toEqual({
      suffix: "deny-direct",
      priority: 50_000,
      condition: { pathPattern: { values: ["/*"] } },
      action: { type: "fixed-response", fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" } },
    });
  });

  it("evaluates the catch-all last: the highest priority ELB takes, so a rule of your own with a priority fits before it and one without fails at its deploy", () => {
    // 50,000: the highest priority ELB accepts (LISTENER_RULE_LIMITS), written out, not read from the code.
    expect(plan.catchAll.priority).toBe(50_000);
    for (const rule of plan.rules) expect(rule.priority).toBeLessThan(plan.catchAll.priority);
  });

  it("stays inside the ALB's rule limits: unique priorities, one condition per rule, at most five values per rule", () => {
    const all = [...plan.rules, plan.catchAll];
    const priorities = all.map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    for (const rule of all) {
      expect(rule.priority).toBeGreaterThanOrEqual(1);
      expect(rule.priority).toBeLessThanOrEqual(LISTENER_RULE_LIMITS.maxPriority);
      const values = "pathPattern" in rule.condition ? rule.condition.pathPattern.values : rule.condition.httpHeader.values;
      expect(values.length).toBeLessThanOrEqual(LISTENER_RULE_LIMITS.valuesPerCondition);
      expect(values.length).toBeLessThanOrEqual(LISTENER_RULE_LIMITS.valuesPerRule);
    }
  });

  it("refuses what ELB would: no value or more than three, a header name that is no token or is Host, a health path with wildcards", () => {
    const base = { healthCheckPath: "/healthz", headerName: "X-Origin-Verify", values: ["a"] };
    expect(() => originVerifyListener({ ...base, values: [] })).toThrow(/1 to 3/);
    expect(() => originVerifyListener({ ...base, values: ["a", "b", "c", "d"] })).toThrow(/1 to 3/);
    expect(() => originVerifyListener({ ...base, headerName: "X Origin" })).toThrow(/header name/);
    expect(() => originVerifyListener({ ...base, headerName: "host" })).toThrow(/not Host/);
    expect(() => originVerifyListener({ ...base, headerName: "X".repeat(41) })).toThrow(/40/);
    expect(() => originVerifyListener({ ...base, healthCheckPath: "/health*" })).toThrow(/wildcards/);
    expect(() => originVerifyListener({ ...base, healthCheckPath: "/ready?deep=1" })).toThrow(/wildcards/);
    expect(originVerifyListener({ ...base, healthCheckPath: "/api/v1/health-check" }).rules[0].condition).toEqual({ pathPattern: { values: ["/api/v1/health-check"] } });
  });
});
