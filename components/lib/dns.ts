/**
 * Pure decisions behind the environment's DNS: which region publishes which failover record,
 * what the Route 53 health checks look like, and how long a regional failover takes in DNS.
 * No resources here; GlobalTraffic and RegionalEndpoint declare resources from these results.
 */
import { ALB_ALIAS_TTL_SECONDS, detectionSeconds, worstCaseDnsFailoverSeconds } from "./failover";
import { closest } from "./suggest";

/**
 * Route 53 health-check metrics (AWS/Route53 HealthCheckStatus) are published only in
 * us-east-1, and a CloudWatch alarm's SNS action must be in the alarm's region. Query logs and
 * DNSSEC signing keys must live there too.
 */
export const ROUTE53_HOME_REGION = "us-east-1";

/**
 * Label of the name that reaches one region's load balancer alone, `<appRecordName>-<region>`
 * (no routing policy, no health check): what other regions' probes ask for, with the public name
 * as SNI and Host, so the certificate and the service answer as for users.
 */
export function regionalAppLabel(appRecordName: string, region: string): string {
  return `${appRecordName}-${region}`;
}

/** Regions Route 53 health checkers run from (the only values `regions` accepts). */
export const ROUTE53_CHECKER_REGIONS = [
  "us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
] as const;

export type FailoverRole = "PRIMARY" | "SECONDARY";

export interface FailoverRecordPlan {
  readonly region: string;
  /** The failover record this region publishes for the write name, or undefined for none. */
  readonly role: FailoverRole | undefined;
}

function checkRegionList(regions: readonly string[]): void {
  if (regions.length === 0) throw new RangeError("regions: at least one region is needed (the first is the primary database region)");
  const seen = new Set<string>();
  for (const region of regions) {
    if (seen.has(region)) throw new RangeError(`regions: ${region} is listed twice; each region appears once`);
    seen.add(region);
  }
}

/**
 * Who publishes the write name's failover records. Route 53 failover routing takes exactly one
 * PRIMARY and one SECONDARY record per name, so: the primary database region (first) publishes
 * PRIMARY, the first secondary publishes SECONDARY (it is where the Aurora writer goes first),
 * every other region publishes nothing. A one-region environment gets a PRIMARY alone, which
 * Route 53 accepts (it answers with it, healthy or not).
 */
export function planFailoverRecords(regions: readonly string[]): FailoverRecordPlan[] {
  checkRegionList(regions);
  return regions.map((region, i) => ({ region, role: i === 0 ? "PRIMARY" : i === 1 ? "SECONDARY" : undefined }));
}

/** The failover role of one region of the environment (undefined: it publishes no failover record). */
export function failoverRoleOf(regions: readonly string[], region: string): FailoverRole | undefined {
  const plan = planFailoverRecords(regions).find((p) => p.region === region);
  if (!plan) throw new RangeError(`${region} is not one of the environment's regions (${regions.join(", ")})`);
  return plan.role;
}

/** Route 53 HTTPS health check of a regional endpoint, all fields resolved. */
export interface HealthCheckSettings {
  readonly path: string;
  readonly intervalSeconds: 10 | 30;
  readonly failureThreshold: number;
  readonly regions: readonly string[];
  readonly port: number;
}

/** Health-check settings as a caller (or stack config) gives them; checked by `resolveHealthCheck`. */
export interface HealthCheckInput {
  /** @default "/healthz" */
  readonly path?: string;
  /** 10 or 30 (fixed at creation). @default 10 */
  readonly intervalSeconds?: number;
  /** 1 to 10. @default 3 */
  readonly failureThreshold?: number;
  /** At least 3 of ROUTE53_CHECKER_REGIONS. @default ["us-east-1", "us-west-2", "eu-west-1"] */
  readonly regions?: readonly string[];
  /** @default 443 */
  readonly port?: number;
}

export const DEFAULT_HEALTH_CHECK: HealthCheckSettings = {
  path: "/healthz",
  intervalSeconds: 10,
  failureThreshold: 3,
  regions: ["us-east-1", "us-west-2", "eu-west-1"],
  port: 443,
};

/**
 * Fills in defaults and rejects what Route 53 would reject at `pulumi up` time (or, for the
 * interval, what it would accept once and then refuse to change: the interval is fixed at
 * creation, so a wrong one costs a health-check replacement).
 */
export function resolveHealthCheck(input: HealthCheckInput = {}): HealthCheckSettings {
  const settings = { ...DEFAULT_HEALTH_CHECK, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as Required<HealthCheckInput>;
  const problems: string[] = [];
  if (settings.intervalSeconds !== 10 && settings.intervalSeconds !== 30) {
    problems.push(`intervalSeconds ${settings.intervalSeconds}: Route 53 accepts only 10 or 30`);
  }
  if (!Number.isInteger(settings.failureThreshold) || settings.failureThreshold < 1 || settings.failureThreshold > 10) {
    problems.push(`failureThreshold ${settings.failureThreshold}: Route 53 accepts an integer from 1 to 10`);
  }
  const distinct = new Set(settings.regions);
  if (distinct.size < 3) {
    problems.push(`regions [${settings.regions.join(", ")}]: Route 53 needs at least 3 distinct checker regions`);
  }
  for (const region of distinct) {
    if (!(ROUTE53_CHECKER_REGIONS as readonly string[]).includes(region)) {
      const hint = closest(region, ROUTE53_CHECKER_REGIONS, 3);
      problems.push(`regions: ${region} is not a Route 53 checker region${hint.length ? ` (did you mean ${hint.join(" or ")}?)` : ""}; use ${ROUTE53_CHECKER_REGIONS.join(", ")}`);
    }
  }
  if (!settings.path.startsWith("/")) problems.push(`path "${settings.path}": must start with "/", e.g. /healthz`);
  if (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535) problems.push(`port ${settings.port}: must be 1 to 65535`);
  if (problems.length) throw new RangeError(`health check: ${problems.join("; ")}`);
  return { ...settings, intervalSeconds: settings.intervalSeconds as 10 | 30, regions: [...distinct] };
}

export interface DnsFailoverFigure {
  /** threshold × (interval + the HTTPS check's 6 s timeout): how long before Route 53 calls the region unhealthy. */
  readonly detectionSeconds: number;
  /** How long resolvers may keep the old answer (alias records hand out the ALB's TTL). */
  readonly ttlSeconds: number;
  /** detection + TTL: the worst case from outage to every resolver holding another region's answer. */
  readonly worstCaseSeconds: number;
}

/**
 * The DNS failover figure of an environment's regional endpoints. The records are aliases to
 * ALBs, which carry no TTL of their own: resolvers cache them for the ALB's 60 s.
 */
export function dnsFailoverFigure(input: Pick<HealthCheckInput, "intervalSeconds" | "failureThreshold"> = {}, recordTtlSeconds = ALB_ALIAS_TTL_SECONDS): DnsFailoverFigure {
  const { intervalSeconds, failureThreshold } = resolveHealthCheck(input);
  return {
    detectionSeconds: detectionSeconds(intervalSeconds, failureThreshold),
    ttlSeconds: recordTtlSeconds,
    worstCaseSeconds: worstCaseDnsFailoverSeconds({ healthCheckIntervalSeconds: intervalSeconds, healthCheckFailureThreshold: failureThreshold, recordTtlSeconds }),
  };
}
