import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertTable, attributeDefinitions, effectiveStream, replicaLayout, replicaStyle, tableKeyAlias, type TableDefinition } from "../lib/dynamo";

/**
 * How long `pulumi up` waits for a new replica to become ACTIVE. A new replica (a region added
 * to the environment) first copies the whole table, which takes hours for a large one, while the
 * provider gives up after 30 minutes by default (terraform-provider-aws: a replica created in the
 * table's update waits for the table's *create* timeout, 30m, inside its update timeout, 60m; a
 * TableReplica waits for its create timeout, 30m). The wave then fails halfway while DynamoDB
 * goes on copying. So both of the table's timeouts, and the TableReplica's create, are raised,
 * but kept inside the deploy job that runs them (.github/workflows/pulumi-up.yml): the job ends
 * after 180 minutes (`timeout-minutes`) and its AWS session after 3 hours
 * (`role-duration-seconds: 10800`), and a `pulumi up` killed there leaves the stack locked with
 * pending operations. 150 minutes leaves the job 30 for what comes before the wait (install,
 * credentials, the update's preview and other changes) and the gates after it, so the provider
 * gives up first and the update fails cleanly: an error, the lock released, the state saved (the
 * table with its new replica; a TableReplica, which the provider records only once ACTIVE, not
 * at all). The replica goes on copying in AWS; what to do then, and for a copy that takes longer:
 * docs/runbooks/add-a-region.md. The table's update waits for its new replicas one after the
 * other: add one region at a time. Go duration strings.
 */
export const REPLICA_COPY_TIMEOUTS = {
  table: { create: "150m", update: "150m" },
  replica: { create: "150m" },
} as const;

export interface GlobalTableArgs {
  /** Keys, indexes, billing, consistency, stream, TTL, PITR window: see `TableDefinition`. */
  table: TableDefinition;
  /**
   * Region the table resource is created in: its first replica, and where Pulumi manages it.
   * Fixed for the table's life (another Region is another table), so give the global stack's
   * own region, not the environment's primary (which moves with a switchover).
   */
  homeRegion: string;
  /** Every Region that holds a replica, homeRegion included (the environment's regions). */
  regions: string[];
  /**
   * DynamoDB deletion protection on the table and every replica. Turning it off is the
   * deliberate first step of removing a table or a region.
   * @default true
   */
  deletionProtection?: boolean;
  /** @default {} */
  tags?: Record<string, string>;
}

/**
 * A DynamoDB global table (version 2019.11.21) with a replica in every region of the
 * environment, for the global stack: one `aws.dynamodb.Table` in `homeRegion` and a replica in
 * every other region, a customer managed KMS key in every region (a replica can only use a key of
 * its own region), point-in-time recovery and deletion protection on every replica, and for
 * provisioned tables target-tracking auto scaling (reads per replica; writes once, which DynamoDB
 * replicates to every replica). Multi-Region strong consistency is a `table.consistency` option
 * with its Region rules checked before anything is created.
 *
 * How the replicas are declared depends on the billing mode (`replicaStyle`):
 * - on-demand: inline `replicas` blocks of the table;
 * - provisioned: DynamoDB refuses a replica of a provisioned table whose writes are not auto
 *   scaled yet ("Table write capacity should either be Pay-Per-Request or AutoScaled";
 *   terraform-provider-aws#13097, aws-cdk#12159), and inline replicas are added in the table's
 *   own create, before any scaling policy can exist. So the table is created alone (its
 *   `replicas` ignored, as the provider asks next to `aws.dynamodb.TableReplica`), then the
 *   home region's scaling targets and policies, then one `aws.dynamodb.TableReplica` per other
 *   region depending on the write policies (terraform-provider-aws#38401), then the read
 *   scaling of each replica region, which needs that region's replica to exist.
 *
 * It lives in the global stack because it is one resource spanning every region, like the
 * Aurora global cluster, and needs nothing regional (no VPC): the global stack deploys first,
 * so regional workloads find their replica. Every resource takes an explicit `region` (provider
 * v7), so no per-region provider is needed.
 */
