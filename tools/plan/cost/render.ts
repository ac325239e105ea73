/** Sentences and tables of the cost section, shared by the terminal summary and the PR comment. */
import { dollars, groupThousands, type CostChange } from "../../../policies/cost";
import type { CostSection } from "./index";

export { dollars };

/** A change with its sign; cents below $10, so a small change never reads as "+$0". */
export function signed(usd: number): string {
  const magnitude = Math.abs(usd);
  const text = magnitude < 10 ? magnitude.toFixed(2) : groupThousands(Math.round(magnitude));
  return `${usd < 0 ? "-" : "+"}$${text}`;
}

/** "type:Name" for a type token, short enough for a table. */
export function shortType(type: string): string {
  const [provider, module = "", name = ""] = type.split(":");
  return provider === "aws" ? `${module.split("/")[0]}.${name}` : `${provider}:${name || module}`;
}

export function provenance(cost: CostSection): string {
  const profile = cost.usage.profile ? `profile ${cost.usage.profile} of ${cost.usage.file}` : `defaults of ${cost.usage.file} (no profile for this environment)`;
  return `prices as of ${cost.prices.asOf} from ${cost.prices.file} (${cost.prices.origin}; ${cost.confidence.high}% of the baseline from high-confidence figures, ${cost.confidence.low}% low); usage: ${profile}; ${cost.hoursPerMonth} hours a month`;
}

export function headline(cost: CostSection): string {
  return `${dollars(cost.total.baselineUsd)}/month at desired capacity, ${dollars(cost.total.ceilingUsd)} with every node pool at its maximum (fixed ${dollars(cost.total.fixedUsd)}, usage-based ${dollars(cost.total.usageUsd)})`;
}

export function spotLines(cost: CostSection): string[] {
  return cost.pools.map((p) => {
    const share = (s: { spot: number; spotPercent: number }, n: number) => `${s.spot} of ${n} Spot (${Math.round(s.spotPercent)}%)`;
    return `${p.region} ${p.name}: ${share(p.baseline, p.desired)} at desired capacity, ${share(p.ceiling, p.max)} at max`;
  });
}

export function assumptionLines(cost: CostSection): string[] {
  return cost.assumptions.map((a) => {
    const regional = Object.entries(a.byRegion).map(([r, v]) => `${r}: ${v}`);
    return `${a.key} = ${a.value}${regional.length ? ` (${regional.join(", ")})` : ""} ${a.unit}`;
  });
}

export function unpricedLines(cost: CostSection): string[] {
  return cost.unpriced.map((u) => `${u.region} ${shortType(u.type)} ${u.name}: ${u.reason}`);
}

export function changeHeadline(change: CostChange): string {
  const percent = change.percent === null ? "" : ` (${change.percent >= 0 ? "+" : ""}${change.percent}%)`;
  return `${signed(change.delta.baselineUsd)}/month at desired capacity${percent}, ${signed(change.delta.ceilingUsd)} at the ceiling (${dollars(change.base.baselineUsd)} → ${dollars(change.current.baselineUsd)})`;
}

export function changeDetail(change: CostChange, limit = 6): string[] {
  const lines: string[] = [];
  if (change.byRegion.length) lines.push(`by region: ${change.byRegion.slice(0, limit).map((r) => `${r.region} ${signed(r.baselineUsd)} (ceiling ${signed(r.ceilingUsd)})`).join(", ")}`);
  if (change.byType.length) lines.push(`by type: ${change.byType.slice(0, limit).map((t) => `${shortType(t.type)} ${signed(t.baselineUsd)}`).join(", ")}${change.byType.length > limit ? `, … ${change.byType.length - limit} more` : ""}`);
  return lines;
}
