/**
 * Single-stack composition: a whole environment in one Pulumi program, with an explicit
 * `aws.Provider` per region. For small environments and examples; production uses one stack
 * per region (stacks/global.ts, stacks/region.ts) so a bad change hits one region at a time.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GlobalCache, GlobalEdge, GlobalTable } from "../components/data";
import { GlobalDatabase } from "../components/database";
import { effectiveStream } from "../components/lib/dynamo";
import { GlobalTraffic } from "../components/global-traffic";
import { GlobalObservability } from "../components/observability/global";
import { RegionSwitch } from "../components/chaos/region-switch";
import { Region } from "../components/region";
import { tagTransform } from "../components/lib/tags";
import type { Environment } from "./config";
import { globalCacheArgs, globalDatabaseArgs, globalEdgeArgs, globalObservabilityArgs, globalTableArgs, globalTrafficArgs, regionArgs, regionalStackName, regionSwitchArgs } from "./compose";

export interface ActiveActivePlatformArgs {
  /** A validated environment (stacks/config.ts parseEnvironment). */
  environment: Environment;
  /**
   * Tag every taggable resource with environment, region, component, owner and cost centre.
   * @default true
   */
  tags?: boolean;
}

export class ActiveActivePlatform extends pulumi.ComponentResource {
  readonly traffic: GlobalTraffic;
  readonly globalDatabase: GlobalDatabase;
  /** The environment's DynamoDB global tables, in the order of `dynamoTables`. */
  readonly tables: GlobalTable[];
  readonly cache: GlobalCache | undefined;
  readonly edge: GlobalEdge | undefined;
  readonly observability: GlobalObservability;
  readonly regionSwitch: RegionSwitch | undefined;
  /** Regions in the environment's order; the first is the primary. */
  readonly regions: Region[];
  readonly providers: Record<string, aws.Provider>;

  constructor(name: string, args: ActiveActivePlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    const env = args.environment;
    const tagging = args.tags ?? true;
    const baseTags = { environment: env.name, owner: env.owner, costCenter: env.costCenter };
    // One program creates every region at once, so the cache's primary member (which creates the
    // datastore the others join) must come first: the environment's primary region.
    if (env.cacheEnabled && env.cacheHomeRegion !== env.primaryRegion) {
      throw new RangeError(`${name}: cacheHomeRegion ${env.cacheHomeRegion} must be the primary region ${env.primaryRegion} in a single-stack environment`);
    }
    super("platform:index:ActiveActivePlatform", name, {}, {
      ...opts,
      transforms: [...(opts?.transforms ?? []), ...(tagging ? [tagTransform({ ...baseTags, defaultRegion: env.primaryRegion })] : [])],
    });

    this.providers = Object.fromEntries(env.regions.map((region) => [region, new aws.Provider(`${name}-${region}`, { region }, { parent: this })]));
    const primaryProvider = this.providers[env.primaryRegion];
    this.traffic = new GlobalTraffic(name, globalTrafficArgs(env), { parent: this, provider: primaryProvider });
    this.globalDatabase = new GlobalDatabase(name, globalDatabaseArgs(env), { parent: this, provider: primaryProvider });
    const onPrimary = { parent: this, provider: primaryProvider };
    this.tables = globalTableArgs(env, env.primaryRegion).map((tableArgs, i) => new GlobalTable(`${name}-table-${env.dynamoTables[i].name}`, tableArgs, onPrimary));
    const cacheArgs = globalCacheArgs(env, env.primaryRegion);
    this.cache = cacheArgs ? new GlobalCache(name, cacheArgs, onPrimary) : undefined;
    const edgeArgs = globalEdgeArgs(env, this.traffic.zoneId);
    this.edge = edgeArgs ? new GlobalEdge(name, edgeArgs, onPrimary) : undefined;
    this.observability = new GlobalObservability(name, globalObservabilityArgs(env), { parent: this, provider: primaryProvider });
    const switchArgs = regionSwitchArgs(env, { routingControlArns: this.traffic.routingControlArns });
    this.regionSwitch = switchArgs ? new RegionSwitch(name, switchArgs, onPrimary) : undefined;

    this.regions = [];
    for (const region of env.regions) {
      const built = regionArgs(env, region, {
        zoneId: this.traffic.zoneId,
        zoneName: this.traffic.zoneName,
        globalClusterIdentifier: this.globalDatabase.globalClusterIdentifier,
        routingControlArn: this.traffic.routingControlArns[region],
        alarmTopicArn: this.traffic.alarmTopicArn,
        masterCredentials: this.globalDatabase.masterCredentials,
        databaseSecretArn: this.globalDatabase.secretArn,
        ...(this.regionSwitch ? { regionSwitchRoleArn: this.regionSwitch.executionRoleArn } : {}),
        dataTables: this.tables.map((table, i) => ({
          name: env.dynamoTables[i].name,
          tableName: table.tableName,
          tableArn: table.arn,
          kmsKeyArn: table.kmsKeyArns[region],
          stream: effectiveStream(env.dynamoTables[i]) !== undefined,
        })),
        ...(this.cache
          ? {
              cacheAuthToken: this.cache.authToken,
              cacheAuthSecretArn: this.cache.authSecretArn,
              cacheAuthSecretKmsKeyArn: this.cache.authSecretKmsKeyArns[region],
              cacheGlobalReplicationGroupId: this.regions[0]?.cache?.globalReplicationGroupId,
            }
          : {}),
      });
      // A secondary joins the global cluster only after the primary member exists (the deploy
      // order global → primary → secondaries gives the same guarantee across stacks).
      const primary = this.regions[0];
      const database = primary ? { ...built.database, dependsOnPrimary: [primary.database] } : built.database;
      this.regions.push(new Region(regionalStackName(env.name, region), { ...built, database }, {
        parent: this,
        provider: this.providers[region],
        transforms: tagging ? [tagTransform({ ...baseTags, region })] : [],
      }));
    }
    this.registerOutputs({ zoneId: this.traffic.zoneId, regions: env.regions });
  }
}
