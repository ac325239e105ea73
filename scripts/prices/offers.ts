/**
 * Reading the AWS Price List bulk files (offer index → per-offer region index → per-region offer
 * file, https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/...) and turning the On-Demand
 * terms of the products a price-table entry selects into figures. The matching and extraction are
 * pure; offer files are streamed (EC2's regional file is gigabytes), keeping only what matches.
 */
import { createReadStream, existsSync } from "fs";
import { join } from "path";
import { Readable } from "stream";
import { parser } from "stream-json";
import { pick } from "stream-json/filters/Pick";
import { streamValues } from "stream-json/streamers/StreamValues";
import type { PriceSelector } from "../../policies/cost/prices";

export const PRICE_LIST_ENDPOINT = "https://pricing.us-east-1.amazonaws.com";
export const OFFER_INDEX_PATH = "/offers/v1.0/aws/index.json";

export interface Product {
  sku: string;
  productFamily?: string;
  attributes: Record<string, string>;
}
export interface PriceDimension {
  unit: string;
  beginRange?: string;
  endRange?: string;
  description?: string;
  pricePerUnit: Record<string, string>;
}
/** One offer file, reduced to what the selectors asked for. */
export interface OfferData {
  offerCode: string;
  version: string;
  publicationDate: string;
  products: Product[];
  /** SKU → its On-Demand price dimensions. */
  onDemand: Map<string, PriceDimension[]>;
}

export interface Figure {
  usd?: number;
  tiers?: { upTo: number | null; usd: number }[];
  sku: string;
}

/** `*` matches any run of characters; everything else literally. */
export function globMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(value);
}

export function productMatches(product: Product, selector: PriceSelector, region: string): boolean {
  if (region !== "global" && product.attributes.regionCode !== undefined && product.attributes.regionCode !== region) return false;
  return Object.entries(selector.attributes).every(([key, pattern]) => globMatches(pattern, key === "productFamily" ? product.productFamily : product.attributes[key]));
}

/** The figure of the one product the selector picks, in the table's unit; an error message otherwise. */
export function figureFor(offer: OfferData, selector: PriceSelector, region: string): Figure | { problem: string } {
  const matches = offer.products.filter((p) => productMatches(p, selector, region) && offer.onDemand.has(p.sku));
  if (matches.length === 0) return { problem: `no product of ${offer.offerCode} in ${region} matches ${JSON.stringify(selector.attributes)}` };
  const scale = selector.scale ?? 1;
  const figures = matches.map((p): Figure | { problem: string } => {
    const dimensions = offer.onDemand.get(p.sku)!.filter((d) => d.pricePerUnit.USD !== undefined);
    const wrongUnit = dimensions.find((d) => d.unit.toLowerCase() !== selector.unit.toLowerCase());
    if (dimensions.length === 0) return { problem: `${p.sku} has no USD On-Demand price` };
    if (wrongUnit) return { problem: `${p.sku} is priced per ${wrongUnit.unit}, the entry expects ${selector.unit}` };
    const sorted = [...dimensions].sort((a, b) => Number(a.beginRange ?? 0) - Number(b.beginRange ?? 0));
    const usd = (d: PriceDimension) => Math.round(Number(d.pricePerUnit.USD) * scale * 1e10) / 1e10;
    if (sorted.length === 1) return { usd: usd(sorted[0]), sku: p.sku };
    return { sku: p.sku, tiers: sorted.map((d) => ({ upTo: d.endRange === undefined || d.endRange === "Inf" ? null : Number(d.endRange) / scale, usd: usd(d) })) };
  });
  const problem = figures.find((f): f is { problem: string } => "problem" in f);
  if (problem) return problem;
  const distinct = new Set(figures.map((f) => JSON.stringify({ ...f, sku: undefined })));
  if (distinct.size > 1) return { problem: `${matches.length} products match with different prices (${matches.map((p) => p.sku).join(", ")}); narrow the selector` };
  return figures[0] as Figure;
}

// --- reading ------------------------------------------------------------------------------------

/** A Price List location: the public endpoint, or a directory laid out like it (tests, mirrors). */
export interface Source {
  json<T>(path: string): Promise<T>;
  stream(path: string): Promise<NodeJS.ReadableStream>;
}

export function sourceAt(location: string): Source {
  if (/^https?:\/\//.test(location)) {
    const get = async (path: string) => {
      const response = await fetch(new URL(path, location));
      if (!response.ok || !response.body) throw new Error(`GET ${new URL(path, location)}: HTTP ${response.status}`);
      return response;
    };
    return {
      json: async <T>(path: string) => (await (await get(path)).json()) as T,
      stream: async (path: string) => Readable.fromWeb((await get(path)).body! as import("stream/web").ReadableStream<Uint8Array>),
    };
  }
  const file = (path: string) => {
    const full = join(location, path);
    if (!existsSync(full)) throw new Error(`${full} does not exist; the directory must mirror the Price List layout (${OFFER_INDEX_PATH} ...)`);
    return full;
  };
  return {
    json: async <T>(path: string) => JSON.parse(await import("fs/promises").then((fs) => fs.readFile(file(path), "utf8"))) as T,
    stream: async (path: string) => createReadStream(file(path)),
  };
}

/** Streams an offer file, keeping the products `keep` accepts and their On-Demand terms. */
export async function readOffer(source: Source, path: string, keep: (p: Product) => boolean): Promise<OfferData> {
  const offer: OfferData = { offerCode: "", version: "", publicationDate: "", products: [], onDemand: new Map() };
  const wanted = new Set<string>();
  // Terms seen before any product (AWS writes products first, but the format does not promise it).
  const early = new Map<string, PriceDimension[]>();
  let sawProducts = false;
  const input = await source.stream(path);
  const values = input.pipe(parser()).pipe(pick({ filter: /^(offerCode|version|publicationDate|products\.[^.]+|terms\.OnDemand\.[^.]+)$/ })).pipe(streamValues());
  for await (const { value } of values as AsyncIterable<{ value: unknown }>) {
    if (typeof value === "string") {
      if (/^\d{14}$/.test(value)) offer.version = value;
      else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) offer.publicationDate = value;
      else offer.offerCode = value;
      continue;
    }
    const record = value as Record<string, unknown>;
    if ("attributes" in record && typeof record.sku === "string") {
      sawProducts = true;
      const product = record as unknown as Product;
      if (keep(product)) {
        offer.products.push(product);
        wanted.add(product.sku);
      }
      continue;
    }
    // terms.OnDemand.<sku>: { "<sku>.<offer term>": { sku, priceDimensions: { ... } } }
    for (const term of Object.values(record) as { sku?: string; priceDimensions?: Record<string, PriceDimension> }[]) {
      if (!term?.sku || !term.priceDimensions) continue;
      const target = wanted.has(term.sku) ? offer.onDemand : sawProducts ? null : early;
      target?.set(term.sku, [...(target.get(term.sku) ?? []), ...Object.values(term.priceDimensions)]);
    }
  }
  for (const [sku, dimensions] of early) if (wanted.has(sku)) offer.onDemand.set(sku, dimensions);
  return offer;
}
