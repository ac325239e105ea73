/**
 * From a validated environment to component args: the one place that decides what each stack
 * builds. Pure (no resources), so the global and regional programs and the single-stack
 * composition share it, and tests check it with plain values.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AuroraEngine } from "../components/lib/aurora";
import type { GlobalDatabaseArgs, MasterCredentials } from "../components/database";
import type { GlobalTrafficArgs } from "../components/global-traffic";
import type { GlobalCacheArgs, GlobalEdgeArgs, GlobalTableArgs, TableBindingInput } from "../components/data";
import type { CacheEngine, CacheMemberRole } from "../components/lib/cache";
import type { RegionArgs } from "../components/region";
import type { NatGatewayMode } from "../components/network";
import type { NodePoolKind } from "../components/node-pool";
import { failoverRoleOf, regionalAppLabel, ROUTE53_HOME_REGION } from "../components/lib/dns";
import { watchedRegions, watchedStacksFirst } from "../components/lib/watch-plan";
import { clusterAutoscalerRelease } from "../components/lib/cluster-autoscaler";
import { endpointCidrs, type DeployerNetwork } from "../components/lib/deployer";
import { parseAddonVersions, type SupportType } from "../components/lib/eks";
import { regionOfZoneId } from "../components/lib/zones";
import { maintenanceSchedule } from "../components/lib/maintenance";
import { podRoleArnPattern } from "../components/lib/service-plan";
import { originVerifyRequired, type DirectOriginAccess } from "../components/lib/edge";
import type { WafMode } from "../components/lib/waf";
import { physicalTableName } from "./data-config";
import { rdsIdentifier } from "../components/lib/aurora";
import type { GlobalObservabilityArgs, GrafanaArgs } from "../components/observability/global";
import { alarmName } from "../components/observability/names";
import { REFERENCE_SERVICE } from "../components/observability/managed-prometheus";
import { replicationLagThresholdMs } from "../components/observability/thresholds";
import type { RegionObservabilityArgs, RegionResilienceArgs } from "../components/region";
import type { RegionSwitchArgs } from "../components/chaos/region-switch";
import { ConfigError, type CredentialKey, type Environment, monitoringObjectives } from "./config";
import type { SubscriberEndpoint } from "../components/observability/subscribers";

/** What the global stack shares with every region. */
export interface SharedInputs {
  zoneId: pulumi.Input<string>;
  zoneName: pulumi.Input<string>;
  globalClusterIdentifier: pulumi.Input<string>;
  /** Route 53 ARC routing control of this region (when ARC is on). */
  routingControlArn?: pulumi.Input<string>;
  /** The DNS alarms' topics in us-east-1 (GlobalTraffic): pages, and tickets (a routing control switched Off). */
  alarmTopicArn?: pulumi.Input<string>;
  ticketTopicArn?: pulumi.Input<string>;
  /** Master credentials; only the primary region's member uses them. */
  masterCredentials?: MasterCredentials;
  /** The database secret (any region's copy: the service reads its own region's replica). */
  databaseSecretArn?: pulumi.Input<string>;
  /** Data tier, when configured: the global tables (for this region's workload binding). */
  dataTables?: TableBindingInput[];
  /** Cache AUTH token (secret); only the cache's primary member uses it. */
  cacheAuthToken?: pulumi.Input<string>;
  /** Full id of the cache's Global Datastore; the secondaries join it. */
  cacheGlobalReplicationGroupId?: pulumi.Input<string>;
  /** The AUTH token secret, and its key in this region (for the workload binding). */
  cacheAuthSecretArn?: pulumi.Input<string>;
  cacheAuthSecretKmsKeyArn?: pulumi.Input<string>;
  /** The Region switch plan's execution role (global stack), when the environment has a plan. */
  regionSwitchRoleArn?: pulumi.Input<string>;
  /**
   * What the regional listeners accept in the edge's origin-verify header (secrets: the value
   * CloudFront sends, then the next generation's); needed when `originVerifyRequired`.
   */
  edgeOriginVerifyValues?: pulumi.Input<string>[];
}

