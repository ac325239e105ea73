/** load-balancer-waf, on recorded resources: a regional stack's ALB with its listeners, and what protects it. */
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/fake-cloud";
import { evaluateStack } from "../../policies/evaluate";
import { configFromSettings } from "../../policies/reconcile";
import { arnOf, ofPolicy, patch, recorded, regionSlice, SECONDARY, type RegionSlice } from "./fixtures";

const POLICY = "load-balancer-waf";
const at = { stack: `prod-${SECONDARY}`, region: SECONDARY };
const production = configFromSettings({ production: true });

function region(...extra: ((slice: RegionSlice) => RecordedResource[])[]): { slice: RegionSlice; resources: RecordedResource[] } {
  const slice = regionSlice(SECONDARY, { primary: false });
  return { slice, resources: [...slice.all(), ...extra.flatMap((f) => f(slice))] };
}
const violations = (resources: RecordedResource[], config = production) => ofPolicy(evaluateStack({ stack: at.stack, role: "region", region: SECONDARY, resources }, config), POLICY);

const acl = () => recorded("aws:wafv2/webAcl:WebAcl", "ingress-waf", { scope: "REGIONAL", defaultAction: { allow: {} } }, at);
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
  it("passes an internet-facing ALB with a web ACL associated", () => {
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
    expect(production[POLICY]).toEqual({ production: true });
  });
});

describe("load-balancer-waf-counting", () => {
  const COUNTING = "load-balancer-waf-counting";
  const counting = (resources: RecordedResource[], config = production) => ofPolicy(evaluateStack({ stack: at.stack, role: "region", region: SECONDARY, resources }, config), COUNTING);
  const rules = (mode: "block" | "count") => [
    { name: "rate-limit-per-ip", priority: 0, action: mode === "count" ? { count: {} } : { block: {} } },
    { name: "aws-common", priority: 20, overrideAction: mode === "count" ? { count: {} } : { none: {} } },
  ];
  const withAcl = (mode: "block" | "count") => region((s) => { const a = patch(acl(), { rules: rules(mode) }); return [a, association(s.alb, a)]; }).resources;

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
    expect(production[COUNTING]).toEqual({ production: true });
  });
});
