import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionalAppLabel, ROUTE53_HOME_REGION, resolveHealthCheck, type FailoverRole, type HealthCheckInput, type HealthCheckSettings } from "./lib/dns";

export interface RegionalEndpointArgs {
  /** The region this endpoint serves (the latency record's region and set identifier). */
  region: string;
  /** Hosted zone of the environment (GlobalTraffic.zoneId). */
  zoneId: pulumi.Input<string>;
  /** Name of that zone, e.g. `prod.example.com` (GlobalTraffic.zoneName). */
  zoneName: pulumi.Input<string>;
  /**
   * Label of the latency-routed application name: `<appRecordName>.<zoneName>`.
   * @default "app"
   */
  appRecordName?: string;
  /** The regional ALB the records alias and the health check probes. */
  loadBalancer: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
  /**
   * Route 53 HTTPS health check of the ALB. The ALB must answer `path` for any Host header:
   * the checkers send the ALB's own DNS name as Host and SNI (Route 53 does not validate the
   * certificate, so the app's certificate is fine).
   * @default { path: "/healthz", intervalSeconds: 10, failureThreshold: 3, regions: ["us-east-1", "us-west-2", "eu-west-1"], port: 443 }
   */
  healthCheck?: HealthCheckInput;
  /**
   * This region's ARC routing control (GlobalTraffic.routingControlArns[region]). When given,
   * the records follow a calculated health check that is healthy only while the endpoint is
   * healthy **and** the routing control is On, so operators can evacuate the region.
   * @default none: the records follow the HTTPS health check alone
   */
  routingControlArn?: pulumi.Input<string>;
  /**
   * The failover record of the write name, `<recordName>.<zoneName>`: PRIMARY in the primary
   * database region, SECONDARY in the first secondary, absent elsewhere (see
   * `planFailoverRecords`, which decides it for a whole environment).
   * @default none: this region publishes no failover record
   */
  writer?: { recordName: string; role: FailoverRole };
  /**
   * SNS topic (in us-east-1: GlobalTraffic.alarmTopicArn) the out-of-rotation alarm notifies: a
   * page, since it cannot tell an outage from an evacuation.
   * @default none: the alarm only changes state
   */
  alarmTopicArn?: pulumi.Input<string>;
  /**
   * SNS topic (in us-east-1: GlobalTraffic.ticketTopicArn) the routing-control-off alarm notifies.
   * A routing control is only ever switched Off by a person (an evacuation), who needs no page
   * about it; the out-of-rotation alarm pages for the same evacuation anyway.
   * @default alarmTopicArn
   */
  ticketTopicArn?: pulumi.Input<string>;
  /**
   * Explicit names of the DNS alarms (both in us-east-1), so dashboards of other stacks and
   * runbooks can refer to them: `outOfRotation` for the alarm on the check the records follow,
   * `routingControlOff` for the alarm on the ARC routing control alone (created with ARC only).
   * @default auto-named
   */
  alarmNames?: { outOfRotation?: string; routingControlOff?: string };
  /**
   * Tags for the health checks and the alarm.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * One region's entry in the environment's DNS: an HTTPS health check of its ALB (plus, with
 * ARC, a routing-control check and a calculated check of both), a latency alias record for the
 * application name, optionally a failover alias record for the write name, and a CloudWatch
 * alarm on the health check. Lives in the regional stack.
 *
 * The alarm watches the check the records follow, so it means "this region is out of DNS
 * rotation", whether the endpoint failed or an operator switched the region Off. Routing
 * controls are created Off, so with ARC the alarm fires after the first deployment until the
 * region is switched On.
 *
 * Worst-case DNS failover for the settings in use: `dnsFailoverFigure` (threshold × (interval +
 * the check's 6 s timeout) + the ALB's 60 s alias TTL; 108 s with the defaults).
 */
export class RegionalEndpoint extends pulumi.ComponentResource {
  /** The health check the records use (the calculated one with ARC, else the HTTPS one). */
  readonly healthCheckId: pulumi.Output<string>;
  /** The HTTPS health check of the ALB. */
  readonly endpointHealthCheckId: pulumi.Output<string>;
  /** The name of this region's load balancer alone (`<appRecordName>-<region>.<zone>`), for other regions' probes. */
  readonly ownFqdn: pulumi.Output<string>;
  /** Names this region publishes: the application name, then the write name if any. */
  readonly recordFqdns: pulumi.Output<string>[];
  readonly failoverRole: FailoverRole | undefined;
  readonly alarmArn: pulumi.Output<string>;
  /** The RECOVERY_CONTROL health check that mirrors this region's ARC routing control (with ARC). */
  readonly routingControlHealthCheckId?: pulumi.Output<string>;
  readonly healthCheck: HealthCheckSettings;

