import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_RATE_LIMIT, ORIGIN_VERIFY_HEADER, wafRules } from "./lib/edge";
import { exactValuePattern, hostCidr, MAX_REGEX_PATTERNS, WAF_LOG_GROUP_PREFIX, wafDescription, wafLoggingInputs, type WafMode, webAclRuleInputs, wafMetricName } from "./lib/waf";

export interface WebAclArgs {
  /** CLOUDFRONT (created in us-east-1, for a distribution) or REGIONAL (an ALB of the same region). */
  scope: "CLOUDFRONT" | "REGIONAL";
  /** Region of the web ACL (us-east-1 for CloudFront); the provider's when absent. */
  region?: string;
  description: string;
  /** Requests one client IP may make per 5 minutes before the web ACL blocks it. */
  rateLimitPerFiveMinutes: number;
  /** The core rule set's 8 KB body rule counts instead of blocking (wafRules). @default false */
  allowLargeRequestBodies?: boolean;
  /** Prefix of the rules' CloudWatch metric names (`<prefix>-<rule>`); the web ACL's own metric is its name. */
  metricPrefix: string;
  /**
   * Requests the rate limit leaves to the edge: those carrying one of `values` (secrets, 1 to 10)
   * in header `headerName`, CloudFront's origin-verify header. The values go in a regex pattern set
   * of their own (`<name>-edge-verified`), so the web ACL's rules stay readable in plans and diffs.
   * @default none — the rate limit counts every request
   */
  rateLimitExemption?: { headerName: string; values: pulumi.Input<string>[] };
  /**
   * IPv4 addresses (or CIDRs) the rate limit does not count, in an IP set of their own
   * (`<name>-rate-exempt`). @default none
   */
  rateLimitExemptAddresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** `count`: every rule counts instead of blocking (WafMode). @default "block" */
  mode?: WafMode;
  /** @default {} */
  tags?: Record<string, string>;
}

/**
 * A WAF web ACL named `name` under `parent`, with the one rule list of this project (wafRules: rate
 * limit per client IP, AWS IP reputation list, core rule set, known bad inputs), allowing what no
 * rule blocks, every rule and the web ACL with CloudWatch metrics and sampled requests. GlobalEdge
 * (scope CLOUDFRONT) and RegionalIngress (scope REGIONAL) declare theirs through it.
 */
export function webAcl(name: string, args: WebAclArgs, parent: pulumi.Resource): aws.wafv2.WebAcl {
  const region = args.region !== undefined ? { region: args.region } : {};
  const tags = args.tags ?? {};
  const exempt = args.rateLimitExemption;
  if (exempt && (exempt.values.length < 1 || exempt.values.length > MAX_REGEX_PATTERNS)) {
    throw new RangeError(`${name}: rateLimitExemption.values has ${exempt.values.length} value(s); a regex pattern set holds 1 to ${MAX_REGEX_PATTERNS}`);
  }
  const verified = exempt
    ? new aws.wafv2.RegexPatternSet(`${name}-edge-verified`, {
      ...region,
      scope: args.scope,
      description: wafDescription(`${name}: origin-verify values of the edge, exempt from the per-IP rate limit`),
      // Secret: the values are CloudFront's origin-verify secrets.
      regularExpressions: exempt.values.map((value) => ({ regexString: pulumi.secret(pulumi.output(value).apply(exactValuePattern)) })),
      tags,
    }, { parent })
    : undefined;
  const exemptAddresses = args.rateLimitExemptAddresses !== undefined
    ? new aws.wafv2.IpSet(`${name}-rate-exempt`, {
      ...region,
      scope: args.scope,
      description: wafDescription(`${name}: addresses exempt from the per-IP rate limit`),
      ipAddressVersion: "IPV4",
      addresses: pulumi.output(args.rateLimitExemptAddresses).apply((addresses) => addresses.map(hostCidr)),
      tags,
    }, { parent })
    : undefined;
  return new aws.wafv2.WebAcl(name, {
    ...region,
    scope: args.scope,
    description: wafDescription(args.description),
    defaultAction: { allow: {} },
    rules: webAclRuleInputs(wafRules(args.rateLimitPerFiveMinutes, { allowLargeRequestBodies: args.allowLargeRequestBodies }), {
      metricPrefix: args.metricPrefix,
      ...(verified && exempt ? { exemption: { regexPatternSetArn: verified.arn, headerName: exempt.headerName } } : {}),
      ...(exemptAddresses ? { exemptIpSetArn: exemptAddresses.arn } : {}),
      mode: args.mode,
    }),
    visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: wafMetricName(name) },
    tags,
  }, { parent });
}