/** Stack and component names: `<env>` for the global stack, `<env>-<region>` per region. */
export function regionalStackName(environment: string, region: string): string {
  return `${environment}-${region}`;
}

/**
 * Identifier of a region's Aurora member. Explicit (the same value RegionalDatabase would derive
 * from the stack name) because the global dashboard, built before any region, names it.
 */
export function databaseClusterIdentifier(environment: Environment, region: string): string {
  return rdsIdentifier(regionalStackName(environment.name, region));
}

/** EKS cluster name of a region: the Region switch plan (global stack) names the clusters before they exist. */
export function eksClusterName(environment: string, region: string): string {
  return regionalStackName(environment, region);
}

/** How a region is rehearsed for failure: FIS experiments, zonal autoshift, Region switch access. */
export function resilienceArgs(environment: Environment, region: string, shared: Pick<SharedInputs, "regionSwitchRoleArn">): RegionResilienceArgs {
  return {
    ...(environment.faultInjection
      ? {
          experiments: {
            durationMinutes: environment.faultInjectionDurationMinutes,
            podFaults: environment.faultInjectionPods,
            networkFaults: environment.faultInjectionPodNetwork,
            otherRegions: environment.regions.filter((r) => r !== region),
            otherDatabaseMembers: environment.regions.filter((r) => r !== region).map((r) => ({ region: r, clusterIdentifier: databaseClusterIdentifier(environment, r) })),
            dataLossFailover: environment.faultInjectionDataLoss,
            logRetentionDays: environment.logRetentionDays,
          },
        }
      : {}),
    ...(environment.zonalAutoshift
      ? { autoshift: { enabled: true, blockedWindows: environment.zonalAutoshiftBlockedWindows, blockedDates: environment.zonalAutoshiftBlockedDates } }
      : {}),
    ...(environment.regionSwitch && shared.regionSwitchRoleArn !== undefined ? { regionSwitchRoleArn: shared.regionSwitchRoleArn } : {}),
  };
}

/**
 * The environment's Region switch plan (global stack), or undefined when it has none. It names
 * each region's EKS cluster before the regional stacks create it: the name is explicit and
 * derived the same way there.
 */
export function regionSwitchArgs(environment: Environment, shared: { routingControlArns: Record<string, pulumi.Input<string>> }): RegionSwitchArgs | undefined {
  if (!environment.regionSwitch || !environment.arcEnabled) return undefined;
  const byRegion = (f: (region: string) => string) => Object.fromEntries(environment.regions.map((r) => [r, f(r)]));
  return {
    environment: environment.name,
    regions: environment.regions,
    recoveryTimeObjectiveMinutes: environment.regionSwitchRtoMinutes,
    routingControlArns: shared.routingControlArns,
    eksClusterNames: byRegion((r) => eksClusterName(environment.name, r)),
    // The Region's RegionalService under its defaults (the HPA is named after the Deployment).
    service: { namespace: REFERENCE_SERVICE.namespace, deployment: REFERENCE_SERVICE.name, hpa: REFERENCE_SERVICE.name },
    ...(environment.regionSwitchApprovalRoleArn ? { approvalRoleArn: environment.regionSwitchApprovalRoleArn } : {}),
  };
}

/**
 * A credential key's endpoints as the components take them: each secret URL with its id, which
 * names its subscriptions (config validation computed it from the plain URL). A URL without one,
 * a value the run could not read, goes bare: the component names it by position, as before ids.
 */
export function identifiedEndpoints(environment: Environment, key: CredentialKey): SubscriberEndpoint<pulumi.Output<string>>[] {
  return environment[key].map((url, i) => {
    const id = environment.endpointIds[key][i];
    return id === undefined ? url : { id, url };
  });
}

