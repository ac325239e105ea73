import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { publishesToEncryptedTopic } from "../lib/key-policy";
import type { AuroraEngine } from "../lib/aurora";
import { type AlarmSpec, type CompositeSpec, regionalAlarmPlan } from "./alarms";
import { regionalDashboardBody } from "./dashboards";
import { metricAlarmInputs } from "./metric-alarm";
import { ManagedPrometheus, type ManagedPrometheusArgs } from "./managed-prometheus";
import { canaryName, dashboardName, topicName as topicNameOf } from "./names";
import { ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES, type EndpointSubscription, endpointSubscriptions, httpsDeliveryPolicy, httpsEndpointProblem, type SubscriberEndpoint, subscriptionNames } from "./subscribers";
import { DEFAULT_CANARY_INTERVAL_MINUTES, SyntheticProbe, type SyntheticProbeArgs } from "./synthetic-probe";
import { connectionsThreshold, DEFAULT_OBJECTIVES, globalLagMetric, type MonitoringObjectives, objectiveProblems, replicationLagThresholdMs } from "./thresholds";

export interface RegionalObservabilityArgs {
  /** AWS region of the watched resources (alarms and dashboards live there). */
  region: string;
  /**
   * `<environment>-<region>`: the start of every alarm, dashboard and canary name. The global
   * dashboard and runbooks find the region's alarms by it.
   */
  namePrefix: string;
  environment: string;
  /** Regions of the environment: how much this region must grow when one is lost. */
  regionCount: number;
  /** @default DEFAULT_OBJECTIVES (99.9 % available, 99 % within 300 ms over 30 days, RPO 60 s) */
  objectives?: Partial<MonitoringObjectives>;
  /** `rds.global_db_rpo` in seconds when set: the lag alarm fires before commits start blocking. */
  globalRpoParameterSeconds?: number;
  /** The serving path's load balancer and the reference service's target group (ARN suffixes are the CloudWatch dimensions). */
  loadBalancer: { arnSuffix: pulumi.Input<string>; targetGroupArnSuffix: pulumi.Input<string>; dnsName: pulumi.Input<string> };
  /** The region's AZs, for healthy targets per AZ. */
  availabilityZones: pulumi.Input<string[]>;
  /** The node group's Auto Scaling group (its group metrics must be enabled for the capacity alarm: NodePool enables them for `autoscaling` pools). */
  nodes: { autoScalingGroupName: pulumi.Input<string> };
  /** This region's Aurora member. @default none: no database alarms */
  database?: {
    clusterIdentifier: pulumi.Input<string>;
    engine: AuroraEngine;
    engineVersion: string;
    instanceClass: string;
    /** Member of a global database: alarm on cross-region lag. @default true */
    globalMember?: boolean;
  };
  /**
   * The environment's DynamoDB global tables (short name, physical name): a replication-lag alarm
   * each, on what this region has not yet replicated to the others.
   * @default none
   */
  tables?: { name: string; tableName: pulumi.Input<string> }[];
  /**
   * Who is told. Each address gets an e-mail subscription, pending until its owner confirms it,
   * named by the address's id (`endpointId`), as the endpoints below.
   * @default [] — the topic has no subscriber, which the policy pack refuses for a serving region
   */
  alarmEmails?: string[];
  /**
   * HTTPS endpoints of the on-call pager's SNS integration (PagerDuty's Amazon CloudWatch
   * integration URL, Opsgenie's ...), subscribed to the page topic only. They must confirm SNS's
   * subscription themselves (`endpointAutoConfirms`): the deploy fails when one has not within
   * ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES, rather than leave a page topic that reaches nobody.
   * The URL's key opens incidents, so the subscription's `endpoint` is always a secret; a plain
   * string is validated here, an Output (a secret from config) is the caller's to validate.
   * Each subscription is named by the endpoint's id (`endpointId` of the URL, subscribers.ts), so
   * removing or reordering one leaves the others' alone: a plain string is identified here, an
   * Output comes with its id (`{ id, url }`, computed where the URL was plain); a bare Output is
   * named by its position, as before ids.
   * @default [] — pages reach only `alarmEmails`, a mailbox nobody hears at night
   */
  pageEndpoints?: SubscriberEndpoint<pulumi.Input<string>>[];
  /**
   * HTTPS endpoints of a ticketing integration, subscribed to the ticket topic only (confirming
   * themselves, kept secret and named by id, as `pageEndpoints`).
   * @default [] — tickets reach only `alarmEmails`
   */
  ticketEndpoints?: SubscriberEndpoint<pulumi.Input<string>>[];
  /** Prometheus for in-cluster metrics. @default none */
  prometheus?: Omit<ManagedPrometheusArgs, "namePrefix" | "environment" | "region" | "alarmTopicArn" | "ticketTopicArn" | "nodeMemoryPercent">;
  /**
   * Synthetic probe of the public name and this region's ALB; with `watchedRegions`, a second one
   * from here to those regions' own load balancers (their names: `regionalAppLabel`), paging this
   * region's topic. @default none
   */
  canary?: Omit<SyntheticProbeArgs, "namePrefix" | "loadBalancerDnsName" | "kmsKeyArn" | "startAfter" | "artifacts">;
  /**
   * What the probes reach (the service behind the load balancer, the region's DNS records): the
   * canaries start after it, and the alarms that count silence as failure (no healthy targets)
   * are created after it, so a region's first deploy does not page while its pods register. The
   * canaries' alarms are created after their canary and take runs that did not happen as missing.
   * @default nothing to wait for
   */
  servingDependsOn?: pulumi.Resource[];
  tags?: Record<string, string>;
}

