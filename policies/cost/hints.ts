/**
 * Right-sizing hints: where the plan can tell that capacity exceeds what the environment's own
 * figures ask for. Suggestions with the saving they would bring, never findings: the assumption
 * behind each is named so a reviewer can reject it.
 */
import type { CostEstimate, CostLine, CostResource } from "./model";
import { auroraRole, AURORA_CLUSTER, AURORA_INSTANCE } from "./pricing/database";
import type { PriceTable } from "./prices";
import { priceFigure } from "./prices";
import { ResourceLookup, str } from "./lookup";
import { dollars } from "./money";
import { usageValue, type Usage } from "./usage";

export type HintKind = "node-max-above-need" | "aurora-instances-above-read-load" | "aurora-io-optimized";

export interface Hint {
  kind: HintKind;
  region: string;
  urn: string | null;
  message: string;
  /** Monthly saving if followed, at desired capacity and at the ceiling. */
  savingsUsd: { baseline: number; ceiling: number };
}

export interface HintSettings {
  /** Nodes the environment needs at peak (globalPeakNodes); null when not configured. */
  peakNodes: number | null;
  /** A pool's maximum is "far above" the need when it exceeds it by this share. @default 25 */
  slackPercent?: number;
}

const cents = (n: number) => Math.round(n * 100) / 100;
const costOf = (lines: readonly CostLine[], urns: ReadonlySet<string>, pick: (l: CostLine) => number) => lines.filter((l) => urns.has(l.urn)).reduce((sum, l) => sum + pick(l), 0);

/**
 * Node pools: after losing one region, each survivor must carry the peak (or, without one, the
 * environment's desired capacity) over the others. A region whose pools can scale far beyond
 * that share pays for the excess only at the ceiling — and exposes the budget to runaway scaling.
 */
function nodeHints(estimate: CostEstimate, settings: HintSettings): Hint[] {
  const byRegion = new Map<string, typeof estimate.pools>();
  for (const pool of estimate.pools) byRegion.set(pool.region, [...(byRegion.get(pool.region) ?? []), pool]);
  const regions = byRegion.size;
  if (regions < 2) return [];
  const slack = settings.slackPercent ?? 25;
  const totalDesired = estimate.pools.reduce((sum, p) => sum + p.desired, 0);
  const load = settings.peakNodes ?? totalDesired;
  const need = Math.ceil(load / (regions - 1));
  const basis = settings.peakNodes !== null ? `the ${load}-node peak (globalPeakNodes)` : `the ${load} nodes desired across regions (no globalPeakNodes set)`;
  const hints: Hint[] = [];
  for (const [region, pools] of byRegion) {
    const max = pools.reduce((sum, p) => sum + p.max, 0);
    if (max <= need * (1 + slack / 100) || max - need < 2) continue;
    const urns = new Set(pools.map((p) => p.urn));
    const perNode = costOf(estimate.lines, urns, (l) => l.ceilingUsd) / max;
    const saving = (max - need) * perNode;
    hints.push({
      kind: "node-max-above-need",
      region,
      urn: pools[0].urn,
      message: `${region}: node pool${pools.length > 1 ? "s" : ""} ${pools.map((p) => p.name).join(", ")} can scale to ${max} nodes; after losing one of ${regions} regions each survivor needs ${need} for ${basis}. A maximum of ${need} would still cover it and lower the ceiling by about ${dollars(saving)}/month.`,
      savingsUsd: { baseline: 0, ceiling: cents(saving) },
    });
  }
  return hints;
}

function clusterInstances(cluster: CostResource, lookup: ResourceLookup): CostResource[] {
  return lookup.referencing([AURORA_INSTANCE], "clusterIdentifier", cluster, (i) => i.inputs.clusterIdentifier);
}

/** Aurora clusters with more instances than a writer (or promotable reader) plus the readers the read load assumes. */
function auroraHints(estimate: CostEstimate, resources: readonly CostResource[], usage: Usage, table: PriceTable): Hint[] {
  const lookup = new ResourceLookup(resources);
  const hints: Hint[] = [];
  for (const cluster of lookup.ofType(AURORA_CLUSTER)) {
    const region = cluster.region ?? "unknown";
    const instances = clusterInstances(cluster, lookup);
    const readers = usageValue(usage, "auroraReadersForReadLoad", region);
    // At least two instances in two AZs: a failover needs a second one.
    const need = Math.max(2, 1 + readers);
    const instanceUrns = new Set(instances.map((i) => i.urn));
    const instanceCost = costOf(estimate.lines, instanceUrns, (l) => l.baselineUsd);
    if (instances.length > need && instances.length > 0) {
      const saving = ((instances.length - need) * instanceCost) / instances.length;
      const role = auroraRole(cluster);
      hints.push({
        kind: "aurora-instances-above-read-load",
        region,
        urn: cluster.urn,
        message: `${cluster.name} (${role}) runs ${instances.length} instances; ${role === "secondary" ? "one to promote" : "the writer"} plus the ${readers} reader(s) the read load is assumed to need (auroraReadersForReadLoad) make ${need}. If that assumption holds, ${need} instances would save about ${dollars(saving)}/month.`,
        savingsUsd: { baseline: cents(saving), ceiling: cents(saving) },
      });
    }
    // AWS's guidance: I/O-Optimized pays off once I/O is about a quarter of the cluster's spend.
    const clusterLines = estimate.lines.filter((l) => l.urn === cluster.urn);
    const io = clusterLines.filter((l) => l.item === "rds.aurora.io.million").reduce((s, l) => s + l.baselineUsd, 0);
    const storage = clusterLines.find((l) => l.item === "rds.aurora.storage.gb-month");
    const uplift = priceFigure(table, "rds.aurora.io-optimized.instance-uplift", region)?.tiers[0].usd;
    const optimizedStorage = priceFigure(table, "rds.aurora.io-optimized.storage.gb-month", region)?.tiers[0].usd;
    if (io > 0 && storage && uplift !== undefined && optimizedStorage !== undefined && str(cluster.inputs.storageType) !== "aurora-iopt1") {
      const standard = instanceCost + storage.baselineUsd + io;
      const optimized = instanceCost * uplift + storage.quantity.baseline * optimizedStorage;
      if (optimized < standard - 1) {
        hints.push({
          kind: "aurora-io-optimized",
          region,
          urn: cluster.urn,
          message: `${cluster.name}: I/O is ${Math.round((io / standard) * 100)}% of the cluster's cost at the assumed I/O rate; Aurora I/O-Optimized (storageType aurora-iopt1) would cost about ${dollars(standard - optimized)}/month less.`,
          savingsUsd: { baseline: cents(standard - optimized), ceiling: cents(standard - optimized) },
        });
      }
    }
  }
  return hints;
}

export function rightSizingHints(estimate: CostEstimate, resources: readonly CostResource[], usage: Usage, table: PriceTable, settings: HintSettings): Hint[] {
  return [...nodeHints(estimate, settings), ...auroraHints(estimate, resources, usage, table)];
}
