import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { globalDashboardBody, type GlobalRegionValues } from "./dashboards";
import { dashboardName } from "./names";

import { GRAFANA_VERSIONS, IDENTITY_CENTER_ID } from "./limits";

export { GRAFANA_VERSIONS, IDENTITY_CENTER_ID };

export interface GrafanaArgs {
  /**
   * IAM Identity Center groups that administer the workspace. AWS_SSO authentication needs IAM
   * Identity Center enabled in the account (or its organization) before the first deploy; the
   * group ids come from there.
   */
  adminGroupIds: string[];
  /** @default "12.4" */
  version?: (typeof GRAFANA_VERSIONS)[number];
}

export interface GlobalObservabilityArgs {
  environment: string;
  /** Every region of the environment, in its order (the first is the primary). */
  regions: GlobalRegionValues[];
  /** Route 53 ARC is on: show the routing-control alarms. */
  arcEnabled: boolean;
  /** The replication-lag alarm threshold, drawn on the lag graphs. */
  lagThresholdMs: number;
  /** Region of Route 53's metrics (and of the DNS alarms). */
  route53Region: string;
  /** One Amazon Managed Grafana workspace for every region. @default none */
  grafana?: GrafanaArgs;
  tags?: Record<string, string>;
}

/**
 * The environment seen from one place: a CloudWatch dashboard with every region side by side
 * (alarm states, requests, error rate, latency, replication lag, DNS rotation and ARC state) and,
 * optionally, an Amazon Managed Grafana workspace whose role may query every region's Prometheus
 * workspace of this environment and CloudWatch. Lives in the global stack, which deploys before
 * the regions: it refers to their alarms by name, never by an output of theirs.
 *
 * What AWS's API configures and what it does not: the workspace, its authentication, its IAM
 * role and which data-source types it may use are AWS resources (here). The data sources inside
 * Grafana (one per regional Prometheus workspace) are Grafana objects, created through Grafana's
 * own HTTP API with a service-account token: docs/observability.md has the steps, and each
 * regional stack exports the data source it needs (`grafanaDataSource`).
 */
export class GlobalObservability extends pulumi.ComponentResource {
  readonly dashboardName: string;
  readonly grafanaEndpoint?: pulumi.Output<string>;
  readonly grafanaWorkspaceId?: pulumi.Output<string>;

  constructor(name: string, args: GlobalObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.regions.length === 0) throw new RangeError(`${name}: regions must list at least one region`);
    const grafana = args.grafana;
    if (grafana) {
      if (grafana.adminGroupIds.length === 0) throw new RangeError(`${name}: grafana.adminGroupIds is empty: nobody could administer the workspace`);
      const bad = grafana.adminGroupIds.filter((id) => !IDENTITY_CENTER_ID.test(id));
      if (bad.length) throw new RangeError(`${name}: grafana.adminGroupIds ${bad.join(", ")} are not IAM Identity Center group ids`);
      if (grafana.version && !(GRAFANA_VERSIONS as readonly string[]).includes(grafana.version)) throw new RangeError(`${name}: grafana.version must be one of ${GRAFANA_VERSIONS.join(", ")}`);
    }
    super("platform:observability:GlobalObservability", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags ?? {};
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;
    const stackRegion = aws.getRegionOutput({}, parent).region;

    this.dashboardName = dashboardName(`${args.environment}-global`);
    new aws.cloudwatch.Dashboard(`${name}-global`, {
      dashboardName: this.dashboardName,
      dashboardBody: pulumi.all([identity.accountId, partition]).apply(([accountId, part]) => JSON.stringify(globalDashboardBody({
        environment: args.environment,
        partition: part,
        accountId,
        regions: args.regions,
        route53Region: args.route53Region,
        arcEnabled: args.arcEnabled,
        lagThresholdMs: args.lagThresholdMs,
      }))),
    }, parent);

    if (grafana) {
      const key = new aws.kms.Key(`${name}-grafana`, {
        description: `${args.environment}: Amazon Managed Grafana workspace data`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      }, { parent: this, protect: true });
      const role = new aws.iam.Role(`${name}-grafana`, {
        description: `Amazon Managed Grafana of ${args.environment}: reads CloudWatch and the environment's Prometheus workspaces`,
        assumeRolePolicy: pulumi.all([identity.accountId, partition, stackRegion]).apply(([account, part, region]) => JSON.stringify({
          Version: "2012-10-17",
          Statement: [{
            Effect: "Allow",
            Principal: { Service: "grafana.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:${part}:grafana:${region}:${account}:/workspaces/*` } },
          }],
        })),
        tags,
      }, parent);
      new aws.iam.RolePolicy(`${name}-grafana`, {
        role: role.id,
        policy: pulumi.all([identity.accountId, partition]).apply(([account, part]) => JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              // Only this environment's workspaces (tagged by the platform), only in its regions.
              Sid: "QueryEnvironmentPrometheus",
              Effect: "Allow",
              Action: ["aps:QueryMetrics", "aps:GetLabels", "aps:GetSeries", "aps:GetMetricMetadata"],
              Resource: args.regions.map((r) => `arn:${part}:aps:${r.region}:${account}:workspace/*`),
              Condition: { StringEquals: { "aws:ResourceTag/environment": args.environment } },
            },
            { Sid: "DiscoverPrometheus", Effect: "Allow", Action: ["aps:ListWorkspaces", "aps:DescribeWorkspace"], Resource: "*" },
            {
              Sid: "ReadCloudWatch",
              Effect: "Allow",
              Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmsForMetric", "cloudwatch:DescribeAlarmHistory", "cloudwatch:ListMetrics", "cloudwatch:GetMetricData", "cloudwatch:GetInsightRuleReport", "ec2:DescribeRegions", "tag:GetResources"],
              Resource: "*",
            },
          ],
        })),
      }, parent);
      const workspace = new aws.grafana.Workspace(`${name}-grafana`, {
        name: `${args.environment}-observability`,
        description: `Every region of ${args.environment}: Prometheus per region and CloudWatch`,
        accountAccessType: "CURRENT_ACCOUNT",
        authenticationProviders: ["AWS_SSO"],
        permissionType: "CUSTOMER_MANAGED",
        roleArn: role.arn,
        dataSources: ["CLOUDWATCH", "PROMETHEUS"],
        grafanaVersion: grafana.version ?? "12.4",
        kmsKeyId: key.arn,
        configuration: JSON.stringify({ unifiedAlerting: { enabled: true }, plugins: { pluginAdminEnabled: false } }),
        tags,
      }, parent);
      new aws.grafana.RoleAssociation(`${name}-grafana-admins`, { workspaceId: workspace.id, role: "ADMIN", groupIds: grafana.adminGroupIds }, parent);
      this.grafanaEndpoint = workspace.endpoint;
      this.grafanaWorkspaceId = workspace.id;
    }
    this.registerOutputs({ dashboardName: this.dashboardName, grafanaEndpoint: this.grafanaEndpoint, grafanaWorkspaceId: this.grafanaWorkspaceId });
  }
}

/** The Grafana data source (POST /api/datasources) for one region's Prometheus workspace, signed with the workspace's IAM role. */
export function grafanaPrometheusDataSource(region: string, environment: string, prometheusEndpoint: string): Record<string, unknown> {
  return {
    name: `Prometheus ${environment} ${region}`,
    uid: `amp-${environment}-${region}`,
    type: "prometheus",
    access: "proxy",
    url: prometheusEndpoint.replace(/\/$/, ""),
    jsonData: { httpMethod: "POST", sigV4Auth: true, sigV4AuthType: "ec2_iam_role", sigV4Region: region },
  };
}
