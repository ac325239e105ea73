import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * One customer managed KMS key per region, for a secret replicated across regions: a replica can
 * only be encrypted with a key of its own region, and one that names no key gets that region's
 * AWS managed `aws/secretsmanager` key, whose key policy cannot be narrowed (any principal of the
 * account allowed secretsmanager:GetSecretValue then reads the value, without kms:Decrypt).
 *
 * Declared as children of `parent` under `${name}-${region}`, so a caller that created its keys
 * this way before keeps their URNs. Protected and rotating, as every key of the platform.
 * @returns the key ARN per region, in the order given
 */
export function secretKeysPerRegion(
  name: string,
  regions: readonly string[],
  args: { description: (region: string) => string; tags?: Record<string, string>; parent: pulumi.Resource },
): Record<string, pulumi.Output<string>> {
  if (new Set(regions).size !== regions.length) throw new Error(`${name}: a region is listed twice: ${regions.join(", ")}`);
  const arns: Record<string, pulumi.Output<string>> = {};
  for (const region of regions) {
    const key = new aws.kms.Key(`${name}-${region}`, {
      region,
      description: args.description(region),
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: args.tags,
    }, { parent: args.parent, protect: true });
    arns[region] = key.arn;
  }
  return arns;
}
