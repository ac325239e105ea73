/**
 * The price table (data/cost/prices.json): one entry per billable unit ("ec2.instance.m7i.xlarge",
 * "vpc.nat-gateway.gb"), each with its unit, source, date, origin (`knowledge` = written from
 * the public price pages without fetching them; `price-list` = refreshed from the AWS Price List
 * bulk files) and confidence, and a figure per region. A region value may carry its own source,
 * date and confidence (what the refresh script writes per SKU). `any` is a figure that holds in
 * every region; `global` is the price of a global service (Route 53, ARC, CloudFront).
 *
 * Pure: the table is read and validated here, never cached (no module state); callers pass it on.
 */
import { existsSync, readFileSync } from "fs";
import { join, relative } from "path";
import { z } from "zod";

export const DEFAULT_PRICE_FILE = join(__dirname, "..", "..", "data", "cost", "prices.json");
/** The pricing "region" of global services (Route 53, ARC, CloudFront). */
export const GLOBAL = "global";
/** A figure that holds in every region. */
export const ANY_REGION = "any";

const confidence = z.enum(["high", "medium", "low"]);
const origin = z.enum(["knowledge", "price-list"]);
const tier = z.object({ upTo: z.number().positive().nullable(), usd: z.number().nonnegative() }).strict();
const figure = z.union([
  z.number().nonnegative(),
  z
    .object({
      usd: z.number().nonnegative().optional(),
      tiers: z.array(tier).min(1).optional(),
      confidence: confidence.optional(),
      asOf: z.string().min(1).optional(),
      source: z.string().min(1).optional(),
      origin: origin.optional(),
    })
    .strict()
    .refine((f) => (f.usd === undefined) !== (f.tiers === undefined), { message: "give either usd or tiers" })
    .refine((f) => !f.tiers || f.tiers.every((t, i, all) => (i === all.length - 1 ? t.upTo === null : t.upTo !== null && (i === 0 || t.upTo > all[i - 1].upTo!))), {
      message: "tiers must rise, and only the last may have upTo: null",
    }),
]);
const selector = z
  .object({
    offer: z.string().min(1),
    attributes: z.record(z.string(), z.string()),
    unit: z.string().min(1),
    /** Price List unit → table unit (e.g. 1000000 when the list prices one request and the table a million). */
    scale: z.number().positive().optional(),
    /** "global" for offers without regional files (Route 53). */
    region: z.string().optional(),
  })
  .strict();
const entry = z
  .object({
    unit: z.string().min(1),
    description: z.string().min(1),
    source: z.string().min(1),
    asOf: z.string().min(1),
    origin,
    confidence,
    regions: z.record(z.string(), figure).refine((r) => Object.keys(r).length > 0, { message: "needs at least one region" }),
    priceList: selector.optional(),
  })
  .strict();
const tableSchema = z
  .object({
    version: z.literal(1),
    currency: z.literal("USD"),
    hoursPerMonth: z.number().positive(),
    asOf: z.string().min(1),
    origin: z.string().min(1),
    note: z.string().optional(),
    regions: z.array(z.string()),
    prices: z.record(z.string(), entry),
  })
  .strict();

export type PriceTable = z.infer<typeof tableSchema>;
export type PriceEntry = z.infer<typeof entry>;
export type PriceSelector = z.infer<typeof selector>;
export type Confidence = z.infer<typeof confidence>;
export interface Tier {
  /** Upper end of the tier in the entry's unit (per month); null = no end. */
  upTo: number | null;
  usd: number;
}

/** One price as used: the entry's figure for a region, with where it came from. */
export interface PriceFigure {
  key: string;
  /** The region key that matched: a region code, "any" or "global". */
  region: string;
  unit: string;
  /** Flat prices have one tier with upTo null. */
  tiers: Tier[];
  source: string;
  asOf: string;
  origin: "knowledge" | "price-list";
  confidence: Confidence;
}

export class PriceTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PriceTableError";
  }
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
}

/** Validates a parsed price table; every problem names its path, e.g. `prices.eks.cluster.hour.regions.us-east-1`. */
export function parsePriceTable(document: unknown, source = "the price table"): PriceTable {
  const result = tableSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 8).map((i) => `  - ${issuePath(i.path) || "(top level)"}: ${i.message}`);
    throw new PriceTableError(`${source} is not a valid price table:\n${problems.join("\n")}\nFix it by hand or run \`npm run prices:refresh\` (docs/cost.md).`);
  }
  return result.data;
}

export function loadPriceTable(file = DEFAULT_PRICE_FILE): PriceTable {
  const shown = relative(process.cwd(), file) || file;
  if (!existsSync(file)) throw new PriceTableError(`${shown} does not exist; the cost estimate needs the price table (docs/cost.md)`);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PriceTableError(`${shown} is not valid JSON (${(error as Error).message})`);
  }
  return parsePriceTable(document, shown);
}

/** The figure of `key` for `region` (a region code or "global"): the region's own, else "any". */
export function priceFigure(table: PriceTable, key: string, region: string): PriceFigure | null {
  const found = table.prices[key];
  if (!found) return null;
  const matched = region in found.regions ? region : ANY_REGION in found.regions ? ANY_REGION : null;
  if (matched === null) return null;
  const value = found.regions[matched];
  const own = typeof value === "number" ? { usd: value } : value;
  const tiers: Tier[] = own.tiers ? own.tiers.map((t) => ({ upTo: t.upTo, usd: t.usd })) : [{ upTo: null, usd: own.usd! }];
  return {
    key,
    region: matched,
    unit: found.unit,
    tiers,
    source: own.source ?? found.source,
    asOf: own.asOf ?? found.asOf,
    origin: own.origin ?? found.origin,
    confidence: own.confidence ?? found.confidence,
  };
}

/** Monthly cost of `quantity` units at a (possibly tiered) price; tiers apply to this quantity alone. */
export function priceQuantity(tiers: readonly Tier[], quantity: number): number {
  let cost = 0;
  let floor = 0;
  for (const t of tiers) {
    const ceiling = t.upTo ?? Infinity;
    if (quantity <= floor) break;
    cost += (Math.min(quantity, ceiling) - floor) * t.usd;
    floor = ceiling;
  }
  return cost;
}
