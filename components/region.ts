import * as pulumi from "@pulumi/pulumi";
import { RegionalNetwork, RegionalNetworkArgs } from "./network";
import { EksCluster, eksClusterName, EksClusterArgs } from "./eks";
import { controlPlaneZoneCount } from "./lib/eks";
import { ClusterAddons, ClusterAddonsArgs } from "./cluster-addons";
import { NodePool, NodePoolArgs } from "./node-pool";
import { NodeTerminationHandler } from "./node-termination-handler";
import { RegionalIngress, RegionalIngressArgs } from "./ingress";
import { RegionalDatabase, RegionalDatabaseArgs } from "./database";
import { RegionalEndpoint, RegionalEndpointArgs } from "./regional-endpoint";
import { RegionalService, RegionalServiceArgs, ServiceDatabase } from "./service";
import { RegionalCache, type RegionalCacheArgs } from "./data/regional-cache";
import { dataTierBinding, type DataTierBinding, type TableBindingInput } from "./data/binding";
import { RegionalObservability, type RegionalObservabilityArgs } from "./observability/regional";
import type { SyntheticProbeArgs } from "./observability/synthetic-probe";
import { ResilienceExperiments } from "./chaos/resilience-experiments";
import { ZonalAutoshift } from "./chaos/zonal-autoshift";
import { RegionSwitchAccess } from "./chaos/region-switch";

/** What a Region's monitoring needs besides what the Region wires itself (its ALB, nodes, cluster, database). */
export type RegionObservabilityArgs = Omit<RegionalObservabilityArgs, "region" | "namePrefix" | "loadBalancer" | "availabilityZones" | "nodes" | "database" | "prometheus" | "canary" | "globalRpoParameterSeconds"> & {
  /**
   * The reference service's target group (ARN suffix), whose latency and healthy hosts the alarms
   * watch. @default the ingress target group (the one the Region's RegionalService is bound to)
   */
  targetGroupArnSuffix?: pulumi.Input<string>;
  /**
   * Prometheus with the managed scraper of the region's cluster; `service` @default the Region's
   * RegionalService (its namespace and name). @default none
   */
  prometheus?: { retentionDays?: number; service?: { namespace: string; name: string } };
  /** Synthetic probe. `publicName` @default the ingress's first domain name; `path` @default its health-check path. @default none */
  canary?: Omit<SyntheticProbeArgs, "namePrefix" | "loadBalancerDnsName" | "kmsKeyArn" | "publicName"> & { publicName?: string };
};

/** How a region is rehearsed for failure (components/chaos). Needs `observability`: its alarms stop experiments and judge practice runs. */
export interface RegionResilienceArgs {
  /**
   * AWS FIS experiment templates (AZ power interruption per AZ, pod faults on the service, node
   * capacity, Aurora switchover, cross-region connectivity; the Aurora failover that allows data
   * loss only with `dataLossFailover`). `podFaults` adds the pod
   * experiments on the service and makes its root filesystem writable (FIS follows pod actions
   * only on such containers); `networkFaults` (with `podFaults`) adds pod network latency and lets
   * the service's namespace admit FIS's root, NET_ADMIN container.
   * @default none
   */
  experiments?: {
    durationMinutes?: number;
    podFaults?: boolean;
    networkFaults?: boolean;
    otherRegions?: string[];
    /** The other regions' Aurora members, which the writer-moving automation may demote. @default [] */
    otherDatabaseMembers?: { region: string; clusterIdentifier: string }[];
    /** Adds the Aurora global failover that allows data loss (ResilienceExperiments `database.dataLossFailover`). @default false */
    dataLossFailover?: boolean;
    logRetentionDays?: number;
  };
  /** ARC zonal autoshift (with practice runs) for the ALB and the EKS cluster. @default none */
  autoshift?: { enabled?: boolean; blockedWindows?: string[]; blockedDates?: string[] };
  /** The environment's Region switch execution role: gets an access entry and RBAC to scale the service. @default none */
  regionSwitchRoleArn?: pulumi.Input<string>;
}

