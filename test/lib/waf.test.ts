import { describe, expect, it } from "vitest";
import { wafRules } from "../../components/lib/edge";
import { exactValuePattern, hostCidr, rateLimitScopeDown, wafDescription, wafLoggingInputs, wafModeProblem, healthCheckerRequestsPerWindow, healthCheckRateLimitProblem, regionalWafOptOutProblem, wafMetricName, webAclRuleInputs } from "../../components/lib/waf";

describe("webAclRuleInputs", () => {
  const rules = webAclRuleInputs(wafRules(2000), { metricPrefix: "prod-us-east-1" });

  it("gives the managed rule groups their own actions and the rate limit a block per client IP, each with metrics", () => {
    expect(rules.map((r) => [r.name, r.priority])).toEqual([["rate-limit-per-ip", 0], ["aws-ip-reputation", 10], ["aws-common", 20], ["aws-known-bad-inputs", 30]]);
    expect(rules[0]).toEqual({
      name: "rate-limit-per-ip",
      priority: 0,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP" } },
      visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: "prod-us-east-1-rate-limit-per-ip" },
    });
    for (const [rule, group] of [[rules[2], "AWSManagedRulesCommonRuleSet"], [rules[3], "AWSManagedRulesKnownBadInputsRuleSet"]] as const) {
      expect(rule).toMatchObject({ overrideAction: { none: {} }, statement: { managedRuleGroupStatement: { name: group, vendorName: "AWS" } } });
      expect(rule).not.toHaveProperty("action");
    }
  });

  it("counts the core rule set's body-size rule only when large bodies are allowed", () => {
    const common = (allow: boolean) => webAclRuleInputs(wafRules(2000, { allowLargeRequestBodies: allow }), { metricPrefix: "p" })[2].statement as unknown as { managedRuleGroupStatement: Record<string, unknown> };
    expect(common(false).managedRuleGroupStatement).not.toHaveProperty("ruleActionOverrides");
    expect(common(true).managedRuleGroupStatement.ruleActionOverrides).toEqual([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
  });

  it("leaves requests carrying the edge's secret out of the rate limit only, matching the header exactly", () => {
    const exempt = webAclRuleInputs(wafRules(500), { metricPrefix: "p", exemption: { regexPatternSetArn: "arn:set", headerName: "X-Origin-Verify" } });
    expect(exempt[0].statement).toEqual({
      rateBasedStatement: {
        limit: 500,
        aggregateKeyType: "IP",
        scopeDownStatement: { notStatement: { statement: { regexPatternSetReferenceStatement: { arn: "arn:set", fieldToMatch: { singleHeader: { name: "x-origin-verify" } }, textTransformations: [{ priority: 0, type: "NONE" }] } } } },
      },
    });
    expect(exempt.slice(1)).toEqual(webAclRuleInputs(wafRules(500), { metricPrefix: "p" }).slice(1));
    expect(exactValuePattern("Abc123")).toBe("^Abc123$");
  });

  it("names metrics with the characters WAF takes, at most 128", () => {
    expect(wafMetricName("prod.us", "edge")).toBe("prod-us-edge");
    expect(wafMetricName("prod-edge")).toBe("prod-edge");
    expect(wafMetricName("x".repeat(200), "y")).toHaveLength(128);
  });
});

describe("webAclRuleInputs in count mode", () => {
  it("counts with every rule: the rate limit's action and the managed groups' override action, nothing else changed", () => {
    const block = webAclRuleInputs(wafRules(2000, { allowLargeRequestBodies: true }), { metricPrefix: "p" });
    const count = webAclRuleInputs(wafRules(2000, { allowLargeRequestBodies: true }), { metricPrefix: "p", mode: "count" });
    expect(count[0]).toEqual({ ...block[0], action: { count: {} } });
    for (const i of [1, 2, 3]) expect(count[i]).toEqual({ ...block[i], overrideAction: { count: {} } });
    expect(webAclRuleInputs(wafRules(2000), { metricPrefix: "p", mode: "block" })).toEqual(webAclRuleInputs(wafRules(2000), { metricPrefix: "p" }));
  });

  it("takes block or count only", () => {
    expect(wafModeProblem("block")).toBeUndefined();
    expect(wafModeProblem("count")).toBeUndefined();
    expect(wafModeProblem("Count")).toMatch(/must be "block" .* or "count"/);
  });
});

describe("the rate limit's NAT exemption", () => {
  const edge = { regexPatternSetArn: "arn:set", headerName: "X-Origin-Verify" };
  const notEdge = { notStatement: { statement: { regexPatternSetReferenceStatement: { arn: "arn:set", fieldToMatch: { singleHeader: { name: "x-origin-verify" } }, textTransformations: [{ priority: 0, type: "NONE" }] } } } };
  const notNat = { notStatement: { statement: { ipSetReferenceStatement: { arn: "arn:nat" } } } };

  it("leaves out the IP set's addresses, alone or besides the edge's secret in an AndStatement", () => {
    expect(rateLimitScopeDown()).toBeUndefined();
    expect(rateLimitScopeDown(undefined, "arn:nat")).toEqual(notNat);
    expect(rateLimitScopeDown(edge)).toEqual(notEdge);
    expect(rateLimitScopeDown(edge, "arn:nat")).toEqual({ andStatement: { statements: [notEdge, notNat] } });
  });

  it("is the rate rule's scope-down, in block and count mode alike, the managed rules untouched", () => {
    for (const mode of ["block", "count"] as const) {
      const rules = webAclRuleInputs(wafRules(2000), { metricPrefix: "p", exemption: edge, exemptIpSetArn: "arn:nat", mode });
      expect(rules[0].statement).toEqual({ rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", scopeDownStatement: { andStatement: { statements: [notEdge, notNat] } } } });
      expect(rules.slice(1)).toEqual(webAclRuleInputs(wafRules(2000), { metricPrefix: "p", mode }).slice(1));
    }
  });

  it("gives each address its /32", () => {
    expect(hostCidr("198.51.100.7")).toBe("198.51.100.7/32");
    expect(hostCidr("198.51.100.0/24")).toBe("198.51.100.0/24");
  });
});

describe("wafLoggingInputs", () => {
  it("redacts the origin-verify header and the clients' credentials, and keeps only blocked and counted requests", () => {
    expect(wafLoggingInputs("X-Origin-Verify")).toEqual({
      redactedFields: [{ singleHeader: { name: "x-origin-verify" } }, { singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
      loggingFilter: { defaultBehavior: "DROP", filters: [{ behavior: "KEEP", requirement: "MEETS_ANY", conditions: [{ actionCondition: { action: "BLOCK" } }, { actionCondition: { action: "COUNT" } }, { actionCondition: { action: "EXCLUDED_AS_COUNT" } }] }] },
    });
  });

  it("names each header once, lower-case, whatever case the origin-verify header is given in", () => {
    expect(wafLoggingInputs("Authorization").redactedFields).toEqual([{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
  });
});

describe("the rate limit and the health checkers", () => {
  it("counts one request per checker and interval in a 5-minute window", () => {
    expect(healthCheckerRequestsPerWindow(10)).toBe(30);
    expect(healthCheckerRequestsPerWindow(30)).toBe(10);
  });

  it("refuses a limit under twice what one checker sends, naming the floor", () => {
    expect(healthCheckRateLimitProblem(2000, 10)).toBeUndefined();
    expect(healthCheckRateLimitProblem(60, 10)).toBeUndefined();
    expect(healthCheckRateLimitProblem(59, 10)).toMatch(/each sends 30 requests per 5 minutes at a 10 s interval; use at least 60/);
    expect(healthCheckRateLimitProblem(20, 30)).toBeUndefined();
    expect(healthCheckRateLimitProblem(19, 30)).toMatch(/use at least 20/);
    expect(healthCheckRateLimitProblem(10, 0)).toBeUndefined();
  });
});

describe("regionalWafOptOutProblem", () => {
  const base = { production: true, regionalWafEnabled: false, edgeEnabled: false, directOriginAccess: "locked" };

  it("lets production go without the regional WAF only behind the edge with its direct path locked", () => {
    expect(regionalWafOptOutProblem({ ...base, edgeEnabled: true })).toBeUndefined();
    expect(regionalWafOptOutProblem(base)).toMatch(/^is false in a production environment \(production: true\), and with edgeEnabled: false the ALBs are the front door: .* no rate limit and no managed rules\. Set regionalWafEnabled: true/);
    expect(regionalWafOptOutProblem({ ...base, edgeEnabled: true, directOriginAccess: "open" })).toMatch(/with edgeDirectOriginAccess: open the ALBs serve everyone who skips the edge/);
  });

  it("says nothing when the WAF is on, or outside production", () => {
    expect(regionalWafOptOutProblem({ ...base, regionalWafEnabled: true })).toBeUndefined();
    expect(regionalWafOptOutProblem({ ...base, production: false })).toBeUndefined();
  });
});

describe("wafDescription", () => {
  it("takes what WAFv2's description pattern takes: letters, digits, spaces and _+=:#@/-,.", () => {
    expect(wafDescription("prod-us-east-1: ALB protection - rate limit, AWS managed rules")).toBe("prod-us-east-1: ALB protection - rate limit, AWS managed rules");
  });

  it("refuses parentheses, apostrophes and edge spaces, which CreateWebACL refuses at pulumi up", () => {
    for (const bad of ["prod: ALB protection (rate limit)", "the edge's values", " leading space", "trailing space ", "x".repeat(257)]) {
      expect(() => wafDescription(bad)).toThrow(/is not one WAFv2 accepts/);
    }
  });
});
