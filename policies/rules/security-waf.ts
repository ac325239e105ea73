/**
 * A web application firewall in front of every load balancer the internet reaches: in a production
 * environment, each internet-facing application load balancer has a WAF web ACL associated with it
 * (aws.wafv2.WebAclAssociation), unless only CloudFront reaches it: its listeners forward nothing
 * but requests carrying the edge's origin-verify header and the health-check path (the lock
 * `edge-origin-verified` judges, data.ts), so the edge's web ACL has filtered what it serves. An
 * environment is production when the policy config says so (`production: true`, which the offline
 * plan takes from `platform:production`), as for the other production rules. A web ACL that only
 * counts passes it; `load-balancer-waf-counting`, advisory, says so.
 */
import { flag } from "../config";
import { LOAD_BALANCER_TYPES } from "./aws-types";
import { edgeBypasses, refersTo } from "./data";
import { describe, isSet, ofType, read, stackRule } from "./kit";

export const WEB_ACL_ASSOCIATION_TYPE = "aws:wafv2/webAclAssociation:WebAclAssociation";

export const loadBalancerWaf = stackRule<{ production: boolean }>(
  {
    name: "load-balancer-waf",
    description:
      "In a production environment, every internet-facing application load balancer has a WAF web ACL associated with it (aws.wafv2.WebAclAssociation), unless only CloudFront reaches it: its listeners forward only requests carrying the edge's origin-verify header, besides the health-check path, and deny the rest.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { production: flag(false, "The environment is production (platform:production): the rule applies.") },
    remediationSteps:
      "Keep platform:regionalWafEnabled on (RegionalIngress webAcl: a REGIONAL web ACL with a per-IP rate limit and AWS managed rules, associated with the ALB), or put the edge in front with its direct path locked (platform:edgeEnabled: true, platform:edgeDirectOriginAccess: locked).",
  },
  (resources, { report, config }) => {
    if (!config.production) return;
    const associations = ofType(resources, WEB_ACL_ASSOCIATION_TYPE);
    for (const lb of ofType(resources, LOAD_BALANCER_TYPES)) {
      const props = lb.props as { internal?: boolean; loadBalancerType?: string };
      if (read(() => props.internal) === true || !["application", undefined].includes(read(() => props.loadBalancerType) as string | undefined)) continue;
      const protectedBy = associations.filter((a) => refersTo(a, "resourceArn", lb, read(() => (a.props as { resourceArn?: unknown }).resourceArn)) && isSet(() => (a.props as { webAclArn?: unknown }).webAclArn));
      if (protectedBy.length > 0) continue;
      const bypasses = edgeBypasses(resources, lb);
      if (bypasses.length === 0) continue;
      report(
        `${describe(lb)} is internet-facing with no WAF web ACL, and not only CloudFront reaches it (${bypasses.length === 1 ? "a listener or rule forwards" : `${bypasses.length} listeners or rules forward`} requests without the edge's origin-verify header): anyone can send it requests with no rate limit and no managed rules. ` +
          "Associate a REGIONAL web ACL (platform:regionalWafEnabled: true), or lock its direct path behind the edge (platform:edgeDirectOriginAccess: locked).",
        lb.urn,
      );
    }
  },
);

export const WEB_ACL_TYPE = "aws:wafv2/webAcl:WebAcl";

type AclRule = { action?: Record<string, unknown>; overrideAction?: Record<string, unknown> };

/**
 * Whether a web ACL's rules only count: none blocks (or challenges), no rule group keeps its own
 * actions (override none). False while the rules are unknown (a preview) or when there are none.
 */
export function onlyCounts(acl: { props: unknown }): boolean {
  const rules = read(() => (acl.props as { rules?: unknown }).rules);
  if (!Array.isArray(rules) || rules.length === 0) return false;
  return rules.every((rule: AclRule) => {
    const action = rule?.action ?? {};
    const override = rule?.overrideAction ?? {};
    return !("block" in action || "captcha" in action || "challenge" in action || "none" in override);
  });
}

/**
 * load-balancer-waf's advisory counterpart: the web ACL that satisfies it may only count
 * (platform:regionalWafMode: count, the soak after adding the WAF to an environment that already
 * serves traffic). That is meant to end: this keeps it in every plan until it does.
 */
export const loadBalancerWafCounting = stackRule<{ production: boolean }>(
  {
    name: "load-balancer-waf-counting",
    description:
      "In a production environment, the WAF web ACL associated with an internet-facing application load balancer blocks what its rules match: a web ACL whose rules all count (the soak of platform:regionalWafMode: count) refuses nothing.",
    enforcementLevel: "advisory",
    severity: "medium",
    thresholds: { production: flag(false, "The environment is production (platform:production): the rule applies.") },
    remediationSteps:
      "Review what the rules counted (the aws-waf-logs-* log group of each region, the rules' CloudWatch metrics), allow what must pass (edgeRateLimitPerFiveMinutes, edgeAllowLargeRequestBodies), then set platform:regionalWafMode: block (docs/data-tier.md).",
  },
  (resources, { report, config }) => {
    if (!config.production) return;
    const associations = ofType(resources, WEB_ACL_ASSOCIATION_TYPE);
    const acls = ofType(resources, WEB_ACL_TYPE);
    for (const lb of ofType(resources, LOAD_BALANCER_TYPES)) {
      const props = lb.props as { internal?: boolean; loadBalancerType?: string };
      if (read(() => props.internal) === true || !["application", undefined].includes(read(() => props.loadBalancerType) as string | undefined)) continue;
      for (const association of associations.filter((a) => refersTo(a, "resourceArn", lb, read(() => (a.props as { resourceArn?: unknown }).resourceArn)))) {
        const webAclArn = read(() => (association.props as { webAclArn?: unknown }).webAclArn);
        for (const acl of acls.filter((candidate) => refersTo(association, "webAclArn", candidate, webAclArn) && onlyCounts(candidate))) {
          report(
            `${describe(lb)} has the WAF web ACL ${describe(acl)}, whose rules all count (platform:regionalWafMode: count): the rate limit and the managed rules log what they match and block nothing. ` +
              "Once the logs and metrics have been reviewed, set platform:regionalWafMode: block.",
            lb.urn,
          );
        }
      }
    }
  },
);

export const WAF_POLICIES = [loadBalancerWaf, loadBalancerWafCounting];
