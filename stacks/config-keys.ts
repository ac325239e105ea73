/**
 * Every key of an environment definition: its Pulumi config type, description and default.
 *
 * This table is the single source for three things: the `config:` block of Pulumi.yaml (a test
 * keeps them equal), the defaults applied when a key is absent, and the coercion of raw config
 * values (Pulumi hands every value to the program as a string; a YAML file gives native values).
 *
 * Pulumi's project config schema only knows string, integer, boolean and array, so per-region
 * values are arrays in the order of `regions` rather than nested objects.
 *
 * `objects` is this project's type for a list of structured entries (the data tier's table
 * definitions). Pulumi.yaml cannot type objects (`type: object` is refused: pulumi/pulumi#11321),
 * so such a key is declared there without a `type`: the CLI validates only explicitly typed keys
 * (IsExplicitlyTyped in sdk/go/common/workspace), and the program validates the entries, field by
 * field, with the same messages as every other key.
 */
import { DEFAULT_RATE_LIMIT } from "../components/lib/edge";
import { DEFAULT_SERVICE_IMAGE } from "../components/lib/service-plan";

export type ConfigKeyType = "string" | "integer" | "boolean" | "array" | "objects";

export interface ConfigKeySpec {
  readonly type: ConfigKeyType;
  readonly description: string;
  /**
   * Value when the key is absent. Every key has one because Pulumi demands a value in every
   * stack (regional ones too) for a declared key without a default (pulumi/pulumi#21797).
   */
  readonly default: string | number | boolean | readonly string[] | readonly Record<string, unknown>[];
  /** The environment must set it: the default is the empty value and validation rejects it. */
  readonly required?: boolean;
  /**
   * Each value carries a credential (the integration key inside a pager's URL): the program holds
   * the values as Pulumi secrets whether or not the stack file encrypts them, takes them encrypted
   * one element at a time, and exports them only as a secret (stacks/config.ts). Not Pulumi.yaml's
   * `secret: true`, with which the CLI would refuse the key's unencrypted empty default.
   */
  readonly credential?: boolean;
}

export const CONFIG_NAMESPACE = "platform";

/**
 * What stands for a credential key's value where it cannot be read: the offline plan's stand-in
 * for an encrypted config value (tools/fake-cloud/project-config.ts SECRET_STAND_IN; `pulumi
 * preview` decrypts it instead), an encrypted value read from a stack file without decrypting it,
 * and each value in the global stack's plain `environment` output. What Pulumi prints for a secret.
 */
export const SECRET_PLACEHOLDER = "[secret]";

