import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { albLogBucketPolicy, checkDomainNames, checkTargetPort, originVerifyListener, type OriginVerifyListenerPlan, TARGET_GROUP_TIMING, usesElbAccountForLogDelivery } from "./lib/ingress-plan";
import { DEFAULT_RATE_LIMIT, ORIGIN_VERIFY_HEADER, rateLimitProblem } from "./lib/edge";
import { dnsValidatedCertificate } from "./certificate";
import { LOG_BUCKET_RETAINED, logBucket } from "./log-bucket";
import { albWebAcl, type RegionalWebAclArgs } from "./web-acl";
import { wafModeProblem } from "./lib/waf";
import { BINDABLE_TARGET_GROUP_TAG } from "./lib/eks-addon-policies";
import { ELB_NAME_MAX_LENGTH, ELB_RESERVED_PREFIX, physicalName } from "./lib/names";

export interface RegionalIngressArgs {
  vpcId: pulumi.Input<string>;
  /** Public subnets of every AZ the region uses; the ALB gets a node in each. */
  publicSubnetIds: pulumi.Input<string>[];
  /** Names the ALB serves. The first is the certificate's domain name, the rest its SANs. All must live in `zoneId`. */
  domainNames: string[];
  /** Route 53 hosted zone that gets the certificate's DNS validation records. */
  zoneId: pulumi.Input<string>;
  /**
   * Port the pods listen on. The target group has target type `ip`: the AWS Load Balancer
   * Controller registers pod IPs on this port (through a `TargetGroupBinding`), and the health
   * check asks each pod itself, so a failing app never looks like a failing node.
   */
  targetPort: number;
  /** Path the target group health check requests on each pod; the pods' readiness probe should ask the same. @default "/healthz" */
  healthCheckPath?: string;
  /** TLS policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" — TLS 1.3 and 1.2 with forward secrecy only */
  sslPolicy?: string;
  /** Days access logs are kept before lifecycle expiry. @default 90 */
  accessLogRetentionDays?: number;
  /** ALB deletion protection; turning it off is the explicit step before removing a region. @default true */
  deletionProtection?: boolean;
  /** Let operators (or ARC zonal autoshift) move traffic away from an impaired AZ. @default true */
  zonalShift?: boolean;
  /**
   * The cluster whose AWS Load Balancer Controller binds the target group to the Service: the
   * target group carries BINDABLE_TARGET_GROUP_TAG with its name, which that controller's role
   * requires to register targets (ClusterAddons' bindableTargetGroupArns). @default untagged
   */
  bindingClusterName?: string;
  /**
   * Serve only requests that came through the CloudFront edge (GlobalEdge): those carrying one of
   * `values` in header `headerName`, the origin custom header CloudFront adds, and the health-check
   * path from anyone (Route 53 health checkers and canaries cannot send the header). Every other
   * request gets a fixed 403 from a catch-all rule (path `/*`, the last priority, 50,000) created
   * after the two that forward; the listener's default action stays `forward`. `values`: the
   * secret CloudFront sends and the one rotating in (GlobalEdge.originVerifyValues), 1 to 3; they
   * stay secret. The rules take listener priorities 1, 2 and 50,000: a rule of your own needs an
   * explicit priority between them (without one ELB would give it 50,001 and refuse it), and if
   * it forwards it must carry the same header condition, or it reopens the direct path for what
   * it matches.
   * @default none — the HTTPS listener forwards every request (no edge, or its direct path declared open)
   */
  originVerify?: { headerName?: string; values: pulumi.Input<string>[] };
  /**
   * The ALB's web application firewall: a WAF web ACL (scope REGIONAL, in the ALB's region)
   * associated with it, with GlobalEdge's rules (wafRules): a rate limit per client IP, AWS's IP
   * reputation list, the core rule set and known bad inputs. `"none"` names the choice of an ALB
   * with no WAF: with `originVerify` it forwards only CloudFront's requests, which the edge's web
   * ACL has filtered, and the health check; without it, the internet's.
   * @default {} — a web ACL with RegionalWebAclArgs' defaults, whether or not the edge is in front
   */
  webAcl?: RegionalWebAclArgs | "none";
}

/** Key prefix of the access logs in the bucket (ELB adds AWSLogs/<account>/... below it). */
const ACCESS_LOG_PREFIX = "alb";

