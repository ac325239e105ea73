/** The global stack: what every region of an environment shares. Deployed first. */
import * as pulumi from "@pulumi/pulumi";
import { GlobalDatabase } from "../components/database";
import { GlobalTraffic } from "../components/global-traffic";
import { environmentSettings } from "./config";
import { globalDatabaseArgs, globalTrafficArgs } from "./compose";
import { environmentFromStackConfig } from "./environment";
import { registerPlatformTags } from "./tags";

export async function globalStack(): Promise<Record<string, unknown>> {
  const environment = environmentFromStackConfig();
  const stackRegion = new pulumi.Config("aws").get("region") ?? environment.primaryRegion;
  registerPlatformTags(environment, stackRegion);

  const traffic = new GlobalTraffic(environment.name, globalTrafficArgs(environment));
  const database = new GlobalDatabase(environment.name, globalDatabaseArgs(environment, stackRegion));

  return {
    // The single definition of the environment; regional stacks read and re-validate it.
    environment: environmentSettings(environment),
    zoneId: traffic.zoneId,
    zoneName: traffic.zoneName,
    nameServers: traffic.nameServers,
    // How the zone is delegated; the deploy waits on it before the primary wave (tools/ci/wait-for-zone.ts).
    dnsDelegation: traffic.delegation,
    routingControlArns: traffic.routingControlArns,
    controlPanelArn: traffic.controlPanelArn,
    arcClusterEndpoints: traffic.clusterEndpoints,
    alarmTopicArn: traffic.alarmTopicArn,
    globalClusterIdentifier: database.globalClusterIdentifier,
    databaseSecretName: database.secretName,
    databaseSecretArn: database.secretArn,
    // The Aurora global writer endpoint: the services' DB_WRITER_HOST in every region.
    databaseWriterEndpoint: database.writerEndpoint,
    // The primary region's member is created with these; the password stays a secret output.
    masterUsername: database.masterCredentials.username,
    masterPassword: pulumi.secret(database.masterCredentials.password),
    databaseName: database.masterCredentials.databaseName,
  };
}
