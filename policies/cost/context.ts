/** What a pricing rule may ask while it prices one resource. */
import type { ResourceLookup } from "./lookup";
import type { UsageKey } from "./usage";

export interface PricingContext {
  hoursPerMonth: number;
  /** The region the resource is reported under: a region code, or "global" for global services. */
  region: string;
  /** An assumption's value in this region (or another one, for replicas). */
  usage(key: UsageKey, region?: string): number;
  /** A figure of unit "ratio" from the price table (I/O-Optimized uplift, Valkey discount); null when missing. */
  ratio(key: string, region?: string): number | null;
  /** First-tier price of a key in this region; null when the table has none. */
  unitPrice(key: string, region?: string): number | null;
  lookup: ResourceLookup;
}
