import * as aws from "@pulumi/aws";
import { publishesToEncryptedTopic } from "./lib/key-policy";
import * as pulumi from "@pulumi/pulumi";
import { ROUTE53_HOME_REGION } from "./lib/dns";
import { ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES, type EndpointSubscription, endpointSubscriptions, httpsDeliveryPolicy, httpsEndpointProblem, type SubscriberEndpoint, subscriptionNames } from "./observability/subscribers";
import { pageDeliveryAlarm } from "./observability/alarms";
import { metricAlarmInputs } from "./observability/metric-alarm";

export interface GlobalTrafficArgs {
  /** The environment's public hosted zone, e.g. `prod.example.com` (a trailing dot is dropped). */
  zoneName: string;
  /**
   * Create the hosted zone (protected, never force-destroyed) or look up an existing public zone
   * of that name (for a zone another team or stack owns; nothing is created then).
   * @default true
   */
  createZone?: boolean;
  /**
   * How the created zone gets delegated. A new public zone answers nothing until its parent holds
   * NS records for it, and every region's certificate validation waits for that.
   * - `{ parentZoneName }`: a public zone in this account; NS records for the zone are written
   *   there (and the DS record, with DNSSEC).
   * - `"manual"`: someone adds them (at the registrar, or in a parent zone of another account);
   *   the deploy waits until the zone answers before the regions (tools/ci/wait-for-zone.ts).
   * Ignored when `createZone` is false: an existing zone is taken as delegated.
   * @default "manual"
   */
  delegation?: { parentZoneName: string } | "manual";
  /** The environment's regions; the first is the primary (Aurora writer) region. One routing control each. */
  regions: string[];
  /**
   * Route 53 ARC routing controls: one on/off switch per region, flipped through the cluster's
   * data plane (which keeps working when a region's control plane does not) to evacuate a
   * region. A safety rule keeps at least one region on. An ARC cluster has a fixed hourly
   * charge whether it is used or not (about USD 2.50 an hour when this was written; check the
   * current price), so small environments may turn it off and rely on health checks alone.
   *
   * New routing controls start **Off**. After the first deployment, set every region's control
   * On through a cluster endpoint (`aws route53-recovery-cluster update-routing-control-states`);
   * until then Route 53 sees every region unhealthy and, as it does when all records of a name
   * are unhealthy, answers with all of them. Replacing a routing control (e.g. a rename) creates
   * a new one, Off again: that region is withdrawn until it is turned back On.
   * @default { enabled: true }
   */
  arc?: { enabled: boolean };
  /**
   * Route 53 query logging to a CloudWatch log group in us-east-1 (the only region Route 53
   * delivers query logs to).
   * @default false
   */
  queryLogging?: boolean;
  /**
   * Retention of the query log group, in days (a CloudWatch Logs retention value).
   * @default 90
   */
  queryLogRetentionDays?: number;
  /**
   * DNSSEC signing with a KMS key in us-east-1, for a zone this component creates. The DS record
   * (output `dnssecDsRecord`) is written in the parent zone with `delegation.parentZoneName`;
   * with a manual delegation someone publishes it at the registrar after the first deployment.
   * Two alarms (us-east-1, to the alarm topic) say when Route 53 cannot sign: an internal
   * failure, or a key-signing key needing action (its KMS key disabled or its policy changed).
   * The key, key-signing key, signing and DS record are protected. Turning signing off takes two
   * deployments (docs/runbooks/dnssec.md): the DS record leaves the parent first
   * (`dnssecParentDsRecord: false`), and signing stops only after resolvers dropped it (its TTL);
   * in one step validating resolvers would hold a DS for an unsigned zone and answer SERVFAIL.
   * @default false
   */
  dnssec?: boolean;
  /**
   * With DNSSEC and `delegation.parentZoneName`: whether the DS record is in the parent zone.
   * `false` keeps it out while the zone signs: the first step of turning DNSSEC off, and of
   * turning it on for a zone that already served (resolvers must first drop the unsigned answers
   * they cached, for up to the zone's largest TTL, before the DS record makes them validate).
   * @default true
   */
  dnssecParentDsRecord?: boolean;
  /**
   * E-mail address subscribed to the health-check alarm topics (pages and tickets). Each
   * subscription stays "pending confirmation" until the recipient follows the link AWS sends.
   * @default none: the topics have no subscriber
   */
  alarmEmail?: string;
  /**
   * HTTPS endpoints of the on-call pager's SNS integration, subscribed to the page topic (a
   * region out of DNS rotation, DNSSEC failing). They must confirm SNS's subscription themselves:
   * the deploy fails when one has not within ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES. The URL's
   * key opens incidents, so the subscription's `endpoint` is always a secret; a plain string is
   * validated here, an Output (a secret from config) is the caller's to validate. Subscriptions
   * are named by the endpoint's id, as RegionalObservability's: a plain string is identified here,
   * an Output comes with its id (`{ id, url }`); a bare Output is named by its position.
   * @default [] — pages reach only `alarmEmail`
   */
  pageEndpoints?: SubscriberEndpoint<pulumi.Input<string>>[];
  /**
   * HTTPS endpoints of a ticketing integration, subscribed to the ticket topic (a routing control
   * switched Off), confirming themselves, kept secret and named by id as `pageEndpoints`.
   * @default []
   */
  ticketEndpoints?: SubscriberEndpoint<pulumi.Input<string>>[];
  /**
   * Tags for every taggable resource.
   * @default {}
   */
  tags?: Record<string, string>;
}

