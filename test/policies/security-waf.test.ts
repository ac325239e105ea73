/** load-balancer-waf, on recorded resources: a regional stack's ALB with its listeners, and what protects it (its web ACL's scope and rules). */
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/fake-cloud";
import { evaluateStack } from "../../policies/evaluate";
import { configFromSettings } from "../../policies/reconcile";
import { DEFAULT_RATE_LIMIT, wafRules } from "../../components/lib/edge";
import { webAclRuleInputs } from "../../components/lib/waf";
import { arnOf, ofPolicy, patch, recorded, regionSlice, SECONDARY, type RegionSlice } from "./fixtures";

const POLICY = "load-balancer-waf";
const at = { stack: `prod-${SECONDARY}`, region: SECONDARY };
const production = configFromSettings({ production: true });

function region(...extra: ((slice: RegionSlice) => RecordedResource[])[]): { slice: RegionSlice; resources: RecordedResource[] } {
  const slice = regionSlice(SECONDARY, { primary: false });
  return { slice, resources: [...slice.all(), ...extra.flatMap((f) => f(slice))] };
}
const violations = (resources: RecordedResource[], config = production) => ofPolicy(evaluateStack({ stack: at.stack, role: "region", region: SECONDARY, resources }, config), POLICY);

/** The platform's own regional web ACL (albWebAcl): its rule inputs, from the functions that declare them. */
const platformRules = () => webAclRuleInputs(wafRules(DEFAULT_RATE_LIMIT), { metricPrefix: "ingress" });
const acl = (inputs: Record<string, unknown> = {}) => recorded("aws:wafv2/webAcl:WebAcl", "ingress-waf", { scope: "REGIONAL", defaultAction: { allow: {} }, rules: platformRules(), ...inputs }, at);
const association = (target: RecordedResource, webAcl: RecordedResource) => recorded("aws:wafv2/webAclAssociation:WebAclAssociation", `${target.name}-waf`, { resourceArn: arnOf(target), webAclArn: arnOf(webAcl) }, at);
/** The edge lock as RegionalIngress builds it: the health path, the header, then a catch-all 403. */
const lock = (slice: RegionSlice) => {
  const forward = [{ type: "forward", targetGroupArn: arnOf(slice.targetGroup) }];
  const rule = (name: string, priority: number, conditions: unknown[], actions: unknown[]) => recorded("aws:lb/listenerRule:ListenerRule", name, { listenerArn: arnOf(slice.https), priority, conditions, actions }, at);
  return [
    rule("https-health", 1, [{ pathPattern: { values: ["/"] } }], forward),
    rule("https-origin-verified", 2, [{ httpHeader: { httpHeaderName: "X-Origin-Verify", values: ["current", "next"] } }], forward),
    rule("https-deny-direct", 50_000, [{ pathPattern: { values: ["/*"] } }], [{ type: "fixed-response", fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" } }]),
  ];
};

describe("load-balancer-waf", () => {
  it("passes an internet-facing ALB with the platform's web ACL associated", () => {
    expect(violations(region((s) => { const a = acl(); return [a, association(s.alb, a)]; }).resources)).toEqual([]);
  });

  it("fails, mandatorily, an internet-facing ALB with no web ACL whose listener serves anyone", () => {
    const { slice, resources } = region();
    const found = violations(resources);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ enforcementLevel: "mandatory", urn: slice.alb.urn });
    expect(found[0].message).toMatch(/^ingress \(lb\.LoadBalancer\) is internet-facing with no WAF web ACL, and not only CloudFront reaches it \(a listener or rule forwards requests without the edge's origin-verify header\): anyone can send it requests with no rate limit and no managed rules\. Associate a REGIONAL web ACL \(platform:regionalWafEnabled: true\), or lock its direct path behind the edge/);
  });

  it("does not count an association of another load balancer, or one with no web ACL", () => {
    const other = () => { const lb = recorded("aws:lb/loadBalancer:LoadBalancer", "other", { loadBalancerType: "application", internal: true }, at); const a = acl(); return [lb, a, association(lb, a)]; };
    expect(violations(region(other).resources)).toHaveLength(1);
    const empty = (s: RegionSlice) => [patch(association(s.alb, acl()), { webAclArn: undefined })];
    expect(violations(region(empty).resources)).toHaveLength(1);
  });

  describe("the associated web ACL, when the stack declares it", () => {
    const withAcl = (inputs: Record<string, unknown>) => region((s) => { const a = acl(inputs); return [a, association(s.alb, a)]; });
    const rateRule = () => platformRules().filter((r) => r.statement && "rateBasedStatement" in r.statement);
    const managedRules = () => platformRules().filter((r) => r.statement && "managedRuleGroupStatement" in r.statement);

    it("fails an empty web ACL, naming the ALB, the ACL, what it lacks and the fix", () => {
      const { slice, resources } = withAcl({ rules: [] });
      const found = violations(resources);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ enforcementLevel: "mandatory", urn: slice.alb.urn });
      expect(found[0].message).toMatch(/^ingress \(lb\.LoadBalancer\) is internet-facing and not only CloudFront reaches it .*, but its WAF web ACL ingress-waf \(wafv2\.WebAcl\) lacks a rate-based rule \(a per-IP rate limit\), and an AWS managed rule group \(AWSManagedRulesCommonRuleSet or AWSManagedRulesKnownBadInputsRuleSet\): .*Associate the platform's regional web ACL \(platform:regionalWafEnabled: true/);
      expect(violations(withAcl({ rules: undefined }).resources)).toHaveLength(1);
    });

    it("fails a web ACL without a rate-based rule, and one without the AWS managed groups", () => {
      const noRate = violations(withAcl({ rules: managedRules() }).resources);
      expect(noRate.map((v) => v.message)).toEqual([expect.stringMatching(/lacks a rate-based rule \(a per-IP rate limit\): /)]);
      // The IP reputation list alone is not one of the groups that filter exploits.
      const reputationOnly = managedRules().filter((r) => r.name === "aws-ip-reputation");
      const noManaged = violations(withAcl({ rules: [...rateRule(), ...reputationOnly] }).resources);
      expect(noManaged.map((v) => v.message)).toEqual([expect.stringMatching(/lacks an AWS managed rule group \(AWSManagedRulesCommonRuleSet or AWSManagedRulesKnownBadInputsRuleSet\): /)]);
      // A group of that name from another vendor is not AWS's.
      const foreign = managedRules().map((r) => ({ ...r, statement: { managedRuleGroupStatement: { ...(r.statement as { managedRuleGroupStatement: object }).managedRuleGroupStatement, vendorName: "Other" } } }));
      expect(violations(withAcl({ rules: [...rateRule(), ...foreign] }).resources)).toHaveLength(1);
      // One of the two groups is enough.
      const knownBadInputs = managedRules().filter((r) => r.name === "aws-known-bad-inputs");
      expect(violations(withAcl({ rules: [...rateRule(), ...knownBadInputs] }).resources)).toEqual([]);
    });

    it("fails a CLOUDFRONT-scope web ACL, even with the platform's rules", () => {
      const found = violations(withAcl({ scope: "CLOUDFRONT" }).resources);
      expect(found.map((v) => v.message)).toEqual([expect.stringMatching(/lacks scope REGIONAL \(it is CLOUDFRONT; AWS associates only a REGIONAL web ACL with an ALB\): /)]);
    });

    it("passes silently a web ACL the stack does not declare (another stack's, an ARN from config)", () => {
      const elsewhere = (s: RegionSlice) => [recorded("aws:wafv2/webAclAssociation:WebAclAssociation", "alb-waf", { resourceArn: arnOf(s.alb), webAclArn: "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shared/abc" }, at)];
      expect(violations(region(elsewhere).resources)).toEqual([]);
      // Even beside an ACL of the stack's own that it does not name.
      expect(violations(region(elsewhere, () => [acl({ rules: [] })]).resources)).toEqual([]);
    });

    it("does not fail on what a preview does not know, and still fails on what it knows", () => {
      const unknown = { __pulumiUnknown: true };
      const asServer = (resources: RecordedResource[]) => ofPolicy(evaluateStack({ stack: at.stack, role: "region", region: SECONDARY, resources }, production, { asServer: true }), POLICY);
      const cases: Record<string, unknown>[] = [
        { rules: unknown },
        { rules: [unknown, unknown] },
        { rules: [...rateRule(), { name: "aws-common", priority: 20, statement: unknown }] },
        { rules: [...rateRule(), { name: "aws-common", priority: 20, statement: { managedRuleGroupStatement: { name: unknown, vendorName: "AWS" } } }] },
        { scope: unknown },
      ];
      for (const inputs of cases) expect(asServer(withAcl(inputs).resources)).toEqual([]);
      // The platform's ACL at preview: the rate limit's exemption names an IP set not created yet.
      const exempt = webAclRuleInputs(wafRules(DEFAULT_RATE_LIMIT), { metricPrefix: "ingress", exemptIpSetArn: unknown as unknown as string });
      expect(asServer(withAcl({ rules: exempt }).resources)).toEqual([]);
      expect(asServer(withAcl({ rules: [unknown], scope: "CLOUDFRONT" }).resources)).toHaveLength(1);
      expect(asServer(withAcl({ rules: [] }).resources)).toHaveLength(1);
    });

    it("still accepts an ALB only CloudFront reaches, whatever its web ACL lacks", () => {
      expect(violations(region(lock, (s) => { const a = acl({ rules: [] }); return [a, association(s.alb, a)]; }).resources)).toEqual([]);
    });

    it("leaves counting to the advisory: the platform's ACL in count mode passes, and only load-balancer-waf-counting reports it", () => {
      const { resources } = withAcl({ rules: webAclRuleInputs(wafRules(DEFAULT_RATE_LIMIT), { metricPrefix: "ingress", mode: "count" }) });
      expect(violations(resources)).toEqual([]);
      expect(ofPolicy(evaluateStack({ stack: at.stack, role: "region", region: SECONDARY, resources }, production), "load-balancer-waf-counting")).toHaveLength(1);
    });
  });

  it("follows the association's recorded dependency when the ARN is not known yet (a preview)", () => {
    const { slice, resources } = region();
    const a = acl();
    const pending = patch(association(slice.alb, a), { resourceArn: "arn:unknown-yet" });
    pending.propertyDependencies = { resourceArn: [slice.alb.urn] };
    expect(violations([...resources, a, pending])).toEqual([]);
  });

  it("accepts an ALB only CloudFront reaches (the direct path locked), and refuses it again when a rule forwards past the lock", () => {
    expect(violations(region(lock).resources)).toEqual([]);
    const leaky = (s: RegionSlice) => [...lock(s), recorded("aws:lb/listenerRule:ListenerRule", "https-api", { listenerArn: arnOf(s.https), priority: 10, conditions: [{ pathPattern: { values: ["/api/*"] } }], actions: [{ type: "forward", targetGroupArn: arnOf(s.targetGroup) }] }, at)];
    expect(violations(region(leaky).resources)).toHaveLength(1);
  });

  it("leaves internal and network load balancers alone", () => {
    const { slice, resources } = region();
    patch(slice.alb, { internal: true });
    expect(violations(resources)).toEqual([]);
    patch(slice.alb, { internal: false, loadBalancerType: "network" });
    expect(violations(resources)).toEqual([]);
  });

  it("applies only to production environments", () => {
    const { resources } = region();
    expect(violations(resources, {})).toEqual([]);
    expect(violations(resources, configFromSettings({ production: false }))).toEqual([]);
  });
});

describe("load-balancer-waf-counting", () => {
  const COUNTING = "load-balancer-waf-counting";
  const counting = (resources: RecordedResource[], config = production) => ofPolicy(evaluateStack({ stack: at.stack, role: "region", region: SECONDARY, resources }, config), COUNTING);
  const withAcl = (mode: "block" | "count") => region((s) => { const a = acl({ rules: webAclRuleInputs(wafRules(DEFAULT_RATE_LIMIT), { metricPrefix: "ingress", mode }) }); return [a, association(s.alb, a)]; }).resources;

  it("reports, as advisory, an ALB whose web ACL only counts, which load-balancer-waf passes", () => {
    const resources = withAcl("count");
    expect(violations(resources)).toEqual([]);
    const found = counting(resources);
    expect(found).toHaveLength(1);
    expect(found[0].enforcementLevel).toBe("advisory");
    expect(found[0].message).toMatch(/whose rules all count \(platform:regionalWafMode: count\).*set platform:regionalWafMode: block/);
  });

  it("passes a blocking web ACL, and stays out of non-production environments", () => {
    expect(counting(withAcl("block"))).toEqual([]);
    expect(counting(withAcl("count"), {})).toEqual([]);
    // Counting rules behind a blocking default action block what they do not allow: the plan shows
    // such an ACL as blocking too (webAclMode, one answer for both).
    const blockingDefault = region((s) => { const a = acl({ defaultAction: { block: {} }, rules: webAclRuleInputs(wafRules(DEFAULT_RATE_LIMIT), { metricPrefix: "ingress", mode: "count" }) }); return [a, association(s.alb, a)]; }).resources;
    expect(counting(blockingDefault)).toEqual([]);
  });
});
