import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alertingRules, alertmanagerDefinition, scrapeConfiguration } from "./prometheus";

/** RegionalService's default namespace and name (Region passes its service's own; override for another service). */
export const REFERENCE_SERVICE = { namespace: "app", name: "web" } as const;

import { DEFAULT_PROMETHEUS_RETENTION_DAYS, MAX_PROMETHEUS_RETENTION_DAYS } from "./limits";

export { DEFAULT_PROMETHEUS_RETENTION_DAYS, MAX_PROMETHEUS_RETENTION_DAYS };

export interface ManagedPrometheusArgs {
  /** `<environment>-<region>`: workspace alias, rule-group namespace. */
  namePrefix: string;
  environment: string;
  region: string;
  /**
   * The EKS cluster to scrape. Preconditions AWS states for the managed scraper: the cluster's
   * authentication mode is API or API_AND_CONFIG_MAP (AMP then creates the scraper's access entry
   * and its access policy itself, so nothing here does: a second entry for the same principal
   * would be refused), its endpoint includes private access, and its VPC resolves DNS. `EksCluster`
   * meets all three.
   */
  cluster: {
    name: pulumi.Input<string>;
    arn: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    /** Private subnets in at least two AZs (the scraper puts one network interface in each). */
    subnetIds: pulumi.Input<string>[];
    /** The EKS cluster security group (control-plane ENIs): the scraper reaches the API server through it on 443. */
    clusterSecurityGroupId: pulumi.Input<string>;
    /** The nodes' security group: the scraper reaches kubelets and pods through it. */
    nodeSecurityGroupId: pulumi.Input<string>;
  };
  /** SNS topic Prometheus alerts go to (its policy must let aps.amazonaws.com publish). */
  alarmTopicArn: pulumi.Input<string>;
  /** Where alerts labelled severity=ticket go. */
  ticketTopicArn: pulumi.Input<string>;
  /** @default 150 (AMP's own default) */
  retentionDays?: number;
  /** Node memory working set (percent of the node's memory) that raises NodeMemoryHigh. */
  nodeMemoryPercent: number;
  /** @default REFERENCE_SERVICE */
  service?: { namespace: string; name: string };
  /** Retention of the workspace's rule and Alertmanager error logs. @default 30 */
  logRetentionDays?: number;
  tags?: Record<string, string>;
}

/**
 * Amazon Managed Service for Prometheus for one region: a KMS-encrypted workspace with its
 * retention, the agentless managed scraper for the region's EKS cluster (its own security
 * group, admitted by the nodes and the API server only), alerting rules for node memory and
 * unschedulable pods, and Alertmanager routing them to the regional SNS topic.
 */
export class ManagedPrometheus extends pulumi.ComponentResource {
  readonly workspaceArn: pulumi.Output<string>;
  readonly workspaceId: pulumi.Output<string>;
  /** `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/`: the Grafana data source URL. */
  readonly prometheusEndpoint: pulumi.Output<string>;
  readonly scraperArn: pulumi.Output<string>;
  readonly retentionDays: number;

