/**
 * Decisions behind the WAF web ACLs, as pure functions: the provider's rule inputs from the rule
 * list (`wafRules`, lib/edge), their metric names, the rate limit's exemption for requests the
 * edge has already counted, and what a rate limit must leave to the health checkers.
 * `webAcl` (components/web-acl.ts) declares the resources from these results, for the edge's web
 * ACL (GlobalEdge) and each region's (RegionalIngress).
 *
 * Sources (checked 2026):
 * - Rate-based rules count requests per aggregation key over an evaluation window (300 s unless
 *   set) and act on a key above the limit; a scope-down statement narrows what they count.
 *   Aggregated by `IP`, the key is the address the request came from: behind CloudFront, one of
 *   CloudFront's. [AWS WAF developer guide, Rate-based rule statement; aggregation options]
 * - A regex pattern set holds at most 10 patterns; a `singleHeader` name is matched case-insensitively
 *   (the provider sends it lower-case). [AWS WAF quotas; WAFV2 API FieldToMatch SingleHeader]
 * - Route 53 health checkers send one request per `requestInterval` (10 or 30 s) each, from
 *   their own addresses (published as ROUTE53_HEALTHCHECKS in ip-ranges.json), several per
 *   checker region; they send `User-Agent: Amazon-Route53-Health-Check-Service`. [Route 53
 *   developer guide, How Route 53 determines whether a health check is healthy; Configuring
 *   router and firewall rules for health checks]
 * - A logging configuration redacts at most 100 fields, each the URI path, the query string, the
 *   method or one header; a record otherwise holds every request header with its value. [WAFV2
 *   API reference, LoggingConfiguration RedactedFields; AWS WAF developer guide, Log fields]
 * - Web ACL pricing is the same for every associated resource type (CloudFront, ALB): per web ACL
 *   and per rule a month, per million requests. [aws.amazon.com/waf/pricing]
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { WafRuleSpec } from "./edge";

/**
 * What WAFv2 accepts as a web ACL's, regex pattern set's or IP set's description (the API's
 * EntityDescription: 1-256 characters of letters, digits, spaces and `_+=:#@/-,.`, not starting or
 * ending with a space). The provider checks only the length, so a parenthesis or an apostrophe
 * passes every preview and fails CreateWebACL at `pulumi up`. [WAFV2 API reference, CreateWebACL,
 * CreateRegexPatternSet: Description pattern]
 */
export const WAF_DESCRIPTION = /^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]$/;

/** The description as given, or an error naming it and what WAFv2 accepts. */
export function wafDescription(text: string): string {
  if (text.length > 256 || !WAF_DESCRIPTION.test(text)) {
    throw new RangeError(`WAF description ${JSON.stringify(text)} is not one WAFv2 accepts: up to 256 characters of letters, digits, spaces and _+=:#@/-,. (no parentheses or quotes), not starting or ending with a space`);
  }
  return text;
}

/** Seconds a rate-based rule counts over (its default evaluation window, which the limits are in). */
export const RATE_LIMIT_WINDOW_SECONDS = 300;
/** Patterns one regex pattern set holds. */
export const MAX_REGEX_PATTERNS = 10;

/** A CloudWatch metric name of a web ACL or rule: `<prefix>[-<suffix>]`, characters WAF accepts, at most 128. */
export function wafMetricName(prefix: string, suffix?: string): string {
  return (suffix === undefined ? prefix : `${prefix}-${suffix}`).replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 128);
}

/**
 * Requests the rate limit does not count: those whose header `headerName` matches the patterns of
 * the regex pattern set `regexPatternSetArn` (the edge's origin-verify secrets, components/web-acl.ts).
 */
export interface RateLimitExemption {
  readonly regexPatternSetArn: pulumi.Input<string>;
  readonly headerName: string;
}

/**
 * What the web ACL does with a request a rule matches. `block`: the rate limit and the managed
 * rules block (a 403). `count`: every rule only counts (the rate rule's action and the managed
 * groups' override action), so the logs and metrics show what `block` would refuse while nothing
 * is refused: the soak of an environment that already serves traffic, before it turns to `block`.
 */
export type WafMode = "block" | "count";
export const WAF_MODES: readonly WafMode[] = ["block", "count"];