/**
 * Name prefix of the probe that watches other regions from this one: `<environment>-watch-<region>`,
 * so that its log groups (`cwsyn-<name>-*`) never fall under the own canary's (`cwsyn-<prefix>-*`),
 * to which each canary's role is scoped.
 */
function watchPrefix(args: { environment: string; region: string }): string {
  return `${args.environment}-watch-${args.region}`;
}

/**
 * What a region is watched with: a KMS-encrypted SNS topic with its subscribers, CloudWatch
 * alarms on the golden signals, the SLO burn rates, saturation, capacity headroom and the
 * database (thresholds from the objectives), a composite "region impaired" alarm, a dashboard,
 * and optionally Amazon Managed Service for Prometheus with the managed scraper and a Synthetics
 * canary. Alarm names are `<namePrefix>-<key>` (names.ts); alarm specs are in alarms.ts.
 */
export class RegionalObservability extends pulumi.ComponentResource {
  /** The page topic (`<prefix>-alarms`): alarms of severity page. */
  readonly topicArn: pulumi.Output<string>;
  /** The ticket topic (`<prefix>-tickets`): alarms of severity ticket. */
  readonly ticketTopicArn: pulumi.Output<string>;
  readonly dashboardName: string;
  /** Alarm ARNs by name: metric and composite alarms. */
  readonly alarmArns: Record<string, pulumi.Output<string>>;
  /** The composite alarm that says "this region is impaired": a stop condition for fault injection. */
  readonly regionImpairedAlarmArn: pulumi.Output<string>;
  readonly alarms: readonly AlarmSpec[];
  readonly composites: readonly CompositeSpec[];
  readonly objectives: MonitoringObjectives;
  readonly prometheus?: ManagedPrometheus;
  readonly canary?: SyntheticProbe;
  /** The probe of other regions from this one (canary.watchedRegions). */
  readonly watch?: SyntheticProbe;