export interface ZoneDelegation {
  readonly mode: "parent-zone" | "manual" | "existing-zone";
  readonly zoneName: string;
  /** The parent zone holding the NS records (mode parent-zone). */
  readonly parentZoneName?: string;
}

/** NS (and DS) records in the parent zone: an hour, so a mistake does not stick for the Route 53 console's two days. */
const DELEGATION_TTL_SECONDS = 3600;

/** Key-signing-key name: letters, digits and underscores only, 3 to 128 characters. */
export function kskName(componentName: string): string {
  return `ksk_${componentName.replace(/[^A-Za-z0-9_]/g, "_")}`.slice(0, 128);
}

/**
 * What every region of an environment shares for global traffic: the hosted zone, Route 53 ARC
 * (cluster, control panel, a routing control per region, a safety rule) and the SNS topics that
 * health-check alarms notify (pages and tickets). Lives in the global stack; regional stacks register their
 * endpoints in the zone with `RegionalEndpoint`.
 *
 * ARC resources take no `region` input (the provider models them as global): the AWS provider
 * always sends Recovery Control Config calls to us-west-2, the one region that API is served
 * from, whatever the provider's region is. The routing controls themselves are read and
 * flipped through the cluster's five regional endpoints (output `clusterEndpoints`).
 */
export class GlobalTraffic extends pulumi.ComponentResource {
  readonly zoneId: pulumi.Output<string>;
  readonly zoneName: pulumi.Output<string>;
  readonly nameServers: pulumi.Output<string[]>;
  /** How the zone is delegated: written by this component in a parent zone, by hand, or already (an existing zone). */
  readonly delegation: ZoneDelegation;
  /** ARN of each region's routing control, by region; empty when ARC is off. */
  readonly routingControlArns: Record<string, pulumi.Output<string>>;
  readonly controlPanelArn: pulumi.Output<string> | undefined;
  readonly clusterArn: pulumi.Output<string> | undefined;
  /** The ARC cluster's regional data-plane endpoints (where routing control states are changed). */
  readonly clusterEndpoints: pulumi.Output<{ region: string; endpoint: string }[]> | undefined;
  readonly safetyRuleArn: pulumi.Output<string> | undefined;
  /** SNS topic (us-east-1) for health-check alarms that page: a region out of DNS rotation, DNSSEC signing failing. */
  readonly alarmTopicArn: pulumi.Output<string>;
  /**
   * SNS topic (us-east-1, same key) for what the DNS alarms report that can wait for working
   * hours: a routing control switched Off, which is an operator's deliberate act.
   */
  readonly ticketTopicArn: pulumi.Output<string>;
  /** DS record to publish in the parent zone; undefined when DNSSEC is off. */
  readonly dnssecDsRecord: pulumi.Output<string> | undefined;
  readonly queryLogGroupName: pulumi.Output<string> | undefined;