/** What a region is watched with, from the environment's objectives and switches. */
export function observabilityArgs(environment: Environment): RegionObservabilityArgs {
  return {
    environment: environment.name,
    regionCount: environment.regions.length,
    objectives: monitoringObjectives(environment),
    ...(environment.alarmEmail ? { alarmEmails: [environment.alarmEmail] } : {}),
    ...(environment.pageEndpoints.length ? { pageEndpoints: identifiedEndpoints(environment, "pageEndpoints") } : {}),
    ...(environment.ticketEndpoints.length ? { ticketEndpoints: identifiedEndpoints(environment, "ticketEndpoints") } : {}),
    ...(environment.prometheusEnabled ? { prometheus: { retentionDays: environment.prometheusRetentionDays } } : {}),
    ...(environment.canaryEnabled
      ? { canary: { runtimeVersion: environment.canaryRuntimeVersion, intervalMinutes: environment.canaryIntervalMinutes, artifactRetentionDays: environment.canaryRetentionDays } }
      : {}),
  };
}

/**
 * Who watches whom from outside (components/lib/watch-plan.ts): every secondary probes the
 * primary region's own load balancer (`regionalAppLabel`), and one region probes us-east-1 when
 * it is a secondary (its loss silences its own alarms and every Route 53 alarm), each paging the
 * watcher's own topic. A watcher deploys after what it watches (`regionalStacksFirst`), so its
 * probe does not page for a region not yet built, except where that order cannot hold: the
 * primary, which always deploys first, watching us-east-1 in a two-region environment, and a
 * watch tools/ci/deploy-waves.ts gives way to a stack read (`watchesOfLaterStacks`). Until the
 * watched region is built, those probes page.
 */
export function watchedFrom(args: RegionObservabilityArgs, environment: Environment, region: string): RegionObservabilityArgs {
  const watched = watchedRegions(environment.regions, region);
  if (!args.canary || watched.length === 0 || !environment.dnsZoneName) return args;
  const zone = environment.dnsZoneName.replace(/\.$/, "");
  return { ...args, canary: { ...args.canary, watchedRegions: watched.map((r) => ({ region: r, name: `${regionalAppLabel(environment.appRecordName, r)}.${zone}` })) } };
}

/** The environment seen from one place: the global dashboard and, when enabled, Grafana. */
export function globalObservabilityArgs(environment: Environment): GlobalObservabilityArgs {
  return {
    environment: environment.name,
    regions: environment.regions.map((region) => ({
      region,
      prefix: regionalStackName(environment.name, region),
      primary: region === environment.primaryRegion,
      databaseClusterIdentifier: databaseClusterIdentifier(environment, region),
    })),
    arcEnabled: environment.arcEnabled,
    lagThresholdMs: replicationLagThresholdMs(environment.rpoObjectiveSeconds, environment.dbGlobalRpoSeconds),
    route53Region: ROUTE53_HOME_REGION,
    ...(environment.grafanaEnabled ? { grafana: { adminGroupIds: environment.grafanaAdminGroupIds, version: environment.grafanaVersion as GrafanaArgs["version"] } } : {}),
  };
}

export function roleOf(environment: Environment, region: string): "primary" | "secondary" {
  return region === environment.primaryRegion ? "primary" : "secondary";
}

/** Fully qualified app and writer names, which the ALB certificates cover in every region. */
export function publicNames(environment: Environment): { app: string; writer: string } {
  const zone = environment.dnsZoneName.replace(/\.$/, "");
  return { app: `${environment.appRecordName}.${zone}`, writer: `${environment.writerRecordName}.${zone}` };
}

export function globalTrafficArgs(environment: Environment): GlobalTrafficArgs {
  return {
    zoneName: environment.dnsZoneName,
    createZone: environment.dnsCreateZone,
    // Validation guarantees a created zone is delegated one way or the other.
    delegation: environment.dnsParentZoneName ? { parentZoneName: environment.dnsParentZoneName } : "manual",
    regions: environment.regions,
    arc: { enabled: environment.arcEnabled },
    queryLogging: environment.dnsQueryLogging,
    dnssec: environment.dnsDnssec,
    dnssecParentDsRecord: environment.dnsDnssecParentDs,
    ...(environment.alarmEmail ? { alarmEmail: environment.alarmEmail } : {}),
    ...(environment.pageEndpoints.length ? { pageEndpoints: identifiedEndpoints(environment, "pageEndpoints") } : {}),
    ...(environment.ticketEndpoints.length ? { ticketEndpoints: identifiedEndpoints(environment, "ticketEndpoints") } : {}),
  };
}