export class GlobalTable extends pulumi.ComponentResource {
  readonly tableName: pulumi.Output<string>;
  /** ARN of the table in homeRegion (replicas differ only in the Region field). */
  readonly arn: pulumi.Output<string>;
  readonly homeRegion: string;
  readonly regions: string[];
  /** Customer managed key of each region's replica. */
  readonly kmsKeyArns: Record<string, pulumi.Output<string>>;
  /** Whether the table streams (always, for EVENTUAL tables). */
  readonly stream: boolean;
  /** `inline` (on-demand: the table's `replicas`) or `separate` (provisioned: `aws.dynamodb.TableReplica`s). */
  readonly replicaStyle: "inline" | "separate";

  constructor(name: string, args: GlobalTableArgs, opts?: pulumi.ComponentResourceOptions) {
    const def = args.table;
    if (!args.regions.includes(args.homeRegion)) throw new RangeError(`${name}: homeRegion ${args.homeRegion} must be one of regions (${args.regions.join(", ")})`);
    if (new Set(args.regions).size !== args.regions.length) throw new RangeError(`${name}: regions lists a region twice (${args.regions.join(", ")})`);
    assertTable(def, args.regions, name);
    super("platform:data:GlobalTable", name, {}, opts);
    const tags = args.tags ?? {};
    const layout = replicaLayout(args.homeRegion, args.regions, def);
    const strong = def.consistency === "STRONG";
    const deletionProtection = args.deletionProtection ?? true;
    const pitrDays = def.pointInTimeRecoveryDays ?? 35;
    const stream = effectiveStream(def);

    // A replica can only be encrypted with a key of its own region; the key ARN is a
    // replace-forcing input of the replica, so the keys never move (protected).
    this.kmsKeyArns = {};
    for (const region of args.regions) {
      const key = new aws.kms.Key(`${name}-${region}`, {
        region,
        description: `DynamoDB global table ${def.name}: the ${region} replica`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      }, { parent: this, protect: true });
      new aws.kms.Alias(`${name}-${region}`, { region, name: tableKeyAlias(def.name), targetKeyId: key.keyId }, { parent: this });
      this.kmsKeyArns[region] = key.arn;
    }

    const provisioned = (def.billingMode ?? "PAY_PER_REQUEST") === "PROVISIONED";
    const style = replicaStyle(def);
    const indexes = def.globalSecondaryIndexes ?? [];
    const table = new aws.dynamodb.Table(`${name}-table`, {
      region: args.homeRegion,
      name: def.name,
      billingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
      ...(provisioned ? { readCapacity: def.readCapacity!.min, writeCapacity: def.writeCapacity!.min } : {}),
      hashKey: def.partitionKey.name,
      ...(def.sortKey ? { rangeKey: def.sortKey.name } : {}),
      attributes: attributeDefinitions(def),
      globalSecondaryIndexes: indexes.map((index) => ({
        name: index.name,
        keySchemas: [
          { attributeName: index.partitionKey.name, keyType: "HASH" },
          ...(index.sortKey ? [{ attributeName: index.sortKey.name, keyType: "RANGE" }] : []),
        ],
        projectionType: index.projection ?? "ALL",
        ...(provisioned ? { readCapacity: def.readCapacity!.min, writeCapacity: def.writeCapacity!.min } : {}),
      })),
      // Replicas turn streams on; leaving streamEnabled unset diffs forever trying to turn them off.
      ...(stream ? { streamEnabled: true, streamViewType: stream } : {}),
      serverSideEncryption: { enabled: true, kmsKeyArn: this.kmsKeyArns[args.homeRegion] },
      pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: pitrDays },
      deletionProtectionEnabled: deletionProtection,
      ...(def.ttlAttribute ? { ttl: { attributeName: def.ttlAttribute, enabled: true } } : {}),
      ...(style === "inline"
        ? {
            replicas: layout.replicaRegions.map((region) => ({
              regionName: region,
              kmsKeyArn: this.kmsKeyArns[region],
              pointInTimeRecovery: true,
              deletionProtectionEnabled: deletionProtection,
              propagateTags: true,
              ...(strong ? { consistencyMode: "STRONG" } : {}),
            })),
          }
        : {}),
      ...(layout.witnessRegion ? { globalTableWitness: { regionName: layout.witnessRegion } } : {}),
      tags,
    }, {
      parent: this,
      protect: true,
      // Auto scaling owns the provisioned capacity once the table exists, and the TableReplica
      // resources own the replicas (the provider reads them back into `replicas`).
      ignoreChanges: provisioned ? ["readCapacity", "writeCapacity", "globalSecondaryIndexes[*].readCapacity", "globalSecondaryIndexes[*].writeCapacity", "replicas"] : [],
      customTimeouts: REPLICA_COPY_TIMEOUTS.table,
    });
    const ready: pulumi.Resource[] = [];

