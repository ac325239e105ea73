/** A regional stack: everything of the environment that lives in one region. */
import * as pulumi from "@pulumi/pulumi";
import { RegionalNetwork } from "../components/network";
import { ConfigError, parseEnvironment } from "./config";
import { asRunError } from "./environment";

export async function regionalStack(environmentStack: string): Promise<Record<string, unknown>> {
  const region = new pulumi.Config("aws").require("region");
  const globalRef = new pulumi.StackReference(environmentStack);
  const exported = (await globalRef.getOutputDetails("environment")).value as Record<string, unknown> | undefined;
  if (!exported) {
    return asRunError(new ConfigError(`stack ${environmentStack}`, [{ key: "environment", value: undefined, message: `the global stack exports no environment; run \`pulumi up --stack ${environmentStack}\` first` }]));
  }
  const envName = environmentStack.split("/").pop()!;
  let environment;
  try {
    environment = parseEnvironment(envName, exported, `stack ${environmentStack} (output "environment")`);
  } catch (err) {
    return asRunError(err);
  }
  const index = environment.regions.indexOf(region);
  if (index < 0) {
    return asRunError(new ConfigError(`Pulumi.${pulumi.getStack()}.yaml`, [{ key: "aws:region", value: region, message: `is not one of the regions of ${envName} (${environment.regions.join(", ")}); add it to platform:regions in Pulumi.${envName}.yaml or fix aws:region` }]));
  }
  const network = new RegionalNetwork(`${envName}-${region}`, {
    cidrBlock: environment.vpcCidrs[index],
    azCount: environment.azCount,
    natGateways: environment.natGateways as "perAz" | "single",
    flowLogRetentionDays: environment.logRetentionDays,
  });
  return {
    region,
    role: index === 0 ? "primary" : "secondary",
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
  };
}