/**
 * @param homeRegion where the global cluster, its secret and the secret's key live: the global
 *   stack's `aws:region`, or ActiveActivePlatform's home region, which need not be the primary
 *   region. Fixed for their lives: the primary moves with a switchover, and a new `region`
 *   replaces the (protected) global cluster and key. Secrets Manager refuses a replica in the
 *   secret's own region, and every other region of the environment needs one. No default: the
 *   primary region is right only until the first switchover.
 */
export function globalDatabaseArgs(environment: Environment, homeRegion: string): GlobalDatabaseArgs {
  return {
    engine: environment.dbEngine as AuroraEngine,
    engineVersion: environment.dbEngineVersion,
    identifier: `${environment.name}-global`,
    databaseName: environment.dbName,
    masterUsername: environment.dbMasterUsername,
    secretName: `${environment.name}/aurora/master`,
    // The secret's value is written by the primary region's stack, after its writer took the password.
    masterPasswordRotation: environment.dbMasterPasswordRotation,
    // Applications in every region read the credentials locally, also after a failover.
    secretReplicaRegions: environment.regions.filter((r) => r !== homeRegion),
    secretReaderPrincipalArns: masterSecretReaders(environment),
    secretDeployerPrincipalArns: secretDeployers(environment),
  };
}

/**
 * Who may change the global stack's secrets (the Aurora master secret, the cache AUTH token):
 * their resource policy, replicas and value; their policies deny it to everyone else,
 * PowerUserAccess and secretsmanager:* grants included, since whoever can rewrite the policy can
 * read the value. The deploy identity, which creates and updates them, writes the master password
 * from the primary region's stack and the AUTH token from the global stack; the operators
 * (eksAdminPrincipalArns), as a deploy by hand runs as one of them, and the runbooks' repairs
 * (a replica re-added by hand, a rotated cache token published) are theirs. Never the pods.
 */
export function secretDeployers(environment: Environment): string[] {
  return [...new Set([environment.deployIdentityArn, ...environment.eksAdminPrincipalArns])];
}

/**
 * Who may read the Aurora master (superuser) secret's value; the secret's policy denies everyone
 * else, ReadOnlyAccess and secretsmanager:* grants included. The deployers (`secretDeployers`):
 * the primary region's stack writes the value and the provider reads it back, and the operators
 * create the application's database user with it and are the break-glass. Each region's service
 * pods, only where serviceDatabaseCredentials names master-secret. An environment with other
 * readers (a migration job, a second admin role) adds them here; a PR preview never reads it.
 */
export function masterSecretReaders(environment: Environment): string[] {
  const pods = environment.serviceDatabaseCredentials === "master-secret" ? servicePodRoles(environment, "master secret") : [];
  return [...new Set([...secretDeployers(environment), ...pods])];
}

/**
 * Who may read the cache AUTH token: the deployers (the global stack writes it and reads it back;
 * the operators debug the cache and are the break-glass) and every region's service pods, which
 * connect with it (`dataTierBinding` grants them their region's replica). The token is the
 * cache's only credential, so nobody else; another workload that connects is added here.
 */
export function cacheSecretReaders(environment: Environment): string[] {
  return [...new Set([...secretDeployers(environment), ...servicePodRoles(environment, "cache AUTH token")])];
}

/** `aws:PrincipalArn` patterns of every region's service pod role, in the deploy identity's account. */
function servicePodRoles(environment: Environment, secret: string): string[] {
  const account = /^arn:(aws[a-z-]*):iam::(\d{12}):/.exec(environment.deployIdentityArn);
  if (!account) throw new Error(`platform:deployIdentityArn "${environment.deployIdentityArn}" is not an IAM ARN: the ${secret}'s readers cannot be named`);
  return environment.regions.map((region) => podRoleArnPattern({ partition: account[1], accountId: account[2] }, regionalStackName(environment.name, region)));
}

