/**
 * The monthly estimate: every resource through its pricing rule, every charge priced from the
 * table in its region, at desired capacity (baseline) and with every pool at its maximum
 * (ceiling: the failover case, where survivors carry a lost region's load). A charge the table
 * has no figure for makes its resource unpriced for that item — reported, never counted as zero.
 */
import type { PricingContext } from "./context";
import { ResourceLookup } from "./lookup";
import type { Charge, CostEstimate, CostFigures, CostLine, CostResource, PoolFigure, Quantity, UnpricedResource } from "./model";
import { GLOBAL, PriceTable, priceFigure, priceQuantity } from "./prices";
import { classify, isGlobalService } from "./pricing";
import { usageValue, type Usage } from "./usage";

/** Where a resource's cost is reported: "global" for global services, else its region. */
export function costRegion(r: Pick<CostResource, "type" | "region">): string {
  return isGlobalService(r.type) ? GLOBAL : r.region ?? "unknown";
}

const asQuantity = (q: number | Quantity): Quantity => (typeof q === "number" ? { baseline: q, ceiling: q } : q);

function contextFor(region: string, table: PriceTable, usage: Usage, lookup: ResourceLookup): PricingContext {
  return {
    hoursPerMonth: table.hoursPerMonth,
    region,
    lookup,
    usage: (key, where = region) => usageValue(usage, key, where),
    ratio: (key, where = region) => {
      const figure = priceFigure(table, key, where);
      return figure && figure.unit === "ratio" ? figure.tiers[0].usd : null;
    },
    unitPrice: (key, where = region) => priceFigure(table, key, where)?.tiers[0].usd ?? null,
  };
}

function priceCharge(r: CostResource, charge: Charge, region: string, table: PriceTable): CostLine | UnpricedResource {
  const where = charge.pricingRegion ?? region;
  const figure = priceFigure(table, charge.item, where);
  if (!figure) {
    const known = table.prices[charge.item];
    const reason = known ? `no ${charge.item} price for ${where} in the price table (it has ${Object.keys(known.regions).join(", ")})` : `${charge.item} is not in the price table`;
    return { urn: r.urn, type: r.type, name: r.name, stack: r.stack, region: where, reason: `${charge.what}: ${reason}` };
  }
  const quantity = asQuantity(charge.quantity);
  const factor = charge.factor ?? 1;
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    stack: r.stack,
    region: where,
    item: charge.item,
    what: charge.what,
    kind: charge.kind,
    unit: figure.unit,
    quantity,
    unitUsd: figure.tiers[0].usd * factor,
    baselineUsd: priceQuantity(figure.tiers, quantity.baseline) * factor,
    ceilingUsd: priceQuantity(figure.tiers, quantity.ceiling) * factor,
    assumptions: [...new Set(charge.assumptions ?? [])],
    price: { asOf: figure.asOf, source: figure.source, origin: figure.origin, confidence: figure.confidence },
  };
}

export function estimateCost(resources: readonly CostResource[], table: PriceTable, usage: Usage): CostEstimate {
  const lookup = new ResourceLookup(resources);
  const lines: CostLine[] = [];
  const unpriced: UnpricedResource[] = [];
  const free = new Map<string, { type: string; count: number; reason: string }>();
  const pools: PoolFigure[] = [];
  const notes: CostEstimate["notes"] = [];
  for (const r of resources) {
    const region = costRegion(r);
    const kind = classify(r.type);
    const pricing = "rule" in kind ? kind.rule(r, contextFor(region, table, usage, lookup)) : kind;
    if ("free" in pricing) {
      const key = `${r.type}|${pricing.free}`;
      free.set(key, { type: r.type, reason: pricing.free, count: (free.get(key)?.count ?? 0) + 1 });
      continue;
    }
    if ("unpriced" in pricing) {
      unpriced.push({ urn: r.urn, type: r.type, name: r.name, stack: r.stack, region, reason: pricing.unpriced });
      continue;
    }
    for (const charge of pricing.charges) {
      const priced = priceCharge(r, charge, region, table);
      if ("reason" in priced) unpriced.push(priced);
      else lines.push(priced);
    }
    for (const message of pricing.notes ?? []) notes.push({ urn: r.urn, message: `${r.name}: ${message}` });
    if (pricing.pool) pools.push({ urn: r.urn, name: r.name, stack: r.stack, region, ...pricing.pool });
  }
  return { hoursPerMonth: table.hoursPerMonth, lines, unpriced, free: [...free.values()].sort((a, b) => a.type.localeCompare(b.type)), pools, notes };
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

export function figuresOf(lines: readonly CostLine[]): CostFigures {
  const sum = (pick: (l: CostLine) => number) => lines.reduce((total, l) => total + pick(l), 0);
  return {
    baselineUsd: cents(sum((l) => l.baselineUsd)),
    ceilingUsd: cents(sum((l) => l.ceilingUsd)),
    fixedUsd: cents(sum((l) => (l.kind === "fixed" ? l.baselineUsd : 0))),
    usageUsd: cents(sum((l) => (l.kind === "usage" ? l.baselineUsd : 0))),
  };
}

/** Totals per key (stack, region, type), in first-seen order unless sorted by the caller. */
export function groupFigures(lines: readonly CostLine[], keyOf: (l: CostLine) => string): Map<string, CostFigures & { lines: number }> {
  const groups = new Map<string, CostLine[]>();
  for (const line of lines) groups.set(keyOf(line), [...(groups.get(keyOf(line)) ?? []), line]);
  return new Map([...groups].map(([key, group]) => [key, { ...figuresOf(group), lines: group.length }]));
}
