/**
 * Security baseline at the edge and in the network: load balancers that cannot vanish, log
 * their traffic and speak only HTTPS; VPCs with flow logs; security groups that do not face the
 * internet (security-group-ingress.ts); buckets that are not public.
 */
import type { PolicyResource } from "@pulumi/policy";
import { opensToInternet, opensToInternetIpv6, parseCidr, parseIpv6Cidr } from "../../components/lib/cidr";
import { integer } from "../config";
import { LISTENER_RULE_TYPES, LISTENER_TYPES, ListenerProps, LOAD_BALANCER_TYPES, LoadBalancerProps, TYPES } from "./aws-types";
import { describe, isApplicationOrNetworkLb, knownItems, knownNumber, knownString, ofType, read, referencedBy, resourceRule, stackRule, UNKNOWN } from "./kit";
import { securityGroupWorldIngress } from "./security-group-ingress";
import { awsManagedKeyAlias } from "./security-data";

function loadBalancerRule(meta: { name: string; description: string; severity: "low" | "medium" | "high" }, check: (props: LoadBalancerProps) => string | undefined) {
  return resourceRule<LoadBalancerProps>({ ...meta, enforcementLevel: "mandatory" }, LOAD_BALANCER_TYPES, (props, { args, report }) => {
    if (!isApplicationOrNetworkLb(props)) return;
    const problem = check(props);
    if (problem) report(`${describe(args)} ${problem}`);
  });
}

const isApplication = (props: LoadBalancerProps) => {
  const kind = read(() => props.loadBalancerType);
  return kind === undefined || kind === "application";
};

export const loadBalancerDeletionProtection = loadBalancerRule(
  { name: "load-balancer-deletion-protection", description: "Load balancers have deletion protection enabled.", severity: "medium" },
  (props) => {
    const enabled = read(() => props.enableDeletionProtection);
    return enabled === true || enabled === UNKNOWN ? undefined : "can be deleted by accident: set enableDeletionProtection to true.";
  },
);

export const loadBalancerAccessLogs = loadBalancerRule(
  { name: "load-balancer-access-logs", description: "Load balancers write access logs to S3 (accessLogs.enabled; it defaults to false even with a bucket).", severity: "medium" },
  (props) => {
    const logs = read(() => props.accessLogs);
    if (logs === UNKNOWN) return undefined;
    const enabled = read(() => logs?.enabled);
    return enabled === true || enabled === UNKNOWN ? undefined : "writes no access logs: set accessLogs { bucket, enabled: true }.";
  },
);

export const loadBalancerDropInvalidHeaders = loadBalancerRule(
  { name: "load-balancer-drop-invalid-headers", description: "Application load balancers drop HTTP headers with invalid names (request-smuggling defence).", severity: "low" },
  (props) => {
    const dropped = read(() => props.dropInvalidHeaderFields);
    return !isApplication(props) || dropped === true || dropped === UNKNOWN ? undefined : "forwards invalid header fields: set dropInvalidHeaderFields to true.";
  },
);

export const listenerHttps = resourceRule<ListenerProps>(
  {
    name: "listener-https-only",
    description: "Load balancer listeners serve HTTPS with a TLS 1.2+ security policy; plain HTTP listeners only redirect to HTTPS.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  LISTENER_TYPES,
  (props, { args, report }) => {
    // Unset, an application load balancer's listener speaks HTTP. The provider takes the
    // protocol in any case and upper-cases it ("http" is HTTP).
    const raw = read(() => props.protocol) ?? "HTTP";
    const protocol = typeof raw === "string" ? raw.toUpperCase() : raw;
    if (protocol === "HTTPS" || protocol === "TLS") {
      // Unset, ELB applies ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and 1.1.
      const policy = read(() => props.sslPolicy);
      if (policy !== UNKNOWN && !(typeof policy === "string" && TLS12_POLICY.test(policy))) {
        report(`${describe(args)} uses security policy ${typeof policy === "string" && policy ? policy : "unset (ELBSecurityPolicy-2016-08)"}, which accepts TLS below 1.2: set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another TLS 1.2+ policy).`);
      }
      return;
    }
    if (protocol !== "HTTP") return; // TCP/UDP on a network load balancer.
    const actions = knownItems(() => props.defaultActions);
    const redirectsToHttps = (a: (typeof actions)[number]) => read(() => a.type) === "redirect" && read(() => a.redirect?.protocol) === "HTTPS";
    if (actions.length === 0 || !actions.every(redirectsToHttps)) {
      report(`${describe(args)} serves plain HTTP on port ${knownNumber(() => props.port) ?? "?"}: its only action must redirect to HTTPS (redirect.protocol "HTTPS").`);
    }
  },
);

/**
 * ELB security policies that accept nothing below TLS 1.2 (Elastic Load Balancing user guide,
 * "Security policies"): the TLS13-1-2/1-3 families, TLS-1-2(-Ext), FS-1-2 and their FIPS and
 * post-quantum variants. The 2016-08, 2015-05, TLS-1-0/1-1, FS-2018-06 and TLS13-1-0/1-1
 * policies still accept TLS 1.0 or 1.1.
 */
const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)/;