/**
 * The environment's global tables, created in `homeRegion` with a replica in every region. The
 * home region is the global stack's own region (ActiveActivePlatform's home region in a single
 * stack), fixed for the table's life (another region would be another table), so it must be one
 * of the environment's regions.
 * @param homeRegionKey the config key or argument that set `homeRegion`, for the error
 */
export function globalTableArgs(environment: Environment, homeRegion: string, homeRegionKey = "aws:region"): GlobalTableArgs[] {
  if (environment.dynamoTables.length > 0 && !environment.regions.includes(homeRegion)) {
    throw new ConfigError(`stack ${environment.name}`, [{
      key: homeRegionKey,
      value: homeRegion,
      message: `the global tables are created in the home region, which must be one of platform:regions (${environment.regions.join(", ")}) so that it holds a replica; ${homeRegionKey === "aws:region" ? "deploy the global stack (or the single-stack program) in one of them" : `set ${homeRegionKey} to one of them`}`,
    }]);
  }
  return environment.dynamoTables.map((table) => ({
    table: { ...table, name: physicalTableName(environment.name, table.name) },
    homeRegion,
    regions: environment.regions,
  }));
}

/**
 * @param homeRegion where the AUTH token secret lives: the global stack's `aws:region`, or
 *   ActiveActivePlatform's home region. Fixed, like the database secret's (not the cache's
 *   `cacheHomeRegion`, which only says which member creates the datastore).
 */
export function globalCacheArgs(environment: Environment, homeRegion: string): GlobalCacheArgs | undefined {
  if (!environment.cacheEnabled) return undefined;
  return {
    regions: environment.regions,
    homeRegion,
    secretName: `${environment.name}/cache/auth`,
    secretReaderPrincipalArns: cacheSecretReaders(environment),
    secretDeployerPrincipalArns: secretDeployers(environment),
  };
}

export function globalEdgeArgs(environment: Environment, zoneId: pulumi.Input<string>): GlobalEdgeArgs | undefined {
  if (!environment.edgeEnabled) return undefined;
  const names = publicNames(environment);
  return {
    zoneId,
    zoneName: environment.dnsZoneName,
    recordName: environment.edgeRecordName,
    // The regional ALB certificates already cover both names: the edge needs nothing new in the regions.
    originDomainName: names.app,
    failoverOriginDomainName: names.writer,
    cachedPathPatterns: environment.edgeCachedPathPatterns,
    rateLimitPerFiveMinutes: environment.edgeRateLimitPerFiveMinutes,
    allowLargeRequestBodies: environment.edgeAllowLargeRequestBodies,
    priceClass: environment.edgePriceClass as GlobalEdgeArgs["priceClass"],
    logRetentionDays: environment.logRetentionDays,
    // Generated even with the direct path open, so locking it later needs no change at the edge.
    originVerifyGeneration: environment.edgeOriginVerifyGeneration,
  };
}

/**
 * Whether a region's listener serves only the edge (and the health check). Only with the edge on:
 * the global stack deploys first, so CloudFront sends the header before any region requires it,
 * and a region deployed with the edge off forwards everything.
 */
export function regionRequiresOriginVerify(environment: Environment): boolean {
  return originVerifyRequired({ edgeEnabled: environment.edgeEnabled, directOriginAccess: environment.edgeDirectOriginAccess as DirectOriginAccess });
}

/** The cache member's role: the home region creates the datastore, every other region joins it. */
export function cacheRoleOf(environment: Environment, region: string): CacheMemberRole {
  return region === environment.cacheHomeRegion ? "primary" : "secondary";
}

/**
 * Stacks of the environment a regional stack reads besides the global stack (deploy them first):
 * the cache home region's stack, which exports the Global Datastore id the other members join.
 */
export function regionalStackReads(environment: Environment, region: string): string[] {
  if (!environment.cacheEnabled || region === environment.cacheHomeRegion) return [];
  return [regionalStackName(environment.name, environment.cacheHomeRegion)];
}