export interface RegionArgs {
  /** AWS region code. Children are created through the provider in opts (or the stack's default). */
  region: string;
  network: RegionalNetworkArgs;
  cluster: Omit<EksClusterArgs, "vpcId" | "subnetIds" | "nodeAzCount"> & {
    /**
     * The control plane's subnets are the private subnets of the first `controlPlaneAzCount` zones
     * (at most `network.azCount`). EKS refuses subnets in AZs the cluster was not created in, so
     * raising `azCount` later gives nodes, NAT, the load balancer and the database the new zone
     * while the control plane keeps its own. Never raise it for an existing cluster.
     * @default 3
     */
    controlPlaneAzCount?: number;
  };
  /** The AWS Load Balancer Controller is always installed: it binds the ALB's target group to the service. */
  addons: Omit<ClusterAddonsArgs, "clusterName" | "region" | "awsLoadBalancerController"> & {
    awsLoadBalancerControllerChartVersion: string;
    /**
     * aws-node-termination-handler chart: with an `autoscaling` node pool, every terminating node
     * is drained first (NodeTerminationHandler). Managed node groups drain on their own.
     */
    nodeTerminationHandlerChartVersion: string;
  };
  nodePool: Omit<NodePoolArgs, "cluster" | "instanceProfileArn" | "nodeRoleArn" | "vpcId" | "subnetIds" | "azCount" | "loadBalancer">;
  ingress: Omit<RegionalIngressArgs, "vpcId" | "publicSubnetIds" | "zoneId">;
  /** This region's Aurora member; its `role` says primary or secondary. */
  database: Omit<RegionalDatabaseArgs, "vpcId" | "subnetIds" | "availabilityZones" | "clientSecurityGroupIds">;
  dns: Omit<RegionalEndpointArgs, "region" | "loadBalancer">;
  /**
   * The service behind the ALB. Its pods listen on `ingress.targetPort` and answer
   * `ingress.healthCheckPath`; its database variables point at this region's own endpoints (the
   * reader, and `RegionalDatabase.localWriterEndpoint` for writes); it gets the data tier's
   * variables and IAM statements (`dataBinding`).
   */
  service: Omit<RegionalServiceArgs, "region" | "clusterName" | "targetGroup" | "controller" | "database" | "policyStatements" | "azCount"> & {
    database?: Omit<ServiceDatabase, "readerEndpoint" | "writerEndpoint" | "writeForwarding" | "port" | "engine" | "clusterResourceId">;
  };
  /**
   * This region's member of the cache's Global Datastore, reachable only from the nodes.
   * @default none (no cache)
   */
  cache?: Omit<RegionalCacheArgs, "vpcId" | "subnetIds" | "clientSecurityGroupIds">;
  /**
   * The data tier the region's workloads use (see `dataBinding`): global tables, and the cache's
   * AUTH token secret (with this region's key).
   * @default none
   */
  data?: { tables?: TableBindingInput[]; cacheAuth?: { secretArn: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> } };
  /**
   * Alarms, dashboard, topic, Prometheus and probe of the region (RegionalObservability), named
   * after the Region's name. @default none: the region is not monitored (the policy pack refuses
   * that for a region serving traffic)
   */
  observability?: RegionObservabilityArgs;
  /** Fault injection, zonal autoshift and Region switch access (RegionResilienceArgs). @default none */
  resilience?: RegionResilienceArgs;
}

/**
 * Everything of an environment in one region, wired together: network (zones chosen by zone ID,
 * offering the node and database classes) → EKS cluster → ingress (ALB, ip target group) → node
 * pool (only the ALB reaches the pods' port) → cluster add-ons (AWS Load Balancer Controller) →
 * Aurora member and (optional) cache member, reachable only from the nodes → the service bound to
 * the target group, given the database and the data tier (`dataBinding`) → DNS registration of
 * the ALB. The serving path: DNS record → ALB → target group → Service → pods.
 */
