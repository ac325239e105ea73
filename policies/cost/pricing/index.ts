/**
 * The catalog: which rule prices each resource type, which types cost nothing of their own (and
 * why), and which belong to global services. A type in neither list is reported as unpriced,
 * never counted as zero; the coverage test fails on any such type the repository's plans hold.
 */
import type { PricingContext } from "../context";
import type { CostResource, Pricing } from "../model";
import * as compute from "./compute";
import * as database from "./database";
import * as dns from "./dns";
import * as network from "./network";
import * as observability from "./observability";
import * as security from "./security";
import * as storage from "./storage";

export type PricingRule = (r: CostResource, ctx: PricingContext) => Pricing;

export const PRICED: Readonly<Record<string, PricingRule>> = {
  "aws:eks/cluster:Cluster": compute.eksCluster,
  "aws:autoscaling/group:Group": compute.autoScalingGroup,
  "aws:eks/nodeGroup:NodeGroup": compute.managedNodeGroup,
  "aws:ec2/instance:Instance": compute.instance,
  "aws:ebs/volume:Volume": compute.ebsVolume,
  "aws:ec2/natGateway:NatGateway": network.natGateway,
  "aws:ec2/eip:Eip": network.elasticIp,
  "aws:ec2/vpcEndpoint:VpcEndpoint": network.vpcEndpoint,
  "aws:ec2/flowLog:FlowLog": network.flowLog,
  "aws:lb/loadBalancer:LoadBalancer": network.loadBalancer,
  "aws:alb/loadBalancer:LoadBalancer": network.loadBalancer,
  "kubernetes:core/v1:Service": network.kubernetesService,
  "kubernetes:networking.k8s.io/v1:Ingress": network.kubernetesIngress,
  "aws:rds/clusterInstance:ClusterInstance": database.auroraInstance,
  "aws:rds/cluster:Cluster": database.auroraCluster,
  "aws:dynamodb/table:Table": database.dynamodbTable,
  "aws:dynamodb/tableReplica:TableReplica": database.dynamodbTableReplica,
  "aws:elasticache/replicationGroup:ReplicationGroup": database.elasticacheReplicationGroup,
  "aws:elasticache/cluster:Cluster": database.elasticacheCluster,
  "aws:elasticache/serverlessCache:ServerlessCache": database.elasticacheServerless,
  "aws:route53/zone:Zone": dns.hostedZone,
  "aws:route53/record:Record": dns.dnsRecord,
  "aws:route53/healthCheck:HealthCheck": dns.healthCheck,
  "aws:route53recoverycontrol/cluster:Cluster": dns.arcCluster,
  "aws:route53recoveryreadiness/readinessCheck:ReadinessCheck": dns.readinessCheck,
  "aws:arcregionswitch/plan:Plan": dns.regionSwitchPlan,
  "aws:cloudwatch/logGroup:LogGroup": observability.logGroup,
  "aws:cloudwatch/metricAlarm:MetricAlarm": observability.metricAlarm,
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": observability.compositeAlarm,
  "aws:cloudwatch/dashboard:Dashboard": observability.dashboard,
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": observability.metricFilter,
  "aws:sns/topic:Topic": observability.snsTopic,
  "aws:amp/workspace:Workspace": observability.prometheusWorkspace,
  "aws:amp/scraper:Scraper": observability.prometheusScraper,
  "aws:grafana/workspace:Workspace": observability.grafanaWorkspace,
  "aws:synthetics/canary:Canary": observability.canary,
  "aws:kms/key:Key": security.kmsKey,
  "aws:kms/replicaKey:ReplicaKey": security.kmsKey,
  "aws:secretsmanager/secret:Secret": security.secret,
  "aws:acm/certificate:Certificate": security.certificate,
  "aws:acmpca/certificateAuthority:CertificateAuthority": security.privateCa,
  "aws:wafv2/webAcl:WebAcl": security.webAcl,
  "aws:cloudfront/distribution:Distribution": security.distribution,
  "aws:fis/experimentTemplate:ExperimentTemplate": security.experimentTemplate,
  "aws:s3/bucket:Bucket": storage.bucket,
  "aws:s3/bucketV2:BucketV2": storage.bucket,
};

const reasons = (reason: string, ...types: string[]) => Object.fromEntries(types.map((t) => [t, reason]));
const s3Config = ["Policy", "PublicAccessBlock", "OwnershipControls", "ServerSideEncryptionConfiguration", "LifecycleConfiguration", "Versioning", "Logging", "Acl", "CorsConfiguration", "Notification", "Website", "Accelerate"]
  .flatMap((kind) => [`aws:s3/bucket${kind}:Bucket${kind}`, `aws:s3/bucket${kind}V2:Bucket${kind}V2`]);

