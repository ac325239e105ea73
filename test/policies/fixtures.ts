/**
 * RecordedResource-shaped fixtures for the policy tests: a compliant two-region environment
 * (global stack + one stack per region) that raises no violation, which each test breaks in
 * exactly one place. References are ids and ARNs, as the fake cloud records them.
 */
import type { RecordedResource } from "../../tools/fake-cloud";
import { setPlainSecrets } from "../../tools/fake-cloud/plain-secrets";
import type { EnvironmentView, StackView, Violation } from "../../policies/evaluate";

export const PRIMARY = "us-east-1";
export const SECONDARY = "eu-west-1";
export const ZONE = "prod.example.com";
export const GLOBAL_ID = "prod-global";

export interface FixtureOptions {
  stack: string;
  region: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  provider?: string | null;
  parent?: string | null;
  /** Extra outputs (computed state) besides the echoed inputs. */
  outputs?: Record<string, unknown>;
  id?: string;
}

export function recorded(type: string, name: string, inputs: Record<string, unknown>, o: FixtureOptions): RecordedResource {
  const id = o.id ?? `${o.stack}-${o.region}-${name}`;
  const service = type.split(":")[1].split("/")[0];
  return {
    urn: `urn:pulumi:${o.stack}::platform::${type}::${name}`,
    type,
    name,
    custom: !type.startsWith("platform:"),
    id,
    parent: o.parent ?? null,
    provider: o.provider ?? null,
    region: o.region,
    protect: o.protect ?? false,
    retainOnDelete: o.retainOnDelete ?? false,
    ignoreChanges: [],
    aliases: [],
    dependsOn: [],
    inputs,
    outputs: { ...inputs, arn: `arn:aws:${service}:${o.region}:123456789012:${id}`, region: o.region, ...o.outputs },
  };
}

/** Sets top-level properties in both inputs and outputs; `undefined` removes one. */
export function patch(r: RecordedResource, changes: Record<string, unknown>): RecordedResource {
  for (const [key, value] of Object.entries(changes)) {
    for (const bag of [r.inputs, r.outputs]) {
      if (value === undefined) delete bag[key];
      else bag[key] = value;
    }
  }
  return r;
}

export const arnOf = (r: RecordedResource) => r.outputs.arn as string;

/**
 * A top-level property that holds a secret, as the fake cloud records it: "[secret]" in the
 * inputs and outputs (what the plan shows), its plain value in secretInputs and secretOutputs
 * (what the engine hands policies).
 */
export function holdSecret(r: RecordedResource, key: string, plain: unknown): RecordedResource {
  patch(r, { [key]: "[secret]" });
  setPlainSecrets(r, "secretInputs", { ...r.secretInputs, [key]: plain });
  setPlainSecrets(r, "secretOutputs", { ...r.secretOutputs, [key]: plain });
  return r;
}

export interface GlobalSlice {
  zone: RecordedResource;
  globalCluster: RecordedResource;
  all(): RecordedResource[];
}

export function globalSlice(stack = "prod"): GlobalSlice {
  const o = { stack, region: PRIMARY };
  const zone = recorded("aws:route53/zone:Zone", "zone", { name: ZONE }, { ...o, protect: true, id: "ZPROD" });
  const globalCluster = recorded(
    "aws:rds/globalCluster:GlobalCluster",
    "db-global",
    { globalClusterIdentifier: GLOBAL_ID, engine: "aurora-postgresql", engineVersion: "16.6", storageEncrypted: true, deletionProtection: true },
    { ...o, protect: true, id: GLOBAL_ID },
  );
  return { zone, globalCluster, all: () => [zone, globalCluster] };
}

export interface RegionSlice {
  region: string;
  stackReference: RecordedResource | undefined;
  /** The root stack resource of a regional stack (with its `role` output); none in a single-stack program. */
  root: RecordedResource | undefined;
  vpc: RecordedResource;
  publicSubnets: RecordedResource[];
  privateSubnets: RecordedResource[];
  natGateways: RecordedResource[];
  flowLog: RecordedResource;
  key: RecordedResource;
  launchTemplate: RecordedResource;
  targetGroup: RecordedResource;
  asg: RecordedResource;
  eks: RecordedResource;
  alb: RecordedResource;
  https: RecordedResource;
  http: RecordedResource;
  db: RecordedResource;
  dbInstances: RecordedResource[];
  healthCheck: RecordedResource;
  latencyRecord: RecordedResource;
  failoverRecord: RecordedResource;
  /** Monitoring: a subscribed topic, golden-signal alarms routed by a composite, a lag alarm routed directly. */
  alarmTopic: RecordedResource;
  alarmSubscription: RecordedResource;
  errorRateAlarm: RecordedResource;
  latencyAlarm: RecordedResource;
  replicationLagAlarm: RecordedResource;
  regionImpaired: RecordedResource;
  all(): RecordedResource[];
}

