/**
 * RegionalIngress's web application firewall: a REGIONAL web ACL with the edge's rules, in the
 * ALB's region, associated with the ALB; CloudFront's requests exempt from its rate limit; none
 * where the program names that choice.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";

let cloud: FakeCloud;
const ZONE_ID = "Z0123456789EXAMPLE";
const base = { vpcId: "vpc-0waf", publicSubnetIds: ["subnet-0w1", "subnet-0w2", "subnet-0w3"], zoneId: ZONE_ID, targetPort: 8080 };

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "waf-test", region: "eu-west-1" });
  const aws = await import("@pulumi/aws");
  const { RegionalIngress } = await import("../../components/ingress");
  // The ALB in another region than the default provider's: the web ACL must follow it.
  const zurich = new aws.Provider("zurich", { region: "eu-central-2" });
  new RegionalIngress("zrh", { ...base, domainNames: ["zrh.example.com"] }, { provider: zurich });
  new RegionalIngress("tuned", { ...base, domainNames: ["tuned.example.com"], webAcl: { rateLimitPerFiveMinutes: 500, allowLargeRequestBodies: true } });
  // The soak: counting, its region's NAT gateways exempt, logs kept a year.
  new RegionalIngress("soak", { ...base, domainNames: ["soak.example.com"], originVerify: { values: ["current0123", "next0123"] }, webAcl: { mode: "count", natAddresses: ["198.51.100.7", "198.51.100.8"], logRetentionDays: 365 } });
  new RegionalIngress("bare", { ...base, domainNames: ["bare.example.com"], webAcl: "none" });
  // Behind the edge, locked: CloudFront's secret exempts its requests from the rate limit.
  new RegionalIngress("locked", { ...base, domainNames: ["locked.example.com"], originVerify: { values: ["current0123", "next0123"] } });
  // Behind the edge, open: the program passes the edge's values itself.
  new RegionalIngress("open", { ...base, domainNames: ["open.example.com"], webAcl: { edgeVerified: { values: ["current0123", "next0123"] } } });
  await settle();
});

function get(type: string, name: string): RecordedResource {
  const found = cloud.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`${found.length} resources of type ${type} named ${name}`);
  return found[0];
}
const ACL = "aws:wafv2/webAcl:WebAcl";
const ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";
const PATTERNS = "aws:wafv2/regexPatternSet:RegexPatternSet";
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const IP_SET = "aws:wafv2/ipSet:IpSet";
type Rule = { name: string; priority: number; statement: Record<string, any>; action?: unknown; overrideAction?: unknown; visibilityConfig: Record<string, unknown> };
const rulesOf = (name: string) => get(ACL, `${name}-waf`).inputs.rules as Rule[];

describe("RegionalIngress web ACL", () => {
  it("is a REGIONAL web ACL in the ALB's region, associated with that ALB, allowing what no rule blocks, with metrics", () => {
    const acl = get(ACL, "zrh-waf");
    const alb = get(ALB, "zrh-alb");
    const association = get(ASSOCIATION, "zrh-waf");
    expect(alb.region).toBe("eu-central-2");
    expect([acl.region, association.region]).toEqual(["eu-central-2", "eu-central-2"]);
    expect(acl.provider).toBe(alb.provider);
    expect(acl.inputs).toMatchObject({ scope: "REGIONAL", defaultAction: { allow: {} }, visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: "zrh-waf" } });
    expect(association.inputs).toEqual({ resourceArn: alb.outputs.arn, webAclArn: acl.outputs.arn });
    expect(association.parent).toBe(get("platform:ingress:RegionalIngress", "zrh").urn);
  });

  it("has the edge's rules: a rate limit per client IP, the IP reputation list, the core rule set and known bad inputs", () => {
    const rules = rulesOf("zrh");
    expect(rules.map((r) => r.name)).toEqual(["rate-limit-per-ip", "aws-ip-reputation", "aws-common", "aws-known-bad-inputs"]);
    expect(rules[0]).toMatchObject({ action: { block: {} }, statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP" } } });
    expect(rules[0].statement.rateBasedStatement).not.toHaveProperty("scopeDownStatement");
    const groups = rules.slice(1).map((r) => r.statement.managedRuleGroupStatement);
    expect(groups.map((g) => [g.vendorName, g.name])).toEqual([["AWS", "AWSManagedRulesAmazonIpReputationList"], ["AWS", "AWSManagedRulesCommonRuleSet"], ["AWS", "AWSManagedRulesKnownBadInputsRuleSet"]]);
    expect(groups[1]).not.toHaveProperty("ruleActionOverrides");
    for (const rule of rules) expect(rule.visibilityConfig).toMatchObject({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `zrh-${rule.name}` });
  });

  it("takes the rate limit and the body-size choice it is given", () => {
    const rules = rulesOf("tuned");
    expect(rules[0].statement.rateBasedStatement.limit).toBe(500);
    expect(rules[2].statement.managedRuleGroupStatement.ruleActionOverrides).toEqual([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
  });

  it("deletes the old association before creating a new one (an ALB's deleted association takes the new web ACL along)", () => {
    expect(get(ASSOCIATION, "zrh-waf").deleteBeforeReplace).toBe(true);
  });

  it("exposes the web ACL", () => {
    expect(get("platform:ingress:RegionalIngress", "zrh").outputs.webAclArn).toBe(get(ACL, "zrh-waf").outputs.arn);
  });

  it("exempts CloudFront's requests from the rate limit, through a secret pattern set of its header's values, locked or open", () => {
    for (const name of ["locked", "open"]) {
      const patterns = get(PATTERNS, `${name}-waf-edge-verified`);
      expect(patterns.inputs).toMatchObject({ scope: "REGIONAL", regularExpressions: "[secret]" });
      expect(patterns.secretInputs?.regularExpressions).toEqual([{ regexString: "^current0123$" }, { regexString: "^next0123$" }]);
      expect(rulesOf(name)[0].statement.rateBasedStatement.scopeDownStatement).toEqual({
        notStatement: { statement: { regexPatternSetReferenceStatement: { arn: patterns.outputs.arn, fieldToMatch: { singleHeader: { name: "x-origin-verify" } }, textTransformations: [{ priority: 0, type: "NONE" }] } } },
      });
      // The web ACL's own rules hold no secret: they stay readable in the plan.
      expect(get(ACL, `${name}-waf`).secretInputs).toBeUndefined();
    }
    expect(cloud.resources.filter((r) => r.type === PATTERNS && r.name.startsWith("zrh-"))).toEqual([]);
  });

  it("logs blocked and counted requests to an aws-waf-logs- log group, with the origin-verify header and the clients' credentials redacted", () => {
    const logging = get(LOGGING, "zrh-waf");
    const group = get(LOG_GROUP, "zrh-waf-logs");
    expect(group.inputs).toMatchObject({ namePrefix: "aws-waf-logs-zrh-", retentionInDays: 90 });
    expect([group.region, logging.region]).toEqual(["eu-central-2", "eu-central-2"]);
    expect(logging.inputs).toMatchObject({
      resourceArn: get(ACL, "zrh-waf").outputs.arn,
      logDestinationConfigs: [group.outputs.arn],
      redactedFields: [{ singleHeader: { name: "x-origin-verify" } }, { singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
      loggingFilter: { defaultBehavior: "DROP" },
    });
    expect(get(LOG_GROUP, "soak-waf-logs").inputs.retentionInDays).toBe(365);
  });

  it("counts instead of blocking in count mode, and leaves the region's NAT addresses out of the rate limit", () => {
    const rules = rulesOf("soak");
    expect(rules[0].action).toEqual({ count: {} });
    for (const rule of rules.slice(1)) expect(rule.overrideAction).toEqual({ count: {} });
    const nat = get(IP_SET, "soak-waf-rate-exempt");
    expect(nat.inputs).toMatchObject({ scope: "REGIONAL", ipAddressVersion: "IPV4", addresses: ["198.51.100.7/32", "198.51.100.8/32"] });
    expect(rules[0].statement.rateBasedStatement.scopeDownStatement.andStatement.statements[1]).toEqual({ notStatement: { statement: { ipSetReferenceStatement: { arn: nat.outputs.arn } } } });
    expect(rulesOf("zrh")[0].action).toEqual({ block: {} });
  });

  it("refuses a mode other than block or count", async () => {
    const { RegionalIngress } = await import("../../components/ingress");
    expect(() => new RegionalIngress("badmode", { ...base, domainNames: ["badmode.example.com"], webAcl: { mode: "monitor" as "count" } })).toThrow(/webAcl\.mode "monitor" must be "block"/);
  });

  it("is absent where the program names the choice (webAcl: none)", () => {
    expect(cloud.resources.filter((r) => (r.type.startsWith("aws:wafv2/") || r.type === LOG_GROUP) && r.name.startsWith("bare-"))).toEqual([]);
    expect(get("platform:ingress:RegionalIngress", "bare").outputs).not.toHaveProperty("webAclArn");
    expect(get(ALB, "bare-alb")).toBeDefined();
  });

  it("refuses a rate limit WAF would refuse, before creating anything", async () => {
    const { RegionalIngress } = await import("../../components/ingress");
    expect(() => new RegionalIngress("bad", { ...base, domainNames: ["bad.example.com"], webAcl: { rateLimitPerFiveMinutes: 5 } })).toThrow(/webAcl\.rateLimitPerFiveMinutes 5 must be 10 to 2000000000/);
  });
});
