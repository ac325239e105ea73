import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  checkInstanceTypes,
  checkAmiRelease,
  checkKubernetesVersion,
  checkNodeGroupRelease,
  defaultCpuTargetPercent,
  eksAl2023AmiParameter,
  nodeadmUserData,
  planNodeCapacity,
  type NodeCapacity,
} from "./lib/node-pool-plan";
import { clusterTagKey } from "./lib/eks";

/** What a node pool needs to know of its cluster (plain values or outputs of the cluster component). */
export interface NodePoolCluster {
  name: pulumi.Input<string>;
  /** API server endpoint, `https://...`. */
  endpoint: pulumi.Input<string>;
  /** Base64 CA bundle (`certificateAuthority.data`). */
  certificateAuthorityData: pulumi.Input<string>;
  /** `kubernetesNetworkConfig.serviceIpv4Cidr`. */
  serviceIpv4Cidr: pulumi.Input<string>;
  /** Kubernetes major.minor; picks the AMI (and the managed node group version). */
  version: string;
  /** The EKS-created cluster security group (`vpcConfig.clusterSecurityGroupId`). */
  securityGroupId: pulumi.Input<string>;
}

/**
 * A load balancer that reaches workloads on the pool's nodes. With pod (`ip`) targets the pods
 * carry the node security group (VPC CNI without security groups for pods), so opening `port` to
 * the load balancer here is what lets it reach the pods.
 */
export interface NodePoolLoadBalancer {
  /** Security group of the load balancer: the only source allowed to reach `port` from outside the cluster. */
  securityGroupId: pulumi.Input<string>;
  /** Port the load balancer sends traffic and health checks to (the pods' container port for ip targets). */
  port: number;
  /**
   * Target groups of type `instance` the nodes themselves register with. Not needed for `ip`
   * target groups, whose targets (pods) the AWS Load Balancer Controller registers.
   * @default [] — the nodes are no targets
   */
  targetGroupArns?: pulumi.Input<string>[];
}

export type NodePoolKind = "autoscaling" | "managed";

