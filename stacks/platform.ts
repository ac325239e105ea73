/**
 * Single-stack composition: a whole environment in one Pulumi program, with an explicit
 * `aws.Provider` per region. For small environments and examples; production uses one stack
 * per region (stacks/global.ts, stacks/region.ts) so a bad change hits one region at a time.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GlobalCache, GlobalEdge, GlobalTable, type RegionalCache } from "../components/data";
import { GlobalDatabase } from "../components/database";
import { effectiveStream } from "../components/lib/dynamo";
import { GlobalTraffic } from "../components/global-traffic";
import { GlobalObservability } from "../components/observability/global";
import { RegionSwitch } from "../components/chaos/region-switch";
import { Region } from "../components/region";
import { tagTransform } from "../components/lib/tags";
import { ConfigError, type Environment } from "./config";
import { globalCacheArgs, globalDatabaseArgs, globalEdgeArgs, globalObservabilityArgs, globalTableArgs, globalTrafficArgs, regionArgs, regionalStackName, regionSwitchArgs, type SharedInputs } from "./compose";

export interface ActiveActivePlatformArgs {
  /** A validated environment (stacks/config.ts parseEnvironment). */
  environment: Environment;
  /**
   * Where the environment's global pieces live, for the stack's whole life: the global cluster
   * and its credentials secret and key, the DynamoDB tables' home, the cache AUTH secret, the
   * zone's alarm topic, dashboard and Region switch plans. Fixed, unlike the primary region (the
   * first of `platform:regions`, which a switchover changes): every regional resource's `region`
   * forces a replacement, which the protected ones refuse. The global stack's rule: its own
   * `aws:region`. It need not be the primary region, but with tables it must be one of the
   * environment's regions (the home table holds a replica).
   * @default the stack's `aws:region` config, required then (as the global stack requires it)
   */
  homeRegion?: string;
  /**
   * Tag every taggable resource with environment, region, component, owner and cost centre.
   * @default true
   */
  tags?: boolean;
}

/** Where the home region came from: the config key or argument an error names. */
export interface HomeRegion {
  region: string;
  key: "homeRegion" | "aws:region";
}

/**
 * The home region of a single-stack environment: the explicit argument, else the stack's
 * `aws:region` (never the primary region, which moves with every switchover).
 * @throws ConfigError naming `aws:region` when neither is set
 */
export function homeRegionOf(name: string, environment: Environment, explicit: string | undefined, stackRegion: string | undefined): HomeRegion {
  if (explicit) return { region: explicit, key: "homeRegion" };
  if (stackRegion) return { region: stackRegion, key: "aws:region" };
  throw new ConfigError(`ActiveActivePlatform ${name}`, [{
    key: "aws:region",
    value: stackRegion,
    message: `the global pieces (global cluster, secrets, keys, tables' home) live in one fixed region, the global stack's rule: set aws:region (pulumi config set aws:region ${environment.primaryRegion} for a new environment; an existing one keeps the region they were created in, the first of platform:regions before any switchover), or pass homeRegion`,
  }]);
}

/**
 * The cache's secondary regions in the order they join the Global Datastore, one at a time: the
 * environment's order without the home region. ElastiCache refuses a join while the datastore is
 * `modifying` (another member joining) and the provider does not retry; across stacks the waves
 * run one region at a time, in one program each secondary waits for the one before it.
 */
export function cacheJoinOrder(environment: Environment): string[] {
  if (!environment.cacheEnabled) return [];
  return environment.regions.filter((region) => region !== environment.cacheHomeRegion);
}

/**
 * The order the program declares the regions in: the cache's home first (its member creates the
 * datastore the others join), then the join order. Only the declaration order: what waits for
 * what is in the dependencies, and `regions` keeps the environment's order.
 */
