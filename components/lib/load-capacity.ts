/**
 * "Simulate 10× today's peak: where does the system fail?" as arithmetic: how many nodes a
 * multiple of today's peak needs, whether the node pools' maxima (the Auto Scaling groups'
 * `maxSize`) allow it, and which ceiling is reached first as load grows. The load test
 * (`npm run loadtest`) is how the answer is checked against the real system; this is the answer
 * the plan can give before anything runs.
 *
 * The model is linear and says so: nodes and replicas grow in proportion to load, and today's
 * peak is spread evenly over the regions (latency routing sends each region its own users, so
 * an uneven split shows up as one region hitting its ceiling earlier than the figure says).
 * Not modelled: account quotas (EC2 vCPUs, which only the account knows), the database, and
 * anything outside the node pools and the service's autoscaler.
 */

export interface LoadCapacityInput {
  /** The load tested, as a multiple of today's peak (`loadPeakMultiplier`). */
  readonly multiplier: number;
  /** Nodes the environment runs at today's peak, all regions together. */
  readonly peakNodes: number;
  /** Each serving region's node-pool maximum (sum of its pools' `maxSize`). */
  readonly regions: readonly { readonly region: string; readonly maxNodes: number }[];
  /** The service per region: replicas at today's peak and the autoscaler's maximum. */
  readonly service?: { readonly peakReplicas: number; readonly maxReplicas: number };
}

export type LoadLimit = "node-pool-maximum" | "service-autoscaler-maximum";

export interface LoadCeiling {
  readonly limit: LoadLimit;
  /** The region that reaches it first; null when every region does at once (the service's autoscaler). */
  readonly region: string | null;
  /** Multiple of today's peak at which the limit is reached (two decimals). */
  readonly atMultiple: number;
  readonly detail: string;
}

export interface LoadCapacity {
  readonly multiplier: number;
  readonly peakNodes: number;
  /** Nodes the multiple needs, all regions together and per region. */
  readonly requiredNodes: number;
  readonly requiredNodesByRegion: Readonly<Record<string, number>>;
  readonly maxNodes: number;
  /** Every region's node-pool maximum holds its share of the multiple. */
  readonly maximumAllows: boolean;
  /** Replicas per region the multiple needs; null without a service. */
  readonly requiredReplicas: number | null;
  /** Limits in the order load reaches them. */
  readonly ceilings: readonly LoadCeiling[];
  /** The first limit below the tested multiple; null when the multiple fits. */
  readonly firstToFail: LoadCeiling | null;
  /**
   * Up to which multiple of today's peak the regions left after losing the largest still hold
   * the whole load; null with fewer than two regions.
   */
  readonly regionLossAbsorbedUpTo: number | null;
  /** The answer in one sentence. */
  readonly answer: string;
}

const round2 = (n: number) => Math.floor(n * 100) / 100;

function positive(value: number, field: string, fix: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${field} is ${value}: ${fix}`);
}

/** The capacity answer for `multiplier` × today's peak. */
export function loadCapacity(input: LoadCapacityInput): LoadCapacity {
  positive(input.multiplier, "loadPeakMultiplier", "give the load to test as a multiple of today's peak, e.g. 10");
  positive(input.peakNodes, "peak nodes", "set globalPeakNodes to the nodes the environment runs at today's peak");
  if (input.regions.length === 0) throw new RangeError("no region with a node pool: the capacity at a multiple of today's peak needs each region's node-pool maximum");
  if (input.service) {
    positive(input.service.peakReplicas, "peakServiceReplicas", "set it to the service's replicas per region at today's peak (0 = serviceReplicas)");
    positive(input.service.maxReplicas, "serviceMaxReplicas", "set the autoscaler's maximum replicas per region");
  }
  const { multiplier, peakNodes, regions } = input;
  const share = peakNodes / regions.length;
  const requiredNodesByRegion = Object.fromEntries(regions.map((r) => [r.region, Math.ceil(share * multiplier)]));
  const requiredNodes = Object.values(requiredNodesByRegion).reduce((a, b) => a + b, 0);
  const maxNodes = regions.reduce((sum, r) => sum + r.maxNodes, 0);
  const maximumAllows = regions.every((r) => r.maxNodes >= requiredNodesByRegion[r.region]);

  const ceilings: LoadCeiling[] = [];
  const tightest = regions.reduce((a, b) => (b.maxNodes < a.maxNodes ? b : a));
  ceilings.push({
    limit: "node-pool-maximum",
    region: tightest.region,
    atMultiple: round2(tightest.maxNodes / share),
    detail: `${tightest.region}'s node pools stop at ${tightest.maxNodes} nodes (its share of today's peak is ${round2(share)})`,
  });
  let requiredReplicas: number | null = null;
  if (input.service) {
    const { peakReplicas, maxReplicas } = input.service;
    requiredReplicas = Math.ceil(peakReplicas * multiplier);
    ceilings.push({
      limit: "service-autoscaler-maximum",
      region: null,
      atMultiple: round2(maxReplicas / peakReplicas),
      detail: `the service's autoscaler stops at ${maxReplicas} replicas per region (${peakReplicas} at today's peak)`,
    });
  }
  ceilings.sort((a, b) => a.atMultiple - b.atMultiple || a.limit.localeCompare(b.limit));
  const firstToFail = ceilings.find((c) => c.atMultiple < multiplier) ?? null;

  let regionLossAbsorbedUpTo: number | null = null;
  if (regions.length >= 2) {
    const largest = Math.max(...regions.map((r) => r.maxNodes));
    regionLossAbsorbedUpTo = round2((maxNodes - largest) / peakNodes);
  }

  const need = `${multiplier}× today's peak (${peakNodes} nodes) needs ${requiredNodes} nodes (${Object.values(requiredNodesByRegion)[0]} per region)`;
  const allows = maximumAllows ? `the node pools' maximum (${maxNodes}) allows it` : `the node pools' maximum (${maxNodes}) does NOT allow it`;
  const order = ceilings.map((c) => `${c.limit} at ${c.atMultiple}×`).join(", then ");
  const first = firstToFail ? `first to fail: ${firstToFail.detail}, at ${firstToFail.atMultiple}×` : `no modelled limit is reached below ${multiplier}× (${order})`;
  const loss = regionLossAbsorbedUpTo === null ? "" : `; a region loss is absorbed up to ${regionLossAbsorbedUpTo}×`;
  return {
    multiplier,
    peakNodes,
    requiredNodes,
    requiredNodesByRegion,
    maxNodes,
    maximumAllows,
    requiredReplicas,
    ceilings,
    firstToFail,
    regionLossAbsorbedUpTo,
    answer: `${need}; ${allows}; ${first}${firstToFail && ceilings.length > 1 ? ` (order: ${order})` : ""}${loss}`,
  };
}