/** Types that cost nothing of their own, with the reason (shown in the estimate's free list). */
export const FREE: Readonly<Record<string, string>> = {
  ...reasons("networking configuration has no charge of its own",
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
    "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/networkAclRule:NetworkAclRule",
    "aws:ec2/defaultRouteTable:DefaultRouteTable", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
    "aws:ec2/vpcDhcpOptions:VpcDhcpOptions", "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation", "aws:ec2/eipAssociation:EipAssociation",
    "aws:ec2/placementGroup:PlacementGroup", "aws:ec2/keyPair:KeyPair"),
  "aws:ec2/launchTemplate:LaunchTemplate": "a template: the instances it launches are priced on their Auto Scaling group or node group",
  ...reasons("EKS access, identity and add-on configuration has no charge (add-ons run on the nodes)",
    "aws:eks/addon:Addon", "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws:eks/podIdentityAssociation:PodIdentityAssociation", "aws:eks/identityProviderConfig:IdentityProviderConfig"),
  ...reasons("scaling configuration: the capacity it adds is priced at the ceiling",
    "aws:autoscaling/policy:Policy", "aws:autoscaling/lifecycleHook:LifecycleHook", "aws:autoscaling/schedule:Schedule", "aws:autoscaling/attachment:Attachment",
    "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment", "aws:autoscaling/notification:Notification",
    "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy", "aws:appautoscaling/scheduledAction:ScheduledAction"),
  ...reasons("KMS aliases, grants and policies have no charge (the key is priced)", "aws:kms/alias:Alias", "aws:kms/grant:Grant", "aws:kms/keyPolicy:KeyPolicy"),
  ...reasons("listeners, rules and target groups are included in the load balancer's price",
    "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule", "aws:lb/targetGroup:TargetGroup", "aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:lb/listenerCertificate:ListenerCertificate",
    "aws:alb/listener:Listener", "aws:alb/listenerRule:ListenerRule", "aws:alb/targetGroup:TargetGroup", "aws:alb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/listenerCertificate:ListenerCertificate"),
  "aws:acm/certificateValidation:CertificateValidation": "a waiter for DNS validation, no AWS resource",
  ...reasons("database configuration has no charge of its own",
    "aws:rds/subnetGroup:SubnetGroup", "aws:rds/clusterParameterGroup:ClusterParameterGroup", "aws:rds/parameterGroup:ParameterGroup", "aws:rds/clusterRoleAssociation:ClusterRoleAssociation",
    "aws:elasticache/subnetGroup:SubnetGroup", "aws:elasticache/parameterGroup:ParameterGroup", "aws:elasticache/user:User", "aws:elasticache/userGroup:UserGroup",
    "aws:elasticache/userGroupAssociation:UserGroupAssociation", "aws:dynamodb/tableItem:TableItem", "aws:dynamodb/resourcePolicy:ResourcePolicy", "aws:dynamodb/tag:Tag"),
  "aws:rds/globalCluster:GlobalCluster": "a global database has no charge of its own: its member clusters are priced (replicated writes on the secondaries)",
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": "a Global Datastore has no charge of its own: its member replication groups are priced",
  ...reasons("zone configuration has no charge of its own", "aws:route53/zoneAssociation:ZoneAssociation", "aws:route53/delegationSet:DelegationSet", "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec", "aws:route53/keySigningKey:KeySigningKey"),
  "aws:route53/queryLog:QueryLog": "query logs are billed as ingestion of their log group",
  ...reasons("included in the ARC cluster's price", "aws:route53recoverycontrol/controlPanel:ControlPanel", "aws:route53recoverycontrol/routingControl:RoutingControl", "aws:route53recoverycontrol/safetyRule:SafetyRule"),
  ...reasons("readiness structure has no charge (readiness checks are priced)", "aws:route53recoveryreadiness/cell:Cell", "aws:route53recoveryreadiness/recoveryGroup:RecoveryGroup", "aws:route53recoveryreadiness/resourceSet:ResourceSet"),
  "aws:ssm/document:Document": "an SSM document has no charge of its own; its automation runs only during a game day (steps beyond the monthly free tier are not modelled)",
  ...reasons("zonal shift and zonal autoshift have no charge", "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration", "aws:arczonalshift/autoshiftObserverNotificationStatus:AutoshiftObserverNotificationStatus"),
  ...reasons("bucket configuration has no charge of its own (storage and requests are priced on the bucket)", ...s3Config, "aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2"),
  ...reasons("secret versions, policies and rotation settings have no charge (the secret is priced)", "aws:secretsmanager/secretVersion:SecretVersion", "aws:secretsmanager/secretPolicy:SecretPolicy", "aws:secretsmanager/secretRotation:SecretRotation"),
  "aws:sns/topicSubscription:TopicSubscription": "deliveries are priced on the topic",
  "aws:sns/topicPolicy:TopicPolicy": "topic policies have no charge",
  ...reasons("log routing and policies have no charge of their own (destinations are priced)", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"),
  ...reasons("rules on AWS service events and their targets have no charge (custom events are not modelled)", "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget"),
  "aws:sqs/queue:Queue": "billed per request ($0.40 a million, the first million a month free): the node termination handler's two replicas long-poll 20 s at a time, about 0.25 million requests a month per region, cents at most",
  "aws:sqs/queuePolicy:QueuePolicy": "queue policies have no charge",
  "aws:amp/ruleGroupNamespace:RuleGroupNamespace": "rule evaluation is billed as query samples processed on the workspace",
  ...reasons("workspace configuration has no charge of its own",
    "aws:amp/alertManagerDefinition:AlertManagerDefinition", "aws:amp/workspaceConfiguration:WorkspaceConfiguration", "aws:amp/scraperLoggingConfiguration:ScraperLoggingConfiguration",
    "aws:amp/resourcePolicy:ResourcePolicy", "aws:amp/queryLoggingConfiguration:QueryLoggingConfiguration",
    "aws:grafana/roleAssociation:RoleAssociation", "aws:grafana/workspaceApiKey:WorkspaceApiKey", "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount",
    "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken", "aws:grafana/workspaceSamlConfiguration:WorkspaceSamlConfiguration", "aws:synthetics/group:Group",
    "aws:synthetics/groupAssociation:GroupAssociation"),
  ...reasons("distribution configuration has no charge of its own",
    "aws:cloudfront/originAccessControl:OriginAccessControl", "aws:cloudfront/originAccessIdentity:OriginAccessIdentity", "aws:cloudfront/cachePolicy:CachePolicy",
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "aws:cloudfront/keyGroup:KeyGroup", "aws:cloudfront/publicKey:PublicKey"),
  ...reasons("WAF associations and sets have no charge of their own", "aws:wafv2/webAclAssociation:WebAclAssociation", "aws:wafv2/ipSet:IpSet", "aws:wafv2/regexPatternSet:RegexPatternSet"),
  "aws:wafv2/ruleGroup:RuleGroup": "its rules are charged as rules of the web ACLs that reference it",
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "WAF logs are priced where they are delivered",
};

/** Providers none of whose resources AWS bills (Kubernetes objects run on the priced nodes). */
const FREE_PROVIDERS: Readonly<Record<string, string>> = {
  pulumi: "Pulumi's own resources (stacks, providers, stack references)",
  random: "random values are generated locally",
  tls: "keys and certificates generated locally",
  command: "commands run locally",
  time: "time resources are local",
  kubernetes: "Kubernetes objects run on the priced nodes",
};

/** Prefixes (or exact types) of global services, reported under "global". */
const GLOBAL_TYPES = [
  "aws:route53/zone:", "aws:route53/record:", "aws:route53/healthCheck:", "aws:route53/delegationSet:", "aws:route53/hostedZoneDnsSec:", "aws:route53/keySigningKey:",
  "aws:route53/queryLog:", "aws:route53recoverycontrol/", "aws:route53recoveryreadiness/", "aws:cloudfront/", "aws:arcregionswitch/",
];

export function isGlobalService(type: string): boolean {
  return GLOBAL_TYPES.some((prefix) => type.startsWith(prefix));
}

export type Classification = { rule: PricingRule } | { free: string } | { unpriced: string };

/** How a type is priced. IAM is free by prefix; unknown AWS types are unpriced. */
export function classify(type: string): Classification {
  if (Object.prototype.hasOwnProperty.call(PRICED, type)) return { rule: PRICED[type] };
  if (Object.prototype.hasOwnProperty.call(FREE, type)) return { free: FREE[type] };
  if (type.startsWith("aws:iam/")) return { free: "IAM has no charge" };
  if (type.startsWith("pulumi:providers:")) return { free: "a provider, not a cloud resource" };
  const provider = type.split(":")[0];
  if (Object.prototype.hasOwnProperty.call(FREE_PROVIDERS, provider)) return { free: FREE_PROVIDERS[provider] };
  return { unpriced: `no pricing rule for ${type}: add one to policies/cost/pricing (or list it as free, with the reason) — docs/cost.md` };
}
