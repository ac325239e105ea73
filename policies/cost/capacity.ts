/**
 * How a node pool's capacity splits between On-Demand and Spot (EC2 Auto Scaling mixed instances
 * policies, EKS managed node groups). Pure arithmetic.
 */

export interface PurchaseSplit {
  onDemand: number;
  spot: number;
  /** Spot share of the capacity, 0 to 100. */
  spotPercent: number;
}

/**
 * The split at `capacity` instances: the On-Demand base first, then `onDemandPercentAboveBase`
 * percent of the rest On-Demand. A fraction of an instance is rounded to On-Demand (the estimate
 * errs towards the dearer purchase option, as Auto Scaling keeps at least that share On-Demand).
 */
export function purchaseSplit(capacity: number, onDemandBase: number, onDemandPercentAboveBase: number): PurchaseSplit {
  const total = Math.max(0, Math.floor(capacity));
  const base = Math.min(total, Math.max(0, onDemandBase));
  const above = total - base;
  const percent = Math.min(100, Math.max(0, onDemandPercentAboveBase));
  // 1e-9: 50% of 3 must round up to 2, and 50% of 4 must stay exactly 2.
  const onDemandAbove = Math.min(above, Math.ceil((above * percent) / 100 - 1e-9));
  const spot = above - onDemandAbove;
  return { onDemand: base + onDemandAbove, spot, spotPercent: total === 0 ? 0 : (spot / total) * 100 };
}

/** Every instance Spot (a managed node group with capacityType SPOT). */
export function allSpot(capacity: number): PurchaseSplit {
  const total = Math.max(0, Math.floor(capacity));
  return { onDemand: 0, spot: total, spotPercent: total === 0 ? 0 : 100 };
}