export interface NodePoolArgs {
  cluster: NodePoolCluster;
  /**
   * `"autoscaling"`: a self-managed EC2 Auto Scaling group (mixed on-demand/Spot instances,
   * capacity rebalancing, instance refresh, EC2 health checks). `"managed"`: an EKS managed node
   * group (EKS drains nodes on updates and repairs unhealthy ones; one capacity type per group).
   * @default "autoscaling"
   */
  kind?: NodePoolKind;
  /** Instance profile of the node role. Required for `kind: "autoscaling"`. */
  instanceProfileArn?: pulumi.Input<string>;
  /** Node role ARN. Required for `kind: "managed"` (EKS refuses an instance profile in the launch template). */
  nodeRoleArn?: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** Private subnets of every AZ the region uses; the group spans them all. */
  subnetIds: pulumi.Input<string>[];
  /** Number of AZs the subnets cover. */
  azCount: number;
  /** Several instance types of one size and architecture (x86_64), for Spot depth; on-demand prefers them in this order. */
  instanceTypes: string[];
  /** @default azCount — one node per AZ at least */
  minSize?: number;
  /** Initial size; afterwards cluster-autoscaler owns it. @default minSize */
  desiredSize?: number;
  /** @default 3 × minSize — room to take over a failed region's share */
  maxSize?: number;
  /** Accept `minSize < azCount` (some AZ without a node). For dev only. @default false */
  allowFewerNodesThanAzs?: boolean;
  /** Autoscaling kind: on-demand instances before any Spot. @default minSize — the floor never runs on Spot */
  onDemandBaseCapacity?: number;
  /** Autoscaling kind: on-demand share above the base, 0 to 100. @default 50 — scale-out comes with regional failover, when Spot is scarcest */
  onDemandPercentageAboveBase?: number;
  /** Autoscaling kind. @default "price-capacity-optimized" — deepest pools at a low price, fewest interruptions */
  spotAllocationStrategy?: "price-capacity-optimized" | "capacity-optimized" | "capacity-optimized-prioritized" | "lowest-price";
  /**
   * Autoscaling kind: average CPU the target-tracking policy holds the group at, or `false` for no
   * policy (cluster-autoscaler only). Not beside cluster-autoscaler: it adds nodes no pending pod
   * needs, which cluster-autoscaler then removes (`Region` passes `false`, as it installs one).
   * @default 60 (50 with two AZs) — survivors of an AZ loss stay below saturation
   */
  targetCpuUtilizationPercent?: number | false;
  /** Opens `port` to the load balancer's security group only (and registers the nodes in `targetGroupArns`, if any). */
  loadBalancer?: NodePoolLoadBalancer;
  /**
   * Autoscaling kind: how the group decides an instance is unhealthy. A node's health is its own:
   * `"EC2"` (instance status checks). `"ELB"` also replaces nodes whose target-group health check
   * fails; that is right only when the target is something the node itself serves. When the
   * target is a NodePort of an app or in-cluster proxy, an app outage fails the check on every
   * node at once and the group terminates the whole region's nodes, in a loop.
   * @default "EC2"
   */
  healthCheckType?: "ELB" | "EC2";
  /** Autoscaling kind: seconds after launch before health checks count (the API default, 0, kills booting nodes). @default 300 */
  healthCheckGracePeriodSeconds?: number;
  /** Root (gp3, encrypted) volume size in GiB; images and logs live there. @default 50 */
  rootVolumeSizeGiB?: number;
  /**
   * Autoscaling kind: the AL2023 EKS AMI release nodes run (e.g. "v20260714"; awslabs/amazon-eks-ami
   * releases), resolved for `cluster.version` through the release's own SSM parameter. Bumping it
   * is what rolls the nodes (an instance refresh). `"recommended"` follows AWS's latest on every
   * deploy: any deploy after an AMI release then rolls every node. One of this and `amiId` is required.
   */
  amiReleaseVersion?: string;
  /** Autoscaling kind: an AMI id, instead of `amiReleaseVersion`. */
  amiId?: pulumi.Input<string>;
  /**
   * Managed kind, required: the EKS AMI release the node group runs, as EKS spells it,
   * `<Kubernetes major.minor.patch>-<date>` (e.g. "1.34.2-20260714": the 1.34 image of AMI release
   * v20260714), of `cluster.version`'s minor. Bumping it is what rolls the nodes (EKS's own update,
   * `maxUnavailablePercentage` at a time). Without one EKS takes the newest image when the group is
   * created and never moves it (no security patches until the next Kubernetes minor); a lookup of
   * the recommended release would roll every node group on any deploy after an AMI release.
   */
  releaseVersion?: string;
  /** Managed kind: a node group has one capacity type. @default "ON_DEMAND" */
  capacityType?: "ON_DEMAND" | "SPOT";
  /** Managed kind: nodes replaced at once during updates. @default 33 — one AZ's share with three AZs */
  maxUnavailablePercentage?: number;
}

/** Args that only mean something to a self-managed group; refused rather than ignored for `managed`. */
const AUTOSCALING_ONLY = ["instanceProfileArn", "onDemandBaseCapacity", "onDemandPercentageAboveBase", "spotAllocationStrategy", "targetCpuUtilizationPercent", "healthCheckType", "healthCheckGracePeriodSeconds", "amiId", "amiReleaseVersion"] as const;
const MANAGED_ONLY = ["nodeRoleArn", "releaseVersion", "capacityType", "maxUnavailablePercentage"] as const;

