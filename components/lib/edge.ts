/**
 * Decisions behind the CloudFront edge, as pure functions: argument checks, the managed cache
 * and origin request policies, the WAF rules, the cache behaviours and the access-log bucket
 * policy. `GlobalEdge` declares resources from these results.
 *
 * Sources (checked 2026):
 * - Origin failover happens only for GET, HEAD and OPTIONS; a cache behaviour whose target is an
 *   origin group cannot allow POST, PUT, PATCH or DELETE. [CloudFront developer guide, Request
 *   and response behavior for origin groups; Optimize high availability with origin failover]
 * - The viewer certificate of a distribution is an ACM certificate in us-east-1; a web ACL for
 *   CloudFront has scope CLOUDFRONT and is created in us-east-1. [CloudFront / AWS WAF guides]
 * - Managed policy ids below are AWS's fixed ids (CloudFront developer guide, Use managed cache
 *   policies / origin request policies).
 * - CloudFront checks the origin certificate against the origin domain name unless the viewer's
 *   Host header is forwarded (then against that): AllViewerExceptHostHeader keeps the origin name.
 * - Standard logging (legacy) writes to an S3 bucket with ACLs enabled (object ownership
 *   BucketOwnerPreferred): CloudFront grants its awslogsdelivery account access through the
 *   bucket ACL when logging is configured. [CloudFront developer guide, Configure standard
 *   logging (legacy): permissions]
 * - Rate-based rules: limit 10 to 2,000,000,000 requests per evaluation window (5 minutes).
 * - An internet-facing ALB behind CloudFront is kept from direct use by a custom header CloudFront
 *   adds to origin requests and a listener that forwards only requests carrying it. [CloudFront
 *   developer guide, Restrict access to Application Load Balancers; Add custom headers to origin
 *   requests] CloudFront overwrites a viewer's header of the same name. An ALB header condition
 *   compares case-insensitively, treats `*` and `?` as wildcards, and takes values of at most 128
 *   characters. [ELB API reference, HttpHeaderConditionConfig]
 */

import { denyInsecureTransport } from "./ingress-plan";

export const CLOUDFRONT_REGION = "us-east-1";
/** Route 53 hosted zone of every CloudFront distribution (alias records). */
export const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";

export const MANAGED_CACHE_POLICIES = {
  /** Nothing cached; every request reaches the origin (dynamic paths). */
  CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Long TTLs, compression, no cookies/headers/query strings in the key (static assets). */
  CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
} as const;