  constructor(name: string, args: GlobalTrafficArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: a bad argument must not leave half a component.
    const zoneName = args.zoneName.trim().replace(/\.$/, "").toLowerCase();
    if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(zoneName)) {
      throw new RangeError(`${name}: zoneName "${args.zoneName}" must be a DNS name of two or more labels, such as prod.example.com`);
    }
    if (args.regions.length === 0) throw new RangeError(`${name}: regions must list at least one region`);
    const endpoints = {
      // Problems name key and index, not the value: the message reaches logs, and the URL holds the integration's key.
      pageEndpoints: endpointSubscriptions("pageEndpoints", args.pageEndpoints ?? [], httpsEndpointProblem),
      ticketEndpoints: endpointSubscriptions("ticketEndpoints", args.ticketEndpoints ?? [], httpsEndpointProblem),
    };
    for (const { problem } of Object.values(endpoints)) if (problem) throw new RangeError(`${name}: ${problem}`);
    if (new Set(args.regions).size !== args.regions.length) throw new RangeError(`${name}: regions must not repeat a region (${args.regions.join(", ")})`);
    const createZone = args.createZone ?? true;
    const parentZoneName = typeof args.delegation === "object" ? args.delegation.parentZoneName.trim().replace(/\.$/, "").toLowerCase() : undefined;
    if ((args.dnssec ?? false) && !createZone) {
      // Signing belongs to whoever owns the zone and its DS record at the parent; a second
      // key-signing key added from here would be one the owner does not know to publish or keep.
      throw new RangeError(`${name}: dnssec needs a zone this component creates (createZone is false: ${zoneName} belongs to another stack, which signs it)`);
    }
    if (parentZoneName !== undefined && createZone && !zoneName.endsWith(`.${parentZoneName}`)) {
      throw new RangeError(`${name}: delegation.parentZoneName "${parentZoneName}" is not a parent of ${zoneName}`);
    }
    super("platform:dns:GlobalTraffic", name, {}, opts);
    const tags = args.tags ?? {};
    const parent = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;

    let delegationRecord: aws.route53.Record | undefined;
    if (createZone) {
      // A deleted zone loses its name servers; delegation then points nowhere. Never delete
      // records we do not own either (forceDestroy false).
      const zone = new aws.route53.Zone(`${name}-zone`, {
        name: zoneName,
        comment: `Public zone of ${name}; managed by Pulumi`,
        forceDestroy: false,
        tags,
      }, { parent: this, protect: true });
      this.zoneId = zone.zoneId;
      this.zoneName = zone.name;
      this.nameServers = zone.nameServers;
      if (parentZoneName !== undefined) {
        const parentZone = aws.route53.getZoneOutput({ name: parentZoneName, privateZone: false }, parent);
        // Protected: without it the environment's names stop resolving once caches expire.
        delegationRecord = new aws.route53.Record(`${name}-delegation`, {
          zoneId: parentZone.zoneId,
          name: zoneName,
          type: "NS",
          ttl: DELEGATION_TTL_SECONDS,
          records: zone.nameServers,
        }, { parent: this, protect: true });
        this.delegation = { mode: "parent-zone", zoneName, parentZoneName };
      } else {
        this.delegation = { mode: "manual", zoneName };
      }
    } else {
      const zone = aws.route53.getZoneOutput({ name: zoneName, privateZone: false }, parent);
      this.zoneId = zone.zoneId;
      this.zoneName = pulumi.output(zoneName);
      this.nameServers = zone.nameServers;
      this.delegation = { mode: "existing-zone", zoneName };
    }
    const zoneArn = pulumi.interpolate`arn:${partition}:route53:::hostedzone/${this.zoneId}`;