/** Why `mode` is not a WAF mode, or undefined. */
export function wafModeProblem(mode: string): string | undefined {
  return (WAF_MODES as readonly string[]).includes(mode) ? undefined : `must be "block" (the default: the rules block what they match) or "count" (they only count it: the soak before blocking)`;
}

/**
 * The rate limit's scope-down: the requests it counts, or undefined for all of them. It leaves
 * out those carrying the edge's secret (`exemption`) and those from the addresses of the IP set
 * `exemptIpSetArn` (the region's own NAT gateways), each a NotStatement, both in an AndStatement.
 * An IP set reference costs 1 WCU, a regex pattern set reference 25.
 */
export function rateLimitScopeDown(exemption?: RateLimitExemption, exemptIpSetArn?: pulumi.Input<string>): aws.types.input.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatement | undefined {
  const excluded: aws.types.input.wafv2.WebAclRuleStatement[] = [
    ...(exemption
      ? [{ notStatement: { statement: { regexPatternSetReferenceStatement: {
        arn: exemption.regexPatternSetArn,
        fieldToMatch: { singleHeader: { name: exemption.headerName.toLowerCase() } },
        textTransformations: [{ priority: 0, type: "NONE" }],
      } } } }]
      : []),
    ...(exemptIpSetArn !== undefined ? [{ notStatement: { statement: { ipSetReferenceStatement: { arn: exemptIpSetArn } } } }] : []),
  ];
  if (excluded.length === 0) return undefined;
  return excluded.length === 1 ? excluded[0] : { andStatement: { statements: excluded } };
}

/**
 * The provider's rule inputs of `rules`: managed rule groups with their own actions (override
 * none; `countRules` count instead), the rate limit blocking per client IP, every rule with
 * CloudWatch metrics and sampled requests; in `mode: "count"` every rule counts instead. With
 * `exemption` the rate limit counts only requests that do not carry the edge's secret:
 * CloudFront's origin requests come from CloudFront's addresses, each carrying many viewers, whom
 * the edge's own web ACL has already limited by their own address; counted here by CloudFront's
 * address, they would be blocked together. With `exemptIpSetArn` it does not count requests from
 * that IP set's addresses either (rateLimitScopeDown).
 */
export function webAclRuleInputs(rules: readonly WafRuleSpec[], options: { metricPrefix: string; exemption?: RateLimitExemption; exemptIpSetArn?: pulumi.Input<string>; mode?: WafMode }): aws.types.input.wafv2.WebAclRule[] {
  const { metricPrefix, exemption, exemptIpSetArn } = options;
  const counting = (options.mode ?? "block") === "count";
  const scopeDownStatement = rateLimitScopeDown(exemption, exemptIpSetArn);
  return rules.map((rule) => ({
    name: rule.name,
    priority: rule.priority,
    ...(rule.managedRuleGroup
      ? {
        overrideAction: counting ? { count: {} } : { none: {} },
        statement: {
          managedRuleGroupStatement: {
            name: rule.managedRuleGroup,
            vendorName: "AWS",
            ...(rule.countRules ? { ruleActionOverrides: rule.countRules.map((ruleName) => ({ name: ruleName, actionToUse: { count: {} } })) } : {}),
          },
        },
      }
      : {
        action: counting ? { count: {} } : { block: {} },
        statement: {
          rateBasedStatement: {
            limit: rule.rateLimit!,
            aggregateKeyType: "IP",
            ...(scopeDownStatement ? { scopeDownStatement } : {}),
          },
        },
      }),
    visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: wafMetricName(metricPrefix, rule.name) },
  }));
}

/** The CIDR of one IPv4 address, as an IP set takes it. */
export function hostCidr(address: string): string {
  return address.includes("/") ? address : `${address}/32`;
}

/** Prefix WAF requires of a CloudWatch Logs group it logs to. [AWS WAF developer guide, Sending web ACL traffic logs to a CloudWatch Logs log group] */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/**
 * Request headers whose values every WAF log record replaces by REDACTED, besides the edge's
 * origin-verify secret. A record lists every header of the request with its value
 * (httpRequest.headers), and the log group is readable by anyone with CloudWatch Logs read access
 * (ReadOnlyAccess): a blocked or counted request's `Authorization` (bearer tokens, basic
 * credentials) and `Cookie` (session cookies) would be replayable from there. The service takes
 * no API-key header of its own; add one here if it ever does.
 */
export const WAF_REDACTED_HEADERS: readonly string[] = ["authorization", "cookie"];

