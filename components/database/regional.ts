import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  arnRegion,
  cloudwatchLogExports,
  enginePort,
  parameterGroupFamily,
  placeInstances,
  planMajorUpgrade,
  masterSecretString,
  promotionTier,
  rdsIdentifier,
} from "../lib/aurora";
import type { DatabaseRole, RegionalDatabaseArgs } from "./regional-args";
import { DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW, DYNAMIC_DEFAULT_PARAMETERS, clusterParameters, validateRegionalDatabaseArgs } from "./validate";

export type { DatabaseRole, ReaderAutoscaling, RegionalDatabaseArgs } from "./regional-args";

/**
 * One region's member of an Aurora global database: its own KMS key, subnet group, security
 * group, parameter group, enhanced-monitoring role, the cluster and its instances spread over
 * distinct AZs. Stateful pieces (cluster, key) are protected and deletion-protected.
 */
export class RegionalDatabase extends pulumi.ComponentResource {
  readonly role: DatabaseRole;
  readonly clusterIdentifier: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  /** `DbClusterResourceId` (`cluster-…`): what IAM database authentication (`rds-db:connect`) names the cluster by. */
  readonly clusterResourceId: pulumi.Output<string>;
  /** The regional writer endpoint; only on the primary. */
  readonly writerEndpoint: pulumi.Output<string> | undefined;
  /**
   * Where this region's applications send writes, in this region's VPC, whatever the member's
   * role: the cluster (writer) endpoint, which reaches this cluster's writer whenever it has one.
   * On the primary that is now; on a secondary writes fail at once until a switchover or failover
   * promotes this cluster, and then the same name reaches the new writer, with no redeploy. (A
   * secondary that forwards writes, `writeForwarding`, forwards those sent to its readers:
   * `readerEndpoint`.) Never the global writer endpoint: it resolves to the writer's private
   * addresses in the primary region's VPC, which no other region's VPC has a route to (this
   * blueprint peers no VPCs), so writes from elsewhere would hang until the connect timeout.
   */
  readonly localWriterEndpoint: pulumi.Output<string>;
  /** Does this member forward the writes its readers receive to the primary? */
  readonly writeForwarding: boolean;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly port: number;
  readonly securityGroupId: pulumi.Output<string>;
  /** This region's key (storage, Performance Insights). */
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly parameterGroupFamily: string;
  readonly instanceIdentifiers: pulumi.Output<string>[];
  /** AZ of each instance, in instance order. */
  readonly instanceAvailabilityZones: pulumi.Output<string[]>;

