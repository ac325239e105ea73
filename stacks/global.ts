/** The global stack: what every region of an environment shares. Deployed first. */
import * as pulumi from "@pulumi/pulumi";
import { GlobalCache, GlobalEdge, GlobalTable } from "../components/data";
import { GlobalDatabase } from "../components/database";
import { GlobalTraffic } from "../components/global-traffic";
import { GlobalObservability } from "../components/observability/global";
import { RegionSwitch } from "../components/chaos/region-switch";
import { ENVIRONMENT_SECRETS_OUTPUT, environmentSecrets, environmentSettings } from "./config";
import { globalCacheArgs, globalDatabaseArgs, globalEdgeArgs, globalObservabilityArgs, globalTableArgs, globalTrafficArgs, regionSwitchArgs } from "./compose";
import { asRunError, environmentFromStackConfig } from "./environment";
import { registerPlatformTags } from "./tags";

export async function globalStack(): Promise<Record<string, unknown>> {
  const environment = environmentFromStackConfig();
  // Required, not defaulted: the default provider would otherwise take the deployer's AWS_REGION
  // or profile, and the secret, tables and cache homed here would disagree with where they go.
  const stackRegion = new pulumi.Config("aws").require("region");
  registerPlatformTags(environment, stackRegion);

  let tableArgs: ReturnType<typeof globalTableArgs>;
  try {
    tableArgs = globalTableArgs(environment, stackRegion);
  } catch (err) {
    return asRunError(err);
  }

  const traffic = new GlobalTraffic(environment.name, globalTrafficArgs(environment));
  const database = new GlobalDatabase(environment.name, globalDatabaseArgs(environment, stackRegion));
  const tables = tableArgs.map((args, i) => new GlobalTable(`${environment.name}-table-${environment.dynamoTables[i].name}`, args));
  const cacheArgs = globalCacheArgs(environment, stackRegion);
  const cache = cacheArgs ? new GlobalCache(environment.name, cacheArgs) : undefined;
  const edgeArgs = globalEdgeArgs(environment, traffic.zoneId);
  const edge = edgeArgs ? new GlobalEdge(environment.name, edgeArgs) : undefined;
  const observability = new GlobalObservability(environment.name, globalObservabilityArgs(environment));
  const secrets = environmentSecrets(environment);
  const switchArgs = regionSwitchArgs(environment, { routingControlArns: traffic.routingControlArns });
  const regionSwitch = switchArgs ? new RegionSwitch(environment.name, switchArgs) : undefined;

  return {
    // The single definition of the environment; regional stacks read and re-validate it. Plain,
    // so the pager's and ticketing URLs (their keys open incidents) are not in it: they go out as
    // one secret output, which the regional stacks read as a secret.
    environment: environmentSettings(environment),
    ...(secrets ? { [ENVIRONMENT_SECRETS_OUTPUT]: secrets } : {}),
    zoneId: traffic.zoneId,
    zoneName: traffic.zoneName,
    nameServers: traffic.nameServers,
    // How the zone is delegated; the deploy waits on it before the primary wave (tools/ci/wait-for-zone.ts).
    dnsDelegation: traffic.delegation,
    routingControlArns: traffic.routingControlArns,
    controlPanelArn: traffic.controlPanelArn,
    arcClusterEndpoints: traffic.clusterEndpoints,
    // With DNSSEC: the DS record the parent must hold (written there with dnsParentZoneName;
    // published at the registrar by hand otherwise). tools/ci/wait-for-zone.ts names it.
    ...(traffic.dnssecDsRecord ? { dnssecDsRecord: traffic.dnssecDsRecord } : {}),
    // The DNS alarms' topics (us-east-1): the deploy waits for a subscriber of the page topic
    // (tools/ci/wait-subscribed.ts) and reports the ticket topic's.
    alarmTopicArn: traffic.alarmTopicArn,
    ticketTopicArn: traffic.ticketTopicArn,
    // The page topic has the pager subscribed (platform:pageEndpoints): the gate then waits for a
    // confirmed subscriber that is not a mailbox.
    pagerExpected: environment.pageEndpoints.length > 0,
    globalClusterIdentifier: database.globalClusterIdentifier,
    databaseSecretName: database.secretName,
    databaseSecretArn: database.secretArn,
    // The Aurora global writer endpoint: `host` in the credentials secret the primary region's
    // stack writes. Not the services' DB_WRITER_HOST: pods reach only their own region's VPC.
    databaseWriterEndpoint: database.writerEndpoint,
    // The primary region's member is created with these; the password stays a secret output.
    masterUsername: database.masterCredentials.username,
    masterPassword: pulumi.secret(database.masterCredentials.password),
    databaseName: database.masterCredentials.databaseName,
    // Data tier (each only when configured): regional stacks bind their workloads to these.
    ...(tables.length
      ? {
          dataTables: tables.map((table, i) => ({
            name: environment.dynamoTables[i].name,
            tableName: table.tableName,
            arn: table.arn,
            homeRegion: table.homeRegion,
            kmsKeyArns: table.kmsKeyArns,
            stream: table.stream,
          })),
        }
      : {}),
    ...(cache
      ? {
          // Only the cache's primary member is created with the token.
          cacheAuthToken: pulumi.secret(cache.authToken),
          cacheAuthSecretArn: cache.authSecretArn,
          cacheAuthSecretName: cache.authSecretName,
          cacheAuthSecretKmsKeyArns: cache.authSecretKmsKeyArns,
        }
      : {}),
    ...(edge
      ? {
          edge: { fqdn: edge.fqdn, domainName: edge.domainName, distributionId: edge.distributionId, webAclArn: edge.webAclArn },
          // Its own output, secret (so the regional stacks read it as a secret, and `edge` stays plain):
          // the value CloudFront sends, then the next generation's.
          edgeOriginVerifyValues: pulumi.secret(pulumi.all(edge.originVerifyValues)),
        }
      : {}),
    globalDashboardName: observability.dashboardName,
    // The Region switch plans (by name), and the role every regional stack lets scale its service.
    ...(regionSwitch ? { regionSwitchPlanArns: regionSwitch.planArns, regionSwitchRoleArn: regionSwitch.executionRoleArn } : {}),
    ...(observability.grafanaEndpoint ? { grafanaEndpoint: observability.grafanaEndpoint, grafanaWorkspaceId: observability.grafanaWorkspaceId } : {}),
  };
}
