import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  CACHE_PORT,
  cacheMemberIgnoreChanges,
  cacheParameterGroupProblem,
  engineVersionProblem,
  globalDatastoreSuffix,
  nodesPerClusterProblem,
  nodeTypeProblem,
  replicationGroupId,
  type CacheEngine,
  type CacheMemberRole,
} from "../lib/cache";

export interface RegionalCacheArgs {
  /**
   * `primary`: the member that creates the Global Datastore (it owns the
   * `GlobalReplicationGroup` resource) and takes writes until a promotion moves that role.
   * `secondary`: a read-only member joining the datastore through `globalReplicationGroupId`.
   * The role is the one at creation and never changes in Pulumi: promotions are AWS's business
   * (see `cacheMemberIgnoreChanges`), so keep the primary in the same region for the cache's life.
   */
  role: CacheMemberRole;
  /** `valkey` or `redis` (primary only; secondaries inherit it). */
  engine: CacheEngine;
  /** Valkey 7.2+ or Redis OSS 5.0.6+ (primary only; upgrades go through the datastore). */
  engineVersion: string;
  /**
   * Primary only: the cache parameter group the datastore takes when `engineVersion` moves to a new
   * major version, one of the new version's family (e.g. `default.valkey8`). Set it in the same
   * change as the version and leave it afterwards: the provider refuses a change of it without a
   * major upgrade, and ignores it at creation.
   * @default none — the datastore keeps the group it was created with
   */
  parameterGroupName?: string;
  /** Node type of every member: M5/M6g/M7g/R5/R6g/R7g/C7gn, large or above (primary only; secondaries inherit it). */
  nodeType: string;
  /**
   * Nodes of this region's cluster: a primary and replicas, placed over distinct AZs, with
   * Multi-AZ automatic failover. May differ between regions.
   * @default 2
   */
  nodes?: number;
  /** Primary only: the AUTH token (`GlobalCache.authToken`). Secondaries inherit the datastore's security settings. */
  authToken?: pulumi.Input<string>;
  /** Secondary only: the full id of the Global Datastore (AWS prefixes the suffix per region), from the primary's stack. */
  globalReplicationGroupId?: pulumi.Input<string>;
  /** Datastore suffix (primary only). @default derived from the component name */
  globalDatastoreSuffix?: string;
  vpcId: pulumi.Input<string>;
  /** Isolated subnets of at least two AZs. */
  subnetIds: pulumi.Input<string>[];
  /** Only these security groups reach the nodes on the cache port (the node pool's). */
  clientSecurityGroupIds: pulumi.Input<string>[];
  /**
   * Days of daily snapshots kept (0 turns them off).
   * @default 7
   */
  snapshotRetentionDays?: number;
  /**
   * Weekly maintenance window, UTC ("ddd:hh24:mi-ddd:hh24:mi", at least 60 minutes): give each
   * region its own (components/lib/maintenance.ts), or service updates reach every region at once.
   * @default "sun:05:00-sun:06:00"
   */
  maintenanceWindow?: string;
  /** Daily snapshot window, UTC ("hh24:mi-hh24:mi"), apart from the maintenance window. @default "03:00-04:00" */
  snapshotWindow?: string;
  /** @default {} */
  tags?: Record<string, string>;
}

