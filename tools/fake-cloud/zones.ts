/**
 * The fake cloud's availability zones: AZ names and zone IDs for the regions it knows.
 *
 * AWS maps names to zone IDs per account, so no map is "the" map. This is ONE example account's
 * mapping, shuffled the way real accounts are (us-east-1a is rarely use1-az1), so a program that
 * chooses by name and one that chooses by ID visibly differ in the plan. us-east-1 lists use1-az3,
 * the zone EKS refuses, so the plan shows it being skipped. Regions without an explicit entry map
 * their name suffixes to IDs in order; regions outside components/lib/regions.ts are unknown and
 * get no zones (with a warning saying so).
 */
import { AWS_REGIONS } from "../../components/lib/regions";
import { ZONE_ID_PREFIXES } from "../../components/lib/zones";

/** Name suffix → zone number, for the regions where the example account is shuffled. */
const EXAMPLE_ACCOUNT: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "us-east-1": { a: 4, b: 6, c: 1, d: 2, e: 3, f: 5 },
  "us-east-2": { a: 1, b: 2, c: 3 },
  // New accounts see two us-west-1 zones; usw1-az2 (EKS refuses it) is not offered to them.
  "us-west-1": { b: 3, c: 1 },
  "us-west-2": { a: 2, b: 1, c: 3, d: 4 },
  "eu-west-1": { a: 3, b: 1, c: 2 },
  "eu-central-1": { a: 2, b: 3, c: 1 },
  "ca-central-1": { a: 1, b: 2, d: 4 },
  "ap-northeast-1": { a: 4, c: 1, d: 2 },
  "ap-southeast-2": { a: 1, b: 3, c: 2 },
};

export interface FakeZones {
  readonly names: string[];
  readonly zoneIds: string[];
}

/** The example account's zones of `region` in name order; empty for a region the fake cloud does not know. */
export function fakeZones(region: string): FakeZones {
  const suffixes = AWS_REGIONS[region];
  const prefix = ZONE_ID_PREFIXES[region];
  if (!suffixes || !prefix) {
    console.warn(`fake cloud: no availability zones known for region ${region} (add it to components/lib/regions.ts and zones.ts); answering none`);
    return { names: [], zoneIds: [] };
  }
  const numbers = EXAMPLE_ACCOUNT[region];
  return {
    names: suffixes.map((s) => `${region}${s}`),
    zoneIds: suffixes.map((s, i) => `${prefix}-az${numbers?.[s] ?? i + 1}`),
  };
}

/** Zone ID of an AZ name in the example account, or undefined. */
export function zoneIdOf(region: string, name: unknown): string | undefined {
  const zones = fakeZones(region);
  const i = typeof name === "string" ? zones.names.indexOf(name) : -1;
  return i >= 0 ? zones.zoneIds[i] : undefined;
}

/** AZ name of a zone ID in the example account, or undefined. */
export function zoneNameOf(region: string, zoneId: unknown): string | undefined {
  const zones = fakeZones(region);
  const i = typeof zoneId === "string" ? zones.zoneIds.indexOf(zoneId) : -1;
  return i >= 0 ? zones.names[i] : undefined;
}