export function regionSlice(region: string, options: { primary: boolean; stack?: string; withStackReference?: boolean }): RegionSlice {
  const stack = options.stack ?? `prod-${region}`;
  const o = { stack, region };
  const azs = ["a", "b", "c"].map((s) => `${region}${s}`);
  // A regional stack of a multi-stack environment: it reads the global stack (a read, which the
  // engine hands no policy) and exports its role on the root stack resource (stacks/region.ts).
  const stackReference = options.withStackReference === false ? undefined : { ...recorded("pulumi:pulumi:StackReference", "environment", { name: "prod" }, { ...o, id: "prod" }), read: true };
  const root = options.withStackReference === false ? undefined : recorded("pulumi:pulumi:Stack", `platform-${stack}`, {}, { ...o, outputs: { role: options.primary ? "primary" : "secondary" } });
  const vpc = recorded("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.10.0.0/16", enableDnsHostnames: true }, o);
  const subnet = (tier: string, i: number) => recorded("aws:ec2/subnet:Subnet", `${tier}-${i}`, { vpcId: vpc.id, availabilityZone: azs[i], cidrBlock: `10.10.${i}.0/24`, tags: { tier } }, o);
  const publicSubnets = [0, 1, 2].map((i) => subnet("public", i));
  const privateSubnets = [0, 1, 2].map((i) => subnet("private", i));
  const natGateways = publicSubnets.map((s, i) => recorded("aws:ec2/natGateway:NatGateway", `nat-${i}`, { subnetId: s.id, allocationId: `eipalloc-${i}` }, o));
  const flowLog = recorded("aws:ec2/flowLog:FlowLog", "flow-log", { vpcId: vpc.id, trafficType: "ALL", logDestinationType: "cloud-watch-logs" }, o);
  const key = recorded("aws:kms/key:Key", "key", { description: "platform", enableKeyRotation: true, deletionWindowInDays: 30 }, { ...o, protect: true });
  const launchTemplate = recorded(
    "aws:ec2/launchTemplate:LaunchTemplate",
    "nodes",
    {
      imageId: "ami-123",
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", kmsKeyId: arnOf(key) } }],
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }],
    },
    o,
  );
  const targetGroup = recorded("aws:lb/targetGroup:TargetGroup", "ingress", { port: 30080, protocol: "HTTP", vpcId: vpc.id }, o);
  const asg = recorded(
    "aws:autoscaling/group:Group",
    "nodes",
    {
      vpcZoneIdentifiers: privateSubnets.map((s) => s.id),
      minSize: 3,
      desiredCapacity: 6,
      maxSize: 12,
      healthCheckType: "ELB",
      healthCheckGracePeriod: 300,
      targetGroupArns: [arnOf(targetGroup)],
      launchTemplate: { id: launchTemplate.id, version: "$Latest" },
    },
    o,
  );
  const eks = recorded(
    "aws:eks/cluster:Cluster",
    "cluster",
    {
      // No version (EKS's default): eks-version-in-standard-support judges a version on the
      // clock's day, so a fixture with one would change verdict as dates pass (its tests fix the day).
      roleArn: "arn:aws:iam::123456789012:role/eks",
      vpcConfig: { subnetIds: privateSubnets.map((s) => s.id), endpointPrivateAccess: true, endpointPublicAccess: false },
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: arnOf(key) } },
    },
    o,
  );
  const alb = recorded(
    "aws:lb/loadBalancer:LoadBalancer",
    "ingress",
    {
      loadBalancerType: "application",
      subnets: publicSubnets.map((s) => s.id),
      enableDeletionProtection: true,
      dropInvalidHeaderFields: true,
      accessLogs: { bucket: "logs", enabled: true },
    },
    { ...o, outputs: { dnsName: `ingress.${region}.elb.amazonaws.com`, zoneId: "ZALB", arnSuffix: `app/ingress-${region}/50dc6c495c0c9188` } },
  );
  const https = recorded(
    "aws:lb/listener:Listener",
    "https",
    { loadBalancerArn: arnOf(alb), port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: "arn:aws:acm:cert", defaultActions: [{ type: "forward", targetGroupArn: arnOf(targetGroup) }] },
    o,
  );
  const http = recorded(
    "aws:lb/listener:Listener",
    "http",
    { loadBalancerArn: arnOf(alb), port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] },
    o,
  );
  const db = recorded(
    "aws:rds/cluster:Cluster",
    "db",
    {
      engine: "aurora-postgresql",
      engineVersion: "16.6",
      globalClusterIdentifier: GLOBAL_ID,
      storageEncrypted: true,
      kmsKeyId: arnOf(key),
      iamDatabaseAuthenticationEnabled: true,
      backupRetentionPeriod: 14,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `db-${region}-final`,
      ...(options.primary ? { masterUsername: "app_admin", masterPassword: "[secret]", databaseName: "app" } : {}),
    },
    { ...o, protect: true, outputs: { clusterIdentifier: `db-${region}` } },
  );
  const dbInstances = [0, 1].map((i) =>
    recorded("aws:rds/clusterInstance:ClusterInstance", `db-${i}`, { clusterIdentifier: db.id, instanceClass: "db.r7g.large", engine: "aurora-postgresql", availabilityZone: azs[i], publiclyAccessible: false }, o),
  );
  const healthCheck = recorded("aws:route53/healthCheck:HealthCheck", "health", { type: "HTTPS", fqdn: `ingress.${region}.elb.amazonaws.com`, resourcePath: "/healthz", requestInterval: 10, failureThreshold: 3 }, o);
  const latencyRecord = recorded(
    "aws:route53/record:Record",
    "app",
    {
      zoneId: "ZPROD",
      name: `app.${ZONE}`,
      type: "A",
      setIdentifier: region,
      latencyRoutingPolicies: [{ region }],
      healthCheckId: healthCheck.id,
      aliases: [{ name: `ingress.${region}.elb.amazonaws.com`, zoneId: "ZALB", evaluateTargetHealth: true }],
    },
    o,
  );
  const failoverRecord = recorded(
    "aws:route53/record:Record",
    "writer",
    {
      zoneId: "ZPROD",
      name: `writer.${ZONE}`,
      type: "CNAME",
      ttl: 60,
      records: [`db.cluster-x.${region}.rds.amazonaws.com`],
      setIdentifier: region,
      failoverRoutingPolicies: [{ type: options.primary ? "PRIMARY" : "SECONDARY" }],
      healthCheckId: healthCheck.id,
    },
    o,
  );
  const alarmTopic = recorded("aws:sns/topic:Topic", "alarms", { kmsMasterKeyId: arnOf(key) }, o);
  const alarmSubscription = recorded("aws:sns/topicSubscription:TopicSubscription", "alarms-email", { topic: arnOf(alarmTopic), protocol: "email", endpoint: "oncall@example.com" }, o);
  const lbDimension = { LoadBalancer: alb.outputs.arnSuffix as string };
  const errorRateAlarm = recorded("aws:cloudwatch/metricAlarm:MetricAlarm", "error-rate", {
    name: `prod-${region}-error-rate`,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    evaluationPeriods: 5,
    metricQueries: [
      { id: "target5xx", returnData: false, metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions: lbDimension, stat: "Sum", period: 60 } },
      { id: "requests", returnData: false, metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: lbDimension, stat: "Sum", period: 60 } },
      { id: "rate", returnData: true, expression: "100 * FILL(target5xx, 0) / requests" },
    ],
    alarmActions: [],
  }, o);
  const latencyAlarm = recorded("aws:cloudwatch/metricAlarm:MetricAlarm", "latency", {
    name: `prod-${region}-latency-p99`,
    namespace: "AWS/ApplicationELB",
    metricName: "TargetResponseTime",
    dimensions: lbDimension,
    extendedStatistic: "p99",
    period: 60,
    evaluationPeriods: 5,
    comparisonOperator: "GreaterThanThreshold",
    threshold: 0.3,
    alarmActions: [],
  }, o);
  const replicationLagAlarm = recorded("aws:cloudwatch/metricAlarm:MetricAlarm", "replication-lag", {
    name: `prod-${region}-replication-lag`,
    namespace: "AWS/RDS",
    metricName: "AuroraGlobalDBRPOLag",
    dimensions: { DBClusterIdentifier: db.outputs.clusterIdentifier as string },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 3,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 30_000,
    alarmActions: [arnOf(alarmTopic)],
  }, o);
  const regionImpaired = recorded("aws:cloudwatch/compositeAlarm:CompositeAlarm", "region-impaired", {
    alarmName: `prod-${region}-region-impaired`,
    alarmRule: `ALARM("prod-${region}-error-rate") OR ALARM("prod-${region}-latency-p99")`,
    alarmActions: [arnOf(alarmTopic)],
  }, o);
  const slice: RegionSlice = {
    region,
    stackReference,
    root,
    vpc,
    publicSubnets,
    privateSubnets,
    natGateways,
    flowLog,
    key,
    launchTemplate,
    targetGroup,
    asg,
    eks,
    alb,
    https,
    http,
    db,
    dbInstances,
    healthCheck,
    latencyRecord,
    failoverRecord,
    alarmTopic,
    alarmSubscription,
    errorRateAlarm,
    latencyAlarm,
    replicationLagAlarm,
    regionImpaired,
    all: () =>
      [
        slice.stackReference,
        slice.root,
        slice.vpc,
        ...slice.publicSubnets,
        ...slice.privateSubnets,
        ...slice.natGateways,
        slice.flowLog,
        slice.key,
        slice.launchTemplate,
        slice.targetGroup,
        slice.asg,
        slice.eks,
        slice.alb,
        slice.https,
        slice.http,
        slice.db,
        ...slice.dbInstances,
        slice.healthCheck,
        slice.latencyRecord,
        slice.failoverRecord,
        slice.alarmTopic,
        slice.alarmSubscription,
        slice.errorRateAlarm,
        slice.latencyAlarm,
        slice.replicationLagAlarm,
        slice.regionImpaired,
      ].filter((r): r is RecordedResource => r !== undefined),
  };
  return slice;
}

