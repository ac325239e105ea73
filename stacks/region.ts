/** A regional stack: everything of the environment that lives in one region. */
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../components/region";
import type { TableBindingInput } from "../components/data";
import { effectiveStream } from "../components/lib/dynamo";
import { grafanaPrometheusDataSource } from "../components/observability/global";
import { ConfigError, Environment, ENVIRONMENT_SECRETS_OUTPUT, exportMissingKeys, parseEnvironment, regionalEnvironmentConfig } from "./config";
import { cacheRoleOf, regionArgs, regionalStackName, regionalStackReads, regionReadsEdgeSecrets, roleOf, SharedInputs } from "./compose";
import { originVerifyGenerations } from "../components/lib/edge";
import { asRunError, qualifiedStackName } from "./environment";
import { registerPlatformTags } from "./tags";

async function readEnvironment(globalRef: pulumi.StackReference, environmentStack: string): Promise<Environment> {
  const exported = (await globalRef.getOutputDetails("environment")).value as Record<string, unknown> | undefined;
  if (!exported) {
    return asRunError(new ConfigError(`stack ${environmentStack}`, [{ key: "environment", value: undefined, message: `the global stack exports no environment; run \`pulumi up --stack ${environmentStack}\` first` }]));
  }
  // An export older than a key this program knows: its value here would be the default, not the
  // stack file's. A deploy waits for wave 1; a preview shows the defaults and says so.
  const missing = exportMissingKeys(exported);
  if (missing.length > 0) {
    const name = environmentStack.split("/").pop()!;
    const message = `the global stack exported its environment before ${missing.map((k) => `platform:${k}`).join(", ")} existed, so this stack would take ${missing.length > 1 ? "their defaults" : "its default"}, not what Pulumi.${name}.yaml says; deploy the global stack first (\`pulumi up --stack ${environmentStack}\`, wave 1)`;
    if (!pulumi.runtime.isDryRun()) return asRunError(new ConfigError(`stack ${environmentStack}`, [{ key: "environment", value: undefined, message }]));
    void pulumi.log.warn(`${message}. This preview shows the defaults.`);
  }
  // The pager's and ticketing URLs come apart, from a secret output, and stay secret here.
  // parseEnvironment names their subscriptions from these values (Environment.endpointIds), as
  // the global stack does: a global stack deployed before ids exported none and needs none.
  const secrets = (await globalRef.getOutputDetails(ENVIRONMENT_SECRETS_OUTPUT)).secretValue;
  const { config, secretKeys } = regionalEnvironmentConfig(exported, secrets);
  try {
    // Not judged on today's date: the global stack's preview and the plan judge the config being
    // changed; an export deployed before a support date passed must not fail this preview.
    return parseEnvironment(environmentStack.split("/").pop()!, config, `stack ${environmentStack} (output "environment")`, secretKeys, { judgeSupportWindow: false });
  } catch (err) {
    // The export is what the global stack's last deploy validated: a rule added since, or a fix
    // made since in the stack file, is met only once the global stack deploys again.
    const name = environmentStack.split("/").pop()!;
    return asRunError(err, `These values are the environment the global stack exported at its last deploy, judged by this program's rules. Fix them in Pulumi.${name}.yaml if the plan names them too, and deploy the global stack first (\`pulumi up --stack ${environmentStack}\`, wave 1): the regional stacks read its new export.`);
  }
}

