/**
 * Single-stack composition: a whole environment in one Pulumi program, with an explicit
 * `aws.Provider` per region. For small environments and examples; production uses one stack
 * per region (stacks/global.ts, stacks/region.ts) so a bad change hits one region at a time.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GlobalDatabase } from "../components/database";
import { GlobalTraffic } from "../components/global-traffic";
import { Region } from "../components/region";
import { tagTransform } from "../components/lib/tags";
import type { Environment } from "./config";
import { globalDatabaseArgs, globalTrafficArgs, regionArgs, regionalStackName } from "./compose";

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
  /** Regions in the environment's order; the first is the primary. */
  readonly regions: Region[];
  readonly providers: Record<string, aws.Provider>;

  constructor(name: string, args: ActiveActivePlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    const env = args.environment;
    const tagging = args.tags ?? true;
    const baseTags = { environment: env.name, owner: env.owner, costCenter: env.costCenter };
    super("platform:index:ActiveActivePlatform", name, {}, {
      ...opts,
      transforms: [...(opts?.transforms ?? []), ...(tagging ? [tagTransform({ ...baseTags, defaultRegion: env.primaryRegion })] : [])],
    });

    this.providers = Object.fromEntries(env.regions.map((region) => [region, new aws.Provider(`${name}-${region}`, { region }, { parent: this })]));
    const primaryProvider = this.providers[env.primaryRegion];
    this.traffic = new GlobalTraffic(name, globalTrafficArgs(env), { parent: this, provider: primaryProvider });
    this.globalDatabase = new GlobalDatabase(name, globalDatabaseArgs(env), { parent: this, provider: primaryProvider });

    this.regions = [];
    for (const region of env.regions) {
      const built = regionArgs(env, region, {
        zoneId: this.traffic.zoneId,
        zoneName: this.traffic.zoneName,
        globalClusterIdentifier: this.globalDatabase.globalClusterIdentifier,
        routingControlArn: this.traffic.routingControlArns[region],
        alarmTopicArn: this.traffic.alarmTopicArn,
        masterCredentials: this.globalDatabase.masterCredentials,
        databaseWriterEndpoint: this.globalDatabase.writerEndpoint,
        databaseSecretArn: this.globalDatabase.secretArn,
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