export interface RegionalWebAclArgs {
  /** Requests one client IP may make per 5 minutes before the web ACL blocks it (10 to 2,000,000,000). @default 2000 */
  rateLimitPerFiveMinutes?: number;
  /**
   * Let request bodies over 8 KB through: the core rule set's SizeRestrictions_BODY rule counts
   * instead of blocking (a 403 for every larger POST or PUT otherwise). The WAF inspects the first
   * 8 KB of a body at an ALB; the rest of a larger one reaches the pods unseen by the other rules.
   * @default false (blocked, as the core rule set has it)
   */
  allowLargeRequestBodies?: boolean;
  /**
   * CloudFront's requests, which the rate limit leaves to the edge's web ACL (it limited each viewer
   * by the viewer's own address): those carrying one of `values` (secrets) in `headerName`. Counted
   * here they would be counted by CloudFront's addresses, each carrying many viewers.
   * @default originVerify's header and values when given (the edge in front, its direct path
   * locked); none otherwise: pass GlobalEdge.originVerifyValues when the edge fronts an ALB whose
   * direct path stays open, or its requests share CloudFront's addresses' rate limit
   */
  edgeVerified?: { headerName?: string; values: pulumi.Input<string>[] };
  /**
   * `count`: the rate limit and the managed rules only count what they match (logged and in the
   * metrics), blocking nothing: the soak of an ALB that already serves traffic, before `block`.
   * @default "block"
   */
  mode?: WafMode;
  /**
   * The public addresses of the region's own NAT gateways (RegionalNetwork.natPublicIps), which
   * the rate limit does not count. @default none — every address is rate-limited
   */
  natAddresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** Days the WAF's log group (`aws-waf-logs-<name>-...`) keeps the blocked and counted requests. @default 90 */
  logRetentionDays?: number;
}

/**
 * A web ACL's logging: a log group `<name>-waf-logs` and the logging configuration `<name>-waf`,
 * in the web ACL's region (us-east-1 for CloudFront's). WAF logs only to a log group named
 * aws-waf-logs-*, and adds the log group's resource policy for its delivery itself. Encrypted with
 * CloudWatch Logs' own key, as the project's other log groups. Only blocked and counted requests
 * are kept (wafLoggingInputs); `redactHeader` (the origin-verify header) is redacted: it is the
 * edge's secret, which anyone reading the logs could otherwise replay; so are the clients'
 * credentials, `Authorization` and `Cookie` (WAF_REDACTED_HEADERS).
 */
export function wafLogging(name: string, acl: aws.wafv2.WebAcl, args: { region?: string; retentionDays?: number; redactHeader: string; tags?: Record<string, string> }, parent: pulumi.Resource): aws.cloudwatch.LogGroup {
  const region = args.region !== undefined ? { region: args.region } : {};
  const logGroup = new aws.cloudwatch.LogGroup(`${name}-waf-logs`, {
    ...region,
    namePrefix: `${WAF_LOG_GROUP_PREFIX}${name}-`,
    retentionInDays: args.retentionDays ?? 90,
    ...(args.tags ? { tags: args.tags } : {}),
  }, { parent });
  new aws.wafv2.WebAclLoggingConfiguration(`${name}-waf`, {
    ...region,
    resourceArn: acl.arn,
    logDestinationConfigs: [logGroup.arn],
    ...wafLoggingInputs(args.redactHeader),
  }, { parent });
  return logGroup;
}

/**
 * An ALB's web ACL (scope REGIONAL, the provider's region, named `<name>-waf`) and its association
 * with the ALB. CloudFront's requests are exempt from the rate limit (`edgeVerified`, else
 * `originVerify`'s header and values).
 */
export function albWebAcl(name: string, args: RegionalWebAclArgs & { loadBalancerArn: pulumi.Input<string>; originVerify?: { headerName?: string; values: pulumi.Input<string>[] } }, parent: pulumi.Resource): aws.wafv2.WebAcl {
  const verified = args.edgeVerified ?? args.originVerify;
  const acl = webAcl(`${name}-waf`, {
    scope: "REGIONAL",
    description: `${name}: ALB protection - rate limit, AWS managed rules`,
    rateLimitPerFiveMinutes: args.rateLimitPerFiveMinutes ?? DEFAULT_RATE_LIMIT,
    allowLargeRequestBodies: args.allowLargeRequestBodies,
    metricPrefix: name,
    ...(verified ? { rateLimitExemption: { headerName: verified.headerName ?? ORIGIN_VERIFY_HEADER, values: verified.values } } : {}),
    // By design the region's own NAT gateways (its pods: the load test's k6, the canaries, service
    // calls to the public name) are not rate-limited: a region has at most 3 such addresses, each
    // carrying every pod's requests, which a per-IP limit would block together within seconds.
    ...(args.natAddresses !== undefined ? { rateLimitExemptAddresses: args.natAddresses } : {}),
    mode: args.mode,
  }, parent);
  wafLogging(name, acl, { retentionDays: args.logRetentionDays, redactHeader: verified?.headerName ?? ORIGIN_VERIFY_HEADER }, parent);
  // Provider trap (pulumi/pulumi-aws#4782): an ALB has one web ACL, associating another replaces
  // it, and deleting an association disassociates whatever the ALB has. Replaced create-first, the
  // old association's deletion would strip the new one from the ALB: delete it first.
  new aws.wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: args.loadBalancerArn, webAclArn: acl.arn }, { parent, deleteBeforeReplace: true });
  return acl;
}
