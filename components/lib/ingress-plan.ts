/**
 * Decisions behind a regional ingress, as pure functions: argument checks, which principals may
 * deliver ALB access logs in a region, the log bucket policy, which DNS records validate the
 * certificate, and the HTTPS listener's rules when only the edge may use it.
 */

/**
 * Regions where ALB access logs are written by a regional Elastic Load Balancing account (the
 * ones `aws.elb.getServiceAccount` knows; it fails with "Unknown region" elsewhere). Regions
 * opened later (ap-south-2, ap-southeast-4/5/7, ca-west-1, eu-central-2, eu-south-2,
 * il-central-1, me-central-1, mx-central-1, ...) only know the log-delivery service principal.
 * [ALB user guide, "Enable access logs"; terraform-provider-aws internal/service/elb]
 */
export const ELB_ACCOUNT_LOG_DELIVERY_REGIONS: ReadonlySet<string> = new Set([
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "af-south-1", "ap-east-1", "ap-south-1",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
  "ca-central-1",
  "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-north-1",
  "me-south-1", "sa-east-1",
  "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
]);

/** The service principal ELB uses to deliver logs in regions opened since August 2022 (and accepted alongside the account in older ones). */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

export function usesElbAccountForLogDelivery(region: string): boolean {
  return ELB_ACCOUNT_LOG_DELIVERY_REGIONS.has(region);
}

export interface LogBucketPolicyInput {
  readonly bucketArn: string;
  /** Key prefix the load balancer writes under (no leading or trailing slash). */
  readonly prefix: string;
  /** Account that owns the load balancer. */
  readonly accountId: string;
  /** `arn:<partition>:iam::<elb-account>:root` in regions that have one. */
  readonly elbAccountArn?: string;
}

/**
 * Bucket policy for ALB access logs: the log-delivery service principal (and the regional ELB
 * account where one exists) may put objects under `<prefix>/AWSLogs/<account>/` only; anything
 * over plain HTTP is denied.
 */
export function albLogBucketPolicy(input: LogBucketPolicyInput): Record<string, unknown> {
  const logObjects = `${input.bucketArn}/${input.prefix}/AWSLogs/${input.accountId}/*`;
  const statements: Record<string, unknown>[] = [
    { Sid: "ElbLogDelivery", Effect: "Allow", Principal: { Service: ELB_LOG_DELIVERY_SERVICE }, Action: "s3:PutObject", Resource: logObjects },
  ];
  if (input.elbAccountArn) {
    statements.push({ Sid: "ElbAccountLogDelivery", Effect: "Allow", Principal: { AWS: input.elbAccountArn }, Action: "s3:PutObject", Resource: logObjects });
  }
  statements.push(denyInsecureTransport(input.bucketArn));
  return { Version: "2012-10-17", Statement: statements };
}

/** Bucket policy statement refusing every request to the bucket that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): Record<string, unknown> {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** A DNS name as ACM takes it: labels of letters, digits and hyphens, optionally one leading "*.". */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function checkDomainNames(domainNames: readonly string[]): void {
  if (domainNames.length === 0) throw new RangeError("domainNames is empty: give at least the name the ALB serves (the first becomes the certificate's domain name)");
  for (const name of domainNames) {
    if (!DOMAIN.test(name)) throw new RangeError(`domainNames: "${name}" is not a lower-case DNS name (a leading "*." is allowed)`);
  }
  const duplicates = domainNames.filter((n, i) => domainNames.indexOf(n) !== i);
  if (duplicates.length > 0) throw new RangeError(`domainNames lists ${[...new Set(duplicates)].join(", ")} more than once`);
  // ACM caps a certificate at 10 names by default (a quota that can be raised).
  if (domainNames.length > 10) throw new RangeError(`domainNames has ${domainNames.length} names; ACM allows 10 per certificate by default`);
}

/**
 * Names whose validation record must exist, one per distinct record: ACM validates
 * "*.example.com" and "example.com" with the same CNAME, so two records would fight over it.
 * Each entry names the domain to look up in `domainValidationOptions`.
 */
export function validationRecordDomains(domainNames: readonly string[]): string[] {
  const byRecord = new Map<string, string>();
  for (const name of domainNames) {
    const recordKey = name.replace(/^\*\./, "");
    if (!byRecord.has(recordKey)) byRecord.set(recordKey, name);
  }
  return [...byRecord.values()];
}

/**
 * The regional target group's timing. Pod (ip) targets: unhealthy after 3 × 10 s, healthy again
 * after 2 × 10 s; a deregistered target drains for 30 s (the ELB default of 300 s would hold every
 * pod termination and rollout for five minutes).
 */
export const TARGET_GROUP_TIMING = {
  healthCheckIntervalSeconds: 10,
  healthCheckTimeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  deregistrationDelaySeconds: 30,
} as const;

/** Target groups send traffic and health checks to a TCP port the pods listen on. */
export function checkTargetPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`targetPort ${port} must be a TCP port (1-65535) the pods listen on`);
}

// ---------------------------------------------------------------------------------------------
// Origin verification (only requests that came through CloudFront)

