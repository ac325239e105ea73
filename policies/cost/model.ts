/**
 * What the estimate reads and what it produces. The input is a plain view of a resource that both
 * the plan (recorded resources) and the policy pack (PolicyResource) can build, so one pure
 * function prices both.
 */
import type { Confidence } from "./prices";
import type { UsageKey } from "./usage";

export interface CostResource {
  urn: string;
  type: string;
  name: string;
  /** The stack the resource belongs to ("" when unknown, as in the policy pack). */
  stack: string;
  /** Effective AWS region, null when it has none. */
  region: string | null;
  /** Inputs as the provider receives them (the pack passes outputs to stack policies: a superset). */
  inputs: Record<string, unknown>;
  /** Values other resources may use to refer to this one: id, ARN, name. */
  ids: string[];
  /** Input name → URNs its value came from (the engine's property dependencies), when known. */
  dependencies: Record<string, string[]>;
}

export type CostKind = "fixed" | "usage";

/** A quantity per month in the price's unit: at desired capacity and with every pool at its maximum. */
export interface Quantity {
  baseline: number;
  ceiling: number;
}

/** What a pricing rule asks for: a price key, how much of it, and why. */
export interface Charge {
  item: string;
  /** What is charged, for reports: "6 × m7i.2xlarge On-Demand". */
  what: string;
  kind: CostKind;
  quantity: number | Quantity;
  /** Multiplies the price (Spot discount, I/O-Optimized uplift, Valkey discount). */
  factor?: number;
  /** Assumptions the quantity or factor came from. */
  assumptions?: UsageKey[];
  /** Price in this pricing region instead of the resource's (e.g. "global"). */
  pricingRegion?: string;
}

/** A resource's result from its pricing rule: charges, no charge (with the reason), or no rule. */
export type Pricing = { charges: Charge[]; notes?: string[]; pool?: PoolShape } | { free: string } | { unpriced: string };

export interface CostLine {
  urn: string;
  type: string;
  name: string;
  stack: string;
  /** Where the cost is reported: the resource's region, or "global" for global services. */
  region: string;
  item: string;
  what: string;
  kind: CostKind;
  unit: string;
  quantity: Quantity;
  /** First-tier unit price × factor (informative; tiers apply in the totals). */
  unitUsd: number;
  baselineUsd: number;
  ceilingUsd: number;
  assumptions: UsageKey[];
  price: { asOf: string; source: string; origin: "knowledge" | "price-list"; confidence: Confidence };
}

export interface UnpricedResource {
  urn: string;
  type: string;
  name: string;
  stack: string;
  region: string;
  reason: string;
}

/** A node pool's purchase split, at desired capacity and at its maximum. */
export interface PoolFigure {
  urn: string;
  name: string;
  stack: string;
  region: string;
  kind: "autoscaling" | "managed";
  desired: number;
  max: number;
  baseline: { onDemand: number; spot: number; spotPercent: number };
  ceiling: { onDemand: number; spot: number; spotPercent: number };
}

export type PoolShape = Omit<PoolFigure, "urn" | "name" | "stack" | "region">;

export interface CostEstimate {
  hoursPerMonth: number;
  lines: CostLine[];
  unpriced: UnpricedResource[];
  /** Billable-looking resources that cost nothing of their own, by type, with the reason. */
  free: { type: string; count: number; reason: string }[];
  pools: PoolFigure[];
  notes: { urn: string; message: string }[];
}

/** Totals of a group of lines. `fixedUsd + usageUsd = baselineUsd`; usage is the same at the ceiling. */
export interface CostFigures {
  baselineUsd: number;
  ceilingUsd: number;
  fixedUsd: number;
  usageUsd: number;
}
