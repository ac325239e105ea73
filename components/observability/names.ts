/**
 * Names of the monitoring resources. Alarms, dashboards and canaries are named explicitly (not
 * auto-named): runbooks, the global dashboard (built in another stack, before the regions exist),
 * fault-injection stop conditions and the on-call's muscle memory all refer to them by name.
 */
import { createHash } from "crypto";

/** Every alarm of a region, by key. `<prefix>-<key>` is the alarm's name. */
export const REGIONAL_ALARM_KEYS = [
  "error-rate",
  "latency-p99",
  "no-healthy-targets",
  "replication-lag",
  "replica-lag",
  "db-writer-cpu",
  "db-reader-cpu",
  "db-connections",
  "node-cpu",
  "capacity-headroom",
  "canary",
  "canary-silent",
  "watched-regions",
  "watched-regions-silent",
  "page-delivery-failed",
  "region-impaired",
  "zonal-shift-unsafe",
] as const;
export type RegionalAlarmKey = (typeof REGIONAL_ALARM_KEYS)[number];

/** Alarms a regional stack creates in us-east-1 (Route 53 metrics exist only there). */
export const DNS_ALARM_KEYS = ["out-of-rotation", "routing-control-off"] as const;
export type DnsAlarmKey = (typeof DNS_ALARM_KEYS)[number];

export type SloSli = "availability" | "latency";

/** The replication alarm of one of the environment's DynamoDB global tables (its short name in platform:dynamoTables). */
export function tableLagAlarmName(prefix: string, table: string): string {
  return `${prefix}-table-${table}-replication-lag`;
}

/** A region's alarm topics: `<prefix>-alarms` for pages, `<prefix>-tickets` for tickets. */
export function topicName(prefix: string, kind: "alarms" | "tickets"): string {
  return `${prefix}-${kind}`;
}

export function alarmName(prefix: string, key: RegionalAlarmKey | DnsAlarmKey): string {
  return `${prefix}-${key}`;
}

/** A burn-rate alarm: `<prefix>-slo-<sli>-<window>` for the composite, `-long`/`-short` for its two windows. */
export function sloAlarmName(prefix: string, sli: SloSli, window: string, part?: "long" | "short"): string {
  return `${prefix}-slo-${sli}-${window}${part ? `-${part}` : ""}`;
}

/** ARN of an alarm from its name (CloudWatch alarm ARNs are predictable: no random part). */
export function alarmArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/** Dashboard names: letters, digits, "-" and "_", at most 255 characters. */
export function dashboardName(prefix: string): string {
  const name = prefix.replace(/[^A-Za-z0-9_-]/g, "-");
  if (name.length === 0 || name.length > 255) throw new RangeError(`dashboard name "${name}" must be 1 to 255 characters`);
  return name;
}

/**
 * Canary names: lower-case letters, digits, "-" and "_". The API now takes 255 characters, but
 * runtimes before that cut at 21 (the name is part of the canary's Lambda function name), so
 * names longer than 21 are shortened with a hash that keeps them distinct.
 */
export const CANARY_NAME_MAX_LENGTH = 21;

export function canaryName(prefix: string): string {
  const name = prefix.toLowerCase().replace(/[^0-9a-z_-]/g, "-");
  if (name.length <= CANARY_NAME_MAX_LENGTH) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, CANARY_NAME_MAX_LENGTH - 7).replace(/-+$/, "")}-${hash}`;
}