  constructor(name: string, args: RegionalEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: a bad argument must not leave half a component.
    const check = resolveHealthCheck(args.healthCheck);
    if (args.writer && args.writer.role !== "PRIMARY" && args.writer.role !== "SECONDARY") {
      throw new RangeError(`${name}: writer.role must be PRIMARY or SECONDARY, not ${String(args.writer.role)}`);
    }
    super("platform:dns:RegionalEndpoint", name, {}, opts);
    const tags = args.tags ?? {};
    const parent = { parent: this };

    // requestInterval and measureLatency cannot change after creation: changing them replaces
    // the check (records follow the new id).
    const https = new aws.route53.HealthCheck(`${name}-https`, {
      type: "HTTPS",
      fqdn: args.loadBalancer.dnsName,
      port: check.port,
      resourcePath: check.path,
      enableSni: true,
      requestInterval: check.intervalSeconds,
      failureThreshold: check.failureThreshold,
      regions: [...check.regions],
      measureLatency: true,
      tags: { ...tags, Name: `${name}-https` },
    }, parent);

    let routing = https;
    let arcCheck: aws.route53.HealthCheck | undefined;
    if (args.routingControlArn !== undefined) {
      const arc = arcCheck = new aws.route53.HealthCheck(`${name}-arc`, {
        type: "RECOVERY_CONTROL",
        routingControlArn: args.routingControlArn,
        tags: { ...tags, Name: `${name}-arc` },
      }, parent);
      // Healthy only when both children are: the endpoint answers and the region is switched On.
      routing = new aws.route53.HealthCheck(`${name}-routing`, {
        type: "CALCULATED",
        childHealthchecks: [https.id, arc.id],
        childHealthThreshold: 2,
        tags: { ...tags, Name: `${name}-routing` },
      }, parent);
    }

    const alias = { name: args.loadBalancer.dnsName, zoneId: args.loadBalancer.zoneId, evaluateTargetHealth: true };
    // Alias records carry no TTL: resolvers cache them for the ALB's (60 s), which is the TTL
    // term of the failover figure.
    const appFqdn = pulumi.interpolate`${args.appRecordName ?? "app"}.${args.zoneName}`;
    const app = new aws.route53.Record(`${name}-app`, {
      zoneId: args.zoneId,
      name: appFqdn,
      type: "A",
      setIdentifier: args.region,
      latencyRoutingPolicies: [{ region: args.region }],
      healthCheckId: routing.id,
      aliases: [alias],
    }, parent);
    // This region's load balancer alone, by name: other regions' probes ask it (regionalAppLabel).
    // No routing policy and no health check: a probe must reach the region even when DNS has
    // taken it out of rotation.
    const own = new aws.route53.Record(`${name}-app-own`, {
      zoneId: args.zoneId,
      name: pulumi.interpolate`${regionalAppLabel(args.appRecordName ?? "app", args.region)}.${args.zoneName}`,
      type: "A",
      aliases: [{ ...alias, evaluateTargetHealth: false }],
    }, parent);
    this.ownFqdn = own.fqdn;
    this.recordFqdns = [app.fqdn];

    if (args.writer) {
      const writer = new aws.route53.Record(`${name}-writer`, {
        zoneId: args.zoneId,
        name: pulumi.interpolate`${args.writer.recordName}.${args.zoneName}`,
        type: "A",
        setIdentifier: `${args.region}-${args.writer.role.toLowerCase()}`,
        failoverRoutingPolicies: [{ type: args.writer.role }],
        healthCheckId: routing.id,
        aliases: [alias],
      }, parent);
      this.recordFqdns.push(writer.fqdn);
    }

    // AWS/Route53 metrics are published only in us-east-1, so the alarm must be created there
    // (an alarm elsewhere would never see a data point), whatever region this stack deploys.
    const pages = args.alarmTopicArn !== undefined ? [args.alarmTopicArn] : [];
    const tickets = args.ticketTopicArn !== undefined ? [args.ticketTopicArn] : pages;
    // One alarm per check: "HealthCheckStatus < 1" in us-east-1; a check that stops reporting is
    // not a healthy one.
    const healthAlarm = (logicalName: string, alarmName: string | undefined, checkId: pulumi.Output<string>, description: pulumi.Input<string>, actions: pulumi.Input<string>[]) =>
      new aws.cloudwatch.MetricAlarm(logicalName, {
        ...(alarmName ? { name: alarmName } : {}),
        region: ROUTE53_HOME_REGION,
        alarmDescription: description,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: checkId },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        treatMissingData: "breaching",
        alarmActions: actions,
        okActions: actions,
        tags,
      }, parent);
    const alarm = healthAlarm(`${name}-health`, args.alarmNames?.outOfRotation, routing.id,
      pulumi.interpolate`${args.region} is out of DNS rotation: Route 53 health check ${routing.id} is unhealthy (endpoint down or ARC routing control Off)`, pages);
    if (arcCheck) {
      // The routing control alone: tells "an operator switched the region Off" apart from "the
      // endpoint failed" (the alarm above fires for both). A ticket: the switch is deliberate, and
      // the alarm above already pages for the region leaving rotation.
      healthAlarm(`${name}-routing-control`, args.alarmNames?.routingControlOff, arcCheck.id,
        pulumi.interpolate`${args.region}'s ARC routing control is Off (health check ${arcCheck.id}): the region is evacuated on purpose`, tickets);
      this.routingControlHealthCheckId = arcCheck.id;
    }

    this.healthCheckId = routing.id;
    this.endpointHealthCheckId = https.id;
    this.failoverRole = args.writer?.role;
    this.alarmArn = alarm.arn;
    this.healthCheck = check;

    this.registerOutputs({
      healthCheckId: this.healthCheckId,
      endpointHealthCheckId: this.endpointHealthCheckId,
      recordFqdns: this.recordFqdns,
      alarmArn: this.alarmArn,
    });
  }
}
