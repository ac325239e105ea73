/**
 * Refreshing data/cost/prices.json from the Price List: every entry with a `priceList` selector
 * gets, per region, the On-Demand figure of the product it selects, stamped with the offer's
 * publication date, version and SKU (origin "price-list"). Entries without a selector, and regions
 * where the selector finds nothing unambiguous, keep their figure and are reported.
 */
import type { PriceEntry, PriceTable } from "../../policies/cost/prices";
import { figureFor, OFFER_INDEX_PATH, OfferData, Product, productMatches, readOffer, Source } from "./offers";

interface OfferIndex {
  offers: Record<string, { currentVersionUrl: string; currentRegionIndexUrl?: string }>;
}
interface RegionIndex {
  regions: Record<string, { currentVersionUrl: string }>;
}

export interface RefreshReport {
  updated: string[];
  unchanged: string[];
  problems: string[];
  /** Entries that have no selector and keep their remembered figures. */
  manual: string[];
}

export interface RefreshOptions {
  /** Regions to refresh (added to the table's list). @default the table's regions */
  regions?: string[];
  /** Only entries whose key starts with one of these. */
  only?: string[];
  log?: (line: string) => void;
}

type Selected = [key: string, entry: PriceEntry & { priceList: NonNullable<PriceEntry["priceList"]> }];

/** A refreshed copy of `table` and what happened to each figure. */
export async function refreshTable(table: PriceTable, source: Source, options: RefreshOptions = {}): Promise<{ table: PriceTable; report: RefreshReport }> {
  const log = options.log ?? (() => undefined);
  const regions = options.regions ?? table.regions;
  const next: PriceTable = structuredClone(table);
  next.regions = [...new Set([...table.regions, ...regions])];
  const report: RefreshReport = { updated: [], unchanged: [], problems: [], manual: [] };
  const inScope = Object.entries(next.prices).filter(([key]) => !options.only || options.only.some((prefix) => key.startsWith(prefix)));
  const selected = inScope.filter((e): e is Selected => e[1].priceList !== undefined);
  report.manual = inScope.filter(([, e]) => !e.priceList).map(([key]) => key);

  const index = await source.json<OfferIndex>(OFFER_INDEX_PATH);
  const byOffer = new Map<string, Selected[]>();
  for (const entry of selected) byOffer.set(entry[1].priceList.offer, [...(byOffer.get(entry[1].priceList.offer) ?? []), entry]);

  for (const [code, entries] of byOffer) {
    const offerRef = index.offers[code];
    if (!offerRef) {
      report.problems.push(...entries.map(([key]) => `${key}: offer ${code} is not in the offer index`));
      continue;
    }
    const global = entries.filter(([, e]) => e.priceList.region === "global");
    const regional = entries.filter(([, e]) => e.priceList.region !== "global");
    const files: [region: string, path: string, entries: Selected[]][] = [];
    if (global.length) files.push(["global", offerRef.currentVersionUrl, global]);
    if (regional.length) {
      if (!offerRef.currentRegionIndexUrl) report.problems.push(`offer ${code} has no region index`);
      else {
        const regionIndex = await source.json<RegionIndex>(offerRef.currentRegionIndexUrl);
        for (const region of regions) {
          const ref = regionIndex.regions[region];
          if (ref) files.push([region, ref.currentVersionUrl, regional]);
          else report.problems.push(...regional.map(([key]) => `${key}: ${code} has no file for ${region}`));
        }
      }
    }
    for (const [region, path, forFile] of files) {
      log(`reading ${code} ${region} (${path})`);
      const keep = (p: Product) => forFile.some(([, e]) => productMatches(p, e.priceList, region));
      const offer: OfferData = await readOffer(source, path, keep);
      for (const [key, entry] of forFile) {
        const figure = figureFor(offer, entry.priceList, region);
        if ("problem" in figure) {
          report.problems.push(`${key} ${region}: ${figure.problem}`);
          continue;
        }
        const date = offer.publicationDate.slice(0, 10) || offer.version;
        const value = { ...(figure.tiers ? { tiers: figure.tiers } : { usd: figure.usd! }), asOf: date, source: `AWS Price List ${code} ${offer.version} ${region} SKU ${figure.sku}`, origin: "price-list" as const, confidence: "high" as const };
        const before = JSON.stringify(entry.regions[region] ?? null);
        const previous = entry.regions[region];
        const previousUsd = typeof previous === "number" ? previous : previous?.usd;
        entry.regions[region] = value;
        (previousUsd === figure.usd && figure.usd !== undefined ? report.unchanged : report.updated).push(`${key} ${region}: ${before} → ${figure.tiers ? JSON.stringify(figure.tiers) : figure.usd}`);
      }
    }
  }
  const dates = Object.values(next.prices).flatMap((e) => Object.values(e.regions).map((v) => (typeof v === "number" ? e.asOf : v.asOf ?? e.asOf)));
  next.asOf = dates.sort().at(-1) ?? next.asOf;
  const refreshedAll = report.manual.length === 0 && report.problems.length === 0;
  if (report.updated.length + report.unchanged.length > 0) next.origin = refreshedAll ? "price-list" : "price-list and knowledge (see each figure's origin)";
  return { table: next, report };
}