    // --- Route 53 ARC ---
    this.routingControlArns = {};
    if (args.arc?.enabled ?? true) {
      const cluster = new aws.route53recoverycontrol.Cluster(`${name}-arc`, { tags }, parent);
      const panel = new aws.route53recoverycontrol.ControlPanel(`${name}-arc`, { clusterArn: cluster.arn, tags }, parent);
      // One at a time, each after the one before: CreateRoutingControl answers 409
      // ConflictException to concurrent changes of one control panel, and the provider does not
      // retry it (terraform-provider-aws#48311). In the order of `regions`; a reordered list (a
      // switchover) only changes dependsOn, which replaces nothing.
      let previous: aws.route53recoverycontrol.RoutingControl | undefined;
      for (const region of args.regions) {
        const control = new aws.route53recoverycontrol.RoutingControl(`${name}-${region}`, {
          // The name operators see when they flip it; kept stable because a replaced control
          // comes back Off.
          name: `${name}-${region}`.slice(0, 64),
          clusterArn: cluster.arn,
          controlPanelArn: panel.arn,
        }, previous ? { parent: this, dependsOn: [previous] } : parent);
        this.routingControlArns[region] = control.arn;
        previous = control;
      }
      // An assertion rule: any change that would leave fewer than one control On is refused, so
      // no operator (or script) can switch the whole environment off.
      const rule = new aws.route53recoverycontrol.SafetyRule(`${name}-at-least-one-region`, {
        controlPanelArn: panel.arn,
        // By region name, not by platform:regions: the list forces a replacement when it changes,
        // and the planned switchover reorders platform:regions.
        assertedControls: Object.keys(this.routingControlArns).sort().map((region) => this.routingControlArns[region]),
        ruleConfig: { type: "ATLEAST", threshold: 1, inverted: false },
        waitPeriodMs: 5000,
        tags,
      }, parent);
      this.clusterArn = cluster.arn;
      this.controlPanelArn = panel.arn;
      this.clusterEndpoints = cluster.clusterEndpoints.apply((endpoints) => endpoints.map((e) => ({ region: e.region, endpoint: e.endpoint })));
      this.safetyRuleArn = rule.arn;
    }