/**
 * ALB listener rule limits: at most three comparison values per condition and five per rule;
 * priorities 1 to 50,000, unique per listener; a header name of at most 40 token characters
 * (RFC 7230), never Host; a path pattern of at most 128 characters, where `*` and `?` are
 * wildcards. [ELB user guide, Listener rules: rule basics; Condition types; ELB API reference,
 * HttpHeaderConditionConfig, PathPatternConditionConfig]
 */
export const LISTENER_RULE_LIMITS = { valuesPerCondition: 3, valuesPerRule: 5, maxPriority: 50_000, headerNameLength: 40, pathPatternLength: 128 } as const;

const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PATH_PATTERN_LITERAL = /^[A-Za-z0-9_\-.$/~"'@:+&]+$/;

export interface ListenerRulePlan<V> {
  /** Suffix of the rule's resource name. */
  readonly suffix: string;
  readonly priority: number;
  /** The rule's one condition: a path pattern or an HTTP header with the values it accepts. */
  readonly condition: { readonly pathPattern: { readonly values: readonly string[] } } | { readonly httpHeader: { readonly httpHeaderName: string; readonly values: readonly V[] } };
}

/** What the listener answers a request that did not come through the edge. */
export const DIRECT_ACCESS_DENIED = { type: "fixed-response", fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" } } as const;

/** A path pattern every request path matches (`*` matches 0 or more characters; paths start with `/`). */
export const CATCH_ALL_PATH_PATTERN = "/*";

/**
 * Priority of the rule that denies what no other rule took: the last one ELB evaluates (priorities
 * go up to 50,000). A rule of your own with an explicit priority below it is evaluated first; one
 * created without a priority gets "the next after the highest" (50,001), which ELB refuses, so it
 * fails at its deploy instead of landing, unreachable, behind the deny.
 */
export const CATCH_ALL_PRIORITY = LISTENER_RULE_LIMITS.maxPriority;

export interface OriginVerifyListenerPlan<V> {
  /**
   * Rules that forward to the target group, in priority order (1 and 2). The listener's default
   * action stays `forward`: the lock is `catchAll`, a rule of its own.
   */
  readonly rules: readonly ListenerRulePlan<V>[];
  /**
   * The last rule: every request the rules above did not take (no header, a wrong value) gets a
   * fixed 403. Declared after them (depends on them): on creation the allow rules exist before
   * anything is denied, and on deletion (the lock turned off) Pulumi deletes it first, so neither
   * change nor a rule that fails to create ever leaves the listener denying CloudFront's requests.
   */
  readonly catchAll: { readonly suffix: string; readonly priority: number; readonly condition: { readonly pathPattern: { readonly values: readonly string[] } }; readonly action: typeof DIRECT_ACCESS_DENIED };
}

/**
 * The HTTPS listener of a region behind the edge: requests carrying one of `values` in
 * `headerName` are forwarded; so is `healthCheckPath`, from anyone, as Route 53 health checkers
 * and synthetic canaries cannot send the header (its rule comes first: the health check never
 * depends on the secret); everything else gets a fixed 403 from the catch-all rule. `values` are
 * the current secret and the one rotating in (generic, so the component passes secret Outputs and
 * tests plain strings).
 */
export function originVerifyListener<V>(input: { healthCheckPath: string; headerName: string; values: readonly V[] }): OriginVerifyListenerPlan<V> {
  const { healthCheckPath, headerName, values } = input;
  if (values.length < 1 || values.length > LISTENER_RULE_LIMITS.valuesPerCondition) {
    throw new RangeError(`originVerify.values has ${values.length} value(s); an ALB header condition takes 1 to ${LISTENER_RULE_LIMITS.valuesPerCondition} (the current secret and the one rotating in)`);
  }
  if (headerName.length > LISTENER_RULE_LIMITS.headerNameLength || !HEADER_TOKEN.test(headerName) || headerName.toLowerCase() === "host") {
    throw new RangeError(`originVerify.headerName "${headerName}" must be an HTTP header name of at most ${LISTENER_RULE_LIMITS.headerNameLength} token characters, not Host`);
  }
  if (healthCheckPath.length > LISTENER_RULE_LIMITS.pathPatternLength || !PATH_PATTERN_LITERAL.test(healthCheckPath)) {
    throw new RangeError(`healthCheckPath "${healthCheckPath}" cannot be an ALB path pattern of itself alone (at most ${LISTENER_RULE_LIMITS.pathPatternLength} characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + &; no * or ?, which are wildcards)`);
  }
  return {
    rules: [
      { suffix: "health", priority: 1, condition: { pathPattern: { values: [healthCheckPath] } } },
      { suffix: "origin-verified", priority: 2, condition: { httpHeader: { httpHeaderName: headerName, values: [...values] } } },
    ],
    catchAll: { suffix: "deny-direct", priority: CATCH_ALL_PRIORITY, condition: { pathPattern: { values: [CATCH_ALL_PATH_PATTERN] } }, action: DIRECT_ACCESS_DENIED },
  };
}