export async function regionalStack(configuredStack: string): Promise<Record<string, unknown>> {
  const region = new pulumi.Config("aws").require("region");
  const environmentStack = qualifiedStackName(configuredStack, pulumi.getOrganization(), pulumi.getProject());
  const globalRef = new pulumi.StackReference(environmentStack);
  const environment = await readEnvironment(globalRef, environmentStack);
  if (!environment.regions.includes(region)) {
    return asRunError(new ConfigError(`Pulumi.${pulumi.getStack()}.yaml`, [{ key: "aws:region", value: region, message: `is not one of the regions of ${environment.name} (${environment.regions.join(", ")}); add it to platform:regions in Pulumi.${environment.name}.yaml or fix aws:region` }]));
  }
  registerPlatformTags(environment, region);

  const role = roleOf(environment, region);
  const output = (name: string) => globalRef.requireOutput(name) as pulumi.Output<string>;
  const shared: SharedInputs = {
    zoneId: output("zoneId"),
    zoneName: output("zoneName"),
    globalClusterIdentifier: output("globalClusterIdentifier"),
    alarmTopicArn: output("alarmTopicArn"),
    ticketTopicArn: dnsTicketTopicArn(globalRef),
    databaseSecretArn: output("databaseSecretArn"),
    ...(environment.arcEnabled
      ? { routingControlArn: globalRef.requireOutput("routingControlArns").apply((arns: Record<string, string>) => arns[region]) }
      : {}),
    ...(environment.regionSwitch && environment.arcEnabled ? { regionSwitchRoleArn: output("regionSwitchRoleArn") } : {}),
    ...(role === "primary"
      ? {
          masterCredentials: {
            username: output("masterUsername"),
            password: output("masterPassword"),
            databaseName: output("databaseName"),
            // This stack applies the password to the writer, then publishes it (wave 2, not wave 1).
            secretArn: output("databaseSecretArn"),
            host: output("databaseWriterEndpoint"),
          },
        }
      : {}),
  };
  Object.assign(shared, dataTierInputs(environment, region, environmentStack, globalRef), edgeInputs(environment, environmentStack, globalRef));
  const built = new Region(regionalStackName(environment.name, region), regionArgs(environment, region, shared));

  return {
    region,
    // Also what tells the policy pack this stack is one part of an environment, so its
    // environment rules wait for the plan (policies/rules/kit.ts, isSelfContained).
    role,
    vpcId: built.network.vpcId,
    availabilityZones: built.network.availabilityZones,
    clusterName: built.cluster.clusterName,
    clusterEndpoint: built.cluster.endpoint,
    kubeconfig: built.cluster.kubeconfig,
    loadBalancerDnsName: built.ingress.dnsName,
    databaseClusterIdentifier: built.database.clusterIdentifier,
    databaseReaderEndpoint: built.database.readerEndpoint,
    ...(built.database.writerEndpoint ? { databaseWriterEndpoint: built.database.writerEndpoint } : {}),
    healthCheckId: built.endpoint.healthCheckId,
    // The HTTPS check of the ALB: the deploy waits for it before the next wave.
    endpointHealthCheckId: built.endpoint.endpointHealthCheckId,
    availabilityZoneIds: built.network.availabilityZoneIds,
    serviceNamespace: built.service.namespace,
    serviceRoleArn: built.service.roleArn,
    nodeAutoScalingGroupName: built.nodePool.autoScalingGroupName,
    nodeMaxSize: built.nodePool.maxSize,
    ...(built.cache
      ? {
          cacheRole: built.cache.role,
          // The other regions' members join the datastore with this id (AWS prefixes the suffix).
          cacheGlobalReplicationGroupId: built.cache.globalReplicationGroupId,
          cacheEndpoint: built.cache.primaryEndpoint,
          cacheReaderEndpoint: built.cache.readerEndpoint,
        }
      : {}),
    // Fault-injection templates by experiment (the game-day command finds them by tag as well).
    ...(built.experiments ? { experimentTemplateIds: built.experiments.templateIds, faultInjectionLogGroup: built.experiments.logGroupName } : {}),
    // What this region's workloads are given (the IAM statements stay in the program).
    dataBindingEnv: built.dataBinding.env,
    ...(built.observability
      ? {
          alarmTopicArn: built.observability.topicArn,
          ticketTopicArn: built.observability.ticketTopicArn,
          // As the global stack's: the deploy gate then wants the pager confirmed, not only a mailbox.
          pagerExpected: environment.pageEndpoints.length > 0,
          dashboardName: built.observability.dashboardName,
          // The region's health, for runbooks and tooling (experiments stop on the leaf alarms).
          regionImpairedAlarmArn: built.observability.regionImpairedAlarmArn,
          ...(built.observability.prometheus
            ? {
                prometheusEndpoint: built.observability.prometheus.prometheusEndpoint,
                grafanaDataSource: built.observability.prometheus.prometheusEndpoint.apply((endpoint) => grafanaPrometheusDataSource(region, environment.name, endpoint)),
              }
            : {}),
          ...(built.observability.canary ? { canaryName: built.observability.canary.canaryName } : {}),
        }
      : {}),
  };
}

/**
 * The global stack's DNS ticket topic (a routing control switched Off goes there). Read with a
 * fallback: a global stack deployed before that topic existed exports none, and a preview of this
 * stack against it (a pull request's, before the global wave deploys) would otherwise fail; the
 * alarm then keeps notifying the page topic, as it did, until the global stack is deployed.
 */
function dnsTicketTopicArn(globalRef: pulumi.StackReference): pulumi.Output<string> {
  return pulumi.all([globalRef.getOutput("ticketTopicArn"), globalRef.requireOutput("alarmTopicArn")]).apply(([tickets, pages]) => String(tickets ?? pages));
}