    // --- alarm topic ---
    // Route 53 health-check metrics exist only in us-east-1 and an alarm can only notify a topic
    // in its own region, so the topic lives there too. Encrypted with a customer key: CloudWatch
    // cannot publish to a topic encrypted with the AWS-managed alias/aws/sns key (its policy
    // cannot be changed to let cloudwatch.amazonaws.com use it).
    const topicKey = new aws.kms.Key(`${name}-alarms`, {
      region: ROUTE53_HOME_REGION,
      description: `${name}: encrypts the health-check alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.all([identity.accountId, partition]).apply(([account, part]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${part}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
          publishesToEncryptedTopic("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", { StringEquals: { "aws:SourceAccount": account } }),
        ],
      })),
      tags,
      // Like every key: a scheduled deletion would silently stop alarm delivery.
    }, { parent: this, protect: true });
    // Two topics, as in every region: CloudWatch's notification carries nothing a subscription
    // could filter pages from tickets by. The key's grant (aws:SourceAccount) covers both.
    const topic = new aws.sns.Topic(`${name}-health-alarms`, {
      region: ROUTE53_HOME_REGION,
      kmsMasterKeyId: topicKey.arn,
      tags,
    }, parent);
    const ticketTopic = new aws.sns.Topic(`${name}-health-tickets`, {
      region: ROUTE53_HOME_REGION,
      kmsMasterKeyId: topicKey.arn,
      tags,
    }, parent);
    if (args.alarmEmail) {
      new aws.sns.TopicSubscription(`${name}-health-alarms-email`, {
        region: ROUTE53_HOME_REGION,
        topic: topic.arn,
        protocol: "email",
        endpoint: args.alarmEmail,
      }, parent);
      new aws.sns.TopicSubscription(`${name}-health-tickets-email`, {
        region: ROUTE53_HOME_REGION,
        topic: ticketTopic.arn,
        protocol: "email",
        endpoint: args.alarmEmail,
      }, parent);
    }
    // The pager and ticketing integrations, confirming themselves, the URL (its key) a secret,
    // named by the endpoint's id with the position name of before as an alias (see
    // RegionalObservability: a name that passes to another endpoint unsubscribes it).
    const endpointSubscription = (prefix: string, target: aws.sns.Topic, s: EndpointSubscription<pulumi.Input<string>>) => {
      const { name: logicalName, formerName } = subscriptionNames(prefix, s);
      return new aws.sns.TopicSubscription(logicalName, {
        region: ROUTE53_HOME_REGION,
        topic: target.arn,
        protocol: "https",
        endpoint: pulumi.secret(s.endpoint),
        endpointAutoConfirms: true,
        confirmationTimeoutInMinutes: ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES,
        // Retried for most of an hour, not SNS's default minute (observability/subscribers.ts).
        deliveryPolicy: httpsDeliveryPolicy(),
      }, { parent: this, aliases: formerName ? [{ name: formerName }] : [] });
    };
    for (const s of endpoints.pageEndpoints.subscriptions) endpointSubscription(`${name}-health-alarms-https`, topic, s);
    for (const s of endpoints.ticketEndpoints.subscriptions) endpointSubscription(`${name}-health-tickets-https`, ticketTopic, s);
    // The page topic failing to deliver is a ticket, as in every region (observability/alarms.ts).
    const delivery = pageDeliveryAlarm({ name: `${name}-page-delivery-failed`, topicName: topic.name });
    if (args.alarmEmail || endpoints.pageEndpoints.subscriptions.length > 0) new aws.cloudwatch.MetricAlarm(`${name}-page-delivery-failed`, {
      ...metricAlarmInputs(delivery),
      region: ROUTE53_HOME_REGION,
      alarmActions: [ticketTopic.arn],
      okActions: [ticketTopic.arn],
      tags,
    }, parent);
    this.alarmTopicArn = topic.arn;
    this.ticketTopicArn = ticketTopic.arn;

    // --- query logging ---
    if (args.queryLogging ?? false) {
      const logGroup = new aws.cloudwatch.LogGroup(`${name}-dns-queries`, {
        region: ROUTE53_HOME_REGION,
        name: `/aws/route53/${zoneName}`,
        retentionInDays: args.queryLogRetentionDays ?? 90,
        tags,
      }, parent);
      // Route 53 writes with its service principal, so the log group needs a resource policy
      // (an account-wide, per-region one; CloudWatch Logs allows 10). Scoped to this zone.
      const policy = new aws.cloudwatch.LogResourcePolicy(`${name}-dns-queries`, {
        region: ROUTE53_HOME_REGION,
        policyName: `${name}-route53-query-logging`,
        policyDocument: pulumi.all([logGroup.arn, zoneArn, identity.accountId]).apply(([groupArn, zone, account]) => JSON.stringify({
          Version: "2012-10-17",
          Statement: [{
            Sid: "Route53QueryLogs",
            Effect: "Allow",
            Principal: { Service: "route53.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${groupArn}:*`,
            Condition: { ArnLike: { "aws:SourceArn": zone }, StringEquals: { "aws:SourceAccount": account } },
          }],
        })),
      }, parent);
      new aws.route53.QueryLog(`${name}-dns-queries`, {
        zoneId: this.zoneId,
        cloudwatchLogGroupArn: logGroup.arn,
      }, { parent: this, dependsOn: [policy] });
      this.queryLogGroupName = logGroup.name;
    }

    // --- DNSSEC ---
    if (args.dnssec ?? false) {
      // Route 53 signs only with an asymmetric ECC_NIST_P256 key in us-east-1. KMS cannot rotate
      // asymmetric keys: a KSK is rotated by adding a second one and moving the DS record, which
      // this component does not model (it holds one KSK; docs/runbooks/dnssec.md).
      // Losing the key (or the KSK) while the parent holds our DS record makes the zone bogus to
      // every validating resolver, hence protect.
      const signingKey = new aws.kms.Key(`${name}-dnssec`, {
        region: ROUTE53_HOME_REGION,
        description: `${name}: DNSSEC key-signing key of ${zoneName}`,
        customerMasterKeySpec: "ECC_NIST_P256",
        keyUsage: "SIGN_VERIFY",
        enableKeyRotation: false,
        deletionWindowInDays: 30,
        policy: pulumi.all([identity.accountId, partition, zoneArn]).apply(([account, part, zone]) => JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${part}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
            {
              Sid: "Route53DnssecSigns",
              Effect: "Allow",
              Principal: { Service: "dnssec-route53.amazonaws.com" },
              Action: ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": zone } },
            },
            {
              Sid: "Route53DnssecGrants",
              Effect: "Allow",
              Principal: { Service: "dnssec-route53.amazonaws.com" },
              Action: "kms:CreateGrant",
              Resource: "*",
              Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
          ],
        })),
        tags,
      }, { parent: this, protect: true });
      const ksk = new aws.route53.KeySigningKey(`${name}-ksk`, {
        hostedZoneId: this.zoneId,
        keyManagementServiceArn: signingKey.arn,
        // Named explicitly: the API allows only letters, digits and underscores (3-128), which
        // the engine's autoname (with hyphens) would break.
        name: kskName(name),
        status: "ACTIVE",
      }, { parent: this, protect: true });
      const signing = new aws.route53.HostedZoneDnsSec(`${name}-dnssec`, {
        hostedZoneId: ksk.hostedZoneId,
        signingStatus: "SIGNING",
      }, { parent: this, protect: true, dependsOn: [ksk] });
      if (parentZoneName !== undefined && createZone && (args.dnssecParentDsRecord ?? true)) {
        // The chain of trust: the DS record goes to the parent only once the zone signs.
        new aws.route53.Record(`${name}-ds`, {
          zoneId: aws.route53.getZoneOutput({ name: parentZoneName, privateZone: false }, parent).zoneId,
          name: zoneName,
          type: "DS",
          ttl: DELEGATION_TTL_SECONDS,
          records: [ksk.dsRecord],
        }, { parent: this, protect: true, dependsOn: delegationRecord ? [signing, delegationRecord] : [signing] });
      }
      this.dnssecDsRecord = ksk.dsRecord;

      // Route 53 publishes these per zone in us-east-1 (AWS/Route53, HostedZoneId) while the
      // zone signs. Either one means resolvers will soon see expired signatures: the zone goes
      // bogus to validating resolvers when the last ones lapse, so someone must act.
      const dnssecAlarm = (suffix: string, metricName: string, description: string) =>
        new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, {
          // Named, as the regions' alarms are, so the runbook and the pager text can name it.
          name: `${name}-${suffix}`,
          region: ROUTE53_HOME_REGION,
          alarmDescription: pulumi.interpolate`${zoneName}: ${description} (docs/runbooks/dnssec.md)`,
          namespace: "AWS/Route53",
          metricName,
          dimensions: { HostedZoneId: this.zoneId },
          // Route 53 publishes these about once every four hours per zone (Sum and SampleCount
          // are their statistics): a five-minute window is empty between two data points, and
          // must keep the state the last one set, or the alarm would clear ("OK" to the topic)
          // minutes after it fired while the failure goes on.
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          comparisonOperator: "GreaterThanThreshold",
          threshold: 0,
          treatMissingData: "ignore",
          alarmActions: [topic.arn],
          okActions: [topic.arn],
          tags,
        }, { parent: this, dependsOn: [signing] });
      dnssecAlarm("dnssec-internal-failure", "DNSSECInternalFailure", "Route 53 DNSSEC signing is in an internal-failure state");
      dnssecAlarm("dnssec-ksk-action-needed", "DNSSECKeySigningKeysNeedingAction", "a DNSSEC key-signing key needs action: its KMS key is disabled, deleted or no longer usable by Route 53");
    }

    this.registerOutputs({
      zoneId: this.zoneId,
      zoneName: this.zoneName,
      nameServers: this.nameServers,
      delegation: this.delegation,
      routingControlArns: this.routingControlArns,
      controlPanelArn: this.controlPanelArn,
      clusterArn: this.clusterArn,
      clusterEndpoints: this.clusterEndpoints,
      safetyRuleArn: this.safetyRuleArn,
      alarmTopicArn: this.alarmTopicArn,
      ticketTopicArn: this.ticketTopicArn,
      dnssecDsRecord: this.dnssecDsRecord,
      queryLogGroupName: this.queryLogGroupName,
    });
  }
}