/** Checks the arguments before any resource exists; returns the HTTPS listener's origin-verify rules (with `originVerify`). */
function checkArgs(args: RegionalIngressArgs): OriginVerifyListenerPlan<pulumi.Input<string>> | undefined {
  checkDomainNames(args.domainNames);
  checkTargetPort(args.targetPort);
  // An ALB needs subnets in at least two AZs; one per AZ the region uses is the point.
  if (args.publicSubnetIds.length < 2) throw new RangeError(`an ALB needs public subnets in at least two AZs (got ${args.publicSubnetIds.length})`);
  const path = args.healthCheckPath ?? "/healthz";
  if (!path.startsWith("/")) throw new RangeError(`healthCheckPath "${path}" must start with "/"`);
  const days = args.accessLogRetentionDays ?? 90;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`accessLogRetentionDays must be a whole number of days >= 1 (got ${days})`);
  const verify = args.originVerify
    ? originVerifyListener({ healthCheckPath: path, headerName: args.originVerify.headerName ?? ORIGIN_VERIFY_HEADER, values: args.originVerify.values })
    : undefined;
  if (args.webAcl !== undefined && args.webAcl !== "none") {
    const rate = rateLimitProblem(args.webAcl.rateLimitPerFiveMinutes ?? DEFAULT_RATE_LIMIT);
    if (rate) throw new RangeError(`webAcl.rateLimitPerFiveMinutes ${args.webAcl.rateLimitPerFiveMinutes} ${rate}`);
    const mode = args.webAcl.mode === undefined ? undefined : wafModeProblem(args.webAcl.mode);
    if (mode) throw new RangeError(`webAcl.mode ${JSON.stringify(args.webAcl.mode)} ${mode}`);
  }
  return verify;
}

/**
 * The region's front door: an internet-facing ALB over the public subnets of every AZ, with
 * an ACM certificate validated through Route 53, HTTPS only (HTTP redirects), access logs in
 * an encrypted private bucket, and an `ip` target group for pods. Pair it with a `NodePool`
 * whose `loadBalancer` is `{ securityGroupId, port: targetPort }` (pods carry the node security
 * group under the VPC CNI, so that opens the pods' port to this ALB only) and a
 * `RegionalService` bound to `targetGroupArn`.
 */
export class RegionalIngress extends pulumi.ComponentResource {
  readonly loadBalancerArn: pulumi.Output<string>;
  /** For CloudWatch metrics and alarms (`app/<name>/<id>`). */
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  /** The ALB's canonical hosted zone, for alias records. */
  readonly zoneId: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  /** Port the target group registers pods on. */
  readonly targetPort: number;
  /** Path the target group health check asks each pod. */
  readonly healthCheckPath: string;
  /** How long a deregistered pod keeps getting in-flight traffic; pods must outlive it when they stop. */
  readonly deregistrationDelaySeconds: number;
  /** How the target group's health check judges a pod; the pods' probes follow it (RegionalService). */
  readonly healthCheck: { readonly healthCheckIntervalSeconds: number; readonly healthCheckTimeoutSeconds: number; readonly unhealthyThreshold: number };
  /** ARN of the certificate, available once validated. */
  readonly certificateArn: pulumi.Output<string>;
  /** The HTTPS listener: from it on the target group is in service (its targets can turn healthy). */
  readonly httpsListener: aws.lb.Listener;
  /** The HTTPS listener and the rules that forward to the target group (with `originVerify`): what serving waits for. */
  readonly servingResources: pulumi.Resource[];
  /** Whether the listener forwards only requests that carry the origin-verify header (and the health check). */
  readonly originVerified: boolean;
  readonly accessLogBucket: pulumi.Output<string>;
  /** The regional web ACL associated with the ALB; undefined with `webAcl: "none"`. */
  readonly webAclArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: RegionalIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    const verify = checkArgs(args);
    super("platform:ingress:RegionalIngress", name, {}, opts);
    const parent = { parent: this };

    // --- access logs ---
    const { bucket, encryption, ownership, lifecycle } = logBucket(`${name}-alb-logs`, { retentionDays: args.accessLogRetentionDays ?? 90 }, this);

    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    // Older regions deliver through a regional ELB account, newer ones through the service
    // principal only; getServiceAccount fails outright in the newer ones, so ask only where it answers.
    const elbAccountArn = region.apply(async (r) =>
      usesElbAccountForLogDelivery(r) ? (await aws.elb.getServiceAccount({ region: r }, parent)).arn : undefined,
    );
    const policy = new aws.s3.BucketPolicy(`${name}-alb-logs`, {
      bucket: bucket.id,
      policy: pulumi.all([bucket.arn, accountId, elbAccountArn]).apply(([bucketArn, account, elbArn]) =>
        JSON.stringify(albLogBucketPolicy({ bucketArn, prefix: ACCESS_LOG_PREFIX, accountId: account, elbAccountArn: elbArn }))),
      // After the bucket's other configuration (logBucket chains it): S3 answers OperationAborted to concurrent changes of one bucket's configuration.
      // Kept with the bucket when the stack goes (a region removed): its TLS-only deny stays.
    }, { parent: this, dependsOn: [lifecycle], ...LOG_BUCKET_RETAINED });

