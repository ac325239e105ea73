/**
 * A two-region dev environment in one stack: small sizes, a single NAT gateway per region and
 * no Route 53 ARC. Its config is examples/dev/Pulumi.dev.yaml; plan it offline with
 *   npm run plan -- --program examples/dev/index.ts --stack dev --config-file examples/dev/Pulumi.dev.yaml
 */
import { ActiveActivePlatform } from "../../stacks/platform";
import { environmentFromStackConfig } from "../../stacks/environment";

export async function main(): Promise<Record<string, unknown>> {
  const environment = environmentFromStackConfig();
  const platform = new ActiveActivePlatform(environment.name, { environment });
  return {
    zoneId: platform.traffic.zoneId,
    loadBalancers: Object.fromEntries(platform.regions.map((r) => [r.region, r.ingress.dnsName])),
    primaryWriterEndpoint: platform.regions[0].database.writerEndpoint,
  };
}
