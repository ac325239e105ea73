/**
 * A web application firewall in front of every load balancer the internet reaches: in a production
 * environment, each internet-facing application load balancer has a WAF web ACL associated with it
 * (aws.wafv2.WebAclAssociation), unless only CloudFront reaches it: its listeners forward nothing
 * but requests carrying the edge's origin-verify header and the health-check path (the lock
 * `edge-origin-verified` judges, data.ts), so the edge's web ACL has filtered what it serves. An
 * environment is production when the policy config says so (`production: true`, which the offline
 * plan takes from `platform:production`), as for the other production rules.
 *
 * The associated web ACL, when the stack declares it, must be one that filters something: scope
 * REGIONAL, a rate-based rule and an AWS managed rule group against exploits (the platform's ACL,
 * components/web-acl.ts, has both). An ACL of another stack, or an ARN from config, is not judged:
 * its rules are not visible here. Whether the rules block or only count is not judged either:
 * `load-balancer-waf-counting`, advisory, says so.
 */
import type { PolicyResource } from "@pulumi/policy";
import { PRODUCTION_THRESHOLD } from "../config";
import { LOAD_BALANCER_TYPES, TYPES } from "./aws-types";
import { edgeBypasses, internetFacingAlb, refersTo } from "./data";
import { describe, isSet, ofType, read, stackRule, UNKNOWN, type Unknown } from "./kit";

/** AWS managed rule groups of which a web ACL in front of an ALB has at least one (lib/edge wafRules has both). */
export const REQUIRED_MANAGED_RULE_GROUPS: readonly string[] = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"];

type Bag = Record<string, unknown>;

/** The associations naming `lb`, each with the web ACLs of the stack its webAclArn names (none: an ACL declared elsewhere). */
function associatedAcls(resources: readonly PolicyResource[], lb: PolicyResource): { association: PolicyResource; acls: PolicyResource[] }[] {
  const acls = ofType(resources, TYPES.webAcl);
  return ofType(resources, TYPES.webAclAssociation)
    .filter((a) => refersTo(a, "resourceArn", lb, read(() => (a.props as Bag).resourceArn)) && isSet(() => (a.props as Bag).webAclArn))
    .map((association) => {
      const webAclArn = read(() => (association.props as Bag).webAclArn);
      return { association, acls: acls.filter((acl) => refersTo(association, "webAclArn", acl, webAclArn)) };
    });
}

/** True, false, or UNKNOWN when a value a preview does not know could decide it. */
type Verdict = boolean | Unknown;

/**
 * What a web ACL lacks to guard an ALB: scope REGIONAL (AWS associates no other with an ALB), a
 * rate-based rule, an AWS managed rule group of REQUIRED_MANAGED_RULE_GROUPS. Empty when it has
 * them; UNKNOWN when it lacks nothing known but a value a preview does not know could (the rules,
 * a statement, a group's name). Rule actions are not read: count or block is the advisory's.
 */
export function webAclShortfalls(acl: { props: unknown }): string[] | Unknown {
  const props = acl.props as Bag;
  const out: string[] = [];
  const scope = read(() => props.scope);
  if (scope !== UNKNOWN && scope !== "REGIONAL") out.push(`scope REGIONAL (it is ${typeof scope === "string" ? scope : "not set"}; AWS associates only a REGIONAL web ACL with an ALB)`);
  let rate: Verdict = false;
  let managed: Verdict = false;
  const rules = read(() => props.rules);
  if (rules === UNKNOWN) rate = managed = UNKNOWN;
  else if (Array.isArray(rules)) {
    for (let i = 0; i < rules.length; i++) {
      const statement = read(() => (rules[i] as Bag | undefined)?.statement as Bag | undefined);
      if (statement === UNKNOWN) {
        if (rate !== true) rate = UNKNOWN;
        if (managed !== true) managed = UNKNOWN;
        continue;
      }
      if (statement === undefined || statement === null) continue;
      if (isSet(() => statement.rateBasedStatement)) rate = true;
      const group = read(() => statement.managedRuleGroupStatement as Bag | undefined);
      if (group === undefined || group === null) continue;
      const name = group === UNKNOWN ? UNKNOWN : read(() => group.name);
      const vendor = group === UNKNOWN ? UNKNOWN : read(() => group.vendorName);
      if (name === UNKNOWN || vendor === UNKNOWN) {
        if (managed !== true && (name === UNKNOWN || REQUIRED_MANAGED_RULE_GROUPS.includes(name as string))) managed = UNKNOWN;
      } else if (vendor === "AWS" && REQUIRED_MANAGED_RULE_GROUPS.includes(name as string)) managed = true;
    }
  }
  if (rate === false) out.push("a rate-based rule (a per-IP rate limit)");
  if (managed === false) out.push(`an AWS managed rule group (${REQUIRED_MANAGED_RULE_GROUPS.join(" or ")})`);
  if (out.length === 0 && (rate === UNKNOWN || managed === UNKNOWN)) return UNKNOWN;
  return out;
}

