/** A regional stack: everything of the environment that lives in one region. */
import * as pulumi from "@pulumi/pulumi";
import { Region } from "../components/region";
import { ConfigError, Environment, parseEnvironment } from "./config";
import { regionArgs, regionalStackName, roleOf, SharedInputs } from "./compose";
import { asRunError } from "./environment";
import { registerPlatformTags } from "./tags";

async function readEnvironment(globalRef: pulumi.StackReference, environmentStack: string): Promise<Environment> {
  const exported = (await globalRef.getOutputDetails("environment")).value as Record<string, unknown> | undefined;
  if (!exported) {
    return asRunError(new ConfigError(`stack ${environmentStack}`, [{ key: "environment", value: undefined, message: `the global stack exports no environment; run \`pulumi up --stack ${environmentStack}\` first` }]));
  }
  try {
    return parseEnvironment(environmentStack.split("/").pop()!, exported, `stack ${environmentStack} (output "environment")`);
  } catch (err) {
    return asRunError(err);
  }
}

export async function regionalStack(environmentStack: string): Promise<Record<string, unknown>> {
  const region = new pulumi.Config("aws").require("region");
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
    databaseWriterEndpoint: output("databaseWriterEndpoint"),
    databaseSecretArn: output("databaseSecretArn"),
    ...(environment.arcEnabled
      ? { routingControlArn: globalRef.requireOutput("routingControlArns").apply((arns: Record<string, string>) => arns[region]) }
      : {}),
    ...(role === "primary"
      ? { masterCredentials: { username: output("masterUsername"), password: output("masterPassword"), databaseName: output("databaseName") } }
      : {}),
  };
  const built = new Region(regionalStackName(environment.name, region), regionArgs(environment, region, shared));

  return {
    region,
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
  };
}