  constructor(name: string, args: RegionalObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: a bad argument must not leave half a component.
    const objectives = { ...DEFAULT_OBJECTIVES, ...args.objectives };
    const problems = objectiveProblems(objectives);
    if (problems.length) throw new RangeError(`${name}: ${problems.map((p) => `objectives.${p.field} ${p.message}`).join("; ")}`);
    for (const email of args.alarmEmails ?? []) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new RangeError(`${name}: alarmEmails: "${email}" is not an e-mail address`);
    }
    const subscribers = {
      alarmEmails: endpointSubscriptions("alarmEmails", args.alarmEmails ?? []),
      // Problems name key and index, not the value: the message reaches logs, and the URL holds the integration's key.
      pageEndpoints: endpointSubscriptions("pageEndpoints", args.pageEndpoints ?? [], httpsEndpointProblem),
      ticketEndpoints: endpointSubscriptions("ticketEndpoints", args.ticketEndpoints ?? [], httpsEndpointProblem),
    };
    for (const { problem } of Object.values(subscribers)) if (problem) throw new RangeError(`${name}: ${problem}`);
    const db = args.database;
    const plan = regionalAlarmPlan({
      prefix: args.namePrefix,
      objectives,
      regionCount: args.regionCount,
      loadBalancer: args.loadBalancer.arnSuffix,
      targetGroup: args.loadBalancer.targetGroupArnSuffix,
      autoScalingGroupName: args.nodes.autoScalingGroupName,
      ...(db
        ? {
            database: {
              clusterIdentifier: db.clusterIdentifier,
              globalLagMetric: db.globalMember ?? true ? globalLagMetric(db.engine, db.engineVersion) : undefined,
              lagThresholdMs: replicationLagThresholdMs(objectives.rpoSeconds, args.globalRpoParameterSeconds),
              connectionsThreshold: connectionsThreshold(db.engine, db.instanceClass),
            },
          }
        : {}),
      ...(args.tables?.length ? { tables: args.tables } : {}),
      // The same name rule SyntheticProbe applies: the alarm names the canary before it exists.
      ...(args.canary ? { canary: { name: canaryName(args.namePrefix), intervalMinutes: args.canary.intervalMinutes ?? DEFAULT_CANARY_INTERVAL_MINUTES } } : {}),
      ...(args.canary?.watchedRegions?.length
        ? { watch: { name: canaryName(watchPrefix(args)), intervalMinutes: args.canary.intervalMinutes ?? DEFAULT_CANARY_INTERVAL_MINUTES, regions: args.canary.watchedRegions.map((r) => r.region) } }
        : {}),
    });
    super("platform:observability:RegionalObservability", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags ?? {};
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    // --- where alarms go ---
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key (its policy
    // cannot admit cloudwatch.amazonaws.com), so the topics have a customer key; AMP's
    // Alertmanager publishes to them and needs a grant too. The key also encrypts the canary
    // artifacts in this region.
    // The topics' ARNs from their names: the key cannot wait for topics that wait for it.
    const topicName = (suffix: "alarms" | "tickets") => topicNameOf(args.namePrefix, suffix);
    const topicArnOf = (suffix: "alarms" | "tickets") => pulumi.interpolate`arn:${partition}:sns:${args.region}:${accountId}:${topicName(suffix)}`;
    const key = new aws.kms.Key(`${name}-observability`, {
      description: `${args.namePrefix}: alarm topics and canary artifacts`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.all([accountId, partition, topicArnOf("alarms"), topicArnOf("tickets")]).apply(([account, part, alarmsArn, ticketsArn]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${part}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
          // AWS documents aws:SourceAccount for CloudWatch alarms publishing to encrypted topics.
          publishesToEncryptedTopic("AlarmsPublish", "cloudwatch.amazonaws.com", { StringEquals: { "aws:SourceAccount": account } }),
          // For AMP no documentation says the request carries aws:SourceAccount (a condition on a
          // missing key denies every publish, silently). SNS always encrypts with the encryption
          // context aws:sns:topicArn, so that scopes the grant to these two topics; the topic
          // policy names the workspace.
          publishesToEncryptedTopic("AlertmanagerPublishes", "aps.amazonaws.com", { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": [alarmsArn, ticketsArn] } }),
          // EventBridge (zonal shifts, below) sends neither aws:SourceAccount nor aws:SourceArn to
          // KMS: the same encryption-context scope, to the ticket topic it targets.
          publishesToEncryptedTopic("EventsPublish", "events.amazonaws.com", { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": ticketsArn } }),
        ],
      })),
      tags,
      // A scheduled deletion would silently stop alarm delivery.
    }, { parent: this, protect: true });
    new aws.kms.Alias(`${name}-observability`, { name: `alias/${args.namePrefix}-observability`, targetKeyId: key.keyId }, parent);
    // Two topics, because CloudWatch's messages carry no attribute a subscription could filter
    // pages from tickets by: `<prefix>-alarms` for what must wake someone (pageEndpoints subscribe
    // here), `<prefix>-tickets` for what can wait for working hours (ticketEndpoints).
    const topic = new aws.sns.Topic(`${name}-alarms`, { name: topicName("alarms"), kmsMasterKeyId: key.arn, tags }, parent);
    const ticketTopic = new aws.sns.Topic(`${name}-tickets`, { name: topicName("tickets"), kmsMasterKeyId: key.arn, tags }, parent);
    // Named by the endpoint's id, not its position (subscribers.ts endpointId): a position name
    // that passes to another endpoint is replaced onto it, SNS answers that Subscribe with the
    // endpoint's existing subscription, and deleting the resource that held it unsubscribes it.
    // The alias (the position name of before) makes the first deploy with ids rename each
    // subscription instead of replacing it onto its own endpoint, the same trap. An alias matches
    // by position, so in that deploy every endpoint that stays must keep its position
    // (docs/observability.md).
    const subscription = (prefix: string, s: EndpointSubscription<unknown>) => {
      const { name: logicalName, formerName } = subscriptionNames(prefix, s);
      return { logicalName, opts: { parent: this, aliases: formerName ? [{ name: formerName }] : [] } };
    };
    for (const s of subscribers.alarmEmails.subscriptions) {
      for (const [prefix, target] of [[`${name}-alarms-email`, topic], [`${name}-tickets-email`, ticketTopic]] as const) {
        const { logicalName, opts } = subscription(prefix, s);
        new aws.sns.TopicSubscription(logicalName, { topic: target.arn, protocol: "email", endpoint: s.endpoint }, opts);
      }
    }
    // The pager on the page topic, ticketing on the ticket topic. The provider waits for such an
    // endpoint to confirm (endpointAutoConfirms) and fails the resource when it has not: a URL
    // that answers nothing, or a service that wants a person to confirm, stops the deploy here.
    // The endpoint is a secret: the URL's key would otherwise sit in the state and every preview.
    // SNS's default retries an HTTPS endpoint for a minute, then drops the message: the delivery
    // policy retries for most of an hour (subscribers.ts HTTPS_RETRY_POLICY).
    const endpointSubscription = (prefix: string, target: aws.sns.Topic, s: EndpointSubscription<pulumi.Input<string>>) => {
      const { logicalName, opts } = subscription(prefix, s);
      return new aws.sns.TopicSubscription(logicalName, { topic: target.arn, protocol: "https", endpoint: pulumi.secret(s.endpoint), endpointAutoConfirms: true, confirmationTimeoutInMinutes: ENDPOINT_CONFIRMATION_TIMEOUT_MINUTES, deliveryPolicy: httpsDeliveryPolicy() }, opts);
    };
    for (const s of subscribers.pageEndpoints.subscriptions) endpointSubscription(`${name}-alarms-https`, topic, s);
    for (const s of subscribers.ticketEndpoints.subscriptions) endpointSubscription(`${name}-tickets-https`, ticketTopic, s);

    this.prometheus = args.prometheus
      ? new ManagedPrometheus(`${name}-prometheus`, {
          ...args.prometheus,
          namePrefix: args.namePrefix,
          environment: args.environment,
          region: args.region,
          alarmTopicArn: topic.arn,
          ticketTopicArn: ticketTopic.arn,
          nodeMemoryPercent: objectives.nodeMemoryPercent,
          tags,
        }, parent)
      : undefined;
    // AWS's own moves of this region's traffic (zonal autoshift and its weekly practice runs, FIS
    // and manual zonal shifts, all source aws.arc-zonal-shift) go to the ticket topic: after an
    // autoshift the region runs on fewer AZs with less headroom, while every alarm stays green
    // because the shift worked.
    const zonalShiftRuleName = `${args.namePrefix}-zonal-shifts`;
    const zonalShiftRuleArn = pulumi.interpolate`arn:${partition}:events:${args.region}:${accountId}:rule/${zonalShiftRuleName}`;
    const topicPolicy = (logicalName: string, target: aws.sns.Topic, eventsFrom?: pulumi.Input<string>) => new aws.sns.TopicPolicy(logicalName, {
      arn: target.arn,
      policy: pulumi.all([target.arn, accountId, partition, this.prometheus?.workspaceArn, eventsFrom]).apply(([topicArn, account, part, workspaceArn, ruleArn]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountManages",
            Effect: "Allow",
            Principal: { AWS: `arn:${part}:iam::${account}:root` },
            Action: ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:DeleteTopic", "sns:AddPermission", "sns:RemovePermission"],
            Resource: topicArn,
          },
          {
            Sid: "RegionAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:${part}:cloudwatch:${args.region}:${account}:alarm:${args.namePrefix}-*` } },
          },
          ...(workspaceArn
            ? [{
                Sid: "AlertmanagerPublishes",
                Effect: "Allow",
                Principal: { Service: "aps.amazonaws.com" },
                Action: ["sns:Publish", "sns:GetTopicAttributes"],
                Resource: topicArn,
                Condition: { StringEquals: { "aws:SourceAccount": account }, ArnEquals: { "aws:SourceArn": workspaceArn } },
              }]
            : []),
          ...(ruleArn
            ? [{
                Sid: "ZonalShiftEventsPublish",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
              }]
            : []),
          { Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: topicArn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
      })),
    }, parent);
    topicPolicy(`${name}-alarms`, topic);
    const ticketPolicy = topicPolicy(`${name}-tickets`, ticketTopic, zonalShiftRuleArn);
    const zonalShifts = new aws.cloudwatch.EventRule(`${name}-zonal-shifts`, {
      name: zonalShiftRuleName,
      description: `${args.namePrefix}: AWS moved traffic away from an AZ (autoshift, practice run, FIS or manual zonal shift)`,
      // The service's own events only: with a CloudTrail trail, the same source also carries every
      // API call (a deploy's autoshift configuration, a manual shift a second time).
      eventPattern: JSON.stringify({ source: ["aws.arc-zonal-shift"], "detail-type": [{ "anything-but": "AWS API Call via CloudTrail" }] }),
      tags,
    }, parent);
    new aws.cloudwatch.EventTarget(`${name}-zonal-shifts`, { rule: zonalShifts.name, arn: ticketTopic.arn }, { parent: this, dependsOn: [ticketPolicy] });

    const { watchedRegions, ...ownProbe } = args.canary ?? { watchedRegions: undefined };
    this.canary = args.canary
      ? new SyntheticProbe(`${name}-probe`, { ...(ownProbe as NonNullable<RegionalObservabilityArgs["canary"]>), namePrefix: args.namePrefix, loadBalancerDnsName: args.loadBalancer.dnsName, kmsKeyArn: key.arn, startAfter: args.servingDependsOn, tags }, parent)
      : undefined;
    // The watch shares the region's probe bucket and code (Synthetics keeps each canary's artifacts under its name).
    this.watch = this.canary && watchedRegions?.length
      ? new SyntheticProbe(`${name}-watch`, { ...(ownProbe as NonNullable<RegionalObservabilityArgs["canary"]>), watchedRegions, artifacts: this.canary.artifacts, namePrefix: watchPrefix(args), loadBalancerDnsName: args.loadBalancer.dnsName, kmsKeyArn: key.arn, startAfter: args.servingDependsOn, tags }, parent)
      : undefined;

    // --- alarms ---
    const actions = [topic.arn];
    const actionsFor = (severity: AlarmSpec["severity"]) => (severity === "ticket" ? [ticketTopic.arn] : actions);
    this.alarmArns = {};
    const probes = { canary: this.canary, watch: this.watch };
    const created = new Map<string, pulumi.Resource>();
    for (const spec of plan.alarms) {
      const routed = spec.routing === "topic" ? actionsFor(spec.severity) : [];
      const alarm = new aws.cloudwatch.MetricAlarm(`${name}-${spec.key}`, {
        ...metricAlarmInputs(spec),
        alarmActions: routed,
        okActions: routed,
        tags,
        // Silence counts as failure: created once something serves, or it pages during the deploy.
        // A probe's alarm after its probe (the canary started), whose metric it reads.
      }, { parent: this, dependsOn: [...(spec.treatMissingData === "breaching" ? (args.servingDependsOn ?? []) : []), ...(spec.probe && probes[spec.probe] ? [probes[spec.probe]!] : [])] });
      created.set(spec.name, alarm);
      this.alarmArns[spec.name] = alarm.arn;
    }
    for (const spec of plan.composites) {
      const composite = new aws.cloudwatch.CompositeAlarm(`${name}-${spec.key}`, {
        alarmName: spec.name,
        alarmDescription: spec.description,
        alarmRule: spec.rule,
        ...(spec.severity === "none" ? {} : { alarmActions: actionsFor(spec.severity), okActions: actionsFor(spec.severity) }),
        tags,
        // CloudWatch refuses a rule that names an alarm that does not exist yet.
      }, { parent: this, dependsOn: spec.children.map((child) => created.get(child)!).filter(Boolean) });
      created.set(spec.name, composite);
      this.alarmArns[spec.name] = composite.arn;
    }
    this.regionImpairedAlarmArn = this.alarmArns[`${args.namePrefix}-region-impaired`];

    // --- dashboard ---
    this.dashboardName = dashboardName(args.namePrefix);
    const lagThresholdMs = replicationLagThresholdMs(objectives.rpoSeconds, args.globalRpoParameterSeconds);
    const dbValues = db ? pulumi.output(db.clusterIdentifier).apply((clusterIdentifier) => ({ clusterIdentifier, lagThresholdMs })) : pulumi.output(undefined);
    new aws.cloudwatch.Dashboard(`${name}-dashboard`, {
      dashboardName: this.dashboardName,
      dashboardBody: pulumi
        .all([args.loadBalancer.arnSuffix, args.loadBalancer.targetGroupArnSuffix, args.availabilityZones, args.nodes.autoScalingGroupName, dbValues, pulumi.all(Object.values(this.alarmArns)), this.prometheus?.workspaceId])
        .apply(([loadBalancer, targetGroup, availabilityZones, autoScalingGroupName, database, alarmArns, prometheusWorkspaceId]) => JSON.stringify(regionalDashboardBody({
          region: args.region,
          prefix: args.namePrefix,
          loadBalancer,
          targetGroup,
          availabilityZones,
          autoScalingGroupName,
          objectives,
          ...(database ? { database } : {}),
          ...(this.canary ? { canaryName: this.canary.canaryName } : {}),
          alarmArns,
          ...(prometheusWorkspaceId ? { prometheusWorkspaceId } : {}),
        }))),
    }, parent);

    this.topicArn = topic.arn;
    this.ticketTopicArn = ticketTopic.arn;
    this.alarms = plan.alarms;
    this.composites = plan.composites;
    this.objectives = objectives;
    this.registerOutputs({
      topicArn: this.topicArn,
      dashboardName: this.dashboardName,
      regionImpairedAlarmArn: this.regionImpairedAlarmArn,
      alarmArns: this.alarmArns,
    });
  }
}