    if (provisioned) {
      const target = def.targetUtilizationPercent ?? 70;
      const scaled: { resourceId: pulumi.Input<string>; label: string; table: boolean }[] = [
        { resourceId: pulumi.interpolate`table/${table.name}`, label: "table", table: true },
        ...indexes.map((index) => ({ resourceId: pulumi.interpolate`table/${table.name}/index/${index.name}`, label: index.name, table: false })),
      ];
      const autoscale = (region: string, dimension: "Read" | "Write", dependsOn: pulumi.Resource[]): aws.appautoscaling.Policy[] =>
        scaled.map((s) => {
          const capacity = dimension === "Read" ? def.readCapacity! : def.writeCapacity!;
          const suffix = `${region}-${s.label}-${dimension.toLowerCase()}`;
          const scalable = new aws.appautoscaling.Target(`${name}-${suffix}`, {
            region,
            serviceNamespace: "dynamodb",
            resourceId: s.resourceId,
            scalableDimension: `dynamodb:${s.table ? "table" : "index"}:${dimension}CapacityUnits`,
            minCapacity: capacity.min,
            maxCapacity: capacity.max,
          }, { parent: this, dependsOn });
          return new aws.appautoscaling.Policy(`${name}-${suffix}`, {
            region,
            policyType: "TargetTrackingScaling",
            serviceNamespace: scalable.serviceNamespace,
            resourceId: scalable.resourceId,
            scalableDimension: scalable.scalableDimension,
            targetTrackingScalingPolicyConfiguration: {
              predefinedMetricSpecification: { predefinedMetricType: `DynamoDB${dimension}CapacityUtilization` },
              targetValue: target,
            },
          }, { parent: this });
        });

      // The home region first: reads, and writes once (DynamoDB replicates the write auto
      // scaling settings to every replica).
      autoscale(args.homeRegion, "Read", [table]);
      const writePolicies = autoscale(args.homeRegion, "Write", [table]);
      for (const region of layout.replicaRegions) {
        // Only once the writes are auto scaled does DynamoDB accept a replica of a provisioned table.
        const replica = new aws.dynamodb.TableReplica(`${name}-${region}-replica`, {
          region,
          globalTableArn: table.arn,
          kmsKeyArn: this.kmsKeyArns[region],
          pointInTimeRecovery: true,
          deletionProtectionEnabled: deletionProtection,
          // TableReplica has no propagateTags: the tags are its own.
          tags,
        }, { parent: this, protect: true, dependsOn: writePolicies, customTimeouts: REPLICA_COPY_TIMEOUTS.replica });
        ready.push(replica);
        // Reads per replica (each region has its own read load), once the replica exists.
        autoscale(region, "Read", [replica]);
      }
    }

    // Carry every replica as a dependency, as inline replicas are part of the table's create: a
    // resource that takes the table's name or ARN is created after the replicas exist (the URN
    // is known in a preview too, so the values stay known).
    const afterReplicas = (value: pulumi.Output<string>): pulumi.Output<string> =>
      ready.length ? pulumi.all([value, ...ready.map((r) => r.urn)]).apply(([v]) => v) : value;
    this.tableName = afterReplicas(table.name);
    this.arn = afterReplicas(table.arn);
    this.replicaStyle = style;
    this.homeRegion = args.homeRegion;
    this.regions = [...args.regions];
    this.stream = stream !== undefined;
    this.registerOutputs({ tableName: this.tableName, arn: this.arn, regions: this.regions, kmsKeyArns: this.kmsKeyArns });
  }
}