function checkArgs(name: string, args: RegionalCacheArgs): void {
  const problems: string[] = [];
  if (args.role !== "primary" && args.role !== "secondary") problems.push(`role "${String(args.role)}" must be primary or secondary`);
  const nodes = args.nodes ?? 2;
  const nodesProblem = nodesPerClusterProblem(nodes);
  if (nodesProblem) problems.push(nodesProblem);
  if (args.role === "primary") {
    for (const p of [engineVersionProblem(args.engine, args.engineVersion), nodeTypeProblem(args.nodeType)]) if (p) problems.push(p);
    const group = args.parameterGroupName === undefined ? undefined : cacheParameterGroupProblem(args.parameterGroupName, args.engine, args.engineVersion);
    if (group) problems.push(`parameterGroupName ${group}`);
    if (args.authToken === undefined) problems.push("a primary needs authToken (GlobalCache.authToken): AUTH is the cache's only authentication");
    if (args.globalReplicationGroupId !== undefined) problems.push("globalReplicationGroupId is for secondaries: the primary creates the datastore");
  } else {
    if (args.globalReplicationGroupId === undefined) problems.push("a secondary needs globalReplicationGroupId (the primary stack's output)");
    if (args.authToken !== undefined) problems.push("authToken is for the primary: a secondary takes the datastore's security settings");
    if (args.parameterGroupName !== undefined) problems.push("parameterGroupName is for the primary: the datastore it creates gives every member its parameter group");
  }
  if (args.clientSecurityGroupIds.length === 0) problems.push("clientSecurityGroupIds is empty: nothing could reach the cache; pass the node pool's security group");
  if (args.subnetIds.length < 2) problems.push("subnetIds needs subnets in at least two AZs (Multi-AZ)");
  const days = args.snapshotRetentionDays ?? 7;
  if (!Number.isInteger(days) || days < 0 || days > 35) problems.push(`snapshotRetentionDays ${days} must be 0 to 35`);
  if (problems.length) throw new RangeError(`${name} (RegionalCache, ${args.role}): ${problems.join("; ")}`);
}

/**
 * One region's member of an ElastiCache (Valkey or Redis OSS) Global Datastore: a customer
 * managed KMS key, a security group open on the cache port to the client security groups only,
 * a subnet group over the isolated subnets, and the replication group (cluster mode disabled,
 * Multi-AZ with automatic failover, TLS required, encrypted at rest with this region's key,
 * AUTH). The primary also creates the `GlobalReplicationGroup`; secondaries join it.
 *
 * Creation order: primary member (and the datastore) → secondaries. Across stacks, the regional
 * stack of the primary deploys first (it is the environment's primary region when the cache is
 * turned on) and exports `globalReplicationGroupId`; the other regional stacks read it through a
 * StackReference. In one stack, pass the primary's `globalReplicationGroupId` output.
 */
export class RegionalCache extends pulumi.ComponentResource {
  readonly role: CacheMemberRole;
  readonly replicationGroupId: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** This cluster's primary endpoint (read-only while the cluster is a secondary). */
  readonly primaryEndpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly port: number;
  readonly securityGroupId: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  /** The datastore's full id: created here (primary) or joined (secondary). */
  readonly globalReplicationGroupId: pulumi.Output<string>;
  readonly nodes: number;

  constructor(name: string, args: RegionalCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    checkArgs(name, args);
    super("platform:data:RegionalCache", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags ?? {};
    const isPrimary = args.role === "primary";
    const id = replicationGroupId(`${name}`);
    const nodes = args.nodes ?? 2;

    const key = new aws.kms.Key(`${name}-key`, {
      description: `Cache ${id}: at-rest encryption and snapshots`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, { parent: this, protect: true });

    const securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
      description: `Cache ${id}: port ${CACHE_PORT} from client security groups only`,
      vpcId: args.vpcId,
      // No inline rules: the provider removes the default allow-all egress; nodes need none.
      tags: { ...tags, Name: `${id}-cache` },
    }, parent);
    args.clientSecurityGroupIds.forEach((client, i) => {
      new aws.vpc.SecurityGroupIngressRule(`${name}-client-${i + 1}`, {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: client,
        ipProtocol: "tcp",
        fromPort: CACHE_PORT,
        toPort: CACHE_PORT,
        description: `cache from client security group ${i + 1}`,
      }, parent);
    });

    const subnetGroup = new aws.elasticache.SubnetGroup(`${name}-subnets`, {
      name: id,
      description: `Isolated subnets of cache ${id}`,
      subnetIds: args.subnetIds,
      tags,
    }, parent);

    // Unique per deletion, so a cluster of the same id can be deleted twice.
    const snapshotSuffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, parent);
    const snapshots = args.snapshotRetentionDays ?? 7;