export const MANAGED_ORIGIN_REQUEST_POLICIES = {
  /** Every viewer header, cookie and query string except Host: the origin sees its own name. */
  AllViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

export const PRICE_CLASSES = ["PriceClass_All", "PriceClass_200", "PriceClass_100"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

export const MIN_RATE_LIMIT = 10;
export const MAX_RATE_LIMIT = 2_000_000_000;
/** Requests one client IP may make per 5 minutes before a web ACL blocks it, unless configured. */
export const DEFAULT_RATE_LIMIT = 2000;

/** Why a rate-based rule's limit (requests per IP per 5 minutes) is refused, or undefined. */
export function rateLimitProblem(limit: number): string | undefined {
  return Number.isInteger(limit) && limit >= MIN_RATE_LIMIT && limit <= MAX_RATE_LIMIT ? undefined : `must be ${MIN_RATE_LIMIT} to ${MAX_RATE_LIMIT} requests per IP per 5 minutes`;
}
/** Status codes that send a GET/HEAD/OPTIONS to the secondary origin. */
export const FAILOVER_STATUS_CODES = [500, 502, 503, 504];
/** The viewer TLS policy: TLS 1.2+ with forward-secret ciphers. */
export const MIN_VIEWER_TLS = "TLSv1.2_2021";
export const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
export const READ_METHODS = ["GET", "HEAD", "OPTIONS"];

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export interface EdgeCheckInput {
  readonly recordName: string;
  readonly zoneName: string;
  readonly originDomainName: string;
  readonly failoverOriginDomainName: string;
  readonly cachedPathPatterns?: readonly string[];
  readonly rateLimitPerFiveMinutes?: number;
  readonly priceClass?: string;
  readonly logRetentionDays?: number;
}

/** One thing wrong with the edge's arguments: the argument (with index), its value, the fix. */
export interface EdgeProblem {
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

/** Problems with the edge's arguments, each naming the argument and the fix. */
export function edgeProblems(input: EdgeCheckInput): EdgeProblem[] {
  const out: EdgeProblem[] = [];
  if (!LABEL.test(input.recordName)) out.push({ field: "recordName", value: input.recordName, message: "must be one lower-case DNS label (a-z, 0-9, -), e.g. www" });
  const fqdn = `${input.recordName}.${input.zoneName.replace(/\.$/, "")}`;
  if (fqdn === input.originDomainName || fqdn === input.failoverOriginDomainName) {
    out.push({ field: "recordName", value: input.recordName, message: `names an origin (${fqdn}); the edge's own name must differ from the latency-routed and failover names it fronts` });
  }
  if (input.originDomainName === input.failoverOriginDomainName) out.push({ field: "failoverOriginDomainName", value: input.failoverOriginDomainName, message: "must differ from the primary origin" });
  const seen = new Set<string>();
  (input.cachedPathPatterns ?? []).forEach((p, i) => {
    if (p === "*" || p === "/*" || p.length === 0 || p.length > 255 || !/^[A-Za-z0-9_\-.*$/~"'@:+&?=/%]+$/.test(p)) {
      out.push({ field: `cachedPathPatterns[${i}]`, value: p, message: 'must be a path pattern such as /static/* (1 to 255 characters; "*" is the default behaviour, which stays uncached)' });
    } else if (seen.has(p)) out.push({ field: `cachedPathPatterns[${i}]`, value: p, message: "repeats an earlier pattern" });
    seen.add(p);
  });
  const limit = input.rateLimitPerFiveMinutes ?? DEFAULT_RATE_LIMIT;
  const rate = rateLimitProblem(limit);
  if (rate) out.push({ field: "rateLimitPerFiveMinutes", value: limit, message: rate });
  if (input.priceClass !== undefined && !(PRICE_CLASSES as readonly string[]).includes(input.priceClass)) {
    out.push({ field: "priceClass", value: input.priceClass, message: `must be one of ${PRICE_CLASSES.join(", ")}` });
  }
  const days = input.logRetentionDays ?? 90;
  if (!Number.isInteger(days) || days < 1) out.push({ field: "logRetentionDays", value: days, message: "must be a whole number of days >= 1" });
  return out;
}

export interface WafRuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly managedRuleGroup?: string;
  readonly rateLimit?: number;
  /** Rules of the managed group that only count (ruleActionOverrides), instead of their own action. */
  readonly countRules?: readonly string[];
}

/**
 * The core rule set's rule that blocks request bodies over 8 KB (8,192 bytes) with a 403, whatever
 * the method: uploads and large JSON fail through the edge while the regional path takes them.
 */
export const LARGE_BODY_RULE = "SizeRestrictions_BODY";

/**
 * The web ACL's rules, in evaluation order: the rate limit first (cheapest, stops floods before
 * rule groups count them), then AWS's IP reputation list, the core rule set and known bad inputs.
 * The core rule set keeps its 8 KB body limit unless `allowLargeRequestBodies` names the risk:
 * then that rule counts, and a body past what the WAF inspects (the first 16 KB at CloudFront by
 * default, 8 KB at an ALB) reaches the origin with only its start seen by the other rules. The
 * edge's web ACL and each region's (components/web-acl.ts) take these same rules.
 */
export function wafRules(rateLimitPerFiveMinutes: number, options: { allowLargeRequestBodies?: boolean } = {}): WafRuleSpec[] {
  return [
    { name: "rate-limit-per-ip", priority: 0, rateLimit: rateLimitPerFiveMinutes },
    { name: "aws-ip-reputation", priority: 10, managedRuleGroup: "AWSManagedRulesAmazonIpReputationList" },
    { name: "aws-common", priority: 20, managedRuleGroup: "AWSManagedRulesCommonRuleSet", ...(options.allowLargeRequestBodies ? { countRules: [LARGE_BODY_RULE] } : {}) },
    { name: "aws-known-bad-inputs", priority: 30, managedRuleGroup: "AWSManagedRulesKnownBadInputsRuleSet" },
  ];
}

/**
 * Bucket policy of the edge's log bucket: nothing over plain HTTP. CloudFront's legacy standard
 * logging needs no statement: it writes through the bucket ACL grant it adds for itself.
 */
export function edgeLogBucketPolicy(input: { bucketArn: string }): Record<string, unknown> {
  return { Version: "2012-10-17", Statement: [denyInsecureTransport(input.bucketArn)] };
}

// ---------------------------------------------------------------------------------------------
// Origin verification: only CloudFront may use the regional ALBs

/** The header CloudFront adds to every origin request with the secret; the regional listeners forward only requests that carry it. */
export const ORIGIN_VERIFY_HEADER = "X-Origin-Verify";

/**
 * The header that tells the app the name the viewer asked for: the origin request policy keeps
 * the viewer's Host away from the origin (CloudFront checks the origin's certificate against the
 * Host it sends), so the pods see `Host: app.<zone>` and would build absolute URLs to the origin.
 */
export const FORWARDED_HOST_HEADER = "X-Forwarded-Host";

/**
 * The custom headers CloudFront adds to every origin request: the origin-verify secret, and the
 * edge's public name as X-Forwarded-Host (static: every viewer reaches the edge by that one name,
 * its only alias). CloudFront overwrites a viewer's header of the same name, so neither can be
 * forged through the edge. Generic, so the component passes the secret as an Output.
 */
export function originCustomHeaders<V>(input: { verifyValue: V; publicName: string }): { name: string; value: V | string }[] {
  return [
    { name: ORIGIN_VERIFY_HEADER, value: input.verifyValue },
    { name: FORWARDED_HOST_HEADER, value: input.publicName },
  ];
}

/**
 * Length of the secret: letters and digits only (an ALB header condition reads `*` and `?` as
 * wildcards), compared case-insensitively by the ALB, so 36 symbols: 48 characters are ~248 bits.
 * Under the 128 characters a condition value may hold.
 */
export const ORIGIN_VERIFY_SECRET_LENGTH = 48;

/**
 * Whether the regional names (`app.<zone>`, `writer.<zone>`) serve clients that bypass the edge:
 * `locked` (default) answers them with a 403, except the health-check path; `open` forwards
 * everything as without the edge, and the WAF only guards `<edgeRecordName>.<zone>`.
 */
export const DIRECT_ORIGIN_ACCESS = ["locked", "open"] as const;
export type DirectOriginAccess = (typeof DIRECT_ORIGIN_ACCESS)[number];

/**
 * The secrets of one generation of the origin-verify header: CloudFront sends `sent`, the regional
 * listeners accept every one of `accepted`, which holds the next generation too. Raising the
 * generation by one is a rotation in one ordinary deploy (global stack, then the regions): the
 * regions already accept the value CloudFront switches to, and drop the old one only after it.
 */
export interface OriginVerifyGenerations {
  readonly sent: number;
  /** The sent generation first, then the next one. */
  readonly accepted: readonly number[];
}

export function originVerifyGenerations(generation: number): OriginVerifyGenerations {
  const problem = originVerifyGenerationProblem(generation);
  if (problem) throw new RangeError(`originVerifyGeneration ${generation} ${problem}`);
  return { sent: generation, accepted: [generation, generation + 1] };
}

export function originVerifyGenerationProblem(generation: number): string | undefined {
  return Number.isInteger(generation) && generation >= 1 ? undefined : "must be a whole number >= 1 (raise it by one to rotate the origin-verify secret)";
}

export function directOriginAccessProblem(value: string): string | undefined {
  return (DIRECT_ORIGIN_ACCESS as readonly string[]).includes(value)
    ? undefined
    : 'must be "locked" (the regional names answer 403 to requests that did not come through the edge, except the health check) or "open" (they serve everyone; the WAF guards only the edge name)';
}

/**
 * Why an edge with its direct path locked leaves writes no path, or undefined. CloudFront sends
 * every method of the default behaviour to the latency-routed name, the nearest healthy region;
 * the writer name is only the failover origin of the cached GET/HEAD/OPTIONS paths (an origin
 * group refuses a behaviour that allows POST). A secondary's cluster endpoint refuses writes, and
 * the one way past it without write forwarding, sending them to the writer region's own name at
 * its ALB, is what the lock refuses (403 without the edge's header). With write forwarding the
 * secondaries' readers take the writes and forward them to the writer, so every region writes
 * through the edge. (Every environment has a secondary: at least two regions.)
 */
export function edgeWritePathProblem(input: { directOriginAccess: string; dbWriteForwarding: boolean; appName: string; writerName: string }): string | undefined {
  if (input.directOriginAccess !== "locked" || input.dbWriteForwarding) return undefined;
  return (
    `with edgeEnabled: true and dbWriteForwarding: false leaves writes no path: CloudFront sends every request, writes too, to the nearest region (${input.appName}), where a secondary's database takes no writes, ` +
    `and the lock answers 403 to clients that send them to the writer region's own name (${input.writerName}) instead. ` +
    `Set platform:dbWriteForwarding: true (the secondaries' readers take writes and forward them to the writer), or platform:edgeDirectOriginAccess: open (${input.writerName} and the other regional names stay public, outside the WAF)`
  );
}

/**
 * Whether a region's HTTPS listener must require the origin-verify header: only with the edge on
 * (else nothing sends it) and the direct path not declared open.
 */
export function originVerifyRequired(input: { edgeEnabled: boolean; directOriginAccess: DirectOriginAccess }): boolean {
  return input.edgeEnabled && input.directOriginAccess === "locked";
}