  constructor(name: string, args: RegionalDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    validateRegionalDatabaseArgs(args);
    super("platform:database:RegionalDatabase", name, {}, opts);
    const parent = { parent: this };
    const isPrimary = args.role === "primary";
    const instanceCount = args.instanceCount ?? 2;
    const port = enginePort(args.engine);
    const family = parameterGroupFamily(args.engine, args.engineVersion);
    const identifier = args.clusterIdentifier ?? rdsIdentifier(name);
    const monitoringInterval = args.monitoringIntervalSeconds ?? 60;
    const tags = args.tags;

    const key = new aws.kms.Key(`${name}-key`, {
      // A key in THIS member's region: encrypted secondaries cannot use the primary's key.
      description: `Aurora ${identifier}: storage and Performance Insights`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, { parent: this, protect: true });
    new aws.kms.Alias(`${name}-key`, { name: `alias/${identifier}`, targetKeyId: key.keyId }, parent);

    const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, {
      description: `Isolated subnets of ${identifier}`,
      subnetIds: args.subnetIds,
      tags,
    }, parent);

    const securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
      description: `Aurora ${identifier}: engine port from client security groups only`,
      vpcId: args.vpcId,
      // No inline rules: the provider then removes AWS's default allow-all egress, and the
      // database needs none.
      tags: { ...args.tags, Name: `${identifier}-db` },
    }, parent);
    args.clientSecurityGroupIds.forEach((clientSecurityGroupId, i) => {
      new aws.vpc.SecurityGroupIngressRule(`${name}-client-${i + 1}`, {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: clientSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: `${args.engine} from client security group ${i + 1}`,
      }, parent);
    });

    // One group per family the member needs: its engine version's, and a major upgrade's target
    // family ahead of the upgrade (see planMajorUpgrade). Named by family, so a group keeps its
    // identity across an upgrade: the target's group, created ahead, is the one attached after.
    const upgrade = planMajorUpgrade(args.engine, args.engineVersion, args.upgradeTargetEngineVersion);
    const parameters = Object.entries(clusterParameters(args)).map(([pName, value]) => ({
      name: pName,
      value,
      // Our defaults are dynamic; a static extra with "immediate" would fail, so extras wait for a reboot.
      applyMethod: DYNAMIC_DEFAULT_PARAMETERS.includes(pName) ? "immediate" : "pending-reboot",
    }));
    // Auto-named from the resource name: RDS group names take letters, digits and hyphens only.
    const parameterGroups = Object.fromEntries(upgrade.families.map((groupFamily) => [groupFamily, new aws.rds.ClusterParameterGroup(`${name}-params-${groupFamily.replace(/[^A-Za-z0-9-]/g, "-")}`, {
      family: groupFamily,
      description: `${identifier} (${groupFamily})`,
      parameters,
      tags,
    }, {
      parent: this,
      // The group of the attached family was `${name}-params` before groups were named by family:
      // the alias keeps it (and its physical name) instead of replacing it under the cluster.
      aliases: groupFamily === upgrade.attached ? [{ name: `${name}-params` }] : [],
    })]));
    const parameterGroup = parameterGroups[upgrade.attached];

    let monitoringRole: aws.iam.Role | undefined;
    if (monitoringInterval > 0) {
      monitoringRole = new aws.iam.Role(`${name}-monitoring`, {
        description: `Enhanced monitoring of Aurora ${identifier}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags,
      }, parent);
      const partition = aws.getPartitionOutput({}, parent);
      new aws.iam.RolePolicyAttachment(`${name}-monitoring`, {
        role: monitoringRole.name,
        policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
      }, parent);
    }

    // Final snapshot ids must be unique in the account; a random suffix lets a cluster of the
    // same name be destroyed twice without "DBClusterSnapshotAlreadyExists".
    const snapshotSuffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, parent);

    const credentials = isPrimary ? args.masterCredentials! : undefined;
    const cluster = new aws.rds.Cluster(`${name}-cluster`, {
      clusterIdentifier: identifier,
      engine: args.engine,
      engineVersion: args.engineVersion,
      globalClusterIdentifier: args.globalClusterIdentifier,
      ...(credentials
        ? { masterUsername: credentials.username, masterPassword: pulumi.secret(credentials.password), databaseName: credentials.databaseName }
        : {}),
      // On the primary it waits for a demotion (EnableGlobalWriteForwarding): no toggle after a switchover.
      ...(args.writeForwarding ? { enableGlobalWriteForwarding: true } : {}),
      // Not `availabilityZones`: RDS always fills in three, so a shorter list diffs and replaces
      // the cluster. Placement is decided per instance instead.
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [securityGroup.id],
      dbClusterParameterGroupName: parameterGroup.name,
      port,
      storageEncrypted: true,
      kmsKeyId: key.arn,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: cloudwatchLogExports(args.engine),
      backupRetentionPeriod: args.backupRetentionDays ?? 14,
      preferredBackupWindow: args.preferredBackupWindow ?? DEFAULT_BACKUP_WINDOW,
      preferredMaintenanceWindow: args.preferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW,
      copyTagsToSnapshot: true,
      // A master password change is deferred to the next maintenance window unless applied
      // immediately (ModifyDBCluster ApplyImmediately "affects only NewDBClusterIdentifier and
      // MasterUserPassword"): a rotation would then publish a password the writer gets days later.
      // What else this component changes applies at once anyway (versions move through the global cluster).
      applyImmediately: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: pulumi.interpolate`${identifier}-final-${snapshotSuffix.hex}`,
      deletionProtection: true,
      tags,
    }, {
      parent: this,
      protect: true,
      dependsOn: args.dependsOnPrimary ?? [],
      ignoreChanges: memberIgnoreChanges(args.role),
    });

    // The credentials reach the applications only once the writer has them: this version is
    // written after the cluster's update (dependsOn), by the stack that applies the password, so
    // a rotation never publishes a password the writer does not accept yet. It goes to the
    // secret's own region (PutSecretValue is refused on a replica); Secrets Manager copies it to
    // the replicas the applications read.
    if (credentials?.secretArn !== undefined) {
      const secretArn = pulumi.output(credentials.secretArn);
      new aws.secretsmanager.SecretVersion(`${name}-master-secret`, {
        region: secretArn.apply(arnRegion),
        secretId: secretArn,
        secretString: pulumi.secret(pulumi.all([credentials.username, credentials.password, credentials.host ?? cluster.endpoint, credentials.databaseName])
          .apply(([username, password, host, dbname]) => masterSecretString({ engine: args.engine, username, password, host, port, dbname }))),
      }, { parent: this, dependsOn: [cluster] });
    }

    const azs = pulumi.output(args.availabilityZones);
    const placement = azs.apply((zones) => placeInstances(instanceCount, zones));
    const instances: aws.rds.ClusterInstance[] = [];
    for (let i = 0; i < instanceCount; i++) {
      instances.push(new aws.rds.ClusterInstance(`${name}-${i + 1}`, {
        clusterIdentifier: cluster.id,
        engine: args.engine,
        instanceClass: args.instanceClass,
        availabilityZone: placement.apply((p) => p[i].availabilityZone),
        ...(args.instanceMaintenanceWindows?.[i] ? { preferredMaintenanceWindow: args.instanceMaintenanceWindows[i] } : {}),
        promotionTier: promotionTier(i),
        dbSubnetGroupName: subnetGroup.name,
        publiclyAccessible: false,
        // Versions move through the global cluster, deliberately (global.ts): an automatic minor
        // upgrade would leave dbEngineVersion behind the members, and a region added later would
        // then be created with the older version, which a global database refuses.
        autoMinorVersionUpgrade: false,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: key.arn,
        performanceInsightsRetentionPeriod: args.performanceInsightsRetentionDays ?? 7,
        monitoringInterval,
        ...(monitoringRole ? { monitoringRoleArn: monitoringRole.arn } : {}),
        copyTagsToSnapshot: true,
        // No applyImmediately: a class change deploys to every instance of the member at once (the
        // primary's writer first), a regional database outage, and it would also fire whatever
        // modification is pending. Deferred to the maintenance window, AWS applies it there; a
        // class change meant now goes instance by instance, readers first, by hand
        // (`aws rds modify-db-instance --apply-immediately`), before the deploy that records it.
        tags,
      }, {
        parent: this,
        // Not protected: an instance holds no data (the cluster volume does), and class or AZ
        // changes must be able to replace it. The cluster's protect + deletion protection keep the data.
        // engineVersion is inherited from the cluster and upgraded through the global cluster;
        // a member instance must never start its own upgrade.
        ignoreChanges: ["engineVersion"],
        // On the primary the first instance created becomes the writer: create the others after
        // instance 1 so the writer is the one in the first AZ with promotion tier 0.
        dependsOn: isPrimary && i > 0 ? [instances[0]] : [],
      }));
    }

    if (args.readerAutoscaling) {
      const target = new aws.appautoscaling.Target(`${name}-readers`, {
        serviceNamespace: "rds",
        scalableDimension: "rds:cluster:ReadReplicaCount",
        resourceId: pulumi.interpolate`cluster:${cluster.clusterIdentifier}`,
        minCapacity: isPrimary ? instanceCount - 1 : instanceCount,
        maxCapacity: args.readerAutoscaling.maxCapacity,
      }, { parent: this, dependsOn: instances });
      new aws.appautoscaling.Policy(`${name}-readers-cpu`, {
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "RDSReaderAverageCPUUtilization" },
          targetValue: args.readerAutoscaling.targetCpuPercent ?? 70,
          scaleInCooldown: 300,
          scaleOutCooldown: 300,
        },
      }, parent);
    }

    this.role = args.role;
    this.clusterIdentifier = cluster.clusterIdentifier;
    this.clusterArn = cluster.arn;
    this.clusterResourceId = cluster.clusterResourceId;
    this.writerEndpoint = isPrimary ? cluster.endpoint : undefined;
    this.localWriterEndpoint = cluster.endpoint;
    this.writeForwarding = !isPrimary && args.writeForwarding === true;
    this.readerEndpoint = cluster.readerEndpoint;
    this.port = port;
    this.securityGroupId = securityGroup.id;
    this.kmsKeyArn = key.arn;
    this.parameterGroupFamily = family;
    this.instanceIdentifiers = instances.map((instance) => instance.identifier);
    this.instanceAvailabilityZones = placement.apply((p) => p.map((x) => x.availabilityZone));

    this.registerOutputs({
      role: this.role,
      clusterIdentifier: this.clusterIdentifier,
      clusterArn: this.clusterArn,
      clusterResourceId: this.clusterResourceId,
      writerEndpoint: this.writerEndpoint,
      readerEndpoint: this.readerEndpoint,
      port: this.port,
      securityGroupId: this.securityGroupId,
      kmsKeyArn: this.kmsKeyArn,
      instanceAvailabilityZones: this.instanceAvailabilityZones,
    });
  }
}

/**
 * Properties a member cluster must not act on after creation. Each is a known provider trap
 * (sources in docs/runbooks/aurora-global-database.md and the team's aws-facts):
 * - globalClusterIdentifier (every member): the provider can read it back empty, and applying
 *   that "change" detaches the cluster from the global database.
 * - engineVersion (every member): versions move through the GlobalCluster (minor upgrades reach
 *   secondaries first, major ones only through the global cluster); a member upgrading itself
 *   fails, or fights the global upgrade with "Provider produced inconsistent final plan".
 * - masterUsername, databaseName (every member): create-only. A secondary that becomes primary
 *   after a switchover gets them as inputs; they must not replace the cluster.
 * - replicationSourceIdentifier (every member): never set here (with globalClusterIdentifier it
 *   makes creation fail), but a secondary can report one, and removing it promotes the cluster
 *   out of the global database. Ignored on primaries too: a secondary promoted by a switchover
 *   keeps the value in state, and un-ignoring it when its role flips would clear it.
 * - masterPassword (secondaries): a former primary demoted by a switchover still has a password
 *   in state; removing it would send an empty password to a read-only member. A primary applies
 *   it (the same value for a promoted secondary; a rotation otherwise).
 */
export function memberIgnoreChanges(role: DatabaseRole): string[] {
  const all = ["globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion", "masterUsername", "databaseName"];
  return role === "secondary" ? [...all, "masterPassword"] : all;
}
