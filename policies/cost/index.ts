/**
 * The cost model: pure functions that price resources from a price table and usage assumptions.
 * It lives under policies/ so that both the policy pack (budget, Spot share, retention and
 * cold-storage rules) and the offline plan (tools/plan/cost) can import it without a layer
 * importing upward; it imports nothing from Pulumi.
 */
export { purchaseSplit, allSpot, type PurchaseSplit } from "./capacity";
export { costChange, type CostChange, type ChangeThresholds } from "./change";
export { costRegion, estimateCost, figuresOf, groupFigures } from "./estimate";
export { dollars, groupThousands } from "./money";
export { rightSizingHints, type Hint, type HintSettings } from "./hints";
export { COLD_CLASSES, BUCKET_TYPES, LIFECYCLE_TYPES, daysInStandard, summarizeLifecycle } from "./lifecycle";
export type { CostEstimate, CostFigures, CostLine, CostResource, PoolFigure, UnpricedResource } from "./model";
export { classify, FREE, isGlobalService, PRICED } from "./pricing";
export { DEFAULT_PRICE_FILE, GLOBAL, loadPriceTable, parsePriceTable, priceFigure, priceQuantity, PriceTableError, type PriceEntry, type PriceTable } from "./prices";
export { DEFAULT_USAGE_FILE, loadUsage, parseUsage, USAGE_KEYS, usageValue, UsageFileError, type Usage, type UsageKey } from "./usage";
