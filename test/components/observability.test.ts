/**
 * RegionalObservability and GlobalObservability under the fake cloud: the alarms as CloudWatch
 * receives them (metric, namespace, dimension names written out literally), where they go, and
 * the topic, key, Prometheus, canary and dashboards around them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import { endpointId, HTTPS_RETRY_POLICY } from "../../components/observability/subscribers";

let cloud: FakeCloud;
const LB = "app/prod-eu-west-1-alb-1a2b3c4/50dc6c495c0c9188";
const TG = "targetgroup/prod-eu-west-1-tg-9f8e7d6/73e2d6bc24d8a067";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const GROUP = "00000000-1111-2222-3333-444444444444";

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "observability-test", region: "eu-west-1" });
  const { RegionalObservability } = await import("../../components/observability/regional");
  const { GlobalObservability } = await import("../../components/observability/global");
  const aws = await import("@pulumi/aws");
  // What serves behind the ALB (in a Region: the service).
  const serving = new aws.ssm.Parameter("serving-stand-in", { type: "String", value: "serving" });
  new RegionalObservability("prod-eu-west-1", {
    servingDependsOn: [serving],
    region: "eu-west-1",
    namePrefix: "prod-eu-west-1",
    environment: "prod",
    regionCount: 3,
    objectives: { availabilityPercent: 99.95 },
    loadBalancer: { arnSuffix: LB, targetGroupArnSuffix: TG, dnsName: "prod-alb-1.eu-west-1.elb.amazonaws.com" },
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    nodes: { autoScalingGroupName: "prod-eu-west-1-asg-1" },
    database: { clusterIdentifier: "prod-eu-west-1", engine: "aurora-postgresql", engineVersion: "16.6", instanceClass: "db.r7g.2xlarge" },
    alarmEmails: ["oncall@example.com"],
    pageEndpoints: ["https://events.pagerduty.com/integration/k1/enqueue"],
    ticketEndpoints: ["https://tickets.example.org/sns"],
    prometheus: {
      cluster: { name: "prod-eu-west-1", arn: "arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-west-1", vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b", "subnet-c"], clusterSecurityGroupId: "sg-cluster", nodeSecurityGroupId: "sg-nodes" },
      retentionDays: 180,
    },
    canary: { publicName: "app.prod.example.com", runtimeVersion: "syn-nodejs-puppeteer-15.0", intervalMinutes: 1 },
  });
  new GlobalObservability("prod", {
    environment: "prod",
    regions: [
      { region: "us-east-1", prefix: "prod-us-east-1", primary: true, databaseClusterIdentifier: "prod-us-east-1" },
      { region: "eu-west-1", prefix: "prod-eu-west-1", primary: false, databaseClusterIdentifier: "prod-eu-west-1" },
    ],
    arcEnabled: true,
    lagThresholdMs: 30_000,
    route53Region: "us-east-1",
    grafana: { adminGroupIds: [GROUP] },
  });
  await settle();
});

const ofType = (type: string) => cloud.resources.filter((r) => r.type === type);
function one(type: string, predicate: (r: RecordedResource) => boolean = () => true): RecordedResource {
  const found = ofType(type).filter(predicate);
  if (found.length !== 1) throw new Error(`${found.length} resources of ${type}`);
  return found[0];
}
const alarmNamed = (name: string) => one(ALARM, (r) => r.inputs.name === name);

describe("regional alarms as CloudWatch receives them", () => {
  it("alarms on the share of the reference service's requests within the latency threshold (PR) with AWS's dimension names, at the fast burn", () => {
    expect(alarmNamed("prod-eu-west-1-latency-p99").inputs).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      dimensions: { LoadBalancer: LB, TargetGroup: TG },
      extendedStatistic: "PR(:0.3)",
      comparisonOperator: "LessThanOrEqualToThreshold",
      period: 60,
      threshold: 85.6,
      evaluateLowSampleCountPercentiles: "ignore",
    });
  });

  it("computes the error rate from HTTPCode_Target_5XX_Count and HTTPCode_ELB_5XX_Count per LoadBalancer, at the objective's fast burn", () => {
    const inputs = alarmNamed("prod-eu-west-1-error-rate").inputs;
    const queries = inputs.metricQueries as { id: string; metric?: { metricName: string; dimensions: Record<string, string>; namespace: string } }[];
    expect(queries.filter((q) => q.metric).map((q) => [q.metric!.namespace, q.metric!.metricName, Object.keys(q.metric!.dimensions)])).toEqual([
      ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ["LoadBalancer"]],
      ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ["LoadBalancer"]],
      ["AWS/ApplicationELB", "RequestCount", ["LoadBalancer"]],
    ]);
    // 99.95 % leaves 0.05 %; burning it 14.4× is 0.72 % errors.
    expect(inputs.threshold).toBe(0.72);
    expect(inputs.namespace).toBeUndefined();
  });

  it("pages on AuroraGlobalDBRPOLag of the member whatever dimensions it comes with (a Metrics Insights query), at half the 60 s RPO, straight to the topic", () => {
    const topic = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-alarms");
    const lag = alarmNamed("prod-eu-west-1-replication-lag").inputs;
    expect(lag).toMatchObject({ threshold: 30_000, treatMissingData: "notBreaching", alarmActions: [topic.outputs.arn] });
    expect(lag.metricName).toBeUndefined();
    expect(lag.metricQueries).toEqual([{
      id: "lag",
      returnData: true,
      label: "AuroraGlobalDBRPOLag (ms)",
      expression: `SELECT MAX(AuroraGlobalDBRPOLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'prod-eu-west-1'`,
      period: 60,
    }]);
  });

  it("sends leaf golden-signal alarms nowhere themselves: the region-impaired composite routes them", () => {
    const topic = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-alarms");
    expect(alarmNamed("prod-eu-west-1-error-rate").inputs.alarmActions).toEqual([]);
    const impaired = one(COMPOSITE, (r) => r.inputs.alarmName === "prod-eu-west-1-region-impaired");
    expect(impaired.inputs.alarmRule).toBe(["error-rate", "latency-p99", "no-healthy-targets", "canary"].map((k) => `ALARM("prod-eu-west-1-${k}")`).join(" OR "));
    expect(impaired.inputs.alarmActions).toEqual([topic.outputs.arn]);
    // Created after its children: CloudWatch refuses a rule naming a missing alarm.
    const children = ["error-rate", "latency-p99", "no-healthy-targets", "canary"].map((k) => alarmNamed(`prod-eu-west-1-${k}`).urn);
    expect(impaired.dependsOn).toEqual(expect.arrayContaining(children));
  });

  it("alarms on the canary it creates, by its exact name", () => {
    const canary = one("aws:synthetics/canary:Canary");
    expect(alarmNamed("prod-eu-west-1-canary").inputs).toMatchObject({ namespace: "CloudWatchSynthetics", metricName: "SuccessPercent", dimensions: { CanaryName: canary.inputs.name }, period: 60 });
  });

  it("creates the six burn-rate composites over twelve window alarms", () => {
    expect(ofType(ALARM).filter((r) => String(r.inputs.name).includes("-slo-"))).toHaveLength(12);
    expect(ofType(COMPOSITE).filter((r) => String(r.inputs.alarmName).includes("-slo-"))).toHaveLength(6);
  });
});

describe("the regional topic", () => {
  it("is encrypted with a customer key that lets CloudWatch and AMP's Alertmanager publish, and has a subscriber", () => {
    const topic = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-alarms");
    const key = one("aws:kms/key:Key", (r) => r.name === "prod-eu-west-1-observability");
    expect(topic.inputs.kmsMasterKeyId).toBe(key.outputs.arn);
    expect(key.protect).toBe(true);
    type Statement = { Sid: string; Principal: { Service?: string }; Action: string[]; Condition: Record<string, Record<string, unknown>> };
    const statements = JSON.parse(String(key.inputs.policy)).Statement as Statement[];
    const alarms = statements.find((s) => s.Sid === "AlarmsPublish")!;
    expect([alarms.Principal.Service, alarms.Action, alarms.Condition]).toEqual(["cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"], { StringEquals: { "aws:SourceAccount": "123456789012" } }]);
    // Alertmanager: scoped by the encryption context SNS always sets, to exactly the two topics
    // (no aws:SourceAccount, which AMP is not documented to send).
    const alertmanager = statements.find((s) => s.Sid === "AlertmanagerPublishes")!;
    expect(alertmanager.Principal.Service).toBe("aps.amazonaws.com");
    expect(alertmanager.Condition).toEqual({ StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": ["prod-eu-west-1-alarms", "prod-eu-west-1-tickets"].map((n) => one("aws:sns/topic:Topic", (r) => r.inputs.name === n).outputs.arn) } });
    expect(one("aws:sns/topicSubscription:TopicSubscription", (r) => r.inputs.topic === topic.outputs.arn && r.inputs.protocol === "email").inputs).toMatchObject({ protocol: "email", endpoint: "oncall@example.com" });
  });

  it("tickets AWS's own zonal shifts of the region (autoshift, practice runs): EventBridge may publish to the ticket topic only, from that rule", () => {
    const rule = one("aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.name === "prod-eu-west-1-zonal-shifts");
    expect(JSON.parse(String(rule.inputs.eventPattern))).toEqual({ source: ["aws.arc-zonal-shift"], "detail-type": [{ "anything-but": "AWS API Call via CloudTrail" }] });
    const tickets = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-tickets");
    expect(one("aws:cloudwatch/eventTarget:EventTarget", (r) => r.inputs.rule === rule.outputs.name).inputs.arn).toBe(tickets.outputs.arn);
    const policyOf = (topic: string) => JSON.parse(String(one("aws:sns/topicPolicy:TopicPolicy", (r) => r.inputs.arn === one("aws:sns/topic:Topic", (t) => t.inputs.name === topic).outputs.arn).inputs.policy)).Statement as { Sid: string; Condition?: unknown }[];
    expect(policyOf("prod-eu-west-1-tickets").find((st) => st.Sid === "ZonalShiftEventsPublish")?.Condition).toEqual({ ArnEquals: { "aws:SourceArn": rule.outputs.arn } });
    expect(policyOf("prod-eu-west-1-alarms").some((st) => st.Sid === "ZonalShiftEventsPublish")).toBe(false);
    const key = one("aws:kms/key:Key", (r) => r.name === "prod-eu-west-1-observability");
    const events = (JSON.parse(String(key.inputs.policy)).Statement as { Sid: string; Condition: unknown }[]).find((st) => st.Sid === "EventsPublish")!;
    expect(events.Condition).toEqual({ StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": tickets.outputs.arn } });
  });

  it("lets only this region's alarms and this environment's Prometheus workspace publish, to either topic", () => {
    const policies = ofType("aws:sns/topicPolicy:TopicPolicy");
    expect(policies.map((p) => p.inputs.arn).sort()).toEqual(ofType("aws:sns/topic:Topic").map((t) => t.outputs.arn).sort());
    for (const p of policies) {
      const policy = JSON.parse(String(p.inputs.policy)) as { Statement: { Sid: string; Condition?: Record<string, Record<string, string>> }[] };
      const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
      expect(bySid.RegionAlarmsPublish.Condition!.ArnLike["aws:SourceArn"]).toBe("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-eu-west-1-*");
      expect(bySid.AlertmanagerPublishes.Condition!.ArnEquals["aws:SourceArn"]).toBe(one("aws:amp/workspace:Workspace").outputs.arn);
    }
  });

  it("sends pages and tickets to two topics (CloudWatch's messages carry nothing a pager could filter by), each with the subscriber", () => {
    const pages = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-alarms");
    const tickets = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-tickets");
    expect(tickets.inputs.kmsMasterKeyId).toBe(pages.inputs.kmsMasterKeyId);
    expect(one("aws:sns/topicSubscription:TopicSubscription", (r) => r.inputs.topic === tickets.outputs.arn && r.inputs.protocol === "email").inputs.endpoint).toBe("oncall@example.com");
    expect(alarmNamed("prod-eu-west-1-db-writer-cpu").inputs.alarmActions).toEqual([tickets.outputs.arn]);
    expect(alarmNamed("prod-eu-west-1-replication-lag").inputs.alarmActions).toEqual([pages.outputs.arn]);
    const composite = (name: string) => one(COMPOSITE, (r) => r.inputs.alarmName === name).inputs.alarmActions;
    expect(composite("prod-eu-west-1-region-impaired")).toEqual([pages.outputs.arn]);
    expect(composite("prod-eu-west-1-slo-availability-ticket")).toEqual([tickets.outputs.arn]);
  });

  it("subscribes the pager to the page topic and ticketing to the ticket topic, over HTTPS, the URLs secret, failing the deploy when one does not confirm", () => {
    const pages = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-alarms");
    const tickets = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-tickets");
    const https = ofType("aws:sns/topicSubscription:TopicSubscription").filter((r) => r.inputs.protocol === "https");
    // Given as plain strings, kept secret (the URL's key opens incidents) in the state and the plan;
    // named by the URL's id, not its position, answering to the position name of before (an alias).
    const [pager, ticketing] = [endpointId("https://events.pagerduty.com/integration/k1/enqueue"), endpointId("https://tickets.example.org/sns")];
    expect(https.map((r) => [r.name, r.inputs.topic, r.inputs.endpoint, r.outputs.endpoint])).toEqual([
      [`prod-eu-west-1-alarms-https-${pager}`, pages.outputs.arn, "[secret]", "[secret]"],
      [`prod-eu-west-1-tickets-https-${ticketing}`, tickets.outputs.arn, "[secret]", "[secret]"],
    ]);
    expect(https.map((r) => r.aliases.map((a) => a.split("::").pop()))).toEqual([["prod-eu-west-1-alarms-https-1"], ["prod-eu-west-1-tickets-https-1"]]);
    // The mailbox is no credential; its subscriptions are named by the address's id as well.
    const email = ofType("aws:sns/topicSubscription:TopicSubscription").filter((r) => r.inputs.protocol === "email");
    expect(email.map((r) => [r.name, r.inputs.endpoint, r.aliases.map((a) => a.split("::").pop())])).toEqual([
      [`prod-eu-west-1-alarms-email-${endpointId("oncall@example.com")}`, "oncall@example.com", ["prod-eu-west-1-alarms-email-1"]],
      [`prod-eu-west-1-tickets-email-${endpointId("oncall@example.com")}`, "oncall@example.com", ["prod-eu-west-1-tickets-email-1"]],
    ]);
    // The provider waits for such an endpoint to confirm, and fails the resource after the timeout.
    for (const r of https) expect(r.inputs).toMatchObject({ endpointAutoConfirms: true, confirmationTimeoutInMinutes: 5 });
    // SNS retries them for most of an hour, not its default three times in a minute.
    // (the policy's figures are judged against SNS's limits in subscribers.test.ts).
    for (const r of https) expect(JSON.parse(String(r.inputs.deliveryPolicy))).toEqual({ healthyRetryPolicy: HTTPS_RETRY_POLICY });
    // E-mail has no delivery policy of its own.
    for (const r of email) expect(r.inputs.deliveryPolicy).toBeUndefined();
  });

  it("tickets the page topic's failed deliveries on the ticket topic, another channel than the failing one", () => {
    const tickets = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-tickets");
    expect(alarmNamed("prod-eu-west-1-page-delivery-failed").inputs).toMatchObject({
      namespace: "AWS/SNS",
      metricName: "NumberOfNotificationsFailed",
      dimensions: { TopicName: "prod-eu-west-1-alarms" },
      statistic: "Sum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      period: 300,
      treatMissingData: "notBreaching",
      alarmActions: [tickets.outputs.arn],
    });
  });
});

describe("Prometheus and the synthetic probe", () => {
  it("keeps the workspace on an AWS-owned key (the managed scraper could not write to a customer key), keeps data as configured, scrapes the cluster from its own security group", () => {
    const workspace = one("aws:amp/workspace:Workspace");
    expect(workspace.inputs.kmsKeyArn).toBeUndefined();
    expect(one("aws:amp/workspaceConfiguration:WorkspaceConfiguration").inputs.retentionPeriodInDays).toBe(180);
    const scraper = one("aws:amp/scraper:Scraper");
    const sg = one("aws:ec2/securityGroup:SecurityGroup", (r) => r.name === "prod-eu-west-1-prometheus-scraper");
    expect(scraper.inputs.source).toEqual({ eks: { clusterArn: "arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-west-1", subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupIds: [sg.id] } });
    expect(scraper.inputs.destination).toEqual({ amp: { workspaceArn: workspace.outputs.arn } });
    // The nodes and the API admit the scraper; nothing else is opened.
    const ingress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.referencedSecurityGroupId === sg.id);
    expect(ingress.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.toPort]).sort()).toEqual([["sg-cluster", 443, 443], ["sg-nodes", 1, 65535]]);
    // AMP creates the scraper's access entry itself in API authentication mode.
    expect(ofType("aws:eks/accessEntry:AccessEntry")).toEqual([]);
  });

  it("pins the canary's runtime, encrypts its artifacts with KMS and scopes its role", () => {
    const canary = one("aws:synthetics/canary:Canary");
    expect(canary.inputs).toMatchObject({ name: "prod-eu-west-1", runtimeVersion: "syn-nodejs-puppeteer-15.0", handler: "probe.handler", schedule: { expression: "rate(1 minute)" }, startCanary: true, successRetentionPeriod: 31, failureRetentionPeriod: 31 });
    expect((canary.inputs.artifactConfig as { s3Encryption: { encryptionMode: string } }).s3Encryption.encryptionMode).toBe("SSE_KMS");
    const targets = JSON.parse((canary.inputs.runConfig as { environmentVariables: { PROBE_TARGETS: string } }).environmentVariables.PROBE_TARGETS);
    expect(targets.map((t: { url: string }) => t.url)).toEqual(["https://app.prod.example.com/healthz", "https://prod-alb-1.eu-west-1.elb.amazonaws.com/healthz"]);
    const statements = JSON.parse(String(one("aws:iam/rolePolicy:RolePolicy", (r) => r.name === "prod-eu-west-1-probe-canary").inputs.policy)).Statement as { Sid: string; Resource: unknown; Condition?: unknown }[];
    expect(statements.find((s) => s.Sid === "Logs")!.Resource).toBe("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cwsyn-prod-eu-west-1-*");
    expect(statements.find((s) => s.Sid === "Metrics")!.Condition).toEqual({ StringEquals: { "cloudwatch:namespace": "CloudWatchSynthetics" } });
  });

  it("waits for what serves before the canary and the alarms that count silence as failure, so a first deploy does not page", () => {
    const serving = one("aws:ssm/parameter:Parameter", (r) => r.name === "serving-stand-in").urn;
    const canary = one("aws:synthetics/canary:Canary");
    expect(canary.dependsOn).toEqual(expect.arrayContaining([serving, one("aws:iam/rolePolicy:RolePolicy", (r) => r.name === "prod-eu-west-1-probe-canary").urn]));
    expect(alarmNamed("prod-eu-west-1-no-healthy-targets").dependsOn).toContain(serving);
    // The canary's alarms come after the canary they read, and take runs that did not happen
    // (before its first run, while an update stops and restarts it) as missing: no page.
    for (const name of ["prod-eu-west-1-canary", "prod-eu-west-1-canary-silent"]) expect(alarmNamed(name).dependsOn, name).toContain(canary.urn);
    expect(alarmNamed("prod-eu-west-1-canary").inputs.treatMissingData).toBe("missing");
    // The others watch from the first minute: missing data is not a failure for them.
    expect(alarmNamed("prod-eu-west-1-error-rate").dependsOn ?? []).not.toContain(serving);
  });

  it("tickets a canary that reports no run for 30 minutes, to the ticket topic", () => {
    const tickets = one("aws:sns/topic:Topic", (r) => r.inputs.name === "prod-eu-west-1-tickets");
    expect(alarmNamed("prod-eu-west-1-canary-silent").inputs).toMatchObject({
      // An empty window is a 0 (FILL), not missing data CloudWatch would skip while an older run is in range.
      metricQueries: [
        { id: "runs", returnData: false, metric: { namespace: "CloudWatchSynthetics", metricName: "SuccessPercent", dimensions: { CanaryName: "prod-eu-west-1" }, stat: "SampleCount", period: 1800 } },
        { id: "reported", returnData: true, label: "canary runs reported (count)", expression: "FILL(runs, 0)" },
      ],
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: "breaching",
      alarmActions: [tickets.outputs.arn],
    });
  });

  it("configures the canary's bucket one change at a time, the policy last (S3 answers OperationAborted to concurrent ones)", () => {
    const part = (type: string) => one(`aws:s3/${type}`, (r) => r.name.endsWith("-canary"));
    const [access, ownership, encryption, lifecycle, policy] = ["bucketPublicAccessBlock:BucketPublicAccessBlock", "bucketOwnershipControls:BucketOwnershipControls", "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucketPolicy:BucketPolicy"].map(part);
    expect(ownership.dependsOn).toContain(access.urn);
    expect(encryption.dependsOn).toContain(ownership.urn);
    expect(lifecycle.dependsOn).toContain(encryption.urn);
    expect(policy.dependsOn).toContain(lifecycle.urn);
  });
});

describe("dashboards and Grafana", () => {
  it("gives the region a dashboard named after it", () => {
    const dashboard = one("aws:cloudwatch/dashboard:Dashboard", (r) => r.inputs.dashboardName === "prod-eu-west-1");
    const body = JSON.parse(String(dashboard.inputs.dashboardBody));
    const grid = body.widgets.find((w: { type: string }) => w.type === "alarm");
    expect(grid.properties.alarms).toContain("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-eu-west-1-region-impaired");
  });

  it("gives the environment a global dashboard and a Grafana workspace with a least-privilege role", () => {
    one("aws:cloudwatch/dashboard:Dashboard", (r) => r.inputs.dashboardName === "prod-global");
    const workspace = one("aws:grafana/workspace:Workspace");
    const role = one("aws:iam/role:Role", (r) => r.name === "prod-grafana");
    expect(workspace.inputs).toMatchObject({ authenticationProviders: ["AWS_SSO"], permissionType: "CUSTOMER_MANAGED", roleArn: role.outputs.arn, grafanaVersion: "12.4", accountAccessType: "CURRENT_ACCOUNT" });
    expect(workspace.inputs.kmsKeyId).toBe(one("aws:kms/key:Key", (r) => r.name === "prod-grafana").outputs.arn);
    const query = (JSON.parse(String(one("aws:iam/rolePolicy:RolePolicy", (r) => r.name === "prod-grafana").inputs.policy)).Statement as { Sid: string; Resource: unknown; Condition: unknown }[]).find((s) => s.Sid === "QueryEnvironmentPrometheus")!;
    expect(query.Resource).toEqual(["arn:aws:aps:us-east-1:123456789012:workspace/*", "arn:aws:aps:eu-west-1:123456789012:workspace/*"]);
    expect(query.Condition).toEqual({ StringEquals: { "aws:ResourceTag/environment": "prod" } });
    expect(one("aws:grafana/roleAssociation:RoleAssociation").inputs).toMatchObject({ role: "ADMIN", groupIds: [GROUP] });
  });
});

describe("bad arguments", () => {
  it("are refused before anything is registered, naming the argument", async () => {
    const { RegionalObservability } = await import("../../components/observability/regional");
    const { GlobalObservability } = await import("../../components/observability/global");
    const before = cloud.resources.length;
    const base = { region: "eu-west-1", namePrefix: "x", environment: "x", regionCount: 2, loadBalancer: { arnSuffix: LB, targetGroupArnSuffix: TG, dnsName: "d" }, availabilityZones: [], nodes: { autoScalingGroupName: "a" } };
    expect(() => new RegionalObservability("bad-1", { ...base, objectives: { availabilityPercent: 90 } })).toThrow(/objectives\.availabilityPercent must be above 93\.055556/);
    expect(() => new RegionalObservability("bad-2", { ...base, alarmEmails: ["not-an-address"] })).toThrow(/alarmEmails: "not-an-address"/);
    expect(() => new RegionalObservability("bad-4", { ...base, pageEndpoints: ["http://events.pagerduty.com/integration/k/enqueue"] })).toThrow(/^bad-4: pageEndpoints\[0\] must be an https:\/\/ URL \(not http:\/\/\)[^/]*$/);
    // Each endpoint names its subscriptions: listed twice, the second would be the first's; an id
    // that is not one (it might be the URL itself) is refused without being shown.
    const pager = "https://events.pagerduty.com/integration/k/enqueue";
    expect(() => new RegionalObservability("bad-5", { ...base, pageEndpoints: [pager, pager] })).toThrow(/^bad-5: pageEndpoints\[1\] repeats pageEndpoints\[0\]: SNS keeps one subscription per endpoint and topic/);
    expect(() => new RegionalObservability("bad-6", { ...base, alarmEmails: ["a@example.com", "a@example.com"] })).toThrow(/^bad-6: alarmEmails\[1\] repeats alarmEmails\[0\]/);
    expect(() => new RegionalObservability("bad-7", { ...base, ticketEndpoints: [{ id: pager, url: pager }] })).toThrow(/^bad-7: ticketEndpoints\[0\] has an id that is not 12 lowercase hex characters[^/]*$/);
    expect(() => new GlobalObservability("bad-3", { environment: "x", regions: [{ region: "eu-west-1", prefix: "x", primary: true }], arcEnabled: false, lagThresholdMs: 1, route53Region: "us-east-1", grafana: { adminGroupIds: [] } })).toThrow(/adminGroupIds is empty/);
    await settle();
    expect(cloud.resources.length).toBe(before);
  });
});
