import { closest } from "./suggest";

/**
 * Commercial AWS regions and the AZ name suffixes a typical account sees in each.
 *
 * Used to validate region codes and AZ counts before anything is deployed, and by the fake
 * cloud to answer `getAvailabilityZones`. AZ *names* are mapped per account (zone IDs are not),
 * so a real deployment always asks `aws.getAvailabilityZones` and chooses by zone ID
 * (components/lib/zones.ts); the suffixes here only bound how many AZs a region can offer. Opt-in regions (af-south-1, ap-east-1, me-south-1, ...)
 * must be enabled on the account first.
 */
export const AWS_REGIONS: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-east-2": ["a", "b", "c"],
  // us-west-1 offers new accounts only two AZs.
  "us-west-1": ["b", "c"],
  "us-west-2": ["a", "b", "c", "d"],
  "af-south-1": ["a", "b", "c"],
  "ap-east-1": ["a", "b", "c"],
  "ap-south-1": ["a", "b", "c"],
  "ap-south-2": ["a", "b", "c"],
  "ap-southeast-1": ["a", "b", "c"],
  "ap-southeast-2": ["a", "b", "c"],
  "ap-southeast-3": ["a", "b", "c"],
  "ap-southeast-4": ["a", "b", "c"],
  "ap-southeast-5": ["a", "b", "c"],
  "ap-southeast-7": ["a", "b", "c"],
  "ap-northeast-1": ["a", "c", "d"],
  "ap-northeast-2": ["a", "b", "c", "d"],
  "ap-northeast-3": ["a", "b", "c"],
  "ca-central-1": ["a", "b", "d"],
  "ca-west-1": ["a", "b", "c"],
  "eu-central-1": ["a", "b", "c"],
  "eu-central-2": ["a", "b", "c"],
  "eu-west-1": ["a", "b", "c"],
  "eu-west-2": ["a", "b", "c"],
  "eu-west-3": ["a", "b", "c"],
  "eu-south-1": ["a", "b", "c"],
  "eu-south-2": ["a", "b", "c"],
  "eu-north-1": ["a", "b", "c"],
  "il-central-1": ["a", "b", "c"],
  "me-south-1": ["a", "b", "c"],
  "me-central-1": ["a", "b", "c"],
  "mx-central-1": ["a", "b", "c"],
  "sa-east-1": ["a", "b", "c"],
};

export function isKnownRegion(region: string): boolean {
  return Object.prototype.hasOwnProperty.call(AWS_REGIONS, region);
}

/** AZ names (e.g. "us-east-1a") a typical account sees in `region`; [] for an unknown region. */
export function availabilityZoneNames(region: string): string[] {
  return (AWS_REGIONS[region] ?? []).map((suffix) => `${region}${suffix}`);
}

/** The closest known region codes to a mistyped one, for error messages. */
export function suggestRegions(input: string, limit = 3): string[] {
  return closest(input, Object.keys(AWS_REGIONS), Number.MAX_SAFE_INTEGER, limit);
}

/**
 * The region a resource type is created in whatever the provider's region: the Route 53 ARC
 * control plane (route53-recovery-control-config) exists only in us-west-2, and the provider
 * sends those calls there itself (its resources take no `region` input); CloudFront is a
 * global service whose control plane is in us-east-1.
 */
export function pinnedRegion(type: string): string | undefined {
  if (type.startsWith("aws:route53recoverycontrol/")) return "us-west-2";
  if (type.startsWith("aws:cloudfront/")) return "us-east-1";
  return undefined;
}