    // --- security group ---
    // No egress rules: the provider removes the default allow-all egress, and the node pool adds
    // the one way out (to the pods, on the node security group, on the target port).
    const albSg = new aws.ec2.SecurityGroup(`${name}-alb`, { vpcId: args.vpcId, description: `ALB of ${name}`, tags: { Name: `${name}-alb` } }, parent);
    for (const port of [443, 80]) {
      new aws.vpc.SecurityGroupIngressRule(`${name}-alb-${port}-ipv4`, { securityGroupId: albSg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: port, toPort: port, description: `internet to ${port}` }, parent);
      new aws.vpc.SecurityGroupIngressRule(`${name}-alb-${port}-ipv6`, { securityGroupId: albSg.id, cidrIpv6: "::/0", ipProtocol: "tcp", fromPort: port, toPort: port, description: `internet to ${port} (IPv6)` }, parent);
    }

    // --- load balancer ---
    // Cross-zone load balancing is always on for ALBs (the attribute only exists for NLB/GWLB).
    // Named explicitly only when the auto-name would break ELB's 32-character cap or start with
    // "internal-"; the salt is the inputs that replace an ALB (both fixed here). Nothing else
    // replaces it, and a replacement could not finish anyway: the new ALB's listener would forward
    // to the target group the old one still uses (an ALB target group serves one load balancer),
    // and deletion protection keeps the old one. Should one ever be needed, give the target
    // group a new name in the same change and lift deletion protection in a deploy before it.
    const albName = physicalName(`${name}-alb`, ELB_NAME_MAX_LENGTH, { salt: "application|internet-facing", reservedPrefix: ELB_RESERVED_PREFIX });
    const alb = new aws.lb.LoadBalancer(`${name}-alb`, {
      ...(albName ? { name: albName } : {}),
      loadBalancerType: "application",
      internal: false,
      subnets: args.publicSubnetIds,
      securityGroups: [albSg.id],
      enableDeletionProtection: args.deletionProtection ?? true,
      dropInvalidHeaderFields: true,
      enableZonalShift: args.zonalShift ?? true,
      accessLogs: { bucket: bucket.bucket, prefix: ACCESS_LOG_PREFIX, enabled: true },
      tags: { Name: `${name}-alb` },
      // ELB writes a test object when logging is switched on; the bucket must be ready by then.
    }, { parent: this, dependsOn: [policy, encryption, ownership] });

    // --- certificate ---
    const { validation } = dnsValidatedCertificate(`${name}-cert`, { domainNames: args.domainNames, zoneId: args.zoneId }, this);