    const common = {
      replicationGroupId: id,
      description: `${isPrimary ? "Primary" : "Secondary"} member of a global datastore (${id})`,
      numCacheClusters: nodes,
      // Multi-AZ needs automatic failover (the provider refuses one without the other).
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroup.id],
      port: CACHE_PORT,
      kmsKeyId: key.arn,
      // No autoMinorVersionUpgrade: joining the datastore turns it off (AWS refuses to turn it on
      // for a member), and the provider reads it back without suppressing the difference, so a
      // `true` here is sent again, and refused, on every deploy once the state reads `false`
      // (terraform-provider-aws#24919). Minor versions go through the datastore's engineVersion.
      snapshotRetentionLimit: snapshots,
      ...(snapshots > 0 ? { snapshotWindow: args.snapshotWindow ?? "03:00-04:00" } : {}),
      maintenanceWindow: args.maintenanceWindow ?? "sun:05:00-sun:06:00",
      finalSnapshotIdentifier: pulumi.interpolate`${id}-final-${snapshotSuffix.hex}`,
      tags,
    };
    // Secondaries may not set engine, version, node type, parameter group or encryption flags:
    // the datastore gives them its own (the provider refuses the combination).
    const group = new aws.elasticache.ReplicationGroup(`${name}-group`, isPrimary
      ? {
          ...common,
          engine: args.engine,
          engineVersion: args.engineVersion,
          nodeType: args.nodeType,
          atRestEncryptionEnabled: true,
          transitEncryptionEnabled: true,
          transitEncryptionMode: "required",
          authToken: pulumi.secret(args.authToken!),
        }
      : { ...common, globalReplicationGroupId: args.globalReplicationGroupId },
    { parent: this, protect: true, ignoreChanges: cacheMemberIgnoreChanges() });

    if (isPrimary) {
      const datastore = new aws.elasticache.GlobalReplicationGroup(`${name}-datastore`, {
        globalReplicationGroupIdSuffix: args.globalDatastoreSuffix ?? globalDatastoreSuffix(name),
        globalReplicationGroupDescription: `Global datastore of ${id}`,
        primaryReplicationGroupId: group.id,
        // Upgrades and scaling of every member happen here, not on the members.
        engine: args.engine,
        engineVersion: args.engineVersion,
        // The provider sends it only with a major engineVersion upgrade, which requires a group of
        // the new version's family (provider docs); a change of it alone fails its plan.
        ...(args.parameterGroupName !== undefined ? { parameterGroupName: args.parameterGroupName } : {}),
        cacheNodeType: args.nodeType,
        automaticFailoverEnabled: true,
      }, {
        parent: this,
        protect: true,
        // After a promotion AWS reports the new primary here; the attribute forces replacement.
        ignoreChanges: ["primaryReplicationGroupId"],
      });
      this.globalReplicationGroupId = datastore.globalReplicationGroupId;
    } else {
      this.globalReplicationGroupId = pulumi.output(args.globalReplicationGroupId!);
    }

    this.role = args.role;
    this.replicationGroupId = group.replicationGroupId;
    this.arn = group.arn;
    this.primaryEndpoint = group.primaryEndpointAddress;
    this.readerEndpoint = group.readerEndpointAddress;
    this.port = CACHE_PORT;
    this.securityGroupId = securityGroup.id;
    this.kmsKeyArn = key.arn;
    this.nodes = nodes;
    this.registerOutputs({
      role: this.role,
      replicationGroupId: this.replicationGroupId,
      primaryEndpoint: this.primaryEndpoint,
      readerEndpoint: this.readerEndpoint,
      globalReplicationGroupId: this.globalReplicationGroupId,
      securityGroupId: this.securityGroupId,
    });
  }
}