export const loadBalancerWaf = stackRule<{ production: boolean }>(
  {
    name: "load-balancer-waf",
    description:
      "In a production environment, every internet-facing application load balancer has a WAF web ACL associated with it (aws.wafv2.WebAclAssociation), unless only CloudFront reaches it: its listeners forward only requests carrying the edge's origin-verify header, besides the health-check path, and deny the rest. A web ACL the stack declares has scope REGIONAL, a rate-based rule and an AWS managed rule group (AWSManagedRulesCommonRuleSet or AWSManagedRulesKnownBadInputsRuleSet).",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { production: PRODUCTION_THRESHOLD },
    remediationSteps:
      "Keep platform:regionalWafEnabled on (RegionalIngress webAcl: a REGIONAL web ACL with a per-IP rate limit and AWS managed rules, associated with the ALB), or put the edge in front with its direct path locked (platform:edgeEnabled: true, platform:edgeDirectOriginAccess: locked).",
  },
  (resources, { report, config }) => {
    if (!config.production) return;
    for (const lb of ofType(resources, LOAD_BALANCER_TYPES).filter(internetFacingAlb)) {
      const associated = associatedAcls(resources, lb);
      // An ACL this stack does not declare (another stack's, an ARN from config) is taken on trust, as
      // is one a preview cannot judge yet.
      if (associated.some(({ acls }) => acls.length === 0)) continue;
      const lacking = associated.flatMap(({ acls }) => acls.map((acl) => ({ acl, shortfalls: webAclShortfalls(acl) })));
      if (associated.length > 0 && lacking.some(({ shortfalls }) => !Array.isArray(shortfalls) || shortfalls.length === 0)) continue;
      const bypasses = edgeBypasses(resources, lb);
      if (bypasses.length === 0) continue;
      const reach = `not only CloudFront reaches it (${bypasses.length === 1 ? "a listener or rule forwards" : `${bypasses.length} listeners or rules forward`} requests without the edge's origin-verify header)`;
      if (associated.length === 0) {
        report(
          `${describe(lb)} is internet-facing with no WAF web ACL, and ${reach}: anyone can send it requests with no rate limit and no managed rules. ` +
            "Associate a REGIONAL web ACL (platform:regionalWafEnabled: true), or lock its direct path behind the edge (platform:edgeDirectOriginAccess: locked).",
          lb.urn,
        );
        continue;
      }
      for (const { acl, shortfalls } of lacking) {
        report(
          `${describe(lb)} is internet-facing and ${reach}, but its WAF web ACL ${describe(acl)} lacks ${(shortfalls as string[]).join(", and ")}: it does not give the ALB the per-IP rate limit and the managed rules against known exploits a web ACL in front of it must. ` +
            "Associate the platform's regional web ACL (platform:regionalWafEnabled: true: RegionalIngress webAcl, components/web-acl.ts albWebAcl) or add what it lacks to this one, or lock the ALB's direct path behind the edge (platform:edgeDirectOriginAccess: locked).",
          lb.urn,
        );
      }
    }
  },
);

/**
 * Whether a web ACL rule (the provider's shape) can refuse a request: a blocking action (block,
 * CAPTCHA, challenge), or a rule group left to its own actions (`overrideAction: { none: {} }`).
 * False for a counting rule; undefined when the rule says neither (no action, no override).
 */
export function wafRuleBlocks(rule: unknown): boolean | undefined {
  if (typeof rule !== "object" || rule === null) return undefined;
  const { action, overrideAction } = rule as { action?: Record<string, unknown>; overrideAction?: Record<string, unknown> };
  if (action && typeof action === "object") return ["block", "captcha", "challenge"].some((k) => k in action);
  if (overrideAction && typeof overrideAction === "object") return "none" in overrideAction;
  return undefined;
}

/**
 * How a web ACL (its properties) treats what it matches: `block` when its default action blocks or
 * a rule blocks (or challenges, or a rule group keeps its own actions), `count` when nothing does
 * (every rule counts: the soak of platform:regionalWafMode count), `unknown` when a rule or the
 * default action is not known yet (a preview) or says neither. The plan's serving path shows it.
 */
export function webAclMode(props: unknown): "block" | "count" | "unknown" {
  const defaultAction = read(() => (props as { defaultAction?: unknown }).defaultAction);
  if (defaultAction !== null && typeof defaultAction === "object" && "block" in defaultAction) return "block";
  const rules = read(() => (props as { rules?: unknown }).rules ?? []);
  if (!Array.isArray(rules)) return "unknown";
  const verdicts = rules.map((rule: unknown) => {
    const blocks = read(() => wafRuleBlocks(rule));
    return blocks === UNKNOWN ? undefined : blocks;
  });
  if (verdicts.includes(true)) return "block";
  return verdicts.includes(undefined) || defaultAction === UNKNOWN ? "unknown" : "count";
}

/** A web ACL with rules, all of which only count (webAclMode count); not one without rules. */
export function onlyCounts(acl: { props: unknown }): boolean {
  const rules = read(() => (acl.props as { rules?: unknown }).rules);
  return Array.isArray(rules) && rules.length > 0 && webAclMode(acl.props) === "count";
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
    thresholds: { production: PRODUCTION_THRESHOLD },
    remediationSteps:
      "Review what the rules counted (the aws-waf-logs-* log group of each region, the rules' CloudWatch metrics), allow what must pass (edgeRateLimitPerFiveMinutes, edgeAllowLargeRequestBodies), then set platform:regionalWafMode: block (docs/data-tier.md).",
  },
  (resources, { report, config }) => {
    if (!config.production) return;
    for (const lb of ofType(resources, LOAD_BALANCER_TYPES).filter(internetFacingAlb)) {
      for (const acl of associatedAcls(resources, lb).flatMap(({ acls }) => acls).filter(onlyCounts)) {
        report(
          `${describe(lb)} has the WAF web ACL ${describe(acl)}, whose rules all count (platform:regionalWafMode: count): the rate limit and the managed rules log what they match and block nothing. ` +
            "Once the logs and metrics have been reviewed, set platform:regionalWafMode: block.",
          lb.urn,
        );
      }
    }
  },
);

export const WAF_POLICIES = [loadBalancerWaf, loadBalancerWafCounting];