export const SETTINGS = {
  regions: [PRIMARY, SECONDARY],
  globalPeakNodes: 12,
  failoverBudgetSeconds: 120,
  appRecordName: "app",
  dnsZoneName: ZONE,
};

export interface Environment {
  global: GlobalSlice;
  primary: RegionSlice;
  secondary: RegionSlice;
  /** Global stack plus one stack per region, as `pulumi up` deploys them. */
  stacks(): StackView[];
  view(settings?: Record<string, unknown>): EnvironmentView;
}

export function environment(): Environment {
  const env: Environment = {
    global: globalSlice(),
    primary: regionSlice(PRIMARY, { primary: true }),
    secondary: regionSlice(SECONDARY, { primary: false }),
    stacks: () => [
      { stack: "prod", role: "global", region: PRIMARY, resources: env.global.all() },
      { stack: `prod-${PRIMARY}`, role: "region", region: PRIMARY, resources: env.primary.all() },
      { stack: `prod-${SECONDARY}`, role: "region", region: SECONDARY, resources: env.secondary.all() },
    ],
    view: (settings = SETTINGS) => ({ name: "prod", stacks: env.stacks(), settings }),
  };
  return env;
}

/** The same environment as one self-contained program (no StackReference): a single-stack program. */
export function singleStack(): { global: GlobalSlice; primary: RegionSlice; secondary: RegionSlice; view(): StackView } {
  const global = globalSlice("dev");
  const primary = regionSlice(PRIMARY, { primary: true, stack: "dev", withStackReference: false });
  const secondary = regionSlice(SECONDARY, { primary: false, stack: "dev", withStackReference: false });
  // One stack: names must differ per region, as they would in a program.
  for (const slice of [primary, secondary]) {
    for (const r of slice.all()) {
      r.name = `${slice.region}-${r.name}`;
      r.urn = `urn:pulumi:dev::platform::${r.type}::${r.name}`;
    }
  }
  return { global, primary, secondary, view: () => ({ stack: "dev", role: "global", region: PRIMARY, resources: [...global.all(), ...primary.all(), ...secondary.all()] }) };
}

/** `policy name` per violation, sorted: what the tests compare. */
export function summary(violations: readonly Violation[]): string[] {
  return violations.map((v) => `${v.policy} ${v.urn ? v.urn.split("::").pop() : "(environment)"}`).sort();
}

export function ofPolicy(violations: readonly Violation[], policy: string): Violation[] {
  return violations.filter((v) => v.policy === policy);
}