export class Region extends pulumi.ComponentResource {
  readonly region: string;
  readonly network: RegionalNetwork;
  readonly cluster: EksCluster;
  readonly nodePool: NodePool;
  readonly addons: ClusterAddons;
  /** Drains self-managed nodes before they terminate; undefined for a managed node group. */
  readonly terminationHandler: NodeTerminationHandler | undefined;
  readonly ingress: RegionalIngress;
  readonly database: RegionalDatabase;
  readonly endpoint: RegionalEndpoint;
  readonly service: RegionalService;
  /** This region's cache member, when the environment has a cache. */
  readonly cache: RegionalCache | undefined;
  /** Environment and least-privilege IAM statements for this region's workloads (empty without a data tier). */
  readonly dataBinding: DataTierBinding;
  readonly observability?: RegionalObservability;
  readonly experiments?: ResilienceExperiments;
  readonly autoshift?: ZonalAutoshift;

  constructor(name: string, args: RegionArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before registering anything: a bad argument must not leave half a region.
    if ((args.resilience?.experiments || args.resilience?.autoshift) && !args.observability) {
      throw new RangeError(`${name}: resilience experiments and zonal autoshift need observability (its alarms are their stop conditions and practice-run judges)`);
    }
    if (args.cache && !args.data?.cacheAuth) throw new RangeError(`${name}: a region with a cache needs data.cacheAuth (the AUTH token secret and this region's key) for its workloads`);
    // Refused here, before any resource: the same rule as controlPlaneZoneCount.
    controlPlaneZoneCount(2, args.cluster.controlPlaneAzCount);
    super("platform:region:Region", name, {}, opts);
    const parent = { parent: this };
    this.region = args.region;

    this.network = new RegionalNetwork(name, {
      ...args.network,
      // Zones must offer the node instance types and the database class, or nodes and instances fail there.
      zoneRequirements: args.network.zoneRequirements ?? {
        instanceTypes: args.nodePool.instanceTypes,
        database: { engine: args.database.engine, engineVersion: args.database.engineVersion, instanceClass: args.database.instanceClass },
      },
    }, parent);
    const { controlPlaneAzCount, ...cluster } = args.cluster;
    const controlPlaneSubnetIds = this.network.privateSubnetIds.slice(0, controlPlaneZoneCount(this.network.azCount, controlPlaneAzCount));
    // Nodes span every AZ of the region, the control plane perhaps fewer: coredns follows the nodes.
    this.cluster = new EksCluster(name, { ...cluster, vpcId: this.network.vpcId, subnetIds: controlPlaneSubnetIds, nodeAzCount: this.network.azCount }, parent);
    this.ingress = new RegionalIngress(name, {
      ...args.ingress,
      // The region's own pods reach its public names through its NAT gateways: their addresses
      // are exempt from the web ACL's per-IP rate limit (albWebAcl).
      ...(args.ingress.webAcl !== "none" ? { webAcl: { natAddresses: this.network.natPublicIps, ...args.ingress.webAcl } } : {}),
      // The cluster whose controller may register targets with this target group.
      bindingClusterName: eksClusterName(name, cluster),
      vpcId: this.network.vpcId,
      publicSubnetIds: this.network.publicSubnetIds,
      zoneId: args.dns.zoneId,
    }, parent);

    const kind = args.nodePool.kind ?? "autoscaling";
    this.nodePool = new NodePool(name, {
      ...args.nodePool,
      cluster: {
        name: this.cluster.clusterName,
        endpoint: this.cluster.endpoint,
        certificateAuthorityData: this.cluster.certificateAuthorityData,
        serviceIpv4Cidr: this.cluster.serviceIpv4Cidr,
        version: args.cluster.version,
        securityGroupId: this.cluster.clusterSecurityGroupId,
      },
      // Self-managed nodes launch with the instance profile; EKS managed groups take the role.
      // No CPU target-tracking policy beside cluster-autoscaler (ClusterAddons always installs
      // it), unless asked for: the policy adds nodes no pending pod needs, cluster-autoscaler
      // removes them as unneeded ten minutes later, and the policy adds them again, churn and
      // drains during the very load (a region's failover) the capacity is for (the
      // cluster-autoscaler FAQ: do not use a CPU-based node autoscaler with it). Pods scale on
      // CPU (the service's HPA); nodes follow the pods that cannot be scheduled.
      ...(kind === "autoscaling"
        ? { instanceProfileArn: this.cluster.nodeInstanceProfileArn, targetCpuUtilizationPercent: args.nodePool.targetCpuUtilizationPercent ?? false }
        : { nodeRoleArn: this.cluster.nodeRoleArn }),
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      azCount: this.network.azCount,
      // Pods (VPC CNI) carry the node security group: this lets the ALB reach them, nothing else.
      loadBalancer: { securityGroupId: this.ingress.securityGroupId, port: this.ingress.targetPort },
    }, parent);

    // Helm releases need schedulable nodes; never the other way round (the cluster's coredns add-on
    // waits for nodes, so nodes must not wait for the whole cluster component).
    const { awsLoadBalancerControllerChartVersion, nodeTerminationHandlerChartVersion, ...addons } = args.addons;
    this.addons = new ClusterAddons(name, {
      ...addons,
      clusterName: this.cluster.clusterName,
      region: args.region,
      awsLoadBalancerController: {
        chartVersion: awsLoadBalancerControllerChartVersion,
        vpcId: this.network.vpcId,
        // The controller may register targets with this region's target groups (tagged for its
        // cluster, a replaced one too) and its own only.
        bindableTargetGroupArns: [this.ingress.targetGroupArn],
      },
    }, { parent: this, provider: this.cluster.kubernetesProvider, dependsOn: [this.nodePool] });
    // Instance refresh, capacity and AZ rebalancing terminate self-managed nodes: drain them first.
    this.terminationHandler = kind === "autoscaling"
      ? new NodeTerminationHandler(name, {
          clusterName: this.cluster.clusterName,
          region: args.region,
          autoScalingGroupName: this.nodePool.autoScalingGroupName,
          chartVersion: nodeTerminationHandlerChartVersion,
        }, { parent: this, provider: this.cluster.kubernetesProvider, dependsOn: [this.nodePool] })
      : undefined;

    this.database = new RegionalDatabase(name, {
      ...args.database,
      vpcId: this.network.vpcId,
      subnetIds: this.network.isolatedSubnetIds,
      availabilityZones: this.network.availabilityZones,
      // Pods use the node security group (VPC CNI); managed node groups also carry the cluster's.
      clientSecurityGroupIds: [this.nodePool.nodeSecurityGroupId, this.cluster.clusterSecurityGroupId],
    }, parent);

    if (args.cache) {
      this.cache = new RegionalCache(`${name}-cache`, {
        ...args.cache,
        vpcId: this.network.vpcId,
        subnetIds: this.network.isolatedSubnetIds,
        // Like the database: pods use the node security group; managed node groups also carry the cluster's.
        clientSecurityGroupIds: [this.nodePool.nodeSecurityGroupId, this.cluster.clusterSecurityGroupId],
      }, parent);
    }
    const cacheAuth = args.data?.cacheAuth;
    this.dataBinding = dataTierBinding({
      region: args.region,
      tables: args.data?.tables ?? [],
      ...(this.cache && cacheAuth
        ? { cache: { endpoint: this.cache.primaryEndpoint, readerEndpoint: this.cache.readerEndpoint, port: this.cache.port, authSecretArn: cacheAuth.secretArn, authSecretKmsKeyArn: cacheAuth.kmsKeyArn } }
        : {}),
    });

    const { database: serviceDatabase, ...service } = args.service;
    // After the data tier: the pods get its variables and their role its statements (both empty
    // without one). The service's own variables win over the binding's.
    this.service = new RegionalService(name, {
      ...service,
      allowNetworkFaultInjection: service.allowNetworkFaultInjection ?? ((args.resilience?.experiments?.podFaults ?? false) && (args.resilience?.experiments?.networkFaults ?? false)),
      // FIS pod actions fail against a read-only root filesystem (FIS user guide, EKS pod actions):
      // writable only where pod experiments are asked for.
      allowPodFaultInjection: service.allowPodFaultInjection ?? args.resilience?.experiments?.podFaults ?? false,
      env: { ...this.dataBinding.env, ...service.env },
      policyStatements: this.dataBinding.policyStatements,
      region: args.region,
      clusterName: this.cluster.clusterName,
      // Its CPU target leaves room for an AZ's loss, as the node pool's does.
      azCount: this.network.azCount,
      targetGroup: {
        arn: this.ingress.targetGroupArn,
        vpcId: this.network.vpcId,
        port: this.ingress.targetPort,
        healthCheckPath: this.ingress.healthCheckPath,
        deregistrationDelaySeconds: this.ingress.deregistrationDelaySeconds,
        healthCheck: this.ingress.healthCheck,
      },
      controller: [this.addons.awsLoadBalancerController!],
      servingAfter: this.ingress.servingResources,
      ...(serviceDatabase
        ? {
            database: {
              ...serviceDatabase,
              engine: args.database.engine,
              readerEndpoint: this.database.readerEndpoint,
              writerEndpoint: this.database.localWriterEndpoint,
              ...(this.database.writeForwarding ? { writeForwarding: true } : {}),
              port: this.database.port,
              // The one cluster the pods connect to (both endpoints above): their rds-db:connect scope.
              clusterResourceId: this.database.clusterResourceId,
            },
          }
        : {}),
    }, { parent: this, provider: this.cluster.kubernetesProvider });

    // The region's DNS records only once its database and service are up: without a routing
    // control (arcEnabled false) a latency record serves as soon as it exists, Route 53 counts a
    // new health check healthy until it has data, and /healthz need not touch the database. The
    // endpoint's children register after it, so they wait as well.
    this.endpoint = new RegionalEndpoint(name, {
      ...args.dns,
      region: args.region,
      loadBalancer: { dnsName: this.ingress.dnsName, zoneId: this.ingress.zoneId },
    }, { parent: this, dependsOn: [this.database, this.service] });

    const o = args.observability;
    if (o) {
      const { targetGroupArnSuffix, prometheus, canary, ...rest } = o;
      this.observability = new RegionalObservability(name, {
        ...rest,
        region: args.region,
        namePrefix: name,
        loadBalancer: { arnSuffix: this.ingress.loadBalancerArnSuffix, targetGroupArnSuffix: targetGroupArnSuffix ?? this.ingress.targetGroupArnSuffix, dnsName: this.ingress.dnsName },
        availabilityZones: this.network.availabilityZones,
        nodes: { autoScalingGroupName: this.nodePool.autoScalingGroupName },
        database: { clusterIdentifier: this.database.clusterIdentifier, engine: args.database.engine, engineVersion: args.database.engineVersion, instanceClass: args.database.instanceClass },
        ...(args.data?.tables?.length ? { tables: args.data.tables.map((t) => ({ name: t.name, tableName: t.tableName })) } : {}),
        ...(args.database.globalRpoSeconds ? { globalRpoParameterSeconds: args.database.globalRpoSeconds } : {}),
        ...(prometheus
          ? {
              prometheus: {
                ...prometheus,
                // The Region's own service unless another one is named.
                service: prometheus.service ?? { namespace: this.service.namespace, name: this.service.name },
                cluster: {
                  name: this.cluster.clusterName,
                  arn: this.cluster.clusterArn,
                  vpcId: this.network.vpcId,
                  subnetIds: this.network.privateSubnetIds,
                  clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
                  nodeSecurityGroupId: this.nodePool.nodeSecurityGroupId,
                },
              },
            }
          : {}),
        ...(canary ? { canary: { path: args.ingress.healthCheckPath, ...canary, publicName: canary.publicName ?? args.ingress.domainNames[0] } } : {}),
        // The canary probes the public name too: it starts once the region's records exist.
        servingDependsOn: [this.service, this.endpoint],
      }, parent);
    }

    const resilience = args.resilience;
    if (resilience && this.observability) {
      const alarmArns = this.observability.alarmArns;
      // Only resources registered for zonal shift can be autoshifted (the policy pack asks for both in production).
      const zonalShift = [
        ...((args.ingress.zonalShift ?? true) ? [{ name: "alb", kind: "ALB" as const, arn: this.ingress.loadBalancerArn }] : []),
        ...((args.cluster.zonalShift ?? true) ? [{ name: "eks", kind: "EKS" as const, arn: this.cluster.clusterArn }] : []),
      ];
      // The AZ experiments rehearse autoshift only where it is on: FIS's action acts on resources
      // whose autoshift is ENABLED and would find none otherwise.
      const autoshifted = resilience.autoshift && (resilience.autoshift.enabled ?? true) ? zonalShift : [];
      if (resilience.experiments) {
        const e = resilience.experiments;
        this.experiments = new ResilienceExperiments(name, {
          namePrefix: name,
          region: args.region,
          ...(e.durationMinutes !== undefined ? { durationMinutes: e.durationMinutes } : {}),
          network: {
            vpcId: this.network.vpcId,
            zones: this.network.subnetsByAz.map((z) => ({ name: z.availabilityZone, id: z.availabilityZoneId, subnetIds: [z.publicSubnetId, z.privateSubnetId, z.isolatedSubnetId] })),
          },
          cluster: { name: this.cluster.clusterName, arn: this.cluster.clusterArn },
          ...(this.nodePool.autoScalingGroupArn ? { autoScalingGroupArn: this.nodePool.autoScalingGroupArn } : {}),
          zonalShiftResources: autoshifted.map((r) => ({ kind: r.kind, arn: r.arn })),
          database: {
            clusterArn: this.database.clusterArn,
            globalClusterIdentifier: args.database.globalClusterIdentifier,
            writer: args.database.role === "primary",
            otherMembers: e.otherDatabaseMembers ?? [],
            dataLossFailover: e.dataLossFailover ?? false,
          },
          ...(e.podFaults
            ? {
                service: {
                  namespace: this.service.namespace,
                  name: this.service.name,
                  labelSelector: `app.kubernetes.io/name=${this.service.name}`,
                  networkFaults: e.networkFaults ?? false,
                  minReplicas: this.service.minReplicas,
                  ready: [this.service],
                },
              }
            : {}),
          alarmArns,
          otherRegions: e.otherRegions ?? [],
          ...(e.logRetentionDays !== undefined ? { logRetentionDays: e.logRetentionDays } : {}),
        }, { parent: this, kubernetesProvider: this.cluster.kubernetesProvider });
      }
      if (resilience.autoshift) {
        const a = resilience.autoshift;
        this.autoshift = new ZonalAutoshift(`${name}-autoshift`, {
          namePrefix: name,
          resources: zonalShift.map((r) => ({ name: r.name, arn: r.arn })),
          alarmArns,
          ...(a.enabled !== undefined ? { enabled: a.enabled } : {}),
          ...(a.blockedWindows ? { blockedWindows: a.blockedWindows } : {}),
          ...(a.blockedDates ? { blockedDates: a.blockedDates } : {}),
        }, parent);
      }
    }
    if (resilience?.regionSwitchRoleArn !== undefined) {
      new RegionSwitchAccess(name, {
        clusterName: this.cluster.clusterName,
        executionRoleArn: resilience.regionSwitchRoleArn,
        namespace: this.service.namespace,
      }, { parent: this });
    }

    this.registerOutputs({
      vpcId: this.network.vpcId,
      clusterName: this.cluster.clusterName,
      loadBalancerDnsName: this.ingress.dnsName,
      databaseRole: this.database.role,
      healthCheckId: this.endpoint.healthCheckId,
    });
  }
}