/**
 * The logging configuration's inputs but the ACL and the destination: the header `redactHeader`
 * (the edge's origin-verify secret) and WAF_REDACTED_HEADERS replaced by REDACTED, and only the
 * requests a rule blocked or counted kept (what a count soak is reviewed on; the allowed rest would
 * cost ingestion for nothing the metrics do not show).
 *
 * Each header is its own `singleHeader` field: redaction takes only UriPath, QueryString,
 * SingleHeader and Method (no "all headers", no Cookies field: `Cookie` is redacted as the header
 * it arrives in), at most 100 of them, so the three here leave room. The names are lower-case, as
 * the provider sends a single header's name (WAF matches it case-insensitively).
 */
export function wafLoggingInputs(redactHeader: string): Pick<aws.wafv2.WebAclLoggingConfigurationArgs, "redactedFields" | "loggingFilter"> {
  const headers = [...new Set([redactHeader.toLowerCase(), ...WAF_REDACTED_HEADERS])];
  return {
    redactedFields: headers.map((name) => ({ singleHeader: { name } })),
    loggingFilter: {
      defaultBehavior: "DROP",
      filters: [{
        behavior: "KEEP",
        requirement: "MEETS_ANY",
        // EXCLUDED_AS_COUNT: a managed rule counted by ruleActionOverrides (the body-size rule with
        // edgeAllowLargeRequestBodies) is logged so, not as COUNT.
        conditions: [{ actionCondition: { action: "BLOCK" } }, { actionCondition: { action: "COUNT" } }, { actionCondition: { action: "EXCLUDED_AS_COUNT" } }],
      }],
    },
  };
}

/** The pattern that matches a header value exactly (the secrets are letters and digits: nothing to escape). */
export function exactValuePattern(value: string): string {
  return `^${value}$`;
}

/**
 * Requests one Route 53 health checker sends an endpoint per rate-limit window: one per request
 * interval. Each checker has its own address, so a per-IP limit sees each alone; the synthetic
 * canaries probe at most once a minute per canary (5 runs a window), fewer still.
 */
export function healthCheckerRequestsPerWindow(intervalSeconds: number): number {
  return Math.ceil(RATE_LIMIT_WINDOW_SECONDS / intervalSeconds);
}

/**
 * Why a per-IP rate limit would block the health checkers of an ALB it guards, or undefined. Twice
 * what one checker sends: WAF's counts are estimates, and a checker's requests do not keep a strict
 * cadence. (The default, 2000, is 66 times a checker's 30 requests at a 10 s interval.)
 */
export function healthCheckRateLimitProblem(limit: number, healthCheckIntervalSeconds: number): string | undefined {
  if (!(healthCheckIntervalSeconds > 0)) return undefined; // an interval Route 53 refuses is reported on its own key
  const perChecker = healthCheckerRequestsPerWindow(healthCheckIntervalSeconds);
  return limit >= 2 * perChecker
    ? undefined
    : `would block the Route 53 health checkers at the regional WAF: each sends ${perChecker} requests per 5 minutes at a ${healthCheckIntervalSeconds} s interval; use at least ${2 * perChecker}`;
}

/**
 * Why an environment may not go without the regional WAF, or undefined. Production may drop it
 * only behind the edge with its direct path locked: CloudFront's web ACL has then filtered every
 * request the ALBs forward, but the health check. Anywhere else the ALBs take the internet's
 * requests with no rate limit and no managed rules.
 */
export function regionalWafOptOutProblem(input: { production: boolean; regionalWafEnabled: boolean; edgeEnabled: boolean; directOriginAccess: string }): string | undefined {
  if (input.regionalWafEnabled || !input.production) return undefined;
  if (input.edgeEnabled && input.directOriginAccess === "locked") return undefined;
  const why = input.edgeEnabled ? "with edgeDirectOriginAccess: open the ALBs serve everyone who skips the edge" : "with edgeEnabled: false the ALBs are the front door";
  return (
    `is false in a production environment (production: true), and ${why}: every region's ALB would take the internet's requests (0.0.0.0/0 and ::/0 on 80 and 443) with no web application firewall, no rate limit and no managed rules. ` +
    "Set regionalWafEnabled: true (the default), or put the edge in front with edgeEnabled: true and edgeDirectOriginAccess: locked (CloudFront's WAF then filters every request the ALBs forward but the health check)"
  );
}