/** The stack of `stack`'s project and organisation: `org/project/prod` + `prod-us-east-1` → `org/project/prod-us-east-1`. */
export function siblingStackName(environmentStack: string, stack: string): string {
  const parts = environmentStack.split("/");
  parts[parts.length - 1] = stack;
  return parts.join("/");
}

/**
 * The values this region's listener accepts in the edge's origin-verify header, read from the
 * global stack (deployed first, so CloudFront already sends the first of them). Read only when the
 * listener requires the header or the region's web ACL exempts CloudFront's requests from its rate
 * limit (regionReadsEdgeSecrets), and kept secret: the global stack exports them as a secret output,
 * which a StackReference returns as a secret.
 *
 * Read with a fallback in a preview, as `dnsTicketTopicArn`: a global stack deployed before the
 * edge lock exports none, and a preview of this stack against it (a pull request's, before the
 * global wave deploys) must still run. The values are then unknown, so the preview shows the header
 * rule as computed at deploy. A deploy (`pulumi up`) against such a global stack fails instead,
 * naming the output: the global stack must deploy first, or the lock would accept nothing
 * CloudFront sends.
 */
function edgeInputs(environment: Environment, environmentStack: string, globalRef: pulumi.StackReference): Partial<SharedInputs> {
  if (!regionReadsEdgeSecrets(environment)) return {};
  const exported = globalRef.getOutput("edgeOriginVerifyValues") as pulumi.Output<string[] | undefined>;
  const { accepted } = originVerifyGenerations(environment.edgeOriginVerifyGeneration);
  const values = exported.apply((values): string[] | undefined => {
    if (Array.isArray(values) && values.length === accepted.length) return values;
    const found = values === undefined || values === null ? "exports no edgeOriginVerifyValues" : `exports edgeOriginVerifyValues that are not the ${accepted.length} values this region accepts`;
    const message = `the global stack ${environmentStack} ${found} (the edge's origin-verify secrets, which this region's HTTPS listener requires with edgeDirectOriginAccess: locked, and its web ACL exempts from its rate limit); deploy the global stack first: \`pulumi up --stack ${environmentStack}\``;
    if (!pulumi.runtime.isDryRun()) throw new pulumi.RunError(message);
    pulumi.log.warn(`${message}. This preview shows the listener's header rule as computed.`);
    return undefined;
  });
  return {
    // Unknown (pulumi.unknown) in a preview whose global stack lacks them: the rule's conditions show as computed.
    edgeOriginVerifyValues: accepted.map((_, i) => values.apply((all) => (all ? all[i] : (pulumi.unknown as unknown as string)))),
  };
}

/**
 * The data tier's inputs of one region, read from the global stack (tables, the cache's AUTH
 * secret) and, for a cache secondary, from the cache home region's stack (the Global Datastore
 * id, known only once the primary member created it: that stack deploys first).
 */
function dataTierInputs(environment: Environment, region: string, environmentStack: string, globalRef: pulumi.StackReference): Partial<SharedInputs> {
  const out: Partial<SharedInputs> = {};
  if (environment.dynamoTables.length > 0) {
    type Exported = { name: string; tableName: string; arn: string; kmsKeyArns: Record<string, string> };
    const exported = globalRef.requireOutput("dataTables") as pulumi.Output<Exported[]>;
    const entry = (name: string) => exported.apply((tables) => {
      const found = tables.find((t) => t.name === name);
      if (!found) throw new pulumi.RunError(`the global stack ${environmentStack} exports no table ${name}; run \`pulumi up --stack ${environmentStack}\` first`);
      return found;
    });
    out.dataTables = environment.dynamoTables.map((table): TableBindingInput => {
      const e = entry(table.name);
      return { name: table.name, tableName: e.tableName, tableArn: e.arn, kmsKeyArn: e.kmsKeyArns.apply((keys) => keys[region]), stream: effectiveStream(table) !== undefined };
    });
  }
  if (environment.cacheEnabled) {
    out.cacheAuthSecretArn = globalRef.requireOutput("cacheAuthSecretArn") as pulumi.Output<string>;
    out.cacheAuthSecretKmsKeyArn = globalRef.requireOutput("cacheAuthSecretKmsKeyArns").apply((keys: Record<string, string>) => keys[region]);
    if (cacheRoleOf(environment, region) === "primary") {
      out.cacheAuthToken = globalRef.requireOutput("cacheAuthToken") as pulumi.Output<string>;
    } else {
      const [homeStack] = regionalStackReads(environment, region);
      const homeRef = new pulumi.StackReference(siblingStackName(environmentStack, homeStack));
      out.cacheGlobalReplicationGroupId = homeRef.requireOutput("cacheGlobalReplicationGroupId") as pulumi.Output<string>;
    }
  }
  return out;
}