export function declarationOrder(environment: Environment): string[] {
  return environment.cacheEnabled ? [environment.cacheHomeRegion, ...cacheJoinOrder(environment)] : [...environment.regions];
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
  /** A provider per region of the environment, and for the home region when it is not one of them. */
  readonly providers: Record<string, aws.Provider>;
  /** Where the global pieces live (`homeRegion`), and its provider. */
  readonly homeRegion: string;
  readonly homeProvider: aws.Provider;

  constructor(name: string, args: ActiveActivePlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    const env = args.environment;
    const tagging = args.tags ?? true;
    const baseTags = { environment: env.name, owner: env.owner, costCenter: env.costCenter };
    // Read only when not given: programs written before homeRegion pass just the environment,
    // and the global stack's rule is its aws:region.
    const home = homeRegionOf(name, env, args.homeRegion, args.homeRegion ? undefined : new pulumi.Config("aws").get("region"));
    // Before registering anything: tables need the home among the regions.
    const tableArgs = globalTableArgs(env, home.region, home.key);
    super("platform:index:ActiveActivePlatform", name, {}, {
      ...opts,
      transforms: [...(opts?.transforms ?? []), ...(tagging ? [tagTransform({ ...baseTags, defaultRegion: home.region })] : [])],
    });

    const providerFor = (region: string) => new aws.Provider(`${name}-${region}`, { region }, { parent: this });
    this.providers = Object.fromEntries(env.regions.map((region) => [region, providerFor(region)]));
    // The home region's own provider when it is one of the regions: the same provider resource the
    // global pieces had when the home was also the primary (a changed provider reference plans a
    // replacement of everything it manages).
    this.providers[home.region] ??= providerFor(home.region);
    this.homeRegion = home.region;
    this.homeProvider = this.providers[home.region];
    const atHome = { parent: this, provider: this.homeProvider };

    this.traffic = new GlobalTraffic(name, globalTrafficArgs(env), atHome);
    this.globalDatabase = new GlobalDatabase(name, globalDatabaseArgs(env, home.region), atHome);
    this.tables = tableArgs.map((tableArgs, i) => new GlobalTable(`${name}-table-${env.dynamoTables[i].name}`, tableArgs, atHome));
    const cacheArgs = globalCacheArgs(env, home.region);
    this.cache = cacheArgs ? new GlobalCache(name, cacheArgs, atHome) : undefined;
    const edgeArgs = globalEdgeArgs(env, this.traffic.zoneId);
    this.edge = edgeArgs ? new GlobalEdge(name, edgeArgs, atHome) : undefined;
    this.observability = new GlobalObservability(name, globalObservabilityArgs(env), atHome);
    const switchArgs = regionSwitchArgs(env, { routingControlArns: this.traffic.routingControlArns });
    this.regionSwitch = switchArgs ? new RegionSwitch(name, switchArgs, atHome) : undefined;

    // The Aurora writer follows the environment's first region; the cache's primary member stays in
    // cacheHomeRegion. After a switchover they differ, and the cache home (declared first) is an
    // Aurora secondary that must wait for a writer not declared yet: its dependency is a promise of
    // the primary's database, resolved once that region is declared.
    let primaryDeclared: (database: pulumi.Resource) => void = () => undefined;
    let declarationFailed: (err: unknown) => void = () => undefined;
    const primaryDatabase = new Promise<pulumi.Resource>((resolve, reject) => { primaryDeclared = resolve; declarationFailed = reject; });
    // Rejected only when this constructor throws, which reports the error itself.
    primaryDatabase.catch(() => undefined);
    const byRegion = new Map<string, Region>();
    let previousJoiner: RegionalCache | undefined;
    try {
      for (const region of declarationOrder(env)) {
        const built = regionArgs(env, region, {
          zoneId: this.traffic.zoneId,
          zoneName: this.traffic.zoneName,
          globalClusterIdentifier: this.globalDatabase.globalClusterIdentifier,
          routingControlArn: this.traffic.routingControlArns[region],
          alarmTopicArn: this.traffic.alarmTopicArn,
          ticketTopicArn: this.traffic.ticketTopicArn,
          masterCredentials: this.globalDatabase.masterCredentials,
          databaseSecretArn: this.globalDatabase.secretArn,
          ...(this.regionSwitch ? { regionSwitchRoleArn: this.regionSwitch.executionRoleArn } : {}),
          ...(this.edge ? { edgeOriginVerifyValues: this.edge.originVerifyValues } : {}),
          dataTables: this.tables.map((table, i) => ({
            name: env.dynamoTables[i].name,
            tableName: table.tableName,
            tableArn: table.arn,
            kmsKeyArn: table.kmsKeyArns[region],
            stream: effectiveStream(env.dynamoTables[i]) !== undefined,
          })),
          ...(this.cache ? this.cacheInputs(region, byRegion.get(env.cacheHomeRegion)?.cache, previousJoiner) : {}),
        });
        // A secondary joins the global cluster only after the primary member exists (the deploy
        // order global → primary → secondaries gives the same guarantee across stacks).
        const database = region === env.primaryRegion
          ? built.database
          : { ...built.database, dependsOnPrimary: [byRegion.get(env.primaryRegion)?.database ?? primaryDatabase] };
        const declared = new Region(regionalStackName(env.name, region), { ...built, database }, {
          parent: this,
          provider: this.providers[region],
          transforms: tagging ? [tagTransform({ ...baseTags, region })] : [],
        });
        byRegion.set(region, declared);
        if (region === env.primaryRegion) primaryDeclared(declared.database);
        if (this.cache && region !== env.cacheHomeRegion) previousJoiner = declared.cache;
      }
    } catch (err) {
      // Never leave the cache home's database waiting on a writer that was not declared.
      declarationFailed(err);
      throw err;
    }
    this.regions = env.regions.map((region) => byRegion.get(region)!);
    this.registerOutputs({ zoneId: this.traffic.zoneId, regions: env.regions, homeRegion: this.homeRegion });
  }

  /**
   * A region's cache inputs. A secondary joins the datastore of the home region's member, after
   * the secondary before it in `cacheJoinOrder` joined: its datastore id is taken only once that
   * member's replication group exists, so the engine creates them one after the other.
   */
  private cacheInputs(region: string, homeMember: RegionalCache | undefined, previousJoiner: RegionalCache | undefined): Partial<SharedInputs> {
    const cache = this.cache!;
    const datastoreId = homeMember?.globalReplicationGroupId;
    return {
      cacheAuthToken: cache.authToken,
      cacheAuthSecretArn: cache.authSecretArn,
      cacheAuthSecretKmsKeyArn: cache.authSecretKmsKeyArns[region],
      ...(datastoreId
        ? { cacheGlobalReplicationGroupId: previousJoiner ? pulumi.all([datastoreId, previousJoiner.replicationGroupId]).apply(([id]) => id) : datastoreId }
        : {}),
    };
  }
}