export const ENVIRONMENT_KEYS = {
  // --- regions and network ---
  regions: {
    type: "array",
    description: "AWS regions of the environment, 2 to 11; the first is the primary (Aurora writer) region.",
    default: [],
    required: true,
  },
  vpcCidrs: {
    type: "array",
    description: "One VPC CIDR per region, in the order of `regions`: /16 to /20, no two overlapping.",
    default: [],
    required: true,
  },
  azCount: {
    type: "integer",
    description: "Availability zones used in every region, 2 to 6.",
    default: 3,
  },
  availabilityZoneIds: {
    type: "array",
    description: "Zone IDs to use (e.g. use1-az1), for any region: none or exactly azCount per region. Empty = the first usable zones by zone ID. Pin what the first deploy chose to keep subnets in place; subnets follow the order listed, so append new zones at the end.",
    default: [],
  },
  excludedAvailabilityZoneIds: {
    type: "array",
    description: "Zone IDs never to use, besides those EKS refuses (use1-az3, usw1-az2, cac1-az3).",
    default: [],
  },
  natGateways: {
    type: "string",
    description: "`perAz` (a NAT gateway per AZ, survives an AZ loss) or `single` (one NAT gateway; dev only).",
    default: "perAz",
  },
  logRetentionDays: {
    type: "integer",
    description: "Retention of VPC flow logs and EKS control-plane logs, a CloudWatch Logs retention value.",
    default: 90,
  },
  owner: { type: "string", description: "Owner tag on every taggable resource.", default: "platform-team" },
  costCenter: { type: "string", description: "Cost-centre tag on every taggable resource.", default: "unassigned" },

  // --- Kubernetes ---
  kubernetesVersion: { type: "string", description: "EKS Kubernetes version (major.minor); the default is the newest minor the blueprint is tested with (1.34 left EKS standard support on 2026-12-02: components/lib/eks-versions.ts).", default: "1.35" },
  kubernetesMinVersion: {
    type: "string",
    description: "Oldest Kubernetes version this environment accepts (end of standard support moves it up).",
    default: "1.32",
  },
  kubernetesMaxVersion: {
    type: "string",
    description: "Newest Kubernetes version this environment accepts.",
    default: "1.35",
  },
  eksSupportType: {
    type: "string",
    description: "What EKS does when kubernetesVersion reaches the end of its standard support: `STANDARD` (AWS upgrades every control plane to the next minor itself, on its date: upgrade before it, docs/runbooks/upgrade-kubernetes.md) or `EXTENDED` (the clusters stay on the version in extended support, up to 12 more months, at 6 times the control plane's price: $0.60 instead of $0.10 per cluster hour). AWS's own default, when unset, is EXTENDED; EKS refuses STANDARD for a cluster already in extended support.",
    default: "STANDARD",
  },
  eksPublicAccessCidrs: {
    type: "array",
    description: "CIDRs allowed to reach the EKS public endpoint; empty keeps the endpoint private-only.",
    default: [],
  },
  eksPrivateAccessCidrs: {
    type: "array",
    description: "CIDRs of connected networks (VPN, CI runners in a peered VPC) allowed to reach the private EKS endpoint on 443; `pulumi up` must reach the API to install the add-ons.",
    default: [],
  },
  eksAllowPublicAccessFromAnywhere: {
    type: "boolean",
    description: "Explicit opt-in to list 0.0.0.0/0 in eksPublicAccessCidrs. Never for production.",
    default: false,
  },
  eksControlPlaneAzCount: {
    type: "integer",
    description: "The EKS control plane uses the private subnets of the first min(this, azCount) zones. EKS refuses subnets in AZs a cluster was not created in, so raising azCount keeps the control plane on its zones. Never raise this for an existing cluster; an environment created with azCount 2 sets it to 2 before raising azCount.",
    default: 3,
  },
  eksAdminPrincipalArns: {
    type: "array",
    description: "IAM role/user ARNs given cluster-admin through EKS access entries.",
    default: [],
  },

  // --- deploy preconditions: who runs `pulumi up`, and how it reaches each cluster's API ---
  deployIdentityArn: {
    type: "string",
    description: "IAM role (or user) `pulumi up` runs as; gets a cluster-admin access entry in every cluster (the creator gets none).",
    default: "",
    required: true,
  },
  deployerNetwork: {
    type: "string",
    description: "How the deployer reaches the EKS API: `public` (runners' egress CIDRs allow-listed on the public endpoint) or `private` (runners in a connected network, admitted to the private endpoint).",
    default: "",
    required: true,
  },
  deployerCidrs: {
    type: "array",
    description: "CIDRs the deploy runners connect from: public egress addresses (deployerNetwork public) or the connected network's ranges (private).",
    default: [],
  },
  deployRunnerLabels: {
    type: "array",
    description: "GitHub Actions runner labels of the deploy jobs: runners that own deployerCidrs (larger runners with static IPs, or self-hosted in the connected network).",
    default: [],
  },

  // --- node pools ---
  nodePoolKind: {
    type: "string",
    description: "`autoscaling` (self-managed EC2 Auto Scaling group) or `managed` (EKS managed node group).",
    default: "autoscaling",
  },
  nodeInstanceTypes: {
    type: "array",
    description: "Instance types of one size for the node pool's mixed instances policy (several, for Spot depth).",
    default: ["m7i.xlarge", "m6i.xlarge", "m7a.xlarge", "m6a.xlarge"],
  },
  nodeMinSize: { type: "integer", description: "Node pool minimum size per region (at least azCount).", default: 3 },
  nodeDesiredSize: { type: "integer", description: "Node pool desired size per region.", default: 6 },
  nodeMaxSize: { type: "integer", description: "Node pool maximum size per region.", default: 12 },
  nodeOnDemandBaseCapacity: {
    type: "integer",
    description: "On-demand instances before any Spot capacity is used.",
    default: 3,
  },
  nodeOnDemandPercentageAboveBase: {
    type: "integer",
    description: "Percentage of on-demand capacity above the base, 0 to 100 (the rest is Spot).",
    default: 50,
  },
  nodeAmiReleaseVersion: {
    type: "string",
    description: "AL2023 EKS AMI release of the self-managed nodes (awslabs/amazon-eks-ami release, e.g. v20260714), resolved for kubernetesVersion through its own SSM parameter: nodes roll only when this changes (docs/runbooks/node-images.md). `recommended` follows AWS's latest on every deploy, rolling every node after each AMI release.",
    default: "v20260714",
  },
  nodeGroupReleaseVersion: {
    type: "string",
    description: "EKS AMI release of the managed node groups (nodePoolKind managed, required there): <Kubernetes major.minor.patch>-<date> as aws eks describe-nodegroup shows it, e.g. 1.34.2-20260714, of kubernetesVersion's minor (bump both in one change). Nodes roll, EKS's own update, only when this changes; EKS never rolls back to an older release (docs/runbooks/node-images.md). Empty with nodePoolKind autoscaling.",
    default: "",
  },
  globalPeakNodes: {
    type: "integer",
    description: "Nodes the whole environment needs at peak; the regions left after losing the largest must cover it. 0 = not checked.",
    default: 0,
  },

  // --- cluster add-ons (Helm chart versions pinned) ---
  clusterAutoscalerChartVersion: {
    type: "string",
    description: "cluster-autoscaler Helm chart version; empty = the chart tested for kubernetesVersion (components/lib/cluster-autoscaler.ts). A pinned chart must be cut for the same minor: its ClusterRole must cover what that autoscaler watches (resource.k8s.io from 1.35).",
    default: "",
  },
  clusterAutoscalerImageTag: {
    type: "string",
    description: "cluster-autoscaler image tag; empty = the release tested for kubernetesVersion. It supports only its own minor, so a pinned tag must be of kubernetesVersion's minor.",
    default: "",
  },
  eksAddonVersions: {
    type: "array",
    description: "EKS managed add-on versions pinned as <add-on>=<version> (vpc-cni, kube-proxy, eks-pod-identity-agent, coredns, aws-ebs-csi-driver), e.g. vpc-cni=v1.19.2-eksbuild.1. An add-on left out takes AWS's default version for kubernetesVersion at each deploy, which AWS moves during a minor's life: pin every add-on after the first deploy and bump the pins with kubernetesVersion (docs/runbooks/upgrade-kubernetes.md).",
    default: [],
  },
  metricsServerChartVersion: { type: "string", description: "metrics-server Helm chart version.", default: "3.12.2" },
  nodeTerminationHandlerChartVersion: {
    type: "string",
    description: "aws-node-termination-handler Helm chart version (queue mode: drains self-managed nodes before instance refresh, rebalancing or scale-in terminates them).",
    default: "0.27.6",
  },
  awsLoadBalancerControllerChartVersion: {
    type: "string",
    description: "aws-load-balancer-controller Helm chart version (the controller binds the ALB's target group to the service).",
    default: "3.5.0",
  },

  // --- the reference service behind each region's ALB ---
  serviceImage: {
    type: "string",
    description: "Container image of the regional service; it must answer healthCheckPath with 200 for any Host header.",
    default: DEFAULT_SERVICE_IMAGE,
  },
  serviceContainerPort: {
    type: "integer",
    description: "Port the service's containers listen on (1024-65535: they run as non-root).",
    default: 8080,
  },
  serviceReplicas: {
    type: "integer",
    description: "Replicas of the service per region, and the autoscaler's floor (at least 2, and at least azCount in production, so every AZ runs one).",
    default: 3,
  },
  serviceMaxReplicas: {
    type: "integer",
    description: "Most replicas the service's autoscaler may run per region.",
    default: 12,
  },

  // --- database ---
  dbEngine: { type: "string", description: "`aurora-postgresql` or `aurora-mysql`.", default: "aurora-postgresql" },
  dbEngineVersion: {
    type: "string",
    description: "Aurora engine version; must be one that supports global databases.",
    default: "16.6",
  },
  dbInstanceClass: {
    type: "string",
    description: "Aurora instance class: memory-optimized (db.r*/db.x*); global databases refuse burstable db.t*.",
    default: "db.r7g.large",
  },
  dbInstancesPerRegion: {
    type: "integer",
    description: "Aurora instances per region (writer + readers in the primary, readers elsewhere), 2 to 16.",
    default: 2,
  },
  dbBackupRetentionDays: { type: "integer", description: "Aurora backup retention, 7 to 35 days.", default: 14 },
  dbGlobalRpoSeconds: {
    type: "integer",
    description: "aurora-postgresql `rds.global_db_rpo` in seconds (min 20); 0 = off. Commits block while no secondary is within it, so it needs three or more regions.",
    default: 0,
  },
  dbMajorUpgradeTargetVersion: {
    type: "string",
    description: "Engine version of a planned Aurora major upgrade (e.g. 17.4). Set and deploy it before changing dbEngineVersion: every region then has the new family's cluster parameter group, ready to re-attach when the global upgrade resets members to default groups. dbGlobalRpoSeconds must be 0 while set. Steps: docs/runbooks/aurora-global-database.md.",
    default: "",
  },
  dbWriteForwarding: {
    type: "boolean",
    description: "Enable global write forwarding on every member (the primary applies it once a switchover demotes it; aurora-postgresql 16+, 15.4+ or 14.9+): secondaries' readers (the pods' DB_READER_HOST) then take writes too and forward them to the writer, and the pods get DB_WRITE_FORWARDING=true. DB_WRITER_HOST is every region's own cluster endpoint either way: it takes writes once a switchover or failover promotes the region.",
    default: false,
  },
  dbMasterPasswordRotation: {
    type: "integer",
    description: "Generation of the Aurora master password: raise it by one to rotate. The global stack generates the new password, the primary region's stack sets it on the writer and then publishes it to the secret (docs/runbooks/aurora-global-database.md). Any change rotates; 0 is the password of the first deploy.",
    default: 0,
  },
  dbName: { type: "string", description: "Initial database name on the primary.", default: "app" },
  dbMasterUsername: { type: "string", description: "Master user name on the primary.", default: "app_admin" },
  dbAppUser: {
    type: "string",
    description: "Database user the service's pods sign in as, with IAM database authentication (their role may rds-db:connect as it; no password reaches them). Create it once in the writer (docs/runbooks/aurora-global-database.md, 'The application's database user').",
    default: "app",
  },
  serviceDatabaseCredentials: {
    type: "string",
    description: "How the service's pods sign in to the database: iam-user (dbAppUser, IAM authentication) or master-secret (the pods may read the master user's secret, a superuser: the risky choice, named).",
    default: "iam-user",
  },
  dbReaderAutoscalingMax: {
    type: "integer",
    description: "Upper bound for Aurora reader autoscaling in the primary region (Aurora global databases do not support it on secondary clusters); 0 turns it off. Readers it adds are not in Pulumi's state: before removing a region or destroying a cluster, delete its application-autoscaling-* instances.",
    default: 0,
  },

  // --- DNS and health ---
  dnsZoneName: {
    type: "string",
    description: "Route 53 public hosted zone of the environment, e.g. prod.example.com.",
    default: "",
    required: true,
  },
  dnsCreateZone: {
    type: "boolean",
    description: "Create the hosted zone (true) or look up an existing, already delegated one by name (false).",
    default: true,
  },
  dnsParentZoneName: {
    type: "string",
    description: "Public hosted zone in this account that delegates dnsZoneName (e.g. example.com); the global stack writes the NS records there.",
    default: "",
  },
  dnsManualDelegation: {
    type: "boolean",
    description: "Acknowledge that the created zone is delegated by hand (registrar or another account); the deploy waits until it answers before the primary wave.",
    default: false,
  },
  dnsDelegated: {
    type: "boolean",
    description: "With dnsManualDelegation: the NS records are in place and the zone answers on the internet (set once the first deploy's delegation is done). The global stack may then validate certificates through the zone (edgeEnabled).",
    default: false,
  },
  appRecordName: {
    type: "string",
    description: "Label of the latency-routed application name under the zone.",
    default: "app",
  },
  writerRecordName: {
    type: "string",
    description: "Label of the failover-routed write name under the zone (follows the Aurora writer).",
    default: "writer",
  },
  dnsQueryLogging: { type: "boolean", description: "Route 53 query logging for the zone.", default: false },
  dnsDnssec: {
    type: "boolean",
    description: "DNSSEC signing for the zone the global stack creates (KMS key in us-east-1); turning it off takes two deploys (docs/runbooks/dnssec.md).",
    default: false,
  },
  dnsDnssecParentDs: {
    type: "boolean",
    description: "With dnsDnssec and dnsParentZoneName: the DS record is in the parent zone. false keeps it out while the zone signs: the first step of turning DNSSEC off, and of turning it on for a zone that already served (docs/runbooks/dnssec.md).",
    default: true,
  },
  healthCheckIntervalSeconds: {
    type: "integer",
    description: "Route 53 health-check interval, 10 or 30 (cannot change after creation).",
    default: 10,
  },
  healthCheckFailureThreshold: {
    type: "integer",
    description: "Consecutive failed checks before Route 53 marks a region unhealthy, 1 to 10.",
    default: 3,
  },
  healthCheckPath: { type: "string", description: "HTTPS path the health checks request.", default: "/healthz" },
  healthCheckRegions: {
    type: "array",
    description: "Route 53 checker regions, at least 3.",
    default: ["us-east-1", "us-west-2", "eu-west-1"],
  },
  dnsRecordTtlSeconds: {
    type: "integer",
    description: "TTL resolvers cache an answer for; alias records use the target's TTL (60 s for an ALB).",
    default: 60,
  },
  arcEnabled: {
    type: "boolean",
    description: "Route 53 ARC cluster, control panel and routing controls for evacuations (fixed hourly cost).",
    default: true,
  },
  failoverBudgetSeconds: {
    type: "integer",
    description: "Longest acceptable time from a regional outage to DNS answering with other regions.",
    default: 120,
  },
  costMonthlyBudgetUsd: {
    type: "integer",
    description: "Monthly budget (USD) of the environment's estimated cost at desired capacity; the advisory cost-monthly-budget policy reports an estimate over it. 0 = not checked.",
    default: 0,
  },
  alarmEmail: {
    type: "string",
    description: "E-mail address subscribed to the alarm topics (health checks in us-east-1 and each region's alarms); empty = no subscriber, which the policy pack refuses for a region that serves traffic.",
    default: "",
  },
  pageEndpoints: {
    type: "array",
    description:
      "HTTPS endpoints of the on-call pager's SNS integration (PagerDuty's Amazon CloudWatch integration URL, https://events.pagerduty.com/integration/<integration key>/enqueue, or another service's that confirms SNS subscriptions itself), subscribed to every page topic: each region's <env>-<region>-alarms and the global stack's DNS topic in us-east-1. The deploy fails when one does not confirm within 5 minutes. Required with production unless pagesByEmailOnly. The URL's key opens incidents: store each encrypted, pulumi config set --secret --path 'platform:pageEndpoints[0]' <url>.",
    default: [],
    credential: true,
  },
  ticketEndpoints: {
    type: "array",
    description: "HTTPS endpoints of a ticketing integration (confirming SNS subscriptions itself), subscribed to every ticket topic: each region's <env>-<region>-tickets and the global stack's DNS ticket topic in us-east-1. Store each encrypted, as pageEndpoints: pulumi config set --secret --path 'platform:ticketEndpoints[0]' <url>.",
    default: [],
    credential: true,
  },
  pagesByEmailOnly: {
    type: "boolean",
    description: "Explicit opt-out for a production environment without pageEndpoints: its pages reach only alarmEmail, a mailbox nobody hears at night, and the deploy accepts an e-mail subscriber as the page topics' only one. Never for an environment that serves users.",
    default: false,
  },

  // --- data and edge tier (each off unless configured) ---
  dynamoTables: {
    type: "objects",
    description:
      "DynamoDB global tables, each with a replica in every region: a list of {name, partitionKey: {name, type: S|N|B}, sortKey?, globalSecondaryIndexes?: [{name, partitionKey, sortKey?, projection?: ALL|KEYS_ONLY}], billingMode?: PAY_PER_REQUEST|PROVISIONED, readCapacity?/writeCapacity?: {min, max}, targetUtilizationPercent?, consistency?: EVENTUAL|STRONG, witnessRegion?, streamViewType?, ttlAttribute?, pointInTimeRecoveryDays?}. The table is named <environment>-<name>.",
    default: [],
  },
  cacheEnabled: {
    type: "boolean",
    description: "ElastiCache Global Datastore (Valkey or Redis OSS) with a member in every region (at most 3 regions).",
    default: false,
  },
  cacheHomeRegion: {
    type: "string",
    description:
      "Region whose stack creates the cache's Global Datastore and keeps its primary member; required with cacheEnabled. Set it to the primary region (regions[0]) when turning the cache on, and never change it (a promotion or an Aurora switchover leaves it as is).",
    default: "",
  },
  cacheEngine: { type: "string", description: "`valkey` (7.2+) or `redis` (Redis OSS 5.0.6+).", default: "valkey" },
  cacheEngineVersion: { type: "string", description: "Cache engine version, e.g. 8.0 (valkey) or 7.1 (redis); upgraded through the Global Datastore.", default: "8.0" },
  cacheParameterGroupName: {
    type: "string",
    description:
      "Cache parameter group the Global Datastore takes at a major cacheEngineVersion upgrade, of the new version's family (e.g. default.valkey8); set it in the same change as the version and keep it afterwards (the provider refuses a change of it without a major upgrade). Empty = none.",
    default: "",
  },
  cacheNodeType: {
    type: "string",
    description: "Cache node type of every member: M5/M6g/M7g/R5/R6g/R7g/C7gn families, large or above.",
    default: "cache.r7g.large",
  },
  cacheNodesPerRegion: {
    type: "integer",
    description: "Nodes of each regional cache cluster (a primary plus replicas over distinct AZs), 2 to 6.",
    default: 2,
  },
  edgeEnabled: {
    type: "boolean",
    description: "CloudFront with a WAF web ACL in front of the latency-routed app name, published as <edgeRecordName>.<zone>.",
    default: false,
  },
  edgeRecordName: {
    type: "string",
    description: "Label of the edge's public name under the zone (alias to CloudFront); must differ from appRecordName and writerRecordName, which become its origins.",
    default: "www",
  },
  edgeCachedPathPatterns: {
    type: "array",
    description: "Path patterns CloudFront caches and fails over between regional origins (GET/HEAD/OPTIONS only), e.g. /static/*; everything else is not cached.",
    default: [],
  },
  edgeRateLimitPerFiveMinutes: {
    type: "integer",
    description: "Requests one client IP may make per 5 minutes before a WAF blocks it (10 to 2000000000): the edge's web ACL and each region's (regionalWafEnabled) alike, so no path is looser than the other; with the regional WAF, at least twice what one Route 53 health checker sends (60 at a 10 s interval).",
    default: DEFAULT_RATE_LIMIT,
  },
  edgeAllowLargeRequestBodies: {
    type: "boolean",
    description: "Let request bodies over 8 KB through the WAF, at the edge and at each region's ALB (regionalWafEnabled): the core rule set then counts its SizeRestrictions_BODY rule instead of blocking (a 403 for every larger POST or PUT otherwise).",
    default: false,
  },
  edgePriceClass: {
    type: "string",
    description: "CloudFront price class: PriceClass_All, PriceClass_200 or PriceClass_100.",
    default: "PriceClass_All",
  },
  edgeDirectOriginAccess: {
    type: "string",
    description:
      "With the edge on, who the regional names (appRecordName, writerRecordName, each region's own) serve: `locked`, only requests that came through CloudFront (its secret X-Origin-Verify header) and, from anyone, the health-check path; everything else gets a 403 from the ALB. `open`, everyone, as without the edge, bypassing its WAF (for clients that must reach a region directly; the regional WAF, regionalWafEnabled, still filters them). `locked` needs dbWriteForwarding: writes then reach the writer through any region, as writer.<zone> no longer serves clients.",
    default: "locked",
  },
  edgeOriginVerifyGeneration: {
    type: "integer",
    description:
      "Generation of the secret CloudFront sends to the regional ALBs in X-Origin-Verify (the regions also accept the next one). Raise it by one to rotate, in one ordinary deploy, and only once every region has deployed the previous change.",
    default: 1,
  },
  regionalWafEnabled: {
    type: "boolean",
    description:
      "A WAF web ACL on every region's ALB (scope REGIONAL), with the edge's rules: a rate limit per client IP (edgeRateLimitPerFiveMinutes), AWS's IP reputation list, core rule set (edgeAllowLargeRequestBodies applies) and known bad inputs; CloudFront's requests are exempt from its rate limit. false leaves the ALBs without one (saving about $70 a month per region at 100 million requests): production refuses that unless edgeEnabled with edgeDirectOriginAccess: locked, where CloudFront's WAF filters everything the ALBs forward but the health check.",
    default: true,
  },
  regionalWafMode: {
    type: "string",
    description:
      "What each region's web ACL (regionalWafEnabled) does with what its rules match: `block` (the default, for a new environment), the rate limit and the managed rules refuse it with a 403; `count`, every rule only counts it, in the WAF's log group (aws-waf-logs-*, blocked and counted requests) and metrics, refusing nothing: the soak of an environment that already serves traffic. Switch count to block only after reviewing what was counted (docs/data-tier.md).",
    default: "block",
  },
  // --- observability: objectives, alarms, Prometheus, synthetic probes, Grafana ---
  sloAvailabilityPercent: {
    type: "string",
    description: "Availability objective: percentage of requests that must not fail with a 5xx, e.g. \"99.9\" (a decimal, quoted).",
    default: "99.9",
  },
  sloLatencyPercent: {
    type: "string",
    description: "Latency objective: percentage of requests answered within sloLatencyThresholdMs, e.g. \"99\".",
    default: "99",
  },
  sloLatencyThresholdMs: { type: "integer", description: "Latency objective's threshold in milliseconds (target response time at the ALB).", default: 300 },
  sloWindowDays: { type: "integer", description: "Window the error budget is spent over, 7 to 90 days.", default: 30 },
  rpoObjectiveSeconds: {
    type: "integer",
    description: "Most writes (in seconds) a regional failover may lose; the replication-lag alarm pages at half of it (or of dbGlobalRpoSeconds when tighter).",
    default: 60,
  },
  nodeCpuAlarmPercent: { type: "integer", description: "Sustained average node CPU (15 minutes) that raises a ticket.", default: 85 },
  nodeMemoryAlarmPercent: { type: "integer", description: "Node memory working set (Prometheus alert) that raises a ticket.", default: 90 },
  dbCpuAlarmPercent: { type: "integer", description: "Sustained Aurora writer or reader CPU (15 minutes) that raises a ticket.", default: 80 },
  prometheusEnabled: {
    type: "boolean",
    description: "Amazon Managed Service for Prometheus per region with the agentless managed scraper of the region's EKS cluster.",
    default: true,
  },
  prometheusRetentionDays: { type: "integer", description: "Days each regional Prometheus workspace keeps metrics, 1 to 1095.", default: 150 },
  canaryEnabled: { type: "boolean", description: "A CloudWatch Synthetics canary per region probing the public name and the region's ALB.", default: true },
  canaryIntervalMinutes: { type: "integer", description: "Minutes between canary runs, 1 to 60 (cost grows with the run count).", default: 5 },
  canaryRuntimeVersion: {
    type: "string",
    description: "Pinned Synthetics Node.js runtime of the canaries; a deprecated runtime refuses new canaries, so upgrade it here.",
    default: "syn-nodejs-puppeteer-15.0",
  },
  canaryRetentionDays: { type: "integer", description: "Days canary run artifacts are kept, 1 to 455.", default: 31 },
  grafanaEnabled: {
    type: "boolean",
    description: "One Amazon Managed Grafana workspace (global stack) over every region; needs IAM Identity Center enabled and grafanaAdminGroupIds.",
    default: false,
  },
  grafanaAdminGroupIds: {
    type: "array",
    description: "IAM Identity Center group ids that administer the Grafana workspace (required when grafanaEnabled).",
    default: [],
  },
  grafanaVersion: { type: "string", description: "Amazon Managed Grafana version: 9.4, 10.4 or 12.4.", default: "12.4" },
  // --- designed for failure, rehearsed: fault injection, zonal autoshift, Region switch, load ---
  production: {
    type: "boolean",
    description: "Marks a production environment: the policy pack then requires every serving region to have the AZ power-interruption experiment and zonal autoshift on its load balancer and cluster.",
    default: false,
  },
  faultInjection: {
    type: "boolean",
    description: "AWS FIS experiment templates in every region (AZ power interruption per AZ, pod faults, node capacity, Aurora switchover, cross-region connectivity), stopped by the region's alarms; nothing runs until started (npm run gameday). The Aurora failover that allows data loss only with faultInjectionDataLoss.",
    default: true,
  },
  faultInjectionDurationMinutes: {
    type: "integer",
    description: "How long injected faults last (network cut, capacity errors, stress, latency; terminated nodes are replaced, not restarted), 5 to 720 minutes.",
    default: 30,
  },
  faultInjectionPods: {
    type: "boolean",
    description: "Adds the pod experiments on the reference service (pod delete, CPU stress). FIS follows EKS pod actions only on containers with a writable root filesystem, so the service's container loses readOnlyRootFilesystem (the rest of the restricted profile stays). Off: the container keeps a read-only root filesystem and the region has no pod experiments.",
    default: false,
  },
  faultInjectionPodNetwork: {
    type: "boolean",
    description: "Adds the pod network-latency experiment; its FIS container runs as root with NET_ADMIN, so the service's namespace only warns about the restricted Pod Security Standard instead of enforcing it. For rehearsal environments.",
    default: false,
  },
  faultInjectionDataLoss: {
    type: "boolean",
    description: "Adds, in every region, the aurora-failover experiment: an SSM automation that fails the Aurora global database over to that region with FailoverGlobalCluster AllowDataLoss (writes not yet replicated there are lost to it; the old writer's cluster has to rejoin as a secondary). A template is one console click away for anyone allowed fis:StartExperiment, and no stop condition undoes a failover. Off: only aurora-switchover (no data loss), and the automation and its role cannot fail over. Turn it on for a rehearsal in a non-production environment (or one chosen deliberately), then off again.",
    default: false,
  },
  zonalAutoshift: {
    type: "boolean",
    description: "ARC zonal autoshift for every region's ALB and EKS cluster: AWS moves traffic away from an impaired AZ, and practises it weekly (about 30 minutes with one AZ shifted away).",
    default: true,
  },
  zonalAutoshiftBlockedWindows: {
    type: "array",
    description: "UTC windows when no autoshift practice run may start, Day:HH:MM-Day:HH:MM (e.g. Fri:16:00-Mon:08:00).",
    default: [],
  },
  zonalAutoshiftBlockedDates: {
    type: "array",
    description: "Dates when no autoshift practice run may start, YYYY-MM-DD.",
    default: [],
  },
  regionSwitch: {
    type: "boolean",
    description: "ARC Region switch plans for the environment (global stack): evacuate or bring back a region as an approvable execution that scales the service and flips the routing controls (the Aurora writer moves by runbook, with writer.<zone>). ARC takes two regions per plan: one plan for two regions, one per region (paired with the next) for more. Only with arcEnabled (without routing controls there is no plan).",
    default: true,
  },
  regionSwitchRtoMinutes: {
    type: "integer",
    description: "Recovery time objective of the Region switch plans, in minutes.",
    default: 30,
  },
  regionSwitchApprovalRoleArn: {
    type: "string",
    description: "IAM role whose principals approve a Region switch execution before anything changes; empty = no approval step.",
    default: "",
  },
  loadPeakMultiplier: {
    type: "integer",
    description: "The load the plan's capacity figure tests, as a multiple of today's peak (globalPeakNodes), 1 to 1000.",
    default: 10,
  },
  peakServiceReplicas: {
    type: "integer",
    description: "Replicas of the service per region at today's peak; 0 = serviceReplicas. The capacity figure scales it to find when the autoscaler's maximum is reached.",
    default: 0,
  },
} as const satisfies Record<string, ConfigKeySpec>;

export type EnvironmentKey = keyof typeof ENVIRONMENT_KEYS;

/** Keys of a regional stack file (besides `aws:region`). */
export const REGIONAL_STACK_KEYS = {
  environmentStack: {
    type: "string",
    description:
      "Regional stacks only: the global stack of the environment, as `prod` or `org/project/prod`. Set = this stack is regional.",
    default: "",
  },
} as const satisfies Record<string, ConfigKeySpec>;
