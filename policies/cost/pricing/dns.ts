/**
 * Route 53 and Route 53 ARC, global services: hosted zones, queries (alias answers for AWS
 * resources are free), health checks with their optional features (HTTPS, string matching, 10 s
 * interval, latency measurement; dearer for endpoints outside AWS), ARC clusters, readiness
 * checks and Region switch plans.
 */
import type { PricingContext } from "../context";
import { bool, list, num, record, str } from "../lookup";
import type { Charge, CostResource, Pricing } from "../model";

export const RECORD = "aws:route53/record:Record";
const hours = (count: number, ctx: PricingContext) => count * ctx.hoursPerMonth;

/** Alias targets whose queries Route 53 answers for free. */
const FREE_ALIAS_TARGET = /(\.elb\.amazonaws\.com|\.cloudfront\.net|\.s3-website[.-][a-z0-9-]+\.amazonaws\.com|\.execute-api\.[a-z0-9-]+\.amazonaws\.com|\.vpce\.amazonaws\.com|\.awsglobalaccelerator\.com|\.elasticbeanstalk\.com)\.?$/i;

export function hostedZone(): Pricing {
  return { charges: [{ item: "route53.zone.month", what: "hosted zone", kind: "fixed", quantity: 1 }] };
}

function queryItem(inputs: Record<string, unknown>): string {
  if (list(inputs.latencyRoutingPolicies).length) return "route53.queries.latency.million";
  if (list(inputs.geolocationRoutingPolicies).length || inputs.geoproximityRoutingPolicy) return "route53.queries.geo.million";
  return "route53.queries.standard.million";
}

const nameKey = (r: CostResource) => `${(str(r.inputs.name) ?? r.name).toLowerCase().replace(/\.$/, "")} ${str(r.inputs.type) ?? "?"}`;

/** Queries of a name are split evenly over its records (latency, failover, weighted sets). */
export function dnsRecord(r: CostResource, ctx: PricingContext): Pricing {
  // ACM's DNS-validation records (_<32 hex>.name) are read only when a certificate is issued or renewed.
  if (/^_[0-9a-f]{32}\./i.test(str(r.inputs.name) ?? "")) return { free: "an ACM validation record: queried only at issue and renewal" };
  const alias = list(r.inputs.aliases).map(record)[0];
  const target = str(alias?.name);
  if (target && FREE_ALIAS_TARGET.test(target)) return { free: "alias to an AWS resource: its queries are free" };
  const siblings = ctx.lookup.ofType(RECORD).filter((other) => nameKey(other) === nameKey(r)).length || 1;
  const millions = ctx.usage("dnsQueriesMillionsPerNamePerMonth") / siblings;
  return { charges: [{ item: queryItem(r.inputs), what: `queries${siblings > 1 ? ` (1/${siblings} of the name's)` : ""}`, kind: "usage", quantity: millions, assumptions: ["dnsQueriesMillionsPerNamePerMonth"] }] };
}

const ENDPOINT_TYPES = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"];
/** Endpoints Route 53 counts as AWS endpoints: load balancers, CloudFront, other AWS service names. */
const AWS_ENDPOINT = /\.(amazonaws\.com|cloudfront\.net|awsglobalaccelerator\.com)\.?$/i;

export function healthCheck(r: CostResource): Pricing {
  const type = str(r.inputs.type) ?? "HTTP";
  if (type === "RECOVERY_CONTROL") return { charges: [{ item: "route53.health-check.recovery-control.month", what: "routing-control health check", kind: "fixed", quantity: 1 }] };
  if (!ENDPOINT_TYPES.includes(type)) return { charges: [{ item: "route53.health-check.aws.month", what: `${type.toLowerCase()} health check (billed as an AWS-endpoint check)`, kind: "fixed", quantity: 1 }] };
  const fqdn = str(r.inputs.fqdn);
  const aws = fqdn !== null && AWS_ENDPOINT.test(fqdn);
  const where = aws ? "aws" : "non-aws";
  const options = [
    type.startsWith("HTTPS") ? "HTTPS" : null,
    type.endsWith("STR_MATCH") ? "string matching" : null,
    (num(r.inputs.requestInterval) ?? 30) === 10 ? "fast interval" : null,
    bool(r.inputs.measureLatency) === true ? "latency measurement" : null,
  ].filter((o): o is string => o !== null);
  const charges: Charge[] = [{ item: `route53.health-check.${where}.month`, what: `${type} health check of ${aws ? "an AWS" : "a non-AWS"} endpoint`, kind: "fixed", quantity: 1 }];
  if (options.length) charges.push({ item: `route53.health-check.option.${where}.month`, what: `optional features: ${options.join(", ")}`, kind: "fixed", quantity: options.length });
  return { charges };
}

export function arcCluster(_r: CostResource, ctx: PricingContext): Pricing {
  return { charges: [{ item: "arc.cluster.hour", what: "ARC routing-control cluster", kind: "fixed", quantity: hours(1, ctx) }] };
}

export function readinessCheck(_r: CostResource, ctx: PricingContext): Pricing {
  return { charges: [{ item: "arc.readiness-check.hour", what: "ARC readiness check", kind: "fixed", quantity: hours(1, ctx) }] };
}

export function regionSwitchPlan(): Pricing {
  return { charges: [{ item: "arc.region-switch.plan.month", what: "ARC Region switch plan", kind: "fixed", quantity: 1 }] };
}