function checkArgs(args: NodePoolArgs): { kind: NodePoolKind; capacity: NodeCapacity } {
  const kind = args.kind ?? "autoscaling";
  if (kind !== "autoscaling" && kind !== "managed") throw new RangeError(`kind must be "autoscaling" or "managed" (got "${String(kind)}")`);
  checkKubernetesVersion(args.cluster.version);
  checkInstanceTypes(args.instanceTypes);
  const capacity = planNodeCapacity(args);
  if (args.subnetIds.length < args.azCount) {
    throw new RangeError(`${args.subnetIds.length} subnet(s) for ${args.azCount} AZs: pass the private subnet of every AZ so the pool spans them all`);
  }
  const misplaced = (kind === "managed" ? AUTOSCALING_ONLY : MANAGED_ONLY).filter((key) => args[key] !== undefined);
  if (misplaced.length > 0) throw new RangeError(`${misplaced.join(", ")} ha${misplaced.length > 1 ? "ve" : "s"} no effect with kind "${kind}"; remove ${misplaced.length > 1 ? "them" : "it"}`);
  if (kind === "autoscaling" && !args.instanceProfileArn) throw new RangeError('kind "autoscaling" needs instanceProfileArn (the node role\'s instance profile)');
  if (kind === "autoscaling") {
    if ((args.amiReleaseVersion === undefined) === (args.amiId === undefined)) {
      throw new RangeError('kind "autoscaling" needs exactly one of amiReleaseVersion (an AL2023 EKS AMI release such as "v20260714", or "recommended") and amiId: a lookup of the recommended AMI on every deploy rolls the nodes whenever AWS publishes one');
    }
    if (args.amiReleaseVersion !== undefined) checkAmiRelease(args.amiReleaseVersion);
  }
  if (kind === "managed" && !args.nodeRoleArn) throw new RangeError('kind "managed" needs nodeRoleArn (EKS attaches the node role itself; a launch template may not name an instance profile)');
  if (kind === "managed") {
    if (args.releaseVersion === undefined) {
      throw new RangeError(`kind "managed" needs releaseVersion, the EKS AMI release of the nodes (e.g. ${args.cluster.version}.2-20260714): without one EKS keeps the image the group was created with until the next Kubernetes minor, and no security patch reaches the nodes`);
    }
    checkNodeGroupRelease(args.releaseVersion, args.cluster.version);
  }
  const port = args.loadBalancer?.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new RangeError(`loadBalancer.port must be a TCP port (got ${port})`);
  const cpu = args.targetCpuUtilizationPercent;
  if (cpu !== undefined && cpu !== false && !(cpu > 0 && cpu <= 100)) throw new RangeError(`targetCpuUtilizationPercent must be in (0, 100] or false (got ${cpu})`);
  const unavailable = args.maxUnavailablePercentage;
  if (unavailable !== undefined && !(Number.isInteger(unavailable) && unavailable >= 1 && unavailable <= 100)) throw new RangeError(`maxUnavailablePercentage must be an integer from 1 to 100 (got ${unavailable})`);
  return { kind, capacity };
}

/**
 * EKS worker nodes in every AZ of a region: a self-managed Auto Scaling group (default) or an
 * EKS managed node group, with IMDSv2-only, encrypted, private nodes and their security group.
 */
export class NodePool extends pulumi.ComponentResource {
  readonly kind: NodePoolKind;
  /** Name of the Auto Scaling group (for the managed kind, the one EKS created). */
  readonly autoScalingGroupName: pulumi.Output<string>;
  /** ARN of the self-managed group (fault injection targets it); undefined for the managed kind, whose group EKS owns. */
  readonly autoScalingGroupArn: pulumi.Output<string> | undefined;
  readonly nodeSecurityGroupId: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;

  constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refuse bad input before anything is registered.
    const { kind, capacity } = checkArgs(args);
    super("platform:eks:NodePool", name, {}, opts);
    const parent = { parent: this };
    const cluster = args.cluster;
    const clusterName = pulumi.output(cluster.name);

    const nodeSg = new aws.ec2.SecurityGroup(`${name}-nodes`, {
      vpcId: args.vpcId,
      description: `EKS nodes of ${name}`,
      // The load balancer controller expects exactly one security group tagged for the cluster on a
      // node's ENI. Managed nodes already carry the EKS cluster SG (tagged by EKS), so only tag ours
      // when it is the nodes' only group.
      tags: clusterName.apply((n) => ({ Name: `${name}-nodes`, ...(kind === "autoscaling" ? { [clusterTagKey(n)]: "owned" } : {}) })),
    }, parent);