/**
 * Stacks of the environment that must deploy before a regional stack: those it reads
 * (`regionalStackReads`) and, with the canaries on, those of the secondaries it probes (the
 * watch of us-east-1 as a secondary: a probe of a region not yet built pages at once).
 */
export function regionalStacksFirst(environment: Environment, region: string): string[] {
  const watched = environment.canaryEnabled ? watchedStacksFirst(environment.regions, region).map((r) => regionalStackName(environment.name, r)) : [];
  return [...new Set([...regionalStackReads(environment, region), ...watched])];
}

export function regionArgs(environment: Environment, region: string, shared: SharedInputs): RegionArgs {
  const index = environment.regions.indexOf(region);
  if (index < 0) throw new RangeError(`${region} is not a region of ${environment.name} (${environment.regions.join(", ")})`);
  const role = roleOf(environment, region);
  const names = publicNames(environment);
  const writerRole = failoverRoleOf(environment.regions, region);
  const kind = environment.nodePoolKind as NodePoolKind;
  const inRegion = (zoneIds: readonly string[]) => zoneIds.filter((id) => regionOfZoneId(id) === region);
  const pinnedZones = inRegion(environment.availabilityZoneIds);
  const excludedZones = inRegion(environment.excludedAvailabilityZoneIds);
  const endpoint = endpointCidrs(environment.deployerNetwork as DeployerNetwork, environment.deployerCidrs, {
    public: environment.eksPublicAccessCidrs,
    private: environment.eksPrivateAccessCidrs,
  });

  return {
    region,
    network: {
      cidrBlock: environment.vpcCidrs[index],
      azCount: environment.azCount,
      natGateways: environment.natGateways as NatGatewayMode,
      flowLogRetentionDays: environment.logRetentionDays,
      ...(pinnedZones.length ? { availabilityZoneIds: pinnedZones } : {}),
      ...(excludedZones.length ? { excludedAvailabilityZoneIds: excludedZones } : {}),
    },
    cluster: {
      // Explicit (the name Region would derive anyway): the Region switch plan names it first.
      clusterName: eksClusterName(environment.name, region),
      version: environment.kubernetesVersion,
      // Validated: STANDARD unless the environment names the extended-support price.
      supportType: environment.eksSupportType as SupportType,
      adminPrincipalArns: environment.eksAdminPrincipalArns,
      // The deploy identity administers every cluster, reached over the network the environment names.
      deployerPrincipalArn: environment.deployIdentityArn,
      publicAccessCidrs: endpoint.publicAccessCidrs,
      allowPublicAccessFromAnywhere: environment.eksAllowPublicAccessFromAnywhere,
      endpointPrivateAccessCidrs: endpoint.endpointPrivateAccessCidrs,
      logRetentionDays: environment.logRetentionDays,
      // The zones the control plane was created in: raising azCount must not add one (EKS refuses it).
      controlPlaneAzCount: environment.eksControlPlaneAzCount,
      // Pinned versions (validated); the others follow AWS's default for the minor.
      addonVersions: parseAddonVersions(environment.eksAddonVersions, environment.kubernetesVersion).versions,
    },
    addons: {
      // Chart and image of one minor, from the compatibility table unless pinned (validation
      // refused a pinned pair of another minor, and a minor the table lacks without both pins).
      kubernetesVersion: environment.kubernetesVersion,
      clusterAutoscalerChartVersion: environment.clusterAutoscalerChartVersion || clusterAutoscalerRelease(environment.kubernetesVersion)!.chartVersion,
      clusterAutoscalerImageTag: environment.clusterAutoscalerImageTag || clusterAutoscalerRelease(environment.kubernetesVersion)!.imageTag,
      metricsServerChartVersion: environment.metricsServerChartVersion,
      awsLoadBalancerControllerChartVersion: environment.awsLoadBalancerControllerChartVersion,
      nodeTerminationHandlerChartVersion: environment.nodeTerminationHandlerChartVersion,
    },
    nodePool: {
      kind,
      instanceTypes: environment.nodeInstanceTypes,
      minSize: environment.nodeMinSize,
      desiredSize: environment.nodeDesiredSize,
      maxSize: environment.nodeMaxSize,
      // A pinned image release, of either kind: nodes roll when it is bumped, not whenever AWS
      // publishes an AMI. Each kind spells it its own way (validated with the environment).
      ...(kind === "autoscaling"
        ? {
            onDemandBaseCapacity: environment.nodeOnDemandBaseCapacity,
            onDemandPercentageAboveBase: environment.nodeOnDemandPercentageAboveBase,
            amiReleaseVersion: environment.nodeAmiReleaseVersion,
          }
        : { releaseVersion: environment.nodeGroupReleaseVersion }),
    },
    ingress: {
      domainNames: [names.app, names.writer],
      targetPort: environment.serviceContainerPort,
      healthCheckPath: environment.healthCheckPath,
      ...(regionRequiresOriginVerify(environment) ? { originVerify: { values: edgeOriginVerifyValues(shared, region) } } : {}),
      webAcl: regionalWebAcl(environment, shared, region),
    },
    service: {
      image: environment.serviceImage,
      minReplicas: environment.serviceReplicas,
      maxReplicas: environment.serviceMaxReplicas,
      // Its writer and reader hosts are this region's own endpoints (components/region.ts).
      // Their own user with IAM authentication: the secret is the master user's (rds_superuser), so
      // the pods read it only where the environment names that choice.
      database: {
        name: environment.dbName,
        ...(environment.serviceDatabaseCredentials === "master-secret"
          ? (shared.databaseSecretArn !== undefined ? { secretArn: shared.databaseSecretArn } : {})
          : { iamUser: environment.dbAppUser }),
      },
    },
    database: {
      role,
      clusterIdentifier: databaseClusterIdentifier(environment, region),
      globalClusterIdentifier: shared.globalClusterIdentifier,
      // Each region's own night and day, its instances one after another: no patch or maintenance
      // failover reaches every region, or every instance of one, at once.
      preferredMaintenanceWindow: maintenanceSchedule(region).databaseMaintenance,
      instanceMaintenanceWindows: maintenanceSchedule(region).instanceMaintenance(environment.dbInstancesPerRegion),
      preferredBackupWindow: maintenanceSchedule(region).databaseBackup,
      engine: environment.dbEngine as AuroraEngine,
      engineVersion: environment.dbEngineVersion,
      instanceClass: environment.dbInstanceClass,
      instanceCount: environment.dbInstancesPerRegion,
      backupRetentionDays: environment.dbBackupRetentionDays,
      ...(role === "primary" ? { masterCredentials: shared.masterCredentials } : {}),
      // On every member, not just the primary: the parameter acts only on the current primary, so a
      // switchover or failover keeps the RPO guard without a config change.
      ...(environment.dbGlobalRpoSeconds > 0 ? { globalRpoSeconds: environment.dbGlobalRpoSeconds } : {}),
      // A planned major upgrade: the target family's parameter group exists before the upgrade.
      ...(environment.dbMajorUpgradeTargetVersion ? { upgradeTargetEngineVersion: environment.dbMajorUpgradeTargetVersion } : {}),
      // Every member: the primary applies it once a switchover or failover demotes it.
      ...(environment.dbWriteForwarding ? { writeForwarding: true } : {}),
      // The primary only: Aurora global databases do not support Auto Scaling on secondary
      // clusters (Aurora User Guide, global database limitations).
      ...(environment.dbReaderAutoscalingMax > 0 && role === "primary" ? { readerAutoscaling: { maxCapacity: environment.dbReaderAutoscalingMax } } : {}),
    },
    ...(environment.cacheEnabled ? { cache: regionalCacheArgs(environment, region, shared) } : {}),
    data: {
      tables: shared.dataTables ?? [],
      ...(environment.cacheEnabled && shared.cacheAuthSecretArn !== undefined && shared.cacheAuthSecretKmsKeyArn !== undefined
        ? { cacheAuth: { secretArn: shared.cacheAuthSecretArn, kmsKeyArn: shared.cacheAuthSecretKmsKeyArn } }
        : {}),
    },
    dns: {
      zoneId: shared.zoneId,
      zoneName: shared.zoneName,
      appRecordName: environment.appRecordName,
      healthCheck: {
        path: environment.healthCheckPath,
        intervalSeconds: environment.healthCheckIntervalSeconds,
        failureThreshold: environment.healthCheckFailureThreshold,
        regions: environment.healthCheckRegions,
      },
      ...(environment.arcEnabled && shared.routingControlArn ? { routingControlArn: shared.routingControlArn } : {}),
      ...(writerRole ? { writer: { recordName: environment.writerRecordName, role: writerRole } } : {}),
      ...(shared.alarmTopicArn ? { alarmTopicArn: shared.alarmTopicArn } : {}),
      ...(shared.ticketTopicArn ? { ticketTopicArn: shared.ticketTopicArn } : {}),
      alarmNames: {
        outOfRotation: alarmName(regionalStackName(environment.name, region), "out-of-rotation"),
        routingControlOff: alarmName(regionalStackName(environment.name, region), "routing-control-off"),
      },
    },
    observability: watchedFrom(observabilityArgs(environment), environment, region),
    resilience: resilienceArgs(environment, region, shared),
  };
}