  constructor(name: string, args: ManagedPrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    const retentionDays = args.retentionDays ?? DEFAULT_PROMETHEUS_RETENTION_DAYS;
    if (!(Number.isInteger(retentionDays) && retentionDays >= 1 && retentionDays <= MAX_PROMETHEUS_RETENTION_DAYS)) {
      throw new RangeError(`${name}: retentionDays must be 1 to ${MAX_PROMETHEUS_RETENTION_DAYS} (got ${retentionDays})`);
    }
    if (args.cluster.subnetIds.length < 2) throw new RangeError(`${name}: the managed scraper needs subnets in at least two AZs (got ${args.cluster.subnetIds.length})`);
    super("platform:observability:ManagedPrometheus", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags ?? {};
    const service = args.service ?? REFERENCE_SERVICE;

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-amp`, {
      name: `/aws/vendedlogs/prometheus/${args.namePrefix}`,
      retentionInDays: args.logRetentionDays ?? 30,
      tags,
    }, parent);
    // Encrypted with an AWS-owned key, not the region's customer key: a managed scraper writes to
    // a workspace with a customer managed key only through a scraper roleConfiguration (a source
    // and a target role, AMP user guide "Creating scraper for workspaces enabled with customer
    // managed keys"), which the provider documents for cross-account writes only and nothing here
    // can verify. With the key and no such roles the scraper writes nothing and every Prometheus
    // alert is blind; the key cannot be changed later without a new workspace (protected).
    const workspace = new aws.amp.Workspace(`${name}-amp`, {
      alias: args.namePrefix,
      loggingConfiguration: { logGroupArn: pulumi.interpolate`${logGroup.arn}:*` },
      // The scraper tags its destination workspace; declaring the tag keeps it from showing as drift.
      tags: { ...tags, AMPAgentlessScraper: "" },
      // Its key (kmsKeyArn) cannot change without a new workspace (and the data of the old one).
    }, { parent: this, protect: true });
    new aws.amp.WorkspaceConfiguration(`${name}-amp`, { workspaceId: workspace.id, retentionPeriodInDays: retentionDays }, parent);

    // --- the scraper's path into the cluster ---
    const scraperSg = new aws.ec2.SecurityGroup(`${name}-scraper`, {
      vpcId: args.cluster.vpcId,
      description: `AMP managed scraper of ${args.namePrefix}`,
      tags: { ...tags, Name: `${args.namePrefix}-amp-scraper` },
    }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-scraper-to-api`, { securityGroupId: scraperSg.id, referencedSecurityGroupId: args.cluster.clusterSecurityGroupId, ipProtocol: "tcp", fromPort: 443, toPort: 443, description: "scraper to the EKS API (discovery, node proxy)" }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-scraper-to-nodes`, { securityGroupId: scraperSg.id, referencedSecurityGroupId: args.cluster.nodeSecurityGroupId, ipProtocol: "tcp", fromPort: 1, toPort: 65535, description: "scraper to pod metrics ports" }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-api-from-scraper`, { securityGroupId: args.cluster.clusterSecurityGroupId, referencedSecurityGroupId: scraperSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, description: `AMP scraper of ${args.namePrefix} to the API` }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-nodes-from-scraper`, { securityGroupId: args.cluster.nodeSecurityGroupId, referencedSecurityGroupId: scraperSg.id, ipProtocol: "tcp", fromPort: 1, toPort: 65535, description: `AMP scraper of ${args.namePrefix} to pod metrics` }, parent);

    const scraper = new aws.amp.Scraper(`${name}-scraper`, {
      alias: args.namePrefix,
      source: { eks: { clusterArn: args.cluster.arn, subnetIds: args.cluster.subnetIds, securityGroupIds: [scraperSg.id] } },
      destination: { amp: { workspaceArn: workspace.arn } },
      scrapeConfiguration: pulumi.output(args.cluster.name).apply((clusterName) =>
        scrapeConfiguration({ clusterName, region: args.region, environment: args.environment, service })),
      tags,
    }, parent);

    new aws.amp.RuleGroupNamespace(`${name}-rules`, {
      name: `${args.namePrefix}-saturation`,
      workspaceId: workspace.id,
      data: alertingRules({ prefix: args.namePrefix, nodeMemoryPercent: args.nodeMemoryPercent }),
    }, parent);
    new aws.amp.AlertManagerDefinition(`${name}-alertmanager`, {
      workspaceId: workspace.id,
      definition: pulumi.all([args.alarmTopicArn, args.ticketTopicArn]).apply(([topicArn, ticketTopicArn]) => alertmanagerDefinition({ topicArn, ticketTopicArn, region: args.region, prefix: args.namePrefix })),
    }, parent);

    this.workspaceArn = workspace.arn;
    this.workspaceId = workspace.id;
    this.prometheusEndpoint = workspace.prometheusEndpoint;
    this.scraperArn = scraper.arn;
    this.retentionDays = retentionDays;
    this.registerOutputs({ workspaceArn: this.workspaceArn, prometheusEndpoint: this.prometheusEndpoint, scraperArn: this.scraperArn });
  }
}