    // --- target group and listeners ---
    // Target type ip: pods are the targets, registered by the AWS Load Balancer Controller through
    // a TargetGroupBinding, and the health check reaches each pod directly. (An instance target
    // group on a NodePort would tie the nodes' ELB health to the app's.) The same 32-character
    // name cap; a replaced target group (port, target type) is created before the listener moves
    // to it, so the name follows every input that replaces it.
    const healthCheckPath = args.healthCheckPath ?? "/healthz";
    const targetGroupName = physicalName(`${name}-tg`, ELB_NAME_MAX_LENGTH) === undefined
      ? undefined
      : pulumi.output(args.vpcId).apply((vpcId) => physicalName(`${name}-tg`, ELB_NAME_MAX_LENGTH, { salt: `${vpcId}|${args.targetPort}|HTTP|ip` })!);
    const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
      ...(targetGroupName ? { name: targetGroupName } : {}),
      vpcId: args.vpcId,
      targetType: "ip",
      protocol: "HTTP",
      port: args.targetPort,
      deregistrationDelay: TARGET_GROUP_TIMING.deregistrationDelaySeconds,
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: healthCheckPath,
        matcher: "200",
        interval: TARGET_GROUP_TIMING.healthCheckIntervalSeconds,
        timeout: TARGET_GROUP_TIMING.healthCheckTimeoutSeconds,
        healthyThreshold: TARGET_GROUP_TIMING.healthyThreshold,
        unhealthyThreshold: TARGET_GROUP_TIMING.unhealthyThreshold,
      },
      tags: { Name: `${name}-tg`, ...(args.bindingClusterName !== undefined ? { [BINDABLE_TARGET_GROUP_TAG]: args.bindingClusterName } : {}) },
    }, parent);

    // Behind the edge the listener still forwards by default; rules take the health check first
    // (from anyone), then requests with the origin-verify header (CloudFront's), and a last,
    // catch-all rule answers everything else with a 403. The lock is that last rule, not the
    // default action: it depends on the allow rules, so locking a serving region creates them
    // before it denies anything, unlocking deletes it before them, and an allow rule that fails
    // to create leaves the region open rather than dark (CloudFront fails over only on 5xx).
    const forward = { type: "forward", targetGroupArn: targetGroup.arn };
    const httpsListener = new aws.lb.Listener(`${name}-https`, {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: args.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
      // From the validation, so the listener waits until the certificate is issued.
      certificateArn: validation.certificateArn,
      defaultActions: [forward],
    }, parent);
    const rules = (verify?.rules ?? []).map((rule) => new aws.lb.ListenerRule(`${name}-https-${rule.suffix}`, {
      listenerArn: httpsListener.arn,
      priority: rule.priority,
      conditions: ["pathPattern" in rule.condition
        ? { pathPattern: { values: [...rule.condition.pathPattern.values] } }
        : { httpHeader: { httpHeaderName: rule.condition.httpHeader.httpHeaderName, values: rule.condition.httpHeader.values.map((v) => pulumi.secret(v)) } }],
      actions: [forward],
      tags: { Name: `${name}-https-${rule.suffix}` },
    }, parent));
    if (verify) {
      const { catchAll } = verify;
      new aws.lb.ListenerRule(`${name}-https-${catchAll.suffix}`, {
        listenerArn: httpsListener.arn,
        priority: catchAll.priority,
        conditions: [{ pathPattern: { values: [...catchAll.condition.pathPattern.values] } }],
        actions: [{ type: catchAll.action.type, fixedResponse: { ...catchAll.action.fixedResponse } }],
        tags: { Name: `${name}-https-${catchAll.suffix}` },
      }, { parent: this, dependsOn: rules });
    }

    // --- web application firewall ---
    // On by default, with the edge in front too. Without it, or with its direct path open, the
    // ALB is the internet's front door. With the path locked it forwards only requests carrying
    // CloudFront's secret, which the edge's web ACL has filtered, and the health check from
    // anyone: the web ACL stays (it costs $5 a month, $1 a rule and $0.60 per million requests,
    // each request inspected twice) as defence in depth, since the health path is open to floods
    // and the lock rests on one shared secret. Where that cost is not worth it, "none" names it
    // (platform:regionalWafEnabled: false, which production accepts only behind the locked edge).
    // CloudFront's requests are exempt from its rate limit, the edge's web ACL having counted them
    // per viewer; the health checkers are not exempt and need not be: each sends one request per
    // interval (30 per 5 minutes at 10 s) with a User-Agent, nothing the managed rules block.
    const webAclArn = args.webAcl === "none"
      ? undefined
      : albWebAcl(name, { ...args.webAcl, loadBalancerArn: alb.arn, originVerify: args.originVerify }, this).arn;

    new aws.lb.Listener(`${name}-http`, {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    }, parent);

    this.loadBalancerArn = alb.arn;
    this.loadBalancerArnSuffix = alb.arnSuffix;
    this.dnsName = alb.dnsName;
    this.zoneId = alb.zoneId;
    this.securityGroupId = albSg.id;
    this.targetGroupArn = targetGroup.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.targetPort = args.targetPort;
    this.healthCheckPath = healthCheckPath;
    this.deregistrationDelaySeconds = TARGET_GROUP_TIMING.deregistrationDelaySeconds;
    this.healthCheck = TARGET_GROUP_TIMING;
    this.certificateArn = validation.certificateArn;
    this.httpsListener = httpsListener;
    this.servingResources = [httpsListener, ...rules];
    this.originVerified = verify !== undefined;
    this.accessLogBucket = bucket.bucket;
    this.webAclArn = webAclArn;
    this.registerOutputs({
      loadBalancerArn: this.loadBalancerArn,
      dnsName: this.dnsName,
      zoneId: this.zoneId,
      securityGroupId: this.securityGroupId,
      targetGroupArn: this.targetGroupArn,
      certificateArn: this.certificateArn,
      accessLogBucket: this.accessLogBucket,
      ...(webAclArn ? { webAclArn } : {}),
    });
  }
}