function edgeOriginVerifyValues(shared: SharedInputs, region: string): pulumi.Input<string>[] {
  if (!shared.edgeOriginVerifyValues?.length) throw new RangeError(`${region}: the edge is on with its direct path locked or a regional WAF, but the shared inputs hold no edgeOriginVerifyValues (the global stack's, or GlobalEdge.originVerifyValues)`);
  return shared.edgeOriginVerifyValues;
}

/**
 * A region's web ACL (RegionalIngress.webAcl), on unless the environment names the opt-out
 * (regionalWafEnabled: false, which production accepts only behind the locked edge). It takes the
 * edge's rate limit and body-size choice, and the environment's mode (regionalWafMode) and log retention.
 * With the edge on and its direct path open, CloudFront's
 * requests reach the ALB beside everyone else's: the edge's secret exempts them from the rate
 * limit, as originVerify's does when the path is locked.
 */
function regionalWebAcl(environment: Environment, shared: SharedInputs, region: string): NonNullable<RegionArgs["ingress"]["webAcl"]> {
  if (!environment.regionalWafEnabled) return "none";
  return {
    rateLimitPerFiveMinutes: environment.edgeRateLimitPerFiveMinutes,
    allowLargeRequestBodies: environment.edgeAllowLargeRequestBodies,
    mode: environment.regionalWafMode as WafMode,
    logRetentionDays: environment.logRetentionDays,
    ...(environment.edgeEnabled && !regionRequiresOriginVerify(environment) ? { edgeVerified: { values: edgeOriginVerifyValues(shared, region) } } : {}),
  };
}

/** Whether a regional stack reads the edge's origin-verify values: for its listener's lock, or its web ACL's rate-limit exemption. */
export function regionReadsEdgeSecrets(environment: Environment): boolean {
  return environment.edgeEnabled && (regionRequiresOriginVerify(environment) || environment.regionalWafEnabled);
}

function regionalCacheArgs(environment: Environment, region: string, shared: SharedInputs): NonNullable<RegionArgs["cache"]> {
  const role = cacheRoleOf(environment, region);
  return {
    role,
    engine: environment.cacheEngine as CacheEngine,
    engineVersion: environment.cacheEngineVersion,
    nodeType: environment.cacheNodeType,
    nodes: environment.cacheNodesPerRegion,
    maintenanceWindow: maintenanceSchedule(region).cacheMaintenance,
    snapshotWindow: maintenanceSchedule(region).cacheSnapshot,
    ...(role === "primary"
      ? { authToken: shared.cacheAuthToken, globalDatastoreSuffix: `${environment.name}-cache`, ...(environment.cacheParameterGroupName ? { parameterGroupName: environment.cacheParameterGroupName } : {}) }
      : { globalReplicationGroupId: shared.cacheGlobalReplicationGroupId }),
  };
}