    // Peer rules with the EKS cluster security group (control-plane ENIs and managed nodes):
    // the control plane calls kubelets (10250) and webhooks on ports charts choose, pods talk
    // across node groups (CoreDNS), and nodes reach the private API endpoint (443).
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-nodes`, { securityGroupId: nodeSg.id, referencedSecurityGroupId: nodeSg.id, ipProtocol: "-1", description: "node to node" }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-cluster`, { securityGroupId: nodeSg.id, referencedSecurityGroupId: cluster.securityGroupId, ipProtocol: "-1", description: "control plane and managed nodes to nodes" }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-cluster-from-nodes`, { securityGroupId: cluster.securityGroupId, referencedSecurityGroupId: nodeSg.id, ipProtocol: "-1", description: `nodes of ${name} to control plane and managed nodes` }, parent);
    // Nodes pull images, join through the EKS API and reach AWS APIs through the NAT gateways.
    new aws.vpc.SecurityGroupEgressRule(`${name}-egress`, { securityGroupId: nodeSg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", description: "nodes to anywhere" }, parent);

    const lb = args.loadBalancer;
    if (lb) {
      // Pods use the node security group (VPC CNI): this admits the load balancer to the pods' port.
      // A port change replaces both rules, the new created first and the old deleted at the end of
      // the update, after the Deployment rolled to the new port: the provider would change the
      // port in place (ModifySecurityGroupRules) early in the update, cutting the load balancer
      // off the pods still listening on the old one until the rollout ends.
      const portChange = { ...parent, replaceOnChanges: ["fromPort", "toPort"], deleteBeforeReplace: false };
      new aws.vpc.SecurityGroupIngressRule(`${name}-from-lb`, { securityGroupId: nodeSg.id, referencedSecurityGroupId: lb.securityGroupId, ipProtocol: "tcp", fromPort: lb.port, toPort: lb.port, description: `load balancer to pods on ${lb.port}` }, portChange);
      // The load balancer's group has no broad egress; this is its only way out.
      new aws.vpc.SecurityGroupEgressRule(`${name}-lb-to-nodes`, { securityGroupId: lb.securityGroupId, referencedSecurityGroupId: nodeSg.id, ipProtocol: "tcp", fromPort: lb.port, toPort: lb.port, description: `to pods on the nodes of ${name}` }, portChange);
    }

    const nodeTags = clusterName.apply((n) => ({ Name: `${name}-node`, [clusterTagKey(n)]: "owned" }));
    const common = {
      // IMDSv2 only, one hop: pods (one hop further) cannot borrow the node role; they get
      // their own credentials through EKS Pod Identity.
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{
        deviceName: "/dev/xvda",
        ebs: { volumeSize: args.rootVolumeSizeGiB ?? 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      }],
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: nodeTags })),
      tags: { Name: `${name}-nodes` },
    };

    if (kind === "autoscaling") {
      // insecureValue: the AMI id is public, and a secret imageId would hide AMI changes in previews.
      const imageId = args.amiId ?? aws.ssm.getParameterOutput({ name: eksAl2023AmiParameter(cluster.version, args.amiReleaseVersion!) }, parent).insecureValue;
      const userData = pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthorityData, cluster.serviceIpv4Cidr])
        .apply(([n, endpoint, ca, cidr]) => Buffer.from(nodeadmUserData({ name: n, apiServerEndpoint: endpoint, certificateAuthority: ca, cidr })).toString("base64"));
      const template = new aws.ec2.LaunchTemplate(`${name}-lt`, {
        ...common,
        description: `EKS ${cluster.version} AL2023 nodes of ${name}`,
        imageId,
        userData,
        updateDefaultVersion: true,
        iamInstanceProfile: { arn: args.instanceProfileArn },
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [nodeSg.id] }],
        // One-minute metrics: target tracking reacts within minutes instead of quarter hours.
        monitoring: { enabled: true },
      }, parent);
      const group = this.autoscalingGroup(name, args, capacity, template, clusterName);
      this.autoScalingGroupName = group.name;
      this.autoScalingGroupArn = group.arn;
      this.launchTemplateId = template.id;
    } else {
      const template = new aws.ec2.LaunchTemplate(`${name}-lt`, {
        ...common,
        description: `EKS managed nodes of ${name}`,
        // Security groups in a launch template replace the cluster SG EKS would attach, so both go here.
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [cluster.securityGroupId, nodeSg.id] }],
      }, parent);
      const nodeGroup = new aws.eks.NodeGroup(`${name}-ng`, {
        clusterName: cluster.name,
        // version and releaseVersion reach EKS together (UpdateNodegroupVersion): a Kubernetes
        // upgrade bumps both in one change and rolls the nodes once; checkArgs refused a release of
        // another minor, which EKS would refuse mid-deploy. EKS refuses releaseVersion with a launch
        // template that names its own image: this one names none, amiType picks EKS's image.
        // EKS never rolls a group back to an older release (docs/runbooks/node-images.md).
        version: cluster.version,
        releaseVersion: args.releaseVersion!,
        nodeRoleArn: args.nodeRoleArn!,
        subnetIds: args.subnetIds,
        amiType: "AL2023_x86_64_STANDARD",
        capacityType: args.capacityType ?? "ON_DEMAND",
        instanceTypes: args.instanceTypes,
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        scalingConfig: { minSize: capacity.minSize, desiredSize: capacity.desiredSize, maxSize: capacity.maxSize },
        updateConfig: { maxUnavailablePercentage: args.maxUnavailablePercentage ?? 33 },
        nodeRepairConfig: { enabled: true },
        // EKS tags the group's ASG for cluster-autoscaler discovery itself. cluster-autoscaler
        // moves the desired size; applying the initial value again would undo its work. The trap
        // left: an update of minSize or maxSize still sends a desiredSize (the provider always
        // does), the one in Pulumi's state, stale once cluster-autoscaler moved it. EKS then
        // refuses a range that excludes it (InvalidParameterException) or sets the group back to
        // it. So before `pulumi up` the deploy refreshes the stack's node groups and Auto Scaling
        // groups, and only them (pulumi-up.yml): the live size is in the state when the update
        // sends it (docs/runbooks/resize-node-pools.md).
      }, { parent: this, ignoreChanges: ["scalingConfig.desiredSize"] });
      const asgName = nodeGroup.resources.apply((r) => r[0]?.autoscalingGroups?.[0]?.name ?? "");
      (lb?.targetGroupArns ?? []).forEach((targetGroupArn, i) => {
        new aws.autoscaling.Attachment(`${name}-tg-${i + 1}`, { autoscalingGroupName: asgName, lbTargetGroupArn: targetGroupArn }, parent);
      });
      this.autoScalingGroupName = asgName;
      this.autoScalingGroupArn = undefined;
      this.launchTemplateId = template.id;
    }

    this.kind = kind;
    this.nodeSecurityGroupId = nodeSg.id;
    this.minSize = capacity.minSize;
    this.desiredSize = capacity.desiredSize;
    this.maxSize = capacity.maxSize;
    this.registerOutputs({
      autoScalingGroupName: this.autoScalingGroupName,
      nodeSecurityGroupId: this.nodeSecurityGroupId,
      launchTemplateId: this.launchTemplateId,
      minSize: this.minSize,
      desiredSize: this.desiredSize,
      maxSize: this.maxSize,
    });
  }

  private autoscalingGroup(name: string, args: NodePoolArgs, capacity: NodeCapacity, template: aws.ec2.LaunchTemplate, clusterName: pulumi.Output<string>): aws.autoscaling.Group {
    const lb = args.loadBalancer;
    const gracePeriod = args.healthCheckGracePeriodSeconds ?? 300;
    const group = new aws.autoscaling.Group(`${name}-asg`, {
      vpcZoneIdentifiers: args.subnetIds,
      minSize: capacity.minSize,
      maxSize: capacity.maxSize,
      desiredCapacity: capacity.desiredSize,
      // No capacity wait (the provider's default: up to 10 minutes). After a minSize change it waits
      // for exactly max(minSize, desiredCapacity) healthy instances, desiredCapacity as the state
      // has it: ignored since creation (below), so stale once cluster-autoscaler moved the group,
      // and the deploy waits for a count that never comes, then fails after the change was made.
      // The first create needs no wait either: what uses the nodes waits for Ready nodes itself
      // (coredns and aws-ebs-csi-driver turn ACTIVE only then, 30 min, EksCluster; the Helm releases
      // wait for their pods, 20 min, ClusterAddons; then the service's Deployment and the deploy's
      // health gate). Lost with it: a failing launch (vCPU quota, no capacity) now surfaces as those
      // timeouts; `aws autoscaling describe-scaling-activities` names the cause, and
      // docs/deploying.md checks the quotas before the first deploy.
      waitForCapacityTimeout: "0",
      // When an AZ cannot launch, launch in the others rather than wait (AWS's default, said out loud).
      availabilityZoneDistribution: { capacityDistributionStrategy: "balanced-best-effort" },
      capacityRebalance: true,
      mixedInstancesPolicy: {
        launchTemplate: {
          // A concrete version, not "$Latest": only a changed version starts an instance refresh.
          launchTemplateSpecification: { launchTemplateId: template.id, version: template.latestVersion.apply(String) },
          overrides: args.instanceTypes.map((instanceType) => ({ instanceType })),
        },
        instancesDistribution: {
          onDemandAllocationStrategy: "prioritized",
          onDemandBaseCapacity: capacity.onDemandBaseCapacity,
          onDemandPercentageAboveBaseCapacity: capacity.onDemandPercentageAboveBase,
          spotAllocationStrategy: args.spotAllocationStrategy ?? "price-capacity-optimized",
        },
      },
      // The node's own health (see healthCheckType): an app behind the load balancer failing its
      // health check must never terminate nodes.
      healthCheckType: args.healthCheckType ?? "EC2",
      healthCheckGracePeriod: gracePeriod,
      // Always a list: the provider keeps existing attachments when the argument is absent, and
      // only an explicit [] detaches a group that used to serve an instance target group.
      targetGroupArns: lb?.targetGroupArns ?? [],
      // A new launch template version (AMI, user data) rolls through the group; mixedInstancesPolicy
      // changes always trigger a refresh, so no extra triggers are needed. Launch before terminate
      // (max 110 %) and keep 90 % healthy. No autoRollback: the provider updates the group before
      // it starts the refresh, so a "rollback" returns to the new, failing version in a loop
      // (terraform-provider-aws#34189). Every instance the refresh (or capacity rebalancing, AZ
      // rebalancing, a scale-in) replaces goes through the termination lifecycle hook of
      // NodeTerminationHandler: held in Terminating:Wait until drained, and the refresh moves on
      // only once it is gone. skipMatching leaves instances already on the new template alone (a
      // refresh resumed after a failure). No checkpoints: the AMI only changes when its pinned
      // release is bumped in a reviewed change, and the waves roll the primary region first.
      instanceRefresh: {
        strategy: "Rolling",
        preferences: { minHealthyPercentage: 90, maxHealthyPercentage: 110, skipMatching: true, instanceWarmup: String(gracePeriod) },
      },
      enabledMetrics: ["GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances"],
      metricsGranularity: "1Minute",
      tags: clusterName.apply((n) => [
        { key: "Name", value: `${name}-node`, propagateAtLaunch: true },
        { key: clusterTagKey(n), value: "owned", propagateAtLaunch: true },
        // cluster-autoscaler auto-discovery (--node-group-auto-discovery=asg:tag=...).
        { key: "k8s.io/cluster-autoscaler/enabled", value: "true", propagateAtLaunch: true },
        { key: `k8s.io/cluster-autoscaler/${n}`, value: "owned", propagateAtLaunch: true },
      ]),
      // cluster-autoscaler owns the desired capacity after creation; re-applying the initial value
      // on every deploy would undo its scale-outs (or scale in nodes it has not drained).
    }, { parent: this, ignoreChanges: ["desiredCapacity"] });

    const target = args.targetCpuUtilizationPercent ?? defaultCpuTargetPercent(args.azCount);
    if (target !== false) {
      new aws.autoscaling.Policy(`${name}-cpu`, {
        autoscalingGroupName: group.name,
        policyType: "TargetTrackingScaling",
        estimatedInstanceWarmup: gracePeriod,
        targetTrackingConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
          targetValue: target,
          // Scale-out only: an ASG scale-in terminates nodes without draining them, whereas
          // cluster-autoscaler cordons and drains first. It removes what is no longer needed.
          disableScaleIn: true,
        },
      }, { parent: this });
    }
    return group;
  }
}
