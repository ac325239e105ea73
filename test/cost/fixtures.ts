/**
 * Small, hand-made inputs for the cost model's tests: a price table with round figures in two
 * regions, usage assumptions, and resources built the way the plan hands them over.
 */
import type { CostResource } from "../../policies/cost";
import { parsePriceTable, parseUsage, USAGE_KEYS, type PriceTable, type Usage } from "../../policies/cost";

export const HOURS = 730;

export function table(overrides: Record<string, Record<string, unknown>> = {}): PriceTable {
  const entry = (unit: string, regions: Record<string, unknown>) => ({ unit, description: unit, source: "test", asOf: "2025-01", origin: "knowledge", confidence: "high", regions });
  const prices: Record<string, unknown> = {
    "eks.cluster.hour": entry("hour", { any: 0.1 }),
    "ec2.instance.m.large": entry("hour", { "us-east-1": 0.1, "eu-west-1": 0.12 }),
    "ec2.instance.m.cheap": entry("hour", { "us-east-1": 0.05, "eu-west-1": 0.06 }),
    "ebs.gp3.gb-month": entry("GB-month", { "us-east-1": 0.08, "eu-west-1": 0.1 }),
    "cloudwatch.metric.month": entry("month", { any: 0.3 }),
    "vpc.nat-gateway.hour": entry("hour", { "us-east-1": 0.045, "eu-west-1": 0.05 }),
    "vpc.nat-gateway.gb": entry("GB", { "us-east-1": 0.045, "eu-west-1": 0.05 }),
    "ec2.public-ipv4.hour": entry("hour", { any: 0.005 }),
    "rds.aurora-postgresql.db.r.large": entry("hour", { "us-east-1": 0.5, "eu-west-1": 0.6 }),
    "rds.aurora.storage.gb-month": entry("GB-month", { "us-east-1": 0.1, "eu-west-1": 0.11 }),
    "rds.aurora.io.million": entry("million requests", { "us-east-1": 0.2, "eu-west-1": 0.22 }),
    "rds.aurora.global.replicated-write.million": entry("million requests", { "us-east-1": 0.2, "eu-west-1": 0.22 }),
    "rds.aurora.backup.gb-month": entry("GB-month", { any: 0.021 }),
    "data-transfer.inter-region.gb": entry("GB", { any: 0.02 }),
    "route53.zone.month": entry("month", { global: 0.5 }),
    "route53.health-check.aws.month": entry("month", { global: 0.5 }),
    "route53.health-check.non-aws.month": entry("month", { global: 0.75 }),
    "route53.health-check.option.aws.month": entry("month", { global: 1 }),
    "route53.health-check.option.non-aws.month": entry("month", { global: 2 }),
    "arc.cluster.hour": entry("hour", { global: 2.5 }),
    "amp.ingestion.million-samples": entry("million samples", { any: { tiers: [{ upTo: 100, usd: 0.1 }, { upTo: null, usd: 0.01 }] } }),
    ...overrides,
  };
  return parsePriceTable({ version: 1, currency: "USD", hoursPerMonth: HOURS, asOf: "2025-01", origin: "test", regions: ["us-east-1", "eu-west-1"], prices }, "test table");
}

export function usage(values: Partial<Record<(typeof USAGE_KEYS)[number], number>> = {}, profiles: Record<string, unknown> = {}, profile: string | null = null): Usage {
  const assumptions = Object.fromEntries(USAGE_KEYS.map((key) => [key, { value: values[key] ?? 1, unit: "u", appliesTo: "t", basis: "b" }]));
  return parseUsage({ assumptions, profiles }, profile, "test usage");
}

export function res(type: string, name: string, inputs: Record<string, unknown> = {}, options: { region?: string | null; stack?: string; ids?: string[]; dependencies?: Record<string, string[]> } = {}): CostResource {
  return {
    urn: `urn:pulumi:${options.stack ?? "test"}::p::${type}::${name}`,
    type,
    name,
    stack: options.stack ?? "test",
    region: options.region === undefined ? "us-east-1" : options.region,
    inputs,
    ids: options.ids ?? [`${name}-id`],
    dependencies: options.dependencies ?? {},
  };
}

/** A node pool: a launch template (50 GB gp3, detailed monitoring) and a mixed-instances Auto Scaling group. */
export function pool(name: string, sizes: { desired: number; max: number; base: number; percent: number }, region = "us-east-1"): CostResource[] {
  const lt = res("aws:ec2/launchTemplate:LaunchTemplate", `${name}-lt`, { blockDeviceMappings: [{ ebs: { volumeSize: 50, volumeType: "gp3" } }], monitoring: { enabled: true } }, { region, ids: [`lt-${name}`] });
  const asg = res("aws:autoscaling/group:Group", name, {
    desiredCapacity: sizes.desired,
    minSize: sizes.base,
    maxSize: sizes.max,
    mixedInstancesPolicy: {
      instancesDistribution: { onDemandBaseCapacity: sizes.base, onDemandPercentageAboveBaseCapacity: sizes.percent },
      launchTemplate: { launchTemplateSpecification: { launchTemplateId: `lt-${name}` }, overrides: [{ instanceType: "m.large" }, { instanceType: "m.cheap" }] },
    },
  }, { region });
  return [lt, asg];
}