export const httpListenerRulesRedirect = stackRule(
  {
    name: "http-listener-rules-redirect",
    description: "Rules on a plain HTTP listener only redirect to HTTPS: a rule that forwards serves its paths over HTTP whatever the listener's default action does.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Attach forwarding rules to the HTTPS listener; on the HTTP listener keep only redirects to HTTPS.",
  },
  (resources, { report }) => {
    const plain = ofType(resources, LISTENER_TYPES).filter((l) => {
      const protocol = read(() => (l.props as ListenerProps).protocol) ?? "HTTP";
      return typeof protocol === "string" && protocol.toUpperCase() === "HTTP";
    });
    for (const rule of ofType(resources, LISTENER_RULE_TYPES)) {
      const listenerArn = read(() => (rule.props as { listenerArn?: string }).listenerArn);
      const listener = plain.find((l) => referencedBy(rule, "listenerArn", LISTENER_TYPES).some((x) => x.urn === l.urn)
        || (typeof listenerArn === "string" && read(() => (l.props as { arn?: string }).arn) === listenerArn));
      if (!listener) continue;
      const actions = knownItems(() => (rule.props as { actions?: { type?: string; redirect?: { protocol?: string } }[] }).actions);
      const redirects = actions.length > 0 && actions.every((a) => read(() => a.type) === "redirect" && read(() => a.redirect?.protocol) === "HTTPS");
      if (!redirects) report(`${describe(rule)} on plain HTTP listener ${listener.name} does not redirect to HTTPS: the paths it matches are served unencrypted.`, rule.urn);
    }
  },
);

export const loadBalancerHttpsListener = stackRule<{ httpsPort: number }>(
  {
    name: "load-balancer-https-listener",
    description: "Every application load balancer has an HTTPS listener on the HTTPS port.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { httpsPort: integer(443, "Port the HTTPS listener must use.", { minimum: 1, maximum: 65535 }) },
  },
  (resources, { report, config }) => {
    const listeners = ofType(resources, LISTENER_TYPES);
    for (const lb of ofType(resources, LOAD_BALANCER_TYPES)) {
      if (!isApplication(lb.props as LoadBalancerProps)) continue;
      const own = listeners.filter((l) => referencedBy(l, "loadBalancerArn", LOAD_BALANCER_TYPES).some((x) => x.urn === lb.urn));
      const https = own.some((l) => {
        const props = l.props as ListenerProps;
        const port = read(() => props.port);
        return read(() => props.protocol) === "HTTPS" && (port === UNKNOWN || port === config.httpsPort);
      });
      if (!https) report(`${describe(lb)} has no HTTPS listener on port ${config.httpsPort}.`, lb.urn);
    }
  },
);

export const vpcFlowLogs = stackRule(
  {
    name: "vpc-flow-logs",
    description: "Every VPC has a flow log.",
    enforcementLevel: "mandatory",
    severity: "medium",
  },
  (resources, { report }) => {
    const flowLogs = ofType(resources, TYPES.flowLog);
    for (const vpc of ofType(resources, TYPES.vpc)) {
      const logged = flowLogs.some((log: PolicyResource) => referencedBy(log, "vpcId", TYPES.vpc).some((v) => v.urn === vpc.urn));
      if (!logged) report(`${describe(vpc)} has no flow log: add an aws.ec2.FlowLog with its vpcId.`, vpc.urn);
    }
  },
);

const BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
/** Condition keys that narrow "anyone" to a caller the owner chose: an account, an org, a source, a VPC endpoint. */
const NARROWING_KEYS = /^aws:(SourceArn|SourceAccount|SourceOwner|PrincipalOrgID|PrincipalAccount|PrincipalArn|SourceVpce|SourceVpc|SourceOrgID)$/i;
/**
 * Operators that narrow with such a key: those that hold only when the key is present and equal to
 * (or like) a value. Not `...IfExists` (true when the key is absent, as it is for most callers),
 * not a negation (`StringNotEquals {aws:SourceAccount: X}` admits every other account), not `Null`
 * (says only that a key is there), not `ForAllValues:` (true for an empty key).
 */
const NARROWING_OPERATORS = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/i;

/**
 * A value that names one caller: no wildcard and no policy variable, as S3 judges a policy
 * non-public only on such fixed values. [Amazon S3 user guide, Blocking public access: The meaning
 * of "public"] `StringLike {aws:PrincipalArn: "*"}` names everyone.
 */
const fixed = (value: unknown) => (typeof value === "string" && value !== "" && !/[*?]|\$\{/.test(value)) || typeof value === "number";

type PolicyStatement = { Effect?: unknown; Principal?: unknown; NotPrincipal?: unknown; Condition?: unknown };

/** Whether a Condition block narrows who may call: a narrowing operator on a narrowing key with fixed values only, or `IpAddress` on `aws:SourceIp` short of the internet. */
export function conditionNarrows(condition: unknown): boolean {
  if (condition === null || typeof condition !== "object") return false;
  return Object.entries(condition as Record<string, unknown>).some(([operator, keys]) => {
    if (keys === null || typeof keys !== "object") return false;
    return Object.entries(keys as Record<string, unknown>).some(([key, raw]) => {
      const values = [raw].flat();
      if (values.length === 0) return false;
      if (/^IpAddress$/i.test(operator) && /^aws:SourceIp$/i.test(key)) {
        const cidrs = values.map(String);
        const parsed = cidrs.every((c) => parseCidr(c) !== undefined || parseIpv6Cidr(c) !== undefined);
        return parsed && !opensToInternet(cidrs) && !opensToInternetIpv6(cidrs);
      }
      return NARROWING_OPERATORS.test(operator) && NARROWING_KEYS.test(key) && values.every(fixed);
    });
  });
}

const anyone = (principal: unknown) =>
  principal === "*" || (principal !== null && typeof principal === "object" && Object.values(principal as Record<string, unknown>).some((v) => [v].flat().includes("*")));

/** Why an S3 bucket policy statement makes the bucket public, or undefined: an Allow to anyone not narrowed by a condition, or an Allow with NotPrincipal. */
export function publicStatementProblem(statement: PolicyStatement, index: number): string | undefined {
  if (statement.Effect !== "Allow") return undefined;
  // Allow with NotPrincipal grants every principal but those listed, anonymous callers included.
  if (statement.NotPrincipal !== undefined) return `allows everyone but its NotPrincipal (statement ${index}, Effect "Allow" with NotPrincipal): the bucket is public. Name who may call with Principal instead.`;
  if (!anyone(statement.Principal) || conditionNarrows(statement.Condition)) return undefined;
  const given = statement.Condition && typeof statement.Condition === "object" ? Object.keys(statement.Condition as object) : [];
  return `allows anyone (statement ${index}, Principal "*") without a condition naming who${given.length ? ` (none of its conditions, ${given.join(", ")}, names one)` : ""}: the bucket is public. ` +
    "Name the principals, or add StringEquals, StringLike, ArnEquals or ArnLike (no IfExists, no negation) on aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID with fixed values (no * or ?).";
}

type BucketGuardProps = { blockPublicAcls?: boolean; blockPublicPolicy?: boolean; ignorePublicAcls?: boolean; restrictPublicBuckets?: boolean; policy?: string };

export const s3NotPublic = resourceRule<BucketGuardProps>(
  {
    name: "s3-not-public",
    description: "S3 buckets stay private: a bucket's public access block keeps all four settings on, and no bucket policy allows anyone (Principal \"*\") without a condition naming who (a fixed account, org, source or VPC endpoint), or allows with NotPrincipal.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Keep blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true; grant a bucket policy to named principals or services, or narrow \"*\" with StringEquals or ArnLike (not IfExists, not a negation) on aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID and fixed values; never Allow with NotPrincipal.",
  },
  [BUCKET_PUBLIC_ACCESS_BLOCK, BUCKET_POLICY],
  (props, { args, report }) => {
    if (args.type === BUCKET_PUBLIC_ACCESS_BLOCK) {
      const off = (["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const).filter((key) => read(() => props[key]) !== true && read(() => props[key]) !== UNKNOWN);
      if (off.length) report(`${describe(args)} leaves ${off.join(", ")} off: the bucket can be made public.`);
      return;
    }
    // A JSON string, or (the input type allows it) a policy document object.
    const value = read(() => props.policy as unknown);
    if (value === UNKNOWN || value === undefined || value === null) return; // unknown in a preview
    let document: { Statement?: unknown };
    if (typeof value === "string") {
      try {
        document = JSON.parse(value) as { Statement?: unknown };
      } catch {
        return; // not JSON: AWS refuses it at put time
      }
    } else {
      document = value as { Statement?: unknown };
    }
    const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]).filter(Boolean) as PolicyStatement[];
    statements.forEach((st, i) => {
      const problem = publicStatementProblem(st, i);
      if (problem) report(`${describe(args)} ${problem}`);
    });
  },
);

type MessagingProps = { kmsMasterKeyId?: string; sqsManagedSseEnabled?: boolean };

export const messagingEncrypted = resourceRule<MessagingProps>(
  {
    name: "messaging-encrypted",
    description: "SNS topics are encrypted with a customer-managed KMS key (SNS encrypts nothing by default; publishers such as CloudWatch cannot use alias/aws/sns); SQS queues keep server-side encryption (SSE-SQS, the default, or a KMS key).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Give the topic kmsMasterKeyId (a customer key whose policy lets its publishers, e.g. cloudwatch.amazonaws.com, use it: CloudWatch cannot publish with the AWS-managed alias/aws/sns key); leave a queue's sqsManagedSseEnabled on or give it kmsMasterKeyId.",
  },
  ["aws:sns/topic:Topic", "aws:sqs/queue:Queue"],
  (props, { args, report }) => {
    const key = knownString(() => props.kmsMasterKeyId);
    const managed = args.type === "aws:sns/topic:Topic" ? awsManagedKeyAlias(key) : undefined;
    if (managed) {
      report(`${describe(args)} sets kmsMasterKeyId to "${key}", the AWS-managed key ${managed}: its policy cannot admit publishers such as cloudwatch.amazonaws.com, so alarms never reach the topic. Set kmsMasterKeyId to a customer-managed key whose policy lets its publishers use it.`);
      return;
    }
    if (isSetValue(read(() => props.kmsMasterKeyId))) return;
    if (args.type === "aws:sns/topic:Topic") report(`${describe(args)} is not encrypted: set kmsMasterKeyId.`);
    else if (read(() => props.sqsManagedSseEnabled) === false) report(`${describe(args)} turns SSE-SQS off without a KMS key: its messages are stored unencrypted.`);
  },
);

/** A value that is set, or unknown in a preview (it will be). */
const isSetValue = (value: unknown) => value === UNKNOWN || (typeof value === "string" && value !== "");

export const NETWORK_SECURITY_POLICIES = [
  loadBalancerDeletionProtection,
  loadBalancerAccessLogs,
  loadBalancerDropInvalidHeaders,
  listenerHttps,
  httpListenerRulesRedirect,
  loadBalancerHttpsListener,
  vpcFlowLogs,
  securityGroupWorldIngress,
  s3NotPublic,
  messagingEncrypted,
];
